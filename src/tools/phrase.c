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
  bool week_next;   /* "next week": with a weekday, that day of next (Monday-first) week */
  int plus_days;    /* "a week from friday": days added to the day named; 0 none */
  int part;         /* the part of the day named (PART_*); 0 none */
  int bare_hour;    /* "at 9" (0..24) with BARE_MINUTE past it: am or pm left open; -1 none */
  int bare_minute;
  bool open_ampm; /* "9:30": a clock time of 1..11 without am or pm (24-hour unless a part of
                   * the day says otherwise: "9:30 in the evening") */
  char zone[64];  /* a time zone named in the phrase ("3pm EST"), as an IANA name */
  char ambiguous[200];
} parsed;

/* The parts of a day, from "tomorrow morning" or "9 in the evening". */
enum { PART_NONE, PART_MORNING, PART_AFTERNOON, PART_EVENING, PART_NIGHT };
static const char *const part_names[] = {"", "morning", "afternoon", "evening", "night"};
static const char *const part_examples[] = {"", "9am", "2pm", "6pm", "8pm"};

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
    /* a sentence's full stop: "3pm." -> "3pm" ("a.m." keeps its dots) */
    if (len > 1 && tok[n][len - 1] == '.' && !(len >= 4 && tok[n][len - 3] == '.'))
      tok[n][--len] = '\0';
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
  p->open_ampm = !am && !pm && h >= 1 && h <= 11;
  if (am)
    h = h == 12 ? 0 : h;
  else if (pm)
    h = h == 12 ? 12 : h + 12;
  p->hour = h, p->minute = m;
  return 1;
}

int phrase_clock(const char *tok, int *minutes) {
  parsed p = {.hour = -1, .minute = -1};
  char why[8];
  int r = time_of(tok, &p, why, sizeof why);
  if (r == 1)
    *minutes = p.hour * 60 + p.minute;
  return r;
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
} units[] = {{"min", 60},
             {"mins", 60},
             {"minute", 60},
             {"minutes", 60},
             {"h", 3600},
             {"hr", 3600},
             {"hrs", 3600},
             {"hour", 3600},
             {"hours", 3600},
             {"day", 86400},
             {"days", 86400},
             {"week", 7 * 86400},
             {"weeks", 7 * 86400},
             {"fortnight", 14 * 86400},
             {"fortnights", 14 * 86400}};

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

static const char *const hour_words[] = {"one",   "two",   "three", "four", "five",   "six",
                                         "seven", "eight", "nine",  "ten",  "eleven", "twelve"};

/* The part of the day WORD names ("morning", "tonight"...), or PART_NONE. */
static int part_of(const char *word) {
  for (int i = PART_MORNING; i <= PART_NIGHT; i++)
    if (!strcmp(word, part_names[i]))
      return i;
  return !strcmp(word, "tonight") ? PART_NIGHT : PART_NONE;
}

/* "1500" (24-hour, four digits) and "15h30" (French style) as a time: 1 when TOK is one, 0
 * when not, -1 when it could as well be a year (WHY set). */
static int compact_time_of(const char *tok, parsed *p, char *why, size_t why_size) {
  size_t len = strlen(tok);
  int h = -1, m = -1;
  if (len == 4 && (h = digits_at(tok, 2)) >= 0 && (m = digits_at(tok + 2, 2)) >= 0) {
    if (h >= 19 && h <= 21 && m <= 59) { /* 1900..2159: a year or an evening */
      snprintf(why, why_size, "\"%s\" could be a year or a time: write %02d:%02d for the time", tok,
               h, m);
      return -1;
    }
  } else if ((len == 4 || len == 5) && tok[len - 3] == 'h' &&
             (h = digits_at(tok, (int)len - 3)) >= 0) {
    m = digits_at(tok + len - 2, 2);
  } else {
    return 0;
  }
  if (h < 0 || h > 23 || m < 0 || m > 59)
    return 0;
  p->hour = h, p->minute = m;
  return 1;
}

/* "quarter past 3pm", "half past ten am", "20 to 4", "quarter to noon": consumes tokens from
 * I into P (the hour may stay bare: P->bare_hour). Returns the tokens used, or 0. */
static int clock_words_of(char tok[][TOKEN_LEN], int n, int i, parsed *p) {
  int m = !strcmp(tok[i], "quarter") ? 15 : !strcmp(tok[i], "half") ? 30 : -1;
  int used = 2, v;
  if (m < 0 && number_of(tok[i], &v) == 0 && !isalpha((unsigned char)tok[i][strlen(tok[i]) - 1]) &&
      v >= 1 && v <= 59)
    m = v;
  if (m < 0 || i + 2 >= n)
    return 0;
  if (m != 15 && m != 30 && (!strcmp(tok[i + 1], "minutes") || !strcmp(tok[i + 1], "mins")))
    used++;
  if (i + used >= n)
    return 0;
  const char *rel = tok[i + used - 1];
  int sign = !strcmp(rel, "past") || !strcmp(rel, "after") ? 1 : !strcmp(rel, "to") ? -1 : 0;
  if (!sign || (m == 30 && sign < 0))
    return 0;
  const char *hw = tok[i + used];
  int h = -1;
  bool marked = false;
  parsed clock = *p;
  for (int k = 0; k < 12; k++)
    if (!strcmp(hw, hour_words[k]))
      h = k + 1;
  if (h < 0 && number_of(hw, &v) == 0 && !isalpha((unsigned char)hw[strlen(hw) - 1]) && v >= 1 &&
      v <= 12)
    h = v;
  if (h < 0) {
    char scratch[8];
    if (time_of(hw, &clock, scratch, sizeof scratch) != 1 || clock.minute != 0)
      return 0;
    h = clock.hour, marked = true;
  }
  used++;
  if (!marked && i + used < n &&
      (!strcmp(tok[i + used], "am") || !strcmp(tok[i + used], "pm") ||
       !strcmp(tok[i + used], "a.m.") || !strcmp(tok[i + used], "p.m."))) {
    h = h % 12 + (tok[i + used][0] == 'p' ? 12 : 0);
    marked = true;
    used++;
  }
  int minutes = h * 60 + sign * m;
  if (!marked) { /* "quarter past 3": the hour is read with a part of the day, or refused */
    p->bare_hour = h - (sign < 0), p->bare_minute = sign < 0 ? 60 - m : m;
    return used;
  }
  if (minutes < 0)
    return 0;
  p->hour = minutes / 60, p->minute = minutes % 60;
  return used;
}

/* "15.01.2027", "2027/01/15", "12/15/2026", "13/12": a date in digits. 1 when TOK is one (P
 * set, or P->ambiguous when day and month could be swapped), 0 when TOK is no such date, -1
 * when malformed (WHY set). Dots need a year: "15.30" is a time. */
static int numeric_date_of(const char *t, parsed *p, char *why, size_t why_size) {
  char sep = strchr(t, '/') ? '/' : '.';
  int f[3] = {-1, -1, -1}, len[3] = {0, 0, 0}, nf = 1;
  bool digits_only = true;
  for (const char *s = t; *s; s++) {
    if (*s == sep && nf < 4)
      nf++;
    else if (isdigit((unsigned char)*s) && nf <= 3 && len[nf - 1] < 5)
      len[nf - 1]++;
    else
      digits_only = false;
  }
  if (sep == '.' && (nf != 3 || !digits_only))
    return 0;
  const char *s = t;
  for (int k = 0; k < nf && k < 3; s += len[k++] + 1)
    f[k] = len[k] >= 1 && len[k] <= 4 ? digits_at(s, len[k]) : -1;
  if (nf > 3 || !digits_only || f[0] < 0 || f[1] < 0 || (nf == 3 && f[2] < 0)) {
    snprintf(why, why_size, "could not read the date \"%.23s\"", t);
    return -1;
  }
  int a = f[0], b = f[1];
  if (nf == 3 && len[0] == 4) { /* 2027/01/15: year, month, day */
    p->y = a, p->m = f[1], p->d = f[2];
  } else {
    if (nf == 3 && len[2] != 4) {
      snprintf(why, why_size, "\"%.23s\": write the year with four digits", t);
      return -1;
    }
    if (len[0] > 2 || len[1] > 2 || a < 1 || b < 1) {
      snprintf(why, why_size, "could not read the date \"%.23s\"", t);
      return -1;
    }
    if (nf == 3)
      p->y = f[2];
    if (a > 12 && b <= 12)
      p->d = a, p->m = b;
    else if (b > 12 && a <= 12)
      p->m = a, p->d = b;
    else if (a <= 12 && b <= 12)
      snprintf(p->ambiguous, sizeof p->ambiguous,
               "\"%.23s\" could be %s %d or %s %d: write the month as a word (e.g. \"%.3s %d\")", t,
               months[a - 1], b, months[b - 1], a, months[a - 1], b);
  }
  if (!p->ambiguous[0] &&
      (p->m < 1 || p->m > 12 || p->d < 1 || p->d > 31 || (p->y >= 0 && p->y < 1970))) {
    snprintf(why, why_size, "\"%.23s\" is not a real date", t);
    return -1;
  }
  return 1;
}

/* "a week from friday", "2 weeks from tomorrow", "3 days after monday", "a week from now":
 * consumes tokens from I; returns the tokens used, or 0. */
static int days_from_of(char tok[][TOKEN_LEN], int n, int i, parsed *p) {
  if (i + 2 >= n || (strcmp(tok[i + 2], "from") != 0 && strcmp(tok[i + 2], "after") != 0))
    return 0;
  int amount = -1;
  if (number_of(tok[i], &amount) != 0 || isalpha((unsigned char)tok[i][strlen(tok[i]) - 1]))
    amount = !strcmp(tok[i], "a") || !strcmp(tok[i], "one") ? 1 : !strcmp(tok[i], "two") ? 2 : -1;
  const char *u = tok[i + 1];
  int unit = !strcmp(u, "week") || !strcmp(u, "weeks") ? 7
             : !strcmp(u, "day") || !strcmp(u, "days") ? 1
                                                       : 0;
  if (amount < 1 || amount > 52 || !unit)
    return 0;
  if (i + 3 < n && !strcmp(tok[i + 3], "now") && !strcmp(tok[i + 2], "from")) {
    p->rel_seconds = (long)amount * unit * 86400; /* "a week from now": like "in a week" */
    p->rel_days = true;
    return 4;
  }
  p->plus_days = amount * unit;
  return 3;
}

/* "end of day", "EOD", "close of business": whose day is unclear. 1 when TOK starts such a
 * phrase (WHY set), else 0. */
static int vague_end_of(char tok[][TOKEN_LEN], int n, int i, char *why, size_t why_size) {
  bool eod = !strcmp(tok[i], "eod") || !strcmp(tok[i], "cob") || !strcmp(tok[i], "eow") ||
             ((!strcmp(tok[i], "end") || !strcmp(tok[i], "close")) && i + 2 < n &&
              !strcmp(tok[i + 1], "of") &&
              (!strcmp(tok[i + 2], "day") || !strcmp(tok[i + 2], "business") ||
               !strcmp(tok[i + 2], "week") || !strcmp(tok[i + 2], "the")));
  if (eod)
    snprintf(why, why_size,
             "the end of a day or week depends on whose working hours: give a time, e.g. "
             "\"today 5pm\" or \"friday 5pm\"");
  return eod;
}

/* The phrases of several words read before the rest: parts of the day ("morning", "in the
 * evening", "at night"), "a week from friday", "quarter past 3", and the refused "end of day".
 * Returns the tokens used, 0 when none starts at I, or -1 (WHY set). */
static int phrase_words_of(char tok[][TOKEN_LEN], int n, int i, parsed *p, char *why,
                           size_t why_size) {
  int k, part;
  if ((part = part_of(tok[i])) != PART_NONE && strcmp(tok[i], "tonight") != 0) {
    p->part = part;
    return 1;
  }
  if (!strcmp(tok[i], "in") && i + 2 < n && !strcmp(tok[i + 1], "the") &&
      (part = part_of(tok[i + 2])) != PART_NONE) {
    p->part = part;
    return 3;
  }
  if (vague_end_of(tok, n, i, why, why_size))
    return -1;
  if ((k = days_from_of(tok, n, i, p)) > 0 || (k = clock_words_of(tok, n, i, p)) > 0)
    return k;
  return 0;
}

/* Whether S has a digit. */
static bool has_digit(const char *s) {
  for (; *s; s++)
    if (isdigit((unsigned char)*s))
      return true;
  return false;
}

/* Whether S has a letter. */
static bool has_alpha(const char *s) {
  for (; *s; s++)
    if (isalpha((unsigned char)*s))
      return true;
  return false;
}

/* One word that is none of the names and phrases: a date in digits, "the 15th", a time
 * ("3pm", "15:00", "1500", "15h30"), a bare hour ("at 9"), or a time-zone name ("EST",
 * "Europe/Paris"). Returns 0 when read (into P), -1 when not (WHY set). */
static int other_word_of(const char *t, parsed *p, char *why, size_t why_size) {
  int v, r;
  size_t dots = 0;
  for (const char *s = t; *s; s++)
    dots += *s == '.';
  if ((strchr(t, '/') || dots == 2) && !has_alpha(t)) {
    if ((r = numeric_date_of(t, p, why, why_size)) != 0)
      return r > 0 ? 0 : -1;
    if (strchr(t, '/')) {
      snprintf(why, why_size, "could not read the date \"%.23s\"", t);
      return -1;
    }
  }
  if (number_of(t, &v) == 0 && has_alpha(t)) { /* "the 15th": a day of the month */
    if (v < 1 || v > 31) {
      snprintf(why, why_size, "\"%s\" is no day of a month", t);
      return -1;
    }
    p->d = v;
    return 0;
  }
  if ((r = time_of(t, p, why, why_size)) != 0 || (r = compact_time_of(t, p, why, why_size)) != 0)
    return r > 0 ? 0 : -1;
  if (number_of(t, &v) == 0 && v <= 24) { /* "at 9": am or pm, unless a part of the day says */
    p->bare_hour = v, p->bare_minute = 0;
    return 0;
  }
  char zone[64];
  size_t len = strlen(t);
  char upper[TOKEN_LEN];
  for (size_t k = 0; k <= len; k++)
    upper[k] = (char)toupper((unsigned char)t[k]);
  if (p->zone[0] && ((len >= 2 && len <= 5 && !has_digit(t)) || strchr(t, '/')) &&
      (zone_resolve(t, zone, sizeof zone, NULL, 0, NULL, 0) >= 0 ||
       zone_resolve(upper, zone, sizeof zone, NULL, 0, NULL, 0) >= 0)) {
    snprintf(why, why_size, "the time names two time zones (%s and %s): give one", p->zone, zone);
    return -1;
  }
  if (((len >= 2 && len <= 5 && !has_digit(t)) || strchr(t, '/')) &&
      (zone_resolve(t, zone, sizeof zone, NULL, 0, NULL, 0) >= 0 ||
       zone_resolve(upper, zone, sizeof zone, NULL, 0, NULL, 0) >= 0)) {
    snprintf(p->zone, sizeof p->zone, "%s", zone);
    return 0;
  }
  snprintf(why, why_size, "could not read \"%s\"", t);
  return -1;
}

/* Reads the tokens into P. Returns 0 or -1 (WHY set). */
static int read_tokens(char tok[][TOKEN_LEN], int n, parsed *p, char *why, size_t why_size) {
  for (int i = 0; i < n; i++) {
    const char *t = tok[i];
    int v, k;
    if (!strcmp(t, "at") || !strcmp(t, "on") || !strcmp(t, "the") || !strcmp(t, "of") ||
        !strcmp(t, "this") || !strcmp(t, "coming") || !strcmp(t, "from") || !strcmp(t, "now") ||
        !strcmp(t, "@") || !strcmp(t, "o'clock") || !strcmp(t, "oclock"))
      continue;
    if ((k = phrase_words_of(tok, n, i, p, why, why_size)) < 0)
      return -1;
    if (k > 0) {
      i += k - 1;
      continue;
    }
    if (!strcmp(t, "today") || !strcmp(t, "tonight")) {
      p->day_offset = 0;
      if (t[2] == 'n')
        p->part = PART_NIGHT;
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
      p->week_next = true; /* "next week 10am": a week today; "tuesday next week" */
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
    } else {
      int r = other_word_of(t, p, why, why_size);
      if (r < 0)
        return -1;
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

/* Reads a bare hour ("at 9", "quarter past 3") with the part of the day named ("9 in the
 * morning", "tonight at 8"), and checks a clock time against it ("tomorrow morning 3pm").
 * Returns 0, or -1 with WHY when am or pm stays open or the two disagree. */
static int part_of_day_apply(parsed *p, const char *text, char *why, size_t why_size) {
  int h = p->bare_hour;
  if (h == 12 && !p->bare_minute && (p->hour == 12 || p->hour == 0) && !p->minute)
    h = p->bare_hour = -1; /* "12 noon", "12 midnight" */
  if (p->open_ampm && p->part >= PART_AFTERNOON)
    p->hour += 12; /* "9:30 in the evening" */
  if (h >= 0 && p->hour >= 0) {
    snprintf(why, why_size, "\"%.64s\" names two times of day: give one", text);
    return -1;
  }
  if (h >= 0 && !p->part) {
    int h12 = h == 0 ? 12 : h > 12 ? h - 12 : h;
    if (p->bare_minute)
      snprintf(p->ambiguous, sizeof p->ambiguous,
               "\"%d:%02d\" alone is ambiguous: say %d:%02dam or %d:%02dpm", h, p->bare_minute, h12,
               p->bare_minute, h12, p->bare_minute);
    else
      snprintf(p->ambiguous, sizeof p->ambiguous,
               "\"%d\" alone is ambiguous: say %d:00 (24-hour), %dam or %dpm", h, h, h12, h12);
    snprintf(why, why_size, "%s", p->ambiguous);
    return -1;
  }
  if (h >= 0) { /* morning 1-11 am, afternoon 12-6 pm, evening 4-11 pm, night 6-11 pm */
    bool fits = p->part == PART_MORNING     ? h >= 1 && h <= 11
                : p->part == PART_AFTERNOON ? h == 12 || (h >= 1 && h <= 6)
                : p->part == PART_EVENING   ? h >= 4 && h <= 11
                                            : h >= 6 && h <= 11;
    if (!fits) {
      snprintf(why, why_size, "\"%d\" in the %s is unclear: say e.g. \"%s\"", h,
               part_names[p->part], part_examples[p->part]);
      return -1;
    }
    p->hour = p->part == PART_MORNING || h == 12 ? h : h + 12;
    p->minute = p->bare_minute;
    return 0;
  }
  if (p->part && p->hour < 0 && p->rel_seconds < 0) {
    snprintf(why, why_size,
             "\"%.64s\" gives no time of day (the %s is hours long): add one, e.g. \"%.48s at %s\"",
             text, part_names[p->part], text, part_examples[p->part]);
    return -1;
  }
  static const int from[] = {0, 0, 12, 16, 18}, to[] = {0, 11, 17, 23, 28};
  int hour = p->hour + (p->part == PART_NIGHT && p->hour < 5 ? 24 : 0);
  if (p->part && p->hour >= 0 && (hour < from[p->part] || hour > to[p->part])) {
    snprintf(why, why_size, "\"%.64s\": %02d:%02d is not in the %s: give one of them", text,
             p->hour, p->minute, part_names[p->part]);
    return -1;
  }
  return 0;
}

/* The day of a day of the month: "Dec 3" (with no year: this year's, or next year's once
 * past), "the 15th" (this month's, or the next month that has one), "the 15th of next month".
 * TODAY is the zone's day. Returns 0 with *DAY, or -1 with WHY. */
static int month_day_of(const parsed *p, int64_t today, int64_t *day, char *why, size_t why_size) {
  int cy, cm, cd;
  tz_civil_from_days(today, &cy, &cm, &cd);
  int y = p->y, m = p->m;
  bool implicit = m < 0 && p->month_rel < 0;
  if (p->month_rel >= 0)
    y = cy, m = cm + p->month_rel;
  else if (implicit)
    y = cy, m = p->d < cd ? cm + 1 : cm;
  else if (y < 0)
    y = (m < cm || (m == cm && p->d < cd)) ? cy + 1 : cy;
  for (int tries = 0; tries < 3; tries++) {
    if (m > 12)
      m -= 12, y++;
    int dim = (int)(tz_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                    tz_days_from_civil(y, m, 1));
    if (p->d <= dim)
      break;
    if (!implicit || tries == 2) {
      snprintf(why, why_size, "%s %d, %d does not exist", months[m - 1], p->d, y);
      return -1;
    }
    m++; /* "the 31st" in November: December's */
  }
  *day = tz_days_from_civil(y, m, p->d);
  if (p->weekday >= 0 && ((*day % 7) + 11) % 7 != p->weekday) {
    snprintf(why, why_size, "%d-%02d-%02d is a %s, not a %s", y, m, p->d,
             weekdays[((*day % 7) + 11) % 7], weekdays[p->weekday]);
    return -1;
  }
  return 0;
}

/* Fills OUT with UTC shown in ZONE; GIVEN is the zone the phrase named when it differs. */
static int fill(phrase_time *out, const char *zone, int64_t utc, const char *text,
                const char *given) {
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
  int len = snprintf(out->reading, sizeof out->reading, "\"%.48s\" read as %s %.16s %s (%s)", text,
                     wd, local, zone, out->utc_text);
  if (strcmp(given, zone) != 0 && len > 0 && (size_t)len < sizeof out->reading)
    snprintf(out->reading + len, sizeof out->reading - (size_t)len, ", the time given in %.40s",
             given);
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
      fill(out, zone, utc, text, zone);
      char nowl[24];
      format_local(local_of(zone, now), nowl, sizeof nowl);
      snprintf(why, why_size, "%s is in the past (it is now %.16s in %s)", out->reading, nowl,
               zone);
      return -1;
    }
    return fill(out, zone, utc, text, zone);
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
              .month_rel = -1,
              .bare_hour = -1};
  if (read_tokens(tok, n, &p, why, why_size) != 0)
    return -1;
  if (p.ambiguous[0]) {
    snprintf(why, why_size, "%s", p.ambiguous);
    return -1;
  }
  if (part_of_day_apply(&p, text, why, why_size) != 0)
    return -1;
  const char *asked = zone; /* the zone the result is shown in */
  if (p.zone[0])
    zone = p.zone; /* "3pm EST": the phrase's own zone */

  /* "in 2 hours": an instant from now. */
  if (p.rel_seconds >= 0 && !p.rel_days) {
    if (p.hour >= 0 || p.m >= 0 || p.d >= 0 || p.weekday >= 0 || p.day_offset >= 0 || p.week_next ||
        p.plus_days) {
      snprintf(why, why_size, "\"%.64s\" mixes \"in ...\" with a date or time: give one", text);
      return -1;
    }
    return fill(out, asked, now + p.rel_seconds, text, zone);
  }

  int64_t now_local = local_of(zone, now);
  int64_t today = now_local >= 0 ? now_local / 86400 : (now_local - 86399) / 86400;
  int64_t day;
  bool month_named = p.m >= 0 || p.month_rel >= 0 || p.d >= 0;
  /* A weekday may come with a month ("Tuesday Dec 1", "the first Monday of March") or with
   * "next week"; the Nth weekday with a day of the month too is one day too many. */
  int dates =
      month_named + (p.weekday >= 0) + (p.day_offset >= 0) + (p.rel_seconds >= 0) + p.week_next;
  if ((dates > 1 && !((month_named || p.week_next) && p.weekday >= 0 && dates == 2)) ||
      (p.nth && p.d >= 0)) {
    snprintf(why, why_size, "\"%.64s\" names more than one day", text);
    return -1;
  }
  if (p.plus_days && dates == 0) {
    snprintf(why, why_size,
             "\"%.64s\" says from when but names no day: e.g. \"a week from friday\"", text);
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
  } else if (p.month_rel >= 0 && p.d < 0) {
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
  } else if (p.m >= 0 || p.d >= 0) {
    if (p.d < 0) {
      snprintf(why, why_size, "\"%.64s\" names a month but no day", text);
      return -1;
    }
    if (month_day_of(&p, today, &day, why, why_size) != 0)
      return -1;
  } else if (p.weekday >= 0 && p.week_next) { /* "tuesday next week": Monday-first weeks */
    int wd_today = (int)(((today % 7) + 11) % 7);
    day = today - (wd_today + 6) % 7 + 7 + (p.weekday + 6) % 7;
  } else if (p.weekday >= 0) {
    int wd_today = (int)(((today % 7) + 11) % 7);
    int ahead = (p.weekday - wd_today + 7) % 7;
    if (p.next_week && ahead == 0)
      ahead = 7;
    day = today + ahead;
    if (!p.next_week && ahead == 0 && day * 86400 + p.hour * 3600 + p.minute * 60 <= now_local)
      day += 7; /* "friday 9am" on a Friday at noon: the next one */
  } else if (p.week_next) {
    day = today + 7; /* "next week 10am": a week today */
  } else {
    day = today; /* a time alone: today */
  }
  day += p.plus_days;

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
    fill(out, asked, r[0], text, zone);
    char nowl[24];
    format_local(now_local, nowl, sizeof nowl);
    if (p.m < 0 && p.d < 0 && p.weekday < 0 && p.day_offset < 0 && p.rel_seconds < 0 &&
        !p.week_next && !p.plus_days)
      snprintf(why, why_size,
               "%s is in the past (it is now %.16s in %s); did you mean tomorrow at %02d:%02d?",
               out->reading, nowl, zone, p.hour, p.minute);
    else
      snprintf(why, why_size, "%s is in the past (it is now %.16s in %s)", out->reading, nowl,
               zone);
    return -1;
  }
  return fill(out, asked, r[0], text, zone);
}
