# Writes a C file holding every migration's number, name and SQL text:
# first the numbered migrations (FILES), then the repeatable files of
# functions and views (CODE), marked as such and numbered by position.
# Invoked as:
#   cmake -DOUT=file.c -DFILES="a.sql|b.sql" -DCODE="c.sql|d.sql" -P embed-migrations.cmake
set(body "/* Generated from migrations/ by cmake/embed-migrations.cmake. */\n")
string(APPEND body "#include \"migrate.h\"\n\n")
set(entries "")
string(REPLACE "|" ";" FILES "${FILES}")
string(REPLACE "|" ";" CODE "${CODE}")
foreach(f IN LISTS FILES)
	get_filename_component(name ${f} NAME_WE)
	string(REGEX MATCH "^[0-9]+" num ${name})
	math(EXPR ver "${num}")
	file(READ ${f} sql HEX)
	# Emit the bytes as a hex array: exact, and no escaping to get wrong.
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${sql}")
	string(APPEND body "static const char m${ver}[] = {${bytes}0};\n")
	string(APPEND entries "\t{ ${ver}, \"${name}\", m${ver}, 0 },\n")
endforeach()
set(pos 0)
foreach(f IN LISTS CODE)
	get_filename_component(name ${f} NAME_WE)
	math(EXPR pos "${pos} + 1")
	file(READ ${f} sql HEX)
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${sql}")
	string(APPEND body "static const char c${pos}[] = {${bytes}0};\n")
	string(APPEND entries "\t{ ${pos}, \"functions/${name}\", c${pos}, 1 },\n")
endforeach()
string(APPEND body "\nconst struct migration migrations_builtin[] = {\n${entries}\t{ 0, NULL, NULL, 0 }\n};\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
