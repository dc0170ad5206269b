/* phrase.c - a small grammar for times in everyday words, resolved in a time
 * zone against the current time, with the daylight-saving checks people and
 * language models get wrong (gaps, repeated hours). */
#include "tools/phrase.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"
#include "tools/app.h"

#define MAX_TOKENS 16
#define TOKEN_LEN 24

static const char *const weekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                       "thursday", "friday", "saturday"};
static const char *const months[] = {"january",   "february", "march",    "april",
                                     "may",       "june",     "july",     "august",
                                     "september", "october",  "november", "december"};

/* What the words said; -1 where they said nothing. */
typedef struct parsed {
  int y, m, d;      /* an explicit date (y may be -1: the next such date) */
  int day_offset;   /* today 0, tomorrow 1, ... ; -1 none */
  int weekday;      /* 0 Sunday .. 6 Saturday; -1 none */
  bool next_week;   /* "next friday": strictly after today */
  int nth;          /* "first monday of ...": 1..5, -1 the last; 0 none */
  int month_rel;    /* "of this month" 0, "of next month" 1; -1 none */
  int hour, minute; /* the time of day */
  long rel_seconds; /* "in 2 hours"; -1 none */
  bool rel_days;    /* the relative amount was in days or weeks: keep the wall clock */
  char ambiguous[200];
} parsed;

/* Lower-cases TEXT into tokens split on blanks and commas; "3pm" stays one
 * token, "3 pm" becomes "3pm". Returns the count, or -1 when too long. */
static int tokenize(const char *text, char tok[][TOKEN_LEN]) {
  int n = 0;
  const char *p = text;
  while (*p) {
    while (*p && (isspace((unsigned char)*p) || *p == ','))
      p++;
    if (!*p)
      break;
    if (n == MAX_TOKENS)
      return -1;
    size_t len = 0;
    while (*p && !isspace((unsigned char)*p) && *p != ',') {
      if (len + 1 >= TOKEN_LEN)
        return -1;
      tok[n][len++] = (char)tolower((unsigned char)*p++);
    }
    tok[n][len] = '\0';
    /* "3 pm" -> "3pm"; "a.m." -> "am" */
    if (n > 0 && (!strcmp(tok[n], "am") || !strcmp(tok[n], "pm") || !strcmp(tok[n], "a.m.") ||
                  !strcmp(tok[n], "p.m."))) {
      size_t prev = strlen(tok[n - 1]);
      if (prev > 0 && prev + 3 < TOKEN_LEN && isdigit((unsigned char)tok[n - 1][prev - 1])) {
        tok[n - 1][prev] = tok[n][0];
        tok[n - 1][prev + 1] = 'm';
        tok[n - 1][prev + 2] = '\0';
        continue;
      }
    }
    n++;
  }
  return n;
}

/* The index of WORD among NAMES (full name or a prefix of at least 3
 * letters, "sept" included), or -1. */
static int name_index(const char *word, const char *const *names, int count) {
  size_t len = strlen(word);
  if (len > 0 && word[len - 1] == '.')
    len--;
  if (len < 3)
    return -1;
  for (int i = 0; i < count; i++)
    if (len <= strlen(names[i]) && !strncmp(names[i], word, len))
      return i;
  return -1;
}

/* The value of exactly N decimal digits at S, or -1. */
static int digits_at(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* A whole number of 1..4 digits with an optional ordinal suffix. */
static int number_of(const char *s, int *out) {
  int v = 0, digits = 0;
  while (isdigit((unsigned char)*s) && digits < 5) {
    v = v * 10 + (*s++ - '0');
    digits++;
  }
  if (digits == 0 || digits > 4)
    return -1;
  static const char *const suffixes[] = {"", "st", "nd", "rd", "th"};
  bool suffix_ok = false;
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
    suffix_ok = suffix_ok || strcmp(s, suffixes[i]) == 0;
  if (!suffix_ok)
    return -1;
  *out = v;
  return 0;
}

int phrase_ordinal(const char *tok) {
  static const char *const words[] = {"first", "second", "third", "fourth", "fifth"};
  static const char *const short_forms[] = {"1st", "2nd", "3rd", "4th", "5th"};
  if (!strcmp(tok, "last"))
    return -1;
  for (int i = 0; i < 5; i++)
    if (!strcmp(tok, words[i]) || !strcmp(tok, short_forms[i]))
      return i + 1;
  return 0;
}

/* "3pm", "9:30am", "15:00", "noon", "midnight". 1 when TOK is a time, 0 when
 * it is not, -1 when it is malformed (WHY set). A bare "3" is not a time. */
static int time_of(const char *tok, parsed *p, char *why, size_t why_size) {
  if (!strcmp(tok, "noon") || !strcmp(tok, "midday")) {
    p->hour = 12, p->minute = 0;
    return 1;
  }
  if (!strcmp(tok, "midnight")) {
    p->hour = 0, p->minute = 0;
    return 1;
  }
  const char *s = tok;
  int h = 0, m = 0, hd = 0;
  while (isdigit((unsigned char)*s) && hd < 3)
    h = h * 10 + (*s++ - '0'), hd++;
  if (hd == 0 || hd > 2)
    return 0;
  bool colon = false;
  if (*s == ':' || (*s == '.' && isdigit((unsigned char)s[1]))) {
    s++;
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
      return 0;
    m = (s[0] - '0') * 10 + (s[1] - '0');
    s += 2;
    colon = true;
  }
  bool am = !strcmp(s, "am") || !strcmp(s, "a.m."), pm = !strcmp(s, "pm") || !strcmp(s, "p.m.");
  if (*s && !am && !pm)
    return 0;
  if (!colon && !am && !pm)
    return 0; /* a bare number: a day, not a time */
  if (m > 59 || (am || pm ? h < 1 || h > 12 : h > 23)) {
    snprintf(why, why_size, "\"%s\" is not a time of day", tok);
    return -1;
  }
  if (am)
    h = h == 12 ? 0 : h;
  else if (pm)
    h = h == 12 ? 12 : h + 12;
  p->hour = h, p->minute = m;
  return 1;
}

static const struct {
  const char *word;
  int value;
} small_numbers[] = {{"a", 1},    {"an", 1},   {"one", 1},     {"two", 2},   {"three", 3},
                     {"four", 4}, {"five", 5}, {"six", 6},     {"seven", 7}, {"eight", 8},
                     {"nine", 9}, {"ten", 10}, {"twelve", 12}, {"half", -2}};

/* The units of "in N unit", by their whole word: a word that only starts like one
 * ("hourrs", "minimum", "weekend") is no unit. */
static const struct {
  const char *word;
  long seconds;
} units[] = {{"min", 60},         {"mins", 60},   {"minute", 60},  {"minutes", 60},
             {"h", 3600},         {"hr", 3600},   {"hrs", 3600},   {"hour", 3600},
             {"hours", 3600},     {"day", 86400}, {"days", 86400}, {"week", 7 * 86400},
             {"weeks", 7 * 86400}};

/* "in N unit": consumes tokens from I; returns the tokens used, or -1. */
static int relative_of(char tok[][TOKEN_LEN], int n, int i, parsed *p, char *why, size_t why_size) {
  if (i + 2 >= n)
    return -1;
  int amount = -1;
  if (number_of(tok[i + 1], &amount) != 0) {
    for (size_t k = 0; k < sizeof small_numbers / sizeof small_numbers[0]; k++)
      if (!strcmp(tok[i + 1], small_numbers[k].word))
        amount = small_numbers[k].value;
  }
  if (amount == -1)
    return -1;
  const char *unit = tok[i + 2];
  int used = 3;
  if (amount == -2) { /* "in half an hour" */
    if (i + 3 < n && (!strcmp(tok[i + 2], "an") || !strcmp(tok[i + 2], "a")))
      unit = tok[i + 3], used = 4;
    if (strcmp(unit, "hour") != 0)
      return -1;
    p->rel_seconds = 1800;
    return used;
  }
  long secs = 0;
  for (size_t k = 0; k < sizeof units / sizeof units[0] && !secs; k++)
    if (!strcmp(unit, units[k].word))
      secs = units[k].seconds;
  if (!secs)
    return -1;
  p->rel_days = secs >= 86400;
  if (amount == 0) {
    snprintf(why, why_size, "\"in 0 %s\" is no time ahead: say e.g. \"in 2 hours\"", unit);
    return -1;
  }
  if (amount > 366 * (secs >= 86400 ? 1 : 24)) {
    snprintf(why, why_size, "\"in %d %s\" is too far ahead", amount, unit);
    return -1;
  }
  p->rel_seconds = secs * amount;
  return used;
}

/* Reads the tokens into P. Returns 0 or -1 (WHY set). */
static int read_tokens(char tok[][TOKEN_LEN], int n, parsed *p, char *why, size_t why_size) {
  for (int i = 0; i < n; i++) {
    const char *t = tok[i];
    int v, k;
    if (!strcmp(t, "at") || !strcmp(t, "on") || !strcmp(t, "the") || !strcmp(t, "of") ||
        !strcmp(t, "this") || !strcmp(t, "coming") || !strcmp(t, "from") || !strcmp(t, "now"))
      continue;
    if (!strcmp(t, "today") || !strcmp(t, "tonight")) {
      p->day_offset = 0;
    } else if (!strcmp(t, "tomorrow") || !strcmp(t, "tmrw")) {
      p->day_offset = 1;
    } else if (!strcmp(t, "day") && i + 2 < n && !strcmp(tok[i + 1], "after") &&
               !strcmp(tok[i + 2], "tomorrow")) {
      p->day_offset = 2;
      i += 2;
    } else if (!strcmp(t, "next") && i + 1 < n && (k = name_index(tok[i + 1], weekdays, 7)) >= 0) {
      p->weekday = k;
      p->next_week = true;
      i++;
    } else if (!strcmp(t, "next") && i + 1 < n && !strcmp(tok[i + 1], "week")) {
      p->day_offset = 7;
      i++;
    } else if (phrase_ordinal(t) && i + 1 < n && (k = name_index(tok[i + 1], weekdays, 7)) >= 0) {
      p->nth = phrase_ordinal(t); /* "first monday (of|in) march", "last friday of next month" */
      p->weekday = k;
      i++;
      if (i + 1 < n && (!strcmp(tok[i + 1], "of") || !strcmp(tok[i + 1], "in")))
        i++;
    } else if (!strcmp(t, "next") && i + 1 < n && !strcmp(tok[i + 1], "month")) {
      p->month_rel = 1;
      i++;
    } else if (!strcmp(t, "month") && i > 0 && !strcmp(tok[i - 1], "this")) {
      p->month_rel = 0;
    } else if ((k = name_index(t, weekdays, 7)) >= 0) {
      p->weekday = k;
    } else if ((k = name_index(t, months, 12)) >= 0) {
      p->m = k + 1;
      if (i + 1 < n && number_of(tok[i + 1], &v) == 0 && v >= 1 && v <= 31) {
        p->d = v;
        i++;
      }
      if (i + 1 < n && number_of(tok[i + 1], &v) == 0 && v >= 1970) {
        p->y = v;
        i++;
      }
    } else if (number_of(t, &v) == 0 && v >= 1 && v <= 31 && i + 1 < n &&
               ((k = name_index(tok[i + 1], months, 12)) >= 0 ||
                (!strcmp(tok[i + 1], "of") && i + 2 < n &&
                 (k = name_index(tok[i + 2], months, 12)) >= 0))) {
      p->d = v;
      p->m = k + 1;
      i += strcmp(tok[i + 1], "of") ? 1 : 2;
      if (i + 1 < n && number_of(tok[i + 1], &v) == 0 && v >= 1970) {
        p->y = v;
        i++;
      }
    } else if (!strcmp(t, "in")) {
      why[0] = '\0';
      if ((k = relative_of(tok, n, i, p, why, why_size)) <= 0) {
        if (!why[0])
          snprintf(why, why_size, "could not read \"in ...\": say e.g. \"in 2 hours\"");
        return -1;
      }
      i += k - 1;
    } else if (strlen(t) == 10 && t[4] == '-' && t[7] == '-' && (p->y = digits_at(t, 4)) >= 0 &&
               (p->m = digits_at(t + 5, 2)) >= 0 && (p->d = digits_at(t + 8, 2)) >= 0) {
      if (p->m < 1 || p->m > 12 || p->d < 1 || p->d > 31 || p->y < 1970) {
        snprintf(why, why_size, "\"%.23s\" is not a real date", t);
        return -1;
      }
    } else if (strchr(t, '/')) {
      const char *slash = strchr(t, '/');
      size_t la = (size_t)(slash - t), lb = strlen(slash + 1);
      int a = la >= 1 && la <= 2 ? digits_at(t, (int)la) : -1;
      int b = lb >= 1 && lb <= 2 ? digits_at(slash + 1, (int)lb) : -1;
      if (a < 1 || b < 1) {
        snprintf(why, why_size, "could not read the date \"%.23s\"", t);
        return -1;
      }
      if (a > 12 && b <= 12)
        p->d = a, p->m = b;
      else if (b > 12 && a <= 12)
        p->m = a, p->d = b;
      else {
        snprintf(p->ambiguous, sizeof p->ambiguous,
                 "\"%.23s\" could be %s %d or %s %d: write the month as a word (e.g. \"%.3s %d\")",
                 t, months[(a >= 1 && a <= 12 ? a : 1) - 1], b,
                 months[(b >= 1 && b <= 12 ? b : 1) - 1], a,
                 months[(a >= 1 && a <= 12 ? a : 1) - 1], b);
      }
    } else {
      int r = time_of(t, p, why, why_size);
      if (r < 0)
        return -1;
      if (r == 0) {
        if (number_of(t, &v) == 0 && v <= 24)
          snprintf(p->ambiguous, sizeof p->ambiguous,
                   "\"%.23s\" alone is ambiguous: say %d:00 (24-hour), %dam or %dpm", t, v,
                   v == 0   ? 12
                   : v > 12 ? v - 12
                            : v,
                   v == 0   ? 12
                   : v > 12 ? v - 12
                            : v);
        else {
          snprintf(why, why_size, "could not read \"%s\"", t);
          return -1;
        }
      }
    }
  }
  return 0;
}

/* Local wall clock of UTC in ZONE, as seconds since the epoch. */
static int64_t local_of(const char *zone, int64_t utc) {
  int off = 0;
  tz_offset_at(zone, utc, &off);
  return utc + off;
}

static void format_local(int64_t local, char *buf, size_t size) {
  int y, m, d;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  tz_civil_from_days(days, &y, &m, &d);
  int64_t s = local - days * 86400;
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
           (int)(s % 60));
}

/* The instants at which the wall clock of ZONE reads LOCAL: 0 (a gap), 1 or 2
 * (clocks went back). */
static int local_readings(const char *zone, int64_t local, int64_t out[2]) {
  int offs[2], n = 0;
  tz_offset_at(zone, local - 86400, &offs[0]);
  tz_offset_at(zone, local + 86400, &offs[1]);
  for (int i = 0; i < 2; i++) {
    if (i == 1 && offs[1] == offs[0])
      break;
    int64_t cand = local - offs[i];
    int check = 0;
    tz_offset_at(zone, cand, &check);
    if (check == offs[i])
      out[n++] = cand;
  }
  return n;
}

static const char *weekday_name(int64_t local) {
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  return weekdays[((days % 7) + 11) % 7]; /* 1970-01-01 was a Thursday */
}

/* The day (days since the epoch) of the NTH (1..5, or -1 the last) WEEKDAY of month M of
 * year Y, or -1 when that month has no such day. */
static int64_t nth_weekday(int y, int m, int nth, int weekday) {
  int64_t first = tz_days_from_civil(y, m, 1);
  int64_t next = tz_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
  if (nth < 0) { /* back from the month's last day */
    int64_t last = next - 1;
    return last - (((last % 7) + 11) % 7 - weekday + 7) % 7;
  }
  int64_t day = first + (weekday - ((first % 7) + 11) % 7 + 7) % 7 + 7 * (nth - 1);
  return day < next ? day : -1;
}

static const char *const ordinals[] = {"last", "first", "second", "third", "fourth", "fifth"};

/* Resolves "the NTH WEEKDAY of" a month (P->m, with or without P->y, or P->month_rel) into
 * *DAY: with no year, the first such day whose time of day is still ahead. TODAY and NOW_LOCAL
 * are the zone's local day and wall clock. Returns 0, or -1 with WHY. */
static int nth_day(const parsed *p, int64_t today, int64_t now_local, int64_t *day, char *why,
                   size_t why_size) {
  int cy, cm, cd;
  tz_civil_from_days(today, &cy, &cm, &cd);
  int y = p->y >= 0 ? p->y : cy, m = p->m;
  if (p->month_rel >= 0) {
    m = cm + p->month_rel;
    if (m > 12)
      m -= 12, y++;
  }
  const char *nth = ordinals[p->nth < 0 ? 0 : p->nth];
  /* A month named without a year is this year's, or next year's once this year's is past. */
  for (int tries = p->y < 0 && p->month_rel < 0 ? 2 : 1; tries > 0; tries--, y++) {
    int64_t d = nth_weekday(y, m, p->nth, p->weekday);
    if (d < 0) {
      snprintf(why, why_size, "%s %d has no %s %s: say \"the last %s\"", months[m - 1], y, nth,
               weekdays[p->weekday], weekdays[p->weekday]);
      return -1;
    }
    *day = d;
    if (d * 86400 + p->hour * 3600 + p->minute * 60 > now_local)
      break;
  }
  return 0;
}

static int fill(phrase_time *out, const char *zone, int64_t utc, const char *text) {
  char local[24];
  int64_t l = local_of(zone, utc);
  format_local(l, local, sizeof local);
  snprintf(out->local, sizeof out->local, "%s", local);
  char u[24];
  format_local(utc, u, sizeof u);
  snprintf(out->utc_text, sizeof out->utc_text, "%.19sZ", u);
  out->utc = utc;
  char wd[12];
  snprintf(wd, sizeof wd, "%s", weekday_name(l));
  wd[0] = (char)toupper((unsigned char)wd[0]);
  snprintf(out->reading, sizeof out->reading, "\"%.48s\" read as %s %.16s %s (%s)", text, wd, local,
           zone, out->utc_text);
  return 0;
}

int phrase_parse(const char *text, const char *zone, int64_t now, phrase_time *out, char *why,
                 size_t why_size) {
  char tok[MAX_TOKENS][TOKEN_LEN];
  char iso[40], iso_why[256];
  memset(out, 0, sizeof *out);
  if (!text || !*text || !zone || !tz_valid(zone)) {
    snprintf(why, why_size, "%s", !zone || !tz_valid(zone) ? "unknown time zone" : "no time given");
    return -1;
  }
  /* ISO 8601 first: an instant, or a wall-clock time in ZONE. */
  if (when_normalise(text, iso, sizeof iso, iso_why, sizeof iso_why) == 0) {
    int64_t utc;
    if (when_instant(iso, &utc) != 0) {
      char as_utc[48];
      int64_t local;
      snprintf(as_utc, sizeof as_utc, "%.30sZ", iso); /* the wall clock read as if UTC */
      if (when_instant(as_utc, &local) != 0)
        return -1;
      int64_t r[2];
      int nr = local_readings(zone, local, r);
      if (nr == 0) {
        snprintf(why, why_size,
                 "%s does not exist in %s: the clocks skip that hour for daylight saving", iso,
                 zone);
        return -1;
      }
      if (nr == 2) {
        snprintf(why, why_size,
                 "%s happens twice in %s (the clocks go back that night): give an offset, e.g. "
                 "%s%+03d:00",
                 iso, zone, iso, (int)((local - r[0]) / 3600));
        return -1;
      }
      utc = r[0];
    }
    if (utc < now) {
      fill(out, zone, utc, text);
      char nowl[24];
      format_local(local_of(zone, now), nowl, sizeof nowl);
      snprintf(why, why_size, "%s is in the past (it is now %.16s in %s)", out->reading, nowl,
               zone);
      return -1;
    }
    return fill(out, zone, utc, text);
  }

  if (strstr(iso_why, "not a real date")) { /* ISO in form, but no such day or hour */
    snprintf(why, why_size, "%s", iso_why);
    return -1;
  }
  int n = tokenize(text, tok);
  if (n <= 0) {
    snprintf(why, why_size, "\"%.64s\" is too long or empty to read as a time", text);
    return -1;
  }
  parsed p = {.y = -1,
              .m = -1,
              .d = -1,
              .day_offset = -1,
              .weekday = -1,
              .hour = -1,
              .minute = -1,
              .rel_seconds = -1,
              .month_rel = -1};
  if (read_tokens(tok, n, &p, why, why_size) != 0)
    return -1;
  if (p.ambiguous[0]) {
    snprintf(why, why_size, "%s", p.ambiguous);
    return -1;
  }

  /* "in 2 hours": an instant from now. */
  if (p.rel_seconds >= 0 && !p.rel_days) {
    if (p.hour >= 0 || p.m >= 0 || p.weekday >= 0 || p.day_offset >= 0) {
      snprintf(why, why_size, "\"%.64s\" mixes \"in ...\" with a date or time: give one", text);
      return -1;
    }
    return fill(out, zone, now + p.rel_seconds, text);
  }

  int64_t now_local = local_of(zone, now);
  int64_t today = now_local >= 0 ? now_local / 86400 : (now_local - 86399) / 86400;
  int64_t day;
  bool month_named = p.m >= 0 || p.month_rel >= 0;
  /* A weekday may come with a month ("Tuesday Dec 1", "the first Monday of March"); the Nth
   * weekday with a day of the month too is one day too many. */
  int dates = month_named + (p.weekday >= 0) + (p.day_offset >= 0) + (p.rel_seconds >= 0);
  if ((dates > 1 && !(month_named && p.weekday >= 0)) || (p.nth && p.d >= 0)) {
    snprintf(why, why_size, "\"%.64s\" names more than one day", text);
    return -1;
  }
  if (p.hour < 0 && p.rel_seconds < 0) {
    snprintf(why, why_size,
             "\"%.64s\" gives no time of day: add one, e.g. \"%.48s at 10am\" or \"%.48s 15:00\"",
             text, text, text);
    return -1;
  }
  if (p.nth) { /* "the last friday of march": that day of the first such month not past */
    if (!month_named) {
      snprintf(why, why_size,
               "\"%.64s\" names no month: say e.g. \"the first monday of march\" or \"... of "
               "next month\"",
               text);
      return -1;
    }
    if (nth_day(&p, today, now_local, &day, why, why_size) != 0)
      return -1;
  } else if (p.month_rel >= 0) {
    snprintf(why, why_size, "\"%.64s\" names a month but no day", text);
    return -1;
  } else if (p.rel_seconds >= 0) { /* "in 3 days": the same wall-clock time, or the time given */
    day = today + p.rel_seconds / 86400;
    if (p.hour < 0) {
      int64_t sod = now_local - today * 86400;
      p.hour = (int)(sod / 3600), p.minute = (int)(sod / 60 % 60);
    }
  } else if (p.day_offset >= 0) {
    day = today + p.day_offset;
  } else if (p.m >= 0) {
    if (p.d < 0) {
      snprintf(why, why_size, "\"%.64s\" names a month but no day", text);
      return -1;
    }
    int y = p.y;
    int cy, cm, cd;
    tz_civil_from_days(today, &cy, &cm, &cd);
    if (y < 0)
      y = (p.m < cm || (p.m == cm && p.d < cd)) ? cy + 1 : cy;
    int dim = tz_days_from_civil(p.m == 12 ? y + 1 : y, p.m == 12 ? 1 : p.m + 1, 1) -
              tz_days_from_civil(y, p.m, 1);
    if (p.d > dim) {
      snprintf(why, why_size, "%s %d, %d does not exist", months[p.m - 1], p.d, y);
      return -1;
    }
    day = tz_days_from_civil(y, p.m, p.d);
    if (p.weekday >= 0 && ((day % 7) + 11) % 7 != p.weekday) {
      snprintf(why, why_size, "%d-%02d-%02d is a %s, not a %s", y, p.m, p.d,
               weekdays[((day % 7) + 11) % 7], weekdays[p.weekday]);
      return -1;
    }
  } else if (p.weekday >= 0) {
    int wd_today = (int)(((today % 7) + 11) % 7);
    int ahead = (p.weekday - wd_today + 7) % 7;
    if (p.next_week && ahead == 0)
      ahead = 7;
    day = today + ahead;
    if (!p.next_week && ahead == 0 && day * 86400 + p.hour * 3600 + p.minute * 60 <= now_local)
      day += 7; /* "friday 9am" on a Friday at noon: the next one */
  } else {
    day = today; /* a time alone: today */
  }

  int64_t local = day * 86400 + p.hour * 3600 + p.minute * 60;
  int64_t r[2];
  int nr = local_readings(zone, local, r);
  char lt[24];
  format_local(local, lt, sizeof lt);
  if (nr == 0) {
    snprintf(why, why_size,
             "%.16s does not exist in %s: the clocks skip that hour for daylight saving; pick "
             "another time",
             lt, zone);
    return -1;
  }
  if (nr == 2) {
    int o1, o2;
    tz_offset_at(zone, r[0], &o1);
    tz_offset_at(zone, r[1], &o2);
    snprintf(why, why_size,
             "%.16s happens twice in %s (the clocks go back that night): say which, e.g. "
             "%s%+03d:%02d or %s%+03d:%02d",
             lt, zone, lt, o1 / 3600, abs(o1 % 3600) / 60, lt, o2 / 3600, abs(o2 % 3600) / 60);
    return -1;
  }
  if (r[0] <= now) {
    fill(out, zone, r[0], text);
    char nowl[24];
    format_local(now_local, nowl, sizeof nowl);
    if (p.hour >= 0 && p.m < 0 && p.weekday < 0 && p.day_offset < 0 && p.rel_seconds < 0)
      snprintf(why, why_size,
               "%s is in the past (it is now %.16s in %s); did you mean tomorrow at %02d:%02d?",
               out->reading, nowl, zone, p.hour, p.minute);
    else
      snprintf(why, why_size, "%s is in the past (it is now %.16s in %s)", out->reading, nowl,
               zone);
    return -1;
  }
  return fill(out, zone, r[0], text);
}
