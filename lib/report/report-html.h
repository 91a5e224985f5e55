/*
 * Private to the HTML report (report-html.c): the document being written
 * and what its parts share.  report-html.c writes the document and its
 * sections, report-html-chart.c the SVG charts, report-html-css.c the
 * stylesheet.
 */
#ifndef DUBAN_REPORT_HTML_H
#define DUBAN_REPORT_HTML_H

#include <stdio.h>

#include <jansson.h>

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define G(o, k)		json_object_get((o), (k))

#define SANS	"\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\"," \
		"\"SimHei\",sans-serif"
#define SERIF	"\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"Songti SC\"," \
		"\"SimSun\",serif"

/* The statuses in the order the document lists them. */
#define HTML_NSTATUSES	6
extern const char *const html_statuses[HTML_NSTATUSES];
/* A status's index in html_statuses, or -1. */
int	html_status_index(const char *);

struct html {
	FILE		*f;
	const json_t	*r;
	int		 has_asof;
	long		 asof;		/* days since 1970-01-01 */
	double		 year_share;	/* of the as-of year passed; < 0: unknown */
	int		 phones;	/* a task has a 监督电话: the column shows */
};

/* Text or an attribute value: the five specials escaped, C0 controls
 * other than tab and line breaks dropped. */
void	html_esc(FILE *, const char *);
/* Escaped text, or dflt (our own wording) when there is none. */
void	html_esc_or(FILE *, const char *, const char *dflt);
/* A JSON number as report_number words it, escaped. */
void	html_put_number(FILE *, const json_t *);
/* A JSON number that is finite: 1 and *out; 0 (and *out untouched)
 * otherwise. */
int	html_number(const json_t *, double *out);
/* A count for arithmetic: a JSON number, else 0; never below 0. */
double	html_count(const json_t *);

/* The name of the k-th column the task table shows, or NULL past the
 * last (监督电话 only with h->phones). */
const char *html_task_column(const struct html *, size_t k);

/* report-html-css.c: the stylesheet, with the running heads and feet. */
void	html_css(struct html *);

/* report-html-chart.c: horizontal bars of the status counts. */
void	html_status_chart(struct html *, const json_t *summary);
/* A task's progress cell: a bar with the time passed as a line. */
void	html_progress_cell(const struct html *, const json_t *task);
/* The lead offices' on-time and completion rates. */
void	html_office_chart(struct html *);
/* The burn-up section: its chart and its figures. */
void	html_burnup(struct html *);

#endif
