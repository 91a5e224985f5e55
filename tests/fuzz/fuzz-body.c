/*
 * libFuzzer harness for the write routes' JSON bodies as duband reads
 * them before any query (daemon/body.h): the first byte picks the route
 * (body_routes), the rest is the body.  A refusal is a 400 or 422 with a
 * title and a detail in valid UTF-8 (and its field, if any, too); a body
 * taken is an object of the route's keys only, nested within
 * BODY_MAX_DEPTH, that jansson writes as compact JSON (the text the
 * database is given: valid UTF-8, no NUL) and reads back equal.  Never a
 * crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "body.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
nroutes(void)
{
	size_t	 n = 0;

	while (body_routes[n] != NULL)
		n++;
	return (n);
}

static void
valid_text(const char *s)
{
	if (s == NULL || !utf8_valid(s, strlen(s), NULL))
		abort();
}

/* The nesting of v: 1 for a scalar, 1 + its deepest member's. */
static int
depth(const json_t *v)
{
	const json_t	*x;
	const char	*k;
	size_t		 i;
	int		 d, max = 0;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if ((d = depth(x)) > max)
				max = d;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if ((d = depth(x)) > max)
				max = d;
	} else
		return (1);
	return (1 + max);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t			 n;
	const struct body_route		*br;
	const char			*key;
	struct body_err			 e;
	json_t				*body, *back, *v;
	char				*text;
	size_t				 k;

	if (n == 0)
		n = nroutes();
	if (size == 0)
		return (0);
	br = body_routes[data[0] % n];
	body = body_read(br, (const char *)data + 1, size - 1, &e);
	if (body == NULL) {
		if ((e.status != 400 && e.status != 422) || e.title == NULL)
			abort();
		valid_text(e.title);
		valid_text(e.detail);
		if (e.field != NULL)
			valid_text(e.field);
		body_err_free(&e);
		return (0);
	}
	if (!json_is_object(body) || depth(body) > BODY_MAX_DEPTH + 1)
		abort();
	json_object_foreach(body, key, v) {
		for (k = 0; br->fields != NULL && br->fields[k] != NULL &&
		    strcmp(br->fields[k], key) != 0; k++)
			;
		if (br->fields != NULL && br->fields[k] == NULL)
			abort();	/* a key the route does not know */
	}
	if ((text = json_dumps(body, JSON_COMPACT)) == NULL)
		abort();
	if (!utf8_valid(text, strlen(text), NULL))
		abort();
	back = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (back == NULL || !json_equal(back, body))
		abort();
	json_decref(back);
	free(text);
	json_decref(body);
	return (0);
}
