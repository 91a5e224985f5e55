/*
 * Reminder messages: one payload (built by duban_reminders_due() in SQL)
 * rendered as plain text, HTML and Markdown.  The CLI's preview, the
 * mail, the webhooks and the tests all use these.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "percent.h"
#include "render.h"
#include "words.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
/* The same, or "" for none. */
#define SN(o, k)	(S((o), (k)) != NULL ? S((o), (k)) : "")

enum fmt {
	F_TEXT,
	F_HTML,
	F_MD
};

struct out {
	FILE		*f;
	char		*buf;
	size_t		 len;
	enum fmt	 fmt;
};

static void
out_open(struct out *o, enum fmt fmt)
{
	o->buf = NULL;
	o->len = 0;
	o->fmt = fmt;
	o->f = open_memstream(&o->buf, &o->len);
}

static char *
out_close(struct out *o)
{
	fclose(o->f);
	return (o->buf);
}

/* Text as the format needs it: HTML escaped, Markdown's specials escaped
 * (a note's link, image or HTML shows as written, lib/base/markdown.h). */
static void
put(struct out *o, const char *s)
{
	if (s == NULL)
		return;
	if (o->fmt == F_MD) {
		markdown_escape(o->f, s, NULL);
		return;
	}
	if (o->fmt != F_HTML) {
		fputs(s, o->f);
		return;
	}
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", o->f); break;
		case '<': fputs("&lt;", o->f); break;
		case '>': fputs("&gt;", o->f); break;
		case '"': fputs("&quot;", o->f); break;
		case '\n': fputs("<br>", o->f); break;
		default: fputc(*s, o->f);
		}
	}
}

static void
vputf(struct out *o, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void
putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
vputf(struct out *o, const char *fmt, va_list ap)
{
	char	*s;

	xvasprintf(&s, fmt, ap);
	put(o, s);
	free(s);
}

static void
putf(struct out *o, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vputf(o, fmt, ap);
	va_end(ap);
}

static void
para_begin(struct out *o)
{
	if (o->fmt == F_HTML)
		fputs("<p>", o->f);
}

static void
para_end(struct out *o)
{
	fputs(o->fmt == F_HTML ? "</p>\n" : "\n\n", o->f);
}

/* A paragraph of one formatted line. */
static void
paraf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
paraf(struct out *o, const char *fmt, ...)
{
	va_list	 ap;

	para_begin(o);
	va_start(ap, fmt);
	vputf(o, fmt, ap);
	va_end(ap);
	para_end(o);
}

static void
heading(struct out *o, const char *s)
{
	if (o->fmt == F_HTML) {
		fputs("<h3>", o->f);
		put(o, s);
		fputs("</h3>\n", o->f);
	} else if (o->fmt == F_MD) {
		fputs("#### ", o->f);
		put(o, s);
		fputs("\n", o->f);
	} else {
		put(o, s);
		fputs("\n", o->f);
	}
}

static void
list_begin(struct out *o)
{
	if (o->fmt == F_HTML)
		fputs("<ol>\n", o->f);
}

static void
item_begin(struct out *o, size_t n)
{
	if (o->fmt == F_HTML)
		fputs("<li>", o->f);
	else if (o->fmt == F_MD)
		fprintf(o->f, "%zu. ", n);
	else
		fprintf(o->f, "  %zu. ", n);
}

static void
item_end(struct out *o)
{
	fputs(o->fmt == F_HTML ? "</li>\n" : "\n", o->f);
}

static void
list_end(struct out *o, size_t n)
{
	if (n == 0) {
		if (o->fmt == F_HTML)
			fputs("<li>无</li>\n", o->f);
		else
			fputs(o->fmt == F_MD ? "无\n" : "  无\n", o->f);
	}
	if (o->fmt == F_HTML)
		fputs("</ol>\n", o->f);
	else
		fputs("\n", o->f);
}

const char *
render_status(const char *s)
{
	return (word_or(VOCAB_MILESTONE_STATUS, s, "—"));
}

/* 《title》（文号） */
static void
plan_ref(struct out *o, json_t *plan)
{
	putf(o, "《%s》", S(plan, "title"));
	if (S(plan, "document_number") != NULL)
		putf(o, "（%s）", S(plan, "document_number"));
}

static char *
number(json_t *v)
{
	if (v == NULL || json_is_null(v))
		return (NULL);
	return (json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10)));
}

/*
 * A task's 红黄绿灯 and 临期 (payload "light", duban_task_lights): 【黄灯】落后
 * 序时进度 18 个百分点；【临期】距完成时限还有 3 个工作日.  Nothing for a
 * payload queued before reminders carried it.
 */
static void
render_light(struct out *o, json_t *l)
{
	const char	*light = S(l, "light");
	json_t		*behind = json_object_get(l, "behind");
	json_int_t	 overdue = json_integer_value(json_object_get(l, "overdue"));

	if (light == NULL)
		return;
	para_begin(o);
	putf(o, "【%s】", word_or(VOCAB_LIGHT, light, light));
	if (strcmp(light, "red") == 0 && overdue > 0)
		putf(o, "%lld 个节点逾期未完成", (long long)overdue);
	else if ((strcmp(light, "red") == 0 || strcmp(light, "yellow") == 0) &&
	    json_is_number(behind))
		putf(o, "落后序时进度 %.0f 个百分点", json_number_value(behind));
	else if (strcmp(light, "red") == 0)
		put(o, "已过完成时限，指标尚未完成");
	else if (strcmp(light, "grey") == 0)
		put(o, "指标应报未报");
	else
		put(o, "按序时进度推进");
	if (json_is_true(json_object_get(l, "due_soon")))
		putf(o, "；【临期】距完成时限还有 %lld 个工作日",
		    (long long)json_integer_value(json_object_get(l, "days_left")));
	if (json_is_true(json_object_get(l, "unassigned")))
		put(o, "；未明确牵头处室");
	put(o, "。");
	para_end(o);
}

/* 【红灯】 before a task of a digest or summary (its "light"); nothing for
 * an item queued before they carried it. */
static void
item_light(struct out *o, json_t *it)
{
	const char	*light = S(it, "light");

	if (light != NULL)
		putf(o, "【%s】", word_or(VOCAB_LIGHT, light, light));
}

/* The tasks counted by light (payload "lights", duban_light_counts): a
 * paragraph, nothing for a payload without them. */
static void
light_counts(struct out *o, json_t *l)
{
#define L(k)	((long long)json_integer_value(json_object_get(l, (k))))
	if (!json_is_object(l))
		return;
	paraf(o, "按序时进度判定：红灯 %lld 项，黄灯 %lld 项，绿灯 %lld 项，灰灯（应报未报）%lld 项。",
	    L("red"), L("yellow"), L("green"), L("grey"));
#undef L
}

static void
render_chase(struct out *o, json_t *p)
{
	const char	*kind = S(p, "kind"), *office = S(p, "office");
	json_t		*task = json_object_get(p, "task");
	json_t		*ms = json_object_get(p, "milestone");
	json_t		*leaders = json_object_get(p, "leaders"), *l;
	json_int_t	 days = json_integer_value(json_object_get(p, "working_days"));
	size_t		 i;

	para_begin(o);
	if (strcmp(kind, "escalation") == 0) {
		json_array_foreach(leaders, i, l) {
			put(o, i ? "、" : "");
			put(o, json_string_value(l));
		}
		putf(o, "%s局办公室：", json_array_size(leaders) ? "同志、" : "");
	} else
		putf(o, "%s：", office ? office : "未明确牵头处室的任务");
	para_end(o);
	para_begin(o);
	plan_ref(o, json_object_get(p, "plan"));
	putf(o, "第 %s 项“%s”", S(task, "number"), S(task, "title"));
	if (strcmp(kind, "escalation") == 0)
		putf(o, "（牵头处室：%s）", office ? office : "未明确");
	putf(o, "的节点“%s”", S(ms, "title"));
	if (strcmp(kind, "due_soon") == 0)
		putf(o, "将于 %s 到期（还有 %lld 个工作日），目前状态：%s。请按时完成，"
		    "并及时在督办系统中更新进展。", S(ms, "due_on"), (long long)days,
		    render_status(S(ms, "status")));
	else if (strcmp(kind, "overdue") == 0)
		putf(o, "已于 %s 到期，目前尚未完成（状态：%s）。请尽快完成；确有困难的，"
		    "请说明原因并及时报告。", S(ms, "due_on"), render_status(S(ms, "status")));
	else
		putf(o, "于 %s 到期，已逾期 %lld 个工作日仍未完成（状态：%s）。请督促牵头处室"
		    "限期办结，并将办理情况报局办公室。", S(ms, "due_on"),
		    (long long)days, render_status(S(ms, "status")));
	para_end(o);
	render_light(o, json_object_get(p, "light"));
}

/* A 督办单 issued, to its 承办处室 (68-notices.sql, duban_notice_enqueue). */
static void
render_notice(struct out *o, json_t *p)
{
	json_t		*n = json_object_get(p, "notice");

	paraf(o, "%s：", SN(p, "office"));
	paraf(o, "%s于 %s 签发督办单 %s（%s督办，%s），请贵处室在督办系统中签收并按要求办理。",
	    SN(n, "issuer"), SN(n, "issued_on"), SN(n, "number"), SN(n, "colour_label"),
	    SN(n, "trigger_label"));
	paraf(o, "督办事项：%s", SN(n, "matter"));
	paraf(o, "督办依据：%s", SN(n, "basis"));
	paraf(o, "办理时限：%s 前", SN(n, "handle_by"));
	paraf(o, "反馈要求：%s", SN(n, "feedback"));
	render_light(o, json_object_get(p, "light"));
}

static void
render_digest(struct out *o, json_t *p)
{
	json_t		*a, *it;
	size_t		 i, k;
	char		*cur, *val;
	static const char *const parts[][2] = {
		{ "due", "一、本季度到期的节点" },
		{ "overdue", "二、已逾期未完成的节点" },
		{ "behind", "三、进度滞后的指标（时间过半、任务过半）" },
		{ "unreported", "四、尚未填报的指标" },
		{ "stale", "五、本季度尚无进展更新的任务" },
	};

	para_begin(o);
	putf(o, "%s：", S(p, "office"));
	para_end(o);
	para_begin(o);
	putf(o, "现将贵处室牵头的");
	plan_ref(o, json_object_get(p, "plan"));
	putf(o, "任务（%lld 项未完成）在%s的进展提示如下，请于 %s 前调度上报。",
	    (long long)json_integer_value(json_object_get(p, "tasks")),
	    S(p, "quarter_label"), S(p, "report_by"));
	para_end(o);
	light_counts(o, json_object_get(p, "lights"));
	for (k = 0; k < sizeof parts / sizeof parts[0]; k++) {
		char	*h, pc[PERCENT_LEN], pe[PERCENT_LEN];

		/* A digest queued before its payload had this part. */
		if ((a = json_object_get(p, parts[k][0])) == NULL)
			continue;
		h = xprintf("%s（%zu 项）", parts[k][1], json_array_size(a));
		heading(o, h);
		free(h);
		list_begin(o);
		json_array_foreach(a, i, it) {
			item_begin(o, i + 1);
			item_light(o, it);
			putf(o, "【%s】%s", S(it, "task"), S(it, "title"));
			if (k < 2)
				putf(o, "：%s，%s，%s", S(it, "milestone"), S(it, "due_on"),
				    render_status(S(it, "status")));
			else if (k == 2) {
				val = number(json_object_get(it, "value"));
				cur = number(json_object_get(it, "current"));
				percent_json(json_object_get(it, "completion"), pc, sizeof pc);
				percent_json(json_object_get(it, "elapsed"), pe, sizeof pe);
				putf(o, "：%s，目标 %s%s，已完成 %s%s（%s），时间已过 %s",
				    S(it, "target"), val, S(it, "unit"), cur ? cur : "未报",
				    cur ? S(it, "unit") : "", pc, pe);
				free(val);
				free(cur);
			} else if (k == 3) {
				val = number(json_object_get(it, "value"));
				putf(o, "：%s，目标 %s%s", S(it, "target"), val, S(it, "unit"));
				free(val);
			} else
				putf(o, "（完成时限 %s）", S(it, "deadline"));
			item_end(o);
		}
		list_end(o, json_array_size(a));
	}
}

static void
render_summary(struct out *o, json_t *p)
{
	json_t		*c = json_object_get(p, "counts"), *a, *it;
	size_t		 i;

#define N(k)	((long long)json_integer_value(json_object_get(c, (k))))
	para_begin(o);
	putf(o, "%s：", S(p, "office") ? S(p, "office") : "局办公室");
	para_end(o);
	para_begin(o);
	plan_ref(o, json_object_get(p, "plan"));
	putf(o, "%s汇总：共 %lld 项任务，已完成 %lld 项，按期推进 %lld 项，滞后 %lld 项，"
	    "逾期 %lld 项，未填报 %lld 项；其中未明确牵头处室 %lld 项。",
	    S(p, "quarter_label"), N("tasks"), N("done"), N("on_track"), N("behind"),
	    N("overdue"), N("unreported"), N("unassigned"));
	para_end(o);
#undef N
	light_counts(o, json_object_get(p, "lights"));
	a = json_object_get(p, "overdue");
	heading(o, "逾期任务");
	list_begin(o);
	json_array_foreach(a, i, it) {
		item_begin(o, i + 1);
		item_light(o, it);
		putf(o, "【%s】%s（%s，完成时限 %s）", S(it, "task"), S(it, "title"),
		    S(it, "office") ? S(it, "office") : "未明确牵头处室", S(it, "deadline"));
		item_end(o);
	}
	list_end(o, json_array_size(a));
	a = json_object_get(p, "unassigned");
	heading(o, "未明确牵头处室的任务");
	list_begin(o);
	json_array_foreach(a, i, it) {
		item_begin(o, i + 1);
		item_light(o, it);
		putf(o, "【%s】%s", S(it, "task"), S(it, "title"));
		item_end(o);
	}
	list_end(o, json_array_size(a));
}

/* A task's status as the reports word it. */
/* A dispatch round's request (进展调度), chase (催报) or the general
 * office's 催办 to one office. */
static void
render_dispatch(struct out *o, json_t *p)
{
	json_t		*d = json_object_get(p, "dispatch"), *a, *it, *plan;
	const char	*stage = S(p, "stage"), *req = S(d, "request");
	size_t		 i;

	para_begin(o);
	putf(o, "%s：", S(p, "office"));
	para_end(o);
	para_begin(o);
	if (stage != NULL && strcmp(stage, "late") == 0)
		putf(o, "局办公室“%s”要求于 %s 前报送进展，截至目前尚未收到贵处室的报送。"
		    "请尽快在督办系统中更新下列任务的节点和指标，并填写完成情况和取得成效。",
		    S(d, "title"), S(d, "due_on"));
	else if (stage != NULL && strcmp(stage, "urge") == 0)
		putf(o, "局办公室就“%s”催办：要求于 %s 前报送进展，贵处室尚未报送。"
		    "请抓紧在督办系统中填报下列任务的进展，经处室负责人审核后报送。",
		    S(d, "title"), S(d, "due_on"));
	else {
		putf(o, "局办公室开展“%s”，请于 %s 前在督办系统中更新贵处室牵头的", S(d, "title"),
		    S(d, "due_on"));
		json_array_foreach(json_object_get(p, "plans"), i, plan) {
			put(o, i ? "、" : "");
			plan_ref(o, plan);
		}
		put(o, "下列任务的进展（节点状态、指标完成值、完成情况和取得成效），"
		    "经处室负责人审核后报送。");
	}
	para_end(o);
	if (req != NULL) {
		para_begin(o);
		putf(o, "调度要求：%s", req);
		para_end(o);
	}
	a = json_object_get(p, "tasks");
	heading(o, "贵处室牵头的任务");
	list_begin(o);
	json_array_foreach(a, i, it) {
		item_begin(o, i + 1);
		putf(o, "【%s】%s（完成时限 %s，%s）", S(it, "label"), S(it, "title"),
		    S(it, "deadline"), word_or(VOCAB_TASK_STATUS, S(it, "status"), "—"));
		item_end(o);
	}
	list_end(o, json_array_size(a));
}

/* 上级督办下级: the city's 催办 of a county bureau that has not 报送ed
 * its part of a round, to the county's general office (70-dispatch.sql,
 * duban_county_chase_enqueue). */
static void
render_county_chase(struct out *o, json_t *p)
{
	json_t		*d = json_object_get(p, "dispatch"), *it;
	size_t		 i;

	paraf(o, "%s：", SN(p, "county"));
	paraf(o, "%s于 %s 开展“%s”，要求各县（市）区于 %s 前报送承担任务的进展。截至 %s，"
	    "贵局%s。请于 %s 前组织有关科室在督办系统中更新下列任务的节点和指标，"
	    "填写完成情况和取得成效，由局办公室汇总后报送。（第 %lld 次催办）",
	    SN(p, "city"), SN(d, "opened_on"), SN(d, "title"), SN(d, "due_on"),
	    SN(p, "send_on"), S(p, "state") != NULL && strcmp(S(p, "state"), "returned") == 0 ?
	    "报告已被退回，尚未重新报送" : "尚未报送", SN(p, "report_by"),
	    (long long)json_integer_value(json_object_get(p, "chase")));
	if (S(p, "reason") != NULL)
		paraf(o, "退回理由：%s", S(p, "reason"));
	if (S(d, "request") != NULL)
		paraf(o, "调度要求：%s", S(d, "request"));
	heading(o, "贵局承担的任务");
	list_begin(o);
	json_array_foreach(json_object_get(p, "tasks"), i, it) {
		item_begin(o, i + 1);
		putf(o, "【%s】%s（完成时限 %s，%s%s%s）", SN(it, "label"), SN(it, "title"),
		    SN(it, "deadline"), word_or(VOCAB_TASK_STATUS, S(it, "status"), "—"),
		    S(it, "office") != NULL ? "，承办科室：" : "", SN(it, "office"));
		item_end(o);
	}
	list_end(o, json_array_size(json_object_get(p, "tasks")));
}

/* 签收 not made: to the office, or (late) to the general office. */
static void
render_acknowledge(struct out *o, json_t *p)
{
	json_t		*a = json_object_get(p, "tasks"), *it;
	int		 late = strcmp(S(p, "kind"), "acknowledge_late") == 0;
	size_t		 i;

	para_begin(o);
	putf(o, "%s：", late ? "局办公室" : S(p, "office"));
	para_end(o);
	para_begin(o);
	if (late)
		putf(o, "%s 交办%s的下列 %zu 项任务，已过 %lld 个工作日仍未签收。"
		    "请督促其尽快签收并落实。", S(p, "assigned_on"), S(p, "office"),
		    json_array_size(a),
		    (long long)json_integer_value(json_object_get(p, "working_days")));
	else {
		putf(o, "%s 交办贵处室的", S(p, "assigned_on"));
		plan_ref(o, json_object_get(p, "plan"));
		putf(o, "下列 %zu 项任务，已过 %lld 个工作日尚未签收。请在督办系统中签收，"
		    "并按要求落实、报送进展。", json_array_size(a),
		    (long long)json_integer_value(json_object_get(p, "working_days")));
	}
	para_end(o);
	heading(o, late ? "未签收的任务" : "待签收的任务");
	list_begin(o);
	json_array_foreach(a, i, it) {
		item_begin(o, i + 1);
		putf(o, "【%s】%s", S(it, "number"), S(it, "title"));
		item_end(o);
	}
	list_end(o, json_array_size(a));
}

/* A 批示, to the task's lead office. */
static void
render_instruction(struct out *o, json_t *p)
{
	json_t		*task = json_object_get(p, "task");
	json_t		*in = json_object_get(p, "instruction");
	const char	*at = S(in, "at");

	para_begin(o);
	putf(o, "%s：", S(p, "office"));
	para_end(o);
	para_begin(o);
	putf(o, "%s%s于 %.10s 对贵处室牵头的", S(in, "author"),
	    strcmp(S(in, "role"), "general") == 0 ? "（局办公室）" : "同志",
	    at != NULL ? at : "");
	plan_ref(o, json_object_get(p, "plan"));
	putf(o, "第 %s 项“%s”作出批示：", S(task, "number"), S(task, "title"));
	para_end(o);
	para_begin(o);
	putf(o, "“%s”", S(in, "text"));
	para_end(o);
	para_begin(o);
	put(o, "请认真研究落实，并在督办系统中阅知、及时报送落实情况。");
	para_end(o);
}

/* Reports due by the tasks' 汇报频次, to their lead office. */
static void
render_report_due(struct out *o, json_t *p)
{
	json_t		*a = json_object_get(p, "tasks"), *it;
	size_t		 i;

	para_begin(o);
	putf(o, "%s：", S(p, "office"));
	para_end(o);
	para_begin(o);
	put(o, "按照");
	plan_ref(o, json_object_get(p, "plan"));
	putf(o, "的汇报频次要求，贵处室牵头的下列 %zu 项督办事项今日（%s）应汇报进展。"
	    "请在督办系统中更新节点和指标，并填写完成情况和取得成效。",
	    json_array_size(a), S(p, "send_on"));
	para_end(o);
	heading(o, "应汇报的督办事项");
	list_begin(o);
	json_array_foreach(a, i, it) {
		item_begin(o, i + 1);
		putf(o, "【%s】%s（%s汇报，完成时限 %s）", S(it, "number"), S(it, "title"),
		    word_or(VOCAB_REPORT_EVERY, S(it, "every"), "—"), S(it, "deadline"));
		item_end(o);
	}
	list_end(o, json_array_size(a));
}

/* 办结审核: a request, to the general office; a decision, to the lead office. */
static void
render_completion(struct out *o, json_t *p)
{
	json_t		*task = json_object_get(p, "task");
	json_t		*c = json_object_get(p, "completion");
	const char	*step = S(p, "step");

	para_begin(o);
	putf(o, "%s：", SN(p, "office"));
	para_end(o);
	para_begin(o);
	if (step != NULL && strcmp(step, "requested") == 0) {
		putf(o, "%s（%s）于 %.10s 申请办结", SN(c, "requested_office"),
		    SN(c, "requested_by"), SN(c, "requested_at"));
		plan_ref(o, json_object_get(p, "plan"));
		putf(o, "第 %s 项“%s”。办结说明：“%s”。请在督办系统中审核。", SN(task, "number"),
		    SN(task, "title"), SN(c, "note"));
	} else if (step != NULL && strcmp(step, "approved") == 0) {
		put(o, "贵处室牵头的");
		plan_ref(o, json_object_get(p, "plan"));
		putf(o, "第 %s 项“%s”，局办公室已于 %.10s 同意办结。", SN(task, "number"),
		    SN(task, "title"), SN(c, "decided_at"));
		if (S(c, "decision_reason") != NULL)
			putf(o, "审核意见：“%s”。", SN(c, "decision_reason"));
	} else {
		put(o, "贵处室牵头的");
		plan_ref(o, json_object_get(p, "plan"));
		putf(o, "第 %s 项“%s”的办结申请，局办公室已于 %.10s 退回。退回理由：“%s”。"
		    "请按意见继续落实，完成后重新申请办结。", SN(task, "number"), SN(task, "title"),
		    SN(c, "decided_at"), SN(c, "decision_reason"));
	}
	para_end(o);
}

/*
 * The calendar lacks a year it needs (duban_calendar_reminders_due), to
 * the general office, once a week until the notice is loaded.
 */
static void
render_calendar(struct out *o, json_t *p)
{
	json_t		*a = json_object_get(p, "warnings"), *it;
	size_t		 i;

	para_begin(o);
	putf(o, "%s：", SN(p, "office"));
	para_end(o);
	json_array_foreach(a, i, it) {
		para_begin(o);
		put(o, json_string_value(it));
		para_end(o);
	}
	para_begin(o);
	put(o, "导入后本提醒不再发送；导入前每周提醒一次。");
	para_end(o);
}

static char *
render(json_t *p, const char *subject, enum fmt fmt)
{
	struct out	 o;
	const char	*kind = S(p, "kind");

	out_open(&o, fmt);
	if (fmt == F_HTML) {
		fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		    "<title>", o.f);
		put(&o, subject);
		fputs("</title></head>\n<body style=\"font-family: 'Noto Sans CJK SC', "
		    "'Microsoft YaHei', sans-serif; line-height: 1.7\">\n<h2>", o.f);
		put(&o, subject);
		fputs("</h2>\n", o.f);
	} else if (fmt == F_MD) {
		fputs("### ", o.f);
		put(&o, subject);
		fputs("\n\n", o.f);
	}
	if (kind == NULL)
		;
	else if (strcmp(kind, "digest") == 0)
		render_digest(&o, p);
	else if (strcmp(kind, "summary") == 0)
		render_summary(&o, p);
	else if (strcmp(kind, "dispatch") == 0)
		render_dispatch(&o, p);
	else if (strcmp(kind, "county_chase") == 0)
		render_county_chase(&o, p);
	else if (strncmp(kind, "acknowledge", 11) == 0)
		render_acknowledge(&o, p);
	else if (strcmp(kind, "instruction") == 0)
		render_instruction(&o, p);
	else if (strcmp(kind, "report_due") == 0)
		render_report_due(&o, p);
	else if (strcmp(kind, "completion") == 0)
		render_completion(&o, p);
	else if (strcmp(kind, "calendar") == 0)
		render_calendar(&o, p);
	else if (strcmp(kind, "notice") == 0)
		render_notice(&o, p);
	else
		render_chase(&o, p);
	if (S(p, "link") != NULL) {
		if (fmt == F_HTML) {
			fputs("<p><a href=\"", o.f);
			put(&o, S(p, "link"));
			fputs("\">在督办网页上查看和更新</a></p>\n", o.f);
		} else if (fmt == F_MD)
			fprintf(o.f, "\n[在督办网页上查看和更新](%s)\n\n", S(p, "link"));
		else
			putf(&o, "\n在督办网页上查看和更新：%s\n\n", S(p, "link"));
	}
	if (fmt == F_HTML) {
		fputs("<p style=\"color: #666; font-size: smaller\">本提醒由 duban 督办系统发送，编号 ", o.f);
		put(&o, S(p, "key"));
		fputs("。</p>\n</body></html>\n", o.f);
	} else {
		fputs(fmt == F_MD ? "> " : "", o.f);
		putf(&o, "本提醒由 duban 督办系统发送，编号 %s。\n", S(p, "key"));
	}
	return (out_close(&o));
}

char *
render_text(json_t *payload, const char *subject)
{
	return (render(payload, subject, F_TEXT));
}

char *
render_html(json_t *payload, const char *subject)
{
	return (render(payload, subject, F_HTML));
}

char *
render_markdown(json_t *payload, const char *subject)
{
	return (render(payload, subject, F_MD));
}
