# Writes a C file holding every migration's number, name and SQL text.
# Invoked as: cmake -DOUT=file.c -DFILES="a.sql;b.sql" -P embed-migrations.cmake
set(body "/* Generated from migrations/ by cmake/embed-migrations.cmake. */\n")
string(APPEND body "#include \"migrate.h\"\n\n")
set(entries "")
foreach(f IN LISTS FILES)
	get_filename_component(name ${f} NAME_WE)
	string(REGEX MATCH "^[0-9]+" num ${name})
	math(EXPR ver "${num}")
	file(READ ${f} sql HEX)
	# Emit the bytes as a hex array: exact, and no escaping to get wrong.
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${sql}")
	string(APPEND body "static const char m${ver}[] = {${bytes}0};\n")
	string(APPEND entries "\t{ ${ver}, \"${name}\", m${ver} },\n")
endforeach()
string(APPEND body "\nconst struct migration migrations_builtin[] = {\n${entries}\t{ 0, NULL, NULL }\n};\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
