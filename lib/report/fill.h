/*
 * The XLSX 填报表: an office's rows (duban_office_rows' JSON) written as
 * a workbook to fill offline in Excel, WPS or LibreOffice, and such a
 * workbook read back into the rows of a batch (duban_api_office_batch).
 * See docs/fill-format.md for the layout.
 *
 * Sheet 填报表: a title (office, round, due date), a note, the header
 * row, then one row per target and milestone from row FILL_FIRST_ROW:
 * A 序号, B 任务, C 指标, D 目标, E 上期 (locked); F 截至本期, G 完成情况,
 * H 取得成效, I 存在问题, J 下步措施 (unlocked).  The sheet is protected;
 * F holds a number ≥ 0 for a target and one of the status names for a
 * milestone (data validation).
 * Sheet 标识 (hidden, protected): what identifies the workbook: the
 * office, the round, and per row its kind, id and version, a digest of
 * each cell's value as written, and F's value as written, so that an
 * edited locked cell is found and only changed cells are sent.
 *
 * Callers: daemon/api-fill.c (on a worker thread), the unit tests.
 * Calls: libxlsxwriter, lib/sheet's reader, report.c's formatting.
 */
#ifndef DUBAN_FILL_H
#define DUBAN_FILL_H

#include <stdio.h>

#include <jansson.h>

#define FILL_SHEET		"填报表"
#define FILL_ID_SHEET		"标识"
#define FILL_FIRST_ROW		4		/* the first data row, from 1 */
#define FILL_COLS		10		/* A to J */
#define FILL_CONTENT_TYPE	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define FILL_MAX_ERRORS		50
#define FILL_MAX_UPLOAD		(32u << 20)	/* the reader's input limit */

/* Writes the 填报表 of rows (duban_office_rows' object) to path / f. */
int	fill_xlsx(const json_t *rows, const char *path, char **cause);
int	fill_render(const json_t *rows, FILE *f, char **cause);
/* "财务审计处填报表.xlsx", allocated. */
char	*fill_filename(const json_t *rows);

/* A 填报表 read back. */
struct fill_upload {
	long long	 office;	/* the office it was made for */
	long long	 dispatch;	/* its round, 0 for none */
	size_t		 nrows;		/* rows in the workbook */
	json_t		*batch;		/* {"dispatch", "rows": [{kind, id,
					   version, changed fields}]} */
	json_t		*cells;		/* per batch row: {"row": "填报表!A7",
					   field: "填报表!F7", ...} */
};

/*
 * Reads an uploaded 填报表 in buf[0..len).  Returns 0 and fills *u (free
 * it with fill_upload_free), or -1 and *errors, a JSON array of
 * {"cell": "填报表!F7" or null, "detail": "…"} (at most FILL_MAX_ERRORS),
 * naming every cell that is wrong: not a 填报表 of duban's, a locked cell
 * changed, a text in a number cell, an unknown status.
 */
int	fill_read(const void *buf, size_t len, struct fill_upload *u,
	    json_t **errors);
void	fill_upload_free(struct fill_upload *);
/* The office a 填报表 was made for (its 标识 sheet), or -1. */
long long fill_office(const void *buf, size_t len);

/*
 * The batch's problem (duban_api_office_batch's, with "errors": [{row,
 * field, detail…}]) with each error's cell added ("cell") and the detail
 * restated as "填报表!F7：…".  Returns a new object.
 */
json_t	*fill_problem_cells(const json_t *problem, const json_t *cells);

#endif
