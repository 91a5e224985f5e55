/*
 * Office names in plan files: pure text rules, no I/O.
 * Callers: lib/plan/plan.c.
 */
#ifndef DUBAN_OFFICENAME_H
#define DUBAN_OFFICENAME_H

/* What an office named only in a task is: "group" (各县（市）区),
 * "department" (市财政局, another body) or "office" (the bureau's own). */
const char	*officename_kind(const char *name);

/*
 * When name seems to be several offices written as one (组干科、机关党委:
 * each part ends as office names do; a part's trailing parenthesis is
 * skipped, and names that only contain a joining word, 人力资源和社会保障局
 * or 各县（市、区）, are not taken apart): an allocated "两个处室：组干科；
 * 机关党委".  NULL when it is one name.
 */
char		*officename_parts(const char *name);

#endif
