/*
 * A request's body, as duband's routes read it: its bytes within
 * max_body, or a JSON object checked by body.c against what the route
 * takes, a refusal answered as problem+json naming the field.  Calls
 * http_problem (http.c), never the other way round (scripts/check-calls).
 */
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "body.h"
#include "http.h"
#include "xmalloc.h"

char *
http_body(struct req *r, size_t *lenp)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->ev);
	size_t		 len = evbuffer_get_length(in);
	char		*s, *msg;

	if (len > (size_t)http_max_body(r)) {
		msg = xprintf("请求体 %zu 字节，上限为 %d 字节", len, http_max_body(r));
		http_problem(r, 413, "请求体过大", msg, NULL, NULL);
		free(msg);
		return (NULL);
	}
	s = xmalloc(len + 1);
	evbuffer_copyout(in, s, len);
	s[len] = '\0';
	*lenp = len;
	return (s);
}

/* A refused body: its problem. */
static void
body_refused(struct req *r, struct body_err *e)
{
	http_problem(r, e->status, e->title, e->detail, e->field, NULL);
	body_err_free(e);
}

json_t *
http_json_object(struct req *r, const char *const *allowed, int empty_ok)
{
	struct body_route	 br = { NULL, allowed, empty_ok, NULL };

	return (http_json_for(r, &br));
}

json_t *
http_json_for(struct req *r, const struct body_route *br)
{
	struct body_err	 e;
	json_t		*body;
	char		*text;
	size_t		 len;

	if ((text = http_body(r, &len)) == NULL)
		return (NULL);
	body = body_read(br, text, len, &e);
	free(text);
	if (body == NULL)
		body_refused(r, &e);
	return (body);
}

char *
http_json_text_for(struct req *r, const struct body_route *br)
{
	json_t	*body;
	char	*doc;

	if ((body = http_json_for(r, br)) == NULL)
		return (NULL);
	doc = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return (doc);
}

char *
http_json_text(struct req *r, const char *const *allowed, int empty_ok)
{
	json_t	*body;
	char	*doc;

	if ((body = http_json_object(r, allowed, empty_ok)) == NULL)
		return (NULL);
	doc = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return (doc);
}

int
http_no_body(struct req *r)
{
	static const char *const none[] = { NULL };
	json_t	*body;

	if ((body = http_json_object(r, none, 1)) == NULL)
		return (-1);
	json_decref(body);
	return (0);
}
