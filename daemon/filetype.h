/*
 * What an evidence file is, decided from its content (libmagic), never
 * from its name alone: PDF, OFD, Word/WPS (doc, docx, wps), Excel/WPS
 * (xls, xlsx, et), JPEG and PNG are taken, when the name's suffix agrees
 * with the content; anything else is refused with a message that says
 * what the file was found to be.
 *
 * filetype_check is safe on worker threads (one libmagic handle behind a
 * lock); it reads only the file's first bytes (FILETYPE_HEAD).  Calls
 * nothing of the daemon's.
 */
#ifndef DUBAN_FILETYPE_H
#define DUBAN_FILETYPE_H

#include <stddef.h>

/* How much of a file's beginning the check needs. */
#define FILETYPE_HEAD	(64 * 1024)

/* Loads libmagic's database.  0, or -1 with *cause (allocated). */
int	filetype_init(char **cause);
void	filetype_end(void);

/*
 * The MIME type of a file named name whose first len bytes are head
 * (all of it when shorter than FILETYPE_HEAD): 0 with *mime (allocated),
 * or -1 with *cause (allocated, Chinese, for the uploader).
 */
int	filetype_check(const unsigned char *head, size_t len, const char *name,
	    char **mime, char **cause);

#endif
