/*
 * libFuzzer harness for the 任务分解表 reader (lib/plan/sheetplan.h,
 * sheetplan_parse).  Two kinds of input:
 *   - any bytes as a workbook (seeds: the shipped plans' workbooks, the
 *     template and a few of the malformed corpus, written by
 *     test-sheetplan with SHEETPLAN_SEEDS=DIR);
 *   - "X" then the 任务分解表's sheet XML, "\n--\n", the 计划 sheet's
 *     XML: packaged here, uncompressed, with a fixed workbook around
 *     them, so that mutations reach the table's logic (headers, merges,
 *     task rows) instead of dying in the deflate stream (seeds x-*).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zip.h>

#include "diag.h"
#include "sheetplan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NS	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
		"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RT	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char workbook[] =
    "<workbook " NS "><sheets>"
    "<sheet name=\"任务分解表\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"计划\" sheetId=\"2\" r:id=\"rId2\"/>"
    "</sheets></workbook>";
static const char rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet2.xml\"/>"
    "</Relationships>";

static int
add(zip_t *za, const char *name, const void *data, size_t len)
{
	zip_source_t	*s = zip_source_buffer(za, data, len, 0);
	zip_int64_t	 i;

	if (s == NULL)
		return (-1);
	if ((i = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(s);
		return (-1);
	}
	return (zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0));
}

/* The package of the two sheets, malloc'd, or NULL. */
static char *
package(const char *s1, size_t l1, const char *s2, size_t l2, size_t *len)
{
	zip_error_t	 ze;
	zip_source_t	*src;
	zip_t		*za;
	zip_int64_t	 n;
	char		*buf = NULL;

	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL)
		return (NULL);
	zip_source_keep(src);
	if ((za = zip_open_from_source(src, ZIP_TRUNCATE, &ze)) == NULL) {
		zip_source_free(src);
		zip_source_free(src);
		return (NULL);
	}
	if (add(za, "[Content_Types].xml", "<Types/>", 8) != 0 ||
	    add(za, "xl/workbook.xml", workbook, strlen(workbook)) != 0 ||
	    add(za, "xl/_rels/workbook.xml.rels", rels, strlen(rels)) != 0 ||
	    add(za, "xl/worksheets/sheet1.xml", s1, l1) != 0 ||
	    add(za, "xl/worksheets/sheet2.xml", s2, l2) != 0 ||
	    zip_close(za) != 0) {
		zip_discard(za);
		zip_source_free(src);
		return (NULL);
	}
	if (zip_source_open(src) == 0) {
		zip_source_seek(src, 0, SEEK_END);
		n = zip_source_tell(src);
		zip_source_seek(src, 0, SEEK_SET);
		if (n > 0 && (buf = malloc((size_t)n)) != NULL &&
		    zip_source_read(src, buf, (zip_uint64_t)n) != n) {
			free(buf);
			buf = NULL;
		}
		*len = n > 0 ? (size_t)n : 0;
		zip_source_close(src);
	}
	zip_source_free(src);
	return (buf);
}

static void
parse(const void *buf, size_t len)
{
	struct diags	 d;
	json_t		*plan;
	size_t		 i;

	diags_init(&d);
	plan = sheetplan_parse("fuzz.xlsx", buf, len, &d);
	if (plan == NULL && d.n == 0)
		abort();	/* a refusal always says why */
	if (plan != NULL && d.n != 0)
		abort();	/* and an acceptance has nothing to say */
	for (i = 0; i < d.n; i++)
		if (d.v[i].sheet == NULL)
			abort();	/* every problem is at a cell or the book */
	json_decref(plan);
	diags_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *sep;
	char		*buf;
	size_t		 len;

	if (size > 0 && data[0] == 'X' && size < (1u << 20)) {
		p++;
		size--;
		sep = memmem(p, size, "\n--\n", 4);
		buf = sep == NULL ? package(p, size, "", 0, &len) :
		    package(p, (size_t)(sep - p), sep + 4,
		    size - (size_t)(sep + 4 - p), &len);
		if (buf != NULL)
			parse(buf, len);
		free(buf);
		return (0);
	}
	parse(data, size);
	return (0);
}
