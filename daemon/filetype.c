/*
 * Evidence files' types, from their content (see filetype.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <magic.h>

#include "filetype.h"
#include "xmalloc.h"

static magic_t		 cookie;
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;

#define DOCX	"application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* What each kind of content is called, and the suffixes it may have. */
struct kind {
	const char	*mime;		/* as libmagic names it */
	const char	*label;		/* for messages */
	const char	*suffixes;	/* ".a.b." */
	const char	*stored;	/* the type the file is served with */
};

static const struct kind kinds[] = {
	{ "application/pdf", "PDF", ".pdf.", "application/pdf" },
	{ "image/jpeg", "JPEG 图片", ".jpg.jpeg.", "image/jpeg" },
	{ "image/png", "PNG 图片", ".png.", "image/png" },
	{ "application/msword", "Word 文档", ".doc.wps.", "application/msword" },
	{ "application/vnd.ms-excel", "Excel 表格", ".xls.et.", "application/vnd.ms-excel" },
	/* A compound file libmagic cannot tell apart: Word, Excel or WPS. */
	{ "application/vnd.ms-office", "Office 文档", ".doc.wps.xls.et.",
	  "application/vnd.ms-office" },
	{ "application/CDFV2", "Office 文档", ".doc.wps.xls.et.",
	  "application/vnd.ms-office" },
	{ "application/x-ole-storage", "Office 文档", ".doc.wps.xls.et.",
	  "application/vnd.ms-office" },
	{ DOCX, "Word 文档（docx）", ".docx.wps.", DOCX },
	{ XLSX, "Excel 表格（xlsx）", ".xlsx.et.", XLSX },
};

static const char accepted[] =
    "只接受 PDF、OFD、Word/WPS 文档（doc、docx、wps）、Excel/WPS 表格（xls、xlsx、et）、"
    "JPEG 和 PNG 图片";

int
filetype_init(char **cause)
{
	pthread_mutex_lock(&lock);
	if (cookie == NULL) {
		cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS |
		    MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TAR);
		if (cookie == NULL || magic_load(cookie, NULL) != 0) {
			*cause = xprintf("无法加载 libmagic 的文件类型库：%s",
			    cookie ? magic_error(cookie) : "内存不足");
			if (cookie != NULL)
				magic_close(cookie);
			cookie = NULL;
			pthread_mutex_unlock(&lock);
			return (-1);
		}
	}
	pthread_mutex_unlock(&lock);
	return (0);
}

void
filetype_end(void)
{
	pthread_mutex_lock(&lock);
	if (cookie != NULL)
		magic_close(cookie);
	cookie = NULL;
	pthread_mutex_unlock(&lock);
}

/* ".pdf" of "报告.PDF", lowered; "" when none. */
static void
suffix_of(const char *name, char *out, size_t len)
{
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	out[0] = '\0';
	if (dot == NULL || strlen(dot) >= len - 1 || strchr(dot, '/') != NULL)
		return;
	for (i = 0; dot[i] != '\0'; i++)
		out[i] = (dot[i] >= 'A' && dot[i] <= 'Z') ? dot[i] + 32 : dot[i];
	out[i] = '\0';
}

static int
has_suffix(const char *list, const char *suffix)
{
	char	 want[24];

	if (*suffix == '\0')
		return (0);
	snprintf(want, sizeof want, "%s.", suffix);
	return (strstr(list, want) != NULL);
}

/* Whether a zip's first entries (in head) include one named entry (or,
 * with prefix, one whose name begins so). */
static int
zip_has(const unsigned char *head, size_t len, const char *entry, int prefix)
{
	size_t		 i, n = strlen(entry), namelen;

	/* Local file headers: PK\3\4, then the name's length at 26. */
	for (i = 0; i + 30 <= len; i++) {
		if (memcmp(head + i, "PK\3\4", 4) != 0)
			continue;
		namelen = head[i + 26] | (size_t)head[i + 27] << 8;
		if (i + 30 + namelen <= len && (prefix ? namelen >= n : namelen == n) &&
		    memcmp(head + i + 30, entry, n) == 0)
			return (1);
	}
	return (0);
}

int
filetype_check(const unsigned char *head, size_t len, const char *name,
    char **mime, char **cause)
{
	const char	*found;
	char		 suffix[16], *m;
	size_t		 i;

	*mime = *cause = NULL;
	if (len == 0) {
		*cause = xstrdup("文件是空的");
		return (-1);
	}
	pthread_mutex_lock(&lock);
	found = cookie ? magic_buffer(cookie, head, len) : NULL;
	m = xstrdup(found ? found : "application/octet-stream");
	pthread_mutex_unlock(&lock);
	suffix_of(name, suffix, sizeof suffix);

	/* OFD (GB/T 33190) is a zip whose root is OFD.xml. */
	/*
	 * An Office Open XML file whose first entry is not [Content_Types].xml
	 * (as WPS may write them) is a zip to libmagic: its parts say what.
	 */
	if (strcmp(m, "application/zip") == 0 && zip_has(head, len, "[Content_Types].xml", 0)) {
		const char	*ooxml = zip_has(head, len, "word/", 1) ? DOCX :
		    zip_has(head, len, "xl/", 1) ? XLSX : NULL;

		if (ooxml != NULL) {
			free(m);
			m = xstrdup(ooxml);
		}
	}
	if (strcmp(m, "application/zip") == 0 && zip_has(head, len, "OFD.xml", 0)) {
		free(m);
		if (strcmp(suffix, ".ofd") != 0) {
			*cause = xprintf("文件内容是 OFD 版式文件，但文件名后缀是“%s”：请核对后重新上传",
			    *suffix ? suffix : "（无）");
			return (-1);
		}
		*mime = xstrdup("application/ofd");
		return (0);
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcasecmp(m, kinds[i].mime) != 0)
			continue;
		free(m);
		if (!has_suffix(kinds[i].suffixes, suffix)) {
			*cause = xprintf("文件内容是%s，但文件名后缀是“%s”：请核对后重新上传",
			    kinds[i].label, *suffix ? suffix : "（无）");
			return (-1);
		}
		*mime = xstrdup(kinds[i].stored);
		return (0);
	}
	*cause = xprintf("不接受这种文件（按内容识别为 %s）：%s", m, accepted);
	free(m);
	return (-1);
}
