/* sentence.h - a one-sentence description of a webinar taken apart. */
#ifndef TOOLS_SENTENCE_H
#define TOOLS_SENTENCE_H

#include <jansson.h>
#include <stddef.h>

/* Reads TEXT ("Weekly product demo every Tuesday at 10am IST for 6 weeks, 45
 * minutes, hosted by Priya") and stores in *OUT a new object with what it
 * found: topic (always), when (the words left for the time phrase, e.g.
 * "at 10am"), timezone (an IANA name), duration (minutes), host (as
 * written), until (an end date phrase), count (a "for N ..." without a
 * recurrence), and recurrence {frequency: daily|weekly|monthly,
 * repeat_interval, weekly_days ("1".."7", 1 = Sunday), days (names),
 * end_times, until}. Nothing is resolved against the clock here. Returns 0,
 * or -1 with the reason in WHY (no title, too long). */
int sentence_parse(const char *text, json_t **out, char *why, size_t why_size);

#endif
