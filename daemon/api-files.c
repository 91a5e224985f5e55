/*
 * 佐证材料 (evidence files):
 *   POST   /api/v1/progress/{id}/files?name=&supersedes=    to a history entry
 *   POST   /api/v1/targets/{id}/files?name=&supersedes=     to the office's
 *   POST   /api/v1/milestones/{id}/files?name=&supersedes=  report on an item
 *          the body is the file itself (Content-Type as the client knows
 *          it, Content-Length required), its name (UTF-8) in the query
 *   GET    /api/v1/files/{id}            the file, as an attachment
 *   DELETE /api/v1/files/{id}            a pending file (not yet reported)
 *   GET    /api/v1/tasks/{id}/files?as_of=   a task's files (now, or as
 *                                             they stood that day)
 *
 * An upload is streamed (upload.h): the database is asked first whether
 * this person may attach this file here (duban_file_begin, 77-evidence.sql);
 * then the body is taken in pieces, the first one's type decided by
 * libmagic on a worker (filetype.h), each stored as it comes
 * (duban_file_chunk) while its SHA-256 is computed, and the file made
 * visible at the end (duban_file_finish).  An upload that fails half-way
 * is removed (duban_file_abort); one left by a crash, by the sweep.
 * A download is streamed the same way, a piece at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/evp.h>

#include "api.h"
#include "clock.h"
#include "config.h"
#include "date.h"
#include "filetype.h"
#include "log.h"
#include "upload.h"
#include "utf8.h"
#include "work.h"
#include "xmalloc.h"

/* What one piece of an upload or download holds. */
#define PIECE	(256 * 1024)

static const char QUERY_FILE_BEGIN[] =
    "SELECT (x->>'status')::int, coalesce(x->'body', x)::text FROM "
    "duban_file_begin($1, $2, $3::bigint, $4, $5, $6::bigint, $7::bigint, $8::bigint, "
    "$9::bigint, $10::timestamptz) x";
static const char QUERY_FILE_CHUNK[] =
    "SELECT duban_file_chunk($1::bigint, $2::int, $3::bytea)";
static const char QUERY_FILE_FINISH[] =
    "SELECT (x->>'status')::int, coalesce(x->'body', x)::text FROM "
    "duban_file_finish($1, $2::bigint, $3::bigint, $4, $5, $6::timestamptz) x";
static const char QUERY_FILE_ABORT[] =
    "SELECT duban_file_abort($1::bigint)";
static const char QUERY_FILE_GET[] =
    "SELECT (x->>'status')::int, coalesce(x->'body', x)::text FROM "
    "duban_api_file($1, $2::bigint) x";
static const char QUERY_FILE_PIECE[] =
    "SELECT duban_file_piece($1::bigint, $2::int)";
static const char QUERY_FILE_DELETE[] =
    "SELECT (x->>'status')::int, coalesce(x->'body', x)::text FROM "
    "duban_api_file_delete($1, $2::bigint) x";
static const char QUERY_TASK_FILES[] =
    "SELECT (x->>'status')::int, coalesce(x->'body', x)::text FROM "
    "duban_api_task_files($1, $2::bigint, $3::timestamptz) x";

/* ---------------------------------------------------------------- */
/* Uploads */

struct incoming {
	struct req	*r;
	struct api	*api;
	long long	 file;		/* the upload's row */
	char		 id[24];
	long long	 length, received;
	int		 seq;
	EVP_MD_CTX	*sha;
	char		*name;
	/* The first bytes, for the type check; then the type. */
	unsigned char	*head;
	size_t		 headlen;
	int		 checked;
	char		*mime;
	char		*cause;
	/* The piece being stored. */
	unsigned char	*piece;
	size_t		 piecelen;
	int		 last;
	int		 in_memory;	/* the body came whole (no upload) */
};

static void	take_piece(struct incoming *);

static void
incoming_free(struct incoming *x)
{
	EVP_MD_CTX_free(x->sha);
	free(x->name);
	free(x->head);
	free(x->mime);
	free(x->cause);
	free(x->piece);
	free(x);
}

static void
ignore(PGresult *res, const char *err, void *arg)
{
	(void)res;
	(void)err;
	(void)arg;
}

/* The upload did not arrive whole: its row goes, and r is answered. */
static void
fail(struct incoming *x, int status, const char *title, const char *detail)
{
	const char	*params[1] = { x->id };

	if (x->file > 0)
		(void)pool_query(x->api->pool, QUERY_FILE_ABORT, 1, params, ignore, NULL);
	if (status == 503)
		http_unavailable(x->r, detail);
	else
		http_problem(x->r, status, title, detail, status == 415 ? "file" : NULL,
		    NULL);
	incoming_free(x);
}

static void
finished(PGresult *res, const char *err, void *arg)
{
	struct incoming	*x = arg;

	http_status_json(res, err, x->r);
	incoming_free(x);
}

static void
finish(struct incoming *x)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	char		 hex[2 * EVP_MAX_MD_SIZE + 1], size[24];
	const char	*params[6];

	EVP_DigestFinal_ex(x->sha, md, &mdlen);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(size, sizeof size, "%lld", x->received);
	clock_now_iso(x->r->now);
	params[0] = x->r->token_hash;
	params[1] = x->id;
	params[2] = size;
	params[3] = hex;
	params[4] = x->mime;
	params[5] = x->r->now;
	if (pool_query(x->api->pool, QUERY_FILE_FINISH, 6, params, finished, x) != 0)
		fail(x, 503, NULL, "数据库繁忙，请稍后再试");
}

static void
stored(PGresult *res, const char *err, void *arg)
{
	struct incoming	*x = arg;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("无法保存佐证材料 %s：%s", x->id,
		    res ? PQresultErrorMessage(res) : err ? err : "?");
		fail(x, 503, NULL, "数据库暂时不可用，文件未保存，请稍后重新上传");
		return;
	}
	free(x->piece);
	x->piece = NULL;
	if (x->last)
		finish(x);
	else
		take_piece(x);
}

static void
store_piece(struct incoming *x)
{
	char		 seq[16];
	const char	*params[3];
	int		 lengths[3] = { 0, 0, 0 }, formats[3] = { 0, 0, 1 };

	snprintf(seq, sizeof seq, "%d", x->seq++);
	params[0] = x->id;
	params[1] = seq;
	params[2] = (const char *)x->piece;
	lengths[2] = (int)x->piecelen;
	if (pool_query_bin(x->api->pool, QUERY_FILE_CHUNK, 3, params, lengths, formats,
	    0, stored, x) != 0)
		fail(x, 503, NULL, "数据库繁忙，请稍后再试");
}

/* On a worker: what the first bytes are. */
static void
check_run(void *arg)
{
	struct incoming	*x = arg;

	(void)filetype_check(x->head, x->headlen, x->name, &x->mime, &x->cause);
}

static void
check_done(void *arg)
{
	struct incoming	*x = arg;

	free(x->head);
	x->head = NULL;
	if (x->mime == NULL) {
		fail(x, 415, "文件类型不符", x->cause);
		return;
	}
	x->checked = 1;
	store_piece(x);
}

static void
piece(struct upload *u, enum upload_event ev, const unsigned char *data, size_t len,
    void *arg)
{
	struct incoming	*x = arg;
	size_t		 n;

	(void)u;
	if (ev == UPLOAD_GONE) {
		fail(x, 408, "上传中断", "连接已断开或上传超时，文件未保存，请重新上传");
		return;
	}
	x->received += (long long)len;
	if (x->received > x->length) {
		fail(x, 400, "文件长度不符", "收到的字节多于 Content-Length");
		return;
	}
	EVP_DigestUpdate(x->sha, data, len);
	x->piece = xmalloc(len > 0 ? len : 1);
	memcpy(x->piece, data, len);
	x->piecelen = len;
	x->last = ev == UPLOAD_END;
	if (x->last && x->received != x->length) {
		fail(x, 400, "文件不完整", "收到的字节少于 Content-Length，文件未保存");
		return;
	}
	if (x->checked) {
		store_piece(x);
		return;
	}
	n = len < FILETYPE_HEAD ? len : FILETYPE_HEAD;
	x->head = xmalloc(n);
	memcpy(x->head, data, n);
	x->headlen = n;
	if (work_submit(x->api->inspect, check_run, check_done, x) != 0)
		fail(x, 503, NULL, "服务器繁忙，请稍后再试");
}

static void
take_piece(struct incoming *x)
{
	if (x->in_memory) {
		/* Cannot happen: a whole body is one piece. */
		fail(x, 500, "服务器内部错误", "上传状态有误");
		return;
	}
	if (upload_next(x->r->upload, PIECE, piece, x) != 0)
		fail(x, 503, NULL, "同时上传的文件过多，请稍后重试");
}

static void
begun(PGresult *res, const char *err, void *arg)
{
	struct incoming	*x = arg;
	struct evbuffer	*in;
	json_t		*body;
	unsigned char	*data;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		http_db_error(x->r, res, err);
		incoming_free(x);
		return;
	}
	if (atoi(PQgetvalue(res, 0, 0)) != 201) {
		http_problem_text(x->r, atoi(PQgetvalue(res, 0, 0)), PQgetvalue(res, 0, 1));
		incoming_free(x);
		return;
	}
	body = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	x->file = json_integer_value(json_object_get(body, "id"));
	json_decref(body);
	snprintf(x->id, sizeof x->id, "%lld", x->file);
	if (!x->in_memory) {
		take_piece(x);
		return;
	}
	in = evhttp_request_get_input_buffer(x->r->ev);
	data = evbuffer_pullup(in, -1);
	piece(NULL, UPLOAD_END, data, evbuffer_get_length(in), x);
}

static void
file_upload(struct req *r)
{
	static const char *const allowed[] = { "name", "supersedes", NULL };
	struct api	*api = r->app;
	struct incoming	*x;
	const char	*name = http_query_arg(r, "name"), *sup = http_query_arg(r, "supersedes");
	const char	*kind, *ctype, *params[10];
	char		 size[24], max[24], entry_max[24];
	size_t		 bad;
	long long	 length;

	if (http_query_only(r, allowed) != 0)
		return;
	if (r->upload != NULL && upload_problem(r->upload) != NULL) {
		http_problem(r, 411, "需要注明长度", upload_problem(r->upload), NULL, NULL);
		return;
	}
	if (name == NULL || *name == '\0' || !utf8_valid(name, strlen(name), &bad)) {
		http_problem(r, 400, "缺少文件名",
		    "请在查询参数 name 中给出文件名（UTF-8，百分号编码），如 ?name=%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A.pdf",
		    "name", NULL);
		return;
	}
	if (sup != NULL && (strspn(sup, "0123456789") != strlen(sup) || *sup == '\0' ||
	    strlen(sup) > 18)) {
		http_problem(r, 400, "请求参数有误", "supersedes 应为被替换文件的编号", "supersedes",
		    NULL);
		return;
	}
	length = r->upload != NULL ? upload_length(r->upload) :
	    (long long)evbuffer_get_length(evhttp_request_get_input_buffer(r->ev));
	if (length == 0) {
		http_problem(r, 400, "文件是空的", "请求体为空：请把文件内容作为请求体发送", "file",
		    NULL);
		return;
	}
	if (length > api->cfg->upload_max) {
		char	*msg = xprintf("文件 %.2f MB（%lld 字节），每个文件不超过 %g MB",
		    (double)length / 1048576, length,
		    (double)api->cfg->upload_max / 1048576);

		http_problem(r, 413, "文件过大", msg, "file", NULL);
		free(msg);
		return;
	}
	kind = strstr(r->route->pattern, "/progress/") ? "progress" :
	    strstr(r->route->pattern, "/targets/") ? "target" : "milestone";
	ctype = evhttp_find_header(evhttp_request_get_input_headers(r->ev), "Content-Type");
	x = xcalloc(1, sizeof *x);
	x->r = r;
	x->api = api;
	x->length = length;
	x->name = xstrdup(name);
	x->in_memory = r->upload == NULL;
	x->sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(x->sha, EVP_sha256(), NULL);
	snprintf(size, sizeof size, "%lld", length);
	snprintf(max, sizeof max, "%d", api->cfg->upload_max);
	snprintf(entry_max, sizeof entry_max, "%d", api->cfg->upload_entry_max);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = kind;
	params[2] = r->param;
	params[3] = name;
	params[4] = ctype;
	params[5] = size;
	params[6] = sup;
	params[7] = max;
	params[8] = entry_max;
	params[9] = r->now;
	if (http_query_for(r, QUERY_FILE_BEGIN, 10, params, begun, x) != 0)
		incoming_free(x);
}

/* ---------------------------------------------------------------- */
/* Downloads */

struct outgoing {
	struct req	*r;
	struct api	*api;
	char		 id[24];
	int		 seq, pieces;
};

static void	send_piece(struct outgoing *);

static void
piece_written(struct req *r, int ok, void *arg)
{
	struct outgoing	*o = arg;

	if (!ok || o->seq >= o->pieces) {
		http_stream_end(r);
		free(o);
		return;
	}
	send_piece(o);
}

static void
piece_read(PGresult *res, const char *err, void *arg)
{
	struct outgoing	*o = arg;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
	    PQgetisnull(res, 0, 0)) {
		/* Mid-answer: the client sees a body shorter than its length. */
		log_warnx("无法读取佐证材料 %s 的第 %d 段：%s", o->id, o->seq,
		    res ? PQresultErrorMessage(res) : err ? err : "?");
		http_stream_end(o->r);
		free(o);
		return;
	}
	o->seq++;
	http_stream_write(o->r, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0),
	    piece_written, o);
}

static void
send_piece(struct outgoing *o)
{
	char		 seq[16];
	const char	*params[2];

	snprintf(seq, sizeof seq, "%d", o->seq);
	params[0] = o->id;
	params[1] = seq;
	if (pool_query_bin(o->api->pool, QUERY_FILE_PIECE, 2, params, NULL, NULL, 1,
	    piece_read, o) != 0) {
		http_stream_end(o->r);
		free(o);
	}
}

static void
file_meta(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	struct outgoing	*o;
	json_t		*f;
	char		*cd, *fallback, etag[80];
	const char	*name, *mime, *sha, *dot;
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		http_db_error(r, res, err);
		return;
	}
	if (atoi(PQgetvalue(res, 0, 0)) != 200) {
		http_problem_text(r, atoi(PQgetvalue(res, 0, 0)), PQgetvalue(res, 0, 1));
		return;
	}
	f = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	name = json_string_value(json_object_get(f, "name"));
	mime = json_string_value(json_object_get(f, "mime"));
	sha = json_string_value(json_object_get(f, "sha256"));
	dot = name ? strrchr(name, '.') : NULL;
	fallback = xprintf("evidence-%s%s", r->param,
	    dot && strspn(dot + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
	    strlen(dot + 1) && strlen(dot) < 8 ? dot : "");
	cd = http_disposition("attachment", name ? name : "file", fallback);
	evhttp_add_header(h, "Content-Disposition", cd);
	/* Never a page: whatever the browser makes of it, nothing runs. */
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'none'; sandbox");
	snprintf(etag, sizeof etag, "\"%s\"", sha ? sha : "");
	evhttp_add_header(h, "ETag", etag);
	evhttp_add_header(h, "Cache-Control", "private, no-cache");
	o = xcalloc(1, sizeof *o);
	o->r = r;
	o->api = r->app;
	snprintf(o->id, sizeof o->id, "%s", r->param);
	o->pieces = (int)json_integer_value(json_object_get(f, "chunks"));
	http_stream_begin(r, 200, mime ? mime : "application/octet-stream",
	    (long long)json_integer_value(json_object_get(f, "size")));
	free(cd);
	free(fallback);
	json_decref(f);
	if (evhttp_request_get_command(r->ev) == EVHTTP_REQ_HEAD || o->pieces == 0) {
		http_stream_end(r);
		free(o);
		return;
	}
	send_piece(o);
}

static void
file_get(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0)
		return;
	params[0] = r->token_hash;
	params[1] = r->param;
	(void)http_query(r, QUERY_FILE_GET, 2, params, file_meta);
}

static void
file_delete(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0 || http_no_body(r) != 0)
		return;
	params[0] = r->token_hash;
	params[1] = r->param;
	(void)http_query(r, QUERY_FILE_DELETE, 2, params, http_status_json);
}

static void
task_files(struct req *r)
{
	static const char *const allowed[] = { "as_of", NULL };
	const char	*as_of = http_query_arg(r, "as_of"), *params[3];
	char		 at[40];
	struct ymd	 d;

	if (http_query_only(r, allowed) != 0)
		return;
	if (as_of != NULL) {
		if (date_parse_iso(as_of, &d) != 0) {
			http_problem(r, 400, "请求参数有误", "as_of 应为存在的日期（YYYY-MM-DD）",
			    "as_of", NULL);
			return;
		}
		/* As the day ended, in China. */
		snprintf(at, sizeof at, "%s 23:59:59.999999+08", as_of);
	}
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = as_of ? at : NULL;
	(void)http_query(r, QUERY_TASK_FILES, 3, params, http_status_json);
}

const struct route api_file_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/progress/{id}/files", ROLE_OFFICE, file_upload,
	  ROUTE_STREAM },
	{ EVHTTP_REQ_POST, "/api/v1/targets/{id}/files", ROLE_OFFICE, file_upload,
	  ROUTE_STREAM },
	{ EVHTTP_REQ_POST, "/api/v1/milestones/{id}/files", ROLE_OFFICE, file_upload,
	  ROUTE_STREAM },
	{ EVHTTP_REQ_GET, "/api/v1/files/{id}", ROLE_INSPECTOR, file_get, 0 },
	{ EVHTTP_REQ_DELETE, "/api/v1/files/{id}", ROLE_OFFICE, file_delete, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/tasks/{id}/files", ROLE_INSPECTOR, task_files, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
