#include <stdio.h>
#include <string.h>

#include "markdown.h"

void
markdown_escape(FILE *f, const char *s, const char *newline)
{
	int	 bol = 1;	/* at the beginning of a line (spaces aside) */
	int	 digits = 0;	/* a line that begins with digits, so far */

	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n') {
			fputs(newline ? newline : "\n", f);
			bol = 1;
			digits = 0;
			continue;
		}
		if (bol && (*s == ' ' || *s == '\t')) {
			fputc(*s, f);
			continue;
		}
		if (bol && *s >= '0' && *s <= '9') {
			fputc(*s, f);
			digits = 1;
			continue;
		}
		if (strchr("\\`*_[]()<>|~!", *s) != NULL ||
		    (bol && !digits && strchr("#+-=", *s) != NULL) ||
		    (bol && digits && (*s == '.' || *s == ')')))
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
		bol = 0;
		digits = 0;
	}
}
