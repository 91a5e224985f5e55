/*
 * People: accounts made with `duban user`, signing in with a password
 * (Argon2id), the forced first change, throttling, disabling, tokens that
 * act as a person, and who may manage accounts.  Real duband, real
 * PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define JSON	"Content-Type: application/json"

struct site {
	char		*db, *session;
	struct t_daemon	 d;
	PGconn		*c;
};

/* The snapshot every site copies: the plan loaded (the tests make the
 * accounts they are about). */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static struct t_setup SETUP = { { LOAD }, NULL, 0 };

static void
site_start(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	s->db = t_db_snapshot("people", t_setup_build, &SETUP);
	t_daemon_start(&s->d, s->db, NULL, env);
	s->session = xprintf("%s/api/v1/session", s->d.url);
	s->c = t_connect(s->db);
	free(env_now);
}

static void
site_restart(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	t_daemon_stop(&s->d);
	t_daemon_start(&s->d, s->db, NULL, env);
	free(s->session);
	s->session = xprintf("%s/api/v1/session", s->d.url);
	free(env_now);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->session);
	free(s->db);
}

/* `duban user create`; returns the one-time password it printed. */
static char *
user_create(struct site *s, const char *login, const char *name, const char *office,
    const char *role)
{
	const char	*args[] = { "user", "create", "--login", login, "--name", name,
	    "--role", role, office ? "--office" : NULL, office, NULL };
	struct t_run	 r;
	char		*pw, *nl;

	t_cli(&r, s->db, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "初始密码只显示这一次") != NULL, "%s", r.out);
	/* The password is the last line. */
	r.out[strcspn(r.out, "\0")] = '\0';
	nl = r.out + strlen(r.out) - 1;
	*nl = '\0';
	nl = strrchr(r.out, '\n');
	cr_assert_not_null(nl, "%s", r.out);
	pw = xstrdup(nl + 1);
	cr_expect_eq(strlen(pw), 14, "one-time password 「%s」", pw);
	t_run_free(&r);
	return (pw);
}

/* Signs in with a password; returns the status, and on 201 the cookie
 * header line and the CSRF secret (and the answer, if asked). */
static long
sign_in(struct site *s, const char *login, const char *pw, char **cookie, char **csrf,
    json_t **answer)
{
	struct t_http	 h;
	json_t		*b = json_pack("{s:s, s:s}", "login", login, "password", pw), *j;
	char		*body = json_dumps(b, 0), *set;
	long		 status;

	json_decref(b);
	*cookie = *csrf = NULL;
	t_http(&h, "POST", s->session, NULL, body, JSON);
	free(body);
	status = h.status;
	if (status == 201) {
		set = t_http_header(&h, "Set-Cookie");
		cr_assert_not_null(set);
		cr_expect(strstr(set, "HttpOnly") != NULL, "%s", set);
		*cookie = xprintf("Cookie: %.*s", (int)strcspn(set, ";"), set);
		free(set);
		cr_expect(strstr(h.body, pw) == NULL, "the answer does not echo the password");
		j = json_loads(h.body, 0, NULL);
		cr_assert_not_null(j, "%s", h.body);
		*csrf = xstrdup(S(j, "csrf"));
		if (answer != NULL)
			*answer = j;
		else
			json_decref(j);
	}
	t_http_free(&h);
	return (status);
}

/* A header block: the cookie and the CSRF secret, as JSON. */
static char *
with(const char *cookie, const char *csrf)
{
	return (xprintf("%s\r\nX-CSRF-Token: %s\r\n%s", cookie, csrf, JSON));
}

static long
get(struct site *s, const char *path, const char *token, const char *extra)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", s->d.url, path);
	long		 status;

	t_http(&h, "GET", url, token, NULL, extra);
	status = h.status;
	t_http_free(&h);
	free(url);
	return (status);
}

Test(people, a_clerk_signs_in_changes_the_password_and_history_names_them, .timeout = 120)
{
	struct site	 s;
	struct t_http	 h;
	char		*pw, *cookie, *csrf, *hdr, *url, *body, *fp;
	json_t		*j;
	long		 id;

	site_start(&s, "2012-09-03T09:00+08:00");
	pw = user_create(&s, "chenwei", "陈伟", "财务审计处", "clerk");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM account WHERE password LIKE"
	    " '$argon2id$v=19$m=19456,t=2,p=1$%'", 0, NULL), 1, "stored as Argon2id");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM account WHERE password LIKE"
	    " '%' || $1 || '%'", 1, (const char *[]){ pw }), 0, "never in clear");

	j = NULL;
	cr_assert_eq(sign_in(&s, "chenwei", pw, &cookie, &csrf, &j), 201);
	cr_expect_str_eq(S(j, "name"), "陈伟");
	cr_expect_str_eq(S(j, "office"), "财务审计处");
	cr_expect_str_eq(S(j, "person_role"), "clerk");
	cr_expect(json_is_true(json_object_get(j, "must_change")));
	json_decref(j);
	hdr = with(cookie, csrf);

	/* Until the password is changed, nothing else. */
	t_http(&h, "GET", s.d.url, NULL, NULL, cookie);
	t_http_free(&h);
	url = xprintf("%s/api/v1/tasks", s.d.url);
	t_http(&h, "GET", url, NULL, NULL, cookie);
	cr_expect_eq(h.status, 403, "%s", h.body);
	cr_expect(strstr(h.body, "请先修改密码") != NULL, "%s", h.body);
	t_http_free(&h);
	free(url);
	cr_expect_eq(get(&s, "/api/v1/session", NULL, cookie), 200);

	/* A weak new password, or a wrong current one: refused, nothing changed. */
	fp = t_fingerprint(s.c);
	url = xprintf("%s/password", s.session);
	body = xprintf("{\"password\":\"%s\",\"new_password\":\"abcdefgh\"}", pw);
	t_http(&h, "POST", url, NULL, body, hdr);
	cr_expect_eq(h.status, 422, "%s", h.body);
	cr_expect(strstr(h.body, "\"field\":\"new_password\"") != NULL, "%s", h.body);
	cr_expect(strstr(h.body, "至少应有 10 个字符") != NULL, "%s", h.body);
	t_http_free(&h);
	free(body);
	t_http(&h, "POST", url, NULL,
	    "{\"password\":\"wrong-one-1\",\"new_password\":\"Changchun-2012\"}", hdr);
	cr_expect_eq(h.status, 422, "%s", h.body);
	cr_expect(strstr(h.body, "当前密码不对") != NULL, "%s", h.body);
	cr_expect(strstr(h.body, "\"field\":\"password\"") != NULL, "%s", h.body);
	t_http_free(&h);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	body = xprintf("{\"password\":\"%s\",\"new_password\":\"Changchun-2012\"}", pw);
	t_http(&h, "POST", url, NULL, body, hdr);
	cr_expect_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);
	free(body);
	free(url);

	/* The same session goes on, as 陈伟 of 财务审计处. */
	t_http(&h, "GET", s.session, NULL, NULL, cookie);
	cr_expect_eq(h.status, 200, "%s", h.body);
	cr_expect(strstr(h.body, "\"must_change\":false") != NULL, "%s", h.body);
	cr_expect(strstr(h.body, "\"login\":\"chenwei\"") != NULL, "%s", h.body);
	t_http_free(&h);
	id = t_query_long(s.c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL);
	url = xprintf("%s/api/v1/targets/%ld", s.d.url, id);
	t_http(&h, "PATCH", url, NULL, "{\"current\":7000}", hdr);
	cr_expect_eq(h.status, 200, "%s", h.body);
	/* A person's save is the office's draft, in their name; the office
	 * has no head, so their submission goes out at once. */
	j = json_loads(h.body, 0, NULL);
	cr_expect_str_eq(S(json_object_get(j, "draft"), "saved_by"), "陈伟");
	json_decref(j);
	t_http_free(&h);
	free(url);
	url = xprintf("%s/api/v1/offices/%%E8%%B4%%A2%%E5%%8A%%A1%%E5%%AE%%A1%%E8%%AE%%A1%%E5%%A4%%84"
	    "/report/submit", s.d.url);
	t_http(&h, "POST", url, NULL, NULL, hdr);
	cr_expect_eq(h.status, 200, "%s", h.body);
	cr_expect(strstr(h.body, "没有处室负责人账号") != NULL, "%s", h.body);
	t_http_free(&h);
	free(url);
	url = xprintf("%s/api/v1/targets/%ld", s.d.url, id);
	t_http(&h, "GET", url, NULL, NULL, hdr);
	j = json_loads(h.body, 0, NULL);
	cr_expect_str_eq(S(json_object_get(j, "updated_by"), "actor"), "陈伟");
	cr_expect_str_eq(S(json_object_get(j, "updated_by"), "office"), "财务审计处");
	json_decref(j);
	t_http_free(&h);
	free(url);
	EXPECT_STR(t_query(s.c, "SELECT h.actor || '，' || o.name FROM progress h"
	    " JOIN office o ON o.id = h.office_id WHERE h.source = 'api'", 0, NULL),
	    "陈伟，财务审计处");

	/* The old password no longer signs in; the new one does, without a change. */
	free(cookie);
	free(csrf);
	cr_expect_eq(sign_in(&s, "chenwei", pw, &cookie, &csrf, NULL), 401);
	j = NULL;
	cr_expect_eq(sign_in(&s, "chenwei", "Changchun-2012", &cookie, &csrf, &j), 201);
	cr_expect(json_is_false(json_object_get(j, "must_change")));
	json_decref(j);
	cr_expect_eq(get(&s, "/api/v1/tasks", NULL, cookie), 200);

	free(cookie);
	free(csrf);
	free(hdr);
	free(pw);
	site_stop(&s);
}

Test(people, failed_sign_ins_are_throttled_and_logged_without_the_password, .timeout = 180)
{
	struct site	 s;
	struct t_http	 h;
	char		*pw, *cookie, *csrf, *log, *ra, *fp, login[32], bad[32];
	long		 wait;
	int		 i;

	site_start(&s, "2012-09-03T09:00+08:00");
	pw = user_create(&s, "liuchangquan", "刘长泉", "基础教育处", "head");
	for (i = 0; i < 5; i++)
		cr_expect_eq(sign_in(&s, "liuchangquan", "Secret-guess-9", &cookie, &csrf, NULL),
		    401, "attempt %d", i + 1);
	/* The sixth, even with the right password: 429, and no session made. */
	fp = t_fingerprint(s.c);
	{
		json_t	*b = json_pack("{s:s, s:s}", "login", "liuchangquan", "password", pw);
		char	*body = json_dumps(b, 0);

		t_http(&h, "POST", s.session, NULL, body, JSON);
		json_decref(b);
		free(body);
	}
	cr_expect_eq(h.status, 429, "%s", h.body);
	cr_expect(strstr(h.body, "登录失败次数过多") != NULL, "%s", h.body);
	ra = t_http_header(&h, "Retry-After");
	cr_assert_not_null(ra);
	wait = strtol(ra, NULL, 10);
	cr_expect(wait > 800 && wait <= 900, "Retry-After: %s", ra);
	free(ra);
	cr_expect(t_http_header(&h, "Set-Cookie") == NULL);
	t_http_free(&h);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	log = t_daemon_log(&s.d);
	cr_expect(strstr(log, "登录名“liuchangquan”") != NULL, "%s", log);
	cr_expect(strstr(log, "Secret-guess-9") == NULL, "the password is not logged");
	cr_expect(strstr(log, pw) == NULL, "the password is not logged");
	free(log);

	/* Sixteen minutes later the login is free again. */
	site_restart(&s, "2012-09-03T09:16+08:00");
	cr_expect_eq(sign_in(&s, "liuchangquan", pw, &cookie, &csrf, NULL), 201);
	free(cookie);
	free(csrf);

	/* One address trying many logins: stopped after 20 failures. */
	for (i = 0; i < 20; i++) {
		snprintf(login, sizeof login, "nobody%02d", i);
		snprintf(bad, sizeof bad, "Guess-%02d-abcd", i);
		cr_expect_eq(sign_in(&s, login, bad, &cookie, &csrf, NULL), 401, "%s", login);
	}
	cr_expect_eq(sign_in(&s, "liuchangquan", pw, &cookie, &csrf, NULL), 429,
	    "the address is throttled, whatever the login");
	free(pw);
	site_stop(&s);
}

Test(people, a_disabled_account_stops_at_once, .timeout = 120)
{
	struct site	 s;
	struct t_http	 h;
	struct t_run	 r;
	const char	*create[] = { "user", "create", "--login", "zhaoyan", "--name", "赵岩",
	    "--office", "基础教育处", "--role", "clerk", "--password-stdin", NULL };
	const char	*token[] = { "token", "create", "--user", "zhaoyan", "--quiet", NULL };
	const char	*disable[] = { "user", "disable", "zhaoyan", NULL };
	const char	*enable[] = { "user", "enable", "zhaoyan", NULL };
	char		*cookie, *csrf, *tok, *hdr, *url;
	long		 id;

	site_start(&s, "2012-09-03T09:00+08:00");
	/* --password-stdin: a password of one's own, no change needed. */
	t_cli_input(&r, s.db, create, "Zhaoyan-Jilin-2012\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "初始密码") == NULL, "%s", r.out);
	t_run_free(&r);
	t_cli(&r, s.db, token);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tok = xstrdup(r.out);
	tok[strcspn(tok, "\n")] = '\0';
	t_run_free(&r);

	cr_assert_eq(sign_in(&s, "zhaoyan", "Zhaoyan-Jilin-2012", &cookie, &csrf, NULL), 201);
	hdr = with(cookie, csrf);
	cr_expect_eq(get(&s, "/api/v1/tasks", NULL, cookie), 200);
	cr_expect_eq(get(&s, "/api/v1/tasks", tok, NULL), 200);

	t_cli(&r, s.db, disable);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "即时失效") != NULL, "%s", r.out);
	t_run_free(&r);

	/* A write checks the person in its own transaction: refused at once. */
	id = t_query_long(s.c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '2' ORDER BY g.id LIMIT 1", 0, NULL);
	url = xprintf("%s/api/v1/targets/%ld", s.d.url, id);
	t_http(&h, "PATCH", url, tok, "{\"current\":1}", JSON);
	cr_expect_eq(h.status, 401, "%s", h.body);
	t_http_free(&h);
	t_http(&h, "PATCH", url, NULL, "{\"current\":1}", hdr);
	cr_expect(h.status == 401 || h.status == 403, "%ld %s", h.status, h.body);
	t_http_free(&h);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM progress WHERE source = 'api'",
	    0, NULL), 0);
	/* And so do reads, once duband has heard (NOTIFY) of it. */
	cr_expect_eq(get(&s, "/api/v1/tasks", tok, NULL), 401);
	cr_expect_eq(get(&s, "/api/v1/tasks", NULL, cookie), 401);
	free(cookie);
	free(csrf);
	cr_expect_eq(sign_in(&s, "zhaoyan", "Zhaoyan-Jilin-2012", &cookie, &csrf, NULL), 401,
	    "a disabled account cannot sign in");

	/* Enabled again: the person signs in anew; the old token stays dead. */
	t_cli(&r, s.db, enable);
	cr_expect_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	cr_expect_eq(sign_in(&s, "zhaoyan", "Zhaoyan-Jilin-2012", &cookie, &csrf, NULL), 201);
	cr_expect_eq(get(&s, "/api/v1/tasks", tok, NULL), 401);
	EXPECT_STR(t_query(s.c, "SELECT string_agg(action, ',' ORDER BY id) FROM account_log",
	    0, NULL), "created,token_created,disabled,enabled");
	free(cookie);
	free(csrf);
	free(hdr);
	free(url);
	free(tok);
	site_stop(&s);
}

Test(people, the_cli_refuses_bad_accounts_and_changes_nothing, .timeout = 60)
{
	struct site	 s;
	struct t_run	 r;
	char		*fp;
	static const struct {
		const char	*args[12];
		int		 status;
		const char	*says;
	} bad[] = {
		{ { "user", "create", "--login", "Bad Login", "--name", "某人", "--role",
		    "clerk", "--office", "财务审计处", NULL }, 65, "登录名应为" },
		{ { "user", "create", "--login", "someone", "--name", "某人", "--role",
		    "clerk", NULL }, 65, "须指定所属处室" },
		{ { "user", "create", "--login", "someone", "--name", "某人", "--role",
		    "clerk", "--office", "没有这个处", NULL }, 66, "没有名为“没有这个处”的处室" },
		{ { "user", "create", "--login", "someone", "--name", "某人", "--role",
		    "boss", NULL }, 64, "boss" },
		{ { "user", "disable", "nobody", NULL }, 66, "没有登录名为“nobody”的账号" },
		{ { "user", "password", "nobody", NULL }, 66, "没有登录名为“nobody”的账号" },
		{ { "token", "create", "--user", "nobody", NULL }, 66, "没有登录名为“nobody”" },
		{ { "token", "create", "--user", "x", "--role", "general", NULL }, 64, "" },
	};
	size_t		 i;
	char		*pw;

	site_start(&s, "2012-09-03T09:00+08:00");
	pw = user_create(&s, "lizhi", "李智", "局办公室", "general");
	fp = t_fingerprint(s.c);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		t_cli(&r, s.db, bad[i].args);
		cr_expect_eq(r.status, bad[i].status, "case %zu: %d %s", i, r.status, r.err);
		cr_expect(strstr(r.err, bad[i].says) != NULL, "case %zu: %s", i, r.err);
		t_run_free(&r);
	}
	{
		const char	*dup[] = { "user", "create", "--login", "lizhi", "--name", "李智",
		    "--role", "general", NULL };

		t_cli(&r, s.db, dup);
		cr_expect_eq(r.status, 75, "%s", r.err);
		cr_expect(strstr(r.err, "登录名已被使用") != NULL, "%s", r.err);
		t_run_free(&r);
	}
	{
		const char	*weak[] = { "user", "create", "--login", "weakling", "--name", "某人",
		    "--role", "inspector", "--password-stdin", NULL };

		t_cli_input(&r, s.db, weak, "weakling12345\n");
		cr_expect_eq(r.status, 64, "%s", r.err);
		cr_expect(strstr(r.err, "密码不能包含登录名") != NULL, "%s", r.err);
		t_run_free(&r);
	}
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	{
		const char	*list[] = { "user", "list", NULL };

		t_cli(&r, s.db, list);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "李智") != NULL && strstr(r.out, "局办公室督办员") != NULL &&
		    strstr(r.out, "待首次修改密码") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	free(pw);
	site_stop(&s);
}

/*
 * Who may manage accounts: every route of /api/v1/users for every kind of
 * caller; a refusal changes nothing.
 */
Test(people, only_the_general_office_and_administrators_manage_accounts, .timeout = 180)
{
	struct site	 s;
	struct t_http	 h;
	char		*pw_admin, *pw_clerk, *pw_leader, *ck, *cs, *fp, *url, *newpw;
	char		*general, *office, *inspector;
	struct caller {
		const char	*name;
		char		*token;		/* bearer, or NULL */
		char		*headers;	/* cookie + CSRF, or NULL */
		int		 may;
	} callers[7];
	static const struct {
		const char	*method, *path, *body;
		long		 ok;
	} routes[] = {
		{ "GET", "/api/v1/users", NULL, 200 },
		{ "POST", "/api/v1/users", "{\"login\":\"new%d\",\"name\":\"新人\","
		  "\"office\":\"人事处\",\"role\":\"clerk\"}", 201 },
		{ "POST", "/api/v1/users/target/password", NULL, 200 },
		{ "POST", "/api/v1/users/target/disable", NULL, 200 },
		{ "POST", "/api/v1/users/target/enable", NULL, 200 },
	};
	json_t		*j;
	size_t		 i, k;

	site_start(&s, "2012-09-03T09:00+08:00");
	pw_admin = user_create(&s, "admin1", "王管理", NULL, "admin");
	pw_clerk = user_create(&s, "clerk1", "孙经办", "人事处", "clerk");
	pw_leader = user_create(&s, "leader1", "于海波", NULL, "leader");
	free(user_create(&s, "target", "被管理人", "人事处", "clerk"));
	general = t_token(s.db, "general", NULL);
	office = t_token(s.db, "office", "人事处");
	inspector = t_token(s.db, "inspector", NULL);

	callers[0] = (struct caller){ "nobody", NULL, NULL, 0 };
	callers[1] = (struct caller){ "inspector token", inspector, NULL, 0 };
	callers[2] = (struct caller){ "office token", office, NULL, 0 };
	callers[3] = (struct caller){ "general token", general, NULL, 1 };
	/* People, signed in (and past their first change). */
	{
		const char	*who[3][2] = { { "clerk1", NULL }, { "leader1", NULL },
		    { "admin1", NULL } };
		char		*pws[3] = { pw_clerk, pw_leader, pw_admin };

		for (k = 0; k < 3; k++) {
			char	*hdr, *body;

			cr_assert_eq(sign_in(&s, who[k][0], pws[k], &ck, &cs, NULL), 201);
			hdr = with(ck, cs);
			url = xprintf("%s/password", s.session);
			body = xprintf("{\"password\":\"%s\",\"new_password\":\"Jilin-2012-No%zu\"}",
			    pws[k], k);
			t_http(&h, "POST", url, NULL, body, hdr);
			cr_assert_eq(h.status, 200, "%s", h.body);
			t_http_free(&h);
			free(body);
			free(url);
			callers[4 + k] = (struct caller){ who[k][0], NULL, hdr, k == 2 };
			free(ck);
			free(cs);
		}
	}

	for (k = 0; k < 7; k++) {
		for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
			char	*body = routes[i].body ? xprintf(routes[i].body, (int)k) : NULL;
			char	*extra = callers[k].headers ? xstrdup(callers[k].headers) :
			    xstrdup(JSON);

			url = xprintf("%s%s", s.d.url, routes[i].path);
			fp = callers[k].may ? NULL : t_fingerprint(s.c);
			t_http(&h, routes[i].method, url, callers[k].token, body, extra);
			if (callers[k].may)
				cr_expect_eq(h.status, routes[i].ok, "%s %s %s: %s", callers[k].name,
				    routes[i].method, routes[i].path, h.body);
			else {
				cr_expect_eq(h.status, k == 0 ? 401 : 403, "%s %s %s: %ld %s",
				    callers[k].name, routes[i].method, routes[i].path, h.status,
				    h.body);
				EXPECT_STR(t_fingerprint(s.c), fp, "%s %s", callers[k].name,
				    routes[i].path);
			}
			if (callers[k].may && i == 1 && h.status == 201) {
				/* The one-time password is in the answer, once, not cached. */
				char	*cc = t_http_header(&h, "Cache-Control");

				j = json_loads(h.body, 0, NULL);
				newpw = xstrdup(S(j, "password"));
				cr_expect_eq(strlen(newpw), 14, "%s", h.body);
				cr_expect_str_eq(S(j, "office"), "人事处");
				cr_expect(json_is_true(json_object_get(j, "must_change")));
				cr_expect(cc != NULL && strcmp(cc, "no-store") == 0);
				free(cc);
				json_decref(j);
				free(newpw);
			}
			t_http_free(&h);
			free(url);
			free(body);
			free(extra);
		}
	}
	/* Creating through the API checks as the CLI does. */
	t_http(&h, "POST", (url = xprintf("%s/api/v1/users", s.d.url)), general,
	    "{\"login\":\"x y\",\"name\":\"某\",\"role\":\"clerk\",\"office\":\"人事处\"}", JSON);
	cr_expect_eq(h.status, 422, "%s", h.body);
	cr_expect(strstr(h.body, "\"field\":\"login\"") != NULL, "%s", h.body);
	t_http_free(&h);
	t_http(&h, "POST", url, general, "{\"login\":\"xy\",\"name\":\"某\",\"role\":\"clerk\"}",
	    JSON);
	cr_expect_eq(h.status, 422, "%s", h.body);
	cr_expect(strstr(h.body, "\"field\":\"office\"") != NULL, "%s", h.body);
	t_http_free(&h);
	free(url);
	EXPECT_STR(t_query(s.c, "SELECT count(*)::text FROM account WHERE login LIKE 'new%'",
	    0, NULL), "2");

	for (k = 4; k < 7; k++)
		free(callers[k].headers);
	free(pw_admin);
	free(pw_clerk);
	free(pw_leader);
	free(general);
	free(office);
	free(inspector);
	site_stop(&s);
}
