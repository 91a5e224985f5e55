/*
 * An email message as RFC 5322 text: UTF-8 throughout, the subject and
 * names as RFC 2047 encoded words, a multipart/alternative body with a
 * text and an HTML part (base64), Date in +0800, and a Message-ID made
 * from the reminder's idempotency key so that receivers can drop
 * repeats.
 */
#ifndef DUBAN_MAIL_H
#define DUBAN_MAIL_H

#include <stddef.h>
#include <time.h>

/* utf8_cut(), for the callers that had it from here (daemon/outbox.c). */
#include "utf8.h"

struct mail {
	const char	*from;		/* address */
	const char	*from_name;	/* may be NULL */
	const char	*to;
	const char	*to_name;	/* may be NULL */
	const char	*subject;
	const char	*text;
	const char	*html;
	const char	*key;		/* idempotency key: ASCII */
	time_t		 date;
};

/* The whole message with CRLF line ends; *len receives its length. */
char	*mail_build(const struct mail *, size_t *len);
/* "=?UTF-8?B?…?=" words, folded with CRLF SP; ASCII text is left alone. */
char	*mail_encode_header(const char *text);
/* Base64 of buf, lines of 76 characters ending in CRLF. */
char	*mail_base64(const char *buf, size_t len);

#endif
