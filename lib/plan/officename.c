/*
 * Office names in plan files (officename.h): what kind of body a name
 * undeclared in the file is, and whether one name was written for two
 * offices.  Pure text; lib/plan/plan.c calls it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "officename.h"
#include "utf8.h"
#include "xmalloc.h"

const char *
officename_kind(const char *name)
{
	static const char *dept_suffix[] = { "局", "委", "办", "队", "会",
	    "政府", NULL };
	size_t		 n = strlen(name), k;
	int		 i;

	if (strncmp(name, "各", strlen("各")) == 0)
		return ("group");
	if (strncmp(name, "市", strlen("市")) == 0 ||
	    strncmp(name, "省", strlen("省")) == 0 ||
	    strncmp(name, "县", strlen("县")) == 0) {
		for (i = 0; dept_suffix[i] != NULL; i++) {
			k = strlen(dept_suffix[i]);
			if (n > k && strcmp(name + n - k, dept_suffix[i]) == 0)
				return ("department");
		}
	}
	return ("office");
}

/*
 * One name written for two offices (组干科、机关党委): a warning, since a
 * load would make one invented office of them.  Two parts count as
 * offices when each ends as office names do; a part's trailing
 * parenthesis is skipped (办公室（督查室）).  Names that only contain a
 * joining word (人力资源和社会保障局, 各县（市、区）) are not warned of.
 */
static const char *const office_ends[] = { "处", "科", "室", "办", "中心",
    "委", "部", "局", "站", "院", "所", "队", "会", "馆", "校", "园", "组",
    "厅", "司", "署", "府", "股", "台", "社", NULL };
static const char *const office_marks[] = { "、", "，", ",", "；", ";", "／",
    "/", NULL };
static const char *const office_words[] = { "和", "及", "与", NULL };

/* The length of one of list at s, or 0. */
static size_t
word_at(const char *s, const char *const *list)
{
	int	 i;

	for (i = 0; list[i] != NULL; i++)
		if (strncmp(s, list[i], strlen(list[i])) == 0)
			return (strlen(list[i]));
	return (0);
}

/* Whether s[0..len) ends as an office's name does. */
static int
office_like(const char *s, size_t len)
{
	size_t	 n;
	int	 i;

	if (len >= strlen("）") && memcmp(s + len - strlen("）"), "）",
	    strlen("）")) == 0) {
		while (len > 0 && strncmp(s + len - 1, "（", strlen("（")) != 0)
			len--;
		len = len > 0 ? len - 1 : 0;
	} else if (len > 0 && s[len - 1] == ')') {
		while (len > 0 && s[len - 1] != '(')
			len--;
		len = len > 0 ? len - 1 : 0;
	}
	for (i = 0; office_ends[i] != NULL; i++) {
		n = strlen(office_ends[i]);
		if (len > n && memcmp(s + len - n, office_ends[i], n) == 0)
			return (1);
	}
	return (0);
}

char *
officename_parts(const char *name)
{
	static const char *const count[] = { "", "", "两", "三", "四", "五",
	    "六", "七", "八", "九" };
	const char	*start = name, *p = name, *right, *end;
	char		*parts = xstrdup(""), *tmp, *out = NULL, num[16];
	size_t		 n, m;
	int		 k = 1;
	uint32_t	 cp;

	while (*p != '\0') {
		if ((n = word_at(p, office_marks)) == 0 &&
		    (n = word_at(p, office_words)) == 0) {
			p += utf8_decode(p, &cp);
			continue;
		}
		/* The part on the right runs to the next mark. */
		right = p + n;
		for (end = right; *end != '\0' &&
		    word_at(end, office_marks) == 0; end += m)
			m = utf8_decode(end, &cp);
		if (office_like(start, (size_t)(p - start)) &&
		    office_like(right, (size_t)(end - right))) {
			tmp = xprintf("%s%.*s；", parts, (int)(p - start), start);
			free(parts);
			parts = tmp;
			start = right;
			k++;
		}
		p = right;
	}
	if (k > 1) {
		if (k < 10)
			snprintf(num, sizeof num, "%s", count[k]);
		else
			snprintf(num, sizeof num, " %d ", k);
		out = xprintf("%s个处室：%s%s", num, parts, start);
	}
	free(parts);
	return (out);
}
