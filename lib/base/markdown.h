/*
 * User text inside Markdown: the quarterly report's Markdown
 * (lib/report/report.c) and the robots' messages (lib/remind/render.c)
 * write what users typed through markdown_escape, so that it shows as
 * written: no links, images, raw HTML, emphasis, headings or lists come
 * out of a note.  Backslash escapes are CommonMark's (and GitHub's,
 * WeCom's and DingTalk's renderers are CommonMark-like).
 */
#ifndef DUBAN_MARKDOWN_H
#define DUBAN_MARKDOWN_H

#include <stdio.h>

/*
 * Writes s to f with a backslash before each of \ ` * _ [ ] ( ) < > | ~ !
 * and # + - = . when they could start a block (at the start of s or of a
 * line, after spaces, or after a number for "1.").  newline, when not NULL, replaces each line break ("<br>" in a
 * table cell); carriage returns are dropped.
 */
void	markdown_escape(FILE *f, const char *s, const char *newline);

#endif
