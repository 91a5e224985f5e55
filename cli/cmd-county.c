/*
 * duban county share: the city sets a county bureau's share of a city
 * target assigned to 各县（市）区 (上级督办下级); the county's copy of the
 * task takes it as its target value.  The same SQL function as PUT
 * /api/v1/targets/{id}/counties/{org} (33-counties.sql).
 * duban county assign: a county names the office of its own (承办科室)
 * that fills in its copy of a city task; as PUT
 * /api/v1/tasks/{id}/county-office.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "clock.h"
#include "duban.h"
#include "xmalloc.h"

static int
cmd_county_share(struct cmd_ctx *ctx, struct args *args)
{
	const char	*params[5];
	char		 now[CLOCK_ISO_LEN], *actor, *body, *end;
	json_t		*out, *c, *g;
	size_t		 i, k;
	int		 rc;

	if ((rc = cmd_now(now)) != 0)
		return (rc);
	(void)strtod(args_value(args, 1), &end);
	/* A number stays a JSON number; anything else is refused by the
	 * function, naming share. */
	body = *end == '\0' && end != args_value(args, 1) ?
	    xprintf("{\"share\":%s}", args_value(args, 1)) : xstrdup("{\"share\":null}");
	actor = cmd_actor();
	params[0] = args_value(args, 0);
	params[1] = args_get(args, "org");
	params[2] = body;
	params[3] = actor;
	params[4] = now;
	rc = cmd_call(ctx, "SELECT status, body::text FROM duban_county_share(NULL,"
	    " $1::bigint, $2, $3::jsonb, $4, $5::timestamptz)", 5, params, &out);
	free(actor);
	free(body);
	if (rc != 0)
		return (rc);
	/* Each county's part of this target, the one just set among them. */
	json_array_foreach(json_object_get(out, "counties"), i, c)
		json_array_foreach(json_object_get(c, "targets"), k, g) {
			char *v;

			if (json_integer_value(json_object_get(g, "city_target_id")) !=
			    strtoll(args_value(args, 0), NULL, 10))
				continue;
			v = json_dumps(json_object_get(g, "value"), JSON_ENCODE_ANY);
			printf("%s：%s %s %s%s\n", json_string_value(json_object_get(c, "org")),
			    json_string_value(json_object_get(g, "name")), v,
			    json_string_value(json_object_get(g, "unit")),
			    json_is_true(json_object_get(g, "share_set")) ? "" : "（未分解，沿用上级指标）");
			free(v);
		}
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_county_share_entry = {
	.name = "county share",
	.summary = "为各县（市）区分解上级任务的指标（下级任务以此为目标值）",
	.args = {
		.options = (const struct args_option[]){
			{ "org", 'g', "县（市）区教育局", .flags = ARGS_REQUIRED,
			  .help = "承担这部分指标的下级单位",
			  .missing = "请用 --org 指定县（市）区教育局" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "指标编号", .kind = ARGS_ID, .help = "上级任务的指标编号" },
			{ .name = "数值", .help = "分给该县（市）区的数值" }, { NULL } },
		.wrong = "请给出指标编号和分解数值",
	},
	.exec = cmd_county_share,
};

static int
cmd_county_assign(struct cmd_ctx *ctx, struct args *args)
{
	const char	*params[4], *prev;
	char		 now[CLOCK_ISO_LEN], *actor, *body;
	json_t		*doc, *out;
	int		 rc;

	if ((rc = cmd_now(now)) != 0)
		return (rc);
	doc = json_pack("{s:s}", "office", args_get(args, "office"));
	body = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	actor = cmd_actor();
	params[0] = args_value(args, 0);
	params[1] = body;
	params[2] = actor;
	params[3] = now;
	rc = cmd_call(ctx, "SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300"
	    " THEN r->'body' ELSE r END::text FROM duban_api_county_office(NULL, $1::bigint,"
	    " $2::jsonb, $3, $4::timestamptz) AS r", 4, params, &out);
	free(actor);
	free(body);
	if (rc != 0)
		return (rc);
	prev = json_string_value(json_object_get(out, "previous"));
	if (prev != NULL)
		printf("任务 %s 的承办科室：%s（原为 %s）\n", args_value(args, 0),
		    json_string_value(json_object_get(out, "office")), prev);
	else
		printf("任务 %s 的承办科室：%s\n", args_value(args, 0),
		    json_string_value(json_object_get(out, "office")));
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_county_assign_entry = {
	.name = "county assign",
	.summary = "县（市）区确定上级任务的承办科室（由该科室填报，局办公室汇总报送）",
	.args = {
		.options = (const struct args_option[]){
			{ "office", 'o', "科室", .flags = ARGS_REQUIRED,
			  .help = "本单位承办的科室或直属单位",
			  .missing = "请用 --office 指定承办科室" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "任务编号", .kind = ARGS_ID,
			  .help = "本县（市）区承担的上级任务（任务副本）的编号" }, { NULL } },
		.wrong = "请给出任务编号",
	},
	.exec = cmd_county_assign,
};
