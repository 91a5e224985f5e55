/*
 * Reminder messages rendered from their payload (see render.c).
 * Each returns an allocated string.
 */
#ifndef DUBAN_RENDER_H
#define DUBAN_RENDER_H

#include <jansson.h>

char		*render_text(json_t *payload, const char *subject);
char		*render_html(json_t *payload, const char *subject);
char		*render_markdown(json_t *payload, const char *subject);
/* A milestone status in Chinese. */
const char	*render_status(const char *);

#endif
