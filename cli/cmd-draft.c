/*
 * duban plan draft DOC [-o OUT.yaml]: a plan file drafted from a
 * document's text (UTF-8 text or DOCX), for a person to review; see
 * draft.h and docs/plan-format.md, "从文件起草".  No database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "docx.h"
#include "draft.h"
#include "duban.h"
#include "hash.h"
#include "xmalloc.h"

#define DOC_MAX		(32u << 20)	/* bytes of a document read */

/* The whole file, refused above DOC_MAX before it is read. */
static char *
slurp(const char *path, size_t *len, char **cause)
{
	FILE		*f;
	struct stat	 st;
	char		*buf;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) != 0) {
		*cause = xprintf("无法打开 %s：%s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return (NULL);
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > DOC_MAX) {
		*cause = S_ISREG(st.st_mode) ?
		    xprintf("%s 过大：%lld 字节，上限 %u 字节", path,
		    (long long)st.st_size, DOC_MAX) :
		    xprintf("%s 不是普通文件", path);
		fclose(f);
		return (NULL);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	*len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		*cause = xprintf("无法读取 %s：%s", path, strerror(errno));
		fclose(f);
		free(buf);
		return (NULL);
	}
	fclose(f);
	return (buf);
}

static int
cmd_plan_draft(struct cmd_ctx *ctx, struct args *args)
{
	const char		*path = args_value(args, 0);
	const char		*outp = args_get(args, "output");
	const char		*base;
	char			*buf, *text, *cause = NULL, sha[SHA256_HEX_LEN + 1];
	size_t			 len, tlen;
	struct draft_opts	 o;
	struct draft		 dr;
	struct ymd		 today;
	int			 unsupported, rc = 0;
	FILE			*f;

	(void)ctx;
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	if ((buf = slurp(path, &len, &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_NOINPUT);
	}
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	text = docx_document_text(base, buf, len, &tlen, &unsupported, &cause);
	sha256_hex(buf, len, sha);
	free(buf);
	if (text == NULL) {
		fprintf(stderr, "duban：%s：%s\n", path, cause);
		free(cause);
		return (EXIT_DATAERR);
	}
	clock_date(clock_now(), &today);
	memset(&o, 0, sizeof o);
	o.file = base;
	o.sha256 = sha;
	o.year = today.y;
	if (draft_make(text, tlen, &o, &dr, &cause) != 0) {
		fprintf(stderr, "duban：%s：%s\n", path, cause);
		free(cause);
		free(text);
		return (EXIT_DATAERR);
	}
	free(text);
	if (outp != NULL) {
		if ((f = fopen(outp, "wx")) == NULL) {
			fprintf(stderr, "duban：无法创建 %s：%s%s\n", outp,
			    strerror(errno), errno == EEXIST ?
			    "（不覆盖已有文件）" : "");
			draft_free(&dr);
			return (EXIT_CANTCREAT);
		}
	} else
		f = stdout;
	if (fwrite(dr.yaml, 1, dr.len, f) != dr.len || fflush(f) != 0)
		rc = EXIT_CANTCREAT;
	if (f != stdout && fclose(f) != 0)
		rc = EXIT_CANTCREAT;
	if (rc != 0) {
		fprintf(stderr, "duban：无法写入 %s：%s\n",
		    outp ? outp : "标准输出", strerror(errno));
		if (outp != NULL)
			unlink(outp);
	} else
		fprintf(stderr, "duban：已起草 %zu 项任务，%zu 处待核对%s%s\n",
		    dr.tasks, dr.checks, outp ? "：" : "", outp ? outp : "");
	draft_free(&dr);
	return (rc);
}

const struct cmd_entry cmd_plan_draft_entry = {
	.name = "plan draft",
	.summary = "从文件（UTF-8 文本或 DOCX）起草计划文件；推测之处标“# 待核对”，核对后再 plan check、plan load",
	.args = {
		.options = (const struct args_option[]){
			{ "output", 'o', "文件",
			  .help = "写入文件（不覆盖已有文件）；默认写到标准输出" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "文件" }, { NULL } },
		.wrong = "请给出一个文件（.txt 或 .docx）",
	},
	.exec = cmd_plan_draft,
};
