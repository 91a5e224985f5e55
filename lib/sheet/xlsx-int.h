/*
 * Inside the XLSX reader (xlsx.c, xlsx-sheet.c): the read's state, the
 * XML parser of one part, and the helpers both files use.  Not for
 * anyone else: xlsx.h is the reader's interface.
 */
#ifndef DUBAN_XLSX_INT_H
#define DUBAN_XLSX_INT_H

#include <stddef.h>

#include <expat.h>
#include <zip.h>

#include "xlsx.h"

/* The elements the reader looks at, by local name (namespaces ignored:
 * transitional and strict OOXML use different ones). */
enum el {
	E_OTHER, E_RELATIONSHIP, E_SHEET, E_DEFINEDNAME, E_SI, E_R, E_T,
	E_RPH, E_SHEETDATA, E_ROW, E_C, E_V, E_F, E_IS, E_MERGECELLS,
	E_MERGECELL,
};

struct rel {
	char	*id;
	char	*type;		/* the last segment: "worksheet" … */
	char	*target;	/* the part's name in the zip */
};

struct rd {
	const struct xlsx_limits	*lim;
	zip_t				*za;
	size_t				 total;
	size_t				 book_cells;
	struct xlsx_book		*book;
	struct rel			*rels;
	size_t				 nrels;
	char				**sheet_rid;	/* per sheet */
	size_t				 nrid;
	size_t				 string_bytes;
	size_t				 strings_cap;
};

struct xp;
typedef void	(*start_fn)(struct xp *, enum el, enum el parent,
		    const char **attr);
typedef void	(*end_fn)(struct xp *, enum el, enum el parent);

struct xp {
	struct rd	*rd;
	XML_Parser	 p;
	const char	*part;
	const char	*sheet;		/* for messages about cells */
	enum el		*stack;
	unsigned	 depth;
	start_fn	 start;
	end_fn		 end;
	char		*err;
	/* the text being gathered */
	char		*text;
	size_t		 len, cap;
	int		 capture;
	char		 where[XLSX_REF_MAX];	/* the cell it belongs to */
	/* the worksheet's */
	struct xlsx_sheet *sh;
	size_t		 cells_cap, merges_cap;
	unsigned	 row, col;
	struct xlsx_cell cell;
	int		 has_value;
	/* the workbook's */
	struct xlsx_name *name;
};

/* xlsx.c */
void		 xlsx_xp_fail(struct xp *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*xlsx_attr(const char **attr, const char *local);
void		 xlsx_text_reset(struct xp *);
const char	*xlsx_text_get(struct xp *);
int		 xlsx_ref_at(const char **sp, unsigned *row, unsigned *col);
int		 xlsx_part_parse(struct rd *, struct xp *, const char *name,
		    int optional, char **cause);
const struct rel *xlsx_rel_find(const struct rd *, const char *id, const char *type);

/* xlsx-sheet.c */
int		 xlsx_sheet_read(struct rd *, size_t i, char **cause);

#endif
