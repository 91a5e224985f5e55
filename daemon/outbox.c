/*
 * The outbox, worked from the loop: a sweep every sweep_interval puts
 * what is due today into it (duban_sweep(), migration 0004); deliveries
 * are claimed with FOR UPDATE SKIP LOCKED under a lease, sent by SMTP or
 * webhook through libcurl's multi interface, and marked sent, or retried
 * with exponential backoff up to retry_attempts, then failed.
 *
 * At least once: a delivery whose process dies before marking it is
 * claimed again when its lease runs out.  The reminder's key travels as
 * the Message-ID and as a JSON field so receivers can drop repeats.  Two
 * instances never hold the same claim.
 *
 * Across a database failover (docs/deployment.md) nothing is sent twice
 * while this process lives: a result that could not be recorded is
 * recorded again every delivery_poll_ms until it is, or until its lease
 * has run out; and a claim whose answer was lost with its connection
 * (claimed, never started) is given back, every claim of this instance
 * that it is not working on, before it claims again.  Claims and leases
 * are rows, so they survive the failover with the rest of the data.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "clock.h"
#include "config.h"
#include "fetch.h"
#include "log.h"
#include "mail.h"
#include "outbox.h"
#include "pool.h"
#include "render.h"
#include "site.h"
#include "utf8.h"
#include "xmalloc.h"

#define WECOM_MAX	4096	/* bytes of markdown, WeCom's documented limit */
#define DINGTALK_MAX	20000	/* bytes of markdown */

struct outbox {
	const struct config	*cfg;
	struct pool		*pool;
	const struct site	*site;
	void			(*idle_cb)(void *);
	void			*idle_arg;
	struct fetch		*fetch;
	struct event		*sweep_ev, *poll_ev;
	char			 instance[160];
	int			 sweeping, claiming, inflight, closing;
	/* A claim's answer was lost: its rows may be ours, unworked. */
	int			 orphans;
	TAILQ_HEAD(, job)	 jobs;		/* claimed and not yet let go */
	unsigned long long	 sent, failed;
};

struct job {
	TAILQ_ENTRY(job) entry;
	struct outbox	*ob;
	char		*id;
	char		*channel;
	time_t		 lease_end;	/* CLOCK_MONOTONIC seconds */
	/* The result, kept until the database has it. */
	int		 done, ok, marking;
	char		*detail;
};

/* ---------------------------------------------------------------- */

static const char CLAIM_SQL[] =
"WITH c AS ("
"  SELECT d.id FROM delivery d"
"   WHERE (d.status = 'pending' AND d.next_attempt_at <= now())"
"      OR (d.status = 'sending' AND d.claimed_until < now())"
"   ORDER BY d.next_attempt_at, d.id LIMIT $3::int"
"   FOR UPDATE SKIP LOCKED)"
" UPDATE delivery d SET status = 'sending', claimed_by = $1,"
"        claimed_until = now() + make_interval(secs => $2::int),"
"        attempts = d.attempts + 1"
"   FROM c, reminder r"
"  WHERE d.id = c.id AND r.id = d.reminder_id"
" RETURNING d.id, d.channel, d.address, r.id, r.key, r.subject, r.payload::text,"
"   (SELECT coalesce(o.name, p.name) FROM recipient rc"
"      LEFT JOIN office o ON o.id = rc.office_id"
"      LEFT JOIN person p ON p.id = rc.person_id WHERE rc.id = d.recipient_id)";

/*
 * This instance's claims that it is not working on ($2: the ids it is):
 * claimed by a query whose answer was lost, so never started.  Back to
 * pending, the attempt the claim counted undone.
 */
static const char RELEASE_SQL[] =
"UPDATE delivery SET status = 'pending', claimed_by = NULL, claimed_until = NULL,"
"       attempts = greatest(attempts - 1, 0)"
" WHERE claimed_by = $1 AND status = 'sending' AND NOT (id = ANY ($2::bigint[]))";

static const char MARK_SQL[] =
"WITH u AS ("
"  UPDATE delivery d SET"
"    status = CASE WHEN $3::bool THEN 'sent'"
"                  WHEN d.attempts >= $5::int THEN 'failed' ELSE 'pending' END,"
"    sent_at = CASE WHEN $3::bool THEN now() END,"
"    next_attempt_at = CASE WHEN $3::bool THEN d.next_attempt_at"
"      ELSE now() + make_interval(secs =>"
"        least($6::float8 * 2 ^ (d.attempts - 1), $7::float8) / 1000) END,"
"    last_error = CASE WHEN $3::bool THEN NULL ELSE left($4, 500) END,"
"    claimed_by = NULL, claimed_until = NULL"
"   WHERE d.id = $1::bigint AND d.claimed_by = $2 AND d.status = 'sending'"
"  RETURNING d.status),"
" a AS (INSERT INTO delivery_attempt (delivery_id, instance, ok, detail)"
"       VALUES ($1::bigint, $2, $3::bool, left($4, 500)))"
" SELECT status FROM u";

static void	kick(struct outbox *);
static void	mark(struct job *);

static time_t
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

static void
job_free(struct job *j)
{
	struct outbox	*ob = j->ob;

	TAILQ_REMOVE(&ob->jobs, j, entry);
	ob->inflight--;
	free(j->id);
	free(j->channel);
	free(j->detail);
	free(j);
}

/* Something finished: stopping may be waiting for it. */
static void
idle_check(struct outbox *ob)
{
	if (ob->idle_cb != NULL)
		ob->idle_cb(ob->idle_arg);
}

/* ---------------------------------------------------------------- */
/* Sweeps */

static void
swept(PGresult *res, const char *err, void *arg)
{
	struct outbox	*ob = arg;
	json_t		*r;

	ob->sweeping = 0;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("生成提醒失败，稍后再试：%s",
		    res ? PQresultErrorMessage(res) : err);
		/* Stopping waits for the sweep: it is over. */
		idle_check(ob);
		return;
	}
	if ((r = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) != NULL) {
		if (json_integer_value(json_object_get(r, "reminders")) > 0 ||
		    json_integer_value(json_object_get(r, "deliveries")) > 0)
			log_notice("提醒：新生成 %lld 条，待发送 %lld 份（%s）",
			    (long long)json_integer_value(json_object_get(r, "reminders")),
			    (long long)json_integer_value(json_object_get(r, "deliveries")),
			    json_string_value(json_object_get(r, "to")));
		json_decref(r);
	}
	kick(ob);
	idle_check(ob);
}

static void
sweep(struct outbox *ob)
{
	const char	*params[1];
	char		 today[11];

	if (ob->sweeping || ob->closing)
		return;
	clock_today(today);
	params[0] = today;
	if (pool_query(ob->pool, "SELECT duban_sweep($1::date)::text", 1, params,
	    swept, ob) == 0)
		ob->sweeping = 1;
}

static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sweep(arg);
}

/* ---------------------------------------------------------------- */
/* Deliveries */

static void
marked(PGresult *res, const char *err, void *arg)
{
	struct job	*j = arg;
	struct outbox	*ob = j->ob;

	j->marking = 0;
	if (res == NULL) {
		/*
		 * The database went away (a failover, say): the claim is still
		 * ours, so record it again once it is back, while the lease
		 * lasts.  Giving up now would send it a second time.
		 */
		if (!ob->closing && mono_now() < j->lease_end) {
			log_info("发送 %s 的结果暂未记录（%s），数据库恢复后再记录", j->id, err);
			return;
		}
		log_warnx("记录发送结果失败（发送 %s），租约到期后会重发：%s", j->id, err);
	} else if (PQresultStatus(res) != PGRES_TUPLES_OK)
		log_warnx("记录发送结果失败（发送 %s），租约到期后会重发：%s", j->id,
		    PQresultErrorMessage(res));
	else if (PQntuples(res) == 0)
		/*
		 * MARK matched no claim of ours: the lease ran out first, or an
		 * earlier MARK whose answer was lost in a failover did it.
		 */
		log_warnx("发送 %s（%s）结束时未找到本实例的租约（已过期或已记录）："
		    "delivery_lease 应远大于 delivery_timeout", j->id, j->channel);
	else if (strcmp(PQgetvalue(res, 0, 0), "failed") == 0)
		log_warnx("发送 %s（%s）多次失败，已记为失败：duban reminder list --failed",
		    j->id, j->channel);
	job_free(j);
	kick(ob);
	idle_check(ob);
}

/* Results the database does not have yet, again. */
static void
remark(struct outbox *ob)
{
	struct job	*j, *next;

	/* mark() may free j (the database is down and the lease is over). */
	for (j = TAILQ_FIRST(&ob->jobs); j != NULL; j = next) {
		next = TAILQ_NEXT(j, entry);
		if (j->done && !j->marking)
			mark(j);
	}
}

static void
mark(struct job *j)
{
	struct outbox		*ob = j->ob;
	const struct config	*c = ob->cfg;
	const char		*params[7];
	char		 attempts[16], base[16], max[16];

	snprintf(attempts, sizeof attempts, "%d", c->retry_attempts);
	snprintf(base, sizeof base, "%d", c->retry_base_ms);
	snprintf(max, sizeof max, "%d", c->retry_max_ms);
	params[0] = j->id;
	params[1] = ob->instance;
	params[2] = j->ok ? "true" : "false";
	params[3] = j->detail;
	params[4] = attempts;
	params[5] = base;
	params[6] = max;
	j->marking = 1;
	if (pool_query(ob->pool, MARK_SQL, 7, params, marked, j) != 0)
		marked(NULL, "数据库不可用", j);
}

static void
finish(struct job *j, int ok, const char *detail)
{
	struct outbox	*ob = j->ob;

	if (ok)
		ob->sent++;
	else {
		ob->failed++;
		log_info("发送 %s（%s）未成功：%s", j->id, j->channel, detail);
	}
	j->done = 1;
	j->ok = ok;
	j->detail = detail != NULL ? xstrdup(detail) : NULL;
	mark(j);
}

/*
 * How much of what a server answered goes into last_error: at most max
 * bytes of well-formed UTF-8, never half a character, so that the
 * database takes it (a hostile server may answer anything).
 */
static int
answer_len(const char *body, size_t max)
{
	size_t	 n = strlen(body), bad;

	if (!utf8_valid(body, n, &bad))
		n = bad;
	if (n > max)
		for (n = max; n > 0 && ((unsigned char)body[n] & 0xc0) == 0x80; n--)
			;
	return ((int)n);
}

static void
delivered(int ok, long status, const char *body, const char *error, void *arg)
{
	struct job	*j = arg;
	json_t		*r;
	char		 detail[512];

	if (status == -1) {		/* shutting down: the lease will expire */
		job_free(j);
		return;
	}
	if (!ok) {
		finish(j, 0, error);
		return;
	}
	if (strcmp(j->channel, "email") == 0) {
		finish(j, 1, NULL);
		return;
	}
	if (status < 200 || status > 299) {
		snprintf(detail, sizeof detail, "HTTP %ld：%.*s", status,
		    answer_len(body, 300), body);
		finish(j, 0, detail);
		return;
	}
	if (strcmp(j->channel, "wecom") == 0 || strcmp(j->channel, "dingtalk") == 0) {
		/* The robots answer 200 with their own error code. */
		r = json_loads(body, 0, NULL);
		if (r == NULL || json_integer_value(json_object_get(r, "errcode")) != 0) {
			snprintf(detail, sizeof detail, "机器人拒绝：%.*s",
			    answer_len(body, 300), body);
			json_decref(r);
			finish(j, 0, detail);
			return;
		}
		json_decref(r);
	}
	finish(j, 1, NULL);
}

/* What the SMTP transfer reads: one allocation, freed with the transfer. */
struct upload {
	size_t	 len, pos;
	char	 buf[];
};

static size_t
upload_read(char *p, size_t size, size_t n, void *arg)
{
	struct upload	*u = arg;
	size_t		 want = size * n;

	if (want > u->len - u->pos)
		want = u->len - u->pos;
	memcpy(p, u->buf + u->pos, want);
	u->pos += want;
	return (want);
}

/*
 * Markdown cut to a robot's limit, with a link to the whole message, or to
 * the page where the reader acts on it when duband serves pages.
 */
static char *
fit(const char *md, size_t max, const char *public_url, const char *rid, const char *link)
{
	char	*out, *tail;

	if (strlen(md) <= max)
		return (xstrdup(md));
	if (link != NULL)
		tail = xprintf("\n\n……（内容过长，已截断；[在督办网页上查看和更新](%s)）", link);
	else
		tail = xprintf("\n\n……（内容过长，已截断；全文见 %s/api/v1/reminders/%s）",
		    public_url, rid);
	out = xstrdup(md);
	utf8_cut(out, max - strlen(tail));
	out = xreallocarray(out, strlen(out) + strlen(tail) + 1, 1);
	strcat(out, tail);
	free(tail);
	return (out);
}

/* base/index.html?plan=KEY, the key percent-encoded. */
static char *
url_with_plan(const char *base, const char *plan)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;
	unsigned char		 c;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	fprintf(f, "%s/index.html?plan=", base);
	for (; *plan != '\0'; plan++) {
		c = (unsigned char)*plan;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			fputc(c, f);
		else
			fprintf(f, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	fclose(f);
	return (buf);
}

/*
 * Where on the pages the reader acts on a reminder: the task of a notice
 * about one milestone, an office's own tasks for a digest or a dispatch
 * request, the plan's 总览 for a summary.
 */
static void
add_link(json_t *payload, const char *base)
{
	const char	*kind = json_string_value(json_object_get(payload, "kind"));
	json_t		*task = json_object_get(payload, "task");
	const char	*plan = json_string_value(json_object_get(json_object_get(payload,
			    "plan"), "key"));
	char		*link = NULL;

	if (kind == NULL)
		return;
	if (json_is_integer(json_object_get(task, "id")))
		link = xprintf("%s/task.html?id=%lld", base,
		    (long long)json_integer_value(json_object_get(task, "id")));
	else if (strcmp(kind, "digest") == 0 || strcmp(kind, "dispatch") == 0)
		link = xprintf("%s/mine.html", base);
	else if (strcmp(kind, "summary") == 0 && plan != NULL)
		link = url_with_plan(base, plan);
	if (link != NULL)
		json_object_set_new(payload, "link", json_string(link));
	free(link);
}

static void
start(struct outbox *ob, PGresult *res, int row)
{
	const struct config	*c = ob->cfg;
	struct job		*j = xcalloc(1, sizeof *j);
	const char		*channel = PQgetvalue(res, row, 1);
	const char		*address = PQgetvalue(res, row, 2);
	const char		*rid = PQgetvalue(res, row, 3);
	const char		*key = PQgetvalue(res, row, 4);
	const char		*subject = PQgetvalue(res, row, 5);
	const char		*name = PQgetisnull(res, row, 7) ? NULL : PQgetvalue(res, row, 7);
	json_t			*payload = json_loads(PQgetvalue(res, row, 6), 0, NULL), *msg;
	struct curl_slist	*list = NULL;
	struct upload		*u;
	char			*text, *md, *body, *hdr;
	const char		*public = site_base(ob->site), *base;
	struct mail		 m;
	CURL			*e;

	j->ob = ob;
	j->id = xstrdup(PQgetvalue(res, row, 0));
	j->channel = xstrdup(channel);
	/* A second early, for the time the claim took to come back. */
	j->lease_end = mono_now() + c->delivery_lease - 1;
	TAILQ_INSERT_TAIL(&ob->jobs, j, entry);
	ob->inflight++;
	if (payload == NULL) {
		finish(j, 0, "提醒内容无法解析");
		return;
	}
	e = curl_easy_init();
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)c->delivery_timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)c->delivery_timeout);
	if ((base = site_pages(ob->site)) != NULL)
		add_link(payload, base);
	text = render_text(payload, subject);

	if (strcmp(channel, "email") == 0) {
		if (*c->smtp_url == '\0') {
			curl_easy_cleanup(e);
			free(text);
			json_decref(payload);
			finish(j, 0, "未配置 SMTP 服务器（duband.conf 的 smtp_url）");
			return;
		}
		memset(&m, 0, sizeof m);
		m.from = c->smtp_from;
		m.from_name = c->smtp_from_name;
		m.to = address;
		m.to_name = name;
		m.subject = subject;
		m.text = text;
		m.html = render_html(payload, subject);
		m.key = key;
		m.date = clock_now();
		{
			size_t	 len;
			char	*raw = mail_build(&m, &len);

			u = xmalloc(sizeof *u + len);
			u->len = len;
			u->pos = 0;
			memcpy(u->buf, raw, len);
			free(raw);
		}
		free((char *)m.html);
		hdr = xprintf("<%s>", c->smtp_from);
		curl_easy_setopt(e, CURLOPT_URL, c->smtp_url);
		curl_easy_setopt(e, CURLOPT_MAIL_FROM, hdr);
		free(hdr);		/* libcurl copies string options */
		hdr = xprintf("<%s>", address);
		list = curl_slist_append(list, hdr);
		free(hdr);
		curl_easy_setopt(e, CURLOPT_MAIL_RCPT, list);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, upload_read);
		curl_easy_setopt(e, CURLOPT_READDATA, u);
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_INFILESIZE, (long)u->len);
		curl_easy_setopt(e, CURLOPT_USE_SSL, strcmp(c->smtp_tls, "yes") == 0 ?
		    (long)CURLUSESSL_ALL : strcmp(c->smtp_tls, "try") == 0 ?
		    (long)CURLUSESSL_TRY : (long)CURLUSESSL_NONE);
		if (*c->smtp_user != '\0') {
			curl_easy_setopt(e, CURLOPT_USERNAME, c->smtp_user);
			curl_easy_setopt(e, CURLOPT_PASSWORD, c->smtp_password);
		}
		fetch_start(ob->fetch, e, list, u, delivered, j);
		free(text);
		json_decref(payload);
		return;
	}

	md = render_markdown(payload, subject);
	if (strcmp(channel, "wecom") == 0) {
		char	*cut = fit(md, WECOM_MAX, public, rid,
		    json_string_value(json_object_get(payload, "link")));

		msg = json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown",
		    "content", cut);
		free(cut);
	} else if (strcmp(channel, "dingtalk") == 0) {
		char	*cut = fit(md, DINGTALK_MAX, public, rid,
		    json_string_value(json_object_get(payload, "link")));

		msg = json_pack("{s:s, s:{s:s, s:s}}", "msgtype", "markdown",
		    "markdown", "title", subject, "text", cut);
		free(cut);
	} else
		msg = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "key", key,
		    "kind", json_string_value(json_object_get(payload, "kind")),
		    "recipient", name ? name : "", "subject", subject, "text", text,
		    "markdown", md, "payload", payload);
	body = json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(msg);
	list = curl_slist_append(list, "Content-Type: application/json; charset=utf-8");
	hdr = xprintf("X-Duban-Key: %s", key);
	list = curl_slist_append(list, hdr);
	free(hdr);
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(e, CURLOPT_URL, address);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	fetch_start(ob->fetch, e, list, body, delivered, j);
	free(md);
	free(text);
	json_decref(payload);
}

static void
claimed(PGresult *res, const char *err, void *arg)
{
	struct outbox	*ob = arg;
	int		 i, n;

	ob->claiming = 0;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warnx("领取待发送的提醒失败：%s", res ? PQresultErrorMessage(res) : err);
		/* Lost with its connection: it may have claimed rows. */
		if (res == NULL)
			ob->orphans = 1;
		idle_check(ob);
		return;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		start(ob, res, i);
	if (n > 0)
		kick(ob);
	idle_check(ob);
}

static void
released(PGresult *res, const char *err, void *arg)
{
	struct outbox	*ob = arg;

	ob->claiming = 0;
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		log_warnx("交还未处理的领取失败，稍后再试：%s",
		    res ? PQresultErrorMessage(res) : err);
	else {
		ob->orphans = 0;
		if (atoi(PQcmdTuples(res)) > 0)
			log_notice("交还连接中断时领取而未发送的提醒 %s 份", PQcmdTuples(res));
		kick(ob);
	}
	idle_check(ob);
}

/*
 * Before claiming again after a lost claim: gives back this instance's
 * claims other than the jobs it holds.  No claim runs meanwhile (the
 * claiming flag), so none of its rows can be given back by mistake.
 */
static void
release(struct outbox *ob)
{
	const char	*params[2];
	struct job	*j;
	char		*ids = NULL;
	size_t		 len = 0;
	FILE		*f;

	if ((f = open_memstream(&ids, &len)) == NULL)
		fatal("open_memstream");
	fputc('{', f);
	TAILQ_FOREACH(j, &ob->jobs, entry)
		fprintf(f, "%s%s", j == TAILQ_FIRST(&ob->jobs) ? "" : ",", j->id);
	fputc('}', f);
	fclose(f);
	params[0] = ob->instance;
	params[1] = ids;
	if (pool_query(ob->pool, RELEASE_SQL, 2, params, released, ob) == 0)
		ob->claiming = 1;
	free(ids);
}

static void
kick(struct outbox *ob)
{
	const char	*params[3];
	char		 lease[16], limit[16];

	if (ob->closing || ob->claiming || !ob->cfg->reminders)
		return;
	if (ob->orphans) {
		release(ob);
		return;
	}
	if (ob->inflight >= ob->cfg->delivery_concurrency)
		return;
	snprintf(lease, sizeof lease, "%d", ob->cfg->delivery_lease);
	snprintf(limit, sizeof limit, "%d",
	    ob->cfg->delivery_concurrency - ob->inflight);
	params[0] = ob->instance;
	params[1] = lease;
	params[2] = limit;
	if (pool_query(ob->pool, CLAIM_SQL, 3, params, claimed, ob) == 0)
		ob->claiming = 1;
}

static void
poll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	remark(arg);
	kick(arg);
}

/* ---------------------------------------------------------------- */

struct outbox *
outbox_new(struct event_base *base, const struct config *cfg, struct pool *pool,
    const struct site *site)
{
	struct outbox	*ob = xcalloc(1, sizeof *ob);
	char		 host[128];

	ob->cfg = cfg;
	ob->pool = pool;
	ob->site = site;
	TAILQ_INIT(&ob->jobs);
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(ob->instance, sizeof ob->instance, "%s:%ld", host, (long)getpid());
	ob->fetch = fetch_new(base);
	ob->sweep_ev = event_new(base, -1, EV_PERSIST, sweep_cb, ob);
	ob->poll_ev = event_new(base, -1, EV_PERSIST, poll_cb, ob);
	outbox_apply_config(ob);
	return (ob);
}

void
outbox_set_idle_cb(struct outbox *ob, void (*fn)(void *), void *arg)
{
	ob->idle_cb = fn;
	ob->idle_arg = arg;
}

void
outbox_apply_config(struct outbox *ob)
{
	struct timeval	 tv;

	event_del(ob->sweep_ev);
	event_del(ob->poll_ev);
	if (!ob->cfg->reminders)
		return;
	tv.tv_sec = ob->cfg->sweep_interval;
	tv.tv_usec = 0;
	event_add(ob->sweep_ev, &tv);
	tv.tv_sec = ob->cfg->delivery_poll_ms / 1000;
	tv.tv_usec = (ob->cfg->delivery_poll_ms % 1000) * 1000;
	event_add(ob->poll_ev, &tv);
}

void
outbox_wake(struct outbox *ob)
{
	remark(ob);
	if (ob->cfg->reminders) {
		sweep(ob);
		kick(ob);
	}
}

void
outbox_notify(struct outbox *ob)
{
	kick(ob);
}

void
outbox_close(struct outbox *ob)
{
	ob->closing = 1;
	event_del(ob->sweep_ev);
	event_del(ob->poll_ev);
}

int
outbox_idle(struct outbox *ob)
{
	return (ob->inflight + ob->sweeping + ob->claiming == 0);
}

void
outbox_stats(struct outbox *ob, unsigned long long *sent,
    unsigned long long *failed, int *inflight)
{
	*sent = ob->sent;
	*failed = ob->failed;
	*inflight = ob->inflight;
}

void
outbox_free(struct outbox *ob)
{
	ob->closing = 1;
	fetch_free(ob->fetch);
	/* Results never recorded: their leases will expire. */
	while (!TAILQ_EMPTY(&ob->jobs))
		job_free(TAILQ_FIRST(&ob->jobs));
	event_free(ob->sweep_ev);
	event_free(ob->poll_ev);
	free(ob);
}
