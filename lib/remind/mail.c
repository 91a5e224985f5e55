#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "mail.h"
#include "xmalloc.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t
b64_chunk(const unsigned char *in, size_t n, char *out)
{
	unsigned	 v = (unsigned)in[0] << 16 |
	    (n > 1 ? (unsigned)in[1] << 8 : 0) | (n > 2 ? in[2] : 0);

	out[0] = b64[v >> 18 & 63];
	out[1] = b64[v >> 12 & 63];
	out[2] = n > 1 ? b64[v >> 6 & 63] : '=';
	out[3] = n > 2 ? b64[v & 63] : '=';
	return (4);
}

static char *
b64_plain(const char *buf, size_t len)
{
	const unsigned char	*in = (const unsigned char *)buf;
	char			*out = xmalloc(len / 3 * 4 + 5), *o = out;
	size_t			 i;

	for (i = 0; i < len; i += 3)
		o += b64_chunk(in + i, len - i > 3 ? 3 : len - i, o);
	*o = '\0';
	return (out);
}

char *
mail_base64(const char *buf, size_t len)
{
	const unsigned char	*in = (const unsigned char *)buf;
	char			*out, *o;
	size_t			 i, col = 0;

	out = o = xmalloc(len / 3 * 4 + len / 57 * 2 + 8);
	for (i = 0; i < len; i += 3) {
		o += b64_chunk(in + i, len - i > 3 ? 3 : len - i, o);
		if ((col += 4) == 76) {
			*o++ = '\r';
			*o++ = '\n';
			col = 0;
		}
	}
	if (col != 0) {
		*o++ = '\r';
		*o++ = '\n';
	}
	*o = '\0';
	return (out);
}

static int
is_ascii_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return (0);
	return (1);
}

char *
mail_encode_header(const char *text)
{
	const char	*p = text;
	char		*out = xstrdup(""), *word, *tmp;
	size_t		 n;

	if (is_ascii_printable(text))
		return (xstrdup(text));
	/*
	 * Encoded words of at most 75 characters: 45 bytes of UTF-8 make
	 * 60 of base64, plus "=?UTF-8?B?" and "?=".  Characters are never
	 * split between words (RFC 2047, section 5).
	 */
	while (*p != '\0') {
		n = 0;
		while (p[n] != '\0') {
			size_t	 c = 1;

			while (((unsigned char)p[n + c] & 0xc0) == 0x80)
				c++;
			if (n + c > 45)
				break;
			n += c;
		}
		word = b64_plain(p, n);
		tmp = xprintf("%s%s=?UTF-8?B?%s?=", out, *out ? "\r\n " : "", word);
		free(word);
		free(out);
		out = tmp;
		p += n;
	}
	return (out);
}

/*
 * "name <addr>" with the name as one display name whatever it holds: a
 * name with anything but ASCII (or with controls) as RFC 2047 encoded
 * words, an ASCII one as an RFC 5322 quoted-string (" and \ escaped), so
 * that "HR, Evil <evil@example.org>" stays one recipient's name instead
 * of reading as a second recipient.
 */
static char *
address(const char *name, const char *addr)
{
	char		*buf = NULL, *enc;
	size_t		 len = 0;
	FILE		*f;
	const char	*p;

	if (name == NULL || *name == '\0')
		return (xstrdup(addr));
	if (!is_ascii_printable(name)) {
		enc = mail_encode_header(name);
		buf = xprintf("%s <%s>", enc, addr);
		free(enc);
		return (buf);
	}
	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	fputc('"', f);
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	fprintf(f, "\" <%s>", addr);
	fclose(f);
	return (buf);
}

char *
mail_build(const struct mail *m, size_t *len)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	char		*subject, *from, *to, *text, *html, *buf = NULL;
	size_t		 blen = 0;
	FILE		*f;

	clock_tm(m->date, &tm);
	subject = mail_encode_header(m->subject);
	from = address(m->from_name, m->from);
	to = address(m->to_name, m->to);
	text = mail_base64(m->text, strlen(m->text));
	html = mail_base64(m->html, strlen(m->html));
	f = open_memstream(&buf, &blen);
	fprintf(f, "Date: %s, %02d %s %04d %02d:%02d:%02d +0800\r\n"
	    "From: %s\r\nTo: %s\r\nSubject: %s\r\n"
	    "Message-ID: <%s@duban>\r\nX-Duban-Key: %s\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"=_duban_%s\"\r\n"
	    "\r\n"
	    "--=_duban_%s\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s"
	    "--=_duban_%s\r\n"
	    "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s"
	    "--=_duban_%s--\r\n",
	    wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, from, to, subject, m->key, m->key,
	    m->key, m->key, text, m->key, html, m->key);
	fclose(f);
	free(subject);
	free(from);
	free(to);
	free(text);
	free(html);
	*len = blen;
	return (buf);
}
