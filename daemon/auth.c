/*
 * Who is asking: a bearer token, or the pages' session cookie (see
 * api-session.c).  Both are stored as their SHA-256; duband keeps those
 * it has seen for token_cache_ttl seconds, and forgets them all when the
 * database says a token or session changed (NOTIFY duban_tokens), so a
 * revocation or a sign-out takes effect at once; and when the database
 * went down or came back (server.c), because a NOTIFY sent while duband
 * was not listening is lost.  A cached session ends at its expiry
 * instant, checked against the clock on every request.  A session stands
 * for its token: the writes check that token again inside their own
 * transaction.  A write made with the cookie must carry the session's
 * CSRF secret (X-CSRF-Token); one made with a bearer token cannot be
 * forged by another site and needs none.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/http.h>

#include "auth.h"
#include "config.h"
#include "hash.h"
#include "http.h"
#include "idem.h"
#include "log.h"
#include "query.h"
#include "router.h"
#include "xmalloc.h"

#define AUTH_BUCKETS	1024
#define AUTH_MAX	10000
#define TOKEN_MAX_LEN	256

struct auth_entry {
	struct auth_entry	*next;
	char			 hash[SHA256_HEX_LEN + 1];	/* of what was sent */
	enum role		 role;
	long long		 token_id;
	long long		 office_id;
	char			*office;
	char			*label;
	long long		 account_id;
	char			*person_role;
	char			*login;
	int			 must_change;
	/* A session: its token's hash, and the CSRF secret. */
	int			 session;
	char			 token_hash[SHA256_HEX_LEN + 1];
	char			*csrf;
	/* When a session ends (microseconds since the epoch); 0 for a token. */
	long long		 session_until;
	time_t			 expires;	/* when this entry is forgotten */
};

static void
entry_free(struct auth_entry *e)
{
	free(e->office);
	free(e->label);
	free(e->person_role);
	free(e->login);
	free(e->csrf);
	free(e);
}

struct auth_cache {
	const struct config	*cfg;
	struct auth_entry	*b[AUTH_BUCKETS];
	int			 n;
};

/* A lookup in the database, for r. */
struct lookup {
	struct auth_cache	*a;
	struct req		*r;
};

struct auth_cache *
auth_new(const struct config *cfg)
{
	struct auth_cache	*a = xcalloc(1, sizeof *a);

	a->cfg = cfg;
	return (a);
}

void
auth_flush(struct auth_cache *a)
{
	struct auth_entry	*e, *next;
	int			 i;

	for (i = 0; i < AUTH_BUCKETS; i++) {
		for (e = a->b[i]; e != NULL; e = next) {
			next = e->next;
			entry_free(e);
		}
		a->b[i] = NULL;
	}
	a->n = 0;
}

void
auth_free(struct auth_cache *a)
{
	auth_flush(a);
	free(a);
}

static unsigned
bucket(const char *hash)
{
	unsigned	 h = 0;
	int		 i;

	/* The hash is already uniform: its first hex digits will do. */
	for (i = 0; i < 8; i++)
		h = h * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' :
		    hash[i] - 'a' + 10);
	return (h % AUTH_BUCKETS);
}

/* Real time in microseconds, as PostgreSQL's now() that ends sessions. */
static long long
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/*
 * The cached grant for hash, if it is still good: an entry is kept for
 * token_cache_ttl seconds, but a session's ends at the session's expiry
 * instant, checked on every request (reads and writes alike).
 */
static struct auth_entry *
lookup(struct auth_cache *a, const char *hash)
{
	struct auth_entry	*e;

	for (e = a->b[bucket(hash)]; e != NULL; e = e->next)
		if (strcmp(e->hash, hash) == 0) {
			if (e->expires <= time(NULL))
				return (NULL);
			if (e->session && e->session_until <= now_us())
				return (NULL);
			return (e);
		}
	return (NULL);
}

static void
remember(struct auth_cache *a, const struct auth_entry *in, int ttl)
{
	struct auth_entry	*e, **pp;
	unsigned		 b = bucket(in->hash);

	if (ttl <= 0)
		return;
	if (a->n >= AUTH_MAX)
		auth_flush(a);
	for (pp = &a->b[b]; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->hash, in->hash) == 0) {
			e = *pp;
			*pp = e->next;
			entry_free(e);
			a->n--;
			break;
		}
	e = xcalloc(1, sizeof *e);
	memcpy(e, in, sizeof *e);
	e->office = in->office ? xstrdup(in->office) : NULL;
	e->label = in->label ? xstrdup(in->label) : NULL;
	e->person_role = in->person_role ? xstrdup(in->person_role) : NULL;
	e->login = in->login ? xstrdup(in->login) : NULL;
	e->csrf = in->csrf ? xstrdup(in->csrf) : NULL;
	e->expires = time(NULL) + ttl;
	e->next = a->b[b];
	a->b[b] = e;
	a->n++;
}

/* Sign-out: this instance forgets the session at once. */
void
auth_forget(struct auth_cache *a, const char *hash)
{
	struct auth_entry	*e, **pp;

	for (pp = &a->b[bucket(hash)]; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->hash, hash) == 0) {
			e = *pp;
			*pp = e->next;
			entry_free(e);
			a->n--;
			return;
		}
}

/* Equal, in a time that does not depend on where they differ. */
static int
secret_equal(const char *a, const char *b)
{
	size_t		 la = strlen(a), lb = strlen(b), i;
	unsigned char	 d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return (d == 0);
}

static enum role
role_of(const char *s)
{
	if (strcmp(s, "general") == 0)
		return (ROLE_GENERAL);
	if (strcmp(s, "office") == 0)
		return (ROLE_OFFICE);
	return (ROLE_INSPECTOR);
}

/* The caller is known: may they call this route? */
static void
authorize(struct req *r, const struct auth_entry *e)
{
	enum evhttp_cmd_type	 m = evhttp_request_get_command(r->ev);
	const char		*csrf;

	r->role = e->role;
	r->token_id = e->token_id;
	r->office_id = e->office_id;
	r->office = e->office ? xstrdup(e->office) : NULL;
	r->label = e->label ? xstrdup(e->label) : NULL;
	r->account_id = e->account_id;
	r->person_role = e->person_role ? xstrdup(e->person_role) : NULL;
	r->login = e->login ? xstrdup(e->login) : NULL;
	r->must_change = e->must_change;
	if (e->session) {
		r->session_hash = r->token_hash;	/* what the cookie hashed to */
		r->token_hash = xstrdup(e->token_hash);
		r->csrf = xstrdup(e->csrf);
		csrf = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
		    "X-CSRF-Token");
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD &&
		    (csrf == NULL || !secret_equal(csrf, e->csrf))) {
			http_problem(r, 403, "请求来源无法确认",
			    "缺少或不对的 X-CSRF-Token：请刷新页面后重试", NULL, NULL);
			return;
		}
	}
	if (e->must_change && !(r->route->flags & ROUTE_BEFORE_CHANGE)) {
		http_problem(r, 403, "请先修改密码",
		    "首次登录或密码被重置后，须先修改密码才能继续使用", "new_password", NULL);
		return;
	}
	if (r->route->role > r->role) {
		http_problem(r, 403, "无权操作", r->role == ROLE_INSPECTOR ?
		    "督查人员的令牌只能查看，不能修改" :
		    "这项操作只有局办公室（general 角色）可以进行", NULL, NULL);
		return;
	}
	idem_run(r);
}

static void
unauthorized(struct req *r, const char *detail)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "WWW-Authenticate", "Bearer realm=\"duban\"");
	http_problem(r, 401, "需要有效的访问令牌", detail, NULL, NULL);
}

/* The value of one cookie, if it is there and looks like ours. */
static char *
cookie(struct req *r, const char *name)
{
	const char	*h = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
			    "Cookie"), *p, *v;
	size_t		 n = strlen(name), len;

	for (p = h; p != NULL && *p != '\0'; p += strcspn(p, ";"), p += *p == ';') {
		while (*p == ' ')
			p++;
		if (strncmp(p, name, n) != 0 || p[n] != '=')
			continue;
		v = p + n + 1;
		len = strcspn(v, "; ");
		if (len == 0 || len > TOKEN_MAX_LEN)
			return (NULL);
		return (xstrndup(v, len));
	}
	return (NULL);
}

static void
looked_up(PGresult *res, const char *err, void *arg)
{
	struct lookup		*lk = arg;
	struct auth_cache	*a = lk->a;
	struct req		*r = lk->r;
	struct auth_entry	 e;

	free(lk);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	if (PQntuples(res) == 0) {
		unauthorized(r, "令牌无效或已吊销");
		return;
	}
	memset(&e, 0, sizeof e);
	memcpy(e.hash, r->token_hash, sizeof e.hash);
	e.token_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	e.role = role_of(PQgetvalue(res, 0, 1));
	e.office_id = PQgetisnull(res, 0, 2) ? 0 :
	    strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	e.office = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
	e.label = PQgetvalue(res, 0, 4);
	if (!PQgetisnull(res, 0, 5)) {
		e.account_id = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
		e.person_role = PQgetvalue(res, 0, 6);
		e.login = PQgetvalue(res, 0, 7);
	}
	e.must_change = PQgetvalue(res, 0, 8)[0] == 't';
	if (PQnfields(res) > 11) {
		e.session = 1;
		snprintf(e.token_hash, sizeof e.token_hash, "%s", PQgetvalue(res, 0, 9));
		e.csrf = PQgetvalue(res, 0, 10);
		e.session_until = strtoll(PQgetvalue(res, 0, 11), NULL, 10);
	}
	remember(a, &e, a->cfg->token_cache_ttl);
	authorize(r, &e);
}

/* Asks the database who r's token or session is; answers 503 if it cannot. */
static void
look_up(struct auth_cache *a, struct req *r, const char *sql)
{
	struct lookup	*lk = xcalloc(1, sizeof *lk);
	const char	*params[1];

	lk->a = a;
	lk->r = r;
	params[0] = r->token_hash;
	if (http_query_for(r, sql, 1, params, looked_up, lk) != 0)
		free(lk);
}

void
auth_request(struct req *r, void *arg)
{
	struct auth_cache	*a = arg;
	const char		*h, *tok;
	struct auth_entry	*e;

	if (r->route->role == ROLE_NONE) {
		r->route->handler(r);
		return;
	}
	h = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Authorization");
	if (h == NULL && (tok = cookie(r, "duban_session")) != NULL) {
		/* The pages' session. */
		r->token_hash = xmalloc(SHA256_HEX_LEN + 1);
		sha256_hex(tok, strlen(tok), r->token_hash);
		free((char *)tok);
		if ((e = lookup(a, r->token_hash)) != NULL) {
			authorize(r, e);
			return;
		}
		look_up(a, r, "SELECT token_id, role, office_id, office, label, account_id,"
		    " person_role, login, must_change, token_hash, csrf,"
		    " (extract(epoch FROM expires_at) * 1000000)::bigint"
		    " FROM duban_session_auth($1)");
		return;
	}
	if (h == NULL) {
		unauthorized(r, "请求头中没有 Authorization: Bearer 令牌（或网页登录已过期）");
		return;
	}
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		unauthorized(r, "Authorization 应为“Bearer 令牌”");
		return;
	}
	tok = h + 7;
	while (*tok == ' ')
		tok++;
	if (*tok == '\0' || strlen(tok) > TOKEN_MAX_LEN) {
		unauthorized(r, "令牌格式不对");
		return;
	}
	r->token_hash = xmalloc(SHA256_HEX_LEN + 1);
	sha256_hex(tok, strlen(tok), r->token_hash);
	if ((e = lookup(a, r->token_hash)) != NULL) {
		authorize(r, e);
		return;
	}
	look_up(a, r, QUERY_TOKEN_AUTH);
}
