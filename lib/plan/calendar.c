#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "date.h"
#include "yfield.h"
#include "ytree.h"

#define ERR(d, f, n, ...) diags_add((d), (f), (n)->line, (n)->col, __VA_ARGS__)

static const char *
scalar(const struct ynode *map, const char *key)
{
	const struct ynode	*v = ytree_get(map, key);

	return (v != NULL && v->type == YN_SCALAR && !ytree_is_null(v) ?
	    v->str : NULL);
}

static int
date_of(struct diags *d, const char *f, const struct ynode *map,
    const char *key, struct ymd *out)
{
	const struct ynode	*v = ytree_get(map, key);

	if (v == NULL || v->type != YN_SCALAR || date_parse_iso(v->str, out) != 0) {
		ERR(d, f, v ? v : map, "“%s”应为存在的日期（YYYY-MM-DD）", key);
		return (-1);
	}
	return (0);
}

static json_t *
read_year(struct diags *d, const char *f, const struct ynode *y)
{
	static const char *const keys[] = { "year", "source", "published",
	    "holidays", "workdays", NULL };
	static const char *const hkeys[] = { "name", "from", "to", NULL };
	static const char *const wkeys[] = { "date", "name", NULL };
	struct yfield_ctx	 yc = { f, d };
	const struct ynode	*list, *h;
	json_t			*out, *days;
	struct ymd		 from, to, w;
	const char		*year, *source, *name;
	size_t			 i, before = diags_errors(d);
	long			 k;

	if (y->type != YN_MAP) {
		ERR(d, f, y, "每一年应为映射");
		return (NULL);
	}
	yfield_check_keys(&yc, y, keys, "日历的年度");
	year = scalar(y, "year");
	source = scalar(y, "source");
	if (year == NULL || atoi(year) < 2000 || atoi(year) > 2100)
		ERR(d, f, y, "缺少 year（2000 到 2100）");
	if (source == NULL)
		ERR(d, f, y, "缺少 source（通知的名称和文号）");
	days = json_array();
	if ((list = ytree_get(y, "holidays")) != NULL && list->type == YN_SEQ) {
		for (i = 0; i < list->n; i++) {
			h = list->kids[i];
			if (h->type != YN_MAP) {
				ERR(d, f, h, "放假安排应为映射 {name, from, to}");
				continue;
			}
			yfield_check_keys(&yc, h, hkeys, "放假安排");
			name = scalar(h, "name");
			if (name == NULL || date_of(d, f, h, "from", &from) != 0 ||
			    date_of(d, f, h, "to", &to) != 0) {
				if (name == NULL)
					ERR(d, f, h, "缺少 name");
				continue;
			}
			if (date_cmp(&from, &to) > 0 ||
			    date_to_days(&to) - date_to_days(&from) > 31) {
				ERR(d, f, h, "放假区间 from 应不晚于 to，且不超过一个月");
				continue;
			}
			for (k = date_to_days(&from); k <= date_to_days(&to); k++) {
				char	 buf[11];

				date_from_days(k, &w);
				date_format(&w, buf);
				json_array_append_new(days, json_pack("{s:s, s:s, s:s}",
				    "day", buf, "kind", "holiday", "name", name));
			}
		}
	}
	if ((list = ytree_get(y, "workdays")) != NULL && list->type == YN_SEQ) {
		for (i = 0; i < list->n; i++) {
			char	 buf[11];

			h = list->kids[i];
			if (h->type != YN_MAP) {
				ERR(d, f, h, "调休上班日应为映射 {date, name}");
				continue;
			}
			yfield_check_keys(&yc, h, wkeys, "调休上班日");
			if (date_of(d, f, h, "date", &w) != 0)
				continue;
			if (date_weekday(&w) < 5) {
				ERR(d, f, h, "调休上班日 %04d-%02d-%02d 不是周末", w.y, w.m, w.d);
				continue;
			}
			name = scalar(h, "name");
			date_format(&w, buf);
			json_array_append_new(days, json_pack("{s:s, s:s, s:s}",
			    "day", buf, "kind", "workday", "name", name ? name : "调休"));
		}
	}
	if (diags_errors(d) != before) {
		json_decref(days);
		return (NULL);
	}
	out = json_pack("{s:i, s:s, s:o}", "year", atoi(year), "source", source,
	    "days", days);
	return (out);
}

json_t *
calendar_read_file(const char *path, struct diags *d)
{
	struct ynode		*root;
	const struct ynode	*v;
	json_t			*years, *y;
	char			*buf;
	size_t			 i, len, before = diags_errors(d);

	if ((buf = ytree_read_file(path, &len, d)) == NULL)
		return (NULL);
	root = ytree_parse(path, buf, len, d);
	free(buf);
	if (root == NULL)
		return (NULL);
	years = json_array();
	if (root->type != YN_MAP || (v = ytree_get(root, "duban-calendar")) == NULL ||
	    v->type != YN_SCALAR || strcmp(v->str, "1") != 0)
		diags_add(d, path, root->line, root->col, "不是日历文件（应以 duban-calendar: 1 开头）");
	else if ((v = ytree_get(root, "years")) == NULL || v->type != YN_SEQ)
		diags_add(d, path, root->line, root->col, "缺少 years 列表");
	else
		for (i = 0; i < v->n; i++)
			if ((y = read_year(d, path, v->kids[i])) != NULL)
				json_array_append_new(years, y);
	ytree_free(root);
	if (diags_errors(d) != before) {
		json_decref(years);
		return (NULL);
	}
	return (json_pack("{s:o}", "years", years));
}
