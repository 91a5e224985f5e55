/*
 * A command's options and operands, declared once as a table and parsed in
 * one place: the table gives getopt_long its option string, the usage line
 * and the help, and the checks every command shares (an unknown option, a
 * missing value, a value that is not a date, the number of operands, a
 * required option) happen here with one message each.  args.c knows
 * nothing of the commands; cmd.c prints what it reports.
 */
#ifndef DUBAN_ARGS_H
#define DUBAN_ARGS_H

#include <stdio.h>

/* How a value (of an option or an operand) is checked. */
enum args_kind {
	ARGS_TEXT = 0,		/* anything */
	ARGS_DATE,		/* YYYY-MM-DD, a real date */
	ARGS_ID,		/* a record number: a positive integer */
	ARGS_YEAR,		/* a year, 2000 or later */
	ARGS_CHOICE,		/* one of .choices */
};

/* Option and operand flags. */
#define ARGS_REQUIRED	0x1	/* the option must be given */
#define ARGS_MULTI	0x2	/* may be given more than once (shown "...") */
#define ARGS_ONE_OF	0x4	/* exactly one of the options so flagged */

struct args_option {
	const char		 *name;		/* long form, no "--"; NULL ends */
	int			  letter;	/* short form, or 0 for none */
	const char		 *value;	/* the value's name; NULL: a flag */
	enum args_kind		  kind;
	const char *const	 *choices;	/* ARGS_CHOICE: NULL-terminated */
	int			  flags;
	const char		 *help;		/* Chinese; '\n' continues it */
	const char		 *missing;	/* ARGS_REQUIRED and absent; NULL:
						   "请用 --NAME 指定VALUE" */
};

struct args_operand {
	const char		 *name;		/* "编号"; NULL ends */
	enum args_kind		  kind;
	int			  flags;	/* ARGS_MULTI: one or more */
	const char		 *help;		/* NULL: not listed in the help */
};

struct args_spec {
	const struct args_option	*options;	/* NULL: only --help */
	const struct args_operand	*operands;	/* NULL: none */
	/*
	 * The message when the operands are wrong (too few, too many, or
	 * not of their kind) and when the ARGS_ONE_OF options are not
	 * exactly one; NULL for the generic ones.
	 */
	const char			*wrong;
	const char			*input;	/* read on stdin, "< 令牌", or NULL */
};

/* Every table accepts -h and --help in addition to its own options. */
enum args_result {
	ARGS_OK,		/* parsed: use the accessors */
	ARGS_HELP,		/* --help was given: show the help */
	ARGS_ERROR,		/* *cause says what is wrong */
};

/* args_parse flags. */
#define ARGS_STOP	0x1	/* stop at the first operand (no permuting) */

struct args;

/*
 * Parses argv[1..argc) (argv[0] is the command's name) against spec.  On
 * ARGS_OK, *out holds the result, to free with args_free; otherwise *out
 * is NULL and, on ARGS_ERROR, *cause holds an allocated message (Chinese,
 * naming the option or the operand).  With ARGS_STOP the operands are
 * everything from the first word that is not an option, unchecked.  Values
 * point into argv.
 */
enum args_result args_parse(const struct args_spec *spec, int argc,
		    char **argv, int flags, struct args **out, char **cause);
void		 args_free(struct args *);

/*
 * The accessors take an option by its long name; a name the table does
 * not have is a programming error and aborts.
 */
/* How many times the option was given. */
int		 args_has(const struct args *, const char *name);
/* Its value the last time it was given, or NULL. */
const char	*args_get(const struct args *, const char *name);
/* Its value the n-th time (from 0) it was given, or NULL. */
const char	*args_nth(const struct args *, const char *name, int n);
/*
 * The i-th option given (from 0), in command-line order: returns its value
 * ("" for a flag) and sets *name to its long name; NULL past the end.
 */
const char	*args_at(const struct args *, int i, const char **name);
/* The operands. */
int		 args_count(const struct args *);
const char	*args_value(const struct args *, int i);
char *const	*args_values(const struct args *);

/* "编号 [--json]": the operands and options, for a usage line; allocated. */
char		*args_synopsis(const struct args_spec *);
/*
 * The aligned list of operands (those with help) under "参数：" and of
 * options (with --help) under "TITLE：", each after a blank line.
 */
void		 args_print_help(const struct args_spec *, const char *title,
		    FILE *);

#endif
