#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "hash.h"
#include "lights.h"
#include "officename.h"
#include "plan.h"
#include "sheetplan.h"
#include "xmalloc.h"
#include "yfield.h"
#include "ytree.h"

#define ERR(c, node, ...)	YFIELD_ERR(&(c)->y, node, __VA_ARGS__)

struct pctx {
	struct yfield_ctx y;		/* the file and its diagnostics */
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

/*
 * Sets member k, an ASCII literal, without checking that it is UTF-8
 * (the check was a tenth of the time of building a big plan).
 */
static void
put(json_t *o, const char *k, json_t *v)
{
	json_object_set_new_nocheck(o, k, v);
}

static void
set_str(json_t *o, const char *k, char *v)
{
	put(o, k, v ? json_string(v) : json_null());
	free(v);
}

static void
set_date(json_t *o, const char *k, const struct ymd *d)
{
	char	 buf[11];

	date_format(d, buf);
	put(o, k, json_string(buf));
}

/* ---------------------------------------------------------------- */
/* Offices and people */

/* The canonical name of an office; undeclared offices are added. */
static const char *
office_ref(struct pctx *c, const char *name)
{
	json_t	*canon, *o;

	if ((canon = json_object_get(c->aliases, name)) != NULL)
		name = json_string_value(canon);
	if ((o = json_object_get(c->offices, name)) == NULL) {
		o = json_pack("{s:s, s:s, s:[], s:b}", "name", name, "kind",
		    officename_kind(name), "aliases", "declared", 0);
		json_object_set_new(c->offices, name, o);
	}
	return (json_string_value(json_object_get(o, "name")));
}

static void
check_office_name(struct pctx *c, const struct ynode *v, const char *name)
{
	char	*parts;

	if ((parts = officename_parts(name)) != NULL)
		diags_warn(c->y.d, c->y.file, v->line, v->col,
		    "“%s”像是%s，请分开填写", name, parts);
	free(parts);
}

/* An office's name at v, checked (yfield_name) and warned of if it names
 * two offices; allocated, or NULL. */
static char *
office_name(struct pctx *c, const struct ynode *v, const char *what)
{
	char	*name;

	if ((name = yfield_name(&c->y, v, what)) != NULL)
		check_office_name(c, v, name);
	return (name);
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
		put(p, "office", json_string(office));
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

		if (yfield_map(&c->y, m, "处室声明") == NULL)
			continue;
		yfield_check_keys(&c->y, m, keys, "处室声明");
		if ((nv = yfield_get(&c->y, m, "name", YN_SCALAR, 1, "处室声明")) == NULL ||
		    (name = office_name(c, nv, "处室名称")) == NULL)
			continue;
		if (json_object_get(seen, name) != NULL) {
			ERR(c, nv, "处室“%s”重复声明（第 %lld 行已声明）", name,
			    (long long)json_integer_value(json_object_get(seen, name)));
			free(name);
			continue;
		}
		json_object_set_new(seen, name, json_integer(nv->line));
		if (yfield_one_of(&c->y, m, "kind", kinds, "处室声明", &kind) != 0) {
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
		    (al = yfield_get(&c->y, m, "aliases", YN_SEQ, 0, "处室声明")) == NULL)
			continue;
		o = json_object_get(c->offices, name);
		for (j = 0; o != NULL && j < al->n; j++) {
			if ((alias = office_name(c, al->kids[j], "处室别名")) == NULL)
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

		if (yfield_map(&c->y, m, "人员声明") == NULL)
			continue;
		yfield_check_keys(&c->y, m, keys, "人员声明");
		if ((nv = yfield_get(&c->y, m, "name", YN_SCALAR, 1, "人员声明")) == NULL ||
		    (name = yfield_name(&c->y, nv, "人员姓名")) == NULL)
			continue;
		if (json_object_get(c->people, name) != NULL) {
			ERR(c, nv, "人员“%s”重复声明", name);
			free(name);
			continue;
		}
		if ((ov = yfield_get(&c->y, m, "office", YN_SCALAR, 0, "人员声明")) != NULL)
			office = office_name(c, ov, "处室名称");
		p = json_pack("{s:s, s:o, s:o}", "name", name, "office",
		    office ? json_string(office_ref(c, office)) : json_null(),
		    "title", json_null());
		set_str(p, "title", yfield_text(&c->y, m, "title", 0, "人员声明"));
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

		if (yfield_map(&c->y, m, "计划角色") == NULL)
			continue;
		yfield_check_keys(&c->y, m, keys, "计划角色");
		if (yfield_get(&c->y, m, "role", YN_SCALAR, 1, "计划角色") == NULL ||
		    yfield_one_of(&c->y, m, "role", roles, "计划角色", &role) != 0)
			continue;
		if ((v = yfield_get(&c->y, m, "office", YN_SCALAR, 0, "计划角色")) != NULL)
			office = office_name(c, v, "处室名称");
		if ((v = yfield_get(&c->y, m, "person", YN_SCALAR, 0, "计划角色")) != NULL)
			person = yfield_name(&c->y, v, "人员姓名");
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

	if (yfield_map(&c->y, m, what) == NULL)
		return;
	yfield_check_keys(&c->y, m, keys, what);
	if ((v = yfield_get(&c->y, m, "office", YN_SCALAR, 1, what)) != NULL)
		office = office_name(c, v, "处室名称");
	if ((v = yfield_get(&c->y, m, "person", YN_SCALAR, 0, what)) != NULL)
		person = yfield_name(&c->y, v, "人员姓名");
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
		if ((name = offices ? office_name(c, list->kids[i], what) :
		    yfield_name(&c->y, list->kids[i], what)) == NULL)
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
		if (kv != NULL && kv->type == YN_SCALAR && yfield_key_ok(kv->str, 0))
			what = xprintf("任务“%s”的指标“%s”", task_key, kv->str);
		else
			what = xprintf("任务“%s”的第 %zu 个指标", task_key, i + 1);
		if (yfield_map(&c->y, m, what) == NULL) {
			free(what);
			continue;
		}
		yfield_check_keys(&c->y, m, keys, what);
		if ((key = yfield_key(&c->y, m, what, 0)) != NULL &&
		    json_object_get(seen, key) != NULL) {
			ERR(c, kv, "任务“%s”的指标键“%s”重复（第 %lld 行已使用）",
			    task_key, key, (long long)json_integer_value(
			    json_object_get(seen, key)));
			free(key);
			key = NULL;
		}
		if (key != NULL)
			json_object_set_new(seen, key, json_integer(kv->line));
		if (yfield_get(&c->y, m, "kind", YN_SCALAR, 1, what) != NULL)
			(void)yfield_one_of(&c->y, m, "kind", kinds, what, &kind);
		(void)yfield_one_of(&c->y, m, "qualifier", quals, what, &qual);
		t = json_object();
		set_str(t, "key", key);
		set_str(t, "name", yfield_text(&c->y, m, "name", 1, what));
		set_str(t, "kind", kind);
		set_str(t, "value", yfield_number(&c->y, m, "value", 1, what));
		set_str(t, "unit", yfield_text(&c->y, m, "unit", 1, what));
		set_str(t, "qualifier", qual);
		set_str(t, "baseline", yfield_number(&c->y, m, "baseline", 0, what));
		set_str(t, "text", yfield_text(&c->y, m, "text", 0, what));
		rc = yfield_deadline(&c->y, m, "deadline", what, c->year, &due, &form);
		if (rc == 1)
			set_date(t, "deadline", &due);
		else
			put(t, "deadline", json_null());
		set_str(t, "deadline_form", form);
		put(t, "position", json_integer((json_int_t)i + 1));
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
		if (kv != NULL && kv->type == YN_SCALAR && yfield_key_ok(kv->str, 0))
			what = xprintf("任务“%s”的节点“%s”", task_key, kv->str);
		else
			what = xprintf("任务“%s”的第 %zu 个节点", task_key, i + 1);
		if (yfield_map(&c->y, m, what) == NULL) {
			free(what);
			continue;
		}
		yfield_check_keys(&c->y, m, keys, what);
		if ((key = yfield_key(&c->y, m, what, 0)) != NULL) {
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
		set_str(ms, "title", yfield_text(&c->y, m, "title", 1, what));
		rc = yfield_deadline(&c->y, m, "due", what, c->year, &due, &form);
		if (rc == 0)	/* absent or empty: reported as missing */
			(void)yfield_get(&c->y, m, "due", YN_SCALAR, 1, what);
		if (rc == 1)
			set_date(ms, "due", &due);
		else
			put(ms, "due", json_null());
		set_str(ms, "due_form", form);
		set_str(ms, "text", yfield_text(&c->y, m, "text", 0, what));
		put(ms, "kind", json_string("phase"));
		put(ms, "position", json_integer((json_int_t)i + 2));
		json_array_append_new(out, ms);
		free(what);
	}
	json_decref(seen);
	return (out);
}

/*
 * 监督电话: map[key] as a plain text, a number as the document prints it
 * ("0432-62012345", "12345"): digits with the separators numbers are
 * written with, at most 64 bytes.  Allocated, or NULL when absent or bad
 * (reported).
 */
static char *
parse_phone(struct pctx *c, const struct ynode *map, const char *what)
{
	const struct ynode	*v;
	char			*s;
	const char		*p;
	int			 digits = 0, bad = 0;

	if ((s = yfield_text(&c->y, map, "phone", 0, what)) == NULL)
		return (NULL);
	for (p = s; *p != '\0' && !bad; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (strchr(" -+()/,;", *p) != NULL)
			continue;
		/* （）、，；转 (extension) are multi-byte: accept them whole. */
		else if (strncmp(p, "（", 3) == 0 || strncmp(p, "）", 3) == 0 ||
		    strncmp(p, "、", 3) == 0 || strncmp(p, "，", 3) == 0 ||
		    strncmp(p, "；", 3) == 0 || strncmp(p, "转", 3) == 0)
			p += 2;
		else
			bad = 1;
	}
	if (bad || digits < 3 || strlen(s) > 64) {
		v = ytree_get(map, "phone");
		ERR(c, v, "%s的监督电话（phone）应为电话号码，如“0432-62012345”，实际为“%s”",
		    what, s);
		free(s);
		return (NULL);
	}
	return (s);
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
	    "subtasks", "phone", NULL };
	const struct ynode	*v, *subs;
	json_t			*t, *roles, *ms, *dl;
	char			*key, *what, *form = NULL;
	const char		*keyname;
	struct ymd		 own, sub, latest = { 0, 0, 0 };
	int			 rc, have = 0, ok;
	size_t			 i;

	if (yfield_map(&c->y, m, "任务") == NULL)
		return (0);
	key = yfield_key(&c->y, m, "任务", 0);
	what = xprintf("任务“%s”", key ? key : "?");
	yfield_check_keys(&c->y, m, keys, what);
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
	put(t, "key", key ? json_string(key) : json_null());
	put(t, "section", section ? json_string(section) :
	    json_null());
	put(t, "parent", parent ? json_string(parent) :
	    json_null());
	set_str(t, "number", yfield_text(&c->y, m, "number", 1, what));
	set_str(t, "title", yfield_text(&c->y, m, "title", 1, what));
	set_str(t, "text", yfield_text(&c->y, m, "text", 0, what));
	set_str(t, "goal", yfield_text(&c->y, m, "goal", 0, what));
	set_str(t, "work", yfield_text(&c->y, m, "work", 0, what));
	set_str(t, "measures", yfield_text(&c->y, m, "measures", 0, what));
	set_str(t, "deadline_text", yfield_text(&c->y, m, "deadline_text", 0, what));
	set_str(t, "phone", parse_phone(c, m, what));
	put(t, "position", json_integer(++c->position));
	keyname = json_string_value(json_object_get(t, "key"));
	if (keyname == NULL)
		keyname = "?";

	roles = json_array();
	if ((v = yfield_get(&c->y, m, "lead", YN_MAP, 0, what)) != NULL)
		add_role(c, roles, "lead", v, "牵头处室");
	if ((v = yfield_get(&c->y, m, "responsible", YN_SEQ, 0, what)) != NULL)
		for (i = 0; i < v->n; i++)
			add_role(c, roles, "responsible", v->kids[i], "责任处室");
	if ((v = yfield_get(&c->y, m, "leaders", YN_SEQ, 0, what)) != NULL)
		add_names(c, roles, "leader", v, "责任领导", 0);
	if ((v = yfield_get(&c->y, m, "coordinating", YN_SEQ, 0, what)) != NULL)
		add_names(c, roles, "coordinator", v, "协调部门", 1);
	put(t, "roles", roles);

	if ((v = yfield_get(&c->y, m, "targets", YN_SEQ, 0, what)) != NULL)
		put(t, "targets", parse_targets(c, v, keyname));
	else
		put(t, "targets", json_array());
	if ((v = yfield_get(&c->y, m, "milestones", YN_SEQ, 0, what)) != NULL)
		ms = parse_milestones(c, v, keyname);
	else
		ms = json_array();

	rc = yfield_deadline(&c->y, m, "deadline", what, c->year, &own, &form);
	json_array_append(c->tasks, t);

	/* Subtasks come after their parent, as the loader needs them. */
	subs = yfield_get(&c->y, m, "subtasks", YN_SEQ, 0, what);
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
		put(t, "deadline_form", json_null());
		put(dl, "due_form", json_string("各分项完成时限"));
	} else if (rc == 0 && c->have_default) {
		*due = c->default_due;
		put(t, "deadline_form",
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
			put(dl, "due_form", json_string(form));
		else if (json_is_null(json_object_get(dl, "due_form")))
			put(dl, "due_form",
			    json_string(c->default_form));
	}
	free(form);
	json_array_insert_new(ms, 0, dl);
	put(t, "milestones", ms);
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

		if (yfield_map(&c->y, m, "部分（section）") == NULL)
			continue;
		yfield_check_keys(&c->y, m, keys, "部分（section）");
		if ((key = yfield_key(&c->y, m, "部分（section）", 0)) != NULL &&
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
		set_str(s, "number", yfield_text(&c->y, m, "number", 0, "部分（section）"));
		set_str(s, "title", yfield_text(&c->y, m, "title", 1, "部分（section）"));
		set_str(s, "text", yfield_text(&c->y, m, "text", 0, "部分（section）"));
		put(s, "position", json_integer((json_int_t)i + 1));
		if ((v = yfield_get(&c->y, m, "tasks", YN_SEQ, 0, "部分（section）")) != NULL)
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
		put(t, "label", json_string(label));
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
	    "default_deadline", "preamble", "extension_review", "completion_review",
	    "completion_evidence", "phone", "lights", NULL };
	/* The document's genre, which names its report (docs/plan-format.md). */
	static const char *const kinds[] = { "民生实事", "工作要点", "实施意见",
	    "交办事项", NULL };
	static const char *const reviews[] = { "general", "leader", NULL };
	static const char *const yesno[] = { "yes", "no", NULL };
	static const char *const skeys[] = { "file", "sha256", "note", NULL };
	static const char *const orgkinds[] = { "city_bureau", "county_bureau",
	    "government", "other", NULL };
	const struct ynode	*v, *src;
	json_t			*p = json_object();
	char			*s, *kind, *cause;
	struct ymd		 d;
	long			 year;
	size_t			 i;

	yfield_check_keys(&c->y, m, keys, "plan 部分");
	s = yfield_key(&c->y, m, "plan 部分", 1);
	/* The general office's lists of 督办事项 (67-jiaoban.sql) are made in
	 * the database, never by a file: a file may not load over one. */
	if (s != NULL && strncmp(s, PLAN_RESERVED_PREFIX,
	    strlen(PLAN_RESERVED_PREFIX)) == 0) {
		ERR(c, ytree_get(m, "key"), "计划键“%s”以“%s”开头：这类键留给局办公室在网页上"
		    "建立的督办交办事项清单，计划文件不能使用，请换一个键", s,
		    PLAN_RESERVED_PREFIX);
		free(s);
		s = NULL;
	}
	set_str(p, "key", s);
	set_str(p, "title", yfield_text(&c->y, m, "title", 1, "plan 部分"));
	if ((v = yfield_get(&c->y, m, "year", YN_SCALAR, 1, "plan 部分")) != NULL) {
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
	put(p, "year", c->year ? json_integer(c->year) :
	    json_null());
	set_str(p, "year_basis", yfield_text(&c->y, m, "year_basis", 0, "plan 部分"));
	if ((v = yfield_get(&c->y, m, "issuer", YN_SCALAR, 1, "plan 部分")) != NULL)
		set_str(p, "issuer", yfield_name(&c->y, v, "发文单位"));
	if (yfield_one_of(&c->y, m, "issuer_kind", orgkinds, "plan 部分", &kind) == 0)
		set_str(p, "issuer_kind", kind ? kind : xstrdup("city_bureau"));
	if ((v = yfield_get(&c->y, m, "parent_org", YN_SCALAR, 0, "plan 部分")) != NULL)
		set_str(p, "parent_org", yfield_name(&c->y, v, "上级单位"));
	else
		put(p, "parent_org", json_null());
	set_str(p, "document_number", yfield_text(&c->y, m, "document_number", 0, "plan 部分"));
	put(p, "issued_on", json_null());
	if ((v = yfield_get(&c->y, m, "issued_on", YN_SCALAR, 0, "plan 部分")) != NULL) {
		if (date_parse_iso(v->str, &d) != 0)
			ERR(c, v, "plan 的 issued_on 应为存在的日期（YYYY-MM-DD），实际为“%s”",
			    v->str);
		else
			set_date(p, "issued_on", &d);
	}
	if (yfield_one_of(&c->y, m, "kind", kinds, "plan 部分", &kind) == 0)
		set_str(p, "kind", kind ? kind : xstrdup(kinds[0]));
	set_str(p, "phone", parse_phone(c, m, "plan 部分"));
	put(p, "lights", plan_lights_parse(&c->y, m));
	/* Who decides a request for more time (延期申请): the general office
	 * alone, or then the task's 分管领导 too. */
	if (yfield_one_of(&c->y, m, "extension_review", reviews, "plan 部分", &kind) == 0)
		set_str(p, "extension_review", kind ? kind : xstrdup("general"));
	/* Whether closing a task needs the general office's approval (办结审核):
	 * null when the file does not say, which the loader reads as yes for
	 * a new plan and as no change for one already loaded. */
	if (yfield_one_of(&c->y, m, "completion_review", yesno, "plan 部分", &kind) == 0 &&
	    kind != NULL)
		put(p, "completion_review", json_boolean(strcmp(kind, "yes") == 0));
	else
		put(p, "completion_review", json_null());
	free(kind);
	/* Whether a request to close a task needs 佐证材料 on it: no unless
	 * the file says yes (a plan reloaded without the key loses it). */
	kind = NULL;
	if (yfield_one_of(&c->y, m, "completion_evidence", yesno, "plan 部分", &kind) == 0)
		put(p, "completion_evidence",
		    json_boolean(kind != NULL && strcmp(kind, "yes") == 0));
	else
		put(p, "completion_evidence", json_false());
	free(kind);
	set_str(p, "preamble", yfield_text(&c->y, m, "preamble", 0, "plan 部分"));
	put(p, "source_file", json_null());
	put(p, "source_sha256", json_null());
	put(p, "source_note", json_null());
	if ((src = yfield_get(&c->y, m, "source", YN_MAP, 1, "plan 部分")) != NULL) {
		yfield_check_keys(&c->y, src, skeys, "plan 部分的 source");
		set_str(p, "source_file", yfield_text(&c->y, src, "file", 1,
		    "plan 部分的 source"));
		set_str(p, "source_note", yfield_text(&c->y, src, "note", 0,
		    "plan 部分的 source"));
		if ((s = yfield_text(&c->y, src, "sha256", 0, "plan 部分的 source")) != NULL) {
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
	if ((v = yfield_get(&c->y, m, "default_deadline", YN_SCALAR, 0, "plan 部分")) != NULL &&
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
	struct ynode	*root;
	json_t		*plan;

	if ((root = ytree_parse(file, buf, len, d)) == NULL)
		return (NULL);
	plan = plan_from_tree(file, root, d);
	ytree_free(root);
	return (plan);
}

json_t *
plan_from_tree(const char *file, const struct ynode *root, struct diags *d)
{
	static const char *const keys[] = { "duban-plan", "plan", "offices",
	    "people", "plan_roles", "sections", "tasks", NULL };
	struct pctx		 c;
	const struct ynode	*v, *hdr;
	json_t			*plan = NULL, *offices, *people, *o;
	const char		*k;
	size_t			 before = diags_errors(d);

	memset(&c, 0, sizeof c);
	c.y.file = file;
	c.y.d = d;
	c.offices = json_object();
	c.aliases = json_object();
	c.people = json_object();
	c.tasks = json_array();
	c.task_keys = json_object();
	c.default_form = "全年";

	if (yfield_map(&c.y, root, "计划文件的顶层") == NULL)
		goto out;
	yfield_check_keys(&c.y, root, keys, "计划文件顶层");
	if ((v = yfield_get(&c.y, root, "duban-plan", YN_SCALAR, 1, "计划文件顶层")) !=
	    NULL && strcmp(v->str, "1") != 0)
		ERR(&c, v, "不支持的计划格式版本“%s”（本程序支持 1）", v->str);
	if ((hdr = yfield_get(&c.y, root, "plan", YN_MAP, 1, "计划文件顶层")) == NULL) {
		/* Without the header there is no year: nothing else can be checked. */
		goto out;
	}
	plan = parse_header(&c, hdr);
	if (c.year == 0)
		goto out;
	if ((v = yfield_get(&c.y, root, "offices", YN_SEQ, 0, "计划文件顶层")) != NULL)
		parse_offices(&c, v);
	if ((v = yfield_get(&c.y, root, "people", YN_SEQ, 0, "计划文件顶层")) != NULL)
		parse_people(&c, v);
	if ((v = yfield_get(&c.y, root, "plan_roles", YN_SEQ, 0, "计划文件顶层")) != NULL)
		put(plan, "plan_roles", parse_plan_roles(&c, v));
	else
		put(plan, "plan_roles", json_array());
	if ((v = yfield_get(&c.y, root, "sections", YN_SEQ, 0, "计划文件顶层")) != NULL)
		put(plan, "sections", parse_sections(&c, v));
	else
		put(plan, "sections", json_array());
	if ((v = yfield_get(&c.y, root, "tasks", YN_SEQ, 0, "计划文件顶层")) != NULL)
		parse_tasks(&c, v, NULL);
	if (json_array_size(c.tasks) == 0 && diags_errors(d) == before) {
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
	put(plan, "offices", offices);
	put(plan, "people", people);
	json_object_set(plan, "tasks", c.tasks);
out:
	json_decref(c.offices);
	json_decref(c.aliases);
	json_decref(c.people);
	json_decref(c.tasks);
	json_decref(c.task_keys);
	if (diags_errors(d) != before) {
		json_decref(plan);
		return (NULL);
	}
	return (plan);
}

json_t *
plan_read_buffer(const char *name, const void *buf, size_t len,
    struct diags *d)
{
	json_t		*plan;
	const char	*base;
	char		 sum[SHA256_HEX_LEN + 1];

	if (sheetplan_is_xlsx(name))
		plan = sheetplan_parse(name, buf, len, d);
	else
		plan = plan_parse(name, buf, len, d);
	if (plan == NULL)
		return (NULL);
	sha256_hex(buf, len, sum);
	put(plan, "file_sha256", json_string(sum));
	base = strrchr(name, '/');
	put(plan, "plan_file", json_string(base ? base + 1 :
	    name));
	return (plan);
}

json_t *
plan_read_file(const char *path, struct diags *d)
{
	char		*buf;
	size_t		 len;
	json_t		*plan;

	if ((buf = ytree_read_file(path, &len, d)) == NULL)
		return (NULL);
	plan = plan_read_buffer(path, buf, len, d);
	free(buf);
	return (plan);
}
