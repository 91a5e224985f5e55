/*
 * duban jiaoban create | list: 督办事项, through duband's /api/v1/jiaoban,
 * so that the token says who 交办s, and the same SQL functions
 * (67-jiaoban.sql) check and record it as for the pages.
 */
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "words.h"
#include "xmalloc.h"

#define SERVER_OPTIONS \
	{ "server", 'S', "URL", \
	  .help = "duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080" }, \
	{ "token-file", 'T', "文件", .help = "令牌文件；默认取环境变量 DUBAN_TOKEN" }

/* The value of a string member, or "—". */
static const char *
str(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return (s != NULL && *s != '\0' ? s : "—");
}

/*
 * The code of a word as a user may type it: the code itself, its word
 * (领导批示, 每月), or the word's first character (批示 → 领导批示 is not a
 * prefix, so the short forms are listed here).  The value as given when
 * none matches: the server names the field.
 */
static const char *
code_of(enum vocab v, const char *s)
{
	static const struct {
		enum vocab	 v;
		const char	*word, *code;
	} shortcuts[] = {
		{ VOCAB_BASIS_KIND, "批示", "instruction" },
		{ VOCAB_BASIS_KIND, "会议", "meeting" },
		{ VOCAB_BASIS_KIND, "文件", "document" },
		{ VOCAB_REPORT_EVERY, "日", "day" },
		{ VOCAB_REPORT_EVERY, "周", "week" },
		{ VOCAB_REPORT_EVERY, "月", "month" },
		{ VOCAB_REPORT_EVERY, "季", "quarter" },
		{ VOCAB_REPORT_EVERY, "季度", "quarter" },
	};
	static const char *const basis[] = { "instruction", "meeting", "document", "other",
	    NULL };
	static const char *const every[] = { "day", "week", "month", "quarter", NULL };
	const char *const	*codes = v == VOCAB_BASIS_KIND ? basis : every;
	size_t			 i;

	for (i = 0; codes[i] != NULL; i++)
		if (strcmp(s, codes[i]) == 0 || strcmp(s, word(v, codes[i])) == 0)
			return (codes[i]);
	for (i = 0; i < sizeof shortcuts / sizeof shortcuts[0]; i++)
		if (shortcuts[i].v == v && strcmp(s, shortcuts[i].word) == 0)
			return (shortcuts[i].code);
	return (s);
}

/* The values of a repeatable option, each also split at "、" and ",". */
static json_t *
names(struct args *args, const char *opt)
{
	static const char	 dun[] = "、";
	json_t			*a = json_array();
	const char		*v, *p, *start;
	size_t			 n;
	int			 i;

	for (i = 0; (v = args_nth(args, opt, i)) != NULL; i++)
		for (p = start = v;; ) {
			n = strncmp(p, dun, sizeof dun - 1) == 0 ? sizeof dun - 1 :
			    *p == ',' || *p == '\0' ? 1 : 0;
			if (n == 0) {
				p++;
				continue;
			}
			if (p > start)
				json_array_append_new(a, json_stringn(start, (size_t)(p - start)));
			if (*p == '\0')
				break;
			p += n;
			start = p;
		}
	return (a);
}

static int
cmd_jiaoban_create(struct cmd_ctx *ctx, struct args *args)
{
	json_t		*body = json_object(), *out = NULL;
	int		 rc;

	(void)ctx;
	json_object_set_new(body, "title", json_string(args_get(args, "title")));
	json_object_set_new(body, "basis_kind", json_string(code_of(VOCAB_BASIS_KIND,
	    args_get(args, "basis-kind"))));
	json_object_set_new(body, "basis", json_string(args_get(args, "basis")));
	json_object_set_new(body, "lead_office", json_string(args_get(args, "office")));
	json_object_set_new(body, "deadline", json_string(args_get(args, "deadline")));
	if (args_has(args, "text"))
		json_object_set_new(body, "text", json_string(args_get(args, "text")));
	if (args_has(args, "person"))
		json_object_set_new(body, "lead_person", json_string(args_get(args, "person")));
	if (args_has(args, "every"))
		json_object_set_new(body, "report_every", json_string(code_of(VOCAB_REPORT_EVERY,
		    args_get(args, "every"))));
	if (args_has(args, "leader"))
		json_object_set_new(body, "leaders", names(args, "leader"));
	if (args_has(args, "cooperate"))
		json_object_set_new(body, "cooperate", names(args, "cooperate"));
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"),
	    "/api/v1/jiaoban", body, 201, &out);
	json_decref(body);
	if (rc != 0)
		return (rc);
	printf("已交办督办事项 %s：%s（任务编号 %lld，牵头处室 %s，完成时限 %s）\n", str(out, "number"),
	    str(out, "title"), (long long)json_integer_value(json_object_get(out, "id")),
	    str(out, "lead_office"), str(out, "deadline"));
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_jiaoban_create_entry = {
	.name = "jiaoban create",
	.summary = "通过 duband 交办督办事项（局办公室），列入本年度督办交办事项清单",
	.args = {
		.options = (const struct args_option[]){
			{ "title", 't', "名称", .flags = ARGS_REQUIRED, .help = "事项名称" },
			{ "basis-kind", 'k', "类别", .flags = ARGS_REQUIRED,
			  .help = "督办依据类别：批示、会议、文件或其他" },
			{ "basis", 'b', "依据", .flags = ARGS_REQUIRED,
			  .help = "督办依据，如某领导某日的批示、某次会议的议定事项" },
			{ "office", 'o', "处室", .flags = ARGS_REQUIRED, .help = "牵头处室" },
			{ "deadline", 'd', "日期", ARGS_DATE, .flags = ARGS_REQUIRED,
			  .help = "完成时限 YYYY-MM-DD" },
			{ "every", 'e', "频次", .help = "汇报频次：day（每日）、week（每周）、\n"
			  "month（每月）或 quarter（每季度）；也可写 日、周、月、季" },
			{ "person", 'p', "姓名", .help = "牵头人" },
			{ "leader", 'l', "姓名", .flags = ARGS_MULTI,
			  .help = "责任领导（可多次给出，或用“、”分隔）" },
			{ "cooperate", 'c', "处室", .flags = ARGS_MULTI,
			  .help = "配合处室（可多次给出，或用“、”分隔）" },
			{ "text", 'x', "内容", .help = "事项内容和工作要求" },
			SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_jiaoban_create,
};

static int
cmd_jiaoban_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "编号", "事项", "督办依据", "牵头处室",
	    "责任领导", "完成时限", "汇报频次", "状态", "签收" };
	struct table	*tb;
	json_t		*out = NULL, *items, *x, *v;
	char		*path, *basis, *leaders, *ack;
	size_t		 i, k;
	int		 rc;

	(void)ctx;
	path = args_has(args, "year") ? xprintf("/api/v1/jiaoban?year=%s",
	    args_get(args, "year")) : xstrdup("/api/v1/jiaoban");
	rc = api_call("GET", args_get(args, "server"), args_get(args, "token-file"), path,
	    NULL, 200, &out);
	free(path);
	if (rc != 0)
		return (rc);
	items = json_object_get(out, "items");
	if (json_array_size(items) == 0) {
		printf("%lld 年没有督办事项。\n",
		    (long long)json_integer_value(json_object_get(out, "year")));
		json_decref(out);
		return (0);
	}
	tb = table_new(9, headers, NULL);
	json_array_foreach(items, i, x) {
		const char	*cells[9];

		basis = xprintf("%s：%s", word_or(VOCAB_BASIS_KIND, str(x, "basis_kind"), "—"),
		    str(x, "basis"));
		leaders = xstrdup("");
		json_array_foreach(json_object_get(x, "leaders"), k, v) {
			char	*l = xprintf("%s%s%s", leaders, k ? "、" : "",
			    json_string_value(v));

			free(leaders);
			leaders = l;
		}
		ack = json_is_string(json_object_get(x, "acknowledged_by")) ?
		    xprintf("已签收（%s）", str(x, "acknowledged_by")) : xstrdup("未签收");
		cells[0] = str(x, "number");
		cells[1] = str(x, "title");
		cells[2] = basis;
		cells[3] = str(x, "lead_office");
		cells[4] = *leaders ? leaders : "—";
		cells[5] = str(x, "deadline");
		cells[6] = word_or(VOCAB_REPORT_EVERY, json_string_value(json_object_get(x,
		    "report_every")), "—");
		cells[7] = json_is_true(json_object_get(x, "withdrawn")) ? "已撤销" :
		    word_or(VOCAB_TASK_STATUS, json_string_value(json_object_get(x, "status")),
		    "—");
		cells[8] = ack;
		table_add(tb, cells);
		free(basis);
		free(leaders);
		free(ack);
	}
	table_print(tb, stdout);
	table_free(tb);
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_jiaoban_list_entry = {
	.name = "jiaoban list",
	.summary = "列出一年的督办交办事项（默认本年度）",
	.args = {
		.options = (const struct args_option[]){
			{ "year", 'y', "年度", ARGS_YEAR, .help = "年度，默认本年度" },
			SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_jiaoban_list,
};
