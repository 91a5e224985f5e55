/*
 * 佐证材料: evidence files uploaded to a real duband and PostgreSQL.
 * Each accepted type goes up and comes back byte for byte with its
 * SHA-256, as an attachment under its Chinese name; what is not a
 * document of the kinds taken (an executable, HTML or SVG under a
 * document's name, a zip, an empty or a 21 MB file, a body cut short)
 * is refused with a clear message and leaves nothing stored.  A file that
 * went out with a report is never deleted, only superseded, and the
 * history shows both.  50 uploads of 10 MB at once are all stored whole
 * while duband's resident memory stays under 100 MB.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char FIXTURES[] = DUBAN_SOURCE_DIR "/tests/fixtures/evidence/";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define I(o, k)	json_integer_value(json_object_get((o), (k)))

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*clerk, *head, *other, *inspector, *general, *office;
	long		 target, milestone, task1;
};

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "clerk", "wangli", "王丽", "财务审计处", "clerk" },
	{ "head", "zhaogang", "赵刚", "财务审计处", "head" },
	{ "other", "zhoujie", "周杰", "发展规划处", "clerk" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
	{ "general", NULL, NULL, NULL, "general" },
	{ "office", NULL, NULL, "财务审计处", "office" },
};

/* The snapshot every site copies: the plan loaded, the tokens kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static struct t_setup SETUP = { { LOAD }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

static void
site_start(struct site *s, const char *const *env)
{
	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("files", t_setup_build, &SETUP);
	s->clerk = t_kept(s->db, "clerk");
	s->head = t_kept(s->db, "head");
	s->other = t_kept(s->db, "other");
	s->inspector = t_kept(s->db, "inspector");
	s->general = t_kept(s->db, "general");
	s->office = t_kept(s->db, "office");
	s->c = t_connect(s->db);
	s->task1 = t_query_long(s->c, "SELECT id FROM task WHERE key = '1'", 0, NULL);
	s->target = t_query_long(s->c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL);
	s->milestone = t_query_long(s->c, "SELECT min(m.id) FROM milestone m"
	    " JOIN task t ON t.id = m.task_id WHERE t.key = '1'", 0, NULL);
	t_daemon_start(&s->d, s->db, NULL, env);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->clerk);
	free(s->head);
	free(s->other);
	free(s->inspector);
	free(s->general);
	free(s->office);
	free(s->db);
}

/* "验收报告.pdf" percent-encoded for a query. */
static char *
encode(const char *name)
{
	CURL	*c = curl_easy_init();
	char	*e = curl_easy_escape(c, name, 0), *out = xstrdup(e);

	curl_free(e);
	curl_easy_cleanup(c);
	return (out);
}

/* POST data as a file called name to path (".../files"); the answer. */
static long
upload(struct site *s, const char *path, const char *token, const char *name,
    const void *data, size_t len, const char *query, json_t **out)
{
	return (t_upload(s->d.url, path, token, name, data, len, query, out));
}

static char *
sha256_hex(const void *data, size_t len)
{
	unsigned char	 md[32];
	unsigned int	 n;
	char		*hex = xmalloc(65);
	unsigned int	 i;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return (hex);
}

static long
stored_files(struct site *s)
{
	return (t_query_long(s->c, "SELECT count(*) FROM evidence_file", 0, NULL) +
	    t_query_long(s->c, "SELECT count(*) FROM evidence_chunk", 0, NULL));
}

/* Until nothing is stored (the abort of an upload cut short runs when
 * duband sees the connection close); fails after 20 s. */
static void
expect_nothing_stored(struct site *s)
{
	int	 i;

	for (i = 0; i < 400 && stored_files(s) != 0; i++)
		usleep(50 * 1000);
	cr_expect_eq(stored_files(s), 0, "an upload left rows behind");
}

Test(files, each_type_up_and_down)
{
	static const struct {
		const char	*name, *mime;
	} types[] = {
		{ "验收报告.pdf", "application/pdf" },
		{ "批复文件.ofd", "application/ofd" },
		{ "验收报告.doc", "application/msword" },
		{ "会议纪要.wps", "application/msword" },
		{ "实施方案.docx",
		  "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		/* Its parts in another order, as WPS may write them: a zip to
		 * libmagic, a Word document by its parts. */
		{ "工作总结.docx",
		  "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "资金明细.xls", "application/vnd.ms-excel" },
		{ "资金明细.et", "application/vnd.ms-excel" },
		{ "资金拨付表.xlsx",
		  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "新园照片.jpg", "image/jpeg" },
		{ "现场照片.png", "image/png" },
	};
	struct site	 s;
	struct t_http	 h;
	json_t		*f;
	size_t		 i, len;
	char		*path, *data, *url, *hex, *cd, *want, *n;

	site_start(&s, NULL);
	path = xprintf("/api/v1/targets/%ld/files", s.target);
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		char	*file = xprintf("%s%s", FIXTURES, types[i].name);

		data = t_read_file(file, &len);
		cr_assert_eq(upload(&s, path, s.clerk, types[i].name, data, len, NULL, &f), 201,
		    "%s: %s", types[i].name, json_dumps(f, 0));
		cr_expect_str_eq(S(f, "name"), types[i].name);
		cr_expect_str_eq(S(f, "mime"), types[i].mime, "%s", types[i].name);
		cr_expect_eq(I(f, "size"), (json_int_t)len);
		cr_expect_str_eq(S(f, "state"), "pending", "a clerk's file waits for the 报送");
		hex = sha256_hex(data, len);
		cr_expect_str_eq(S(f, "sha256"), hex);

		/* Back, byte for byte, as an attachment with its Chinese name. */
		url = xprintf("%s/api/v1/files/%lld", s.d.url, (long long)I(f, "id"));
		t_http(&h, "GET", url, s.clerk, NULL, NULL);
		cr_expect_eq(h.status, 200);
		cr_expect_eq(h.len, len, "%s: %zu bytes back, %zu sent", types[i].name, h.len, len);
		cr_expect(h.len == len && memcmp(h.body, data, len) == 0, "%s changed",
		    types[i].name);
		cd = t_http_header(&h, "Content-Disposition");
		n = encode(types[i].name);
		want = xprintf("filename*=UTF-8''%s", n);
		cr_expect(cd != NULL && strncmp(cd, "attachment;", 11) == 0 &&
		    strstr(cd, want) != NULL, "Content-Disposition: %s", cd ? cd : "(none)");
		EXPECT_STR(t_http_header(&h, "X-Content-Type-Options"), "nosniff");
		EXPECT_STR(t_http_header(&h, "Content-Type"), types[i].mime);
		t_http_free(&h);
		/* Another office does not see a file not yet reported. */
		t_http(&h, "GET", url, s.other, NULL, NULL);
		cr_expect_eq(h.status, 404, "another office read a pending file: %ld", h.status);
		t_http_free(&h);
		free(cd);
		free(want);
		free(n);
		free(url);
		free(hex);
		free(data);
		free(file);
		json_decref(f);
	}
	free(path);
	site_stop(&s);
}

/* The body of a GET on a connection kept open (curl's own reuse). */
static size_t
keep_body(char *p, size_t size, size_t n, void *arg)
{
	struct t_http	*h = arg;

	h->body = xreallocarray(h->body, 1, h->len + size * n + 1);
	memcpy(h->body + h->len, p, size * n);
	h->len += size * n;
	h->body[h->len] = '\0';
	return (size * n);
}

static void
keep_get(CURL *c, struct curl_slist *auth, const char *url, struct t_http *h,
    long *connects)
{
	memset(h, 0, sizeof *h);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, auth);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	cr_assert_eq(curl_easy_perform(c), CURLE_OK, "%s: no answer", url);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, connects);
}

/*
 * A scanned report of several megabytes comes back whole, in pieces
 * (256 KiB each as stored), and the connection it came on serves the
 * next requests: the browser's next click goes on it.  (A lost write
 * callback once stopped such a download after its first piece, and left
 * the connection deaf until the header timeout answered 408.)
 */
Test(files, large_file_whole_and_connection_kept)
{
	struct site		 s;
	struct t_http		 h;
	struct curl_slist	*auth;
	json_t			*f;
	CURL			*c;
	char			*path, *pdf, *big, *url, *url2, *bearer, id[24];
	size_t			 pdflen, biglen = 3 * 1024 * 1024 + 12345, i;
	long			 connects;

	site_start(&s, NULL);
	path = xprintf("/api/v1/targets/%ld/files", s.target);
	pdf = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/验收报告.pdf", &pdflen);
	big = xmalloc(biglen);
	memcpy(big, pdf, pdflen);
	for (i = pdflen; i < biglen; i++)
		big[i] = (char)(i * 2654435761u >> 13);
	cr_assert_eq(upload(&s, path, s.clerk, "扫描件.pdf", big, biglen, NULL, &f), 201,
	    "%s", json_dumps(f, 0));
	snprintf(id, sizeof id, "%lld", (long long)I(f, "id"));
	cr_expect_gt(t_query_long(s.c, "SELECT count(*) FROM evidence_chunk WHERE file_id = $1",
	    1, (const char *[]){ id }), 1, "stored in one piece: the test reads no pieces");
	url = xprintf("%s/api/v1/files/%lld", s.d.url, (long long)I(f, "id"));
	json_decref(f);
	cr_assert_eq(upload(&s, path, s.clerk, "验收报告.pdf", pdf, pdflen, NULL, &f), 201);
	url2 = xprintf("%s/api/v1/files/%lld", s.d.url, (long long)I(f, "id"));
	json_decref(f);

	c = curl_easy_init();
	bearer = xprintf("Authorization: Bearer %s", s.clerk);
	auth = curl_slist_append(NULL, bearer);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	keep_get(c, auth, url, &h, &connects);
	cr_expect_eq(h.status, 200);
	cr_expect_eq(h.len, biglen, "%zu bytes of %zu came back", h.len, biglen);
	cr_expect(h.len == biglen && memcmp(h.body, big, biglen) == 0, "the file changed");
	free(h.body);
	/* The same connection: the small file, then the large one again. */
	keep_get(c, auth, url2, &h, &connects);
	cr_expect_eq(h.status, 200, "the next request on the connection: %ld", h.status);
	cr_expect_eq(connects, 0, "the connection was not kept for the next request");
	cr_expect(h.len == pdflen && memcmp(h.body, pdf, pdflen) == 0);
	free(h.body);
	keep_get(c, auth, url, &h, &connects);
	cr_expect_eq(h.status, 200, "the third request on the connection: %ld", h.status);
	cr_expect_eq(connects, 0);
	cr_expect_eq(h.len, biglen);
	free(h.body);
	curl_slist_free_all(auth);
	curl_easy_cleanup(c);
	free(bearer);
	free(url);
	free(url2);
	free(big);
	free(pdf);
	free(path);
	site_stop(&s);
}

Test(files, refused_clearly_nothing_stored)
{
	static const char html[] = "<html><body><script>alert(1)</script></body></html>";
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)"
	    "</script></svg>";
	struct site	 s;
	json_t		*f;
	char		*path, *exe, *zip, *pdf, *big;
	size_t		 exelen, ziplen, pdflen;

	site_start(&s, NULL);
	path = xprintf("/api/v1/targets/%ld/files", s.target);
	exe = t_read_file("/bin/true", &exelen);
	cr_expect_eq(upload(&s, path, s.clerk, "通知.pdf", exe, exelen, NULL, &f), 415);
	cr_expect(strstr(S(f, "detail"), "不接受") != NULL, "%s", S(f, "detail"));
	json_decref(f);
	cr_expect_eq(upload(&s, path, s.clerk, "通知.pdf", html, strlen(html), NULL, &f), 415);
	cr_expect(strstr(S(f, "detail"), "text/html") != NULL, "%s", S(f, "detail"));
	json_decref(f);
	cr_expect_eq(upload(&s, path, s.clerk, "图.svg", svg, strlen(svg), NULL, &f), 415);
	json_decref(f);
	/* A zip (a bomb would be one: duband never opens a zip) and a PDF
	 * under a Word document's name. */
	zip = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/批复文件.ofd", &ziplen);
	cr_expect_eq(upload(&s, path, s.clerk, "材料.zip", zip, ziplen, NULL, &f), 415);
	cr_expect(strstr(S(f, "detail"), "OFD") != NULL, "%s", S(f, "detail"));
	json_decref(f);
	pdf = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/验收报告.pdf", &pdflen);
	cr_expect_eq(upload(&s, path, s.clerk, "报告.docx", pdf, pdflen, NULL, &f), 415);
	cr_expect(strstr(S(f, "detail"), "PDF") != NULL && strstr(S(f, "detail"), ".docx"),
	    "%s", S(f, "detail"));
	json_decref(f);
	cr_expect_eq(upload(&s, path, s.clerk, "空.pdf", "", 0, NULL, &f), 400);
	json_decref(f);
	/* 21 MB: refused before its body is read, and the connection goes on. */
	big = xcalloc(1, 21 * 1024 * 1024);
	memcpy(big, pdf, pdflen);
	cr_expect_eq(upload(&s, path, s.clerk, "大文件.pdf", big, 21 * 1024 * 1024, NULL, &f),
	    413);
	cr_expect(strstr(S(f, "detail"), "不超过 20 MB") != NULL, "%s", S(f, "detail"));
	json_decref(f);
	/* Who may not attach: an inspector; another office's clerk. */
	cr_expect_eq(upload(&s, path, s.inspector, "报告.pdf", pdf, pdflen, NULL, &f), 403);
	json_decref(f);
	cr_expect_eq(upload(&s, path, s.other, "报告.pdf", pdf, pdflen, NULL, &f), 403);
	json_decref(f);
	cr_expect_eq(stored_files(&s), 0, "a refused upload left rows behind");
	free(big);
	free(exe);
	free(zip);
	free(pdf);
	free(path);
	site_stop(&s);
}

/* A body cut short: the client says 1 MB, sends 300 KB and hangs up. */
Test(files, truncated_upload_leaves_nothing)
{
	struct site		 s;
	struct sockaddr_in	 sin;
	char			*head, *pdf, *body;
	size_t			 pdflen;
	int			 fd, port;
	ssize_t			 n;

	site_start(&s, NULL);
	pdf = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/验收报告.pdf", &pdflen);
	body = xcalloc(1, 300 * 1024);
	memcpy(body, pdf, pdflen);
	cr_assert_eq(sscanf(s.d.url, "http://127.0.0.1:%d", &port), 1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
	head = xprintf("POST /api/v1/targets/%ld/files?name=a.pdf HTTP/1.1\r\n"
	    "Host: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/pdf\r\n"
	    "Content-Length: 1048576\r\n\r\n", s.target, s.clerk);
	cr_assert_eq(write(fd, head, strlen(head)), (ssize_t)strlen(head));
	for (size_t off = 0; off < 300 * 1024; off += (size_t)n)
		cr_assert((n = write(fd, body + off, 300 * 1024 - off)) > 0);
	close(fd);
	expect_nothing_stored(&s);
	free(head);
	free(body);
	free(pdf);
	site_stop(&s);
}

static json_t *
get_json(struct site *s, const char *token, const char *path, long want)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", s->d.url, path);
	json_t		*j;

	t_http(&h, "GET", url, token, NULL, NULL);
	cr_assert_eq(h.status, want, "GET %s: %ld %s", path, h.status, h.body);
	j = json_loads(h.body, 0, NULL);
	t_http_free(&h);
	free(url);
	return (j);
}

static long
post(struct site *s, const char *token, const char *path, const char *body)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", s->d.url, path);
	long		 status;

	t_http(&h, "POST", url, token, body, "Content-Type: application/json");
	status = h.status;
	t_http_free(&h);
	free(url);
	return (status);
}

Test(files, submitted_is_superseded_never_deleted)
{
	struct site	 s;
	struct t_http	 h;
	json_t		*f, *g, *list;
	char		*path, *pdf, *url, *fp;
	size_t		 pdflen;
	long long	 first, second;

	site_start(&s, NULL);
	pdf = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/验收报告.pdf", &pdflen);
	path = xprintf("/api/v1/targets/%ld/files", s.target);
	cr_assert_eq(upload(&s, path, s.clerk, "验收报告.pdf", pdf, pdflen, NULL, &f), 201);
	first = I(f, "id");
	/* A pending file may be deleted by its office... */
	url = xprintf("%s/api/v1/files/%lld", s.d.url, first);
	t_http(&h, "DELETE", url, s.other, NULL, NULL);
	cr_expect_eq(h.status, 404, "another office deleted a pending file: %ld %s", h.status, h.body);
	t_http_free(&h);
	/* ...until it goes out with the report (the head's 报送 carries it). */
	cr_assert_eq(post(&s, s.head, "/api/v1/offices/%E8%B4%A2%E5%8A%A1%E5%AE%A1%E8%AE%A1%E5%A4%84"
	    "/report/submit", "{}"), 200);
	fp = t_fingerprint(s.c);
	t_http(&h, "DELETE", url, s.clerk, NULL, NULL);
	cr_expect_eq(h.status, 409, "a submitted file was deleted: %ld %s", h.status, h.body);
	cr_expect(strstr(h.body, "替换") != NULL, "%s", h.body);
	t_http_free(&h);
	t_http(&h, "DELETE", url, s.general, NULL, NULL);
	cr_expect_eq(h.status, 409);
	t_http_free(&h);
	EXPECT_STR(t_fingerprint(s.c), fp);
	/* Even the database refuses. */
	{
		PGresult *res = PQexec(s.c, "DELETE FROM evidence_chunk");

		cr_expect_neq(PQresultStatus(res), PGRES_COMMAND_OK,
		    "the database let a submitted file's bytes go");
		PQclear(res);
	}
	/* Everyone who reads the task reads it now. */
	t_http(&h, "GET", url, s.inspector, NULL, NULL);
	cr_expect_eq(h.status, 200);
	cr_expect_eq(h.len, pdflen);
	t_http_free(&h);
	t_http(&h, "GET", url, s.other, NULL, NULL);
	cr_expect_eq(h.status, 200);
	t_http_free(&h);

	/* Superseded by a corrected file, which goes out with the next report. */
	{
		char	*q = xprintf("&supersedes=%lld", first);

		cr_assert_eq(upload(&s, path, s.clerk, "验收报告（更正）.pdf", pdf, pdflen, q,
		    &g), 201);
		free(q);
	}
	second = I(g, "id");
	cr_assert_eq(post(&s, s.head, "/api/v1/offices/%E8%B4%A2%E5%8A%A1%E5%AE%A1%E8%AE%A1%E5%A4%84"
	    "/report/submit", "{}"), 200);
	{
		char	*p = xprintf("/api/v1/tasks/%ld/files", s.task1);
		json_t	*a, *b;

		list = get_json(&s, s.inspector, p, 200);
		cr_assert_eq(json_array_size(json_object_get(list, "files")), 2);
		a = json_array_get(json_object_get(list, "files"), 0);
		b = json_array_get(json_object_get(list, "files"), 1);
		cr_expect_eq(I(a, "id"), first);
		cr_expect_eq(I(a, "superseded_by"), second);
		cr_expect_str_eq(S(b, "state"), "submitted");
		cr_expect(json_is_null(json_object_get(b, "superseded_at")));
		json_decref(list);
		free(p);
	}
	json_decref(f);
	json_decref(g);
	free(url);
	free(fp);
	free(path);
	free(pdf);
	site_stop(&s);
}

/*
 * 50 uploads of 10 MB at once.  Each body is made as curl asks for it
 * (a PDF's head, then bytes of its own), its SHA-256 computed on the
 * way: every file is stored whole, and duband's peak resident memory
 * (VmHWM, read from /proc) stays under 100 MB.  duband runs with a small
 * AddressSanitizer quarantine, which otherwise holds freed memory.
 */
#define NUP	50
#define UPSIZE	(10 * 1024 * 1024)

struct gen {
	const char	*head;		/* the PDF fixture */
	size_t		 headlen;
	size_t		 off;
	int		 seed;
	EVP_MD_CTX	*sha;
	struct curl_slist *hdr;
	char		*auth;
	char		 answer[4096];
	size_t		 alen;
};

static size_t
gen_read(char *buf, size_t size, size_t n, void *arg)
{
	struct gen	*g = arg;
	size_t		 want = size * n, i;

	if (want > UPSIZE - g->off)
		want = UPSIZE - g->off;
	for (i = 0; i < want; i++) {
		size_t	 at = g->off + i;

		buf[i] = at < g->headlen ? g->head[at] :
		    (char)((at * 2654435761u) >> 13 ^ (size_t)g->seed);
	}
	EVP_DigestUpdate(g->sha, buf, want);
	g->off += want;
	return (want);
}

static size_t
gen_answer(char *p, size_t size, size_t n, void *arg)
{
	struct gen	*g = arg;
	size_t		 len = size * n;

	if (g->alen + len < sizeof g->answer) {
		memcpy(g->answer + g->alen, p, len);
		g->alen += len;
		g->answer[g->alen] = '\0';
	}
	return (len);
}

static long
peak_kb(pid_t pid)
{
	char	*path = xprintf("/proc/%d/status", (int)pid), *s, *p;
	long	 kb = -1;

	s = t_read_file(path, NULL);
	if ((p = strstr(s, "VmHWM:")) != NULL)
		kb = strtol(p + 6, NULL, 10);
	free(s);
	free(path);
	return (kb);
}

Test(files, fifty_at_once_bounded_memory, .timeout = 600)
{
	const char	*env[] = { "ASAN_OPTIONS=quarantine_size_mb=4:"
	    "thread_local_quarantine_size_kb=64:malloc_context_size=4", NULL };
	struct site	 s;
	struct gen	 g[NUP];
	CURLM		*m;
	CURL		*c[NUP];
	CURLMsg		*msg;
	char		*pdf, *url, hex[65];
	unsigned char	 md[32];
	unsigned int	 mdlen;
	size_t		 pdflen;
	int		 i, running, left;
	long		 status, before, after;

	site_start(&s, env);
	pdf = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/验收报告.pdf", &pdflen);
	before = peak_kb(s.d.pid);
	url = xprintf("%s/api/v1/targets/%ld/files?name=%%E8%%B5%%84%%E9%%87%%91.pdf",
	    s.d.url, s.target);
	m = curl_multi_init();
	for (i = 0; i < NUP; i++) {
		memset(&g[i], 0, sizeof g[i]);
		g[i].head = pdf;
		g[i].headlen = pdflen;
		g[i].seed = i;
		g[i].sha = EVP_MD_CTX_new();
		EVP_DigestInit_ex(g[i].sha, EVP_sha256(), NULL);
		/* The general office's token: its files are submitted at once. */
		g[i].auth = xprintf("Authorization: Bearer %s", s.general);
		g[i].hdr = curl_slist_append(NULL, g[i].auth);
		g[i].hdr = curl_slist_append(g[i].hdr, "Content-Type: application/pdf");
		c[i] = curl_easy_init();
		curl_easy_setopt(c[i], CURLOPT_URL, url);
		curl_easy_setopt(c[i], CURLOPT_POST, 1L);
		curl_easy_setopt(c[i], CURLOPT_HTTPHEADER, g[i].hdr);
		curl_easy_setopt(c[i], CURLOPT_READFUNCTION, gen_read);
		curl_easy_setopt(c[i], CURLOPT_READDATA, &g[i]);
		curl_easy_setopt(c[i], CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)UPSIZE);
		curl_easy_setopt(c[i], CURLOPT_WRITEFUNCTION, gen_answer);
		curl_easy_setopt(c[i], CURLOPT_WRITEDATA, &g[i]);
		curl_easy_setopt(c[i], CURLOPT_TIMEOUT, 500L);
		curl_easy_setopt(c[i], CURLOPT_NOSIGNAL, 1L);
		curl_multi_add_handle(m, c[i]);
	}
	do {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	} while (running);
	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		cr_expect_eq(msg->data.result, CURLE_OK, "an upload failed: %s",
		    curl_easy_strerror(msg->data.result));
	after = peak_kb(s.d.pid);
	for (i = 0; i < NUP; i++) {
		json_t	*f;

		curl_easy_getinfo(c[i], CURLINFO_RESPONSE_CODE, &status);
		cr_expect_eq(status, 201, "upload %d: %ld %s", i, status, g[i].answer);
		EVP_DigestFinal_ex(g[i].sha, md, &mdlen);
		for (unsigned int k = 0; k < mdlen; k++)
			snprintf(hex + 2 * k, 3, "%02x", md[k]);
		f = json_loads(g[i].answer, 0, NULL);
		cr_expect(f != NULL && S(f, "sha256") != NULL &&
		    strcmp(S(f, "sha256"), hex) == 0, "upload %d stored another hash", i);
		cr_expect_eq(I(f, "size"), UPSIZE);
		json_decref(f);
		curl_multi_remove_handle(m, c[i]);
		curl_easy_cleanup(c[i]);
		curl_slist_free_all(g[i].hdr);
		free(g[i].auth);
		EVP_MD_CTX_free(g[i].sha);
	}
	curl_multi_cleanup(m);
	/* What PostgreSQL holds adds up, byte for byte, to what was sent. */
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM evidence_file WHERE state = 'submitted'"
	    " AND size = 10485760", 0, NULL), NUP);
	cr_expect_eq(t_query_long(s.c, "SELECT sum(length(data)) FROM evidence_chunk", 0, NULL),
	    (long)NUP * UPSIZE);
	cr_log_info("duband peak resident memory: %ld KB before, %ld KB after 50 × 10 MB",
	    before, after);
	cr_expect(after > 0 && after < 100 * 1024,
	    "duband's peak resident memory reached %ld KB (limit 100 MB)", after);
	free(url);
	free(pdf);
	site_stop(&s);
}
