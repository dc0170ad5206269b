/* test_phrase.c - times in everyday words and time-zone names: a table of
 * phrases resolved at a fixed "now" (Monday 2026-11-30 14:00 UTC) in zones
 * with and without daylight saving, and the errors for what is ambiguous,
 * past, or does not exist. The expected instants were worked out
 * independently of this code (with another language's zone database). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tools/phrase.h"

#define NOW 1796047200 /* 2026-11-30T14:00:00Z, a Monday */

typedef struct good {
  const char *text, *zone, *utc;
} good;

static const good goods[] = {
    {"tomorrow 3pm", "America/New_York", "2026-12-01T20:00:00Z"},
    {"tomorrow at 3pm", "America/New_York", "2026-12-01T20:00:00Z"},
    {"Tomorrow 3 PM", "America/New_York", "2026-12-01T20:00:00Z"},
    {"tomorrow 15:00", "America/New_York", "2026-12-01T20:00:00Z"},
    {"3pm tomorrow", "America/New_York", "2026-12-01T20:00:00Z"},
    {"tomorrow at noon", "America/New_York", "2026-12-01T17:00:00Z"},
    {"tomorrow midnight", "America/New_York", "2026-12-01T05:00:00Z"},
    {"tmrw 9:30am", "America/New_York", "2026-12-01T14:30:00Z"},
    {"today 5pm", "America/New_York", "2026-11-30T22:00:00Z"},
    {"today at 09:30", "America/New_York", "2026-11-30T14:30:00Z"},
    {"5pm", "America/New_York", "2026-11-30T22:00:00Z"},
    {"at 11:15pm", "America/New_York", "2026-12-01T04:15:00Z"},
    {"noon", "America/New_York", "2026-11-30T17:00:00Z"},
    {"tonight 8pm", "America/New_York", "2026-12-01T01:00:00Z"},
    {"day after tomorrow 10am", "America/New_York", "2026-12-02T15:00:00Z"},
    {"next monday 10:00", "America/New_York", "2026-12-07T15:00:00Z"},
    {"next monday at 10am", "America/New_York", "2026-12-07T15:00:00Z"},
    {"monday 10am", "America/New_York", "2026-11-30T15:00:00Z"},
    {"monday 8am", "America/New_York", "2026-12-07T13:00:00Z"},
    {"this monday 11am", "America/New_York", "2026-11-30T16:00:00Z"},
    {"next tuesday 9am", "America/New_York", "2026-12-01T14:00:00Z"},
    {"tuesday 9am", "America/New_York", "2026-12-01T14:00:00Z"},
    {"friday at noon", "America/New_York", "2026-12-04T17:00:00Z"},
    {"Friday at noon", "America/New_York", "2026-12-04T17:00:00Z"},
    {"fri 4:45pm", "America/New_York", "2026-12-04T21:45:00Z"},
    {"on friday at 4:45 pm", "America/New_York", "2026-12-04T21:45:00Z"},
    {"next friday 2pm", "America/New_York", "2026-12-04T19:00:00Z"},
    {"wednesday 13:00", "America/New_York", "2026-12-02T18:00:00Z"},
    {"wed 1pm", "America/New_York", "2026-12-02T18:00:00Z"},
    {"thursday 7am", "America/New_York", "2026-12-03T12:00:00Z"},
    {"thurs 7am", "America/New_York", "2026-12-03T12:00:00Z"},
    {"saturday 10:30", "America/New_York", "2026-12-05T15:30:00Z"},
    {"sunday 6pm", "America/New_York", "2026-12-06T23:00:00Z"},
    {"next sunday 6pm", "America/New_York", "2026-12-06T23:00:00Z"},
    {"Dec 3 at 9:30am", "America/New_York", "2026-12-03T14:30:00Z"},
    {"dec 3 9:30am", "America/New_York", "2026-12-03T14:30:00Z"},
    {"December 3rd at 9:30am", "America/New_York", "2026-12-03T14:30:00Z"},
    {"3 December 14:00", "America/New_York", "2026-12-03T19:00:00Z"},
    {"3rd of December at 2pm", "America/New_York", "2026-12-03T19:00:00Z"},
    {"Dec 3, 2026 9:30am", "America/New_York", "2026-12-03T14:30:00Z"},
    {"December 25 2027 10am", "America/New_York", "2027-12-25T15:00:00Z"},
    {"Jan 5 10am", "America/New_York", "2027-01-05T15:00:00Z"},
    {"january 5th at 10:00", "America/New_York", "2027-01-05T15:00:00Z"},
    {"Nov 30 5pm", "America/New_York", "2026-11-30T22:00:00Z"},
    {"Nov 29 5pm", "America/New_York", "2027-11-29T22:00:00Z"},
    {"feb 29 2028 noon", "America/New_York", "2028-02-29T17:00:00Z"},
    {"sept 9 9am", "America/New_York", "2027-09-09T13:00:00Z"},
    {"2026-12-01 15:00", "America/New_York", "2026-12-01T20:00:00Z"},
    {"2026-12-01T15:00:00", "America/New_York", "2026-12-01T20:00:00Z"},
    {"2026-12-01 at 3pm", "America/New_York", "2026-12-01T20:00:00Z"},
    {"13/12 10am", "America/New_York", "2026-12-13T15:00:00Z"},
    {"12/13 10am", "America/New_York", "2026-12-13T15:00:00Z"},
    {"Tuesday Dec 1 3pm", "America/New_York", "2026-12-01T20:00:00Z"},
    {"in 2 days 10am", "America/New_York", "2026-12-02T15:00:00Z"},
    {"in 3 days", "America/New_York", "2026-12-03T14:00:00Z"},
    {"in 1 week", "America/New_York", "2026-12-07T14:00:00Z"},
    {"in two weeks at 11am", "America/New_York", "2026-12-14T16:00:00Z"},
    {"next week 10am", "America/New_York", "2026-12-07T15:00:00Z"},
    {"March 14 2027 3:30am", "America/New_York", "2027-03-14T07:30:00Z"},
    {"March 14 2027 1:30am", "America/New_York", "2027-03-14T06:30:00Z"},
    {"March 13 2027 2:30am", "America/New_York", "2027-03-13T07:30:00Z"},
    {"2027-03-14 12:00", "America/New_York", "2027-03-14T16:00:00Z"},
    {"Nov 7 2027 3am", "America/New_York", "2027-11-07T08:00:00Z"},
    {"Nov 7 2027 12:30am", "America/New_York", "2027-11-07T04:30:00Z"},
    {"tomorrow 3pm", "Europe/London", "2026-12-01T15:00:00Z"},
    {"today 2:30pm", "Europe/London", "2026-11-30T14:30:00Z"},
    {"monday 15:00", "Europe/London", "2026-11-30T15:00:00Z"},
    {"monday 13:00", "Europe/London", "2026-12-07T13:00:00Z"},
    {"next monday 13:00", "Europe/London", "2026-12-07T13:00:00Z"},
    {"March 28 2027 2:30am", "Europe/London", "2027-03-28T01:30:00Z"},
    {"March 28 2027 12:30am", "Europe/London", "2027-03-28T00:30:00Z"},
    {"april 1 2027 9am", "Europe/London", "2027-04-01T08:00:00Z"},
    {"Oct 31 2027 3am", "Europe/London", "2027-10-31T03:00:00Z"},
    {"Oct 31 2027 12:59am", "Europe/London", "2027-10-30T23:59:00Z"},
    {"in 2 days", "Europe/London", "2026-12-02T14:00:00Z"},
    {"tomorrow 10am", "Asia/Kolkata", "2026-12-01T04:30:00Z"},
    {"today 8pm", "Asia/Kolkata", "2026-11-30T14:30:00Z"},
    {"9pm", "Asia/Kolkata", "2026-11-30T15:30:00Z"},
    {"friday 11:30am", "Asia/Kolkata", "2026-12-04T06:00:00Z"},
    {"Dec 10 6:30pm", "Asia/Kolkata", "2026-12-10T13:00:00Z"},
    {"2026-12-10 18:30", "Asia/Kolkata", "2026-12-10T13:00:00Z"},
    {"tomorrow 9am", "Asia/Tokyo", "2026-12-01T00:00:00Z"},
    {"11:30pm", "Asia/Tokyo", "2026-11-30T14:30:00Z"},
    {"tuesday 9am", "Asia/Tokyo", "2026-12-01T00:00:00Z"},
    {"next tuesday 9am", "Asia/Tokyo", "2026-12-01T00:00:00Z"},
    {"monday 9am", "Asia/Tokyo", "2026-12-07T00:00:00Z"},
    {"today 9am", "Australia/Sydney", "2026-11-30T22:00:00Z"},
    {"tomorrow 9am", "Australia/Sydney", "2026-12-01T22:00:00Z"},
    {"tuesday 8am", "Australia/Sydney", "2026-11-30T21:00:00Z"},
    {"monday 8am", "Australia/Sydney", "2026-12-06T21:00:00Z"},
    {"April 4 2027 1:30am", "Australia/Sydney", "2027-04-03T14:30:00Z"},
    {"April 4 2027 3:30am", "Australia/Sydney", "2027-04-03T17:30:00Z"},
    {"Oct 3 2027 3:30am", "Australia/Sydney", "2027-10-02T16:30:00Z"},
    {"Oct 3 2027 1:59am", "Australia/Sydney", "2027-10-02T15:59:00Z"},
    {"tomorrow 3pm", "UTC", "2026-12-01T15:00:00Z"},
    {"2026-12-01T15:00:00Z", "America/New_York", "2026-12-01T15:00:00Z"},
    {"2026-12-01T15:00:00-08:00", "America/New_York", "2026-12-01T23:00:00Z"},
    {"2026-12-01T15:00:00+05:30", "Europe/London", "2026-12-01T09:30:00Z"},
    {"2027-03-14T02:30:00-05:00", "America/New_York", "2027-03-14T07:30:00Z"},
    {"dec 31 11:59pm", "America/Los_Angeles", "2027-01-01T07:59:00Z"},
    {"in 2 hours", "America/New_York", "2026-11-30T16:00:00Z"},
    {"in 30 minutes", "Europe/London", "2026-11-30T14:30:00Z"},
    {"in an hour", "Asia/Kolkata", "2026-11-30T15:00:00Z"},
    {"in 90 mins", "UTC", "2026-11-30T15:30:00Z"},
    {"in half an hour", "Asia/Tokyo", "2026-11-30T14:30:00Z"},
    {"in 45 min", "Australia/Sydney", "2026-11-30T14:45:00Z"},
    {"in 3 hrs", "UTC", "2026-11-30T17:00:00Z"},
    {"in 1 minute", "UTC", "2026-11-30T14:01:00Z"},
    {"in 1 hour", "America/Los_Angeles", "2026-11-30T15:00:00Z"},
    {"in 10 hours", "America/New_York", "2026-12-01T00:00:00Z"},
    /* the Nth weekday of a month */
    {"first monday of january at 10am", "America/New_York", "2027-01-04T15:00:00Z"},
    {"last friday of december 3pm", "America/New_York", "2026-12-25T20:00:00Z"},
    {"the 2nd tuesday in march 2027 at 9am", "Europe/London", "2027-03-09T09:00:00Z"},
    {"the 1st friday of December at noon", "America/New_York", "2026-12-04T17:00:00Z"},
    {"first monday of november 10am", "America/New_York", "2027-11-01T14:00:00Z"}, /* 2026's past */
    /* "next month" is the zone's: 2026-12-01 01:00 in Sydney at NOW, so January 2027 */
    {"the last monday of next month at 10am", "Australia/Sydney", "2027-01-24T23:00:00Z"},
    {"last monday of next month at 10am", "America/New_York",
     "2026-12-28T15:00:00Z"}, /* weeks, days of the month, dates in digits, clock words, parts of
                               * the day, a zone named in the phrase (the result is the instant; the
                               * reading shows it in the zone asked) */
    {"tuesday next week 10am", "America/New_York", "2026-12-08T15:00:00Z"},
    {"next week tuesday 10am", "America/New_York", "2026-12-08T15:00:00Z"},
    {"sunday next week 9am", "America/New_York", "2026-12-13T14:00:00Z"},
    {"a week from friday 10am", "America/New_York", "2026-12-11T15:00:00Z"},
    {"a week from today 3pm", "America/New_York", "2026-12-07T20:00:00Z"},
    {"2 weeks from tomorrow at 9am", "Europe/London", "2026-12-15T09:00:00Z"},
    {"a week from now", "America/New_York", "2026-12-07T14:00:00Z"},
    {"in a fortnight", "UTC", "2026-12-14T14:00:00Z"},
    {"tomorrow 3pm EST", "America/New_York", "2026-12-01T20:00:00Z"},
    {"3:00 PM EST", "America/New_York", "2026-11-30T20:00:00Z"},
    {"tomorrow 3pm UTC", "America/New_York", "2026-12-01T15:00:00Z"},
    {"Dec 3 2pm CET", "America/New_York", "2026-12-03T13:00:00Z"},
    {"friday 10am Europe/Paris", "Europe/London", "2026-12-04T09:00:00Z"},
    {"Nov 7 2027 3am EST", "UTC", "2027-11-07T08:00:00Z"},
    {"March 14 2027 1:30am ET", "Europe/London", "2027-03-14T06:30:00Z"},
    {"tomorrow 15h30", "Europe/London", "2026-12-01T15:30:00Z"},
    {"tomorrow 1500", "Asia/Kolkata", "2026-12-01T09:30:00Z"},
    {"tomorrow 0930", "Asia/Tokyo", "2026-12-01T00:30:00Z"},
    {"tomorrow 3.30pm", "America/New_York", "2026-12-01T20:30:00Z"},
    {"tomorrow quarter past 3pm", "America/New_York", "2026-12-01T20:15:00Z"},
    {"half past ten am tomorrow", "Europe/London", "2026-12-01T10:30:00Z"},
    {"quarter to 4pm tomorrow", "Australia/Sydney", "2026-12-02T04:45:00Z"},
    {"15.01.2027 10am", "Europe/London", "2027-01-15T10:00:00Z"},
    {"2027/01/15 10am", "America/New_York", "2027-01-15T15:00:00Z"},
    {"12/15/2026 10am", "America/New_York", "2026-12-15T15:00:00Z"},
    {"15/12/2026 10am", "Asia/Kolkata", "2026-12-15T04:30:00Z"},
    {"Jan 15, 2027 @ 3pm", "America/New_York", "2027-01-15T20:00:00Z"},
    {"Jan 15th 10am", "America/New_York", "2027-01-15T15:00:00Z"},
    {"15 Jan 10am", "Europe/London", "2027-01-15T10:00:00Z"},
    {"December 1st, 3pm", "America/New_York", "2026-12-01T20:00:00Z"},
    {"tomorrow at 3pm.", "America/New_York", "2026-12-01T20:00:00Z"},
    {"the 15th at 3pm", "America/New_York", "2026-12-15T20:00:00Z"},
    {"the 31st at 3pm", "America/New_York", "2026-12-31T20:00:00Z"},
    {"tuesday the 1st at 3pm", "America/New_York", "2026-12-01T20:00:00Z"},
    {"the 15th of next month at 3pm", "Australia/Sydney", "2027-01-15T04:00:00Z"},
    {"tomorrow at 9 in the morning", "America/New_York", "2026-12-01T14:00:00Z"},
    {"next tuesday at 2 in the afternoon", "America/New_York", "2026-12-01T19:00:00Z"},
    {"tonight at 8", "Asia/Kolkata", "2026-11-30T14:30:00Z"},
    {"tomorrow evening at 7", "Europe/London", "2026-12-01T19:00:00Z"},
    {"tomorrow morning at 9:30am", "Asia/Tokyo", "2026-12-01T00:30:00Z"},
    {"Oct 31 2027 quarter to 1am", "Europe/London", "2027-10-30T23:45:00Z"},
    {"noon tomorrow", "Australia/Sydney", "2026-12-02T01:00:00Z"},
    {"tomorrow at 12 noon", "America/New_York", "2026-12-01T17:00:00Z"},
    {"tomorrow 12 midnight", "Europe/London", "2026-12-01T00:00:00Z"},
    {"tomorrow at 3 o'clock in the afternoon", "Asia/Kolkata", "2026-12-01T09:30:00Z"},
    {"tomorrow 9:30 in the evening", "America/New_York", "2026-12-02T02:30:00Z"},
    {"this evening at 7", "America/New_York", "2026-12-01T00:00:00Z"},
    {"at 3 this afternoon", "Europe/London", "2026-11-30T15:00:00Z"},
};

typedef struct bad {
  const char *text, *zone, *unused, *why;
} bad;

static const bad bads[] = {
    {"tomorrow", "America/New_York", NULL, "no time of day"},
    {"friday", "America/New_York", NULL, "no time of day"},
    {"next monday", "Europe/London", NULL, "no time of day"},
    {"at 3", "America/New_York", NULL, "ambiguous"},
    {"friday at 3", "America/New_York", NULL, "ambiguous"},
    {"03/04 10am", "America/New_York", NULL, "could be"},
    {"5/6 9am", "Europe/London", NULL, "could be"},
    {"8am", "America/New_York", NULL, "in the past"},
    {"today 8am", "America/New_York", NULL, "in the past"},
    {"Nov 30 8am", "America/New_York", NULL, "in the past"},
    {"2026-11-30 08:00", "America/New_York", NULL, "in the past"},
    {"2025-01-01T10:00:00Z", "America/New_York", NULL, "in the past"},
    {"March 14 2027 2:30am", "America/New_York", NULL, "does not exist"},
    {"2027-03-14 02:30", "America/New_York", NULL, "does not exist"},
    {"March 28 2027 1:30am", "Europe/London", NULL, "does not exist"},
    {"Oct 3 2027 2:30am", "Australia/Sydney", NULL, "does not exist"},
    {"Nov 7 2027 1:30am", "America/New_York", NULL, "happens twice"},
    {"2027-11-07 01:30", "America/New_York", NULL, "happens twice"},
    {"Oct 31 2027 1:30am", "Europe/London", NULL, "happens twice"},
    {"April 4 2027 2:30am", "Australia/Sydney", NULL, "happens twice"},
    {"feb 30 10am", "America/New_York", NULL, "does not exist"},
    {"Dec 1 2026 Wednesday 3pm", "America/New_York", NULL, "is a tuesday"},
    {"tomorrow 25:00", "America/New_York", NULL, "not a time of day"},
    {"tomorrow 13pm", "America/New_York", NULL, "not a time of day"},
    {"blursday 3pm", "America/New_York", NULL, "could not read"},
    {"", "America/New_York", NULL, "no time given"},
    {"in 2 hours tomorrow", "America/New_York", NULL, "mixes"},
    {"tomorrow friday 3pm", "America/New_York", NULL, "more than one day"},
    {"December 3pm", "America/New_York", NULL, "no day"},
    {"in 500 days", "America/New_York", NULL, "too far"},
    {"in 0 hourrs", "America/New_York", NULL, "could not read"}, /* fuzz_phrase's finding */
    {"in 0 hours", "America/New_York", NULL, "no time ahead"},
    {"in 0 days at 3pm", "Europe/London", NULL, "no time ahead"},
    {"in 5 minimum", "UTC", NULL, "could not read"},
    {"in 2 weekends", "UTC", NULL, "could not read"},
    {"in 3 dayz", "UTC", NULL, "could not read"},
    {"in half an hourglass", "UTC", NULL, "could not read"},
    {"fifth monday of february 2027 10am", "UTC", NULL, "has no fifth monday"},
    {"first monday at 10am", "UTC", NULL, "names no month"},
    {"next month at 3pm", "UTC", NULL, "no day"},
    {"last thursday of this month 5pm", "America/New_York", NULL, "in the past"},
    {"last sunday of march 2027 1:30am", "Europe/London", NULL, "does not exist"},
    {"first monday 3 december 10am", "UTC", NULL,
     "more than one day"}, /* bare hours stay ambiguous unless a part of the day says which; vague
                              ends of day */
    {"tomorrow at 9", "America/New_York", NULL, "ambiguous"},
    {"tomorrow at 3 o'clock", "America/New_York", NULL, "ambiguous"},
    {"the day after tomorrow at 9", "Europe/London", NULL, "ambiguous"},
    {"quarter past 3 tomorrow", "America/New_York", NULL, "3:15am or 3:15pm"},
    {"tomorrow morning", "America/New_York", NULL, "no time of day"},
    {"tomorrow night", "Europe/London", NULL, "no time of day"},
    {"tomorrow afternoon", "Asia/Tokyo", NULL, "e.g. \"tomorrow afternoon at 2pm\""},
    {"tomorrow morning at 3pm", "America/New_York", NULL, "not in the morning"},
    {"tonight at 8am", "Asia/Kolkata", NULL, "not in the night"},
    {"12 at night", "UTC", NULL, "unclear"},
    {"at 9 in the morning 10am", "UTC", NULL, "two times of day"},
    {"end of day", "America/New_York", NULL, "working hours"},
    {"EOD", "America/New_York", NULL, "working hours"},
    {"next month", "UTC", NULL, "no time of day"},
    {"tomorrow 2030", "UTC", NULL, "could be a year"},
    {"1/2/27 10am", "UTC", NULL, "four digits"},
    {"2027/02/30 10am", "UTC", NULL, "does not exist"},
    {"15.13.2027 9am", "UTC", NULL, "not a real date"},
    {"03.04.2027 10am", "Europe/London", NULL, "could be"},
    {"tomorrow 3pm EST PST", "UTC", NULL, "two time zones"},
    {"a week from 3pm", "UTC", NULL, "names no day"},
    {"the 15th tomorrow 3pm", "UTC", NULL, "more than one day"},
    {"the 45th at 3pm", "UTC", NULL, "no day of a month"},
    {"this weekend 10am", "UTC", NULL, "could not read"},
    {"14.03.2027 2:30am", "America/New_York", NULL, "does not exist"},
    {"2027/11/07 1:30am", "America/New_York", NULL, "happens twice"},
    {"April 4 2027 half past two am", "Australia/Sydney", NULL, "happens twice"},
    {"March 28 2027 quarter past 1am", "Europe/London", NULL, "does not exist"},
    {"Nov 7 2027 1:30am EST", "UTC", NULL, "happens twice"},
};

static void phrases_resolve(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof goods / sizeof goods[0]; i++) {
    phrase_time t;
    char why[256] = "";
    int rc = phrase_parse(goods[i].text, goods[i].zone, NOW, &t, why, sizeof why);
    if (rc != 0 || strcmp(t.utc_text, goods[i].utc) != 0)
      fail_msg("\"%s\" in %s: want %s, got rc %d %s (%s)", goods[i].text, goods[i].zone,
               goods[i].utc, rc, t.utc_text, why);
    assert_non_null(strstr(t.reading, goods[i].zone));
  }
}

static void phrases_refused_with_reason(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
    phrase_time t;
    char why[256] = "";
    int rc = phrase_parse(bads[i].text, bads[i].zone, NOW, &t, why, sizeof why);
    if (rc != -1 || !strstr(why, bads[i].why))
      fail_msg("\"%s\" in %s: want an error with \"%s\", got rc %d: %s", bads[i].text, bads[i].zone,
               bads[i].why, rc, why);
  }
}

static void past_and_gap_show_the_closest_reading(void **state) {
  (void)state;
  phrase_time t;
  char why[256];
  assert_int_equal(phrase_parse("8am", "America/New_York", NOW, &t, why, sizeof why), -1);
  assert_non_null(strstr(why, "did you mean tomorrow at 08:00"));
  assert_int_equal(phrase_parse("Nov 7 2027 1:30am", "America/New_York", NOW, &t, why, sizeof why),
                   -1);
  assert_non_null(strstr(why, "2027-11-07T01:30:00-04:00"));
  assert_non_null(strstr(why, "2027-11-07T01:30:00-05:00"));
  assert_int_equal(phrase_parse("tomorrow 3pm", "Not/AZone", NOW, &t, why, sizeof why), -1);
  /* a zone named in the phrase: the instant is its, the wall clock shown is the zone asked */
  assert_int_equal(phrase_parse("Dec 3 2pm CET", "America/New_York", NOW, &t, why, sizeof why), 0);
  assert_string_equal(t.local, "2026-12-03T08:00:00");
  assert_non_null(strstr(t.reading, "given in Europe/Paris"));
}

typedef struct zone_case {
  const char *name, *zone;
  int rc;
} zone_case;

static void zone_names(void **state) {
  (void)state;
  static const zone_case cases[] = {
      {"Asia/Kolkata", "Asia/Kolkata", 0},
      {"Europe/London", "Europe/London", 0},
      {"UTC", "UTC", 0},
      {"IST", "Asia/Kolkata", 1},
      {"ist", "Asia/Kolkata", 1},
      {"PT", "America/Los_Angeles", 1},
      {"PST", "America/Los_Angeles", 1},
      {"ET", "America/New_York", 1},
      {"CET", "Europe/Paris", 1},
      {"JST", "Asia/Tokyo", 1},
      {"AEDT", "Australia/Sydney", 1},
      {"London", "Europe/London", 1},
      {"new york", "America/New_York", 1},
      {"New_York", "America/New_York", 1},
      {"asia/kolkata", "Asia/Kolkata", 1},
      {"Mumbai", "Asia/Kolkata", 1},
      {"San Francisco", "America/Los_Angeles", 1},
      {"Lagos", "Africa/Lagos", 1},
      {"Tokyo", "Asia/Tokyo", 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[64] = "", note[256] = "", why[256] = "";
    int rc = zone_resolve(cases[i].name, out, sizeof out, note, sizeof note, why, sizeof why);
    if (rc != cases[i].rc || strcmp(out, cases[i].zone) != 0)
      fail_msg("%s: want %s (%d), got %s (%d) %s", cases[i].name, cases[i].zone, cases[i].rc, out,
               rc, why);
    if (rc == 1)
      assert_non_null(strstr(note, cases[i].zone));
  }
  char out[64], note[256], why[256];
  assert_int_equal(zone_resolve("IST", out, sizeof out, note, sizeof note, why, sizeof why), 1);
  assert_non_null(strstr(note, "Israel")); /* the other readings are named */
  assert_int_equal(
      zone_resolve("Europe/Londn", out, sizeof out, note, sizeof note, why, sizeof why), -1);
  assert_non_null(strstr(why, "Europe/London")); /* the closest names are suggested */
  assert_int_equal(zone_resolve("Kolkatta", out, sizeof out, NULL, 0, why, sizeof why), -1);
  assert_non_null(strstr(why, "Asia/Kolkata"));
  assert_int_equal(zone_resolve("../../etc/passwd", out, sizeof out, NULL, 0, why, sizeof why), -1);
  assert_int_equal(zone_resolve("", out, sizeof out, NULL, 0, NULL, 0), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(phrases_resolve),
      cmocka_unit_test(phrases_refused_with_reason),
      cmocka_unit_test(past_and_gap_show_the_closest_reading),
      cmocka_unit_test(zone_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
