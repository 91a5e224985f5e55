/*
 * The XLSX report's summary sheet (总体): the report's head, then its
 * figures as formulas over the other sheets, each written with the
 * result that report-xlsx.c's totals say it computes.
 */
#include <stdio.h>
#include <stdlib.h>

#include <xlsxwriter.h>

#include "report.h"
#include "report-xlsx.h"
#include "xmalloc.h"

/* 总体: the figures, as formulas over the other sheets. */
enum { F_ITEM, F_VALUE, F_NOTE, F_NCOLS };
static const struct column summary_cols[F_NCOLS] = {
	{ "项目", 24 }, { "数值", 12 }, { "说明", 46 },
};

static void
figure_num(struct xl *x, lxw_row_t *row, const char *item, const char *formula,
    double v, lxw_format *f, const char *note)
{
	const struct sheet *sh = &x->summary;

	xlsx_put_str(x, sh, *row, F_ITEM, item, x->item);
	xlsx_put_fnum(x, sh, *row, F_VALUE, formula, f, v);
	xlsx_put_str(x, sh, *row, F_NOTE, note, x->text);
	(*row)++;
}

/* A ratio: num / den with a percent format, blank when den is 0. */
static void
figure_ratio(struct xl *x, lxw_row_t *row, const char *item, lxw_row_t num,
    lxw_row_t den, double v, int blank, const char *note)
{
	const struct sheet *sh = &x->summary;
	char		 fm[128];

	snprintf(fm, sizeof fm, "=IF(%c%u>0,%c%u/%c%u,\"\")", COL(F_VALUE),
	    (unsigned)den + 1, COL(F_VALUE), (unsigned)num + 1, COL(F_VALUE),
	    (unsigned)den + 1);
	xlsx_put_str(x, sh, *row, F_ITEM, item, x->item);
	if (blank)
		xlsx_put_fstr(x, sh, *row, F_VALUE, fm, x->percent, "");
	else
		xlsx_put_fnum(x, sh, *row, F_VALUE, fm, x->percent, v);
	xlsx_put_str(x, sh, *row, F_NOTE, note, x->text);
	(*row)++;
}

static void
section(struct xl *x, lxw_row_t *row, const char *name)
{
	xlsx_put_merged(x, &x->summary, *row, 0, F_NCOLS - 1, name, x->section);
	(*row)++;
}

/* A COUNTIF of the tasks' 状态 column. */
static void
status_figure(struct xl *x, lxw_row_t *row, const struct totals *tt,
    const char *status, long v)
{
	const char	*label = report_status_label(status);
	char		 fm[256], col[64];

	xlsx_range(col, sizeof col, SH_TASKS, T_STATUS, tt->task_last);
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")", col, label);
	figure_num(x, row, label, fm, (double)v, x->count, NULL);
}

/* A SUMIF of a milestone column over the top-level tasks. */
static void
milestone_figure(struct xl *x, lxw_row_t *row, const struct totals *tt,
    const char *item, lxw_col_t col, long v, const char *note)
{
	char		 fm[256], level[64], sum[64];

	xlsx_range(level, sizeof level, SH_TASKS, T_LEVEL, tt->task_last);
	xlsx_range(sum, sizeof sum, SH_TASKS, col, tt->task_last);
	snprintf(fm, sizeof fm, "=SUMIF(%s,\"%s\",%s)", level, LEVEL_TOP, sum);
	figure_num(x, row, item, fm, (double)v, x->count, note);
}

void
xlsx_summary_sheet(struct xl *x, const json_t *r, const struct totals *tt)
{
	const struct sheet *sh = &x->summary;
	const json_t	*period = json_object_get(r, "period");
	char		*s, *plans, fm[256], col[64], col2[64], title[256];
	char		 from[32], to[32], asof[32];
	double		 width = 0;
	lxw_row_t	 row = 0, tasks_row, done_row, ms_due_row, ms_on_time_row;
	lxw_row_t	 reported_row;
	lxw_col_t	 c;

	for (c = 0; c < F_NCOLS && x->error == LXW_NO_ERROR; c++) {
		xlsx_check(x, worksheet_set_column(sh->ws, c, c, summary_cols[c].width, NULL),
		    sh, "（列宽）", 0, 0);
		width += summary_cols[c].width;
	}

	xlsx_put_line(x, sh, row++, F_NCOLS - 1, width, S(r, "organisation"), x->org, 20);
	report_title(r, title, sizeof title);
	s = xstrdup(title);
	xlsx_put_line(x, sh, row++, F_NCOLS - 1, width / 1.5, s, x->title, 26);
	free(s);
	plans = report_plans_title(r);
	s = xprintf("计划：%s", plans);
	xlsx_put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
	free(s);
	free(plans);
	plans = report_document_numbers(r);
	if (*plans != '\0') {
		s = xprintf("文号：%s", plans);
		xlsx_put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
		free(s);
	}
	free(plans);
	report_date_cn(S(period, "from"), from, sizeof from);
	report_date_cn(S(period, "to"), to, sizeof to);
	report_date_cn(S(r, "as_of"), asof, sizeof asof);
	s = xprintf("统计期间：%s 至 %s", from, to);
	xlsx_put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
	free(s);
	s = xprintf("数据截至：%s%s", asof,
	    json_is_true(json_object_get(r, "final")) ? "" : "（本季度尚未结束）");
	xlsx_put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
	free(s);
	row++;

	for (c = 0; c < F_NCOLS; c++)
		xlsx_put_str(x, sh, row, c, summary_cols[c].head, x->head);
	row++;

	section(x, &row, "任务");
	tasks_row = row;
	xlsx_range(col, sizeof col, SH_TASKS, T_LEVEL, tt->task_last);
	snprintf(fm, sizeof fm, "=COUNTA(%s)-1", col);
	figure_num(x, &row, "任务总数", fm, (double)tt->tasks, x->count,
	    "任务表的行数，子项各占一行");
	done_row = row;
	status_figure(x, &row, tt, "done", tt->done);
	status_figure(x, &row, tt, "on_track", tt->on_track);
	status_figure(x, &row, tt, "behind", tt->behind);
	status_figure(x, &row, tt, "overdue", tt->overdue);
	status_figure(x, &row, tt, "unreported", tt->unreported);
	status_figure(x, &row, tt, "unassigned", tt->unassigned);
	figure_ratio(x, &row, "完成率", done_row, tasks_row,
	    tt->tasks > 0 ? (double)tt->done / (double)tt->tasks : 0, tt->tasks == 0,
	    "已完成 ÷ 任务总数");

	/* 红黄绿灯: a COUNTIF of the lights' words (a cell may add 临期). */
	section(x, &row, "红黄绿灯");
	{
		static const char *const lights[4] = { "green", "yellow", "red", "grey" };
		static const char *const notes[4] = { "按序时进度推进或已完成",
		    "落后序时进度超过黄灯阈值", "落后超过红灯阈值或已逾期", "应报未报（逾期未报）" };
		size_t	 k;

		xlsx_range(col, sizeof col, SH_TASKS, T_LIGHT, tt->task_last);
		for (k = 0; k < 4; k++) {
			snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s*\")", col,
			    report_light_label(lights[k]));
			figure_num(x, &row, report_light_label(lights[k]), fm,
			    (double)tt->lights[k], x->count, notes[k]);
		}
		snprintf(fm, sizeof fm, "=COUNTIF(%s,\"*" REPORT_DUE_SOON "*\")", col);
		figure_num(x, &row, REPORT_DUE_SOON, fm, (double)tt->due_soon, x->count,
		    "未完成且在临期天数内到期");
	}

	section(x, &row, "节点");
	milestone_figure(x, &row, tt, "节点总数", T_MS_TOTAL, tt->ms_total,
	    "按事项合计，子项的节点已计入其所属事项");
	ms_due_row = row;
	milestone_figure(x, &row, tt, "应完成节点", T_MS_DUE, tt->ms_due,
	    "到期日已过的节点");
	milestone_figure(x, &row, tt, "已完成节点", T_MS_DONE, tt->ms_done, NULL);
	ms_on_time_row = row;
	milestone_figure(x, &row, tt, "按时完成节点", T_MS_ON_TIME, tt->ms_on_time,
	    "在到期日前（含当日）完成");
	figure_ratio(x, &row, "按时完成率", ms_on_time_row, ms_due_row,
	    tt->ms_due > 0 ? (double)tt->ms_on_time / (double)tt->ms_due : 0,
	    tt->ms_due == 0, "按时完成节点 ÷ 应完成节点");
	milestone_figure(x, &row, tt, "逾期节点", T_MS_OVERDUE, tt->ms_overdue,
	    "已到期而未完成");
	milestone_figure(x, &row, tt, "本季度到期节点", T_MS_QUARTER, tt->ms_quarter,
	    NULL);

	section(x, &row, "指标");
	xlsx_range(col, sizeof col, SH_TARGETS, G_METHOD, tt->target_last);
	snprintf(fm, sizeof fm, "=COUNTA(%s)-1", col);
	figure_num(x, &row, "指标总数", fm, (double)tt->targets, x->count, NULL);
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")", col, METHOD_ACC);
	figure_num(x, &row, "按累计进度计算的指标", fm, (double)tt->measured,
	    x->count, "不含标准类指标（如资助标准、不超过某值）");
	reported_row = row;
	xlsx_range(col2, sizeof col2, SH_TARGETS, G_CURRENT, tt->target_last);
	snprintf(fm, sizeof fm, "=COUNTIFS(%s,\"%s\",%s,\"<>\")", col, METHOD_ACC, col2);
	figure_num(x, &row, "其中已填报", fm, (double)tt->measured_reported,
	    x->count, "按累计进度计算且已填报截至本期数值的指标");
	xlsx_range(col2, sizeof col2, SH_TARGETS, G_BEHIND, tt->target_last);
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")", col2, BEHIND);
	figure_num(x, &row, "滞后指标", fm, (double)tt->targets_behind, x->count,
	    "已填报的完成比例低于时间进度");
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")+COUNTIF(%s,\"%s\")", col2,
	    UNREPORTED, col2, LATE);
	figure_num(x, &row, "未填报指标", fm, (double)tt->targets_unreported, x->count,
	    "尚无截至本期数值，不判为滞后，不计入平均");
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")", col2, LATE);
	figure_num(x, &row, "其中逾期未报", fm, (double)tt->targets_late, x->count,
	    "报送日期（季度末或调度报送日期）已过仍未填报");
	xlsx_range(col2, sizeof col2, SH_TARGETS, G_COMPLETION,
	    tt->target_last);
	snprintf(fm, sizeof fm, "=IF(%c%u>0,AVERAGEIF(%s,\"%s\",%s),\"\")",
	    COL(F_VALUE), (unsigned)reported_row + 1, col, METHOD_ACC, col2);
	xlsx_put_str(x, sh, row, F_ITEM, "指标平均完成率", x->item);
	if (tt->measured_reported > 0)
		xlsx_put_fnum(x, sh, row, F_VALUE, fm, x->percent,
		    tt->completion_sum / (double)tt->measured_reported);
	else
		xlsx_put_fstr(x, sh, row, F_VALUE, fm, x->percent, "");
	s = xprintf("已填报 %ld/%ld：已填报的按累计进度计算的指标完成比例的平均值",
	    tt->measured_reported, tt->measured);
	xlsx_put_str(x, sh, row, F_NOTE, s, x->text);
	free(s);
	row++;

	section(x, &row, "督办");
	xlsx_range(col, sizeof col, SH_SUPERVISE, V_STATUS, tt->supervise_last);
	snprintf(fm, sizeof fm, "=COUNTA(%s)-1", col);
	figure_num(x, &row, "需督办事项", fm, (double)tt->supervise, x->count,
	    "未完成且逾期、滞后、逾期未报或未明确牵头处室");

	xlsx_print_setup(x, sh, 0, 0);
}
