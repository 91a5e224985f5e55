/*
 * The web pages: the files under web_root, read into memory at start and
 * on SIGHUP (by the reload thread, off the loop), and served from there,
 * so that a page never waits on the disk.  Bounded: at most WEB_MAX_FILES
 * files of at most WEB_MAX_FILE bytes, WEB_MAX_TOTAL in all, one level of
 * subdirectories; anything else is refused with a reason.  Each text file
 * is also kept gzip-compressed (once, at load) for the browsers that take
 * it: the pages are a third of their size on a slow intranet link.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duband.h"
#include "hash.h"
#include "log.h"
#include "xmalloc.h"

#include <zlib.h>

#define WEB_MAX_FILES	256
#define WEB_MAX_FILE	(2 * 1024 * 1024)
#define WEB_MAX_TOTAL	(16 * 1024 * 1024)

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

static int
add_file(struct web *w, const char *fs, const char *url, char **cause)
{
	struct web_file	*f;
	struct stat	 st;
	char		 hash[SHA256_HEX_LEN + 1];
	FILE		*in;

	if (stat(fs, &st) != 0 || !S_ISREG(st.st_mode))
		return (0);
	if (type_of(url) == NULL)
		return (0);		/* not a kind of file pages are made of */
	if (w->n >= WEB_MAX_FILES || st.st_size > WEB_MAX_FILE ||
	    w->total + (size_t)st.st_size > WEB_MAX_TOTAL) {
		*cause = xprintf("网页目录过大（至多 %d 个文件、每个 %d 字节、共 %d 字节）：%s",
		    WEB_MAX_FILES, WEB_MAX_FILE, WEB_MAX_TOTAL, fs);
		return (-1);
	}
	if ((in = fopen(fs, "rb")) == NULL) {
		*cause = xprintf("无法读取 %s：%s", fs, strerror(errno));
		return (-1);
	}
	w->files = xreallocarray(w->files, w->n + 1, sizeof *w->files);
	f = &w->files[w->n];
	memset(f, 0, sizeof *f);
	f->data = xmalloc((size_t)st.st_size + 1);
	f->len = fread(f->data, 1, (size_t)st.st_size, in);
	fclose(in);
	if (f->len != (size_t)st.st_size) {
		free(f->data);
		*cause = xprintf("读取 %s 不完整", fs);
		return (-1);
	}
	f->path = xstrdup(url);
	f->ctype = type_of(url);
	sha256_hex(f->data, f->len, hash);
	snprintf(f->etag, sizeof f->etag, "\"%.16s\"", hash);
	compress_file(f);
	w->total += f->len;
	w->n++;
	return (0);
}

static int
add_dir(struct web *w, const char *dir, const char *prefix, int depth, char **cause)
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
					rc = add_dir(w, fs, url, depth + 1, cause);
			} else
				rc = add_file(w, fs, url, cause);
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

	if (add_dir(w, dir, "", 0, cause) != 0) {
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
web_serve(struct req *r)
{
	const struct web	*w = r->srv->web;
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
