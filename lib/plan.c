#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "hash.h"
#include "plan.h"
#include "xmalloc.h"
#include "ytree.h"

#define KEY_MAX		64
#define NAME_MAX_BYTES	300

struct pctx {
	const char	*file;
	struct diags	*d;
	int		 year;
	int		 have_default;
	struct ymd	 default_due;
	const char	*default_form;
	json_t		*offices;	/* name -> office object */
	json_t		*aliases;	/* alias -> canonical name */
	json_t		*people;	/* name -> person object */
	json_t		*tasks;		/* array, parents before children */
	json_t		*task_keys;	/* key -> [line, col] */
	int		 position;
};

/* ---------------------------------------------------------------- */
/* Reporting */

#define ERR(c, node, ...) \
	diags_add((c)->d, (c)->file, (node)->line, (node)->col, __VA_ARGS__)

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
	size_t	 row[KEY_MAX + 1];

	if (la > KEY_MAX || lb > KEY_MAX)
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
static void
check_keys(struct pctx *c, const struct ynode *map, const char *const *allowed,
    const char *what)
{
	size_t		 i, best_d, dist;
	const char	*best;
	int		 k, ok;

	for (i = 0; i < map->n; i++) {
		const struct ynode *key = YMAP_KEY(map, i);

		ok = 0;
		best = NULL;
		best_d = 3;
		for (k = 0; allowed[k] != NULL; k++) {
			if (strcmp(key->str, allowed[k]) == 0) {
				ok = 1;
				break;
			}
			if ((dist = edit_distance(key->str, allowed[k])) < best_d) {
				best_d = dist;
				best = allowed[k];
			}
		}
		if (ok)
			continue;
		if (best != NULL)
			ERR(c, key, "%s中有未知字段“%s”，是否应为“%s”？", what,
			    key->str, best);
		else
			ERR(c, key, "%s中有未知字段“%s”", what, key->str);
	}
}

/* ---------------------------------------------------------------- */
/* Typed access.  Each returns NULL (or -1) after reporting a problem. */

static const struct ynode *
want_map(struct pctx *c, const struct ynode *n, const char *what)
{
	if (n->type != YN_MAP) {
		ERR(c, n, "%s应为映射（键: 值），实际为%s", what, type_name(n));
		return (NULL);
	}
	return (n);
}

/*
 * The value of key in map, checked for its type.  A missing or null
 * value gives NULL; when required, that is reported at the mapping.
 */
static const struct ynode *
field(struct pctx *c, const struct ynode *map, const char *key,
    enum ynode_type type, int required, const char *what)
{
	const struct ynode	*v = ytree_get(map, key);

	if (v == NULL || ytree_is_null(v)) {
		if (required && v != NULL)
			ERR(c, v, "%s的必填字段“%s”没有值", what, key);
		else if (required && map->kline > 0)
			diags_add(c->d, c->file, map->kline, map->kcol,
			    "%s缺少必填字段“%s”", what, key);
		else if (required)
			ERR(c, map, "%s缺少必填字段“%s”", what, key);
		return (NULL);
	}
	if (v->type != type) {
		ERR(c, v, "%s的字段“%s”应为%s，实际为%s", what, key,
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

/* Text with surrounding white space removed; NULL if absent or bad. */
static char *
text(struct pctx *c, const struct ynode *map, const char *key, int required,
    const char *what)
{
	const struct ynode	*v;
	const char		*s, *e;

	if ((v = field(c, map, key, YN_SCALAR, required, what)) == NULL)
		return (NULL);
	s = v->str;
	e = s + v->len;
	trim(&s, &e);
	if (s == e) {
		if (required)
			ERR(c, v, "%s的字段“%s”不能为空", what, key);
		return (NULL);
	}
	return (xstrndup(s, (size_t)(e - s)));
}

/* A short name (office, person, unit): no line breaks, bounded. */
static char *
name_of(struct pctx *c, const struct ynode *v, const char *what)
{
	const char	*s, *e, *p;

	if (v->type != YN_SCALAR || ytree_is_null(v)) {
		ERR(c, v, "%s应为名称文本，实际为%s", what,
		    v->type == YN_SCALAR ? "空值" : type_name(v));
		return (NULL);
	}
	s = v->str;
	e = s + v->len;
	trim(&s, &e);
	if (s == e || e - s > NAME_MAX_BYTES) {
		ERR(c, v, "%s“%s”不是有效的名称（不能为空，不超过 %d 字节）", what,
		    v->str, NAME_MAX_BYTES);
		return (NULL);
	}
	for (p = s; p < e; p++)
		if (space_at(p, e) > 0) {
			ERR(c, v, "%s“%s”中间有空白或换行：名称应连续书写（两字人名中的排版空格请删去）",
			    what, v->str);
			return (NULL);
		}
	return (xstrndup(s, (size_t)(e - s)));
}

static int
key_ok(const char *s, int lower_only)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > KEY_MAX || !isalnum((unsigned char)s[0]))
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

static char *
stable_key(struct pctx *c, const struct ynode *map, const char *what,
    int lower_only)
{
	const struct ynode	*v;

	if ((v = field(c, map, "key", YN_SCALAR, 1, what)) == NULL)
		return (NULL);
	if (!key_ok(v->str, lower_only)) {
		ERR(c, v, "%s的键“%s”无效：应由%s组成，以字母或数字开头，不超过 %d 个字符",
		    what, v->str, lower_only ? "小写字母、数字和“-”" :
		    "字母、数字和“-”“_”“.”", KEY_MAX);
		return (NULL);
	}
	return (xstrdup(v->str));
}

/* A decimal number written without quotes: returns it as text. */
static char *
number(struct pctx *c, const struct ynode *map, const char *key, int required,
    const char *what)
{
	const struct ynode	*v;
	const char		*p;
	int			 digits = 0, dot = 0;

	if ((v = field(c, map, key, YN_SCALAR, required, what)) == NULL)
		return (NULL);
	if (!v->plain) {
		ERR(c, v, "%s的字段“%s”应为数字，不应加引号：“%s”", what, key,
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
		ERR(c, v, "%s的字段“%s”应为数字（如 3000 或 95.5，不带单位和千位分隔符），实际为“%s”",
		    what, key, v->str);
		return (NULL);
	}
	return (xstrdup(v->str));
}

static int
one_of(struct pctx *c, const struct ynode *map, const char *key,
    const char *const *values, const char *what, char **out)
{
	const struct ynode	*v;
	int			 i;
	char			*list = NULL, *tmp;

	*out = NULL;
	if ((v = field(c, map, key, YN_SCALAR, 0, what)) == NULL)
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
	ERR(c, v, "%s的字段“%s”的值“%s”无效，可用：%s", what, key, v->str, list);
	free(list);
	return (-1);
}

static void
set_str(json_t *o, const char *k, char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
	free(v);
}

static void
set_date(json_t *o, const char *k, const struct ymd *d)
{
	char	 buf[11];

	date_format(d, buf);
	json_object_set_new(o, k, json_string(buf));
}

/* A deadline form from map[key]; 1 if present and good, 0 absent, -1 bad. */
static int
deadline_field(struct pctx *c, const struct ynode *map, const char *key,
    const char *what, struct ymd *out, char **form)
{
	const struct ynode	*v;
	char			*cause;

	*form = NULL;
	if ((v = field(c, map, key, YN_SCALAR, 0, what)) == NULL)
		return (ytree_get(map, key) != NULL &&
		    !ytree_is_null(ytree_get(map, key)) ? -1 : 0);
	if (deadline_parse(v->str, c->year, out, &cause) != 0) {
		ERR(c, v, "%s：%s", what, cause);
		free(cause);
		return (-1);
	}
	*form = xstrdup(v->str);
	return (1);
}

/* ---------------------------------------------------------------- */
/* Offices and people */

static const char *
infer_office_kind(const char *name)
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

/* The canonical name of an office; undeclared offices are added. */
static const char *
office_ref(struct pctx *c, const char *name)
{
	json_t	*canon, *o;

	if ((canon = json_object_get(c->aliases, name)) != NULL)
		name = json_string_value(canon);
	if ((o = json_object_get(c->offices, name)) == NULL) {
		o = json_pack("{s:s, s:s, s:[], s:b}", "name", name, "kind",
		    infer_office_kind(name), "aliases", "declared", 0);
		json_object_set_new(c->offices, name, o);
	}
	return (json_string_value(json_object_get(o, "name")));
}

static const char *
person_ref(struct pctx *c, const char *name, const char *office)
{
	json_t	*p;

	if ((p = json_object_get(c->people, name)) == NULL) {
		p = json_pack("{s:s, s:o, s:n}", "name", name, "office",
		    office ? json_string(office) : json_null(), "title");
		json_object_set_new(c->people, name, p);
	} else if (office != NULL &&
	    json_is_null(json_object_get(p, "office")))
		json_object_set_new(p, "office", json_string(office));
	return (json_string_value(json_object_get(p, "name")));
}

static void
parse_offices(struct pctx *c, const struct ynode *list)
{
	static const char *const keys[] = { "name", "kind", "aliases", NULL };
	static const char *const kinds[] = { "office", "unit", "department",
	    "group", NULL };
	json_t		*seen = json_object();	/* name/alias -> line */
	char		**names = xcalloc(list->n + 1, sizeof *names);
	size_t		 i, j;

	/* Names first, so aliases can be checked against every name. */
	for (i = 0; i < list->n; i++) {
		const struct ynode	*m = list->kids[i], *nv;
		char			*name, *kind;
		json_t			*o;

		if (want_map(c, m, "处室声明") == NULL)
			continue;
		check_keys(c, m, keys, "处室声明");
		if ((nv = field(c, m, "name", YN_SCALAR, 1, "处室声明")) == NULL ||
		    (name = name_of(c, nv, "处室名称")) == NULL)
			continue;
		if (json_object_get(seen, name) != NULL) {
			ERR(c, nv, "处室“%s”重复声明（第 %lld 行已声明）", name,
			    (long long)json_integer_value(json_object_get(seen, name)));
			free(name);
			continue;
		}
		json_object_set_new(seen, name, json_integer(nv->line));
		if (one_of(c, m, "kind", kinds, "处室声明", &kind) != 0) {
			free(name);
			continue;
		}
		o = json_pack("{s:s, s:s, s:[], s:b}", "name", name, "kind",
		    kind ? kind : "office", "aliases", "declared", 1);
		json_object_set_new(c->offices, name, o);
		free(kind);
		names[i] = name;
	}
	for (i = 0; i < list->n; i++) {
		const struct ynode	*m = list->kids[i], *al;
		char			*name = names[i], *alias;
		json_t			*o;

		if (name == NULL ||
		    (al = field(c, m, "aliases", YN_SEQ, 0, "处室声明")) == NULL)
			continue;
		o = json_object_get(c->offices, name);
		for (j = 0; o != NULL && j < al->n; j++) {
			if ((alias = name_of(c, al->kids[j], "处室别名")) == NULL)
				continue;
			if (json_object_get(seen, alias) != NULL) {
				ERR(c, al->kids[j], "别名“%s”与已有的处室名称或别名重复（第 %lld 行）",
				    alias, (long long)json_integer_value(
				    json_object_get(seen, alias)));
			} else {
				json_object_set_new(seen, alias,
				    json_integer(al->kids[j]->line));
				json_object_set_new(c->aliases, alias,
				    json_string(name));
				json_array_append_new(json_object_get(o,
				    "aliases"), json_string(alias));
			}
			free(alias);
		}
	}
	for (i = 0; i < list->n; i++)
		free(names[i]);
	free(names);
	json_decref(seen);
}

static void
parse_people(struct pctx *c, const struct ynode *list)
{
	static const char *const keys[] = { "name", "office", "title", NULL };
	size_t		 i;

	for (i = 0; i < list->n; i++) {
		const struct ynode	*m = list->kids[i], *nv, *ov;
		char			*name, *office = NULL;
		json_t			*p;

		if (want_map(c, m, "人员声明") == NULL)
			continue;
		check_keys(c, m, keys, "人员声明");
		if ((nv = field(c, m, "name", YN_SCALAR, 1, "人员声明")) == NULL ||
		    (name = name_of(c, nv, "人员姓名")) == NULL)
			continue;
		if (json_object_get(c->people, name) != NULL) {
			ERR(c, nv, "人员“%s”重复声明", name);
			free(name);
			continue;
		}
		if ((ov = field(c, m, "office", YN_SCALAR, 0, "人员声明")) != NULL)
			office = name_of(c, ov, "处室名称");
		p = json_pack("{s:s, s:o, s:o}", "name", name, "office",
		    office ? json_string(office_ref(c, office)) : json_null(),
		    "title", json_null());
		set_str(p, "title", text(c, m, "title", 0, "人员声明"));
		json_object_set_new(c->people, name, p);
		free(office);
		free(name);
	}
}

static json_t *
parse_plan_roles(struct pctx *c, const struct ynode *list)
{
	static const char *const keys[] = { "role", "person", "office", NULL };
	static const char *const roles[] = { "leading_group_head",
	    "leading_group_member", "chief_dispatcher", "general_office",
	    "responsible_unit", NULL };
	json_t		*out = json_array();
	size_t		 i;

	for (i = 0; i < list->n; i++) {
		const struct ynode	*m = list->kids[i], *v;
		char			*role, *person = NULL, *office = NULL;

		if (want_map(c, m, "计划角色") == NULL)
			continue;
		check_keys(c, m, keys, "计划角色");
		if (field(c, m, "role", YN_SCALAR, 1, "计划角色") == NULL ||
		    one_of(c, m, "role", roles, "计划角色", &role) != 0)
			continue;
		if ((v = field(c, m, "office", YN_SCALAR, 0, "计划角色")) != NULL)
			office = name_of(c, v, "处室名称");
		if ((v = field(c, m, "person", YN_SCALAR, 0, "计划角色")) != NULL)
			person = name_of(c, v, "人员姓名");
		if (office == NULL && person == NULL) {
			ERR(c, m, "计划角色须写明 person 或 office");
			free(role);
			continue;
		}
		json_array_append_new(out, json_pack("{s:s, s:o, s:o, s:i}",
		    "role", role,
		    "office", office ? json_string(office_ref(c, office)) :
		    json_null(),
		    "person", person ? json_string(person_ref(c, person,
		    office ? office_ref(c, office) : NULL)) : json_null(),
		    "position", (int)i + 1));
		free(role);
		free(office);
		free(person);
	}
	return (out);
}

/* ---------------------------------------------------------------- */
/* Tasks */

/* {office, person} pairs: lead (a single mapping) and responsible. */
static void
add_role(struct pctx *c, json_t *roles, const char *role,
    const struct ynode *m, const char *what)
{
	static const char *const keys[] = { "office", "person", NULL };
	const struct ynode	*v;
	char			*office = NULL, *person = NULL;
	const char		*canon = NULL;

	if (want_map(c, m, what) == NULL)
		return;
	check_keys(c, m, keys, what);
	if ((v = field(c, m, "office", YN_SCALAR, 1, what)) != NULL)
		office = name_of(c, v, "处室名称");
	if ((v = field(c, m, "person", YN_SCALAR, 0, what)) != NULL)
		person = name_of(c, v, "人员姓名");
	if (office == NULL) {
		free(person);
		return;
	}
	canon = office_ref(c, office);
	json_array_append_new(roles, json_pack("{s:s, s:s, s:o, s:i}",
	    "role", role, "office", canon,
	    "person", person ? json_string(person_ref(c, person, canon)) :
	    json_null(), "position", (int)json_array_size(roles) + 1));
	free(office);
	free(person);
}

static void
add_names(struct pctx *c, json_t *roles, const char *role,
    const struct ynode *list, const char *what, int offices)
{
	size_t	 i;
	char	*name;

	for (i = 0; i < list->n; i++) {
		if ((name = name_of(c, list->kids[i], what)) == NULL)
			continue;
		json_array_append_new(roles, json_pack("{s:s, s:o, s:o, s:i}",
		    "role", role,
		    "office", offices ? json_string(office_ref(c, name)) :
		    json_null(),
		    "person", offices ? json_null() :
		    json_string(person_ref(c, name, NULL)),
		    "position", (int)json_array_size(roles) + 1));
		free(name);
	}
}

static json_t *
parse_targets(struct pctx *c, const struct ynode *list, const char *task_key)
{
	static const char *const keys[] = { "key", "name", "kind", "value",
	    "unit", "qualifier", "baseline", "deadline", "text", NULL };
	static const char *const kinds[] = { "count", "amount", "ratio",
	    "rate", NULL };
	static const char *const quals[] = { "more_than", "at_least", "about",
	    "at_most", NULL };
	json_t		*out = json_array(), *seen = json_object();
	size_t		 i;
	char		*what;

	for (i = 0; i < list->n; i++) {
		const struct ynode	*m = list->kids[i], *kv;
		char			*key, *kind = NULL, *qual = NULL, *form;
		struct ymd		 due;
		json_t			*t;
		int			 rc;

		kv = m->type == YN_MAP ? ytree_get(m, "key") : NULL;
		if (kv != NULL && kv->type == YN_SCALAR && key_ok(kv->str, 0))
			what = xprintf("任务“%s”的指标“%s”", task_key, kv->str);
		else
			what = xprintf("任务“%s”的第 %zu 个指标", task_key, i + 1);
		if (want_map(c, m, what) == NULL) {
			free(what);
			continue;
		}
		check_keys(c, m, keys, what);
		if ((key = stable_key(c, m, what, 0)) != NULL &&
		    json_object_get(seen, key) != NULL) {
			ERR(c, kv, "任务“%s”的指标键“%s”重复（第 %lld 行已使用）",
			    task_key, key, (long long)json_integer_value(
			    json_object_get(seen, key)));
			free(key);
			key = NULL;
		}
		if (key != NULL)
			json_object_set_new(seen, key, json_integer(kv->line));
		if (field(c, m, "kind", YN_SCALAR, 1, what) != NULL)
			(void)one_of(c, m, "kind", kinds, what, &kind);
		(void)one_of(c, m, "qualifier", quals, what, &qual);
		t = json_object();
		set_str(t, "key", key);
		set_str(t, "name", text(c, m, "name", 1, what));
		set_str(t, "kind", kind);
		set_str(t, "value", number(c, m, "value", 1, what));
		set_str(t, "unit", text(c, m, "unit", 1, what));
		set_str(t, "qualifier", qual);
		set_str(t, "baseline", number(c, m, "baseline", 0, what));
		set_str(t, "text", text(c, m, "text", 0, what));
		rc = deadline_field(c, m, "deadline", what, &due, &form);
		if (rc == 1)
			set_date(t, "deadline", &due);
		else
			json_object_set_new(t, "deadline", json_null());
		set_str(t, "deadline_form", form);
		json_object_set_new(t, "position", json_integer((json_int_t)i + 1));
		json_array_append_new(out, t);
		free(what);
	}
	json_decref(seen);
	return (out);
}

static json_t *
parse_milestones(struct pctx *c, const struct ynode *list, const char *task_key)
{
	static const char *const keys[] = { "key", "title", "due", "text", NULL };
	json_t		*out = json_array(), *seen = json_object();
	size_t		 i;
	char		*what;

	for (i = 0; i < list->n; i++) {
		const struct ynode	*m = list->kids[i], *kv;
		char			*key, *form;
		struct ymd		 due;
		json_t			*ms;
		int			 rc;

		kv = m->type == YN_MAP ? ytree_get(m, "key") : NULL;
		if (kv != NULL && kv->type == YN_SCALAR && key_ok(kv->str, 0))
			what = xprintf("任务“%s”的节点“%s”", task_key, kv->str);
		else
			what = xprintf("任务“%s”的第 %zu 个节点", task_key, i + 1);
		if (want_map(c, m, what) == NULL) {
			free(what);
			continue;
		}
		check_keys(c, m, keys, what);
		if ((key = stable_key(c, m, what, 0)) != NULL) {
			if (strcmp(key, "deadline") == 0) {
				ERR(c, ytree_get(m, "key"),
				    "节点键“deadline”为完成时限保留，请换一个键");
				free(key);
				key = NULL;
			} else if (json_object_get(seen, key) != NULL) {
				ERR(c, kv, "任务“%s”的节点键“%s”重复（第 %lld 行已使用）",
				    task_key, key, (long long)json_integer_value(
				    json_object_get(seen, key)));
				free(key);
				key = NULL;
			} else
				json_object_set_new(seen, key,
				    json_integer(kv->line));
		}
		ms = json_object();
		set_str(ms, "key", key);
		set_str(ms, "title", text(c, m, "title", 1, what));
		rc = deadline_field(c, m, "due", what, &due, &form);
		if (rc == 0)	/* absent or empty: reported as missing */
			(void)field(c, m, "due", YN_SCALAR, 1, what);
		if (rc == 1)
			set_date(ms, "due", &due);
		else
			json_object_set_new(ms, "due", json_null());
		set_str(ms, "due_form", form);
		set_str(ms, "text", text(c, m, "text", 0, what));
		json_object_set_new(ms, "kind", json_string("phase"));
		json_object_set_new(ms, "position", json_integer((json_int_t)i + 2));
		json_array_append_new(out, ms);
		free(what);
	}
	json_decref(seen);
	return (out);
}

/*
 * Parses one task and, recursively, its subtasks.  Returns 1 and fills
 * *due with its effective deadline, or 0 if it has none (reported).
 */
static int
parse_task(struct pctx *c, const struct ynode *m, const char *section,
    const char *parent, int depth, struct ymd *due)
{
	static const char *const keys[] = { "key", "number", "title", "text",
	    "goal", "work", "measures", "deadline", "deadline_text", "leaders",
	    "lead", "responsible", "coordinating", "targets", "milestones",
	    "subtasks", NULL };
	const struct ynode	*v, *subs;
	json_t			*t, *roles, *ms, *dl;
	char			*key, *what, *form = NULL;
	const char		*keyname;
	struct ymd		 own, sub, latest = { 0, 0, 0 };
	int			 rc, have = 0, ok;
	size_t			 i;

	if (want_map(c, m, "任务") == NULL)
		return (0);
	key = stable_key(c, m, "任务", 0);
	what = xprintf("任务“%s”", key ? key : "?");
	check_keys(c, m, keys, what);
	if (key != NULL) {
		json_t *prev = json_object_get(c->task_keys, key);

		if (prev != NULL) {
			v = ytree_get(m, "key");
			ERR(c, v, "任务键“%s”重复（第 %d 行已使用）：同一计划内任务键须唯一",
			    key, (int)json_integer_value(json_array_get(prev, 0)));
			free(key);
			key = NULL;
		} else
			json_object_set_new(c->task_keys, key,
			    json_pack("[i]", ytree_get(m, "key")->line));
	}
	t = json_object();
	json_object_set_new(t, "key", key ? json_string(key) : json_null());
	json_object_set_new(t, "section", section ? json_string(section) :
	    json_null());
	json_object_set_new(t, "parent", parent ? json_string(parent) :
	    json_null());
	set_str(t, "number", text(c, m, "number", 1, what));
	set_str(t, "title", text(c, m, "title", 1, what));
	set_str(t, "text", text(c, m, "text", 0, what));
	set_str(t, "goal", text(c, m, "goal", 0, what));
	set_str(t, "work", text(c, m, "work", 0, what));
	set_str(t, "measures", text(c, m, "measures", 0, what));
	set_str(t, "deadline_text", text(c, m, "deadline_text", 0, what));
	json_object_set_new(t, "position", json_integer(++c->position));
	keyname = json_string_value(json_object_get(t, "key"));
	if (keyname == NULL)
		keyname = "?";

	roles = json_array();
	if ((v = field(c, m, "lead", YN_MAP, 0, what)) != NULL)
		add_role(c, roles, "lead", v, "牵头处室");
	if ((v = field(c, m, "responsible", YN_SEQ, 0, what)) != NULL)
		for (i = 0; i < v->n; i++)
			add_role(c, roles, "responsible", v->kids[i], "责任处室");
	if ((v = field(c, m, "leaders", YN_SEQ, 0, what)) != NULL)
		add_names(c, roles, "leader", v, "责任领导", 0);
	if ((v = field(c, m, "coordinating", YN_SEQ, 0, what)) != NULL)
		add_names(c, roles, "coordinator", v, "协调部门", 1);
	json_object_set_new(t, "roles", roles);

	if ((v = field(c, m, "targets", YN_SEQ, 0, what)) != NULL)
		json_object_set_new(t, "targets", parse_targets(c, v, keyname));
	else
		json_object_set_new(t, "targets", json_array());
	if ((v = field(c, m, "milestones", YN_SEQ, 0, what)) != NULL)
		ms = parse_milestones(c, v, keyname);
	else
		ms = json_array();

	rc = deadline_field(c, m, "deadline", what, &own, &form);
	json_array_append(c->tasks, t);

	/* Subtasks come after their parent, as the loader needs them. */
	subs = field(c, m, "subtasks", YN_SEQ, 0, what);
	if (subs != NULL && depth >= PLAN_MAX_TASK_DEPTH) {
		ERR(c, subs, "%s的子任务层级过深（最多 %d 层）", what,
		    PLAN_MAX_TASK_DEPTH);
		subs = NULL;
	}
	ok = 1;
	for (i = 0; subs != NULL && i < subs->n; i++) {
		if (!parse_task(c, subs->kids[i], section, key, depth + 1, &sub)) {
			ok = 0;
			continue;
		}
		if (!have || date_cmp(&sub, &latest) > 0)
			latest = sub;
		have = 1;
	}

	dl = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:i}", "key", "deadline",
	    "title", "完成时限", "due", json_null(), "due_form", json_null(),
	    "text", json_null(), "kind", "deadline", "position", 1);
	if (rc == 1) {
		*due = own;
		set_str(t, "deadline_form", xstrdup(form));
	} else if (rc == 0 && have) {
		*due = latest;
		json_object_set_new(t, "deadline_form", json_null());
		json_object_set_new(dl, "due_form", json_string("各分项完成时限"));
	} else if (rc == 0 && c->have_default) {
		*due = c->default_due;
		json_object_set_new(t, "deadline_form",
		    json_string(c->default_form));
	} else {
		if (rc == 0 && ok)
			ERR(c, m, "%s没有完成时限：请写明 deadline，或在 plan 中设置 default_deadline",
			    what);
		rc = -1;
	}
	if (rc != -1) {
		set_date(t, "deadline", due);
		set_date(dl, "due", due);
		if (form != NULL)
			json_object_set_new(dl, "due_form", json_string(form));
		else if (json_is_null(json_object_get(dl, "due_form")))
			json_object_set_new(dl, "due_form",
			    json_string(c->default_form));
	}
	free(form);
	json_array_insert_new(ms, 0, dl);
	json_object_set_new(t, "milestones", ms);
	json_decref(t);
	free(what);
	free(key);
	return (rc != -1);
}

static void
parse_tasks(struct pctx *c, const struct ynode *list, const char *section)
{
	struct ymd	 due;
	size_t		 i;

	for (i = 0; i < list->n; i++)
		(void)parse_task(c, list->kids[i], section, NULL, 1, &due);
}

static json_t *
parse_sections(struct pctx *c, const struct ynode *list)
{
	static const char *const keys[] = { "key", "number", "title", "text",
	    "tasks", NULL };
	json_t		*out = json_array(), *seen = json_object();
	size_t		 i;

	for (i = 0; i < list->n; i++) {
		const struct ynode	*m = list->kids[i], *v;
		char			*key;
		json_t			*s;

		if (want_map(c, m, "部分（section）") == NULL)
			continue;
		check_keys(c, m, keys, "部分（section）");
		if ((key = stable_key(c, m, "部分（section）", 0)) != NULL &&
		    json_object_get(seen, key) != NULL) {
			ERR(c, ytree_get(m, "key"), "部分键“%s”重复（第 %lld 行已使用）",
			    key, (long long)json_integer_value(json_object_get(seen,
			    key)));
			free(key);
			key = NULL;
		}
		if (key != NULL)
			json_object_set_new(seen, key,
			    json_integer(ytree_get(m, "key")->line));
		s = json_object();
		set_str(s, "number", text(c, m, "number", 0, "部分（section）"));
		set_str(s, "title", text(c, m, "title", 1, "部分（section）"));
		set_str(s, "text", text(c, m, "text", 0, "部分（section）"));
		json_object_set_new(s, "position", json_integer((json_int_t)i + 1));
		if ((v = field(c, m, "tasks", YN_SEQ, 0, "部分（section）")) != NULL)
			parse_tasks(c, v, key);
		set_str(s, "key", key);
		json_array_append_new(out, s);
	}
	json_decref(seen);
	return (out);
}

/*
 * Display labels: a subtask is its parent's label and its own number
 * (5①).  When top-level numbers repeat in the plan, because numbering
 * restarts in each section, every top-level task gets its section's
 * number in front (二（一）), unless it is the section itself (一).
 */
static void
label_tasks(json_t *plan, json_t *tasks)
{
	json_t		*secnum = json_object(), *count = json_object();
	json_t		*labels = json_object(), *s, *t, *n;
	const char	*num, *parent, *sec, *key;
	char		*label;
	size_t		 i;
	int		 restarts = 0;

	json_array_foreach(json_object_get(plan, "sections"), i, s)
		if (json_is_string(json_object_get(s, "key")) &&
		    json_is_string(json_object_get(s, "number")))
			json_object_set(secnum, json_string_value(
			    json_object_get(s, "key")), json_object_get(s, "number"));
	json_array_foreach(tasks, i, t) {
		if (!json_is_null(json_object_get(t, "parent")) ||
		    (num = json_string_value(json_object_get(t, "number"))) == NULL)
			continue;
		if ((n = json_object_get(count, num)) != NULL)
			restarts = 1;
		json_object_set_new(count, num, json_true());
	}
	json_array_foreach(tasks, i, t) {
		num = json_string_value(json_object_get(t, "number"));
		key = json_string_value(json_object_get(t, "key"));
		parent = json_string_value(json_object_get(t, "parent"));
		sec = json_string_value(json_object_get(t, "section"));
		if (num == NULL || key == NULL)
			continue;
		if (parent != NULL && json_object_get(labels, parent) != NULL)
			label = xprintf("%s%s", json_string_value(
			    json_object_get(labels, parent)), num);
		else if (parent == NULL && sec != NULL && restarts &&
		    json_object_get(secnum, sec) != NULL &&
		    strcmp(json_string_value(json_object_get(secnum, sec)),
		    num) != 0)
			label = xprintf("%s%s", json_string_value(
			    json_object_get(secnum, sec)), num);
		else
			label = xstrdup(num);
		json_object_set_new(labels, key, json_string(label));
		json_object_set_new(t, "label", json_string(label));
		free(label);
	}
	json_decref(secnum);
	json_decref(count);
	json_decref(labels);
}

/* ---------------------------------------------------------------- */
/* The plan */

static json_t *
parse_header(struct pctx *c, const struct ynode *m)
{
	static const char *const keys[] = { "key", "title", "year",
	    "year_basis", "issuer", "issuer_kind", "parent_org",
	    "document_number", "issued_on", "kind", "source",
	    "default_deadline", "preamble", NULL };
	static const char *const skeys[] = { "file", "sha256", "note", NULL };
	static const char *const orgkinds[] = { "city_bureau", "county_bureau",
	    "government", "other", NULL };
	const struct ynode	*v, *src;
	json_t			*p = json_object();
	char			*s, *kind, *cause;
	struct ymd		 d;
	long			 year;
	size_t			 i;

	check_keys(c, m, keys, "plan 部分");
	set_str(p, "key", stable_key(c, m, "plan 部分", 1));
	set_str(p, "title", text(c, m, "title", 1, "plan 部分"));
	if ((v = field(c, m, "year", YN_SCALAR, 1, "plan 部分")) != NULL) {
		char	*end;

		errno = 0;
		year = strtol(v->str, &end, 10);
		if (!v->plain)
			ERR(c, v, "plan 的 year 应为数字，不应加引号：“%s”", v->str);
		else if (!isdigit((unsigned char)v->str[0]) || *end != '\0' ||
		    errno != 0 || year < 2000 || year > 2100)
			ERR(c, v, "plan 的 year 应为 2000 到 2100 之间的年份，实际为“%s”",
			    v->str);
		else
			c->year = (int)year;
	}
	json_object_set_new(p, "year", c->year ? json_integer(c->year) :
	    json_null());
	set_str(p, "year_basis", text(c, m, "year_basis", 0, "plan 部分"));
	if ((v = field(c, m, "issuer", YN_SCALAR, 1, "plan 部分")) != NULL)
		set_str(p, "issuer", name_of(c, v, "发文单位"));
	if (one_of(c, m, "issuer_kind", orgkinds, "plan 部分", &kind) == 0)
		set_str(p, "issuer_kind", kind ? kind : xstrdup("city_bureau"));
	if ((v = field(c, m, "parent_org", YN_SCALAR, 0, "plan 部分")) != NULL)
		set_str(p, "parent_org", name_of(c, v, "上级单位"));
	else
		json_object_set_new(p, "parent_org", json_null());
	set_str(p, "document_number", text(c, m, "document_number", 0, "plan 部分"));
	json_object_set_new(p, "issued_on", json_null());
	if ((v = field(c, m, "issued_on", YN_SCALAR, 0, "plan 部分")) != NULL) {
		if (date_parse_iso(v->str, &d) != 0)
			ERR(c, v, "plan 的 issued_on 应为存在的日期（YYYY-MM-DD），实际为“%s”",
			    v->str);
		else
			set_date(p, "issued_on", &d);
	}
	set_str(p, "kind", text(c, m, "kind", 0, "plan 部分"));
	set_str(p, "preamble", text(c, m, "preamble", 0, "plan 部分"));
	json_object_set_new(p, "source_file", json_null());
	json_object_set_new(p, "source_sha256", json_null());
	json_object_set_new(p, "source_note", json_null());
	if ((src = field(c, m, "source", YN_MAP, 1, "plan 部分")) != NULL) {
		check_keys(c, src, skeys, "plan 部分的 source");
		set_str(p, "source_file", text(c, src, "file", 1,
		    "plan 部分的 source"));
		set_str(p, "source_note", text(c, src, "note", 0,
		    "plan 部分的 source"));
		if ((s = text(c, src, "sha256", 0, "plan 部分的 source")) != NULL) {
			for (i = 0; s[i] != '\0' && isxdigit((unsigned char)s[i]);
			    i++)
				s[i] = (char)tolower((unsigned char)s[i]);
			if (i != 64 || s[i] != '\0') {
				ERR(c, ytree_get(src, "sha256"),
				    "source 的 sha256 应为 64 位十六进制数");
				free(s);
				s = NULL;
			}
			set_str(p, "source_sha256", s);
		}
	}
	if ((v = field(c, m, "default_deadline", YN_SCALAR, 0, "plan 部分")) != NULL &&
	    c->year != 0) {
		if (deadline_parse(v->str, c->year, &c->default_due, &cause) != 0) {
			ERR(c, v, "plan 的 default_deadline：%s", cause);
			free(cause);
		} else {
			c->have_default = 1;
			c->default_form = v->str;
		}
	}
	return (p);
}

json_t *
plan_parse(const char *file, const char *buf, size_t len, struct diags *d)
{
	static const char *const keys[] = { "duban-plan", "plan", "offices",
	    "people", "plan_roles", "sections", "tasks", NULL };
	struct pctx		 c;
	struct ynode		*root;
	const struct ynode	*v, *hdr;
	json_t			*plan = NULL, *offices, *people, *o;
	const char		*k;
	size_t			 before = d->n;

	if ((root = ytree_parse(file, buf, len, d)) == NULL)
		return (NULL);
	memset(&c, 0, sizeof c);
	c.file = file;
	c.d = d;
	c.offices = json_object();
	c.aliases = json_object();
	c.people = json_object();
	c.tasks = json_array();
	c.task_keys = json_object();
	c.default_form = "全年";

	if (want_map(&c, root, "计划文件的顶层") == NULL)
		goto out;
	check_keys(&c, root, keys, "计划文件顶层");
	if ((v = field(&c, root, "duban-plan", YN_SCALAR, 1, "计划文件顶层")) !=
	    NULL && strcmp(v->str, "1") != 0)
		ERR(&c, v, "不支持的计划格式版本“%s”（本程序支持 1）", v->str);
	if ((hdr = field(&c, root, "plan", YN_MAP, 1, "计划文件顶层")) == NULL) {
		/* Without the header there is no year: nothing else can be checked. */
		goto out;
	}
	plan = parse_header(&c, hdr);
	if (c.year == 0)
		goto out;
	if ((v = field(&c, root, "offices", YN_SEQ, 0, "计划文件顶层")) != NULL)
		parse_offices(&c, v);
	if ((v = field(&c, root, "people", YN_SEQ, 0, "计划文件顶层")) != NULL)
		parse_people(&c, v);
	if ((v = field(&c, root, "plan_roles", YN_SEQ, 0, "计划文件顶层")) != NULL)
		json_object_set_new(plan, "plan_roles", parse_plan_roles(&c, v));
	else
		json_object_set_new(plan, "plan_roles", json_array());
	if ((v = field(&c, root, "sections", YN_SEQ, 0, "计划文件顶层")) != NULL)
		json_object_set_new(plan, "sections", parse_sections(&c, v));
	else
		json_object_set_new(plan, "sections", json_array());
	if ((v = field(&c, root, "tasks", YN_SEQ, 0, "计划文件顶层")) != NULL)
		parse_tasks(&c, v, NULL);
	if (json_array_size(c.tasks) == 0 && d->n == before) {
		v = ytree_get(root, "tasks");
		if (v == NULL)
			v = ytree_get(root, "sections");
		ERR(&c, v ? v : root, "计划中没有任何任务（sections 或 tasks）");
	}

	label_tasks(plan, c.tasks);

	offices = json_array();
	json_object_foreach(c.offices, k, o)
		json_array_append(offices, o);
	people = json_array();
	json_object_foreach(c.people, k, o)
		json_array_append(people, o);
	json_object_set_new(plan, "offices", offices);
	json_object_set_new(plan, "people", people);
	json_object_set(plan, "tasks", c.tasks);
out:
	json_decref(c.offices);
	json_decref(c.aliases);
	json_decref(c.people);
	json_decref(c.tasks);
	json_decref(c.task_keys);
	ytree_free(root);
	if (d->n != before) {
		json_decref(plan);
		return (NULL);
	}
	return (plan);
}

json_t *
plan_read_file(const char *path, struct diags *d)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;
	json_t		*plan;
	const char	*base;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diags_add(d, path, 0, 0, "无法打开：%s", strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diags_add(d, path, 0, 0, "不是普通文件");
		close(fd);
		return (NULL);
	}
	if (st.st_size > (off_t)YTREE_MAX_FILE) {
		diags_add(d, path, 1, 1, "文件过大：%lld 字节，上限为 %u 字节（4 MiB）",
		    (long long)st.st_size, YTREE_MAX_FILE);
		close(fd);
		return (NULL);
	}
	/* Read at most one byte past the limit, whatever fstat said. */
	buf = xmalloc(YTREE_MAX_FILE + 2);
	while (len <= YTREE_MAX_FILE) {
		n = read(fd, buf + len, YTREE_MAX_FILE + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diags_add(d, path, 0, 0, "读取失败：%s", strerror(errno));
			close(fd);
			free(buf);
			return (NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	plan = plan_parse(path, buf, len, d);
	if (plan != NULL) {
		char	 sum[SHA256_HEX_LEN + 1];

		sha256_hex(buf, len, sum);
		json_object_set_new(plan, "file_sha256", json_string(sum));
	}
	free(buf);
	if (plan != NULL) {
		base = strrchr(path, '/');
		json_object_set_new(plan, "plan_file",
		    json_string(base ? base + 1 : path));
	}
	return (plan);
}
