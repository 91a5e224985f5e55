/*
 * UTF-8 helpers that do not depend on the process locale: validation,
 * decoding and terminal display width (East Asian Wide and Fullwidth
 * characters take two columns), so that tables of Chinese text line up
 * the same way under LANG=C as under zh_CN.UTF-8.
 */
#ifndef DUBAN_UTF8_H
#define DUBAN_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Checks that buf[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF).  Returns 1 if so; otherwise 0 and,
 * if bad is not NULL, the offset of the first offending byte.
 */
int	utf8_valid(const char *buf, size_t len, size_t *bad);

/*
 * Decodes one code point at the NUL-terminated s and returns its length
 * in bytes; *cp receives the code point.  A byte that does not start a
 * complete sequence (invalid or cut short, as by the NUL) is one byte
 * long and decodes as U+FFFD: nothing past the NUL is read.
 */
size_t	utf8_decode(const char *s, uint32_t *cp);

/*
 * Returns 1 if the NUL-terminated s holds a control character other than
 * newline and tab: C0 (carriage return included), DEL or C1 (U+0080 to
 * U+009F); 0 if not.  Stored texts must not hold them: they would move a
 * terminal's cursor, change its colours or hide text from a reader.
 */
int	utf8_has_controls(const char *s);

/* Display width of one code point: 0, 1 or 2 columns. */
int	utf8_cpwidth(uint32_t cp);

/* Display width of a valid UTF-8 string. */
size_t	utf8_width(const char *s);

/*
 * Returns a newly allocated copy of s cut to at most max columns; when
 * cut, the last column holds "…".
 */
char	*utf8_truncate(const char *s, size_t max);

/* Number of code points in a valid UTF-8 string of len bytes. */
size_t	utf8_chars(const char *s, size_t len);

/* Cuts s to at most max bytes at a character boundary, in place. */
void	utf8_cut(char *s, size_t max);

#endif
