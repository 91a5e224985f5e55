/*
 * duban dispatch open | show | close | list: dispatch rounds (进展调度),
 * through duband's API: the general office asks lead offices for their
 * progress by a date; their writes in the round are their reports; late
 * offices are chased by the outbox; closing gives the 调度汇总.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "duban.h"
#include "render.h"
#include "report.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		((long long)json_integer_value(json_object_get((o), (k))))

#define API_OPTS \
	{ "server", required_argument, NULL, 'S' }, \
	{ "token-file", required_argument, NULL, 'T' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "help", no_argument, NULL, 'h' }

#define API_HELP \
	"  --server      duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080\n" \
	"  --token-file  令牌文件，默认取环境变量 DUBAN_TOKEN；发起和结束调度须局办公室\n" \
	"                （general）的令牌，查看可用任何令牌\n" \
	"  --json        以 JSON 输出\n"

/* "2012-09-10T10:00:00+08:00" -> "2012-09-10 10:00" (Beijing time). */
static const char *
when(const char *iso, char buf[17])
{
	if (iso == NULL || strlen(iso) < 16)
		return ("—");
	memcpy(buf, iso, 16);
	buf[10] = ' ';
	buf[16] = '\0';
	return (buf);
}

static void
print_round(const json_t *d)
{
	static const char *const head[] = { "处室", "牵头任务", "未完成", "报送情况",
	    "首次报送", "更新次数" };
	const json_t	*c = json_object_get(d, "counts"), *o, *p;
	const char	*cells[6];
	struct table	*t;
	char		 n1[24], n2[24], n3[24], w[17];
	size_t		 i;

	printf("调度 %lld：%s\n", N(d, "id"), S(d, "title"));
	printf("计划：");
	json_array_foreach(json_object_get(d, "plans"), i, p)
		printf("%s《%s》", i ? "、" : "", S(p, "title"));
	printf("\n报送截止：%s；%s\n", S(d, "due_on"),
	    strcmp(S(d, "state"), "open") == 0 ? "进行中" : "已结束");
	if (S(d, "request") != NULL)
		printf("要求：%s\n", S(d, "request"));
	printf("处室 %lld 个：已报送 %lld 个（其中逾期报送 %lld 个），未报送 %lld 个"
	    "（其中逾期未报 %lld 个）\n\n", N(c, "offices"), N(c, "reported"),
	    N(c, "reported_late"), N(c, "missing"), N(c, "late"));
	t = table_new(6, head, NULL);
	json_array_foreach(json_object_get(d, "offices"), i, o) {
		snprintf(n1, sizeof n1, "%lld", N(o, "tasks"));
		snprintf(n2, sizeof n2, "%lld", N(o, "open_tasks"));
		snprintf(n3, sizeof n3, "%lld", N(o, "writes"));
		cells[0] = S(o, "name");
		cells[1] = n1;
		cells[2] = n2;
		cells[3] = S(o, "state_label");
		cells[4] = when(S(o, "first_at"), w);
		cells[5] = n3;
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
}

/* A change in the summary, in a line: what, old → new, the notes. */
static void
print_change(const json_t *c)
{
	const char	*field = S(c, "field"), *old = S(c, "old"), *new = S(c, "new");
	const char	*unit = S(c, "unit");
	char		 w[17];

	printf("    %s %s：%s", when(S(c, "at"), w), S(c, "by") ? S(c, "by") : "",
	    S(c, "what") ? S(c, "what") : "");
	if (field != NULL && strcmp(field, "status") == 0)
		printf("（状态 %s → %s）", render_status(old), render_status(new));
	else if (field != NULL && strcmp(field, "current") == 0)
		printf("（完成值 %s%s → %s%s）", old ? old : "—", old && unit ? unit : "",
		    new ? new : "—", new && unit ? unit : "");
	else if (field != NULL && strcmp(field, "note") != 0)
		printf("（%s %s → %s）",
		    strcmp(field, "completed_on") == 0 ? "完成日期" : field,
		    old ? old : "—", new ? new : "—");
	if (S(c, "note") != NULL)
		printf("；完成情况：%s", S(c, "note"));
	if (S(c, "outcome") != NULL)
		printf("；取得成效：%s", S(c, "outcome"));
	printf("\n");
}

static void
print_summary(const json_t *d)
{
	const json_t	*s = json_object_get(d, "summary"), *c, *o, *t, *x;
	char		*missing, w[17];
	size_t		 i, j, k = 0;

	if (!json_is_object(s))
		return;
	c = json_object_get(s, "counts");
	printf("\n调度汇总（%s 结束；%s以来的变化）\n", when(S(s, "closed_at"), w),
	    S(s, "since") ? "上一轮调度结束" : "计划开始");
	printf("处室 %lld 个，已报送 %lld 个，未报送 %lld 个；任务 %lld 项，本轮有更新 %lld 项\n",
	    N(c, "offices"), N(c, "reported"), N(c, "missing"), N(c, "tasks"),
	    N(c, "changed"));
	json_array_foreach(json_object_get(s, "offices"), i, o) {
		if (strcmp(S(o, "state"), "pending") != 0 && strcmp(S(o, "state"), "late") != 0)
			continue;
		printf(k++ ? "、%s" : "未报送：%s", S(o, "name"));
	}
	if (k > 0)
		printf("\n");
	json_array_foreach(json_object_get(s, "tasks"), i, t) {
		if (S(t, "lead_office") == NULL)
			printf("\n【%s】%s（%s）\n", S(t, "label"), S(t, "title"),
			    report_status_label(S(t, "status")));
		else
			printf("\n【%s】%s（%s，%s）\n", S(t, "label"), S(t, "title"),
			    S(t, "lead_office"), report_status_label(S(t, "status")));
		if (json_array_size(json_object_get(t, "changes")) == 0)
			printf("  本轮更新：无\n");
		else {
			printf("  本轮更新：\n");
			json_array_foreach(json_object_get(t, "changes"), j, x)
				print_change(x);
		}
		missing = report_join(json_object_get(t, "missing"), "；");
		if (*missing != '\0')
			printf("  仍需督办：%s\n", missing);
		free(missing);
	}
}

static int
cmd_dispatch_open(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "office", required_argument, NULL, 'o' },
		{ "due", required_argument, NULL, 'd' },
		{ "title", required_argument, NULL, 't' },
		{ "request", required_argument, NULL, 'r' },
		API_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_dispatch_open_entry;
	const char		*server = NULL, *token_file = NULL;
	json_t			*body = json_object(), *plans = json_array();
	json_t			*offices = json_array(), *out;
	struct ymd		 d;
	int			 ch, rc, json = 0;

	(void)ctx;
	while ((ch = getopt_long(argc, argv, "p:o:d:t:r:S:T:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			json_array_append_new(plans, json_string(optarg));
			break;
		case 'o':
			json_array_append_new(offices, json_string(optarg));
			break;
		case 'd':
			if (date_parse_iso(optarg, &d) != 0) {
				rc = cmd_usage_error(e, "--due 的日期“%s”无效，应为 YYYY-MM-DD", optarg);
				goto out;
			}
			json_object_set_new(body, "due_on", json_string(optarg));
			break;
		case 't':
			json_object_set_new(body, "title", json_string(optarg));
			break;
		case 'r':
			json_object_set_new(body, "request", json_string(optarg));
			break;
		case 'S':
			server = optarg;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			cmd_print_help(e, stdout);
			rc = 0;
			goto out;
		default:
			rc = cmd_usage_error(e, "无效的选项");
			goto out;
		}
	}
	if (optind != argc || json_array_size(plans) == 0 ||
	    json_object_get(body, "due_on") == NULL) {
		rc = cmd_usage_error(e, "请给出 --plan（可多次）和 --due");
		goto out;
	}
	json_object_set(body, "plans", plans);
	if (json_array_size(offices) > 0)
		json_object_set(body, "offices", offices);
	if ((rc = api_call("POST", server, token_file, "/api/v1/dispatches", body, 201,
	    &out)) != 0)
		goto out;
	if (json)
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else {
		printf("已发起调度，已向各处室发出报送通知。\n\n");
		print_round(out);
	}
	json_decref(out);
out:
	json_decref(body);
	json_decref(plans);
	json_decref(offices);
	return (rc);
}

/*
 * The options of show, close and list (--server, --token-file, --json,
 * --help): -1 to go on, else the exit status to return.
 */
static int
api_flags(const struct cmd_entry *e, int argc, char **argv, const char **server,
    const char **token_file, int *json)
{
	static const struct option opts[] = { API_OPTS, { NULL, 0, NULL, 0 } };
	int	ch;

	while ((ch = getopt_long(argc, argv, "S:T:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'S':
			*server = optarg;
			break;
		case 'T':
			*token_file = optarg;
			break;
		case 'j':
			*json = 1;
			break;
		case 'h':
			cmd_print_help(e, stdout);
			return (0);
		default:
			return (cmd_usage_error(e, "无效的选项"));
		}
	}
	return (-1);
}

/* show and close: an id, the API options. */
static int
round_cmd(const struct cmd_entry *e, int close, int argc, char **argv)
{
	const char	*server = NULL, *token_file = NULL;
	char		*path;
	json_t		*out;
	int		 rc, json = 0;

	if ((rc = api_flags(e, argc, argv, &server, &token_file, &json)) >= 0)
		return (rc);
	if (optind + 1 != argc || !cmd_id_arg(argv[optind]))
		return (cmd_usage_error(e, "请给出一个调度编号（duban dispatch list）"));
	path = xprintf("/api/v1/dispatches/%s%s", argv[optind], close ? "/close" : "");
	rc = api_call(close ? "POST" : "GET", server, token_file, path, NULL, 200, &out);
	free(path);
	if (rc != 0)
		return (rc);
	if (json)
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else {
		if (close)
			printf("已结束调度。\n\n");
		print_round(out);
		print_summary(out);
	}
	json_decref(out);
	return (0);
}

static int
cmd_dispatch_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return (round_cmd(&cmd_dispatch_show_entry, 0, argc, argv));
}

static int
cmd_dispatch_close(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return (round_cmd(&cmd_dispatch_close_entry, 1, argc, argv));
}

static int
cmd_dispatch_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const char *const head[] = { "编号", "标题", "计划", "报送截止", "状态",
	    "已报送", "未报送" };
	const struct cmd_entry	*e = &cmd_dispatch_list_entry;
	const char		*server = NULL, *token_file = NULL, *cells[7];
	struct table		*t;
	json_t			*out, *d;
	char			 id[24], rep[24], mis[24], *plans;
	size_t			 i;
	int			 rc, json = 0;

	(void)ctx;
	if ((rc = api_flags(e, argc, argv, &server, &token_file, &json)) >= 0)
		return (rc);
	if (optind != argc)
		return (cmd_usage_error(e, "多余的参数“%s”", argv[optind]));
	if ((rc = api_call("GET", server, token_file, "/api/v1/dispatches", NULL, 200, &out)) != 0)
		return (rc);
	if (json) {
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(out);
		return (0);
	}
	t = table_new(7, head, NULL);
	json_array_foreach(out, i, d) {
		const json_t *c = json_object_get(d, "counts");

		snprintf(id, sizeof id, "%lld", N(d, "id"));
		snprintf(rep, sizeof rep, "%lld", N(c, "reported"));
		snprintf(mis, sizeof mis, "%lld", N(c, "missing"));
		plans = report_join(json_object_get(d, "plans"), "、");
		cells[0] = id;
		cells[1] = S(d, "title");
		cells[2] = plans;
		cells[3] = S(d, "due_on");
		cells[4] = strcmp(S(d, "state"), "open") == 0 ? "进行中" : "已结束";
		cells[5] = rep;
		cells[6] = mis;
		table_add(t, cells);
		free(plans);
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_dispatch_open_entry = {
	.name = "dispatch open",
	.usage = "--plan 计划... --due 日期 [--office 处室...] [--title 标题] "
	    "[--request 要求] [--server URL] [--token-file 文件] [--json]",
	.summary = "发起进展调度：请各牵头处室在某日前报送进展，并立即通知它们",
	.help = "  --plan        计划的键或编号，可多次给出\n"
	    "  --due         报送截止日期 YYYY-MM-DD；逾期未报的处室在其后第一个工作日收到催报\n"
	    "  --office      只调度这些处室（可多次）；默认：这些计划中尚有未完成任务的全部牵头处室\n"
	    "  --title       标题，默认“YYYY年M月进展调度”\n"
	    "  --request     调度要求（随通知发出）\n"
	    API_HELP,
	.exec = cmd_dispatch_open,
};

const struct cmd_entry cmd_dispatch_show_entry = {
	.name = "dispatch show",
	.usage = "编号 [--server URL] [--token-file 文件] [--json]",
	.summary = "显示一轮调度：各处室是否已报送、谁逾期；已结束的显示调度汇总",
	.help = API_HELP,
	.exec = cmd_dispatch_show,
};

const struct cmd_entry cmd_dispatch_close_entry = {
	.name = "dispatch close",
	.usage = "编号 [--server URL] [--token-file 文件] [--json]",
	.summary = "结束一轮调度，生成调度汇总：各任务本轮的变化和仍需督办的事项",
	.help = API_HELP,
	.exec = cmd_dispatch_close,
};

const struct cmd_entry cmd_dispatch_list_entry = {
	.name = "dispatch list",
	.usage = "[--server URL] [--token-file 文件] [--json]",
	.summary = "列出各轮调度",
	.help = API_HELP,
	.exec = cmd_dispatch_list,
};
