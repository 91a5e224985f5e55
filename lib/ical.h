/*
 * Calendar feeds: an office's milestones as iCalendar (RFC 5545).
 */
#ifndef DUBAN_ICAL_H
#define DUBAN_ICAL_H

#include <time.h>

#include <jansson.h>

/* The feed (the JSON of duban_feed()) as text/calendar; DTSTAMP is now. */
char	*ical_render(const json_t *feed, time_t now);

#endif
