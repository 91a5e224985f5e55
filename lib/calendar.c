#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "deadline.h"
#include "xmalloc.h"
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

static void
check_keys(struct diags *d, const char *f, const struct ynode *m,
    const char *const *allowed)
{
	size_t	 i;
	int	 k, ok;

	for (i = 0; i < m->n; i++) {
		for (ok = 0, k = 0; allowed[k] != NULL; k++)
			ok |= strcmp(YMAP_KEY(m, i)->str, allowed[k]) == 0;
		if (!ok)
			ERR(d, f, YMAP_KEY(m, i), "未知字段“%s”", YMAP_KEY(m, i)->str);
	}
}

static int
weekday(const struct ymd *d)
{
	/* 1970-01-01 was a Thursday; 0 = Monday … 6 = Sunday. */
	long	 n = date_to_days(d);

	return ((int)(((n % 7) + 7 + 3) % 7));
}

static json_t *
read_year(struct diags *d, const char *f, const struct ynode *y)
{
	static const char *const keys[] = { "year", "source", "published",
	    "holidays", "workdays", NULL };
	static const char *const hkeys[] = { "name", "from", "to", NULL };
	static const char *const wkeys[] = { "date", "name", NULL };
	const struct ynode	*list, *h;
	json_t			*out, *days;
	struct ymd		 from, to, w;
	const char		*year, *source, *name;
	size_t			 i, before = d->n;
	long			 k;

	if (y->type != YN_MAP) {
		ERR(d, f, y, "每一年应为映射");
		return (NULL);
	}
	check_keys(d, f, y, keys);
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
			check_keys(d, f, h, hkeys);
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
			check_keys(d, f, h, wkeys);
			if (date_of(d, f, h, "date", &w) != 0)
				continue;
			if (weekday(&w) < 5) {
				ERR(d, f, h, "调休上班日 %04d-%02d-%02d 不是周末", w.y, w.m, w.d);
				continue;
			}
			name = scalar(h, "name");
			date_format(&w, buf);
			json_array_append_new(days, json_pack("{s:s, s:s, s:s}",
			    "day", buf, "kind", "workday", "name", name ? name : "调休"));
		}
	}
	if (d->n != before) {
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
	size_t			 i, len, before = d->n;
	struct stat		 st;
	ssize_t			 n;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) != 0) {
		diags_add(d, path, 0, 0, "无法打开");
		if (fd != -1)
			close(fd);
		return (NULL);
	}
	if (st.st_size > (off_t)YTREE_MAX_FILE) {
		diags_add(d, path, 1, 1, "文件过大");
		close(fd);
		return (NULL);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	len = 0;
	while ((n = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
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
	if (d->n != before) {
		json_decref(years);
		return (NULL);
	}
	return (json_pack("{s:o}", "years", years));
}
