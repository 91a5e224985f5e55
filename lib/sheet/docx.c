/*
 * The DOCX text reader (docx.h): the zip package checked before anything
 * is inflated, word/document.xml streamed through expat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <zip.h>

#include "docx.h"
#include "xmalloc.h"

#define CHUNK		65536
#define RATIO_FLOOR	(1024 * 1024)
#define NS_SEP		'\x01'
#define MAIN_PART	"word/document.xml"

void
docx_limits_default(struct docx_limits *l)
{
	l->input = 32u << 20;
	l->entries = 2000;
	l->part = 64u << 20;
	l->ratio = 100;
	l->depth = 256;
	l->text = 2u << 20;
}

struct rd {
	const struct docx_limits *lim;
	XML_Parser	 p;
	char		*out;
	size_t		 len, cap;
	unsigned	 depth;
	int		 in_t;		/* inside w:t */
	int		 tables;	/* open w:tbl */
	int		 cells;		/* cells begun in the current row */
	int		 cell_paras;	/* paragraphs ended in the current cell */
	char		*err;
};

static void
fail(struct rd *r, const char *msg)
{
	if (r->err == NULL)
		r->err = xstrdup(msg);
	XML_StopParser(r->p, XML_FALSE);
}

static void
put(struct rd *r, const char *s, size_t n)
{
	if (r->err != NULL)
		return;
	if (r->len + n > r->lim->text) {
		fail(r, "文件的文字过多，超过起草的上限");
		return;
	}
	if (r->len + n + 1 > r->cap) {
		r->cap = (r->len + n + 1) * 2;
		if (r->cap > r->lim->text + 1)
			r->cap = r->lim->text + 1;
		r->out = xreallocarray(r->out, r->cap, 1);
	}
	memcpy(r->out + r->len, s, n);
	r->len += n;
	r->out[r->len] = '\0';
}

static const char *
local(const char *name)
{
	const char	*s = strrchr(name, NS_SEP);

	return (s != NULL ? s + 1 : name);
}

static void XMLCALL
on_start(void *u, const char *name, const char **attr)
{
	struct rd	*r = u;
	const char	*n = local(name);

	(void)attr;
	if (++r->depth > r->lim->depth) {
		fail(r, "文件的 XML 嵌套过深");
		return;
	}
	if (strcmp(n, "t") == 0)
		r->in_t = 1;
	else if (strcmp(n, "tab") == 0)
		put(r, " ", 1);
	else if (strcmp(n, "br") == 0 || strcmp(n, "cr") == 0)
		put(r, r->tables > 0 ? " " : "\n", 1);
	else if (strcmp(n, "tbl") == 0) {
		if (r->tables == 0 && r->len > 0 && r->out[r->len - 1] != '\n')
			put(r, "\n", 1);
		r->tables++;
	} else if (strcmp(n, "tr") == 0 && r->tables == 1)
		r->cells = 0;
	else if (strcmp(n, "tc") == 0 && r->tables == 1) {
		if (r->cells++ > 0)
			put(r, "\t", 1);
		r->cell_paras = 0;
	} else if (strcmp(n, "p") == 0 && r->tables > 0 &&
	    r->cell_paras++ > 0)
		put(r, " ", 1);
}

static void XMLCALL
on_end(void *u, const char *name)
{
	struct rd	*r = u;
	const char	*n = local(name);

	r->depth--;
	if (strcmp(n, "t") == 0)
		r->in_t = 0;
	else if (strcmp(n, "p") == 0 && r->tables == 0)
		put(r, "\n", 1);
	else if (strcmp(n, "tr") == 0 && r->tables == 1)
		put(r, "\n", 1);
	else if (strcmp(n, "tbl") == 0 && r->tables > 0)
		r->tables--;
}

static void XMLCALL
on_text(void *u, const char *s, int n)
{
	struct rd	*r = u;

	if (r->in_t && n > 0)
		put(r, s, (size_t)n);
}

static void XMLCALL
on_doctype(void *u, const char *name, const char *sys, const char *pub,
    int internal)
{
	(void)name, (void)sys, (void)pub, (void)internal;
	fail(u, "文件含 DTD，不予读取");
}

static void XMLCALL
on_entity(void *u, const char *name, int pe, const char *v, int vlen,
    const char *base, const char *sys, const char *pub, const char *notation)
{
	(void)name, (void)pe, (void)v, (void)vlen, (void)base, (void)sys;
	(void)pub, (void)notation;
	fail(u, "文件含实体声明，不予读取");
}

/* Checks the package's entries before anything is inflated; returns the
 * index of the main part or -1 with *cause. */
static zip_int64_t
entries(zip_t *za, const struct docx_limits *lim, zip_uint64_t *comp,
    char **cause)
{
	zip_int64_t	 n = zip_get_num_entries(za, 0), main = -1;
	zip_stat_t	 st;

	if (n < 0 || (zip_uint64_t)n > lim->entries) {
		*cause = xprintf("压缩包内文件过多：%lld 个，上限 %zu 个",
		    (long long)n, lim->entries);
		return (-1);
	}
	for (zip_int64_t i = 0; i < n; i++) {
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0 ||
		    (st.valid & ZIP_STAT_NAME) == 0) {
			*cause = xprintf("压缩包第 %lld 个文件无法读取",
			    (long long)i + 1);
			return (-1);
		}
		if (strcasecmp(st.name, MAIN_PART) != 0)
			continue;
		if (main >= 0) {
			*cause = xprintf("压缩包内 %s 重复", MAIN_PART);
			return (-1);
		}
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
		    st.encryption_method != ZIP_EM_NONE) {
			*cause = xprintf("文件已加密，不予读取");
			return (-1);
		}
		if ((st.valid & ZIP_STAT_COMP_METHOD) &&
		    st.comp_method != ZIP_CM_STORE &&
		    st.comp_method != ZIP_CM_DEFLATE) {
			*cause = xprintf("文件的压缩方式（%d）不受支持",
			    (int)st.comp_method);
			return (-1);
		}
		if ((st.valid & ZIP_STAT_SIZE) && st.size > lim->part) {
			*cause = xprintf("%s 解压后 %llu 字节，超过 %zu 字节的上限"
			    "（疑似 zip 炸弹）", MAIN_PART,
			    (unsigned long long)st.size, lim->part);
			return (-1);
		}
		*comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
		main = i;
	}
	if (main < 0)
		*cause = xprintf("不是有效的 DOCX 文件：缺少 %s", MAIN_PART);
	return (main);
}

static int
part_read(zip_t *za, zip_int64_t idx, zip_uint64_t comp, struct rd *r,
    char **cause)
{
	zip_file_t	*zf;
	zip_int64_t	 n;
	zip_uint64_t	 got = 0;
	char		*buf;
	int		 rc = -1;

	if ((zf = zip_fopen_index(za, (zip_uint64_t)idx, 0)) == NULL) {
		*cause = xprintf("%s 无法读取：%s", MAIN_PART, zip_strerror(za));
		return (-1);
	}
	buf = xmalloc(CHUNK);
	for (;;) {
		n = zip_fread(zf, buf, CHUNK);
		if (n < 0) {
			*cause = xprintf("%s 已损坏，无法解压", MAIN_PART);
			break;
		}
		got += (zip_uint64_t)n;
		if (got > r->lim->part || (got > RATIO_FLOOR &&
		    got / (comp > 0 ? comp : 1) > r->lim->ratio)) {
			*cause = xprintf("%s 解压后过大或压缩比过高（疑似 zip 炸弹）",
			    MAIN_PART);
			break;
		}
		if (XML_Parse(r->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
			*cause = r->err != NULL ? xstrdup(r->err) :
			    xprintf("%s:%lu:%lu：XML 格式有误：%s", MAIN_PART,
			    (unsigned long)XML_GetCurrentLineNumber(r->p),
			    (unsigned long)XML_GetCurrentColumnNumber(r->p) + 1,
			    XML_ErrorString(XML_GetErrorCode(r->p)));
			break;
		}
		if (n == 0) {
			rc = 0;
			break;
		}
	}
	free(buf);
	zip_fclose(zf);
	return (rc);
}

char *
docx_text(const char *buf, size_t len, const struct docx_limits *lim,
    size_t *textlen, char **cause)
{
	struct docx_limits def;
	struct rd	 r;
	zip_error_t	 ze;
	zip_source_t	*src;
	zip_t		*za;
	zip_int64_t	 idx;
	zip_uint64_t	 comp = 0;

	*cause = NULL;
	if (lim == NULL) {
		docx_limits_default(&def);
		lim = &def;
	}
	if (len > lim->input) {
		*cause = xprintf("文件过大：%zu 字节，上限 %zu 字节", len,
		    lim->input);
		return (NULL);
	}
	if (len < 22) {
		*cause = xprintf("不是 DOCX 文件（不是 zip 压缩包）");
		return (NULL);
	}
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(buf, len, 0, &ze)) == NULL) {
		*cause = xprintf("%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return (NULL);
	}
	if ((za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
	    &ze)) == NULL) {
		*cause = zip_error_code_zip(&ze) == ZIP_ER_NOZIP ?
		    xprintf("不是 DOCX 文件（不是 zip 压缩包）") :
		    xprintf("不是有效的 DOCX 文件：压缩包已损坏或不完整（%s）",
		    zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return (NULL);
	}
	zip_error_fini(&ze);
	if ((idx = entries(za, lim, &comp, cause)) < 0) {
		zip_discard(za);
		return (NULL);
	}
	memset(&r, 0, sizeof r);
	r.lim = lim;
	if ((r.p = XML_ParserCreateNS(NULL, NS_SEP)) == NULL) {
		*cause = xprintf("无法创建 XML 解析器");
		zip_discard(za);
		return (NULL);
	}
	XML_SetUserData(r.p, &r);
	XML_SetElementHandler(r.p, on_start, on_end);
	XML_SetCharacterDataHandler(r.p, on_text);
	XML_SetStartDoctypeDeclHandler(r.p, on_doctype);
	XML_SetEntityDeclHandler(r.p, on_entity);
	XML_SetParamEntityParsing(r.p, XML_PARAM_ENTITY_PARSING_NEVER);
	if (part_read(za, idx, comp, &r, cause) != 0) {
		free(r.out);
		r.out = NULL;
	} else if (r.out == NULL)
		r.out = xstrdup("");
	XML_ParserFree(r.p);
	free(r.err);
	zip_discard(za);
	if (r.out != NULL)
		*textlen = r.len;
	return (r.out);
}

static int
name_ends(const char *name, const char *ext)
{
	size_t	 n = strlen(name), m = strlen(ext);

	return (n >= m && strcasecmp(name + n - m, ext) == 0);
}

int
docx_is(const char *name, const char *buf, size_t len)
{
	if (name != NULL && *name != '\0' && strchr(name, '.') != NULL)
		return (name_ends(name, ".docx"));
	return (len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0);
}

char *
docx_document_text(const char *name, const char *buf, size_t len,
    size_t *textlen, int *unsupported, char **cause)
{
	static const char *const other[] = { ".doc", ".wps", ".pdf", ".rtf",
	    ".odt", ".xlsx", ".xls", ".et", NULL };
	char	*t;

	*unsupported = 0;
	*cause = NULL;
	for (int i = 0; name != NULL && other[i] != NULL; i++)
		if (name_ends(name, other[i])) {
			*unsupported = 1;
			*cause = xprintf("不支持的文件类型“%s”：请上传 DOCX 或 "
			    "UTF-8 编码的 TXT 文件", other[i]);
			return (NULL);
		}
	if (docx_is(name, buf, len))
		return (docx_text(buf, len, NULL, textlen, cause));
	t = xmalloc(len + 1);
	memcpy(t, buf, len);
	t[len] = '\0';
	*textlen = len;
	return (t);
}
