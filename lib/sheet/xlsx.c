/*
 * The XLSX reader (xlsx.h): the zip package, each XML part streamed
 * through expat, and the limits that every step is held to.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xlsx-int.h"
#include "xmalloc.h"

#define CHUNK		65536		/* bytes inflated per zip_fread */
#define RATIO_FLOOR	(1024 * 1024)	/* ratio not checked below this */
#define NS_SEP		'\x01'		/* expat's namespace separator */

void
xlsx_limits_default(struct xlsx_limits *l)
{
	l->input = 32u << 20;
	l->entries = 1000;
	l->part = 64u << 20;
	l->total = 256u << 20;
	l->ratio = 100;
	l->strings = 1000000;
	l->string_bytes = 32u << 20;
	l->cells = 1000000;
	l->book_cells = 2000000;
	l->rows = XLSX_MAX_ROWS;
	l->cols = XLSX_MAX_COLS;
	l->text = 32767 * 3;		/* Excel's 32,767 characters */
	l->depth = 64;
	l->sheets = 256;
	l->names = 1000;
}

/* ---------------------------------------------------------------- */
/* A1 references */

void
xlsx_ref(unsigned row, unsigned col, char *ref)
{
	char		 letters[8];
	size_t		 n = 0;
	unsigned	 c = col;

	while (c > 0 && n < sizeof letters) {
		letters[n++] = 'A' + (c - 1) % 26;
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		ref[i] = letters[n - 1 - i];
	snprintf(ref + n, XLSX_REF_MAX - n, "%u", row);
}

/* Parses the reference at *sp, leaving *sp after it. */
int
xlsx_ref_at(const char **sp, unsigned *row, unsigned *col)
{
	const char	*s = *sp;
	unsigned long	 r = 0, c = 0;
	int		 nl = 0, nd = 0;

	if (*s == '$')
		s++;
	while (*s >= 'A' && *s <= 'Z' && nl < 4) {
		c = c * 26 + (unsigned long)(*s++ - 'A' + 1);
		nl++;
	}
	if (*s == '$')
		s++;
	while (*s >= '0' && *s <= '9' && nd < 8) {
		r = r * 10 + (unsigned long)(*s++ - '0');
		nd++;
	}
	if (nl == 0 || nd == 0 || r == 0 || r > XLSX_MAX_ROWS ||
	    c > XLSX_MAX_COLS || (*s >= '0' && *s <= '9') ||
	    (*s >= 'A' && *s <= 'Z'))
		return (-1);
	*row = (unsigned)r;
	*col = (unsigned)c;
	*sp = s;
	return (0);
}

int
xlsx_parse_ref(const char *s, unsigned *row, unsigned *col)
{
	unsigned	r, c;

	if (xlsx_ref_at(&s, &r, &c) != 0 || *s != '\0')
		return (-1);
	*row = r;
	*col = c;
	return (0);
}

/* ---------------------------------------------------------------- */
/* The XML parser of one part (its state: xlsx-int.h) */

static const char *const el_names[] = {
	"", "Relationship", "sheet", "definedName", "si", "r", "t",
	"rPh", "sheetData", "row", "c", "v", "f", "is", "mergeCells",
	"mergeCell",
};

void
xlsx_xp_fail(struct xp *x, const char *fmt, ...)
{
	va_list	ap;

	if (x->err == NULL) {
		va_start(ap, fmt);
		xvasprintf(&x->err, fmt, ap);
		va_end(ap);
	}
	XML_StopParser(x->p, XML_FALSE);
}

const char *
xlsx_attr(const char **attr, const char *local)
{
	for (size_t i = 0; attr[i] != NULL; i += 2) {
		const char *n = strrchr(attr[i], NS_SEP);

		n = n != NULL ? n + 1 : attr[i];
		if (strcmp(n, local) == 0)
			return (attr[i + 1]);
	}
	return (NULL);
}

static enum el
el_of(const char *name)
{
	const char *n = strrchr(name, NS_SEP);

	n = n != NULL ? n + 1 : name;
	for (size_t i = 1; i < sizeof el_names / sizeof el_names[0]; i++)
		if (strcmp(n, el_names[i]) == 0)
			return ((enum el)i);
	return (E_OTHER);
}

static void
on_start(void *u, const char *name, const char **attr)
{
	struct xp	*x = u;
	enum el		 e = el_of(name);
	enum el		 parent = x->depth > 0 ? x->stack[x->depth - 1] : E_OTHER;

	if (x->err != NULL)
		return;
	if (x->depth >= x->rd->lim->depth) {
		xlsx_xp_fail(x, "%s：XML 元素嵌套超过 %u 层上限", x->part,
		    x->rd->lim->depth);
		return;
	}
	x->stack[x->depth++] = e;
	if (x->start != NULL)
		x->start(x, e, parent, attr);
}

static void
on_end(void *u, const char *name)
{
	struct xp	*x = u;

	(void)name;
	if (x->err != NULL || x->depth == 0)
		return;
	x->depth--;
	if (x->end != NULL)
		x->end(x, x->stack[x->depth],
		    x->depth > 0 ? x->stack[x->depth - 1] : E_OTHER);
}

static void
text_where(struct xp *x, char *buf, size_t size)
{
	if (x->sheet != NULL && x->where[0] != '\0')
		snprintf(buf, size, "%s!%s", x->sheet, x->where);
	else
		snprintf(buf, size, "%s", x->part);
}

static void
on_text(void *u, const char *s, int len)
{
	struct xp	*x = u;
	char		 where[512];

	if (!x->capture || x->err != NULL || len <= 0)
		return;
	if ((size_t)len > x->rd->lim->text - x->len) {
		text_where(x, where, sizeof where);
		xlsx_xp_fail(x, "%s：文字超过 %zu 字节上限", where,
		    x->rd->lim->text);
		return;
	}
	if (x->len + (size_t)len + 1 > x->cap) {
		size_t cap = x->cap == 0 ? 256 : x->cap;

		while (cap < x->len + (size_t)len + 1)
			cap *= 2;
		x->text = xreallocarray(x->text, cap, 1);
		x->cap = cap;
	}
	memcpy(x->text + x->len, s, (size_t)len);
	x->len += (size_t)len;
	x->text[x->len] = '\0';
}

/* A DTD could declare entities (billion laughs) or fetch files: none. */
static void
on_doctype(void *u, const char *name, const char *sysid, const char *pubid,
    int internal)
{
	struct xp	*x = u;

	(void)name, (void)sysid, (void)pubid, (void)internal;
	xlsx_xp_fail(x, "%s：含有 DTD 声明（<!DOCTYPE>），不予读取", x->part);
}

static void
on_entity(void *u, const char *name, int pe, const char *value, int vlen,
    const char *base, const char *sysid, const char *pubid,
    const char *notation)
{
	struct xp	*x = u;

	(void)name, (void)pe, (void)value, (void)vlen, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	xlsx_xp_fail(x, "%s：含有实体声明，不予读取", x->part);
}

void
xlsx_text_reset(struct xp *x)
{
	x->len = 0;
	if (x->text != NULL)
		x->text[0] = '\0';
}

const char *
xlsx_text_get(struct xp *x)
{
	return (x->text != NULL ? x->text : "");
}

/* ---------------------------------------------------------------- */
/* The package */

static char *
zip_cause(zip_error_t *ze)
{
	return (xprintf("%s", zip_error_strerror(ze)));
}

/* A part name that stays inside the package: no absolute path, no "..",
 * ".", empty segment or backslash. */
static int
name_safe(const char *n)
{
	const char	*s = n, *e;

	if (*n == '\0' || *n == '/' || strchr(n, '\\') != NULL)
		return (0);
	for (;;) {
		e = strchr(s, '/');
		size_t len = e != NULL ? (size_t)(e - s) : strlen(s);

		if ((len == 0 && e != NULL) || (len == 1 && s[0] == '.') ||
		    (len == 2 && s[0] == '.' && s[1] == '.'))
			return (0);
		if (e == NULL)
			return (1);
		s = e + 1;
	}
}

static int
cmp_names(const void *a, const void *b)
{
	return (strcasecmp(*(const char *const *)a, *(const char *const *)b));
}

/* Checks every entry before anything is inflated. */
static int
entries_check(struct rd *rd, char **cause)
{
	const struct xlsx_limits *lim = rd->lim;
	zip_int64_t	 n = zip_get_num_entries(rd->za, 0);
	const char	**names;
	zip_stat_t	 st;
	int		 rc = -1;

	if (n < 0 || (zip_uint64_t)n > lim->entries) {
		*cause = xprintf("压缩包内文件过多：%lld 个，上限 %zu 个",
		    (long long)n, lim->entries);
		return (-1);
	}
	names = xcalloc((size_t)n + 1, sizeof *names);
	for (zip_int64_t i = 0; i < n; i++) {
		if (zip_stat_index(rd->za, (zip_uint64_t)i, 0, &st) != 0 ||
		    (st.valid & ZIP_STAT_NAME) == 0) {
			*cause = xprintf("压缩包第 %lld 个文件无法读取：%s",
			    (long long)i + 1, zip_strerror(rd->za));
			goto out;
		}
		names[i] = st.name;
		if (!name_safe(st.name)) {
			*cause = xprintf("压缩包内文件名不安全（绝对路径或含“..”）："
			    "%.200s", st.name);
			goto out;
		}
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
		    st.encryption_method != ZIP_EM_NONE) {
			*cause = xprintf("压缩包内文件已加密，不予读取：%.200s",
			    st.name);
			goto out;
		}
		if ((st.valid & ZIP_STAT_COMP_METHOD) &&
		    st.comp_method != ZIP_CM_STORE &&
		    st.comp_method != ZIP_CM_DEFLATE) {
			*cause = xprintf("压缩包内文件的压缩方式（%d）不受支持：%.200s",
			    (int)st.comp_method, st.name);
			goto out;
		}
		if ((st.valid & ZIP_STAT_SIZE) && st.size > lim->part) {
			*cause = xprintf("压缩包内文件 %.200s 解压后 %llu 字节，"
			    "超过每个文件 %zu 字节的上限（疑似 zip 炸弹）",
			    st.name, (unsigned long long)st.size, lim->part);
			goto out;
		}
	}
	qsort(names, (size_t)n, sizeof *names, cmp_names);
	for (zip_int64_t i = 1; i < n; i++)
		if (strcasecmp(names[i - 1], names[i]) == 0) {
			*cause = xprintf("压缩包内文件名重复：%.200s", names[i]);
			goto out;
		}
	rc = 0;
out:
	free(names);
	return (rc);
}

/*
 * Streams the part through a parser set up with x's handlers.  Returns 0,
 * or -1 with *cause set.  A missing part is an error unless optional, in
 * which case 1 is returned.
 */
int
xlsx_part_parse(struct rd *rd, struct xp *x, const char *name, int optional,
    char **cause)
{
	const struct xlsx_limits *lim = rd->lim;
	zip_int64_t	 idx;
	zip_stat_t	 st;
	zip_file_t	*zf = NULL;
	zip_int64_t	 n;
	zip_uint64_t	 comp = 0, got = 0;
	char		*buf = NULL;
	int		 rc = -1;

	x->rd = rd;
	x->part = name;
	idx = zip_name_locate(rd->za, name, ZIP_FL_NOCASE);
	if (idx < 0) {
		if (optional)
			return (1);
		*cause = xprintf("不是有效的 XLSX 文件：缺少 %.200s", name);
		return (-1);
	}
	if (zip_stat_index(rd->za, (zip_uint64_t)idx, 0, &st) == 0 &&
	    (st.valid & ZIP_STAT_COMP_SIZE))
		comp = st.comp_size;
	x->p = XML_ParserCreateNS(NULL, NS_SEP);
	if (x->p == NULL) {
		*cause = xprintf("%s：无法创建 XML 解析器", name);
		return (-1);
	}
	x->stack = xcalloc(lim->depth + 1, sizeof *x->stack);
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);

	if ((zf = zip_fopen_index(rd->za, (zip_uint64_t)idx, 0)) == NULL) {
		*cause = xprintf("%s 无法读取：%s", name, zip_strerror(rd->za));
		goto out;
	}
	buf = xmalloc(CHUNK);
	for (;;) {
		n = zip_fread(zf, buf, CHUNK);
		if (n < 0) {
			*cause = xprintf("%s 已损坏，无法解压：%s", name,
			    zip_error_strerror(zip_file_get_error(zf)));
			goto out;
		}
		got += (zip_uint64_t)n;
		rd->total += (size_t)n;
		if (got > lim->part) {
			*cause = xprintf("%s 解压后超过每个文件 %zu 字节的上限"
			    "（疑似 zip 炸弹）", name, lim->part);
			goto out;
		}
		if (rd->total > lim->total) {
			*cause = xprintf("解压总量超过 %zu 字节的上限"
			    "（疑似 zip 炸弹）", lim->total);
			goto out;
		}
		if (got > RATIO_FLOOR && got / (comp > 0 ? comp : 1) >
		    lim->ratio) {
			*cause = xprintf("%s 的压缩比超过 %u 倍的上限"
			    "（疑似 zip 炸弹）", name, lim->ratio);
			goto out;
		}
		if (XML_Parse(x->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			if (x->err != NULL) {
				*cause = x->err;
				x->err = NULL;
			} else
				*cause = xprintf("%s:%lu:%lu：XML 格式有误：%s",
				    name,
				    (unsigned long)XML_GetCurrentLineNumber(x->p),
				    (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1,
				    XML_ErrorString(XML_GetErrorCode(x->p)));
			goto out;
		}
		if (n == 0)
			break;
	}
	rc = 0;
out:
	free(buf);
	if (zf != NULL)
		zip_fclose(zf);
	XML_ParserFree(x->p);
	x->p = NULL;
	free(x->stack);
	x->stack = NULL;
	free(x->text);
	x->text = NULL;
	x->len = x->cap = 0;
	free(x->err);
	x->err = NULL;
	return (rc);
}

/* ---------------------------------------------------------------- */
/* xl/_rels/workbook.xml.rels */

/* "worksheets/sheet1.xml" relative to xl/, or "/xl/…" from the root. */
static char *
rel_resolve(const char *target)
{
	char	*n;

	if (target[0] == '/')
		n = xstrdup(target + 1);
	else
		n = xprintf("xl/%s", target);
	if (!name_safe(n)) {
		free(n);
		return (NULL);
	}
	return (n);
}

static void
rels_start(struct xp *x, enum el e, enum el parent, const char **attr)
{
	struct rd	*rd = x->rd;
	const char	*id, *type, *target, *mode, *slash;
	struct rel	*r;

	(void)parent;
	if (e != E_RELATIONSHIP)
		return;
	id = xlsx_attr(attr, "Id");
	type = xlsx_attr(attr, "Type");
	target = xlsx_attr(attr, "Target");
	mode = xlsx_attr(attr, "TargetMode");
	if (id == NULL || type == NULL || target == NULL)
		return;
	if (rd->nrels >= rd->lim->entries) {
		xlsx_xp_fail(x, "%s：关系条目超过 %zu 个上限", x->part,
		    rd->lim->entries);
		return;
	}
	if (mode != NULL && strcmp(mode, "External") == 0)
		return;		/* a link out of the package: never read */
	rd->rels = xreallocarray(rd->rels, rd->nrels + 1, sizeof *rd->rels);
	r = &rd->rels[rd->nrels];
	if ((r->target = rel_resolve(target)) == NULL) {
		xlsx_xp_fail(x, "%s：部件路径不安全：%.200s", x->part, target);
		return;
	}
	slash = strrchr(type, '/');
	r->type = xstrdup(slash != NULL ? slash + 1 : type);
	r->id = xstrdup(id);
	rd->nrels++;
}

const struct rel *
xlsx_rel_find(const struct rd *rd, const char *id, const char *type)
{
	for (size_t i = 0; i < rd->nrels; i++)
		if ((id == NULL || strcmp(rd->rels[i].id, id) == 0) &&
		    (type == NULL || strcmp(rd->rels[i].type, type) == 0))
			return (&rd->rels[i]);
	return (NULL);
}

/* ---------------------------------------------------------------- */
/* xl/workbook.xml */

static void
book_start(struct xp *x, enum el e, enum el parent, const char **attr)
{
	struct rd		*rd = x->rd;
	struct xlsx_book	*b = rd->book;
	const char		*name, *state, *rid, *local, *hidden;

	(void)parent;
	if (e == E_SHEET) {
		name = xlsx_attr(attr, "name");
		state = xlsx_attr(attr, "state");
		rid = xlsx_attr(attr, "id");
		if (name == NULL || rid == NULL) {
			xlsx_xp_fail(x, "%s：工作表缺少名称或关系编号", x->part);
			return;
		}
		if (b->nsheets >= rd->lim->sheets) {
			xlsx_xp_fail(x, "工作表超过 %zu 个上限", rd->lim->sheets);
			return;
		}
		if (strlen(name) > 255) {
			xlsx_xp_fail(x, "工作表名称过长：%.60s…", name);
			return;
		}
		for (size_t i = 0; i < b->nsheets; i++)
			if (strcmp(b->sheets[i].name, name) == 0) {
				xlsx_xp_fail(x, "工作表名称重复：%s", name);
				return;
			}
		b->sheets = xreallocarray(b->sheets, b->nsheets + 1,
		    sizeof *b->sheets);
		rd->sheet_rid = xreallocarray(rd->sheet_rid, b->nsheets + 1,
		    sizeof *rd->sheet_rid);
		memset(&b->sheets[b->nsheets], 0, sizeof b->sheets[0]);
		b->sheets[b->nsheets].name = xstrdup(name);
		if (state != NULL && strcmp(state, "hidden") == 0)
			b->sheets[b->nsheets].state = XLSX_HIDDEN;
		else if (state != NULL && strcmp(state, "veryHidden") == 0)
			b->sheets[b->nsheets].state = XLSX_VERY_HIDDEN;
		rd->sheet_rid[rd->nrid++] = xstrdup(rid);
		b->nsheets++;
	} else if (e == E_DEFINEDNAME) {
		if ((name = xlsx_attr(attr, "name")) == NULL)
			return;
		if (b->nnames >= rd->lim->names) {
			xlsx_xp_fail(x, "定义的名称超过 %zu 个上限", rd->lim->names);
			return;
		}
		local = xlsx_attr(attr, "localSheetId");
		hidden = xlsx_attr(attr, "hidden");
		b->names = xreallocarray(b->names, b->nnames + 1,
		    sizeof *b->names);
		x->name = &b->names[b->nnames++];
		x->name->name = xstrndup(name, 255);
		x->name->value = NULL;
		x->name->sheet = -1;
		if (local != NULL) {
			char *end;
			long v;

			errno = 0;
			v = strtol(local, &end, 10);
			if (errno == 0 && *end == '\0' && end != local &&
			    v >= 0 && v < (long)rd->lim->sheets)
				x->name->sheet = (int)v;
		}
		x->name->hidden = hidden != NULL &&
		    (strcmp(hidden, "1") == 0 || strcmp(hidden, "true") == 0);
		xlsx_text_reset(x);
		x->capture = 1;
	}
}

static void
book_end(struct xp *x, enum el e, enum el parent)
{
	(void)parent;
	if (e == E_DEFINEDNAME && x->name != NULL) {
		x->name->value = xstrdup(xlsx_text_get(x));
		x->name = NULL;
		x->capture = 0;
	}
}

/* ---------------------------------------------------------------- */
/* xl/sharedStrings.xml: <si> holds a <t>, or runs <r><t>, and phonetic
 * hints <rPh><t> that are not part of the text. */

static void
sst_start(struct xp *x, enum el e, enum el parent, const char **attr)
{
	struct rd	*rd = x->rd;
	struct xlsx_book *b = rd->book;

	(void)attr;
	if (e == E_SI) {
		if (b->nstrings >= rd->lim->strings) {
			xlsx_xp_fail(x, "共享字符串超过 %zu 条上限",
			    rd->lim->strings);
			return;
		}
		xlsx_text_reset(x);
	} else if (e == E_T && (parent == E_SI || (parent == E_R &&
	    x->depth >= 3 && x->stack[x->depth - 3] == E_SI)))
		x->capture = 1;
}

static void
sst_end(struct xp *x, enum el e, enum el parent)
{
	struct rd	*rd = x->rd;
	struct xlsx_book *b = rd->book;

	(void)parent;
	if (e == E_T)
		x->capture = 0;
	else if (e == E_SI) {
		if (x->len > rd->lim->string_bytes - rd->string_bytes) {
			xlsx_xp_fail(x, "共享字符串总长超过 %zu 字节上限",
			    rd->lim->string_bytes);
			return;
		}
		rd->string_bytes += x->len;
		if (b->nstrings == rd->strings_cap) {
			rd->strings_cap = rd->strings_cap == 0 ? 64 :
			    rd->strings_cap * 2;
			b->strings = xreallocarray(b->strings, rd->strings_cap,
			    sizeof *b->strings);
		}
		b->strings[b->nstrings++] = xstrndup(xlsx_text_get(x), x->len);
	}
}

/* ---------------------------------------------------------------- */
/* The API */

static void
rd_free(struct rd *rd)
{
	for (size_t i = 0; i < rd->nrels; i++) {
		free(rd->rels[i].id);
		free(rd->rels[i].type);
		free(rd->rels[i].target);
	}
	free(rd->rels);
	for (size_t i = 0; i < rd->nrid; i++)
		free(rd->sheet_rid[i]);
	free(rd->sheet_rid);
}

struct xlsx_book *
xlsx_read(const void *buf, size_t len, const struct xlsx_limits *lim,
    char **cause)
{
	struct xlsx_limits	 def;
	struct rd		 rd;
	struct xp		 x;
	zip_error_t		 ze;
	zip_source_t		*src;
	const struct rel	*r;
	int			 zerr;

	*cause = NULL;
	if (lim == NULL) {
		xlsx_limits_default(&def);
		lim = &def;
	}
	if (len > lim->input) {
		*cause = xprintf("文件过大：%zu 字节，上限 %zu 字节", len,
		    lim->input);
		return (NULL);
	}
	if (len < 22) {		/* not even an end of central directory */
		*cause = xprintf("不是 XLSX 文件（不是 zip 压缩包）");
		return (NULL);
	}
	memset(&rd, 0, sizeof rd);
	rd.lim = lim;
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(len > 0 ? buf : "", len, 0,
	    &ze)) == NULL) {
		*cause = zip_cause(&ze);
		zip_error_fini(&ze);
		return (NULL);
	}
	if ((rd.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
	    &ze)) == NULL) {
		zerr = zip_error_code_zip(&ze);
		if (zerr == ZIP_ER_NOZIP)
			*cause = xprintf("不是 XLSX 文件（不是 zip 压缩包）");
		else
			*cause = xprintf("不是有效的 XLSX 文件：压缩包已损坏"
			    "或不完整（%s）", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return (NULL);
	}
	zip_error_fini(&ze);
	rd.book = xcalloc(1, sizeof *rd.book);
	if (entries_check(&rd, cause) != 0)
		goto fail;

	memset(&x, 0, sizeof x);
	x.start = rels_start;
	if (xlsx_part_parse(&rd, &x, "xl/_rels/workbook.xml.rels", 0, cause) != 0)
		goto fail;
	memset(&x, 0, sizeof x);
	x.start = book_start;
	x.end = book_end;
	if (xlsx_part_parse(&rd, &x, "xl/workbook.xml", 0, cause) != 0)
		goto fail;
	if ((r = xlsx_rel_find(&rd, NULL, "sharedStrings")) != NULL) {
		memset(&x, 0, sizeof x);
		x.start = sst_start;
		x.end = sst_end;
		if (xlsx_part_parse(&rd, &x, r->target, 0, cause) != 0)
			goto fail;
	}
	for (size_t i = 0; i < rd.book->nsheets; i++)
		if (xlsx_sheet_read(&rd, i, cause) != 0)
			goto fail;
	zip_discard(rd.za);
	rd_free(&rd);
	return (rd.book);
fail:
	zip_discard(rd.za);
	xlsx_free(rd.book);
	rd.book = NULL;
	rd_free(&rd);
	return (NULL);
}

void
xlsx_free(struct xlsx_book *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nsheets; i++) {
		struct xlsx_sheet *sh = &b->sheets[i];

		for (size_t k = 0; k < sh->ncells; k++)
			if (sh->cells[k].type != XLSX_SHARED)
				free((char *)sh->cells[k].value);
		free(sh->cells);
		free(sh->merges);
		free(sh->name);
	}
	free(b->sheets);
	for (size_t i = 0; i < b->nnames; i++) {
		free(b->names[i].name);
		free(b->names[i].value);
	}
	free(b->names);
	for (size_t i = 0; i < b->nstrings; i++)
		free(b->strings[i]);
	free(b->strings);
	free(b);
}

const struct xlsx_sheet *
xlsx_sheet(const struct xlsx_book *b, const char *name)
{
	for (size_t i = 0; i < b->nsheets; i++)
		if (strcmp(b->sheets[i].name, name) == 0)
			return (&b->sheets[i]);
	return (NULL);
}
