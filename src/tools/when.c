/* when.c - start_time arguments made ready for Zoom: an instant (Z or an
 * offset) becomes UTC with a Z, a local time stays local to the webinar's
 * timezone, and anything else is refused with the reason. */
#include "tools/app.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/num.h"
#include "base/tz.h"
#include "tools/phrase.h"
#include "zoom/config.h"

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : dm[m - 1];
}

/* What a start_time says: the wall-clock time, and its offset when it names one. */
typedef struct when_parsed {
  int64_t local; /* seconds since the epoch as if the wall clock were UTC */
  bool has_zone; /* Z or an offset was given */
  int offset;    /* seconds east of UTC, when has_zone */
  int y, mo, d, h, mi, s;
} when_parsed;

/* Parses IN. Returns 0, -1 for text of another form, -2 for a form that is
 * right but names no real date or time. */
static int when_parse(const char *in, when_parsed *w) {
  const char *p = in;
  int y, mo, d, h, mi, s = 0;
  memset(w, 0, sizeof *w);
  if (!in)
    return -1;
  if (num_digits(&p, 4, &y) || *p++ != '-' || num_digits(&p, 2, &mo) || *p++ != '-' ||
      num_digits(&p, 2, &d) || (*p != 'T' && *p != ' ') || (p++, num_digits(&p, 2, &h)) ||
      *p++ != ':' || num_digits(&p, 2, &mi))
    return -1;
  if (*p == ':') {
    p++;
    if (num_digits(&p, 2, &s))
      return -1;
    if (*p == '.') /* fractions of a second: Zoom has none */
      for (p++; isdigit((unsigned char)*p);)
        p++;
  }
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || s > 59)
    return -2;
  *w = (when_parsed){.y = y, .mo = mo, .d = d, .h = h, .mi = mi, .s = s};
  w->local = tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  if (*p == '\0')
    return 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
    if (num_digits(&p, 2, &oh))
      return -1;
    if (*p == ':')
      p++;
    if (*p && num_digits(&p, 2, &om))
      return -1;
    if (oh > 14 || om > 59)
      return -1;
    w->offset = sign * (oh * 3600 + om * 60);
  } else {
    return -1;
  }
  w->has_zone = true;
  return *p == '\0' ? 0 : -1;
}

int when_instant(const char *text, int64_t *utc) {
  when_parsed w;
  if (when_parse(text, &w) != 0 || !w.has_zone)
    return -1;
  *utc = w.local - w.offset;
  return 0;
}

int when_normalise(const char *in, char *out, size_t size, char *why, size_t why_size) {
  when_parsed w;
  int rc = size < 21 ? -1 : when_parse(in, &w);
  if (rc == -2) {
    snprintf(why, why_size, "\"%.64s\" is not a real date and time", in);
    return -1;
  }
  if (rc != 0)
    goto bad;
  if (!w.has_zone) { /* local to the webinar's timezone */
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d", w.y, w.mo, w.d, w.h, w.mi, w.s);
    return 0;
  }
  int64_t utc = w.local - w.offset;
  int uy, um, ud;
  tz_civil_from_days(utc >= 0 ? utc / 86400 : (utc - 86399) / 86400, &uy, &um, &ud);
  int64_t secs = ((utc % 86400) + 86400) % 86400;
  snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", uy, um, ud, (int)(secs / 3600),
           (int)(secs / 60 % 60), (int)(secs % 60));
  return 0;
bad:
  snprintf(why, why_size,
           "\"%.64s\" is not a time this server reads: use ISO 8601, "
           "\"2026-12-01T15:00:00\" (local to the webinar's timezone), "
           "\"2026-12-01T20:00:00Z\" (UTC) or \"2026-12-01T15:00:00-05:00\"",
           in ? in : "");
  return -1;
}

int when_fix_body(app *a, json_t *body, const when_zone_source *fallback, json_t **resolved,
                  char *why, size_t why_size) {
  *resolved = NULL;
  char zone[64] = "UTC", note[256] = "";
  const char *tzarg = json_string_value(json_object_get(body, "timezone"));
  if (tzarg) {
    int rc = zone_resolve(tzarg, zone, sizeof zone, note, sizeof note, why, why_size);
    if (rc < 0)
      return -1;
    json_object_set_new(body, "timezone", json_string(zone));
  }
  const char *st = json_string_value(json_object_get(body, "start_time"));
  if (!st) {
    if (note[0])
      *resolved = json_pack("{s:s}", "timezone_note", note);
    return 0;
  }
  char iso[40], iso_why[256];
  if (when_normalise(st, iso, sizeof iso, iso_why, sizeof iso_why) == 0) {
    json_object_set_new(body, "start_time", json_string(iso));
    if (note[0])
      *resolved = json_pack("{s:s}", "timezone_note", note);
    return 0;
  }
  if (strstr(iso_why, "not a real date")) { /* ISO in form, no such day: no zone can help */
    snprintf(why, why_size, "%s", iso_why);
    return -1;
  }
  if (!tzarg) { /* words need a zone: ZOOM_TIMEZONE, else the caller's, else UTC */
    zoom_config *cfg = zoom_client_config(a->zoom);
    const char *how = "UTC (no zone was given)";
    if (cfg && cfg->timezone) {
      snprintf(zone, sizeof zone, "%s", cfg->timezone);
      how = "ZOOM_TIMEZONE";
    } else if (fallback && fallback->fn(fallback->ctx, zone, sizeof zone) == 0 && tz_valid(zone)) {
      how = fallback->what;
    } else {
      snprintf(zone, sizeof zone, "UTC");
    }
    zoom_config_free(cfg);
    snprintf(note, sizeof note, "start_time read in %s: %s", zone, how);
  }
  phrase_time t;
  if (phrase_parse(st, zone, (int64_t)time(NULL), &t, why, why_size) != 0)
    return -1;
  json_object_set_new(body, "start_time", json_string(t.utc_text));
  *resolved = json_pack("{s:s, s:s, s:s, s:s}", "start_time_utc", t.utc_text, "start_time_local",
                        t.local, "timezone", zone, "reading", t.reading);
  if (*resolved && note[0])
    json_object_set_new(*resolved, "timezone_note", json_string(note));
  return 0;
}
