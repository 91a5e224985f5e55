/*
 * Write requests' JSON bodies, checked without the request: the parse
 * (valid JSON, an object, known keys, numbers in range, nesting within
 * BODY_MAX_DEPTH) and the shape checks of the routes that check more in
 * C than the parse (milestone and target PATCH, 批量填报, opening a
 * dispatch round).  Pure: no request, no database, no event loop, so
 * that the fuzz harness (tests/fuzz/fuzz-body.c) can call it as duband
 * does.
 *
 * Called by http.c (http_json_object) and the api-*.c handlers named
 * above; calls jansson and lib/base only.
 */
#ifndef DUBAN_BODY_H
#define DUBAN_BODY_H

#include <stddef.h>

#include <jansson.h>

/* No write route's body nests deeper than a few levels. */
#define BODY_MAX_DEPTH	32

/* Why a body was refused: an HTTP status, a title, a detail and the
 * field named (NULL when the body as a whole is wrong). */
struct body_err {
	int	 status;
	const char *title;
	char	*detail;
	char	*field;
};

void	 body_err_free(struct body_err *);

/*
 * text (len bytes, not necessarily NUL-terminated) as a JSON object,
 * every key of which is among allowed (NULL-terminated; NULL: any); an
 * empty text is {} when empty_ok.  The object (the caller frees it), or
 * NULL with *e filled in (400).
 */
json_t	*body_parse(const char *text, size_t len, const char *const *allowed,
	    int empty_ok, struct body_err *e);

/*
 * A write route's body as duband reads it in C: its name (for the fuzz
 * harness and its messages), its keys (NULL: its check names any it does
 * not know), whether an empty body will do,
 * and the shape check past the parse (NULL: the parse is all; the
 * database checks the rest, and names the field).  0, or -1 with *e
 * filled in.
 */
struct body_route {
	const char		 *name;
	const char *const	 *fields;
	int			  empty_ok;
	int			(*check)(json_t *, struct body_err *);
};

/* body_parse, then the route's check: the object, or NULL with *e. */
json_t	*body_read(const struct body_route *, const char *text, size_t len,
	    struct body_err *e);

extern const struct body_route body_milestone_patch;	/* api-write.c */
extern const struct body_route body_target_patch;
extern const struct body_route body_batch_put;		/* api-batch.c */
extern const struct body_route body_dispatch_open;	/* api-dispatch.c */
extern const struct body_route body_report_step;
extern const struct body_route body_extension_request;	/* api-extensions.c */
extern const struct body_route body_extension_decide;
extern const struct body_route body_jiaoban_create;	/* api-jiaoban.c */
extern const struct body_route body_jiaoban_patch;
extern const struct body_route body_jiaoban_withdraw;
extern const struct body_route body_completion_request;	/* api-completion.c */
extern const struct body_route body_completion_decide;
extern const struct body_route body_assess_grade;	/* api-assess.c */
extern const struct body_route body_instruct;		/* api-workflow.c */
extern const struct body_route body_feed_create;	/* api-feeds.c */
extern const struct body_route body_user_create;	/* api-users.c */
extern const struct body_route body_signin;		/* api-session.c */
extern const struct body_route body_password_change;
extern const struct body_route body_empty;		/* {} or nothing */

/* All of them, ending with NULL (the fuzz harness). */
extern const struct body_route *const body_routes[];

#endif
