-- The words users read live in one table in C (lib/base/words.c, served
-- to the pages as GET /api/v1/words); the database carries the codes.
-- The dispatch state's words were a second copy, here.
DROP FUNCTION duban_dispatch_state_label(text);
