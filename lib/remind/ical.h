/*
 * Calendar feeds: an office's milestones as iCalendar (RFC 5545).
 */
#ifndef DUBAN_ICAL_H
#define DUBAN_ICAL_H

#include <time.h>

#include <jansson.h>

/*
 * The feed (the JSON of duban_feed()) as text/calendar; DTSTAMP is now.
 * With a base URL (the site serving the pages, no trailing slash), each
 * event links to its task's page; NULL for no links.
 */
char	*ical_render(const json_t *feed, time_t now, const char *base);

#endif
