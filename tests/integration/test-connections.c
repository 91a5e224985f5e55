/*
 * Connections that hold duband without asking anything: each counts from
 * its accept, one address may hold only max_per_client of them, a
 * request's head must be in within header_timeout, and when descriptors
 * run out duband sheds and pauses instead of spinning.  A second client
 * (another loopback address) is served throughout, /metrics shows what
 * the caps did, and the log stays short.  Real duband.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static int
port_of(const struct t_daemon *d)
{
	int	 port = 0;

	cr_assert_eq(sscanf(d->url, "http://127.0.0.1:%d", &port), 1);
	return (port);
}

/* A connection to duband from the loopback address from. */
static int
dial(int port, const char *from)
{
	struct sockaddr_in	 sin, src;
	int			 fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0, "socket: %s", strerror(errno));
	memset(&src, 0, sizeof src);
	src.sin_family = AF_INET;
	inet_pton(AF_INET, from, &src.sin_addr);
	cr_assert(bind(fd, (struct sockaddr *)&src, sizeof src) == 0, "bind %s: %s", from,
	    strerror(errno));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Everything fd gives until it closes (or secs pass): allocated. */
static char *
read_all(int fd, int secs)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	char		*buf = xcalloc(1, 65536);
	size_t		 len = 0;
	ssize_t		 n;

	while (len < 65535 && poll(&p, 1, secs * 1000) == 1) {
		if ((n = read(fd, buf + len, 65535 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	return (buf);
}

/* GET path from the address from, Connection: close: the answer. */
static char *
get_from(int port, const char *from, const char *path)
{
	char	*req, *out;
	int	 fd = dial(port, from);

	cr_assert(fd >= 0, "cannot connect from %s", from);
	req = xprintf("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	out = read_all(fd, 30);
	close(fd);
	free(req);
	return (out);
}

static char *
conf(const char *name, const char *text)
{
	char	*path = xprintf("%s/%s", t_tmpdir(), name);

	t_write_file(path, text, strlen(text));
	return (path);
}

Test(connections, one_address_cannot_lock_out_another)
{
	struct t_daemon	 d;
	char		*db = t_db_create(), *c, *out;
	const char	*args[3] = { "--config", NULL, NULL };
	int		 fds[600], i, n = 0, refused = 0, port;

	c = conf("per-client.conf", "max_per_client = 50\nmax_connections = 200\n"
	    "header_timeout = 600\n");
	args[1] = c;
	t_daemon_start(&d, db, args, NULL);
	port = port_of(&d);
	/* 600 keep-alive connections from 127.0.0.1 that say nothing. */
	for (i = 0; i < 600; i++)
		if ((fds[n] = dial(port, "127.0.0.1")) >= 0)
			n++;
	/* Those past the 50th are closed without a word (nothing was asked:
	 * a client sending a request later would take an answer for its own). */
	for (i = 50; i < n; i++) {
		out = read_all(fds[i], 20);
		if (*out == '\0')
			refused++;
		free(out);
	}
	cr_expect_eq(refused, n - 50, "%d of %d connections past the cap were refused",
	    refused, n - 50);
	/* Another address is served at once, and /metrics says what happened. */
	out = get_from(port, "127.0.0.2", "/healthz");
	cr_expect(strncmp(out, "HTTP/1.1 200", 12) == 0, "%s", out);
	free(out);
	out = get_from(port, "127.0.0.2", "/metrics");
	{
		static const char key[] = "{cap=\"max_per_client\"} ";
		const char	*at = strstr(out, key);

		cr_expect(at != NULL && strtol(at + strlen(key), NULL, 10) >= n - 50, "%s", out);
	}
	cr_expect(strstr(out, "duban_http_connections_waiting 50") != NULL,
	    "the 50 silent connections are not counted as waiting: %s", out);
	free(out);
	for (i = 0; i < n; i++)
		close(fds[i]);
	t_daemon_stop(&d);
	free(c);
	free(db);
}

Test(connections, slow_heads_are_cut)
{
	struct t_daemon	 d;
	char		*db = t_db_create(), *c, *out;
	const char	*args[3] = { "--config", NULL, NULL };
	int		 slow, silent, port;

	c = conf("slow.conf", "header_timeout = 1\n");
	args[1] = c;
	t_daemon_start(&d, db, args, NULL);
	port = port_of(&d);
	/* Half a head, then nothing (a byte now and then keeps no one in). */
	slow = dial(port, "127.0.0.1");
	cr_assert_eq(write(slow, "GET /healthz HTTP/1.1\r\nHo", 25), 25);
	silent = dial(port, "127.0.0.1");
	out = read_all(slow, 20);
	cr_expect(strncmp(out, "HTTP/1.1 408", 12) == 0 && strstr(out, "problem+json"),
	    "a head left half-sent: %s", out);
	free(out);
	/* One that sent nothing (a browser's spare) is closed without a word. */
	out = read_all(silent, 20);
	cr_expect_str_eq(out, "", "a silent connection was answered: %s", out);
	free(out);
	close(slow);
	close(silent);
	/* A whole request, sent at once, is not cut. */
	out = get_from(port, "127.0.0.1", "/healthz");
	cr_expect(strncmp(out, "HTTP/1.1 200", 12) == 0, "%s", out);
	free(out);
	out = get_from(port, "127.0.0.1", "/metrics");
	cr_expect(strstr(out, "duban_http_connections_refused_total{cap=\"header_timeout\"} 2"),
	    "%s", out);
	free(out);
	t_daemon_stop(&d);
	free(c);
	free(db);
}

/*
 * Out of descriptors: duband may open 256 files, and 1,500 connections
 * from 300 addresses (127.0.0.10 to .109, within the per-address cap)
 * come at once.  It sheds what it cannot take and pauses accepting
 * instead of spinning; the attackers' heads are cut after three seconds
 * (long enough for the 1,500 to fill the 256 descriptors even when the
 * machine is loaded: after one second they did not always); a client that
 * tries again is served; the log stays short.
 */
Test(connections, out_of_descriptors, .timeout = 300)
{
	struct t_daemon	 d;
	struct rlimit	 rl, low;
	char		*db = t_db_create(), *c, *out, *log, from[32];
	const char	*args[3] = { "--config", NULL, NULL };
	static int	 fds[1500];
	int		 i, n = 0, port, tries, ok = 0;
	size_t		 lines = 0;

	c = conf("fd.conf", "header_timeout = 3\nmax_connections = 5000\n");
	args[1] = c;
	cr_assert(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	cr_assert(rl.rlim_max >= 4096, "this test needs 4,096 descriptors");
	low = rl;
	low.rlim_cur = 256;
	cr_assert(setrlimit(RLIMIT_NOFILE, &low) == 0);
	t_daemon_start(&d, db, args, NULL);	/* inherits the low limit */
	rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
	cr_assert(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	port = port_of(&d);
	for (i = 0; i < 1500; i++) {
		snprintf(from, sizeof from, "127.0.0.%d", 10 + i % 100);
		if ((fds[n] = dial(port, from)) >= 0) {
			(void)write(fds[n], "G", 1);
			n++;
		}
	}
	/* Another client is served, if not at its first try. */
	for (tries = 0; tries < 20 && !ok; tries++) {
		out = get_from(port, "127.0.0.2", "/healthz");
		ok = strncmp(out, "HTTP/1.1 200", 12) == 0;
		free(out);
	}
	cr_expect(ok, "/healthz was not answered in 20 tries");
	out = get_from(port, "127.0.0.2", "/metrics");
	cr_expect(strstr(out, "{cap=\"descriptors\"} 0\n") == NULL,
	    "no connection was shed for want of descriptors: %s", out);
	free(out);
	for (i = 0; i < n; i++)
		close(fds[i]);
	/* A few lines, not one per failed accept. */
	log = t_daemon_log(&d);
	for (i = 0; log[i] != '\0'; i++)
		lines += log[i] == '\n';
	cr_expect(lines < 200, "%zu lines of log", lines);
	free(log);
	t_daemon_stop(&d);
	free(c);
	free(db);
}

/* A raw request on its own connection: the whole answer. */
static char *
ask_raw(int port, const char *req, size_t len)
{
	char	*out;
	int	 fd = dial(port, "127.0.0.1");

	cr_assert(fd >= 0, "cannot connect");
	(void)write(fd, req, len);
	shutdown(fd, SHUT_WR);
	out = read_all(fd, 20);
	close(fd);
	return (out);
}

/* The answer is a problem+json of status, and its detail is there. */
static void
expect_problem(const char *what, const char *out, int status)
{
	char		 line[32];
	const char	*body = strstr(out, "\r\n\r\n");
	json_t		*p;

	snprintf(line, sizeof line, "HTTP/1.1 %d ", status);
	cr_expect(strncmp(out, line, strlen(line)) == 0, "%s: %s", what, out);
	cr_expect(strstr(out, "\r\nContent-Type: application/problem+json") != NULL,
	    "%s: not problem+json: %s", what, out);
	p = body != NULL ? json_loads(body + 4, 0, NULL) : NULL;
	cr_expect(p != NULL && json_integer_value(json_object_get(p, "status")) == status &&
	    json_is_string(json_object_get(p, "title")) &&
	    json_is_string(json_object_get(p, "detail")), "%s: %s", what, out);
	json_decref(p);
}

/*
 * What libevent 2.1 refuses by itself, before duband's handler sees a
 * request, with an HTML page of its own (no error callback in 2.1): each
 * is answered problem+json, of libevent's status.  And a body jansson
 * cannot read, whose error text quotes a UTF-8 sequence cut short, keeps
 * its detail (found by tests/fuzz/fuzz-body).
 */
Test(connections, libevent_refusals_are_problems)
{
	static const struct {
		const char	*what, *req;
		int		 status;
	} cases[] = {
		{ "no request line", "GARBAGE\r\n\r\n", 400 },
		{ "a header without a colon", "GET /healthz HTTP/1.1\r\nBad header\r\n\r\n", 400 },
		{ "HTTP/2.0", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 400 },
		{ "HEAD with a header without a colon",
		  "HEAD /healthz HTTP/1.1\r\nBad header\r\n\r\n", 400 },
		{ "an unknown method", "FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 501 },
		{ "TRACE", "TRACE /api/v1/plans HTTP/1.1\r\nHost: x\r\n\r\n", 405 },
		{ "CONNECT", "CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "a Content-Length that is no number", "POST /api/v1/dispatches HTTP/1.1\r\n"
		  "Host: x\r\nContent-Length: abc\r\n\r\n", 400 },
		{ "an Expect other than 100-continue", "POST /api/v1/dispatches HTTP/1.1\r\n"
		  "Host: x\r\nExpect: foo\r\nContent-Length: 2\r\n\r\n{}", 417 },
		{ "a body past libevent's limit", "POST /api/v1/dispatches HTTP/1.1\r\n"
		  "Host: x\r\nContent-Length: 99999999\r\n\r\n", 413 },
		{ "the same, waiting for 100 Continue", "POST /api/v1/dispatches HTTP/1.1\r\n"
		  "Host: x\r\nExpect: 100-continue\r\nContent-Length: 99999999\r\n\r\n", 413 },
	};
	struct t_daemon	 d;
	char		*db = t_db_create(), *c, *out, *req, *tok, big[3000];
	const char	*args[3] = { "--config", NULL, NULL };
	size_t		 i;
	int		 port;

	c = conf("refusals.conf", "max_headers = 2048\nmax_body = 4096\n");
	args[1] = c;
	tok = t_token(db, "general", NULL);
	t_daemon_start(&d, db, args, NULL);
	port = port_of(&d);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = ask_raw(port, cases[i].req, strlen(cases[i].req));
		expect_problem(cases[i].what, out, cases[i].status);
		free(out);
	}
	/* A head past max_headers. */
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	req = xprintf("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", big);
	out = ask_raw(port, req, strlen(req));
	expect_problem("a head past max_headers", out, 400);
	free(out);
	free(req);
	/* jansson's "invalid escape near '"\u80<first byte of ȝ>'". */
	req = xprintf("POST /api/v1/dispatches HTTP/1.1\r\nHost: x\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: 18\r\n\r\n{\"title\":\"\\u80\xc8\x9d\xdd\x82", tok);
	out = ask_raw(port, req, strlen(req));
	expect_problem("a body whose error quotes half a character", out, 400);
	free(out);
	free(req);
	/* Still serving. */
	out = get_from(port, "127.0.0.1", "/healthz");
	cr_expect(strncmp(out, "HTTP/1.1 200", 12) == 0, "%s", out);
	free(out);
	t_daemon_stop(&d);
	free(tok);
	free(c);
	free(db);
}

/*
 * A refusal of libevent's own behind pipelined answers that the client
 * has not read yet (6 MB of style sheets, more than the kernel buffers
 * hold, and a 4 KiB receive buffer) is
 * problem+json too: evhttp reads the next request only once the answer
 * before it has left duband's output, so its page is at the head of
 * what is written, where duband's filter rewrites it.
 */
Test(connections, refusal_behind_pipelined_answers_is_a_problem, .timeout = 120)
{
	static const char one[] = "GET /app.css HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char bad[] = "GET /healthz HTTP/1.1\r\nBad header\r\n\r\n";
	struct t_daemon		 d;
	struct sockaddr_in	 sin;
	struct pollfd		 pfd;
	const char		*args[] = { "--web", DUBAN_SOURCE_DIR "/daemon/web", NULL };
	char			*db = t_db_create(), *req, *buf, *p, *last = NULL;
	size_t			 len = 0, cap = 1 << 20, n = 200, i, ok = 0;
	ssize_t			 got;
	int			 fd, rcv = 4096;

	t_daemon_start(&d, db, args, NULL);
	req = xcalloc(n, sizeof one + sizeof bad);
	for (i = 0; i < n; i++)
		strcat(req, one);
	strcat(req, bad);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) == 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port_of(&d));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	/* Everything until duband closes (the refusal says Connection: close). */
	buf = xmalloc(cap);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 30000) == 1) {
		if (len + 65536 + 1 > cap)
			buf = xreallocarray(buf, cap *= 2, 1);
		if ((got = read(fd, buf + len, 65536)) <= 0)
			break;
		len += (size_t)got;
	}
	buf[len] = '\0';
	close(fd);
	for (p = buf; (p = memmem(p, (size_t)(buf + len - p), "HTTP/1.1 ", 9)) != NULL; p += 9) {
		if (strncmp(p, "HTTP/1.1 200 ", 13) == 0)
			ok++;
		last = p;
	}
	cr_expect_eq(ok, n, "%zu of %zu style sheets answered", ok, n);
	cr_assert(last != NULL);
	expect_problem("a bad request behind 6 MB of answers", last, 400);
	t_daemon_stop(&d);
	free(buf);
	free(req);
	free(db);
}
