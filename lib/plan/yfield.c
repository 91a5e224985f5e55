/*
 * Typed access to the fields of a YAML mapping, reporting what is wrong.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "utf8.h"
#include "xmalloc.h"
#include "yfield.h"

static const char *
type_name(const struct ynode *n)
{
	switch (n->type) {
	case YN_SCALAR:
		return ("文本");
	case YN_SEQ:
		return ("列表");
	case YN_MAP:
		return ("映射");
	}
	return ("?");
}

/* Edit distance, for "did you mean" on misspelt keys. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t	 row[YFIELD_KEY_MAX + 1];

	if (la > YFIELD_KEY_MAX || lb > YFIELD_KEY_MAX)
		return ((size_t)-1);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			cur = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			row[j] = cur;
			prev = tmp;
		}
	}
	return (row[lb]);
}

/* Reports keys of map not in allowed (a NULL-terminated list). */
void
yfield_check_keys(struct yfield_ctx *y, const struct ynode *map,
    const char *const *allowed, const char *what)
{
	size_t		 i, best_d, dist;
	const char	*best;
	int		 k, ok;

	for (i = 0; i < map->n; i++) {
		const struct ynode *key = YMAP_KEY(map, i);

		ok = 0;
		for (k = 0; allowed[k] != NULL && !ok; k++)
			ok = strcmp(key->str, allowed[k]) == 0;
		if (ok)
			continue;
		/* Unknown: the nearest allowed key, if one is near. */
		best = NULL;
		best_d = 3;
		for (k = 0; allowed[k] != NULL; k++) {
			if ((dist = edit_distance(key->str, allowed[k])) < best_d) {
				best_d = dist;
				best = allowed[k];
			}
		}
		if (best != NULL)
			YFIELD_ERR(y, key, "%s中有未知字段“%s”，是否应为“%s”？", what,
			    key->str, best);
		else
			YFIELD_ERR(y, key, "%s中有未知字段“%s”", what, key->str);
	}
}

/* ---------------------------------------------------------------- */
/* Typed access.  Each returns NULL (or -1) after reporting a problem. */

const struct ynode *
yfield_map(struct yfield_ctx *y, const struct ynode *n, const char *what)
{
	if (n->type != YN_MAP) {
		YFIELD_ERR(y, n, "%s应为映射（键: 值），实际为%s", what, type_name(n));
		return (NULL);
	}
	return (n);
}

/*
 * The value of key in map, checked for its type.  A missing or null
 * value gives NULL; when required, that is reported at the mapping.
 */
const struct ynode *
yfield_get(struct yfield_ctx *y, const struct ynode *map, const char *key,
    enum ynode_type type, int required, const char *what)
{
	const struct ynode	*v = ytree_get(map, key);

	if (v == NULL || ytree_is_null(v)) {
		if (required && v != NULL)
			YFIELD_ERR(y, v, "%s的必填字段“%s”没有值", what, key);
		else if (required && map->kline > 0)
			diags_add(y->d, y->file, map->kline, map->kcol,
			    "%s缺少必填字段“%s”", what, key);
		else if (required)
			YFIELD_ERR(y, map, "%s缺少必填字段“%s”", what, key);
		return (NULL);
	}
	if (v->type != type) {
		YFIELD_ERR(y, v, "%s的字段“%s”应为%s，实际为%s", what, key,
		    type == YN_SCALAR ? "文本" : type == YN_SEQ ? "列表" : "映射",
		    type_name(v));
		return (NULL);
	}
	return (v);
}

/* Length of a white-space character at s (ASCII, U+00A0, U+3000), or 0. */
static size_t
space_at(const char *s, const char *end)
{
	if (s < end && isspace((unsigned char)*s))
		return (1);
	if (end - s >= 2 && memcmp(s, "\xc2\xa0", 2) == 0)
		return (2);
	if (end - s >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return (3);
	return (0);
}

/* Length of a white-space character ending at end, or 0. */
static size_t
space_before(const char *start, const char *end)
{
	if (end > start && isspace((unsigned char)end[-1]))
		return (1);
	if (end - start >= 2 && memcmp(end - 2, "\xc2\xa0", 2) == 0)
		return (2);
	if (end - start >= 3 && memcmp(end - 3, "\xe3\x80\x80", 3) == 0)
		return (3);
	return (0);
}

/* Trims white space, full-width spaces included, from [*s, *e). */
static void
trim(const char **s, const char **e)
{
	size_t	 n;

	while ((n = space_at(*s, *e)) > 0)
		*s += n;
	while ((n = space_before(*s, *e)) > 0)
		*e -= n;
}

/*
 * Returns s, or NULL (reported, s freed) if it holds a control character
 * other than newline and tab: stored texts are shown on terminals and
 * pages, where one would move the cursor, recolour or hide text.
 */
static char *
no_controls(struct yfield_ctx *y, const struct ynode *v, char *s,
    const char *what, const char *key)
{
	if (!utf8_has_controls(s))
		return (s);
	if (key != NULL)
		YFIELD_ERR(y, v, "%s的字段“%s”中有控制字符（换行和制表符除外）：“%s”，请删去",
		    what, key, s);
	else
		YFIELD_ERR(y, v, "%s“%s”中有控制字符，请删去", what, s);
	free(s);
	return (NULL);
}

/* Text with surrounding white space removed; NULL if absent or bad. */
char *
yfield_text(struct yfield_ctx *y, const struct ynode *map, const char *key,
    int required, const char *what)
{
	const struct ynode	*v;
	const char		*s, *e;

	if ((v = yfield_get(y, map, key, YN_SCALAR, required, what)) == NULL)
		return (NULL);
	s = v->str;
	e = s + v->len;
	trim(&s, &e);
	if (s == e) {
		if (required)
			YFIELD_ERR(y, v, "%s的字段“%s”不能为空", what, key);
		return (NULL);
	}
	return (no_controls(y, v, xstrndup(s, (size_t)(e - s)), what, key));
}

/* A short name (office, person, unit): no line breaks, bounded. */
char *
yfield_name(struct yfield_ctx *y, const struct ynode *v, const char *what)
{
	const char	*s, *e, *p;

	if (v->type != YN_SCALAR || ytree_is_null(v)) {
		YFIELD_ERR(y, v, "%s应为名称文本，实际为%s", what,
		    v->type == YN_SCALAR ? "空值" : type_name(v));
		return (NULL);
	}
	s = v->str;
	e = s + v->len;
	trim(&s, &e);
	if (s == e || e - s > YFIELD_NAME_MAX) {
		YFIELD_ERR(y, v, "%s“%s”不是有效的名称（不能为空，不超过 %d 字节）", what,
		    v->str, YFIELD_NAME_MAX);
		return (NULL);
	}
	for (p = s; p < e; p++)
		if (space_at(p, e) > 0) {
			YFIELD_ERR(y, v, "%s“%s”中间有空白或换行：名称应连续书写（两字人名中的排版空格请删去）",
			    what, v->str);
			return (NULL);
		}
	return (no_controls(y, v, xstrndup(s, (size_t)(e - s)), what, NULL));
}

int
yfield_key_ok(const char *s, int lower_only)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > YFIELD_KEY_MAX || !isalnum((unsigned char)s[0]))
		return (0);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (lower_only) {
			if (!(islower(ch) || isdigit(ch) || ch == '-'))
				return (0);
		} else if (!(isalnum(ch) || ch == '-' || ch == '_' || ch == '.'))
			return (0);
	}
	return (1);
}

char *
yfield_key(struct yfield_ctx *y, const struct ynode *map, const char *what,
    int lower_only)
{
	const struct ynode	*v;

	if ((v = yfield_get(y, map, "key", YN_SCALAR, 1, what)) == NULL)
		return (NULL);
	if (!yfield_key_ok(v->str, lower_only)) {
		YFIELD_ERR(y, v, "%s的键“%s”无效：应由%s组成，以字母或数字开头，不超过 %d 个字符",
		    what, v->str, lower_only ? "小写字母、数字和“-”" :
		    "字母、数字和“-”“_”“.”", YFIELD_KEY_MAX);
		return (NULL);
	}
	return (xstrdup(v->str));
}

/* A decimal number written without quotes: returns it as text. */
char *
yfield_number(struct yfield_ctx *y, const struct ynode *map, const char *key,
    int required, const char *what)
{
	const struct ynode	*v;
	const char		*p;
	int			 digits = 0, dot = 0;

	if ((v = yfield_get(y, map, key, YN_SCALAR, required, what)) == NULL)
		return (NULL);
	if (!v->plain) {
		YFIELD_ERR(y, v, "%s的字段“%s”应为数字，不应加引号：“%s”", what, key,
		    v->str);
		return (NULL);
	}
	p = v->str;
	if (*p == '-')
		p++;
	for (; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.' && !dot && digits > 0)
			dot = 1;
		else
			break;
	}
	if (*p != '\0' || digits == 0 || p[-1] == '.' || v->len > 30) {
		YFIELD_ERR(y, v, "%s的字段“%s”应为数字（如 3000 或 95.5，不带单位和千位分隔符），实际为“%s”",
		    what, key, v->str);
		return (NULL);
	}
	return (xstrdup(v->str));
}

int
yfield_one_of(struct yfield_ctx *y, const struct ynode *map, const char *key,
    const char *const *values, const char *what, char **out)
{
	const struct ynode	*v;
	int			 i;
	char			*list = NULL, *tmp;

	*out = NULL;
	if ((v = yfield_get(y, map, key, YN_SCALAR, 0, what)) == NULL)
		return (0);
	for (i = 0; values[i] != NULL; i++)
		if (strcmp(v->str, values[i]) == 0) {
			*out = xstrdup(values[i]);
			return (0);
		}
	for (i = 0; values[i] != NULL; i++) {
		xasprintf(&tmp, "%s%s%s", list ? list : "", list ? "、" : "",
		    values[i]);
		free(list);
		list = tmp;
	}
	YFIELD_ERR(y, v, "%s的字段“%s”的值“%s”无效，可用：%s", what, key, v->str, list);
	free(list);
	return (-1);
}

/* A deadline form from map[key]; 1 if present and good, 0 absent, -1 bad. */
int
yfield_deadline(struct yfield_ctx *y, const struct ynode *map, const char *key,
    const char *what, int year, struct ymd *out, char **form)
{
	const struct ynode	*v;
	char			*cause;

	*form = NULL;
	if ((v = yfield_get(y, map, key, YN_SCALAR, 0, what)) == NULL)
		return (ytree_get(map, key) != NULL &&
		    !ytree_is_null(ytree_get(map, key)) ? -1 : 0);
	if (deadline_parse(v->str, year, out, &cause) != 0) {
		YFIELD_ERR(y, v, "%s：%s", what, cause);
		free(cause);
		return (-1);
	}
	*form = xstrdup(v->str);
	return (1);
}
