/*
 * duban org add | list: the organisations of a deployment (tenants): a
 * city bureau and its county bureaus, a province and its cities.  A
 * token or account reaches its organisation and those under it
 * (migrations/functions/32-tenants.sql).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "xmalloc.h"

static const char *const kinds[] = { "city_bureau", "county_bureau", "government", "other",
    NULL };

static const char *
kind_word(const char *kind)
{
	static const char *const words[] = { "市教育局", "县（市）区教育局", "人民政府", "其他" };
	int	 i;

	for (i = 0; kinds[i] != NULL; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return (words[i]);
	return (kind);
}

static int
cmd_org_add(struct cmd_ctx *ctx, struct args *args)
{
	const char	*params[3];
	const char	*parent;
	json_t		*body;
	int		 rc;

	params[0] = args_value(args, 0);
	params[1] = args_get(args, "parent");
	params[2] = args_has(args, "kind") ? args_get(args, "kind") :
	    params[1] != NULL ? "county_bureau" : "city_bureau";
	rc = cmd_call(ctx, "SELECT status, body::text FROM duban_org_add($1, $2, $3)", 3,
	    params, &body);
	if (rc != 0)
		return (rc);
	parent = json_string_value(json_object_get(body, "parent"));
	printf("已登记单位 %s（%s%s%s）。\n", json_string_value(json_object_get(body, "name")),
	    kind_word(json_string_value(json_object_get(body, "kind"))),
	    parent != NULL ? "，隶属 " : "", parent != NULL ? parent : "");
	json_decref(body);
	return (0);
}

static int
cmd_org_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "编号", "单位", "类别", "上级单位", "计划",
	    "处室", "账号" };
	static const int widths[] = { 0, 0, 0, 0, 0, 0, 0 };
	struct table	*t;
	PGconn		*conn;
	json_t		*orgs, *o;
	size_t		 i;
	char		*n[4];
	int		 code, k;

	(void)args;
	if ((conn = cmd_connect(ctx, &code)) == NULL)
		return (code);
	orgs = cmd_query_json(conn, "SELECT duban_org_list()::text", 0, NULL);
	PQfinish(conn);
	if (orgs == NULL)
		return (EXIT_SOFTWARE);
	t = table_new(7, headers, widths);
	json_array_foreach(orgs, i, o) {
		n[0] = xprintf("%lld", json_integer_value(json_object_get(o, "id")));
		n[1] = xprintf("%lld", json_integer_value(json_object_get(o, "plans")));
		n[2] = xprintf("%lld", json_integer_value(json_object_get(o, "offices")));
		n[3] = xprintf("%lld", json_integer_value(json_object_get(o, "accounts")));
		{
			const char *cells[] = { n[0], json_string_value(json_object_get(o, "name")),
			    kind_word(json_string_value(json_object_get(o, "kind"))),
			    json_is_string(json_object_get(o, "parent")) ?
			    json_string_value(json_object_get(o, "parent")) : "",
			    n[1], n[2], n[3] };

			table_add(t, cells);
		}
		for (k = 0; k < 4; k++)
			free(n[k]);
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(orgs);
	return (0);
}

const struct cmd_entry cmd_org_add_entry = {
	.name = "org add",
	.summary = "登记单位（如县（市）区教育局隶属市教育局），或修改其上级和类别",
	.args = {
		.options = (const struct args_option[]){
			{ "parent", 'p', "上级单位",
			  .help = "上级单位的名称；上级单位督办下级的计划" },
			{ "kind", 'k', "类别", .kind = ARGS_CHOICE, .choices = kinds,
			  .help = "city_bureau 市教育局；county_bureau 县（市）区教育局（有上级时的默认）；\n"
			  "government 人民政府；other 其他" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "单位名称", .help = "如 船营区教育局" }, { NULL } },
		.wrong = "请给出一个单位名称",
	},
	.exec = cmd_org_add,
};

const struct cmd_entry cmd_org_list_entry = {
	.name = "org list",
	.summary = "列出各单位、上级单位，以及其计划、处室和账号数",
	.exec = cmd_org_list,
};
