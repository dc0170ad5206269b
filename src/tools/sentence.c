/* sentence.c - one sentence about a webinar ("Weekly product demo every
 * Tuesday at 10am IST for 6 weeks, 45 minutes, hosted by Priya") taken apart
 * into its topic, time phrase, time zone, length, host and recurrence. The
 * time phrase itself is read later by phrase.c, in the zone found here. */
#include "tools/sentence.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/num.h"
#include "tools/phrase.h"

#define MAX_WORDS 64
#define WORD_LEN 48
#define TEXT_MAX (MAX_WORDS * WORD_LEN) /* any run of the words, joined, fits */
#define TOPIC_MAX 200                   /* Zoom's limit, in characters */

typedef struct word {
  char text[WORD_LEN]; /* as written */
  char low[WORD_LEN];  /* lower case, trailing '.', '!' and '?' dropped */
  bool comma_after;    /* a comma (or ';') follows */
  bool used;           /* taken by a clause other than the time phrase */
} word;

static const char *const day_names[] = {"sunday",   "monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday"};
static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};

/* Splits TEXT into words; returns the count or -1 when too long. */
static int split(const char *text, word *w) {
  int n = 0;
  const char *p = text;
  while (*p) {
    while (*p && (isspace((unsigned char)*p) || *p == ',' || *p == ';')) {
      if ((*p == ',' || *p == ';') && n > 0)
        w[n - 1].comma_after = true;
      p++;
    }
    if (!*p)
      break;
    if (n == MAX_WORDS)
      return -1;
    size_t len = 0;
    memset(&w[n], 0, sizeof w[n]);
    while (*p && !isspace((unsigned char)*p) && *p != ',' && *p != ';') {
      if (len + 1 >= WORD_LEN)
        return -1;
      w[n].text[len++] = *p++;
    }
    w[n].text[len] = '\0';
    for (size_t i = 0; i <= len; i++)
      w[n].low[i] = (char)tolower((unsigned char)w[n].text[i]);
    while (len > 0 && strchr(".!?\"')", w[n].low[len - 1]))
      w[n].low[--len] = '\0';
    if (w[n].low[0] == '(') /* "(1h)" */
      memmove(w[n].low, w[n].low + 1, len--);
    n++;
  }
  return n;
}

/* The weekday WORD names (plurals and short forms too), or -1. */
static int day_of(const char *s) {
  size_t len = strlen(s);
  if (len > 1 && s[len - 1] == 's' && strcmp(s, "tues") != 0 && strcmp(s, "thurs") != 0)
    len--; /* "mondays" */
  if (len < 3)
    return -1;
  for (int i = 0; i < 7; i++)
    if (len <= strlen(day_names[i]) && !strncmp(day_names[i], s, len))
      return i;
  return -1;
}

/* A whole number of a few digits (is_number checked), capped at 9999. */
static int count_of(const char *s) {
  long long v = 0;
  return num_parse_ll(s, 0, 9999, &v) == 0 ? (int)v : 9999;
}

static bool is_month(const char *s) {
  for (int i = 0; i < 12; i++)
    if (!strncmp(s, month_names[i], 3))
      return true;
  return false;
}

static bool is_number(const char *s) {
  if (!*s)
    return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return false;
  return true;
}

/* A clock time ("10am", "9:30", "noon") or a date word: part of the time phrase. */
static bool is_time_word(const char *s) {
  if (!strcmp(s, "noon") || !strcmp(s, "midnight") || !strcmp(s, "today") ||
      !strcmp(s, "tomorrow") || !strcmp(s, "tonight") || !strcmp(s, "next") || day_of(s) >= 0 ||
      !strcmp(s, "eod") || !strcmp(s, "cob") || /* refused by phrase.c with the reason */
      is_month(s))
    return true;
  if (!isdigit((unsigned char)s[0]))
    return false;
  const char *dot = strchr(s, '.');
  const char *h = strchr(s, 'h');
  return strchr(s, ':') || strstr(s, "am") || strstr(s, "pm") || strchr(s, '-') || strchr(s, '/') ||
         (dot && strchr(dot + 1, '.')) ||                                     /* "15.01.2027" */
         (h && isdigit((unsigned char)h[1]) && isdigit((unsigned char)h[2])); /* "15h30" */
}

/* Minutes in UNIT ("minutes", "hrs"...), 0 when it is no such unit. */
static int unit_minutes(const char *u) {
  if (!strncmp(u, "min", 3))
    return 1;
  if (!strncmp(u, "hour", 4) || !strcmp(u, "hr") || !strcmp(u, "hrs") || !strcmp(u, "h"))
    return 60;
  return 0;
}

/* "45-minute", "90min", "1h": a length in one word. Minutes, or 0. */
static int compact_length(const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || v <= 0 || v > 1440)
    return 0;
  if (*end == '-')
    end++;
  int unit = unit_minutes(end);
  return unit ? (int)v * unit : 0;
}

/* The weekday (0 Sunday) when words I, I+1 read "first monday", "last fri"..., else -1. */
static int ordinal_day_at(const word *w, int n, int i) {
  if (i < 0 || i + 1 >= n || !phrase_ordinal(w[i].low))
    return -1;
  size_t len = strlen(w[i + 1].low);
  if (len > 3 && w[i + 1].low[len - 1] == 's' && strcmp(w[i + 1].low, "tues") != 0 &&
      strcmp(w[i + 1].low, "thurs") != 0)
    return -1; /* "first mondays" is no such day */
  return day_of(w[i + 1].low);
}

/* A clock time ("3pm", "15:00", "noon"), not a date word. */
static bool is_clock(const char *s) {
  int minutes;
  return phrase_clock(s, &minutes) == 1;
}

/* Minutes after midnight of the clock word S, read with SUFFIX ("am" or "pm", may be NULL)
 * when S is digits without one ("10" and "9:30" in "10-11am", "9:30-10:15am"); -1 when it is
 * no clock time. */
static int clock_minutes(const char *s, const char *suffix) {
  char clock[WORD_LEN + 3];
  bool bare = isdigit((unsigned char)s[0]) && !strstr(s, "am") && !strstr(s, "pm");
  snprintf(clock, sizeof clock, "%s%s", s, bare && suffix ? suffix : "");
  int minutes;
  return phrase_clock(clock, &minutes) == 1 ? minutes : -1;
}

/* "10am-11am", "10-11am", "9:30 to 10:15am", "14:00 - 15:30": a start and an end. Reads words
 * I.. ; returns how many it used (with *START_WORD the start as one clock word, "10am", and
 * *MINUTES the length), or 0 when they are no range. */
static int clock_range(const word *w, int n, int i, char *start_word, size_t size, int *minutes) {
  char a[WORD_LEN], b[WORD_LEN];
  int used;
  const char *dash = strchr(w[i].low, '-');
  if (dash && dash[1]) { /* one word */
    snprintf(a, sizeof a, "%.*s", (int)(dash - w[i].low), w[i].low);
    snprintf(b, sizeof b, "%s", dash + 1);
    used = 1;
  } else if (i + 2 < n && !dash && (!strcmp(w[i + 1].low, "to") || !strcmp(w[i + 1].low, "-"))) {
    snprintf(a, sizeof a, "%s", w[i].low);
    snprintf(b, sizeof b, "%s", w[i + 2].low);
    used = 3;
  } else {
    return 0;
  }
  if (i + used < n && (!strcmp(w[i + used].low, "am") || !strcmp(w[i + used].low, "pm")) &&
      strlen(b) + 3 <= sizeof b) { /* "10 to 11 am" */
    strcat(b, w[i + used].low);
    used++;
  }
  int end = clock_minutes(b, NULL);
  const char *b_suffix = strstr(b, "am") ? "am" : strstr(b, "pm") ? "pm" : NULL;
  int begin = clock_minutes(a, b_suffix);
  bool a_own = strstr(a, "am") || strstr(a, "pm");
  if (begin >= 0 && end >= 0 && begin > end && b_suffix && !a_own) /* "11-1pm": 11am */
    begin = clock_minutes(a, b_suffix[0] == 'a' ? "pm" : "am");
  /* One side must be a time by itself: "10 to 11" is no range, "10 to 11am" is. */
  if (begin < 0 || end < 0 || !(is_clock(a) || is_clock(b)) || begin == end)
    return 0;
  *minutes = end > begin ? end - begin : end + 24 * 60 - begin;
  snprintf(start_word, size, "%d:%02d", begin / 60, begin % 60);
  return used;
}

/* Words I..J-1 joined with spaces (as written) into BUF of TEXT_MAX bytes. */
static void join(const word *w, int i, int j, char *buf) {
  size_t n = 0;
  buf[0] = '\0';
  for (int k = i; k < j && n < TEXT_MAX; k++)
    n += (size_t)snprintf(buf + n, TEXT_MAX - n, "%s%s", n ? " " : "", w[k].text);
}

/* Characters (not bytes) of the UTF-8 text S. */
static size_t utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xc0) != 0x80;
  return n;
}

/* The end of a clause that starts at I: the first word with a comma after it,
 * or the end. */
static int clause_end(const word *w, int n, int i) {
  for (int k = i; k < n; k++)
    if (w[k].comma_after)
      return k + 1;
  return n;
}

/* The time zone named by words I..I+K-1 (K from 3 down to 1, none of them taken, no comma
 * inside) into ZONE; returns K, or 0. With TIME_AFTER, only names followed by the word
 * "time" count ("New York time"). */
static int zone_words(const word *w, int n, int i, bool time_after, char *zone, size_t size) {
  for (int k = 3; k >= 1; k--) {
    if (i + k > n || (time_after && (i + k >= n || strcmp(w[i + k].low, "time") != 0)))
      continue;
    bool ok = true;
    for (int j = i; j < i + k && ok; j++)
      ok = !w[j].used && (j == i + k - 1 || !w[j].comma_after);
    char name[3 * WORD_LEN + 3] = "";
    size_t len = 0;
    for (int j = i; j < i + k && ok; j++)
      len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", len ? " " : "", w[j].low);
    /* A capitalized word right after is part of another name: "in Central Park" */
    if (ok && i + k < n && isupper((unsigned char)w[i + k].text[0]) && !is_time_word(w[i + k].low))
      ok = false;
    if (ok && zone_resolve(name, zone, size, NULL, 0, NULL, 0) >= 0)
      return k;
  }
  return 0;
}

/* True when the title ends before word I: a word another clause took, a time
 * or date word, or a little word that leads into one ("on Dec 3", "at 10",
 * "in 2 hours", "for 45 minutes", "starting friday"). */
static bool topic_stops(const word *w, int n, int i) {
  const char *s = w[i].low;
  const char *next = i + 1 < n ? w[i + 1].low : "";
  if (w[i].used || is_time_word(s) || ordinal_day_at(w, n, i) >= 0)
    return true;
  if ((!strcmp(s, "the") || !strcmp(s, "on")) && ordinal_day_at(w, n, i + 1) >= 0)
    return true; /* "Launch on the first Monday of March" */
  if (!strcmp(s, "starting") || !strcmp(s, "beginning") || !strcmp(s, "from"))
    return true;
  bool leads = is_time_word(next) || is_number(next) || !strcmp(next, "the") ||
               !strcmp(next, "a") || !strcmp(next, "an") || !strcmp(next, "half") ||
               (i + 1 < n && w[i + 1].used);
  return leads && (!strcmp(s, "on") || !strcmp(s, "at") || !strcmp(s, "in") || !strcmp(s, "for") ||
                   !strcmp(s, "this"));
}

/* Whether word I is "a", "an", "the", "our" or "up". */
static bool article_at(const word *w, int n, int i) {
  return i < n && (!strcmp(w[i].low, "a") || !strcmp(w[i].low, "an") || !strcmp(w[i].low, "the") ||
                   !strcmp(w[i].low, "our") || !strcmp(w[i].low, "up"));
}

/* After "daily" or "weekly" at I: "except weekends" (the weekdays) or "on Tue and Thu" (those
 * days). Marks the words used, adds the days to WEEKDAYS and returns how many words it took. */
static int weekly_tail(word *w, int n, int i, int weekdays[7], int *nweekdays, const char **freq) {
  int k = i + 1;
  if (k + 1 < n &&
      (!strcmp(w[k].low, "except") || !strcmp(w[k].low, "excluding") || !strcmp(w[k].low, "but")) &&
      (!strcmp(w[k + 1].low, "weekends") || !strcmp(w[k + 1].low, "weekend"))) {
    for (int d = 1; d <= 5; d++) /* "daily except weekends": Monday to Friday */
      if (!weekdays[d]++)
        (*nweekdays)++;
    *freq = "weekly";
    w[k].used = w[k + 1].used = true;
    return 2;
  }
  if (strcmp(*freq, "weekly") != 0 || k + 1 >= n || strcmp(w[k].low, "on") != 0 ||
      day_of(w[k + 1].low) < 0)
    return 0;
  w[k++].used = true; /* "weekly on Tue and Thu" */
  for (; k < n; k++) {
    int d = day_of(w[k].low);
    if (d < 0 && strcmp(w[k].low, "and") != 0 && strcmp(w[k].low, "&") != 0)
      break;
    if (d >= 0 && !weekdays[d]++)
      (*nweekdays)++;
    w[k].used = true;
    if (w[k].comma_after) {
      k++;
      break;
    }
  }
  return k - i - 1;
}

int sentence_parse(const char *text, json_t **out, char *why, size_t why_size) {
  word w[MAX_WORDS];
  *out = NULL;
  int n = text ? split(text, w) : -1;
  if (n <= 0) {
    snprintf(why, why_size, "the description is empty or longer than %d words", MAX_WORDS);
    return -1;
  }
  /* Words are split on ASCII blanks, so every part of valid UTF-8 stays valid. */
  json_t *probe = json_string(text);
  if (!probe) {
    snprintf(why, why_size, "the description is not valid UTF-8");
    return -1;
  }
  json_decref(probe);
  json_t *res = json_object(), *rec = NULL;
  int weekdays[7] = {0}, nweekdays = 0;
  int every_n = 1, count = -1;
  const char *count_unit = NULL;
  const char *freq = NULL; /* daily, weekly, monthly */

  for (int i = 0; i < n; i++) {
    const char *s = w[i].low;
    int v, k;
    char zone[64];
    /* hosted by X / host: X / with host X */
    if ((!strcmp(s, "hosted") && i + 1 < n && !strcmp(w[i + 1].low, "by")) || !strcmp(s, "host") ||
        !strcmp(s, "host:")) {
      int start = i + (strcmp(s, "hosted") ? 1 : 2);
      int end = clause_end(w, n, start);
      for (k = start; k < end; k++)
        if (!strcmp(w[k].low, "for") || !strcmp(w[k].low, "at") || !strcmp(w[k].low, "on") ||
            !strcmp(w[k].low, "every") || !strcmp(w[k].low, "in")) {
          end = k;
          break;
        }
      if (end > start) {
        char host[TEXT_MAX];
        join(w, start, end, host);
        json_object_set_new(res, "host", json_string(host));
      }
      for (k = i; k < end; k++)
        w[k].used = true;
      i = end - 1;
      continue;
    }
    /* N minutes / N hours / an hour / 45-minute */
    if ((is_number(s) || !strcmp(s, "an") || !strcmp(s, "one") || !strcmp(s, "1.5") ||
         !strcmp(s, "half")) &&
        i + 1 < n && unit_minutes(w[i + 1].low) && !(i > 0 && !strcmp(w[i - 1].low, "in"))) {
      int minutes = !strcmp(s, "1.5") ? 90 : !strcmp(s, "half") ? 30 : count_of(s);
      if (!strcmp(s, "an") || !strcmp(s, "one"))
        minutes = 1;
      if (strcmp(s, "1.5") != 0 && strcmp(s, "half") != 0)
        minutes *= unit_minutes(w[i + 1].low);
      json_object_set_new(res, "duration", json_integer(minutes));
      w[i].used = w[i + 1].used = true;
      if (i > 0 && !strcmp(w[i - 1].low, "for"))
        w[i - 1].used = true;
      i++;
      continue;
    }
    /* "10am-11am", "9:30 to 10:15am": the start stays in the time phrase, the end gives the
     * length */
    if ((k = clock_range(w, n, i, w[i].low, sizeof w[i].low, &v)) > 0) {
      if (!json_object_get(res, "duration"))
        json_object_set_new(res, "duration", json_integer(v));
      for (int j = i + 1; j < i + k; j++)
        w[j].used = true;
      i += k - 1;
      continue;
    }
    if ((v = compact_length(s)) > 0) {
      json_object_set_new(res, "duration", json_integer(v));
      w[i].used = true;
      if (i + 1 < n && (!strcmp(w[i + 1].low, "long") || !strcmp(w[i + 1].low, "session")))
        w[i + 1].used = true;
      continue;
    }
    /* for N weeks | times | sessions | occurrences | days | months */
    if (!strcmp(s, "for") && i + 4 < n && !strcmp(w[i + 1].low, "the") &&
        !strcmp(w[i + 2].low, "next") && is_number(w[i + 3].low)) {
      w[i].used = w[i + 1].used = true; /* "for the next 4 weeks": as "for 4 weeks" */
      i += 2;
      s = "for"; /* word I ("next") is read as the "for" below */
    }
    if (!strcmp(s, "for") && i + 2 < n && is_number(w[i + 1].low)) {
      const char *u = w[i + 2].low;
      if (!strncmp(u, "week", 4) || !strncmp(u, "time", 4) || !strncmp(u, "session", 7) ||
          !strncmp(u, "occurrence", 10) || !strncmp(u, "day", 3) || !strncmp(u, "month", 5)) {
        count = count_of(w[i + 1].low);
        count_unit = !strncmp(u, "week", 4)    ? "weeks"
                     : !strncmp(u, "day", 3)   ? "days"
                     : !strncmp(u, "month", 5) ? "months"
                                               : "times";
        w[i].used = w[i + 1].used = w[i + 2].used = true;
        i += 2;
        continue;
      }
    }
    /* until <date>: the rest of the clause */
    if (!strcmp(s, "until") || !strcmp(s, "till")) {
      int end = clause_end(w, n, i + 1);
      for (k = i + 1; k < end; k++) /* "until May 1 hosted by ..." */
        if (!strcmp(w[k].low, "hosted") || !strcmp(w[k].low, "host") ||
            !strcmp(w[k].low, "host:") || unit_minutes(w[k].low) || compact_length(w[k].low)) {
          end = k - (unit_minutes(w[k].low) && k - 1 > i ? 1 : 0);
          break;
        }
      char until[TEXT_MAX];
      join(w, i + 1, end, until);
      json_object_set_new(res, "until", json_string(until));
      for (k = i; k < end; k++)
        w[k].used = true;
      i = end - 1;
      continue;
    }
    /* every / each ... ; daily, weekly, monthly, biweekly, fortnightly */
    if (!strcmp(s, "every") || !strcmp(s, "each")) {
      w[i].used = true;
      k = i + 1;
      if (k < n && is_number(w[k].low)) {
        every_n = count_of(w[k].low);
        w[k++].used = true;
      } else if (k + 1 < n && !strcmp(w[k].low, "other")) {
        every_n = 2;
        w[k++].used = true;
      }
      for (; k < n; k++) {
        const char *t = w[k].low;
        int d = day_of(t);
        if (ordinal_day_at(w, n, k) >= 0) { /* "every first Monday": read after the loop */
          freq = "monthly";
          w[k++].used = true;
        } else if (d >= 0) {
          if (!weekdays[d]++)
            nweekdays++;
          freq = "weekly";
        } else if (!strncmp(t, "day", 3) || !strcmp(t, "weekday") || !strcmp(t, "weekdays")) {
          if (!strncmp(t, "weekday", 7)) {
            for (int dd = 1; dd <= 5; dd++)
              if (!weekdays[dd]++)
                nweekdays++;
            freq = "weekly";
          } else {
            freq = "daily";
          }
        } else if (!strncmp(t, "week", 4)) {
          freq = "weekly";
        } else if (!strncmp(t, "month", 5)) {
          freq = "monthly";
        } else if (strcmp(t, "and") != 0 && strcmp(t, "&") != 0) {
          break;
        }
        w[k].used = true;
        if (w[k].comma_after)
          break;
      }
      i = k - 1 < i ? i : k - 1;
      continue;
    }
    if (!strcmp(s, "daily") || !strcmp(s, "weekly") || !strcmp(s, "monthly") ||
        !strcmp(s, "biweekly") || !strcmp(s, "fortnightly")) {
      if (!freq)
        freq = s[0] == 'd' ? "daily" : s[0] == 'm' ? "monthly" : "weekly";
      if (s[0] == 'b' || s[0] == 'f')
        every_n = 2;
      if (i > 0) /* "a weekly demo" keeps the word in the topic when it leads */
        w[i].used = true;
      i += weekly_tail(w, n, i, weekdays, &nweekdays, &freq);
      continue;
    }
    /* "on mondays": a plural weekday means every such day */
    int d = day_of(s);
    size_t len = strlen(s);
    if (d >= 0 && len > 3 && s[len - 1] == 's' && strcmp(s, "tues") != 0 &&
        strcmp(s, "thurs") != 0) {
      if (!weekdays[d]++)
        nweekdays++;
      freq = "weekly";
      w[i].used = true;
      if (i > 0 && !strcmp(w[i - 1].low, "on"))
        w[i - 1].used = true;
      continue;
    }
    /* "in Tokyo", "in New York": a place written with a capital after "in" */
    if (!strcmp(s, "in") && i + 1 < n && isupper((unsigned char)w[i + 1].text[0]) &&
        (k = zone_words(w, n, i + 1, false, zone, sizeof zone)) > 0) {
      json_object_set_new(res, "timezone", json_string(zone));
      for (int j = i; j <= i + k; j++)
        w[j].used = true;
      i += k;
      if (i + 1 < n && !strcmp(w[i + 1].low, "time")) /* "in London time" */
        w[++i].used = true;
      continue;
    }
    /* "London time", "new york time" */
    if (i > 0 && (k = zone_words(w, n, i, true, zone, sizeof zone)) > 0) {
      json_object_set_new(res, "timezone", json_string(zone));
      for (int j = i; j <= i + k; j++)
        w[j].used = true;
      i += k;
      continue;
    }
    /* "11:30pm Sydney": a place written with a capital right after a clock time */
    if (i > 0 && is_clock(w[i - 1].low) && isupper((unsigned char)w[i].text[0]) &&
        (k = zone_words(w, n, i, false, zone, sizeof zone)) > 0) {
      json_object_set_new(res, "timezone", json_string(zone));
      for (int j = i; j < i + k; j++)
        w[j].used = true;
      i += k - 1;
      continue;
    }
    /* a time-zone name: IST, PT, Asia/Kolkata */
    bool caps = strlen(w[i].text) >= 2 && strlen(w[i].text) <= 5;
    for (const char *c = w[i].text; caps && *c; c++)
      caps = isupper((unsigned char)*c);
    if ((caps || strchr(s, '/')) &&
        zone_resolve(w[i].text, zone, sizeof zone, NULL, 0, NULL, 0) >= 0) {
      json_object_set_new(res, "timezone", json_string(zone));
      w[i].used = true;
      continue;
    }
  }

  /* "(on) the first Monday (of the month | of each month)" in a monthly series: Zoom's
   * monthly_week and monthly_week_day. In a one-off webinar the words stay in the time phrase
   * ("the first Monday of March"). */
  int nth = 0, nth_day = -1;
  for (int i = 0; freq && !strcmp(freq, "monthly") && i < n && !nth; i++) {
    if ((nth_day = ordinal_day_at(w, n, i)) < 0)
      continue;
    nth = phrase_ordinal(w[i].low);
    w[i].used = w[i + 1].used = true;
    for (int j = i - 1; j >= 0 && j >= i - 2; j--) /* "on the" */
      if (!strcmp(w[j].low, "the") || !strcmp(w[j].low, "on"))
        w[j].used = true;
    int j = i + 2;
    bool of_month = j < n && (!strcmp(w[j].low, "of") || !strcmp(w[j].low, "in"));
    if (nth == 2 && !of_month && i > 0 &&
        (!strcmp(w[i - 1].low, "every") || !strcmp(w[i - 1].low, "each"))) {
      snprintf(why, why_size,
               "\"every 2nd %s\" could mean every other %s or the second %s of each month: say "
               "\"every other %s\" or \"the second %s of every month\"",
               day_names[nth_day], day_names[nth_day], day_names[nth_day], day_names[nth_day],
               day_names[nth_day]);
      json_decref(res);
      return -1;
    }
    if (of_month)
      w[j++].used = true;
    if (j < n &&
        (!strcmp(w[j].low, "the") || !strcmp(w[j].low, "each") || !strcmp(w[j].low, "every")))
      w[j++].used = true;
    if (j < n && (!strcmp(w[j].low, "month") || !strcmp(w[j].low, "months")))
      w[j].used = true;
  }
  if (nth == 5) {
    snprintf(why, why_size,
             "Zoom repeats a monthly webinar on the first to fourth or the last weekday of the "
             "month, not the fifth: say e.g. \"the last %s\"",
             day_names[nth_day]);
    json_decref(res);
    return -1;
  }

  /* The topic: the leading words before anything else was found. */
  int t0 = 0, t1 = 0;
  /* "plan", "book" and "set" lead only before "a", "an", "the", "our" or "up": "Book club" */
  static const char *const lead[] = {"schedule", "create", "organise", "organize", "up",  "plan",
                                     "book",     "set",    "a",        "an",       "our", "the"};
  for (bool again = true; again && t0 < n;) {
    again = false;
    for (size_t k = 0; k < sizeof lead / sizeof lead[0]; k++)
      if (!strcmp(w[t0].low, lead[k]) && t0 + 1 < n &&
          (k < 5 || k > 7 || article_at(w, n, t0 + 1))) {
        t0++;
        again = true;
        break;
      }
  }
  for (t1 = t0; t1 < n; t1++) {
    if (topic_stops(w, n, t1))
      break;
    if (w[t1].comma_after) {
      t1++;
      break;
    }
  }
  if (t1 == t0) {
    snprintf(why, why_size,
             "no title found: start the sentence with the webinar's title, e.g. \"Product demo "
             "next Tuesday at 10am\"");
    json_decref(res);
    return -1;
  }
  char topic[TEXT_MAX];
  join(w, t0, t1, topic);
  size_t tl = strlen(topic);
  while (tl > 0 && strchr(",.;:- ", topic[tl - 1])) /* "Intro to Rust - Dec 3" */
    topic[--tl] = '\0';
  if (tl >= 2 && (topic[0] == '"' || topic[0] == '\'') && topic[tl - 1] == topic[0]) {
    memmove(topic, topic + 1, tl - 2); /* "'Quarterly update' on Jan 5": the title, unquoted */
    topic[tl -= 2] = '\0';
  }
  if (tl == 0 || utf8_chars(topic) > TOPIC_MAX) {
    if (tl == 0)
      snprintf(why, why_size,
               "no title found: start the sentence with the webinar's title, e.g. \"Product "
               "demo next Tuesday at 10am\"");
    else
      snprintf(why, why_size, "the title is longer than Zoom's %d characters: shorten it",
               TOPIC_MAX);
    json_decref(res);
    return -1;
  }
  json_object_set_new(res, "topic", json_string(topic));
  for (int k = 0; k < t1; k++) /* the title and the leading "Schedule a" */
    w[k].used = true;

  /* The time phrase: every word nobody else took. */
  char when[TEXT_MAX] = "";
  size_t wl = 0;
  for (int k = 0; k < n; k++) {
    if (w[k].used || !strcmp(w[k].low, "and") || !strcmp(w[k].low, "starting") ||
        !strcmp(w[k].low, "beginning") || !strcmp(w[k].low, "from") || !strcmp(w[k].low, "for"))
      continue;
    wl += (size_t)snprintf(when + wl, sizeof when - wl, "%s%s", wl ? " " : "", w[k].low);
    if (wl >= sizeof when)
      wl = sizeof when - 1;
  }
  if (when[0])
    json_object_set_new(res, "when", json_string(when));

  if (freq) {
    rec = json_object();
    json_object_set_new(rec, "frequency", json_string(freq));
    json_object_set_new(rec, "repeat_interval", json_integer(every_n));
    if (nweekdays) {
      char days[32] = "";
      size_t dl = 0;
      json_t *names = json_array();
      for (int dd = 0; dd < 7; dd++)
        if (weekdays[dd]) {
          dl += (size_t)snprintf(days + dl, sizeof days - dl, "%s%d", dl ? "," : "", dd + 1);
          json_array_append_new(names, json_string(day_names[dd]));
        }
      json_object_set_new(rec, "weekly_days", json_string(days));
      json_object_set_new(rec, "days", names);
    }
    if (nth) {
      json_object_set_new(rec, "monthly_week", json_integer(nth));
      json_object_set_new(rec, "monthly_week_day", json_integer(nth_day + 1));
    }
    if (count > 0) {
      int times = count;
      if (!strcmp(count_unit, "weeks") && !strcmp(freq, "weekly"))
        times = count * (nweekdays ? nweekdays : 1) / (every_n > 0 ? every_n : 1);
      else if (!strcmp(count_unit, "weeks") && !strcmp(freq, "daily"))
        times = count * 7 / (every_n > 0 ? every_n : 1);
      json_object_set_new(rec, "end_times", json_integer(times));
    }
    if (json_object_get(res, "until"))
      json_object_set(rec, "until", json_object_get(res, "until"));
    json_object_set_new(res, "recurrence", rec);
  } else if (count > 0) {
    json_object_set_new(res, "count", json_integer(count));
  }
  *out = res;
  return 0;
}
