/*
 * duban report fill | upload: the XLSX 填报表 through duband, for
 * scripts: GET and POST /api/v1/offices/{office}/report.xlsx
 * (daemon/api-fill.c), so that the same reader, checks and SQL function
 * (duban_api_office_batch) serve the pages, the API and the CLI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "duban.h"
#include "fill.h"
#include "xmalloc.h"

/* The route for office (escaped) and an optional round. */
static char *
fill_url(const char *server, const char *office, const char *dispatch)
{
	char	*esc = curl_easy_escape(NULL, office, 0), *url;

	url = xprintf("%s/api/v1/offices/%s/report.xlsx%s%s", api_server(server),
	    esc, dispatch != NULL ? "?dispatch=" : "", dispatch != NULL ? dispatch : "");
	curl_free(esc);
	return (url);
}

/* The file at path, at most max bytes; NULL with *cause. */
static char *
read_bounded(const char *path, size_t max, size_t *lenp, char **cause)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	size_t	 len;

	if (f == NULL) {
		*cause = xprintf("无法打开 %s：%s", path, strerror(errno));
		return (NULL);
	}
	buf = xmalloc(max + 1);
	len = fread(buf, 1, max + 1, f);
	if (ferror(f) || len > max) {
		*cause = ferror(f) ? xprintf("无法读取 %s：%s", path, strerror(errno)) :
		    xprintf("%s 超过 %zu 字节，不像填报表", path, max);
		fclose(f);
		free(buf);
		return (NULL);
	}
	fclose(f);
	*lenp = len;
	return (buf);
}

/* A problem answer's exit code, after printing it (and each cell). */
static int
fill_problem(long status, const char *buf, size_t len)
{
	json_error_t	 jerr;
	json_t		*p = buf != NULL ? json_loadb(buf, len, 0, &jerr) : NULL;
	const json_t	*e;
	size_t		 i, n;
	int		 rc;

	rc = api_problem_exit(status, p);
	n = json_array_size(json_object_get(p, "errors"));
	if (n > 1)
		json_array_foreach(json_object_get(p, "errors"), i, e)
			fprintf(stderr, "  %s\n", json_string_value(json_object_get(e,
			    "detail")));
	json_decref(p);
	return (rc);
}

static int
cmd_report_fill(struct cmd_ctx *ctx, struct args *args)
{
	const char	*out = args_get(args, "output");
	char		*token, *url, *buf = NULL, *cause;
	size_t		 len;
	long		 status = 0;
	FILE		*f;
	int		 rc;

	(void)ctx;
	if ((token = api_token(args_get(args, "token-file"), &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_CONFIG);
	}
	url = fill_url(args_get(args, "server"), args_get(args, "office"),
	    args_get(args, "dispatch"));
	rc = api_transfer("GET", url, token, NULL, NULL, 0, FILL_CONTENT_TYPE
	    ", application/problem+json", &status, &buf, &len, &cause);
	free(url);
	free(token);
	if (rc != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_UNAVAIL);
	}
	if (status != 200) {
		rc = fill_problem(status, buf, len);
		free(buf);
		return (rc);
	}
	if ((f = fopen(out, "wb")) == NULL || fwrite(buf, 1, len, f) != len ||
	    fclose(f) != 0) {
		fprintf(stderr, "duban：无法写入 %s：%s\n", out, strerror(errno));
		free(buf);
		return (EXIT_CANTCREAT);
	}
	free(buf);
	printf("填报表已保存到 %s（%zu 字节）\n", out, len);
	return (0);
}

static int
cmd_report_upload(struct cmd_ctx *ctx, struct args *args)
{
	const char	*file = args_value(args, 0);
	const char	*office = args_get(args, "office");
	char		*token, *url, *buf = NULL, *xlsx, *cause, id[24];
	size_t		 len, xlen;
	long		 status = 0;
	long long	 oid;
	json_error_t	 jerr;
	json_t		*ans;
	int		 rc;

	(void)ctx;
	if ((xlsx = read_bounded(file, FILL_MAX_UPLOAD, &xlen, &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_NOINPUT);
	}
	if (office == NULL) {
		/* The office the workbook was made for: its 标识 sheet. */
		if ((oid = fill_office(xlsx, xlen)) < 0) {
			fprintf(stderr, "duban：%s 不是本系统导出的填报表，"
			    "或请用 --office 指定处室\n", file);
			free(xlsx);
			return (EXIT_DATAERR);
		}
		snprintf(id, sizeof id, "%lld", oid);
		office = id;
	}
	if ((token = api_token(args_get(args, "token-file"), &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		free(xlsx);
		return (EXIT_CONFIG);
	}
	url = fill_url(args_get(args, "server"), office, args_get(args, "dispatch"));
	rc = api_transfer("POST", url, token, FILL_CONTENT_TYPE, xlsx, xlen,
	    "application/json", &status, &buf, &len, &cause);
	free(url);
	free(token);
	free(xlsx);
	if (rc != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_UNAVAIL);
	}
	if (status != 200) {
		rc = fill_problem(status, buf, len);
		free(buf);
		return (rc);
	}
	ans = json_loadb(buf != NULL ? buf : "", len, 0, &jerr);
	free(buf);
	if (args_has(args, "json")) {
		json_dumpf(ans, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
	} else
		printf("%s填报表已上传：%lld 行中 %lld 行有改动，已保存 %lld 行（草稿）\n",
		    json_string_value(json_object_get(json_object_get(ans, "office"),
		    "name")),
		    (long long)json_integer_value(json_object_get(ans, "rows")),
		    (long long)json_integer_value(json_object_get(ans, "changed")),
		    (long long)json_integer_value(json_object_get(ans, "saved")));
	json_decref(ans);
	return (0);
}

const struct cmd_entry cmd_report_fill_entry = {
	.name = "report fill",
	.summary = "通过 duband 下载处室的 XLSX 填报表（离线用 Excel、WPS 填写后用 report upload 上传）",
	.args = {
		.options = (const struct args_option[]){
			{ "office", 'o', "处室", .flags = ARGS_REQUIRED,
			  .help = "处室名称、简称或编号" },
			{ "dispatch", 'd', "编号", ARGS_ID,
			  .help = "这轮调度的填报表（只含其计划的任务）" },
			{ "output", 'O', "文件", .flags = ARGS_REQUIRED,
			  .help = "保存到的文件，如 填报表.xlsx" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_report_fill,
};

const struct cmd_entry cmd_report_upload_entry = {
	.name = "report upload",
	.summary = "通过 duband 上传填好的 XLSX 填报表，存为处室的草稿（有误则逐格指出，整表不保存）",
	.args = {
		.options = (const struct args_option[]){
			{ "office", 'o', "处室",
			  .help = "处室名称、简称或编号（默认取填报表所属的处室）" },
			{ "dispatch", 'd', "编号", ARGS_ID,
			  .help = "核对填报表属于这轮调度" },
			{ "json", 'j', NULL, .help = "以 JSON 输出应答" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "文件", .help = "填好的填报表（.xlsx）" }, { NULL } },
		.wrong = "请给出一个填报表文件",
	},
	.exec = cmd_report_upload,
};
