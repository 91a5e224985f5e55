/*
 * The 红黄绿灯 thresholds a plan file gives (lights.h); lib/plan/plan.c
 * calls it for the plan header.
 */
#include <stdlib.h>

#include <jansson.h>

#include "lights.h"

/*
 * plan.lights: {yellow: 10, red: 30, due_soon_days: 5}, the 红黄绿灯
 * thresholds in percentage points behind 序时进度 and the 临期 warning in
 * working days, each optional (the defaults filling in); JSON null when
 * the file has no lights.  Errors at the value's FILE:LINE:COLUMN.
 */
json_t *
plan_lights_parse(struct yfield_ctx *y, const struct ynode *hdr)
{
	static const char *const keys[] = { "yellow", "red", "due_soon_days", NULL };
	static const char *const what = "plan 部分的 lights";
	const struct ynode	*m, *v;
	json_t			*l;
	double			 val[3] = { 10, 30, 5 };
	char			*s, *end;
	size_t			 i;
	int			 bad = 0;

	if ((m = yfield_get(y, hdr, "lights", YN_MAP, 0, "plan 部分")) == NULL)
		return (json_null());
	yfield_check_keys(y, m, keys, what);
	for (i = 0; keys[i] != NULL; i++) {
		if ((s = yfield_number(y, m, keys[i], 0, what)) == NULL) {
			bad |= ytree_get(m, keys[i]) != NULL;
			continue;
		}
		v = ytree_get(m, keys[i]);
		val[i] = strtod(s, &end);
		if (i < 2 && (val[i] < 0 || val[i] > 100)) {
			YFIELD_ERR(y, v, "lights 的 %s 应为 0 到 100 之间的百分点数（落后序时进度超过"
			    "这么多个百分点亮%s），实际为“%s”", keys[i], i == 0 ? "黄灯" : "红灯", s);
			bad = 1;
		} else if (i == 2 && (val[i] != (double)(long)val[i] || val[i] < 0 ||
		    val[i] > 60)) {
			YFIELD_ERR(y, v, "lights 的 due_soon_days 应为 0 到 60 之间的整数（到期前多少个工作日"
			    "提示临期，0 为不提示），实际为“%s”", s);
			bad = 1;
		}
		free(s);
	}
	if (!bad && val[1] <= val[0]) {
		YFIELD_ERR(y, ytree_get(m, "red") ? ytree_get(m, "red") : m,
		    "lights 的 red（%g）应大于 yellow（%g）：落后更多才亮红灯", val[1], val[0]);
		bad = 1;
	}
	if (bad)
		return (json_null());
	/* Whole points as integers: 10, not 10.0. */
	l = json_object();
	for (i = 0; i < 2; i++)
		json_object_set_new(l, keys[i], val[i] == (double)(long)val[i] ?
		    json_integer((json_int_t)val[i]) : json_real(val[i]));
	json_object_set_new(l, "due_soon_days", json_integer((json_int_t)val[2]));
	return (l);
}
