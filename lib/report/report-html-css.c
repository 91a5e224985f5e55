/*
 * The HTML report's stylesheet: the document laid out for A4, the wide
 * task table on landscape pages, and the running heads and feet that
 * name the organisation, the quarter and the plans' document numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report-html.h"

/*
 * The inside of a CSS string in a <style> element: quotes, backslashes,
 * line breaks and anything that could end the element (<, >, &) as hex
 * escapes.
 */
static void
css_str(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		if (strchr("\"'\\<>&", *s) != NULL || (unsigned char)*s < 0x20)
			fprintf(f, "\\%x ", (unsigned)(unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static const char style[] =
":root{--done:#1b5e20;--on:#2e7d32;--behind:#8a5a00;--over:#c62828;"
"--none:#6f6f6f;--unrep:#767676;--head:#ececec;--green:#2e7d32;--yellow:#f2c200;"
"--red:#c62828;--grey:#6f6f6f}\n"
"*{box-sizing:border-box;-webkit-print-color-adjust:exact;"
"print-color-adjust:exact}\n"
"html{font-family:" SERIF ";font-size:10.5pt;line-height:1.6;color:#000;"
"background:#fff}\n"
"body{margin:0}\n"
"h1,h2,h3,th,.fig,.sans,.doc-head .org,svg text{font-family:" SANS "}\n"
"@media screen{body{max-width:1160px;margin:0 auto;padding:24px 32px}}\n"
"@page{size:A4;margin:18mm 18mm 20mm;"
"@bottom-center{content:\"第 \" counter(page) \" 页 共 \" counter(pages) \" 页\";"
"font-family:" SERIF ";font-size:9pt;color:#222}}\n"
"@page wide{size:A4 landscape;margin:14mm 12mm 16mm}\n"
".doc-head{text-align:center;border-bottom:1.5pt solid #b3261e;"
"padding-bottom:3mm;margin-bottom:4mm}\n"
".doc-head .org{font-size:15pt;font-weight:700;letter-spacing:.35em;"
"color:#b3261e;margin-bottom:1mm}\n"
"h1{font-size:19pt;font-weight:700;margin:0 0 2mm;letter-spacing:.04em;"
"line-height:1.35}\n"
".doc-head p{margin:.5mm 0;font-size:10pt}\n"
".doc-head .running{font-weight:700}\n"
"h2{font-size:13pt;font-weight:700;margin:6mm 0 2.5mm;padding-bottom:.8mm;"
"border-bottom:.75pt solid #000;break-after:avoid;page-break-after:avoid}\n"
"h3{font-size:10.5pt;font-weight:700;margin:4mm 0 1.5mm;break-after:avoid}\n"
"p.lead{text-indent:2em;margin:0 0 3mm;text-align:justify}\n"
".figs{display:grid;grid-template-columns:repeat(8,1fr);border:.75pt solid #000;"
"margin:0 0 3mm;break-inside:avoid}\n"
".fig{text-align:center;padding:1.5mm 1mm;border-left:.5pt solid #888}\n"
".fig:first-child{border-left:0}\n"
".fig .v{display:block;font-size:16pt;font-weight:700;line-height:1.25;"
"font-variant-numeric:tabular-nums}\n"
".fig .k{display:block;font-size:8.5pt;color:#222;line-height:1.3}\n"
".overview{display:grid;grid-template-columns:42% 1fr;gap:6mm;align-items:start;"
"break-inside:avoid}\n"
".overview table{margin:0 0 2.5mm}\n"
"table{width:100%;border-collapse:collapse;font-size:9pt;line-height:1.45;"
"margin:1.5mm 0 3mm}\n"
"th,td{border:.5pt solid #555;padding:1mm 1.4mm;vertical-align:top;text-align:left}\n"
"th{background:var(--head);font-weight:700;text-align:center;vertical-align:middle}\n"
"thead{display:table-header-group}\n"
"tr{break-inside:avoid;page-break-inside:avoid}\n"
".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
".c{text-align:center}\n"
".nw{white-space:nowrap}\n"
".st{font-family:" SANS ";font-weight:700;white-space:nowrap}\n"
".st-done{color:var(--done)}.st-on_track{color:var(--on)}"
".st-behind{color:var(--behind)}.st-overdue{color:var(--over)}"
".st-unreported{color:var(--unrep)}.st-unassigned,.st-other{color:var(--none)}\n"
".fig.st-done .v{color:var(--done)}.fig.st-on_track .v{color:var(--on)}"
".fig.st-behind .v{color:var(--behind)}.fig.st-overdue .v{color:var(--over)}"
".fig.st-unreported .v{color:var(--unrep)}.fig.st-unassigned .v{color:var(--none)}\n"
".sub{display:block;font-weight:400;color:#444;font-size:.92em}\n"
".none{color:var(--none)}\n"
".bad{color:var(--over)}\n"
".warn{color:var(--behind)}\n"
".muted{color:#555}\n"
".empty{color:#333;margin:1mm 0 3mm;text-indent:2em}\n"
"section.wide{page:wide}\n"
/* 红黄绿灯: the bureau's colours, each with its word. */
".lt,.soon,.flag{display:inline-block;font-family:" SANS ";font-weight:700;"
"font-size:.9em;line-height:1.3;padding:0 .35em;border-radius:2px;white-space:nowrap;"
"margin:0 .2em .2em 0}\n"
".lt-green{background:var(--green);color:#fff}.lt-yellow{background:var(--yellow);"
"color:#000}.lt-red{background:var(--red);color:#fff}.lt-grey{background:var(--grey);"
"color:#fff}\n"
".soon{border:1pt solid var(--red);color:var(--red)}\n"
".flag{border:1pt solid #555;color:#333;font-weight:400}\n"
"td .lt,td .soon,td .flag{display:inline-block}\n"
"ul.tg .lt,ul.tg .soon{margin-left:.3em;text-indent:0}\n"
".fig.st-green .v{color:var(--green)}.fig.st-yellow .v{color:#8a5a00}"
".fig.st-red .v{color:var(--red)}.fig.st-grey .v{color:var(--grey)}"
".fig.st-soon .v{color:var(--red)}\n"
".fig.st-green{border-top:4pt solid var(--green)}.fig.st-yellow{border-top:4pt solid "
"var(--yellow)}.fig.st-red{border-top:4pt solid var(--red)}.fig.st-grey{border-top:4pt "
"solid var(--grey)}\n"
".notes{font-size:8pt;color:#444;margin:0 0 1.5mm}\n"
".notes p{margin:.5mm 0}\n"
"p.apart,p.rule{font-size:9pt;margin:1mm 0 2mm}\n"
"p.rule{color:#333}\n"
".doc-foot .sign{text-align:right;display:flex;flex-direction:column;"
"align-items:flex-end;font-size:10.5pt;color:#000}\n"
/* A phone: each task a block of labelled lines; the other tables scroll
 * sideways inside their own box. */
"@media screen and (max-width:720px){body{padding:12px 10px}"
"h1{font-size:16pt}.figs{grid-template-columns:repeat(3,1fr)}"
".fig{border-bottom:.5pt solid #888}"
".overview{grid-template-columns:1fr}"
".scroll{overflow-x:auto;max-width:100%}.scroll table{min-width:560px}"
"table.offices th,table.offices td,table.series th,table.series td{white-space:nowrap}"
".scroll table.supervise{min-width:680px}"
"table.tasks,table.tasks tbody,table.tasks tr,table.tasks td{display:block;width:auto}"
"table.tasks colgroup,table.tasks thead{display:none}"
"table.tasks{font-size:10pt;border:0}"
"table.tasks tr{border:.75pt solid #555;margin:0 0 4mm;padding:1mm 2mm}"
"table.tasks td{border:0;border-bottom:.5pt dotted #bbb;padding:1mm 0}"
"table.tasks td:last-child{border-bottom:0}"
"table.tasks td.c{text-align:left}"
"table.tasks td::before{display:block;font-family:" SANS ";font-weight:700;"
"font-size:8.5pt;color:#444}"
"table.tasks .st{white-space:nowrap}"
"ul.tg{font-size:9.5pt}"
".doc-foot{flex-direction:column}}\n"
"table.tasks{table-layout:fixed;font-size:7.8pt;line-height:1.4}\n"
"table.tasks th{font-size:7.8pt;padding:.8mm .4mm}\n"
"table.tasks .st{white-space:normal}\n"
"table.tasks td{padding:.8mm 1mm;overflow-wrap:anywhere}\n"
"table.tasks td.title{font-weight:700}\n"
"table.tasks tr.d1 td.title{padding-left:3.5mm;font-weight:400}\n"
"table.tasks tr.d2 td.title{padding-left:6mm;font-weight:400}\n"
"table.tasks tr.d1 td.lbl,table.tasks tr.d2 td.lbl{font-weight:400}\n"
"table.tasks td.lbl{font-weight:700}\n"
"table.tasks .date{font-size:7.2pt;white-space:nowrap}\n"
".goal p{margin:0 0 .8mm}\n"
"ul.tg,ul.od,ul.ext{margin:0;padding:0;list-style:none}\n"
"ul.ext li{margin-top:.6mm;font-size:.95em}\n"
"ul.tg{font-size:7.4pt;line-height:1.35}\n"
"ul.tg li{margin:0 0 .3mm;padding-left:.8em;text-indent:-.8em}\n"
"ul.tg li::before{content:\"·\";display:inline-block;width:.8em;text-indent:0}\n"
"ul.tg .tn{color:#222}\n"
"ul.tg li.behind .tp{color:var(--behind)}\n"
"ul.tg li.unreported .tp{color:var(--unrep)}ul.tg li.late .tp{color:var(--over)}\n"
"ul.od li{color:var(--over);margin-top:.6mm;font-size:.95em}\n"
"ul.evm{margin:.6mm 0 0;padding:0;list-style:none;font-size:.95em}\n"
".ev{font-size:.95em;color:#333;text-indent:0}\n"
"td.note{white-space:pre-line}\n"
"td.note p.more{margin:.3em 0 0}\n"
"svg{display:block;overflow:visible}\n"
"svg.progress{width:100%;height:9px;margin:.6mm 0 .4mm}\n"
".pl b{font-family:" SANS ";font-variant-numeric:tabular-nums}\n"
".pl .el{display:block;color:#555;font-size:.92em}\n"
".ms div{white-space:nowrap}\n"
"svg.chart{width:100%;max-width:180mm;height:auto;margin:1mm auto 2mm}\n"
"svg.status-chart{max-width:95mm}\n"
"figure{margin:0;break-inside:avoid}\n"
"figcaption{font-size:9pt;color:#333;text-align:center;margin-bottom:2mm}\n"
"table.series{font-size:8pt}\n"
"table.offices{font-size:8.5pt}\n"
"table.offices th{white-space:nowrap;padding:1mm .8mm}\n"
"table.series th,table.series td{padding:.5mm 1mm}\n"
"table.series th[scope=row]{text-align:left;white-space:nowrap}\n"
".doc-foot{margin-top:8mm;padding-top:1.5mm;border-top:.5pt solid #000;"
"font-size:9pt;color:#222;display:flex;justify-content:space-between;gap:4mm}\n";

/* Running heads and feet on every page but the first. */
static void
page_boxes(struct html *h)
{
	FILE		*f = h->f;
	char		*numbers = report_document_numbers(h->r), title[256];

	fputs("@page{@top-left{content:\"", f);
	css_str(f, S(h->r, "organisation"));
	fputs("\";font-family:" SANS ";font-size:8pt;color:#555}"
	    "@top-right{content:\"", f);
	report_title(h->r, title, sizeof title);
	css_str(f, title);
	fputs("\";font-family:" SANS ";font-size:8pt;color:#555}"
	    "@bottom-right{content:\"", f);
	css_str(f, numbers);
	free(numbers);
	fputs("\";font-family:" SERIF ";font-size:8pt;color:#555}}\n", f);
	fputs("@page:first{@top-left{content:none}@top-right{content:none}}\n", f);
}

/* On a phone, each cell of a task says what it is: its column's name. */
static void
task_labels(struct html *h)
{
	const char	*name;
	size_t		 k;

	fputs("@media screen and (max-width:720px){", h->f);
	for (k = 0; (name = html_task_column(h, k)) != NULL; k++) {
		fprintf(h->f, "table.tasks td:nth-child(%zu)::before{content:\"", k + 1);
		css_str(h->f, name);
		fputs("\"}", h->f);
	}
	fputs("}\n", h->f);
}

void
html_css(struct html *h)
{
	fputs(style, h->f);
	task_labels(h);
	page_boxes(h);
}
