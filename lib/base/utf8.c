#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

int
utf8_valid(const char *buf, size_t len, size_t *bad)
{
	const unsigned char	*s = (const unsigned char *)buf;
	size_t			 i = 0, n, k;
	uint32_t		 cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 2; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 3; cp = s[i] & 0x0f; min = 0x800;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 4; cp = s[i] & 0x07; min = 0x10000;
		} else
			goto fail;
		if (len - i < n)
			goto fail;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += n;
	}
	return (1);
fail:
	if (bad != NULL)
		*bad = i;
	return (0);
}

int
utf8_has_controls(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;

	for (; *s != '\0'; s++) {
		if ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)
			return (1);
		/* U+0080..U+009F are C2 80..C2 9F. */
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return (1);
	}
	return (0);
}

size_t
utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n, i;
	uint32_t		 v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		v = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		v = s[0] & 0x07;
	} else
		goto bad;
	/* A continuation byte is never NUL: this stops at the end. */
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return (n);
bad:
	*cp = 0xfffd;
	return (1);
}

/* Unicode East Asian Width W and F ranges (Unicode 15), merged. */
static const struct { uint32_t lo, hi; } wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 },
	{ 0x17000, 0x18cff }, { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff },
	{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

int
utf8_cpwidth(uint32_t cp)
{
	size_t	 lo = 0, hi = sizeof wide / sizeof wide[0], mid;

	if (cp == 0)
		return (0);
	/* Combining marks and zero-width characters. */
	if ((cp >= 0x0300 && cp <= 0x036f) || cp == 0x200b ||
	    (cp >= 0x200c && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0xfeff)
		return (0);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < wide[mid].lo)
			hi = mid;
		else if (cp > wide[mid].hi)
			lo = mid + 1;
		else
			return (2);
	}
	return (1);
}

size_t
utf8_width(const char *s)
{
	size_t		 w = 0;
	uint32_t	 cp;

	while (*s != '\0') {
		s += utf8_decode(s, &cp);
		w += utf8_cpwidth(cp);
	}
	return (w);
}

char *
utf8_truncate(const char *s, size_t max)
{
	const char	*p = s, *cut = s;
	size_t		 w = 0, cw;
	uint32_t	 cp;
	char		*out;

	if (utf8_width(s) <= max)
		return (xstrdup(s));
	if (max == 0)
		return (xstrdup(""));
	/* Keep what fits in max - 1 columns, then the ellipsis. */
	while (*p != '\0') {
		size_t	n = utf8_decode(p, &cp);

		cw = utf8_cpwidth(cp);
		if (w + cw > max - 1)
			break;
		w += cw;
		p += n;
		cut = p;
	}
	out = xmalloc((size_t)(cut - s) + sizeof "…");
	memcpy(out, s, (size_t)(cut - s));
	memcpy(out + (cut - s), "…", sizeof "…");
	return (out);
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return (n);
}

void
utf8_cut(char *s, size_t max)
{
	size_t	 n = strlen(s);

	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}
