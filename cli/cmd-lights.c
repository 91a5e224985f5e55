/*
 * duban plan lights KEY [--yellow N] [--red N] [--due-soon N] [--note TEXT]:
 * a plan's 红黄绿灯 thresholds (points behind 序时进度 that turn a light
 * yellow and red) and 临期 warning (working days before a deadline),
 * shown with their history, or changed.  The change goes through
 * duban_plan_lights_change (migrations/functions/62-lights.sql), as
 * PATCH /api/v1/plans/{key}/lights does: one check, one history.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "duban.h"
#include "xmalloc.h"

static const char QUERY_PLAN_LIGHTS_CHANGE[] =
    "SELECT status, body::text FROM duban_plan_lights_change($1, $2::jsonb, $3, 'cli',"
    " NULL, NULL, $4::timestamptz)";

/* Puts option opt's number into body as key; 0, or EXIT_USAGE after
 * saying why. */
static int
number_option(struct args *args, const char *opt, const char *key, json_t *body)
{
	const char	*s = args_get(args, opt);
	char		*end;
	double		 v;

	if (s == NULL)
		return (0);
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v)) {
		fprintf(stderr, "duban plan lights：--%s 应为数字，而不是“%s”\n", opt, s);
		return (EXIT_USAGE);
	}
	json_object_set_new(body, key, v == floor(v) && fabs(v) < 1e9 ?
	    json_integer((json_int_t)v) : json_real(v));
	return (0);
}

/* {"yellow":10,"red":30,"due_soon_days":5} → "黄灯 10、红灯 30、临期 5 日". */
static char *
lights_text(const json_t *l)
{
	return (xprintf("黄灯 %g、红灯 %g、临期 %lld 日",
	    json_number_value(json_object_get(l, "yellow")),
	    json_number_value(json_object_get(l, "red")),
	    (long long)json_integer_value(json_object_get(l, "due_soon_days"))));
}

static int
cmd_plan_lights(struct cmd_ctx *ctx, struct args *args)
{
	const char	*params[4];
	char		 now[48], *doc, *actor, when[17];
	json_t		*body = json_object(), *out, *h;
	size_t		 i;
	int		 rc;

	if ((rc = number_option(args, "yellow", "yellow", body)) != 0 ||
	    (rc = number_option(args, "red", "red", body)) != 0 ||
	    (rc = number_option(args, "due-soon", "due_soon_days", body)) != 0 ||
	    (rc = cmd_now(now)) != 0) {
		json_decref(body);
		return (rc);
	}
	if (args_get(args, "note") != NULL)
		json_object_set_new(body, "note", json_string(args_get(args, "note")));
	doc = json_dumps(body, JSON_COMPACT);
	actor = cmd_actor();
	params[0] = args_value(args, 0);
	params[1] = doc;
	params[2] = actor;
	params[3] = now;
	rc = cmd_call(ctx, QUERY_PLAN_LIGHTS_CHANGE, 4, params, &out);
	free(doc);
	free(actor);
	json_decref(body);
	if (rc != 0)
		return (rc);
	if (args_has(args, "json")) {
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(out);
		return (0);
	}
	printf("%s（%s）\n%s\n", json_string_value(json_object_get(out, "title")),
	    json_string_value(json_object_get(out, "plan")),
	    json_string_value(json_object_get(out, "rule")));
	if (json_array_size(json_object_get(out, "history")) > 0)
		printf("修改记录：\n");
	json_array_foreach(json_object_get(out, "history"), i, h) {
		char	*from = lights_text(json_object_get(h, "from"));
		char	*to = lights_text(json_object_get(h, "to"));
		const char *note = json_string_value(json_object_get(h, "note"));

		printf("  %s %s：%s → %s%s%s\n",
		    cmd_when(json_string_value(json_object_get(h, "at")), when),
		    json_string_value(json_object_get(h, "actor")), from, to,
		    note ? "，" : "", note ? note : "");
		free(from);
		free(to);
	}
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_plan_lights_entry = {
	.name = "plan lights",
	.summary = "查看或修改计划的红黄绿灯阈值和临期天数（修改留有记录）",
	.args = {
		.options = (const struct args_option[]){
			{ "yellow", 'y', "百分点", .help = "落后序时进度超过多少个百分点亮黄灯（默认 10）" },
			{ "red", 'r', "百分点", .help = "落后超过多少个百分点亮红灯（默认 30），应大于黄灯阈值" },
			{ "due-soon", 'd', "工作日", .help = "到期前多少个工作日内提示临期（默认 5，0 为不提示）" },
			{ "note", 'n', "说明", .help = "修改的理由，记入修改记录" },
			{ "json", 'j', NULL, .help = "以 JSON 输出（与 PATCH /api/v1/plans/{键}/lights 的应答相同）" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "计划" }, { NULL } },
		.wrong = "请给出一个计划的键",
	},
	.help = "不给出任何阈值时只显示当前阈值和修改记录。落后序时进度恰好等于阈值时不变灯，超过才变。\n"
	    "局办公室也可在网页上或通过 PATCH /api/v1/plans/{键}/lights 修改。\n",
	.exec = cmd_plan_lights,
};
