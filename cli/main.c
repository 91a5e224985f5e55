/*
 * duban: the command-line tool.  `duban [options] GROUP ACTION [options]
 * [operands]`: the options before the command are parsed here, the words
 * find the command in cmd.c's table, which parses and runs it.
 */
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "log.h"

/* The options before the command. */
static const struct args_spec main_args = {
	.options = (const struct args_option[]){
		{ "db", 0, "连接串",
		  .help = "PostgreSQL 连接串（libpq conninfo），默认取环境变量 DUBAN_DB" },
		{ "verbose", 'v', NULL, .help = "输出更多信息" },
		{ "version", 0, NULL, .help = "显示版本" },
		{ NULL }
	},
};

static void
usage(FILE *f)
{
	fprintf(f, "用法：duban [--db 连接串] [-v] 命令 [选项] [参数]\n\n");
	cmd_print_list(f);
	args_print_help(&main_args, "全局选项（写在命令之前）", f);
	fprintf(f, "\n每个命令都接受 --help；duban help 命令、duban 命令组 --help 也显示说明。\n"
	    "详见 duban(1)、duban-plan(5)。\n");
}

static int
is_help(const char *word)
{
	return (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0);
}

int
main(int argc, char **argv)
{
	const struct cmd_entry	*e;
	struct cmd_ctx		 ctx = { NULL, "duban" };
	struct args		*args;
	char			*cause, **words;
	int			 n, verbose, help = 0;

	/* Options before the command only: the command's own come after. */
	switch (args_parse(&main_args, argc, argv, ARGS_STOP, &args, &cause)) {
	case ARGS_HELP:
		usage(stdout);
		return (0);
	case ARGS_ERROR:
		fprintf(stderr, "duban：%s\n\n", cause);
		free(cause);
		usage(stderr);
		return (EXIT_USAGE);
	case ARGS_OK:
		break;
	}
	if (args_has(args, "version")) {
		args_free(args);
		printf("duban %s\n", DUBAN_VERSION);
		return (0);
	}
	ctx.db = args_get(args, "db");
	verbose = args_has(args, "verbose");
	n = args_count(args);
	words = argv + argc - n;	/* the operands are argv's last n */
	args_free(args);
	log_init("duban", LOG_MODE_CLI, verbose);

	if (n >= 1 && strcmp(words[0], "help") == 0) {
		help = 1;
		words++;
		n--;
		if (n == 0) {
			usage(stdout);
			return (0);
		}
	}
	if (n < 1) {
		usage(stderr);
		return (EXIT_USAGE);
	}
	if (!cmd_group_known(words[0])) {
		fprintf(stderr, "duban：未知命令“%s%s%s”\n\n", words[0],
		    n >= 2 ? " " : "", n >= 2 ? words[1] : "");
		usage(stderr);
		return (EXIT_USAGE);
	}
	/* "duban plan --help", "duban help plan"; "duban plan" is an error. */
	if (n == 1 || is_help(words[1])) {
		if (help || n >= 2) {
			cmd_print_group(words[0], stdout);
			return (0);
		}
		fprintf(stderr, "duban：请在“%s”之后给出操作\n\n", words[0]);
		cmd_print_group(words[0], stderr);
		return (EXIT_USAGE);
	}
	if ((e = cmd_find(words[0], words[1])) == NULL) {
		fprintf(stderr, "duban：未知命令“%s %s”：%s 没有这个操作\n\n",
		    words[0], words[1], words[0]);
		cmd_print_group(words[0], stderr);
		return (EXIT_USAGE);
	}
	if (help) {
		cmd_print_help(e, stdout);
		return (0);
	}
	/* The command sees argv from its action word. */
	return (cmd_exec(e, &ctx, n - 1, words + 1));
}
