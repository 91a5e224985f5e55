/*
 * The web pages: the files under web_root, read into memory at start and
 * on SIGHUP (by the reload thread, off the loop), and served from there,
 * so that a page never waits on the disk.  Bounded: at most WEB_MAX_FILES
 * files of at most WEB_MAX_FILE bytes, WEB_MAX_TOTAL in all, one level of
 * subdirectories; anything else is refused with a reason.  Each text file
 * is also kept gzip-compressed (once, at load) for the browsers that take
 * it: the pages are a third of their size on a slow intranet link.
 *
 * What every page shares (the head's links, the skip link, the header
 * with its navigation, the footer) is written once, in frame.html, as
 * named parts, each starting with a line "<!--#part NAME-->".  A page
 * says where a part goes with "<!--#frame NAME-->"; the part replaces
 * the marker at load, so a page is complete, and the same, with or
 * without JavaScript, and nothing is done per request.  In a part put
 * into a page, the first link to that page itself (exactly <a
 * href="mine.html" in mine.html) is marked aria-current="page".
 * frame.html itself is not served.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "http.h"
#include "log.h"
#include "web.h"
#include "xmalloc.h"

#include <zlib.h>

#define WEB_MAX_FILES	256
#define WEB_MAX_FILE	(2 * 1024 * 1024)
#define WEB_MAX_TOTAL	(16 * 1024 * 1024)
#define WEB_MAX_PARTS	16
#define PART_NAME_MAX	32

#define FRAME_FILE	"frame.html"
#define PART_MARK	"<!--#part "
#define FRAME_MARK	"<!--#frame "
#define MARK_END	"-->"

struct web_file {
	char		*path;		/* "/index.html" */
	char		*data;
	size_t		 len;
	const char	*ctype;
	char		 etag[24];
	char		*gz;		/* gzip, or NULL when it saves nothing */
	size_t		 gzlen;
	char		 gzetag[28];
};

struct web {
	struct web_file	*files;
	size_t		 n;
	size_t		 total;
};

/* frame.html, read and cut into its parts while the pages load. */
struct frame {
	char		*data;
	struct {
		char		 name[PART_NAME_MAX];
		const char	*text;		/* into data */
		size_t		 len;
	}		 parts[WEB_MAX_PARTS];
	size_t		 n;
};

static const struct {
	const char	*ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json" },
	{ ".txt", "text/plain; charset=utf-8" },
};

static const char *
type_of(const char *name)
{
	const char	*dot = strrchr(name, '.');
	size_t		 i;

	for (i = 0; dot != NULL && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return (types[i].type);
	return (NULL);
}

void
web_free(struct web *w)
{
	size_t	 i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		free(w->files[i].path);
		free(w->files[i].data);
		free(w->files[i].gz);
	}
	free(w->files);
	free(w);
}

/* The gzip form of a file (RFC 1952), if it is at least 10% smaller. */
static void
compress_file(struct web_file *f)
{
	z_stream	 z;
	uLong		 bound;

	if (f->len < 256 || strncmp(f->ctype, "image/png", 9) == 0)
		return;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	bound = deflateBound(&z, (uLong)f->len) + 32;
	f->gz = xmalloc(bound);
	z.next_in = (Bytef *)f->data;
	z.avail_in = (uInt)f->len;
	z.next_out = (Bytef *)f->gz;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out > f->len / 10 * 9) {
		free(f->gz);
		f->gz = NULL;
	} else {
		f->gzlen = z.total_out;
		/* Another representation, another strong ETag. */
		snprintf(f->gzetag, sizeof f->gzetag, "%.17s-gz\"", f->etag);
	}
	deflateEnd(&z);
}

/* Does the request's Accept-Encoding take gzip (not with q=0)? */
static int
takes_gzip(struct req *r)
{
	const char	*ae = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
			    "Accept-Encoding");
	const char	*p, *end, *q;
	size_t		 n;

	for (p = ae; p != NULL && *p != '\0'; p = *end == ',' ? end + 1 : end) {
		p += strspn(p, " \t");
		end = p + strcspn(p, ",");
		n = strcspn(p, " \t;,");
		if (n == 4 && strncasecmp(p, "gzip", 4) == 0) {
			q = memchr(p, ';', (size_t)(end - p));
			if (q == NULL)
				return (1);
			q += strspn(q + 1, " \t") + 1;
			if (strncmp(q, "q=", 2) != 0)
				return (1);
			return (strtod(q + 2, NULL) > 0);
		}
	}
	return (0);
}

/* The whole of a file of size bytes, NUL-terminated: 0, or -1 with *cause. */
static int
read_whole(const char *fs, size_t size, char **data, size_t *len, char **cause)
{
	FILE	*in;

	if ((in = fopen(fs, "rb")) == NULL) {
		*cause = xprintf("无法读取 %s：%s", fs, strerror(errno));
		return (-1);
	}
	*data = xmalloc(size + 1);
	*len = fread(*data, 1, size, in);
	fclose(in);
	if (*len != size) {
		free(*data);
		*data = NULL;
		*cause = xprintf("读取 %s 不完整", fs);
		return (-1);
	}
	(*data)[size] = '\0';
	return (0);
}

/*
 * The name in a marker, from name up to "-->": its length (spaces after
 * it left out), or 0 if it is not one (unterminated, empty, too long, or
 * not made of a-z, 0-9 and "-").  *end is just past the "-->".
 */
static size_t
mark_name(const char *name, const char **end)
{
	const char	*close = strstr(name, MARK_END);
	size_t		 n, i;

	if (close == NULL)
		return (0);
	*end = close + strlen(MARK_END);
	for (n = (size_t)(close - name); n > 0 && name[n - 1] == ' '; n--)
		continue;
	if (n == 0 || n >= PART_NAME_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789-", name[i]) == NULL)
			return (0);
	return (n);
}

static void
frame_free(struct frame *fr)
{
	free(fr->data);
	memset(fr, 0, sizeof *fr);
}

/*
 * Reads dir/frame.html into its parts.  No such file is no frame (0
 * parts); a part without a proper name, two of one name, or too many
 * are refused: -1 with *cause.
 */
static int
frame_read(struct frame *fr, const char *dir, char **cause)
{
	char		*fs = xprintf("%s/%s", dir, FRAME_FILE);
	const char	*p, *name, *text, *next;
	struct stat	 st;
	size_t		 len, n, i;

	memset(fr, 0, sizeof *fr);
	if (stat(fs, &st) != 0) {
		if (errno == ENOENT) {
			free(fs);
			return (0);
		}
		*cause = xprintf("无法读取 %s：%s", fs, strerror(errno));
		free(fs);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		free(fs);
		return (0);
	}
	if (st.st_size > WEB_MAX_FILE) {
		*cause = xprintf("网页框架文件过大（至多 %d 字节）：%s", WEB_MAX_FILE, fs);
		free(fs);
		return (-1);
	}
	if (read_whole(fs, (size_t)st.st_size, &fr->data, &len, cause) != 0) {
		free(fs);
		return (-1);
	}
	for (p = strstr(fr->data, PART_MARK); p != NULL; p = next) {
		name = p + strlen(PART_MARK);
		if ((n = mark_name(name, &text)) == 0) {
			*cause = xprintf("%s：片段标记 %.40s 有误（应为 " PART_MARK
			    "名称" MARK_END "，名称由小写字母、数字和 - 组成）", fs, p);
			goto fail;
		}
		for (i = 0; i < fr->n; i++)
			if (strlen(fr->parts[i].name) == n &&
			    memcmp(fr->parts[i].name, name, n) == 0)
				break;
		if (i < fr->n) {
			*cause = xprintf("%s：片段“%.*s”重复", fs, (int)n, name);
			goto fail;
		}
		if (fr->n == WEB_MAX_PARTS) {
			*cause = xprintf("%s：片段过多（至多 %d 个）", fs, WEB_MAX_PARTS);
			goto fail;
		}
		/* The part is the lines after its marker, without the last newline. */
		if (*text == '\r')
			text++;
		if (*text == '\n')
			text++;
		next = strstr(text, PART_MARK);
		len = (size_t)((next != NULL ? next : text + strlen(text)) - text);
		while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			len--;
		memcpy(fr->parts[fr->n].name, name, n);
		fr->parts[fr->n].name[n] = '\0';
		fr->parts[fr->n].text = text;
		fr->parts[fr->n].len = len;
		fr->n++;
	}
	free(fs);
	return (0);

fail:
	free(fs);
	frame_free(fr);
	return (-1);
}

/*
 * Puts the frame's parts into the page f where it names them, marking
 * the link to f itself.  0 (f->data replaced), or -1 with *cause for a
 * part that the frame does not have.
 */
static int
frame_expand(const struct frame *fr, struct web_file *f, char **cause)
{
	const char	*cur = f->data, *mark, *name, *end, *self;
	char		*buf = NULL, *link;
	size_t		 blen = 0, n, i, k;
	FILE		*out;

	if (strstr(cur, FRAME_MARK) == NULL)
		return (0);
	if ((out = open_memstream(&buf, &blen)) == NULL)
		fatal("open_memstream");
	link = xprintf("<a href=\"%s\"", f->path + 1);
	while ((mark = strstr(cur, FRAME_MARK)) != NULL) {
		fwrite(cur, 1, (size_t)(mark - cur), out);
		name = mark + strlen(FRAME_MARK);
		n = mark_name(name, &end);
		for (i = 0; n > 0 && i < fr->n; i++)
			if (strlen(fr->parts[i].name) == n &&
			    memcmp(fr->parts[i].name, name, n) == 0)
				break;
		if (n == 0 || i == fr->n) {
			if (n == 0)
				*cause = xprintf("网页 %s：框架标记 %.40s 有误（应为 "
				    FRAME_MARK "名称" MARK_END "）", f->path, mark);
			else
				*cause = xprintf("网页 %s：%s 中没有片段“%.*s”", f->path,
				    FRAME_FILE, (int)n, name);
			fclose(out);
			free(buf);
			free(link);
			return (-1);
		}
		self = memmem(fr->parts[i].text, fr->parts[i].len, link, strlen(link));
		if (self == NULL)
			fwrite(fr->parts[i].text, 1, fr->parts[i].len, out);
		else {
			k = (size_t)(self - fr->parts[i].text) + strlen(link);
			fwrite(fr->parts[i].text, 1, k, out);
			fputs(" aria-current=\"page\"", out);
			fwrite(fr->parts[i].text + k, 1, fr->parts[i].len - k, out);
		}
		cur = end;
	}
	fputs(cur, out);
	if (fclose(out) != 0)
		fatal("open_memstream");
	free(link);
	free(f->data);
	f->data = buf;
	f->len = blen;
	return (0);
}

static int
add_file(struct web *w, const struct frame *fr, const char *fs, const char *url,
    char **cause)
{
	struct web_file	*f;
	struct stat	 st;
	char		 hash[SHA256_HEX_LEN + 1];

	if (stat(fs, &st) != 0 || !S_ISREG(st.st_mode))
		return (0);
	if (type_of(url) == NULL)
		return (0);		/* not a kind of file pages are made of */
	if (strcmp(url, "/" FRAME_FILE) == 0)
		return (0);		/* parts of the pages, not one */
	if (w->n >= WEB_MAX_FILES || st.st_size > WEB_MAX_FILE ||
	    w->total + (size_t)st.st_size > WEB_MAX_TOTAL) {
		*cause = xprintf("网页目录过大（至多 %d 个文件、每个 %d 字节、共 %d 字节）：%s",
		    WEB_MAX_FILES, WEB_MAX_FILE, WEB_MAX_TOTAL, fs);
		return (-1);
	}
	w->files = xreallocarray(w->files, w->n + 1, sizeof *w->files);
	f = &w->files[w->n];
	memset(f, 0, sizeof *f);
	if (read_whole(fs, (size_t)st.st_size, &f->data, &f->len, cause) != 0)
		return (-1);
	f->path = xstrdup(url);
	f->ctype = type_of(url);
	if (strncmp(f->ctype, "text/html", 9) == 0 && frame_expand(fr, f, cause) != 0) {
		free(f->path);
		free(f->data);
		return (-1);
	}
	if (f->len > WEB_MAX_FILE || w->total + f->len > WEB_MAX_TOTAL) {
		*cause = xprintf("网页目录过大（至多 %d 个文件、每个 %d 字节、共 %d 字节）：%s",
		    WEB_MAX_FILES, WEB_MAX_FILE, WEB_MAX_TOTAL, fs);
		free(f->path);
		free(f->data);
		return (-1);
	}
	sha256_hex(f->data, f->len, hash);
	snprintf(f->etag, sizeof f->etag, "\"%.16s\"", hash);
	compress_file(f);
	w->total += f->len;
	w->n++;
	return (0);
}

static int
add_dir(struct web *w, const struct frame *fr, const char *dir, const char *prefix,
    int depth, char **cause)
{
	struct dirent	**names;
	char		*fs, *url;
	struct stat	 st;
	int		 n, i, rc = 0;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		*cause = xprintf("无法读取网页目录 %s：%s", dir, strerror(errno));
		return (-1);
	}
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (rc == 0 && name[0] != '.') {
			fs = xprintf("%s/%s", dir, name);
			url = xprintf("%s/%s", prefix, name);
			if (stat(fs, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (depth < 1)
					rc = add_dir(w, fr, fs, url, depth + 1, cause);
			} else
				rc = add_file(w, fr, fs, url, cause);
			free(fs);
			free(url);
		}
		free(names[i]);
	}
	free(names);
	return (rc);
}

struct web *
web_load(const char *dir, char **cause)
{
	struct web	*w = xcalloc(1, sizeof *w);
	struct frame	 fr;
	int		 rc;

	if (frame_read(&fr, dir, cause) != 0) {
		web_free(w);
		return (NULL);
	}
	rc = add_dir(w, &fr, dir, "", 0, cause);
	frame_free(&fr);
	if (rc != 0) {
		web_free(w);
		return (NULL);
	}
	return (w);
}

size_t
web_count(const struct web *w)
{
	return (w ? w->n : 0);
}

/*
 * GET or HEAD of a page: answered from memory (1), or not a page (0).
 * "/" is /index.html.  The pages load nothing from elsewhere, and the
 * policy says so to the browser.
 */
int
web_serve(const struct web *w, struct req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->ev);
	const char		*path = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	const struct web_file	*f;
	const char		*inm, *etag;
	size_t			 i;
	int			 gz;

	if (w == NULL)
		return (0);
	for (i = 0; i < w->n; i++)
		if (strcmp(w->files[i].path, path) == 0)
			break;
	if (i == w->n)
		return (0);
	f = &w->files[i];
	gz = f->gz != NULL && takes_gzip(r);
	etag = gz ? f->gzetag : f->etag;
	evhttp_add_header(h, "ETag", etag);
	if (f->gz != NULL)
		evhttp_add_header(h, "Vary", "Accept-Encoding");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	    "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'");
	evhttp_add_header(h, "X-Frame-Options", "SAMEORIGIN");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	inm = evhttp_find_header(evhttp_request_get_input_headers(r->ev), "If-None-Match");
	if (inm != NULL && strcmp(inm, etag) == 0) {
		http_reply(r, 304, f->ctype, "", 0);
		return (1);
	}
	if (gz) {
		evhttp_add_header(h, "Content-Encoding", "gzip");
		http_reply(r, 200, f->ctype, f->gz, f->gzlen);
	} else
		http_reply(r, 200, f->ctype, f->data, f->len);
	return (1);
}
