/* phrase.h - times in everyday words ("tomorrow 3pm", "next monday 10:00",
 * "in 2 hours", "Dec 3 at 9:30am") and time-zone names ("IST", "PT",
 * "London"), resolved against the clock and the zone database, so that a
 * language model never does date or daylight-saving arithmetic itself. */
#ifndef TOOLS_PHRASE_H
#define TOOLS_PHRASE_H

#include <stddef.h>
#include <stdint.h>

typedef struct phrase_time {
  int64_t utc;       /* the instant, UTC epoch seconds */
  char utc_text[24]; /* "2026-12-01T20:00:00Z" */
  char local[24];    /* "2026-12-01T15:00:00": the wall clock in the zone */
  char reading[192]; /* how the phrase was read, for the person */
} phrase_time;

/* Reads TEXT as a time in ZONE (an IANA name) at NOW (UTC epoch seconds).
 * Accepts ISO 8601 (with Z or an offset: an instant; without: local to ZONE)
 * and everyday phrases: today, tomorrow, weekdays ("friday", "next monday",
 * "this thu"), month days ("Dec 3", "3rd of December 2027"), the Nth weekday of a
 * month ("the first Monday of March", "last Friday of next month"; a month without a
 * year is the next one whose day is still ahead), ISO dates, "in
 * N minutes|hours|days|weeks", and times ("3pm", "9:30am", "15:00", "noon",
 * "midnight"), in either order, with "at", "on" and commas as filler.
 * "friday" is the coming Friday (today when the time is still ahead);
 * "next friday" is the first Friday after today.
 * Returns 0 with OUT filled; -1 with the reason in WHY when the text is not
 * understood, names no time of day, is ambiguous (a bare "at 3", "03/04", a
 * local time that happens twice when clocks go back), lies in the past, or
 * does not exist (a daylight-saving gap). The reason shows the closest
 * reading when there is one. */
int phrase_parse(const char *text, const char *zone, int64_t now, phrase_time *out, char *why,
                 size_t why_size);

/* One clock word ("3pm", "9:30am", "15:00", "noon"; lower case) as minutes after midnight in
 * *MINUTES: 1 when TOK is a time, 0 when it is not (a bare "3" is not), -1 when it is
 * malformed ("13pm"). */
int phrase_clock(const char *tok, int *minutes);

/* "first".."fifth" and "1st".."5th" (lower case) as 1..5, "last" as -1; 0 for any other
 * word. */
int phrase_ordinal(const char *word);

/* Resolves a time-zone name: an IANA name ("Asia/Kolkata", any case), a
 * common abbreviation ("IST", "PT", "CET") or a city ("London", "new york",
 * "Mumbai"). Writes the IANA name to OUT. Returns 0 when the name is an IANA
 * name, 1 when it was mapped (NOTE then says how, e.g. that IST was read as
 * India rather than Israel or Ireland), or -1 when unknown (WHY names the
 * closest IANA names). NOTE and WHY may be NULL. */
int zone_resolve(const char *name, char *out, size_t size, char *note, size_t note_size, char *why,
                 size_t why_size);

#endif
