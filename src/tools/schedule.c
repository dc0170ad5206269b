/* schedule.c - schedule_webinar_from_prompt and
 * schedule_recurring_webinar_from_prompt: one sentence becomes a webinar.
 * sentence.c takes it apart, phrase.c reads its time in the right zone, and
 * the result says what was understood and what was assumed. */
#include "tools/app.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/tz.h"
#include "tools/phrase.h"
#include "tools/sentence.h"
#include "zoom/config.h"

#define DEFAULT_DURATION 60
#define DEFAULT_OCCURRENCES 4

static const char *const short_months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                           "jul", "aug", "sep", "oct", "nov", "dec"};

/* Appends a sentence to the ASSUMED array. */
static void assume(json_t *assumed, const char *fmt, const char *a, long n) {
  char buf[256];
  snprintf(buf, sizeof buf, fmt, a ? a : "", n);
  json_array_append_new(assumed, json_string(buf));
}

/* The zone: the sentence's, else ZOOM_TIMEZONE, else the host's, else UTC. */
static void pick_zone(app *a, json_t *parts, json_t *host, char *zone, size_t size,
                      json_t *assumed) {
  const char *z = json_string_value(json_object_get(parts, "timezone"));
  if (z) {
    snprintf(zone, size, "%s", z);
    return;
  }
  zoom_config *cfg = zoom_client_config(a->zoom);
  const char *host_zone = json_string_value(json_object_get(host, "timezone"));
  if (cfg && cfg->timezone) {
    snprintf(zone, size, "%s", cfg->timezone);
    assume(assumed, "time zone %s (ZOOM_TIMEZONE), since the sentence names none", zone, 0);
  } else if (host_zone && *host_zone) {
    snprintf(zone, size, "%s", host_zone);
    assume(assumed, "time zone %s (the host's Zoom profile), since the sentence names none", zone,
           0);
  } else {
    snprintf(zone, size, "UTC");
    assume(assumed, "time zone UTC, since neither the sentence nor the host names one", NULL, 0);
  }
  zoom_config_free(cfg);
}

/* "on the 15th at 5pm" -> day 15, the rest ("at 5pm") in REST. 0 when none. */
static int day_of_month(const char *when, char *rest, size_t size) {
  int day = 0;
  size_t n = 0;
  rest[0] = '\0';
  char copy[256];
  snprintf(copy, sizeof copy, "%s", when);
  char *save = NULL;
  for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
    char *end;
    long v = strtol(t, &end, 10);
    if (end != t && v >= 1 && v <= 31 &&
        (!strcmp(end, "st") || !strcmp(end, "nd") || !strcmp(end, "rd") || !strcmp(end, "th"))) {
      day = (int)v;
      continue;
    }
    if (!strcmp(t, "on") || !strcmp(t, "the") || !strcmp(t, "of"))
      continue;
    n += (size_t)snprintf(rest + n, size - n, "%s%s", n ? " " : "", t);
    if (n >= size)
      n = size - 1;
  }
  return day;
}

/* Reads the first start of the series or webinar into T. Returns 0, or -1
 * with WHY. */
static int first_start(json_t *parts, const char *zone, int64_t now, phrase_time *t, char *why,
                       size_t why_size) {
  const char *when = json_string_value(json_object_get(parts, "when"));
  json_t *rec = json_object_get(parts, "recurrence");
  const char *freq = json_string_value(json_object_get(rec, "frequency"));
  char phrase[320];
  if (!when) {
    snprintf(why, why_size,
             "the sentence gives no time: add one, e.g. \"... tomorrow at 3pm\" or \"... every "
             "Tuesday at 10am\"");
    return -1;
  }
  json_t *days = json_object_get(rec, "days");
  if (json_array_size(days)) { /* the earliest of the coming named days */
    int found = -1;
    size_t i;
    json_t *d;
    json_array_foreach(days, i, d) {
      phrase_time cand;
      char w2[256];
      snprintf(phrase, sizeof phrase, "%s %s", json_string_value(d), when);
      if (phrase_parse(phrase, zone, now, &cand, w2, sizeof w2) != 0) {
        snprintf(why, why_size, "%s", w2);
        return -1;
      }
      if (found < 0 || cand.utc < t->utc)
        *t = cand;
      found = 0;
    }
    return 0;
  }
  json_t *mweek = json_object_get(rec, "monthly_week");
  if (mweek) { /* "the last Friday of every month": this month's, else next month's */
    static const char *const nth[] = {"last", "first", "second", "third", "fourth"};
    static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    json_int_t wk = json_integer_value(mweek);
    json_int_t wd = json_integer_value(json_object_get(rec, "monthly_week_day"));
    if (wk < -1 || wk > 4 || wk == 0 || wd < 1 || wd > 7) {
      snprintf(why, why_size, "the week of the month is not one Zoom can repeat on");
      return -1;
    }
    static const char *const months_ahead[] = {"this", "next"};
    for (int k = 0; k < 2; k++) {
      snprintf(phrase, sizeof phrase, "%s %s of %s month %s", nth[wk < 0 ? 0 : wk],
               day_names[wd - 1], months_ahead[k], when);
      if (phrase_parse(phrase, zone, now, t, why, why_size) == 0)
        return 0;
      if (!strstr(why, "in the past")) /* this month's is past: next month's */
        return -1;
    }
    return -1;
  }
  if (freq && !strcmp(freq, "monthly")) {
    char rest[256];
    int day = day_of_month(when, rest, sizeof rest);
    if (day) { /* the next such day of a month, at the time given */
      int off = 0;
      tz_offset_at(zone, now, &off);
      int64_t local = now + off;
      int y, m, d;
      tz_civil_from_days(local / 86400, &y, &m, &d);
      for (int k = 0; k < 3; k++) {
        int mm = (m - 1 + k) % 12, yy = y + (m - 1 + k) / 12;
        snprintf(phrase, sizeof phrase, "%s %d %d %s", short_months[mm], day, yy, rest);
        if (phrase_parse(phrase, zone, now, t, why, why_size) == 0)
          return 0;
      }
      return -1;
    }
  }
  if (phrase_parse(when, zone, now, t, why, why_size) == 0)
    return 0;
  if (freq && strstr(why, "did you mean tomorrow")) { /* a daily time already past today */
    snprintf(phrase, sizeof phrase, "tomorrow %s", when);
    return phrase_parse(phrase, zone, now, t, why, why_size);
  }
  return -1;
}

/* The recurrence body for Zoom from the sentence's recurrence. */
static json_t *recurrence_body(json_t *rec, const phrase_time *start, const char *zone,
                               json_t *assumed, char *why, size_t why_size) {
  const char *freq = json_string_value(json_object_get(rec, "frequency"));
  int type = !strcmp(freq, "daily") ? 1 : !strcmp(freq, "weekly") ? 2 : 3;
  json_t *out = json_pack("{s:i, s:O}", "type", type, "repeat_interval",
                          json_object_get(rec, "repeat_interval"));
  if (type == 2) {
    json_t *wd = json_object_get(rec, "weekly_days");
    if (wd) {
      json_object_set(out, "weekly_days", wd);
    } else { /* "weekly": the start's weekday */
      int off = 0;
      tz_offset_at(zone, start->utc, &off);
      int64_t days = (start->utc + off) / 86400;
      char d[4];
      snprintf(d, sizeof d, "%d", (int)(((days % 7) + 11) % 7) + 1);
      json_object_set_new(out, "weekly_days", json_string(d));
      assume(assumed, "every week on the first session's weekday", NULL, 0);
    }
  }
  if (type == 3 && json_object_get(rec, "monthly_week")) {
    json_object_set(out, "monthly_week", json_object_get(rec, "monthly_week"));
    json_object_set(out, "monthly_week_day", json_object_get(rec, "monthly_week_day"));
  } else if (type == 3) {
    json_object_set_new(out, "monthly_day",
                        json_integer((start->local[8] - '0') * 10 + (start->local[9] - '0')));
  }
  json_t *times = json_object_get(rec, "end_times");
  const char *until = json_string_value(json_object_get(rec, "until"));
  if (times) {
    json_object_set(out, "end_times", times);
  } else if (until) {
    char phrase[320];
    phrase_time end;
    snprintf(phrase, sizeof phrase, "%s 23:59", until);
    if (phrase_parse(phrase, zone, start->utc - 1, &end, why, why_size) != 0) {
      json_decref(out);
      return NULL;
    }
    json_object_set_new(out, "end_date_time", json_string(end.utc_text));
  } else {
    json_object_set_new(out, "end_times", json_integer(DEFAULT_OCCURRENCES));
    assume(assumed, "%s%ld occurrences, since the sentence does not say when the series ends", NULL,
           DEFAULT_OCCURRENCES);
  }
  if (webinar_recurrence_check(out, "", "recurrence type", true, zone, why, why_size) != 0) {
    json_decref(out);
    return NULL;
  }
  return out;
}

static json_t *schedule(mcp_call *call, json_t *args, bool recurring) {
  const char *text = json_string_value(json_object_get(args, "prompt"));
  const char *selection = json_string_value(json_object_get(args, "user_selection"));
  json_t *parts = NULL, *host = NULL, *body = NULL, *extra = NULL, *res = NULL;
  json_t *assumed = json_array(), *rec = NULL;
  char why[512];
  if (sentence_parse(text, &parts, why, sizeof why) != 0) {
    res = mcp_tool_error("%s. Nothing was sent to Zoom.", why);
    goto cleanup;
  }
  json_t *srec = json_object_get(parts, "recurrence");
  if (srec && !recurring) {
    res = mcp_tool_error("\"%.200s\" describes a series (%s): use "
                         "schedule_recurring_webinar_from_prompt. Nothing was sent to Zoom.",
                         text, json_string_value(json_object_get(srec, "frequency")));
    goto cleanup;
  }
  if (!srec && recurring) {
    res = mcp_tool_error("\"%.200s\" does not say how the webinar repeats: add e.g. \"every "
                         "Tuesday\", \"daily\" or \"every month on the 15th\". Nothing was sent "
                         "to Zoom.",
                         text);
    goto cleanup;
  }
  if (!selection)
    selection = json_string_value(json_object_get(parts, "host"));
  if (users_resolve_selection(call, selection, &host) != 0) {
    res = host; /* an error, or NULL while the person is asked */
    host = NULL;
    goto cleanup;
  }
  char zone[64];
  pick_zone(app_of(call), parts, host, zone, sizeof zone, assumed);
  phrase_time start;
  if (first_start(parts, zone, (int64_t)time(NULL), &start, why, sizeof why) != 0) {
    res = mcp_tool_error("%s. Nothing was sent to Zoom.", why);
    goto cleanup;
  }
  json_t *dur = json_object_get(parts, "duration");
  if (!dur)
    assume(assumed, "%s%ld minutes, since the sentence gives no length", NULL, DEFAULT_DURATION);
  body = json_pack("{s:O, s:i, s:s, s:I, s:s}", "topic", json_object_get(parts, "topic"), "type",
                   recurring ? 9 : 5, "start_time", start.utc_text, "duration",
                   dur ? json_integer_value(dur) : (json_int_t)DEFAULT_DURATION, "timezone", zone);
  if (recurring) {
    rec = recurrence_body(srec, &start, zone, assumed, why, sizeof why);
    if (!rec) {
      res = mcp_tool_error("%s. Nothing was sent to Zoom.", why);
      goto cleanup;
    }
    json_object_set(body, "recurrence", rec);
  }
  json_t *understood = json_deep_copy(body);
  json_object_set_new(understood, "start_time_local", json_string(start.local));
  json_object_set_new(understood, "reading", json_string(start.reading));
  json_object_set(understood, "host", host);
  extra =
      json_pack("{s:s, s:o, s:O}", "prompt", text, "understood", understood, "assumed", assumed);
  res = webinar_create(call, json_string_value(json_object_get(host, "id")), body,
                       engine_is_dry_run(args), extra);

cleanup:
  json_decref(rec);
  json_decref(extra);
  json_decref(body);
  json_decref(host);
  json_decref(parts);
  json_decref(assumed);
  return res;
}

static json_t *tool_schedule_webinar(mcp_call *call, json_t *args) {
  return schedule(call, args, false);
}

static json_t *tool_schedule_recurring_webinar(mcp_call *call, json_t *args) {
  return schedule(call, args, true);
}

const app_handler schedule_handlers[] = {
    {"schedule_webinar_from_prompt", tool_schedule_webinar},
    {"schedule_recurring_webinar_from_prompt", tool_schedule_recurring_webinar},
    {NULL, NULL},
};
