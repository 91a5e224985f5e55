/*
 * A YAML document read into a tree of scalars, sequences and mappings,
 * every node with its position.  Reading is bounded in time and memory:
 * limits on file size, scalar size, nesting and node count are checked as
 * events arrive, and anchors, aliases, tags and multiple documents are
 * refused, so an alias bomb or a 10,000-deep nesting stops at its first
 * offending event.
 */
#ifndef DUBAN_YTREE_H
#define DUBAN_YTREE_H

#include <stddef.h>

#include "diag.h"

#define YTREE_MAX_FILE		(16u * 1024 * 1024)
#define YTREE_MAX_SCALAR	(64u * 1024)
#define YTREE_MAX_DEPTH		32
#define YTREE_MAX_NODES		1000000

enum ynode_type {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP
};

struct ynode {
	enum ynode_type	  type;
	int		  line, col;	/* 1-based; col in characters */
	int		  kline, kcol;	/* position of this value's key, or 0 */
	char		 *str;		/* scalar text, NUL-terminated */
	size_t		  len;
	int		  plain;	/* scalar written without quotes */
	struct ynode	**kids;		/* seq: items; map: key, value, … */
	size_t		  n;		/* seq: items; map: pairs */
	size_t		  cap;
	/*
	 * Set on the root ytree_parse() returns: the block all its nodes,
	 * texts and lists were cut from, freed whole by ytree_free().
	 * NULL in a tree built node by node with malloc (sheetplan.c).
	 */
	struct yarena	 *arena;
};

/*
 * Parses buf[0..len) (the contents of file, whose name is only used in
 * messages).  Returns the root node, or NULL after adding at least one
 * diagnostic.  An empty document gives NULL with a diagnostic too.
 */
struct ynode	*ytree_parse(const char *file, const char *buf, size_t len,
		    struct diags *);
/* Frees a tree: a parsed one's root at once, or a malloc'd one's nodes. */
void		 ytree_free(struct ynode *);

/*
 * Reads the file at path for ytree_parse(), refusing one that is not a
 * regular file or is larger than YTREE_MAX_FILE, without reading more
 * than one byte past the limit.  Returns its contents, allocated and
 * NUL-terminated, with their length in *len; or NULL after adding a
 * diagnostic.
 */
char		*ytree_read_file(const char *path, size_t *len, struct diags *);

/* Mapping lookup: the value for key, or NULL.  Keys are scalars. */
struct ynode	*ytree_get(const struct ynode *map, const char *key);
/* The i-th key / value of a mapping. */
#define YMAP_KEY(m, i)	((m)->kids[2 * (i)])
#define YMAP_VAL(m, i)	((m)->kids[2 * (i) + 1])

/* Is this scalar YAML's null (empty, ~, null)? */
int		 ytree_is_null(const struct ynode *);

#endif
