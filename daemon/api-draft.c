/*
 * Plan drafts (lib/plan/draft.h, docs/plan-format.md "从文件起草"):
 *   POST /api/v1/plans/draft?name=FILE
 *          the document as the body (at most max_plan_body bytes): a
 *          .docx (lib/sheet/docx.h) or UTF-8 text, by the name's
 *          extension (without one, by its first bytes).  Read and drafted
 *          on a worker; answers {"yaml": the plan draft, "checks": how
 *          many 待核对, "tasks": how many tasks}, or a problem: 400 (not
 *          UTF-8, damaged, nothing numbered), 413 (too large), 415 (.doc,
 *          .pdf and other kinds not read).  Nothing is stored: the page
 *          shows the draft for editing, then previews and loads it.
 * The general office's only.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "api.h"
#include "clock.h"
#include "config.h"
#include "docx.h"
#include "draft.h"
#include "hash.h"
#include "work.h"
#include "xmalloc.h"

struct draft_job {
	struct req	*r;
	char		*doc;
	size_t		 len;
	char		*name;
	int		 year;
	/* What the worker made. */
	struct draft	 dr;
	int		 status;	/* 0: drafted */
	char		*cause;
};

static void
job_free(struct draft_job *j)
{
	free(j->doc);
	free(j->name);
	draft_free(&j->dr);
	free(j->cause);
	free(j);
}

static void
draft_run(void *arg)
{
	struct draft_job	*j = arg;
	struct draft_opts	 o;
	char			*text, sha[SHA256_HEX_LEN + 1];
	size_t			 tlen;
	int			 unsupported;

	text = docx_document_text(j->name, j->doc, j->len, &tlen,
	    &unsupported, &j->cause);
	sha256_hex(j->doc, j->len, sha);
	free(j->doc);
	j->doc = NULL;
	if (text == NULL) {
		j->status = unsupported ? 415 : 400;
		return;
	}
	if (tlen > DRAFT_MAX_INPUT) {
		j->cause = xprintf("文件的文字 %zu 字节，超过起草的上限 %u 字节",
		    tlen, DRAFT_MAX_INPUT);
		j->status = 413;
		free(text);
		return;
	}
	memset(&o, 0, sizeof o);
	o.file = j->name;
	o.sha256 = sha;
	o.year = j->year;
	if (draft_make(text, tlen, &o, &j->dr, &j->cause) != 0)
		j->status = 400;
	free(text);
}

static void
draft_done(void *arg)
{
	struct draft_job	*j = arg;
	struct req		*r = j->r;
	json_t			*answer;
	char			*body;

	if (j->status == 415)
		http_problem(r, 415, "不支持的文件类型", j->cause, "name", NULL);
	else if (j->status == 413)
		http_problem(r, 413, "文件过大", j->cause, NULL, NULL);
	else if (j->status != 0)
		http_problem(r, 400, "无法从文件起草计划", j->cause, "file", NULL);
	else {
		answer = json_pack("{s:s%, s:I, s:I}", "yaml", j->dr.yaml,
		    j->dr.len, "checks", (json_int_t)j->dr.checks, "tasks",
		    (json_int_t)j->dr.tasks);
		body = json_dumps(answer, JSON_COMPACT);
		http_reply_json(r, 200, body, NULL);
		free(body);
		json_decref(answer);
	}
	job_free(j);
}

/* A file's name: no path, no control characters, at most 255 bytes. */
static int
name_ok(const char *s)
{
	if (strlen(s) > 255 || strpbrk(s, "/\\") != NULL)
		return (0);
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return (0);
	return (1);
}

static void
draft_post(struct req *r)
{
	static const char *const allowed[] = { "name", NULL };
	const struct api *api = r->app;
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->ev);
	size_t		 len = evbuffer_get_length(in);
	const char	*name;
	struct draft_job *j;
	char		*msg;

	if (http_query_only(r, allowed) != 0)
		return;
	name = http_query_arg(r, "name");
	if (name != NULL && !name_ok(name)) {
		http_problem(r, 400, "请求参数有误",
		    "name 应为文件名（不含路径和控制字符，至多 255 字节）", "name",
		    NULL);
		return;
	}
	if (len == 0) {
		http_problem(r, 400, "请上传文件", "请求体为空：请上传 DOCX 或 "
		    "UTF-8 编码的 TXT 文件", "file", NULL);
		return;
	}
	if (len > (size_t)api->cfg->max_plan_body) {
		msg = xprintf("文件 %zu 字节，上限为 %d 字节", len,
		    api->cfg->max_plan_body);
		http_problem(r, 413, "文件过大", msg, NULL, NULL);
		free(msg);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->r = r;
	j->name = xstrdup(name != NULL ? name : "");
	clock_today(r->today);
	j->year = atoi(r->today);	/* for a document that names none */
	j->len = len;
	j->doc = xmalloc(len + 1);
	evbuffer_copyout(in, j->doc, len);
	j->doc[len] = '\0';
	if (work_submit(api->work, draft_run, draft_done, j) != 0) {
		job_free(j);
		http_unavailable(r, "正在处理的文件过多，请稍后再试");
	}
}

const struct route api_draft_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/plans/draft", ROLE_GENERAL, draft_post, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
