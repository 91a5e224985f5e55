/*
 * Options and operands from a table: see args.h.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "date.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

/* getopt_long's value for an option without a short form. */
#define LONG_ONLY	256

struct args_given {
	int		 opt;		/* index in spec->options */
	const char	*value;		/* NULL for a flag */
};

struct args {
	const struct args_spec	*spec;
	struct args_given	*given;
	int			 ngiven;
	char *const		*operands;	/* into argv */
	int			 noperands;
};

static const struct args_option	no_options[] = { { NULL } };
static const struct args_operand no_operands[] = { { NULL } };

static const struct args_option *
options_of(const struct args_spec *spec)
{
	return (spec->options != NULL ? spec->options : no_options);
}

static const struct args_operand *
operands_of(const struct args_spec *spec)
{
	return (spec->operands != NULL ? spec->operands : no_operands);
}

static int
count_options(const struct args_option *o)
{
	int	 n = 0;

	while (o[n].name != NULL)
		n++;
	return (n);
}

/* ---------------------------------------------------------------- */
/* Checking values */

static int
check_kind(enum args_kind kind, const char *const *choices, const char *s)
{
	struct ymd	 d;
	char		*end;
	size_t		 i;

	switch (kind) {
	case ARGS_TEXT:
		return (1);
	case ARGS_DATE:
		return (date_parse_iso(s, &d) == 0);
	case ARGS_ID:
		return (strtoll(s, &end, 10) > 0 && *end == '\0');
	case ARGS_YEAR:
		return (strtol(s, &end, 10) >= 2000 && *end == '\0');
	case ARGS_CHOICE:
		for (i = 0; choices != NULL && choices[i] != NULL; i++)
			if (strcmp(s, choices[i]) == 0)
				return (1);
		return (0);
	}
	return (0);
}

/* "html、xlsx、csv": the choices, for a message. */
static char *
join_choices(const char *const *choices)
{
	char	*s = xstrdup(""), *n;
	size_t	 i;

	for (i = 0; choices != NULL && choices[i] != NULL; i++) {
		n = xprintf("%s%s%s", s, i ? "、" : "", choices[i]);
		free(s);
		s = n;
	}
	return (s);
}

/*
 * Why s is not of its kind; what names it: "--due 的日期" for an option,
 * the operand's name for an operand.
 */
static char *
kind_error(enum args_kind kind, const char *const *choices, const char *what,
    const char *s)
{
	char	*list, *msg;

	switch (kind) {
	case ARGS_DATE:
		return (xprintf("%s“%s”无效，应为 YYYY-MM-DD", what, s));
	case ARGS_ID:
		return (xprintf("%s“%s”应为正整数", what, s));
	case ARGS_YEAR:
		return (xprintf("%s“%s”无效，应为 2000 年以后的年份", what, s));
	case ARGS_CHOICE:
		list = join_choices(choices);
		msg = xprintf("%s“%s”无效（%s）", what, s, list);
		free(list);
		return (msg);
	case ARGS_TEXT:
		break;
	}
	return (xprintf("%s“%s”无效", what, s));
}

static const char *
kind_noun(enum args_kind kind)
{
	switch (kind) {
	case ARGS_DATE:
		return ("日期");
	case ARGS_YEAR:
		return ("年份");
	default:
		return ("值");
	}
}

/* ---------------------------------------------------------------- */
/* Parsing */

/* The option whose getopt value is val, or -1. */
static int
option_by_val(const struct args_option *o, int val)
{
	int	 i;

	for (i = 0; o[i].name != NULL; i++)
		if ((o[i].letter != 0 ? o[i].letter : LONG_ONLY + i) == val)
			return (i);
	return (-1);
}

/* Why getopt_long refused argv[optind - 1] (or a letter in it). */
static char *
refusal(const struct args_option *o, int ch, int argc, char **argv)
{
	char		*typed, *names = NULL, *n;
	size_t		 len;
	int		 i, k, matches = 0;

	if (ch != '?' && ch != ':')	/* a letter of optstring's own */
		return (xprintf("未知的选项“-%c”", ch));
	if ((k = option_by_val(o, optopt)) != -1) {
		if (ch == ':')
			return (xprintf("选项“--%s”需要一个值（%s）", o[k].name,
			    o[k].value));
		return (xprintf("选项“--%s”不接受值", o[k].name));
	}
	if (optopt == 'h')
		return (xprintf("选项“--help”不接受值"));
	/*
	 * A byte of a multibyte character is never the last of its word,
	 * so getopt is still on that word: name all of it.
	 */
	if ((optopt < 0 || optopt >= 0x80) && optind < argc)
		return (xprintf("未知的选项“%s”", argv[optind]));
	if (optopt < 0 || optopt >= 0x80)
		return (xprintf("未知的选项“%s”", argv[optind - 1]));
	if (optopt != 0)
		return (xprintf("未知的选项“-%c”", optopt));

	/* A long option: unknown, or a prefix of several. */
	len = strcspn(argv[optind - 1], "=");
	typed = xstrndup(argv[optind - 1], len);
	for (i = 0; len > 2 && o[i].name != NULL; i++) {
		if (strncmp(o[i].name, typed + 2, len - 2) != 0)
			continue;
		n = xprintf("%s%s--%s", names ? names : "", names ? "、" : "",
		    o[i].name);
		free(names);
		names = n;
		matches++;
	}
	if (matches > 1)
		n = xprintf("选项“%s”有歧义（%s）", typed, names);
	else
		n = xprintf("未知的选项“%s”", typed);
	free(names);
	free(typed);
	return (n);
}

/* The operands against spec: NULL when right, else why not. */
static char *
check_operands(const struct args_spec *spec, char *const *v, int n)
{
	const struct args_operand	*op = operands_of(spec), *d;
	char				*syn, *msg;
	int				 nop = 0, lower, upper, i;

	while (op[nop].name != NULL)
		nop++;
	lower = nop;
	upper = nop > 0 && (op[nop - 1].flags & ARGS_MULTI) ? -1 : nop;
	if (upper != -1 && n > upper)
		return (spec->wrong != NULL ? xstrdup(spec->wrong) :
		    xprintf("多余的参数“%s”", v[upper]));
	if (n < lower) {
		if (spec->wrong != NULL)
			return (xstrdup(spec->wrong));
		syn = args_synopsis(&(struct args_spec){ .operands = op });
		msg = xprintf("请给出参数：%s", syn);
		free(syn);
		return (msg);
	}
	for (i = 0; i < n; i++) {
		d = &op[i < nop ? i : nop - 1];
		if (check_kind(d->kind, NULL, v[i]))
			continue;
		if (spec->wrong != NULL)
			return (xstrdup(spec->wrong));
		return (kind_error(d->kind, NULL, d->name, v[i]));
	}
	return (NULL);
}

/* The required and one-of options: NULL when right, else why not. */
static char *
check_required(const struct args_spec *spec, const struct args *a)
{
	const struct args_option	*o = options_of(spec);
	char				*names = NULL, *n;
	int				 i, groups = 0, given = 0;

	for (i = 0; o[i].name != NULL; i++) {
		if ((o[i].flags & ARGS_REQUIRED) && !args_has(a, o[i].name)) {
			if (o[i].missing != NULL)
				return (xstrdup(o[i].missing));
			return (xprintf("请用 --%s 指定%s", o[i].name,
			    o[i].value != NULL ? o[i].value : ""));
		}
		if ((o[i].flags & ARGS_ONE_OF) == 0)
			continue;
		groups++;
		given += args_has(a, o[i].name) > 0;
		n = xprintf("%s%s--%s", names ? names : "", names ? " 或 " : "",
		    o[i].name);
		free(names);
		names = n;
	}
	if (groups > 0 && given != 1) {
		n = spec->wrong != NULL ? xstrdup(spec->wrong) :
		    xprintf("请给出 %s 之一", names);
		free(names);
		return (n);
	}
	free(names);
	return (NULL);
}

enum args_result
args_parse(const struct args_spec *spec, int argc, char **argv, int flags,
    struct args **out, char **cause)
{
	const struct args_option	*o = options_of(spec);
	struct option			*lo;
	struct args			*a;
	char				*optstring, *p, *what;
	int				 n = count_options(o), i, k, ch;

	*out = NULL;
	*cause = NULL;
	lo = xcalloc((size_t)n + 2, sizeof *lo);
	p = optstring = xmalloc(3 * (size_t)n + 4);
	if (flags & ARGS_STOP)
		*p++ = '+';
	*p++ = ':';
	for (i = 0; i < n; i++) {
		if (o[i].letter == 'h' || strcmp(o[i].name, "help") == 0)
			fatalx("args: --help is every table's own");
		lo[i].name = o[i].name;
		lo[i].has_arg = o[i].value != NULL ? required_argument : no_argument;
		lo[i].val = o[i].letter != 0 ? o[i].letter : LONG_ONLY + i;
		if (o[i].letter == 0)
			continue;
		*p++ = (char)o[i].letter;
		if (o[i].value != NULL)
			*p++ = ':';
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	*p++ = 'h';
	*p = '\0';

	a = xcalloc(1, sizeof *a);
	a->spec = spec;
	optind = 0;		/* glibc: start afresh, whatever came before */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, optstring, lo, NULL)) != -1) {
		if (ch == 'h') {
			free(lo);
			free(optstring);
			args_free(a);
			return (ARGS_HELP);
		}
		if (ch == '?' || ch == ':' || (k = option_by_val(o, ch)) == -1) {
			*cause = refusal(o, ch, argc, argv);
			break;
		}
		if (o[k].value != NULL && !check_kind(o[k].kind, o[k].choices,
		    optarg)) {
			what = xprintf("--%s 的%s", o[k].name, kind_noun(o[k].kind));
			*cause = kind_error(o[k].kind, o[k].choices, what, optarg);
			free(what);
			break;
		}
		a->given = xreallocarray(a->given, (size_t)a->ngiven + 1,
		    sizeof *a->given);
		a->given[a->ngiven].opt = k;
		a->given[a->ngiven].value = o[k].value != NULL ? optarg : NULL;
		a->ngiven++;
	}
	free(lo);
	free(optstring);
	if (*cause == NULL) {
		a->operands = argv + optind;
		a->noperands = argc - optind;
		if ((flags & ARGS_STOP) == 0 &&
		    (*cause = check_operands(spec, a->operands, a->noperands)) == NULL)
			*cause = check_required(spec, a);
	}
	if (*cause != NULL) {
		args_free(a);
		return (ARGS_ERROR);
	}
	*out = a;
	return (ARGS_OK);
}

void
args_free(struct args *a)
{
	if (a == NULL)
		return;
	free(a->given);
	free(a);
}

/* ---------------------------------------------------------------- */
/* Accessors */

static int
option_index(const struct args *a, const char *name)
{
	const struct args_option	*o = options_of(a->spec);
	int				 i;

	for (i = 0; o[i].name != NULL; i++)
		if (strcmp(o[i].name, name) == 0)
			return (i);
	fatalx("args: no option --%s in this table", name);
}

int
args_has(const struct args *a, const char *name)
{
	int	 k = option_index(a, name), i, n = 0;

	for (i = 0; i < a->ngiven; i++)
		n += a->given[i].opt == k;
	return (n);
}

const char *
args_get(const struct args *a, const char *name)
{
	int	 k = option_index(a, name), i;

	for (i = a->ngiven - 1; i >= 0; i--)
		if (a->given[i].opt == k)
			return (a->given[i].value);
	return (NULL);
}

const char *
args_nth(const struct args *a, const char *name, int n)
{
	int	 k = option_index(a, name), i;

	for (i = 0; i < a->ngiven; i++)
		if (a->given[i].opt == k && n-- == 0)
			return (a->given[i].value);
	return (NULL);
}

const char *
args_at(const struct args *a, int i, const char **name)
{
	const struct args_given	*g;

	if (i < 0 || i >= a->ngiven)
		return (NULL);
	g = &a->given[i];
	*name = options_of(a->spec)[g->opt].name;
	return (g->value != NULL ? g->value : "");
}

int
args_count(const struct args *a)
{
	return (a->noperands);
}

const char *
args_value(const struct args *a, int i)
{
	if (i < 0 || i >= a->noperands)
		return (NULL);
	return (a->operands[i]);
}

char *const *
args_values(const struct args *a)
{
	return (a->operands);
}

/* ---------------------------------------------------------------- */
/* Usage and help */

/* s, a space and word (s is freed; word is not). */
static char *
append(char *s, const char *word)
{
	char	*n = xprintf("%s%s%s", s, *s != '\0' ? " " : "", word);

	free(s);
	return (n);
}

/* "文件..." */
static char *
operand_label(const struct args_operand *op)
{
	return (xprintf("%s%s", op->name, (op->flags & ARGS_MULTI) ? "..." : ""));
}

/* "--plan 计划..." or "--json". */
static char *
option_words(const struct args_option *o)
{
	if (o->value == NULL)
		return (xprintf("--%s", o->name));
	return (xprintf("--%s %s%s", o->name, o->value,
	    (o->flags & ARGS_MULTI) ? "..." : ""));
}

/* "(--plan 计划... | --org 单位)": the options of which one is needed. */
static char *
one_of(const struct args_option *o)
{
	char	*s = xstrdup("("), *w, *n;
	int	 i;

	for (i = 0; o[i].name != NULL; i++) {
		if ((o[i].flags & ARGS_ONE_OF) == 0)
			continue;
		w = option_words(&o[i]);
		n = xprintf("%s%s%s", s, s[1] != '\0' ? " | " : "", w);
		free(w);
		free(s);
		s = n;
	}
	n = xprintf("%s)", s);
	free(s);
	return (n);
}

char *
args_synopsis(const struct args_spec *spec)
{
	const struct args_operand	*op = operands_of(spec);
	const struct args_option	*o = options_of(spec);
	char				*s = xstrdup(""), *w, *n;
	int				 i, grouped = 0;

	for (i = 0; op[i].name != NULL; i++) {
		w = operand_label(&op[i]);
		s = append(s, w);
		free(w);
	}
	for (i = 0; o[i].name != NULL; i++) {
		if (o[i].flags & ARGS_ONE_OF) {
			/* Shown together, where the first of them is. */
			if (grouped++ == 0) {
				w = one_of(o);
				s = append(s, w);
				free(w);
			}
			continue;
		}
		w = option_words(&o[i]);
		if (o[i].flags & ARGS_REQUIRED)
			s = append(s, w);
		else {
			n = xprintf("[%s]", w);
			s = append(s, n);
			free(n);
		}
		free(w);
	}
	if (spec->input != NULL)
		s = append(s, spec->input);
	return (s);
}

/* The left column of an option's help line: "-p, --plan 计划". */
static char *
option_label(const struct args_option *o)
{
	char	*w = option_words(&(struct args_option){ .name = o->name,
	    .value = o->value }), *s;

	if (o->letter != 0)
		s = xprintf("-%c, %s", o->letter, w);
	else
		s = xprintf("    %s", w);
	free(w);
	return (s);
}

/* One aligned line, its help continued under itself after each '\n'. */
static void
print_line(FILE *f, const char *label, size_t width, const char *help)
{
	size_t	 pad = width - utf8_width(label), len;

	fprintf(f, "  %s%*s  ", label, (int)pad, "");
	while ((len = strcspn(help, "\n")) < strlen(help)) {
		fprintf(f, "%.*s\n%*s", (int)len, help, (int)width + 4, "");
		help += len + 1;
	}
	fprintf(f, "%s\n", help);
}

/* The i-th line of the option list: the table's options, then --help. */
static const struct args_option *
option_line(const struct args_option *o, int i)
{
	static const struct args_option	 help = { .name = "help", .letter = 'h',
	    .help = "显示本说明" };
	int				 n = count_options(o);

	if (i < n)
		return (&o[i]);
	return (i == n ? &help : NULL);
}

void
args_print_help(const struct args_spec *spec, const char *title, FILE *f)
{
	const struct args_operand	*op = operands_of(spec);
	const struct args_option	*o = options_of(spec), *line;
	char				*label;
	size_t				 width = 0, w;
	int				 i, n = 0;

	for (i = 0; op[i].name != NULL; i++) {
		if (op[i].help == NULL)
			continue;
		label = operand_label(&op[i]);
		if ((w = utf8_width(label)) > width)
			width = w;
		free(label);
		n++;
	}
	for (i = 0; (line = option_line(o, i)) != NULL; i++) {
		label = option_label(line);
		if ((w = utf8_width(label)) > width)
			width = w;
		free(label);
	}
	if (n > 0) {
		fprintf(f, "\n参数：\n");
		for (i = 0; op[i].name != NULL; i++) {
			if (op[i].help == NULL)
				continue;
			label = operand_label(&op[i]);
			print_line(f, label, width, op[i].help);
			free(label);
		}
	}
	fprintf(f, "\n%s：\n", title);
	for (i = 0; (line = option_line(o, i)) != NULL; i++) {
		label = option_label(line);
		print_line(f, label, width, line->help != NULL ? line->help : "");
		free(label);
	}
}
