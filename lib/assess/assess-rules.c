/*
 * The 考核 rule file (docs/assess-format.md): YAML read by ytree.c and
 * checked field by field with yfield.c, every problem reported at its
 * node as FILE:LINE:COLUMN and all of them in one reading.  The result
 * is the JSON duban_assess_rules_load stores, each number as decimal
 * text so that PostgreSQL reads it exactly.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "hash.h"
#include "xmalloc.h"
#include "yfield.h"
#include "ytree.h"

/* What a number of the rules may be. */
enum num_kind {
	NUM_POINTS,		/* 0..1000, at most two decimals */
	NUM_COUNT,		/* a whole number, 0..366 */
	NUM_SHARE		/* a percentage 0..100, "50%" or 50 */
};

/*
 * The number at key in map (a mapping that may be NULL) as decimal text
 * in obj[key]: dflt when absent (reported instead if dflt is NULL).
 */
static void
rule_number(struct yfield_ctx *y, const struct ynode *map, const char *key,
    enum num_kind kind, const char *dflt, const char *what, json_t *obj)
{
	const struct ynode	*v;
	char			 buf[40], *dot;
	size_t			 n;
	double			 x;
	int			 bad = 0;

	v = map != NULL ? yfield_get(y, map, key, YN_SCALAR, dflt == NULL, what) : NULL;
	if (v == NULL) {
		if (map == NULL && dflt == NULL)
			return;
		if (dflt != NULL)
			json_object_set_new(obj, key, json_string(dflt));
		return;
	}
	if (!v->plain || v->len == 0 || v->len >= sizeof buf) {
		YFIELD_ERR(y, v, "%s的“%s”应为数字，不应加引号：“%s”", what, key, v->str);
		return;
	}
	memcpy(buf, v->str, v->len + 1);
	n = v->len;
	if (kind == NUM_SHARE && buf[n - 1] == '%')
		buf[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)buf[i]) && buf[i] != '.')
			bad = 1;
	dot = strchr(buf, '.');
	if (n == 0 || bad || buf[0] == '.' || buf[n - 1] == '.' ||
	    (dot != NULL && strchr(dot + 1, '.') != NULL)) {
		YFIELD_ERR(y, v, "%s的“%s”应为%s，实际为“%s”", what, key,
		    kind == NUM_SHARE ? "百分数（如 50%）" : kind == NUM_COUNT ?
		    "非负整数" : "非负数（如 2 或 0.5，不带单位）", v->str);
		return;
	}
	x = strtod(buf, NULL);
	if (kind == NUM_COUNT && (dot != NULL || x > 366))
		YFIELD_ERR(y, v, "%s的“%s”应为 0 至 366 的整数，实际为“%s”", what, key, v->str);
	else if (kind == NUM_SHARE && x > 100)
		YFIELD_ERR(y, v, "%s的“%s”应在 0%% 至 100%% 之间，实际为“%s”", what, key,
		    v->str);
	else if (kind == NUM_POINTS && (x > 1000 || (dot != NULL && strlen(dot + 1) > 2)))
		YFIELD_ERR(y, v, "%s的“%s”应在 0 至 1000 之间，至多两位小数，实际为“%s”",
		    what, key, v->str);
	else
		json_object_set_new(obj, key, json_string(buf));
}

/* A section of the rules: its mapping (NULL if absent or not one), keys
 * checked. */
static const struct ynode *
rule_section(struct yfield_ctx *y, const struct ynode *root, const char *key,
    int required, const char *const *keys, const char *what)
{
	const struct ynode	*m;

	if ((m = yfield_get(y, root, key, YN_MAP, required, "考核规则文件顶层")) != NULL)
		yfield_check_keys(y, m, keys, what);
	return (m);
}

json_t *
assess_rules_parse(const char *file, const char *buf, size_t len, struct diags *d)
{
	static const char *const top[] = { "duban-assess", "year", "title", "points",
	    "shares", "deductions", "bonus", "leader_evaluation", NULL };
	static const char *const k_points[] = { "task", NULL };
	static const char *const k_shares[] = { "lead", "responsible", NULL };
	static const char *const k_ded[] = { "overdue_milestone", "late_report",
	    "missing_report", "returned", "extension", "free_extensions", NULL };
	static const char *const k_bonus[] = { "early_completion", "early_workdays", NULL };
	static const char *const k_leader[] = { "max", NULL };
	struct yfield_ctx	 y = { file, d };
	const struct ynode	*root, *v, *m;
	json_t			*out = NULL, *rules, *o;
	size_t			 before = diags_errors(d);
	char			*title, *end;
	long			 year = 0;

	if ((root = ytree_parse(file, buf, len, d)) == NULL)
		return (NULL);
	if (yfield_map(&y, root, "考核规则文件的顶层") == NULL)
		goto done;
	yfield_check_keys(&y, root, top, "考核规则文件顶层");
	if ((v = yfield_get(&y, root, "duban-assess", YN_SCALAR, 1, "考核规则文件顶层")) !=
	    NULL && strcmp(v->str, "1") != 0)
		YFIELD_ERR(&y, v, "不支持的考核规则格式版本“%s”（本程序支持 1）", v->str);
	if ((v = yfield_get(&y, root, "year", YN_SCALAR, 1, "考核规则文件顶层")) != NULL) {
		year = strtol(v->str, &end, 10);
		if (!v->plain || *end != '\0' || end == v->str || year < 2000 || year > 2100) {
			YFIELD_ERR(&y, v, "考核年度应为 2000 至 2100 之间的年份，实际为“%s”",
			    v->str);
			year = 0;
		}
	}
	title = yfield_text(&y, root, "title", 1, "考核规则文件顶层");

	rules = json_object();
	m = rule_section(&y, root, "points", 1, k_points, "points（基础分）");
	o = json_object();
	rule_number(&y, m, "task", NUM_POINTS, NULL, "points（基础分）", o);
	json_object_set_new(rules, "points", o);

	m = rule_section(&y, root, "shares", 0, k_shares, "shares（分担比例）");
	o = json_object();
	rule_number(&y, m, "lead", NUM_SHARE, "100", "shares（分担比例）", o);
	rule_number(&y, m, "responsible", NUM_SHARE, "0", "shares（分担比例）", o);
	json_object_set_new(rules, "shares", o);

	m = rule_section(&y, root, "deductions", 0, k_ded, "deductions（扣分）");
	o = json_object();
	rule_number(&y, m, "overdue_milestone", NUM_POINTS, "0", "deductions（扣分）", o);
	rule_number(&y, m, "late_report", NUM_POINTS, "0", "deductions（扣分）", o);
	rule_number(&y, m, "missing_report", NUM_POINTS, "0", "deductions（扣分）", o);
	rule_number(&y, m, "returned", NUM_POINTS, "0", "deductions（扣分）", o);
	rule_number(&y, m, "extension", NUM_POINTS, "0", "deductions（扣分）", o);
	rule_number(&y, m, "free_extensions", NUM_COUNT, "1", "deductions（扣分）", o);
	json_object_set_new(rules, "deductions", o);

	m = rule_section(&y, root, "bonus", 0, k_bonus, "bonus（加分）");
	o = json_object();
	rule_number(&y, m, "early_completion", NUM_POINTS, "0", "bonus（加分）", o);
	rule_number(&y, m, "early_workdays", NUM_COUNT, "0", "bonus（加分）", o);
	json_object_set_new(rules, "bonus", o);

	m = rule_section(&y, root, "leader_evaluation", 0, k_leader,
	    "leader_evaluation（领导评价）");
	o = json_object();
	rule_number(&y, m, "max", NUM_POINTS, "0", "leader_evaluation（领导评价）", o);
	json_object_set_new(rules, "leader_evaluation", o);

	if (diags_errors(d) == before && year != 0 && title != NULL)
		out = json_pack("{s:I, s:s, s:o}", "year", (json_int_t)year, "title", title,
		    "rules", rules);
	else
		json_decref(rules);
	free(title);
done:
	ytree_free((struct ynode *)root);
	if (out == NULL && diags_errors(d) == before)
		diags_add(d, file, 1, 1, "考核规则文件无效");
	return (out);
}

json_t *
assess_rules_read_file(const char *path, char sha[65], struct diags *d)
{
	char	*buf;
	size_t	 len;
	json_t	*out;

	if ((buf = ytree_read_file(path, &len, d)) == NULL)
		return (NULL);
	sha256_hex(buf, len, sha);
	out = assess_rules_parse(path, buf, len, d);
	free(buf);
	return (out);
}
