/*
 * An office's calendar feed as iCalendar (RFC 5545): one all-day VEVENT
 * per milestone, from the JSON duban_feed() makes.  Lines end in CRLF and
 * are folded at 75 octets without splitting a UTF-8 character (3.1);
 * TEXT values are escaped (3.3.11).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "date.h"
#include "ical.h"
#include "log.h"
#include "render.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))

struct line {
	char	*buf;
	size_t	 len;
	FILE	*f;
};

/*
 * Writes one content line, folded: at most 75 octets a line, each
 * continuation starting with a space, never inside a UTF-8 sequence.
 */
static void
emit(FILE *out, const char *s, size_t len)
{
	size_t	 col = 0, n;

	while (len > 0) {
		n = 1;
		if ((unsigned char)*s >= 0xf0)
			n = 4;
		else if ((unsigned char)*s >= 0xe0)
			n = 3;
		else if ((unsigned char)*s >= 0xc0)
			n = 2;
		if (n > len)
			n = len;
		if (col + n > 75) {
			fputs("\r\n ", out);
			col = 1;
		}
		fwrite(s, 1, n, out);
		col += n;
		s += n;
		len -= n;
	}
	fputs("\r\n", out);
}

static void
line_begin(struct line *l)
{
	l->buf = NULL;
	l->len = 0;
	if ((l->f = open_memstream(&l->buf, &l->len)) == NULL)
		fatal("open_memstream");
}

static void
line_end(struct line *l, FILE *out)
{
	fclose(l->f);
	emit(out, l->buf, l->len);
	free(l->buf);
}

/* A TEXT value: backslash, semicolon, comma and newline escaped. */
static void
text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", f);
			break;
		case ';':
			fputs("\\;", f);
			break;
		case ',':
			fputs("\\,", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void
prop(FILE *out, const char *name, const char *value)
{
	struct line	 l;

	line_begin(&l);
	fputs(name, l.f);
	fputc(':', l.f);
	text(l.f, value);
	line_end(&l, out);
}

/* UTC as 20120920T010000Z. */
static void
utc(time_t t, char buf[17])
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* "2012-09-30" -> "20120930", and the day after. */
static int
dates(const char *iso, char day[16], char next[16])
{
	struct ymd	 d;

	if (iso == NULL || date_parse_iso(iso, &d) != 0)
		return (-1);
	snprintf(day, 16, "%04d%02d%02d", d.y, d.m, d.d);
	date_from_days(date_to_days(&d) + 1, &d);
	snprintf(next, 16, "%04d%02d%02d", d.y, d.m, d.d);
	return (0);
}

/*
 * The UID: the plan, task and milestone keys (stable across re-loads),
 * "/" as ".", anything but letters, digits, "-" and "_" percent-encoded.
 */
static void
uid(FILE *f, const char *key)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; key != NULL && *key != '\0'; key++) {
		unsigned char c = (unsigned char)*key;

		if (c == '/')
			fputc('.', f);
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')
			fputc(c, f);
		else
			fprintf(f, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	fputs("@duban", f);
}

static void
event(FILE *out, const json_t *e, const char *stamp, const char *base)
{
	const char	*status = S(e, "status"), *kind = S(e, "kind");
	const char	*lead = S(e, "lead_office"), *note = S(e, "note");
	struct line	 l;
	char		 day[16], next[16], mod[17];
	time_t		 t;
	int		 done = status != NULL && strcmp(status, "done") == 0;

	if (dates(S(e, "date"), day, next) != 0)
		return;
	fputs("BEGIN:VEVENT\r\n", out);
	line_begin(&l);
	fputs("UID:", l.f);
	uid(l.f, S(e, "uid"));
	line_end(&l, out);
	fprintf(out, "DTSTAMP:%s\r\n", stamp);
	fprintf(out, "DTSTART;VALUE=DATE:%s\r\n", day);
	fprintf(out, "DTEND;VALUE=DATE:%s\r\n", next);
	fprintf(out, "SEQUENCE:%lld\r\n",
	    (long long)json_integer_value(json_object_get(e, "sequence")));
	if (S(e, "updated_at") != NULL && clock_parse(S(e, "updated_at"), &t) == 0) {
		utc(t, mod);
		fprintf(out, "LAST-MODIFIED:%s\r\n", mod);
	}

	line_begin(&l);
	fputs("SUMMARY:", l.f);
	if (done)
		text(l.f, "[已完成] ");
	if (kind != NULL && strcmp(kind, "deadline") == 0) {
		text(l.f, "完成时限：");
		text(l.f, S(e, "label"));
		text(l.f, " ");
		text(l.f, S(e, "task"));
	} else {
		text(l.f, S(e, "label"));
		text(l.f, " ");
		text(l.f, S(e, "task"));
		text(l.f, "：");
		text(l.f, S(e, "title"));
	}
	line_end(&l, out);

	line_begin(&l);
	fputs("DESCRIPTION:", l.f);
	text(l.f, "计划：");
	text(l.f, S(e, "plan"));
	if (S(e, "document_number") != NULL) {
		text(l.f, "（");
		text(l.f, S(e, "document_number"));
		text(l.f, "）");
	}
	text(l.f, "\n任务：");
	text(l.f, S(e, "label"));
	text(l.f, " ");
	text(l.f, S(e, "task"));
	text(l.f, "\n节点：");
	text(l.f, S(e, "title"));
	text(l.f, "\n牵头处室：");
	text(l.f, lead != NULL ? lead : "未明确");
	if (S(e, "role") != NULL && strcmp(S(e, "role"), "responsible") == 0)
		text(l.f, "（本处室为责任处室）");
	text(l.f, "\n状态：");
	text(l.f, render_status(status));
	if (done && S(e, "completed_on") != NULL) {
		text(l.f, "（");
		text(l.f, S(e, "completed_on"));
		text(l.f, " 完成）");
	}
	if (note != NULL && *note != '\0') {
		text(l.f, "\n完成情况：");
		text(l.f, note);
	}
	line_end(&l, out);
	if (base != NULL && json_is_integer(json_object_get(e, "task_id"))) {
		line_begin(&l);
		fprintf(l.f, "URL:%s/task.html?id=%lld", base,
		    (long long)json_integer_value(json_object_get(e, "task_id")));
		line_end(&l, out);
	}
	prop(out, "CATEGORIES", "督办");
	fputs("STATUS:CONFIRMED\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n", out);
}

char *
ical_render(const json_t *feed, time_t now, const char *base)
{
	char		*buf = NULL, stamp[17], *name;
	size_t		 len = 0, i;
	FILE		*out;
	json_t		*e;

	if ((out = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	utc(now, stamp);
	fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//duban//duban 督办//ZH\r\n"
	    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n", out);
	name = xprintf("%s %s督办节点", S(feed, "organisation") ? S(feed, "organisation") : "",
	    S(feed, "office") ? S(feed, "office") : "");
	prop(out, "X-WR-CALNAME", name);
	free(name);
	fputs("X-WR-TIMEZONE:Asia/Shanghai\r\n"
	    "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
	    "X-PUBLISHED-TTL:PT1H\r\n", out);
	json_array_foreach(json_object_get(feed, "events"), i, e)
		event(out, e, stamp, base);
	fputs("END:VCALENDAR\r\n", out);
	fclose(out);
	return (buf);
}
