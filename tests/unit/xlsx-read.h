/*
 * The quarterly report's workbook read back by a real reader for
 * test-report-xlsx.c: LibreOffice (headless, with a private profile)
 * converts every sheet to CSV, and the CSVs are parsed here.
 */
#ifndef DUBAN_TEST_XLSX_READ_H
#define DUBAN_TEST_XLSX_READ_H

#include <stddef.h>

#include <jansson.h>

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define G(o, k)		json_object_get((o), (k))
#define N(o, k)		json_integer_value(json_object_get((o), (k)))

#define SOFFICE		"/usr/bin/soffice"
#define SOFFICE_TIMEOUT	60	/* seconds; a start takes 1, 12 under load */

/*
 * LibreOffice 7.4's CSV export: comma, double quote, UTF-8; token 9
 * "save cell contents as shown" (0.0% as "80.0%", dates as formatted),
 * token 10 the formulas instead of their results, token 12 -1 every
 * sheet to NAME-SHEET.csv.
 */
#define CSV_SHOWN	"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
#define CSV_FORMULAS	"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,true,false,-1"

/* OOXMLRecalcMode: 0 always recalculate on load, 1 never. */
#define RECALC_ALWAYS	0
#define RECALC_NEVER	1

/* The sheets in the order the workbook has them. */
#define NSHEETS		6
extern const char *const sheets[NSHEETS];

/* CSV as LibreOffice writes it: RFC 4180 quoting, LF or CRLF. */
struct row {
	char	**f;
	size_t	  n;
};

struct csv {
	struct row	*rows;
	size_t		 n;
	char		*text;		/* the file, to compare */
};

/* Parses the CSV file at path; 0, or -1 if there is none. */
int		 csv_parse(struct csv *, const char *path);
void		 csv_free(struct csv *);
/* A cell, "" past the end. */
const char	*cell(const struct csv *, size_t row, size_t col);
/* The row whose first cell is label, or -1. */
long		 find_row(const struct csv *, const char *label);
/* The column of a table's header (row 2), or fails. */
size_t		 col_of(const struct csv *, const char *head, const char *ctx);
/* The figure next to a label on 总体. */
const char	*figure(const struct csv *, const char *label, const char *ctx);

/* A LibreOffice profile in dir/name that recalculates on load or not;
 * its URL. */
char		*profile(const char *dir, const char *name, int recalc);
/*
 * Converts the workbooks in xlsx (NULL-terminated, at most SOFFICE_FILES)
 * to CSVs in outdir with one LibreOffice start, HOME in dir, the given
 * profile and filter.  Killed (with what it started) after
 * SOFFICE_TIMEOUT seconds.  Fails the test unless it succeeds.
 */
#define SOFFICE_FILES	8
void		 soffice(const char *dir, const char *prof, const char *filter,
		    const char *outdir, const char *const *xlsx);
/* The CSV of one sheet that soffice wrote for base.xlsx. */
void		 sheet_csv(struct csv *, const char *outdir, const char *base,
		    const char *sheet);

/*
 * A fresh directory for one test, removed at its end (or kept in
 * $DUBAN_REPORT_XLSX_KEEP), and in any case with t_tmpdir() when the
 * test's process exits.
 */
char		*workdir(void);
void		 workdir_done(char *dir);

struct book {
	struct csv	 shown[NSHEETS];	/* recalculated */
	struct csv	 stored[NSHEETS];	/* the results in the file */
	struct csv	 formulas[NSHEETS];
};

/*
 * Writes r to dir/base.xlsx and reads it back three ways.  The file must
 * be a zip (PK) with a sheet per view (and a chart when there is a
 * burn-up).
 */
void		 book_read(struct book *, const json_t *r, const char *dir,
		    const char *base);
/*
 * The same for n reports at once (at most SOFFICE_FILES): b[i] is r[i]
 * written to dir/base[i].xlsx, all read with three LibreOffice starts
 * (a start costs far more than a workbook).  base[i] must differ.
 */
void		 books_read(struct book *b, const json_t *const *r,
		    const char *const *base, size_t n, const char *dir);
void		 book_free(struct book *);

#endif
