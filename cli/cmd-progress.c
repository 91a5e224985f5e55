/*
 * duban milestone update | target set: progress, written through duband's
 * API so that the daemon's rules (who may change what) and its history
 * apply to the command line as to every other client.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "duban.h"
#include "xmalloc.h"

static const char *const status_zh[][2] = {
	{ "pending", "未开始" }, { "in_progress", "进行中" },
	{ "done", "已完成" }, { "blocked", "受阻" },
};

static const char *
zh_status(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof status_zh / sizeof status_zh[0]; i++)
		if (strcmp(s, status_zh[i][0]) == 0)
			return (status_zh[i][1]);
	return (s ? s : "—");
}

/* Options both commands take. */
#define COMMON_OPTS \
	{ "note", required_argument, NULL, 'n' }, \
	{ "outcome", required_argument, NULL, 'O' }, \
	{ "if-match", required_argument, NULL, 'm' }, \
	{ "server", required_argument, NULL, 'S' }, \
	{ "token-file", required_argument, NULL, 'T' }, \
	{ "help", no_argument, NULL, 'h' }

static int
cmd_milestone_update(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "completed-on", required_argument, NULL, 'c' },
		{ "evidence-url", required_argument, NULL, 'u' },
		COMMON_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_milestone_update_entry;
	const char		*server = NULL, *token_file = NULL;
	json_t			*body = json_object(), *out = NULL;
	struct ymd		 d;
	char			*path;
	int			 ch, rc;

	(void)ctx;
	while ((ch = getopt_long(argc, argv, "s:c:u:n:O:m:S:T:h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			json_object_set_new(body, "status", json_string(optarg));
			break;
		case 'c':
			if (date_parse_iso(optarg, &d) != 0) {
				json_decref(body);
				return (cmd_usage_error(e, "--completed-on 的日期“%s”无效", optarg));
			}
			json_object_set_new(body, "completed_on", json_string(optarg));
			break;
		case 'u':
			json_object_set_new(body, "evidence_url", json_string(optarg));
			break;
		case 'n':
			json_object_set_new(body, "note", json_string(optarg));
			break;
		case 'O':
			json_object_set_new(body, "outcome", json_string(optarg));
			break;
		case 'm':
			json_object_set_new(body, "version",
			    json_integer(strtoll(optarg, NULL, 10)));
			break;
		case 'S':
			server = optarg;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'h':
			cmd_print_help(e, stdout);
			json_decref(body);
			return (0);
		default:
			json_decref(body);
			return (cmd_usage_error(e, "无效的选项"));
		}
	}
	if (optind + 1 != argc || !cmd_id_arg(argv[optind])) {
		json_decref(body);
		return (cmd_usage_error(e, "请给出一个节点编号"));
	}
	if (json_object_size(body) == 0) {
		json_decref(body);
		return (cmd_usage_error(e, "没有要修改的内容（--status、--note 等）"));
	}
	path = xprintf("/api/v1/milestones/%s", argv[optind]);
	rc = api_call("PATCH", server, token_file, path, body, 200, &out);
	free(path);
	json_decref(body);
	if (rc != 0)
		return (rc);
	printf("节点 %s（%s）已更新：%s%s%s，版本 %lld\n", argv[optind],
	    json_string_value(json_object_get(out, "title")),
	    zh_status(json_string_value(json_object_get(out, "status"))),
	    json_is_string(json_object_get(out, "completed_on")) ? "，完成于 " : "",
	    json_is_string(json_object_get(out, "completed_on")) ?
	    json_string_value(json_object_get(out, "completed_on")) : "",
	    (long long)json_integer_value(json_object_get(out, "version")));
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_milestone_update_entry = {
	.name = "milestone update",
	.usage = "编号 [--status 状态] [--completed-on 日期] [--note 完成情况] [--outcome 取得成效] "
	    "[--evidence-url 链接] [--if-match 版本] [--server URL] [--token-file 文件]",
	.summary = "通过 duband 更新节点的进展（写入进度历史）",
	.help = "  --status         pending（未开始）、in_progress（进行中）、done（已完成）、blocked（受阻）\n"
	    "  --completed-on   完成日期 YYYY-MM-DD；状态为 done 而不写时取今天\n"
	    "  --note           完成情况；--outcome 取得成效\n"
	    "  --if-match       读取时的版本；若他人已修改，拒绝写入（退出码 75）\n"
	    "  --server         duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080\n"
	    "  --token-file     令牌文件；默认取环境变量 DUBAN_TOKEN\n",
	.exec = cmd_milestone_update,
};

static int
cmd_target_set(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_target_set_entry;
	const char		*server = NULL, *token_file = NULL;
	json_t			*body = json_object(), *out = NULL, *num;
	json_error_t		 jerr;
	char			*path, *shown;
	int			 ch, rc;

	(void)ctx;
	while ((ch = getopt_long(argc, argv, "n:O:m:S:T:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			json_object_set_new(body, "note", json_string(optarg));
			break;
		case 'O':
			json_object_set_new(body, "outcome", json_string(optarg));
			break;
		case 'm':
			json_object_set_new(body, "version",
			    json_integer(strtoll(optarg, NULL, 10)));
			break;
		case 'S':
			server = optarg;
			break;
		case 'T':
			token_file = optarg;
			break;
		case 'h':
			cmd_print_help(e, stdout);
			json_decref(body);
			return (0);
		default:
			json_decref(body);
			return (cmd_usage_error(e, "无效的选项"));
		}
	}
	if (optind + 2 != argc || !cmd_id_arg(argv[optind])) {
		json_decref(body);
		return (cmd_usage_error(e, "请给出指标编号和当前完成值"));
	}
	num = json_loads(argv[optind + 1], JSON_DECODE_ANY, &jerr);
	if (num == NULL || !json_is_number(num)) {
		json_decref(num);
		json_decref(body);
		return (cmd_usage_error(e, "当前完成值“%s”应为数字", argv[optind + 1]));
	}
	json_object_set_new(body, "current", num);
	path = xprintf("/api/v1/targets/%s", argv[optind]);
	rc = api_call("PATCH", server, token_file, path, body, 200, &out);
	free(path);
	json_decref(body);
	if (rc != 0)
		return (rc);
	shown = json_dumps(json_object_get(out, "current"), JSON_ENCODE_ANY);
	printf("指标 %s（%s）当前完成值 %s%s（目标 %g%s），版本 %lld\n", argv[optind],
	    json_string_value(json_object_get(out, "name")), shown,
	    json_string_value(json_object_get(out, "unit")),
	    json_number_value(json_object_get(out, "value")),
	    json_string_value(json_object_get(out, "unit")),
	    (long long)json_integer_value(json_object_get(out, "version")));
	free(shown);
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_target_set_entry = {
	.name = "target set",
	.usage = "编号 数值 [--note 完成情况] [--outcome 取得成效] [--if-match 版本] [--server URL] [--token-file 文件]",
	.summary = "通过 duband 设置指标的当前完成值（写入进度历史）",
	.help = "  编号             指标编号（duban task show 的指标列表）\n"
	    "  数值             当前完成值，按指标的单位（如 3000、95.5）\n"
	    "  --note           完成情况；--outcome 取得成效\n"
	    "  --if-match       读取时的版本；若他人已修改，拒绝写入（退出码 75）\n"
	    "  --server         duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080\n"
	    "  --token-file     令牌文件；默认取环境变量 DUBAN_TOKEN\n",
	.exec = cmd_target_set,
};
