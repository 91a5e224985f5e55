/*
 * Typed access to the fields of a YAML mapping (ytree.h), for the files
 * duban reads: each accessor checks what it finds and reports a problem
 * as a diagnostic in Chinese, at the offending node, naming the field
 * and what holds it ("what", e.g. "任务“a1”").  On a problem it returns
 * NULL (or -1) and the caller carries on, so that one reading reports
 * every problem, not just the first.
 */
#ifndef DUBAN_YFIELD_H
#define DUBAN_YFIELD_H

#include "date.h"
#include "diag.h"
#include "ytree.h"

#define YFIELD_KEY_MAX		64	/* a stable key's characters */
#define YFIELD_NAME_MAX		300	/* a name's bytes */

/* The file being read, and where its problems go. */
struct yfield_ctx {
	const char	*file;
	struct diags	*d;
};

/* A problem at a node. */
#define YFIELD_ERR(y, node, ...) \
	diags_add((y)->d, (y)->file, (node)->line, (node)->col, __VA_ARGS__)

/* Reports keys of map not in allowed (a NULL-terminated list), with the
 * nearest allowed key when one is close ("是否应为…"). */
void	 yfield_check_keys(struct yfield_ctx *, const struct ynode *map,
	    const char *const *allowed, const char *what);
/* n if it is a mapping, else NULL (reported). */
const struct ynode *yfield_map(struct yfield_ctx *, const struct ynode *n,
	    const char *what);
/*
 * The value of key in map, checked for its type.  A missing or null
 * value gives NULL; when required, that is reported at the mapping.
 */
const struct ynode *yfield_get(struct yfield_ctx *, const struct ynode *map,
	    const char *key, enum ynode_type, int required, const char *what);
/* Text with surrounding white space (full-width too) removed, allocated;
 * NULL if absent, empty or not text. */
char	*yfield_text(struct yfield_ctx *, const struct ynode *map,
	    const char *key, int required, const char *what);
/* A short name (office, person, unit) from a scalar: trimmed, bounded,
 * no white space inside; allocated, or NULL (reported). */
char	*yfield_name(struct yfield_ctx *, const struct ynode *v,
	    const char *what);
/* Whether s is a valid stable key: letters, digits, "-" (and "_", "."
 * unless lower_only, which also wants lower case), starting with a letter
 * or digit, at most YFIELD_KEY_MAX characters. */
int	 yfield_key_ok(const char *s, int lower_only);
/* map's required "key", allocated, or NULL (reported). */
char	*yfield_key(struct yfield_ctx *, const struct ynode *map,
	    const char *what, int lower_only);
/* A decimal number written without quotes (3000, 95.5), as allocated
 * text, or NULL. */
char	*yfield_number(struct yfield_ctx *, const struct ynode *map,
	    const char *key, int required, const char *what);
/* One of values (a NULL-terminated list): 0 and *out allocated (NULL when
 * absent), or -1 (reported) and *out NULL. */
int	 yfield_one_of(struct yfield_ctx *, const struct ynode *map,
	    const char *key, const char *const *values, const char *what,
	    char **out);
/*
 * A deadline form (deadline.h) for a plan of year: 1 with *out and *form
 * (allocated) if present and good, 0 if absent, -1 if bad (reported);
 * *form is NULL unless 1.
 */
int	 yfield_deadline(struct yfield_ctx *, const struct ynode *map,
	    const char *key, const char *what, int year, struct ymd *out,
	    char **form);

#endif
