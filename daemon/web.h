/*
 * The web pages: the files under web_root, read into memory (at start,
 * and on SIGHUP by the reload thread, off the loop) and served from
 * there, each text file also gzip-compressed once, at load.  The frame
 * the pages share (frame.html: head, header and navigation, footer) is
 * put into each page at load, where the page names its parts; the link
 * to the page itself is marked aria-current="page".  frame.html itself
 * is not served.
 *
 * Uses http.c to answer.  Called by server.c (load, serve as the
 * router's fallback, free) and reload.c (load on its thread).
 */
#ifndef DUBAN_WEB_H
#define DUBAN_WEB_H

#include <stddef.h>

#include "http.h"

struct web;

/*
 * Reads the pages under dir (one level of subdirectories, bounded in
 * number and size) and puts the frame into them.  Returns them, or NULL
 * with *cause (allocated): also for a page naming a part that frame.html
 * lacks, or a frame.html that cannot be read.  Touches nothing else:
 * safe on any thread.
 */
struct web	*web_load(const char *dir, char **cause);
/* Frees w (NULL is fine); bytes being sent are in evbuffers already. */
void		 web_free(struct web *);
size_t		 web_count(const struct web *);
/* A GET or HEAD of a page: answered (1), or not one of w's (0). */
int		 web_serve(const struct web *, struct req *);

#endif
