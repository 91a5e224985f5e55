/*
 * Routing (see router.h): the tables in the order they were added, the
 * path's parameter, 404 and 405, and the hand-off to the gate.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "http.h"
#include "router.h"
#include "xmalloc.h"

struct router {
	void			 *app;
	const struct route	**tables;
	size_t			  ntables;
	router_gate		  gate;
	void			 *gate_arg;
	router_fallback		  fallback;
	void			 *fallback_arg;
};

struct router *
router_new(void *app)
{
	struct router	*rt = xcalloc(1, sizeof *rt);

	rt->app = app;
	return (rt);
}

void
router_free(struct router *rt)
{
	if (rt == NULL)
		return;
	free(rt->tables);
	free(rt);
}

void
router_add(struct router *rt, const struct route *table)
{
	rt->tables = xreallocarray(rt->tables, rt->ntables + 1, sizeof *rt->tables);
	rt->tables[rt->ntables++] = table;
}

void
router_set_gate(struct router *rt, router_gate fn, void *arg)
{
	rt->gate = fn;
	rt->gate_arg = arg;
}

void
router_set_fallback(struct router *rt, router_fallback fn, void *arg)
{
	rt->fallback = fn;
	rt->fallback_arg = arg;
}

/*
 * Matches path (already percent-decoded) against pattern; "{id}" takes
 * digits, "{office}" and "{org}" a name (an office's or an organisation's
 * name is Chinese: any byte of UTF-8 beyond ASCII too), any other "{key}"
 * a key.  The first
 * parameter goes to param, a second to param2.
 */
static int
match(const char *pattern, const char *path, char **param, char **param2)
{
	const char	*p = pattern, *q = path, *start;
	char		**slot = param;

	*param = *param2 = NULL;
	while (*p != '\0') {
		if (*p == '{') {
			int	 digits = strncmp(p, "{id}", 4) == 0;
			int	 name = strncmp(p, "{office}", 8) == 0 ||
			    strncmp(p, "{org}", 5) == 0;

			p = strchr(p, '}') + 1;
			start = q;
			while (*q != '\0' && *q != '/') {
				if (digits ? !isdigit((unsigned char)*q) :
				    !(isalnum((unsigned char)*q) || *q == '-' ||
				    *q == '_' || *q == '.' || (name && (unsigned char)*q >= 0x80)))
					goto no;
				q++;
			}
			if (q == start || q - start > (digits ? 18 : name ? 256 : 64) ||
			    slot == NULL)
				goto no;
			*slot = xstrndup(start, (size_t)(q - start));
			slot = slot == param ? param2 : NULL;
			continue;
		}
		if (*p++ != *q++)
			goto no;
	}
	if (*q == '\0' || (q[0] == '/' && q[1] == '\0'))
		return (1);
no:
	free(*param);
	free(*param2);
	*param = *param2 = NULL;
	return (0);
}

int
router_streams(const char *method, const char *path, void *arg)
{
	struct router		*rt = arg;
	const struct route	*e;
	char			*param, *param2;
	size_t			 t;

	for (t = 0; t < rt->ntables; t++)
		for (e = rt->tables[t]; e->pattern != NULL; e++) {
			if (!(e->flags & ROUTE_STREAM) ||
			    strcmp(http_method_name(e->method), method) != 0 ||
			    !match(e->pattern, path, &param, &param2))
				continue;
			free(param);
			free(param2);
			return (1);
		}
	return (0);
}

void
router_dispatch(struct req *r, void *arg)
{
	struct router		*rt = arg;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(r->ev);
	const struct route	*e;
	char			*param, *param2, allow[64] = "";
	size_t			 t;
	int			 path_known = 0;

	r->app = rt->app;
	if (m == EVHTTP_REQ_HEAD)
		m = EVHTTP_REQ_GET;
	for (t = 0; t < rt->ntables; t++)
		for (e = rt->tables[t]; e->pattern != NULL; e++) {
			if (!match(e->pattern, r->path, &param, &param2))
				continue;
			if (e->method != m) {
				path_known = 1;
				if (strlen(allow) + 10 < sizeof allow)
					snprintf(allow + strlen(allow),
					    sizeof allow - strlen(allow), "%s%s",
					    *allow ? ", " : "", http_method_name(e->method));
				free(param);
				free(param2);
				continue;
			}
			r->route = e;
			r->name = e->pattern;
			r->param = param;
			r->param2 = param2;
			rt->gate(r, rt->gate_arg);
			return;
		}
	/* Not the API: a page, if there is one by that name. */
	if (!path_known && m == EVHTTP_REQ_GET && strncmp(r->path, "/api/", 5) != 0 &&
	    rt->fallback != NULL && rt->fallback(r, rt->fallback_arg))
		return;
	if (path_known) {
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Allow",
		    allow);
		http_problem(r, 405, "不支持的请求方法",
		    "这个地址不支持该请求方法，可用的方法见 Allow", NULL, NULL);
		return;
	}
	http_problem(r, 404, "地址不存在", "没有这个地址：接口都在 /api/v1 下，网页从 / 开始",
	    NULL, NULL);
}
