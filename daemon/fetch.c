#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "xmalloc.h"

#define BODY_MAX	65536

struct transfer;
TAILQ_HEAD(transfers, transfer);

struct fetch {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	int			 running;
	struct transfers	 all;
};

struct transfer {
	TAILQ_ENTRY(transfer)	 entry;
	struct fetch		*f;
	CURL			*easy;
	struct curl_slist	*headers;
	void			*owned;
	fetch_cb		 cb;
	void			*arg;
	char			 error[CURL_ERROR_SIZE];
	char			*body;
	size_t			 len;
};

struct sock {
	struct event	*ev;
};

static void
transfer_free(struct transfer *t)
{
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	free(t->owned);
	free(t->body);
	free(t);
}

static void
done(struct fetch *f)
{
	struct transfer	*t;
	CURLMsg		*msg;
	CURLcode	 rc;
	long		 status = 0;
	int		 left;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		curl_multi_remove_handle(f->multi, t->easy);
		TAILQ_REMOVE(&f->all, t, entry);
		f->running--;
		t->cb(rc == CURLE_OK, status, t->body ? t->body : "",
		    rc == CURLE_OK ? NULL : (*t->error ? t->error :
		    curl_easy_strerror(rc)), t->arg);
		transfer_free(t);
	}
}

static void
ev_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;
	int		 action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(f->multi, fd, action, &running);
	done(f);
}

static void
timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;
	int		 running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	done(f);
}

static int
socket_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct fetch	*f = userp;
	struct sock	*sk = socketp;
	short		 kind;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			event_free(sk->ev);
			free(sk);
		}
		curl_multi_assign(f->multi, s, NULL);
		return (0);
	}
	kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
	    ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (sk == NULL) {
		sk = xcalloc(1, sizeof *sk);
		curl_multi_assign(f->multi, s, sk);
	} else
		event_free(sk->ev);
	sk->ev = event_new(f->base, s, kind, ev_cb, f);
	event_add(sk->ev, NULL);
	return (0);
}

static int
timer_cb(CURLM *multi, long ms, void *userp)
{
	struct fetch	*f = userp;
	struct timeval	 tv;

	(void)multi;
	if (ms < 0) {
		evtimer_del(f->timer);
		return (0);
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(f->timer, &tv);
	return (0);
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct transfer	*t = arg;
	size_t		 add = size * n, keep;

	/* Only the start of an answer matters (errcode); the rest is read. */
	keep = t->len >= BODY_MAX ? 0 : add > BODY_MAX - t->len ? BODY_MAX - t->len : add;
	if (keep > 0) {
		t->body = xreallocarray(t->body, t->len + keep + 1, 1);
		memcpy(t->body + t->len, p, keep);
		t->len += keep;
		t->body[t->len] = '\0';
	}
	return (add);
}

struct fetch *
fetch_new(struct event_base *base)
{
	struct fetch	*f = xcalloc(1, sizeof *f);

	f->base = base;
	f->multi = curl_multi_init();
	f->timer = evtimer_new(base, timeout_cb, f);
	TAILQ_INIT(&f->all);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return (f);
}

void
fetch_start(struct fetch *f, CURL *easy, struct curl_slist *headers,
    void *owned, fetch_cb cb, void *arg)
{
	struct transfer	*t = xcalloc(1, sizeof *t);

	t->f = f;
	t->easy = easy;
	t->headers = headers;
	t->owned = owned;
	t->cb = cb;
	t->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, t);
	f->running++;
	TAILQ_INSERT_TAIL(&f->all, t, entry);
	curl_multi_add_handle(f->multi, easy);
}

int
fetch_running(struct fetch *f)
{
	return (f->running);
}

void
fetch_free(struct fetch *f)
{
	struct transfer	*t;

	while ((t = TAILQ_FIRST(&f->all)) != NULL) {
		TAILQ_REMOVE(&f->all, t, entry);
		curl_multi_remove_handle(f->multi, t->easy);
		t->cb(0, -1, "", "正在关闭", t->arg);
		transfer_free(t);
	}
	curl_multi_cleanup(f->multi);
	event_free(f->timer);
	free(f);
}
