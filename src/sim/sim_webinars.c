/* sim_webinars.c - the simulator's webinars: create, get, list, update, delete, status, recurrence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "base/tz.h"

#define TOPIC_MAX 200
#define AGENDA_MAX 2000
#define PASSWORD_MAX 10
#define DURATION_MAX 1440
#define EXPIRE_AFTER (30 * 86400) /* a webinar expires 30 days after it ends */
#define SANDBOX_WEB "https://sandbox.zoom.invalid"

/* Settings a webinar gets when the body leaves them out. */
static const char settings_defaults[] =
    "{\"host_video\":false,\"panelists_video\":false,\"practice_session\":false,"
    "\"hd_video\":false,\"hd_video_for_attendees\":false,\"send_1080p_video_to_attendees\":false,"
    "\"approval_type\":2,\"registration_type\":1,\"audio\":\"both\",\"auto_recording\":\"none\","
    "\"enforce_login\":false,\"enforce_login_domains\":\"\",\"alternative_hosts\":\"\","
    "\"alternative_host_update_polls\":false,\"close_registration\":false,"
    "\"show_share_button\":true,\"allow_multiple_devices\":false,\"on_demand\":false,"
    "\"global_dial_in_countries\":[\"US\"],\"registrants_restrict_number\":0,"
    "\"post_webinar_survey\":false,\"survey_url\":\"\",\"registrants_email_notification\":true,"
    "\"registrants_confirmation_email\":true,\"meeting_authentication\":false,"
    "\"panelist_authentication\":false,\"panelists_invitation_email_notification\":true,"
    "\"email_language\":\"en-US\",\"add_watermark\":false,\"add_audio_watermark\":false,"
    "\"enable_session_branding\":false,"
    "\"question_and_answer\":{\"enable\":true,\"allow_submit_questions\":true,"
    "\"allow_anonymous_questions\":true,\"answer_questions\":\"all\","
    "\"attendees_can_comment\":true,\"attendees_can_upvote\":true},"
    "\"language_interpretation\":{\"enable\":false,\"interpreters\":[]},"
    "\"sign_language_interpretation\":{\"enable\":false,\"interpreters\":[]},"
    "\"attendees_and_panelists_reminder_email_notification\":{\"enable\":true,\"type\":0},"
    "\"follow_up_attendees_email_notification\":{\"enable\":false,\"type\":0},"
    "\"follow_up_absentees_email_notification\":{\"enable\":false,\"type\":0}}";

/* Settings an occurrence may override (PATCH with occurrence_id). */
static const char *const occurrence_settings[] = {
    "host_video", "panelists_video", "hd_video", "add_watermark", "watermark", "auto_recording",
};

/* ---- field checks ------------------------------------------------------------------- */

/* Each check appends to ERRORS and returns false when the value is bad. */
static bool check_string(json_t *v, const char *field, size_t max, json_t *errors) {
  if (!json_is_string(v)) {
    sim_errors_add(errors, field, "Invalid field: %s must be a string.", field);
    return false;
  }
  if (json_string_length(v) > max) {
    sim_errors_add(errors, field, "%s must be at most %zu characters.", field, max);
    return false;
  }
  return true;
}

static bool check_int(json_t *v, const char *field, long long min, long long max, json_t *errors) {
  if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
    sim_errors_add(errors, field, "Invalid field: %s must be an integer from %lld to %lld.", field,
                   min, max);
    return false;
  }
  return true;
}

static bool check_enum(json_t *v, const char *field, const char *const *allowed, size_t n,
                       json_t *errors) {
  if (json_is_string(v))
    for (size_t i = 0; i < n; i++)
      if (strcmp(json_string_value(v), allowed[i]) == 0)
        return true;
  sim_errors_add(errors, field, "Invalid field: %s.", field);
  return false;
}

static bool password_ok(const char *p) {
  for (; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          strchr("@-_*!", *p)))
      return false;
  return true;
}

/* Settings check_settings checks one by one (range, enum, length). */
static const char *const settings_checked[] = {
    "approval_type",  "registration_type", "registrants_restrict_number", "audio",
    "auto_recording", "alternative_hosts", "audio_conference_info",       NULL};

/* Appends an error for each member of ST whose JSON type differs from the same
 * member of MODEL (the defaults: a boolean stays a boolean, an object an object),
 * one level into objects. PREFIX names ST in the message. */
static void check_setting_types(json_t *st, json_t *model, const char *prefix, json_t *errors) {
  const char *key;
  json_t *val;
  json_object_foreach(st, key, val) {
    json_t *want = json_object_get(model, key);
    char field[160];
    bool checked = false;
    for (size_t i = 0; settings_checked[i]; i++)
      checked |= strcmp(prefix, "settings") == 0 && strcmp(key, settings_checked[i]) == 0;
    if (!want || checked)
      continue;
    snprintf(field, sizeof field, "%s.%.100s", prefix, key);
    if (json_typeof(want) != json_typeof(val) && !(json_is_boolean(want) && json_is_boolean(val)))
      sim_errors_add(errors, field, "Invalid field: %s.", field);
    else if (json_is_object(want) && strchr(prefix, '.') == NULL)
      check_setting_types(val, want, field, errors);
  }
}

static const char *const audio_values[] = {"both", "telephony", "voip", "thirdParty"};
static const char *const recording_values[] = {"local", "cloud", "none"};

/* Checks the settings object of a body. */
static void check_settings(json_t *st, json_t *errors) {
  json_t *v;
  if (!json_is_object(st)) {
    sim_errors_add(errors, "settings", "Invalid field: settings must be an object.");
    return;
  }
  if ((v = json_object_get(st, "approval_type")))
    check_int(v, "settings.approval_type", 0, 2, errors);
  if ((v = json_object_get(st, "registration_type")))
    check_int(v, "settings.registration_type", 1, 3, errors);
  if ((v = json_object_get(st, "registrants_restrict_number")))
    check_int(v, "settings.registrants_restrict_number", 0, 20000, errors);
  if ((v = json_object_get(st, "audio")))
    check_enum(v, "settings.audio", audio_values, 4, errors);
  if ((v = json_object_get(st, "auto_recording")))
    check_enum(v, "settings.auto_recording", recording_values, 3, errors);
  if ((v = json_object_get(st, "alternative_hosts")))
    check_string(v, "settings.alternative_hosts", 1024, errors);
  if ((v = json_object_get(st, "audio_conference_info")))
    check_string(v, "settings.audio_conference_info", 2048, errors);
  json_t *model = json_loads(settings_defaults, 0, NULL);
  check_setting_types(st, model, "settings", errors);
  json_decref(model);
  const char *key;
  json_t *val;
  json_object_foreach(st, key, val) {
    if (json_is_boolean(val) || json_is_integer(val) || json_is_string(val) ||
        json_is_object(val) || json_is_array(val))
      continue;
    char clip[SIM_ECHO_MAX];
    sim_errors_add(errors, "settings", "Invalid field: settings.%s.",
                   sim_text_clip(clip, sizeof clip, key));
  }
}

/* Reads a weekly_days list "1,3,5" into a bit set of days 1..7 (1 = Sunday). */
static int weekly_days_parse(const char *text, unsigned *mask) {
  unsigned m = 0;
  const char *p = text;
  while (*p) {
    if (*p < '1' || *p > '7')
      return -1;
    m |= 1u << (*p - '0');
    p++;
    if (*p == ',')
      p++;
    else if (*p)
      return -1;
  }
  if (!m)
    return -1;
  *mask = m;
  return 0;
}

/* Checks a recurrence object. */
static void check_recurrence(json_t *rec, json_t *errors) {
  static const long long interval_max[] = {0, 90, 12, 3};
  if (!json_is_object(rec)) {
    sim_errors_add(errors, "recurrence", "Invalid field: recurrence must be an object.");
    return;
  }
  json_t *type = json_object_get(rec, "type");
  if (!type || !check_int(type, "recurrence.type", 1, 3, errors)) {
    if (!type)
      sim_errors_add(errors, "recurrence.type", "recurrence.type is required.");
    return;
  }
  int t = (int)json_integer_value(type);
  json_t *v;
  if ((v = json_object_get(rec, "repeat_interval")))
    check_int(v, "recurrence.repeat_interval", 1, interval_max[t], errors);
  if ((v = json_object_get(rec, "weekly_days"))) {
    unsigned mask;
    if (!json_is_string(v) || weekly_days_parse(json_string_value(v), &mask))
      sim_errors_add(errors, "recurrence.weekly_days",
                     "Invalid field: weekly_days takes days 1 to 7 separated by commas.");
  }
  if ((v = json_object_get(rec, "monthly_day")))
    check_int(v, "recurrence.monthly_day", 1, 31, errors);
  if ((v = json_object_get(rec, "monthly_week")) &&
      !(json_is_integer(v) && json_integer_value(v) != 0 && json_integer_value(v) >= -1 &&
        json_integer_value(v) <= 4))
    sim_errors_add(errors, "recurrence.monthly_week",
                   "Invalid field: monthly_week is one of -1, 1, 2, 3, 4.");
  if ((v = json_object_get(rec, "monthly_week_day")))
    check_int(v, "recurrence.monthly_week_day", 1, 7, errors);
  json_t *times = json_object_get(rec, "end_times");
  json_t *until = json_object_get(rec, "end_date_time");
  if (times)
    check_int(times, "recurrence.end_times", 1, 60, errors);
  if (until) {
    int64_t t_until;
    if (!json_is_string(until) || sim_time_parse(json_string_value(until), NULL, &t_until))
      sim_errors_add(errors, "recurrence.end_date_time",
                     "Invalid field: end_date_time must be yyyy-MM-ddTHH:mm:ssZ.");
  }
  if (times && until)
    sim_errors_add(errors, "recurrence.end_times",
                   "end_times and end_date_time cannot be used together.");
}

/* ---- recurrence --------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Day of week of a day number, 0 = Sunday (1970-01-01 was a Thursday). */
static int weekday(int64_t day) {
  return (int)(((day % 7) + 11) % 7);
}

static int month_days(int y, int m) {
  return (int)(tz_days_from_civil(y + (m == 12), m % 12 + 1, 1) - tz_days_from_civil(y, m, 1));
}

/* Day number of the N-th (1..4, or -1 = last) weekday WD (0 = Sunday) of Y-M. */
static int64_t nth_weekday(int y, int m, int n, int wd) {
  int64_t first = tz_days_from_civil(y, m, 1);
  if (n > 0)
    return first + (wd - weekday(first) + 7) % 7 + (int64_t)(n - 1) * 7;
  int64_t last = first + month_days(y, m) - 1;
  return last - (weekday(last) - wd + 7) % 7;
}

/* Expands REC (validated) from the first start FIRST (UTC) at the same local
 * time in ZONE. Stores at most MAX starts in OUT; returns the count. */
static size_t recurrence_expand(const char *zone, int64_t first, json_t *rec, int64_t *out,
                                size_t max) {
  int type = (int)json_integer_value(json_object_get(rec, "type"));
  json_t *iv = json_object_get(rec, "repeat_interval");
  int interval = iv ? (int)json_integer_value(iv) : 1;
  json_t *times = json_object_get(rec, "end_times");
  json_t *until_j = json_object_get(rec, "end_date_time");
  int64_t until = INT64_MAX;
  size_t want = max;
  if (until_j)
    sim_time_parse(json_string_value(until_j), NULL, &until);
  else
    want = times ? (size_t)json_integer_value(times) : 1;
  if (want > max)
    want = max;
  int off = 0;
  tz_offset_at(zone, first, &off);
  int64_t local0 = first + off;
  int64_t d0 = floor_div(local0, 86400);
  int64_t tod = local0 - d0 * 86400;
  int y0, m0, dd0;
  tz_civil_from_days(d0, &y0, &m0, &dd0);
  unsigned mask = 1u << (weekday(d0) + 1);
  json_t *wdays = json_object_get(rec, "weekly_days");
  if (wdays)
    weekly_days_parse(json_string_value(wdays), &mask);
  json_t *mday = json_object_get(rec, "monthly_day");
  json_t *mweek = json_object_get(rec, "monthly_week");
  json_t *mweekday = json_object_get(rec, "monthly_week_day");
  size_t n = 0;
  for (int k = 0; k < 5000 && n < want; k++) {
    int64_t days[7];
    size_t nd = 0;
    if (type == 1) {
      days[nd++] = d0 + (int64_t)k * interval;
    } else if (type == 2) {
      int64_t week = d0 - weekday(d0) + (int64_t)k * interval * 7;
      for (int wd = 1; wd <= 7; wd++)
        if (mask & (1u << wd))
          days[nd++] = week + wd - 1;
    } else {
      int months = m0 - 1 + k * interval;
      int y = y0 + months / 12, m = months % 12 + 1;
      if (mweek && mweekday)
        days[nd++] = nth_weekday(y, m, (int)json_integer_value(mweek),
                                 (int)json_integer_value(mweekday) - 1);
      else {
        int dom = mday ? (int)json_integer_value(mday) : dd0;
        if (dom <= month_days(y, m))
          days[nd++] = tz_days_from_civil(y, m, dom);
      }
    }
    for (size_t i = 0; i < nd && n < want; i++) {
      if (days[i] < d0)
        continue;
      int64_t utc;
      if (tz_local_to_utc(zone, days[i] * 86400 + tod, &utc))
        utc = days[i] * 86400 + tod - off;
      if (utc > until)
        return n;
      out[n++] = utc;
    }
  }
  return n;
}

/* Rebuilds W's occurrences from its recurrence (types 9; none for 5 and 6). */
static int occurrences_build(sim_webinar *w) {
  for (size_t i = 0; i < w->nocc; i++)
    json_decref(w->occ[i].overrides);
  free(w->occ);
  w->occ = NULL;
  w->nocc = 0;
  json_t *rec = json_object_get(w->obj, "recurrence");
  if (w->type != 9 || !rec)
    return 0;
  int64_t starts[SIM_OCCURRENCES_MAX];
  const char *zone = json_string_value(json_object_get(w->obj, "timezone"));
  size_t n = recurrence_expand(zone, w->start, rec, starts, SIM_OCCURRENCES_MAX);
  if (n == 0)
    return 0;
  w->occ = calloc(n, sizeof *w->occ);
  if (!w->occ)
    return -1;
  for (size_t i = 0; i < n; i++) {
    snprintf(w->occ[i].id, sizeof w->occ[i].id, "%lld", (long long)starts[i] * 1000);
    w->occ[i].start = starts[i];
    w->occ[i].duration = w->duration;
  }
  w->nocc = n;
  if (n > 0)
    w->start = starts[0];
  return 0;
}

static sim_occurrence *occurrence_find(sim_webinar *w, const char *id) {
  for (size_t i = 0; i < w->nocc; i++)
    if (strcmp(w->occ[i].id, id) == 0)
      return &w->occ[i];
  return NULL;
}

/* When W's last session ends (INT64_MAX for type 6). */
static int64_t webinar_end(const sim_webinar *w) {
  if (w->type == 6)
    return INT64_MAX;
  int64_t end = w->start + (int64_t)w->duration * 60;
  for (size_t i = 0; i < w->nocc; i++)
    if (!w->occ[i].deleted && w->occ[i].start + w->occ[i].duration * 60 > end)
      end = w->occ[i].start + (int64_t)w->occ[i].duration * 60;
  return end;
}

static bool webinar_expired(const sim_webinar *w, int64_t now) {
  int64_t end = webinar_end(w);
  return end != INT64_MAX && end + EXPIRE_AFTER < now;
}

/* The next session's start that has not ended yet, or the first start. */
static int64_t webinar_next_start(const sim_webinar *w, int64_t now) {
  for (size_t i = 0; i < w->nocc; i++)
    if (!w->occ[i].deleted && w->occ[i].start + w->occ[i].duration * 60 > now)
      return w->occ[i].start;
  return w->start;
}

/* ---- JSON --------------------------------------------------------------------------- */

static json_t *occurrence_json(const sim_occurrence *o) {
  char start[21];
  sim_time_format(o->start, start);
  return json_pack("{s:s,s:s,s:i,s:s}", "occurrence_id", o->id, "start_time", start, "duration",
                   o->duration, "status", o->deleted ? "deleted" : "available");
}

json_t *sim_webinar_to_json(sim *s, const sim_webinar *w, const char *occ_id, bool show_previous) {
  int64_t now = sim_now(s);
  json_t *out = json_deep_copy(w->obj);
  if (!out)
    return NULL;
  char when[21];
  json_object_set_new(out, "uuid", json_string(w->uuid));
  json_object_set_new(out, "id", json_integer((json_int_t)w->id));
  json_object_set_new(out, "host_id", json_string(w->host_id));
  json_object_set_new(out, "type", json_integer(w->type));
  json_object_set_new(out, "duration", json_integer(w->duration));
  sim_time_format(w->created_at, when);
  json_object_set_new(out, "created_at", json_string(when));
  if (w->type != 6) {
    sim_time_format(webinar_next_start(w, now), when);
    json_object_set_new(out, "start_time", json_string(when));
  }
  json_t *settings = json_object_get(out, "settings");
  if (json_integer_value(json_object_get(settings, "approval_type")) == 2)
    json_object_del(out, "registration_url");
  if (w->type == 9) {
    json_t *occs = json_array();
    for (size_t i = 0; i < w->nocc; i++) {
      const sim_occurrence *o = &w->occ[i];
      if (occ_id) {
        if (strcmp(o->id, occ_id) != 0)
          continue;
        /* One occurrence: its own time, agenda and settings. */
        sim_time_format(o->start, when);
        json_object_set_new(out, "start_time", json_string(when));
        json_object_set_new(out, "duration", json_integer(o->duration));
        json_t *agenda = json_object_get(o->overrides, "agenda");
        if (agenda)
          json_object_set(out, "agenda", agenda);
        json_t *ost = json_object_get(o->overrides, "settings");
        if (ost)
          json_object_update(settings, ost);
      } else if (!show_previous && (o->deleted || o->start + o->duration * 60 <= now)) {
        continue;
      }
      json_array_append_new(occs, occurrence_json(o));
    }
    json_object_set_new(out, "occurrences", occs);
  }
  return out;
}

/* The short form GET /users/{userId}/webinars lists. */
static json_t *webinar_list_item(const sim_webinar *w, int64_t now) {
  static const char *const keys[] = {"topic", "timezone", "agenda", "join_url", "is_simulive"};
  char when[21];
  json_t *item = json_object();
  json_object_set_new(item, "uuid", json_string(w->uuid));
  json_object_set_new(item, "id", json_integer((json_int_t)w->id));
  json_object_set_new(item, "host_id", json_string(w->host_id));
  json_object_set_new(item, "type", json_integer(w->type));
  json_object_set_new(item, "duration", json_integer(w->duration));
  if (w->type != 6) {
    sim_time_format(webinar_next_start(w, now), when);
    json_object_set_new(item, "start_time", json_string(when));
  }
  sim_time_format(w->created_at, when);
  json_object_set_new(item, "created_at", json_string(when));
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    json_t *v = json_object_get(w->obj, keys[i]);
    if (v)
      json_object_set(item, keys[i], v);
  }
  return item;
}

/* ---- create and update -------------------------------------------------------------- */

/* Merges SRC settings into DST one level deep (objects merge, others replace). */
static void settings_merge(json_t *dst, json_t *src) {
  const char *key;
  json_t *val;
  json_object_foreach(src, key, val) {
    json_t *cur = json_object_get(dst, key);
    if (json_is_object(cur) && json_is_object(val))
      json_object_update(cur, val);
    else
      json_object_set(dst, key, val);
  }
}

/* Checks the fields common to POST and PATCH bodies. */
static void check_common(sim *s, json_t *body, json_t *errors, bool is_patch) {
  json_t *v;
  if ((v = json_object_get(body, "type")) &&
      !(json_is_integer(v) &&
        (json_integer_value(v) == 5 || json_integer_value(v) == 6 || json_integer_value(v) == 9)))
    sim_errors_add(errors, "type", "Invalid field: type is one of 5, 6, 9.");
  if ((v = json_object_get(body, "topic")))
    check_string(v, "topic", TOPIC_MAX, errors);
  if ((v = json_object_get(body, "agenda")))
    check_string(v, "agenda", AGENDA_MAX, errors);
  if ((v = json_object_get(body, "duration")))
    check_int(v, "duration", 0, DURATION_MAX, errors);
  if ((v = json_object_get(body, "password")) &&
      check_string(v, "password", PASSWORD_MAX, errors) && !password_ok(json_string_value(v)))
    sim_errors_add(errors, "password",
                   "Password may only contain the following characters: [a-z A-Z 0-9 @ - _ * !].");
  json_t *tz = json_object_get(body, "timezone");
  if (tz &&
      (!json_is_string(tz) || (json_string_length(tz) > 0 && !tz_valid(json_string_value(tz)))))
    sim_errors_add(errors, "timezone", "Invalid field: timezone.");
  if ((v = json_object_get(body, "start_time"))) {
    int64_t t;
    const char *zone = json_is_string(tz) ? json_string_value(tz) : NULL;
    if (!json_is_string(v) ||
        sim_time_parse(json_string_value(v), zone && tz_valid(zone) ? zone : "UTC", &t))
      sim_errors_add(errors, "start_time",
                     "Invalid field: start_time must be yyyy-MM-ddTHH:mm:ss "
                     "(UTC with a trailing Z, else local time in timezone).");
  }
  if ((v = json_object_get(body, "settings")))
    check_settings(v, errors);
  if ((v = json_object_get(body, "recurrence")) && !json_is_null(v))
    check_recurrence(v, errors);
  if ((v = json_object_get(body, "tracking_fields"))) {
    size_t i;
    json_t *tf;
    bool ok = json_is_array(v);
    json_array_foreach(v, i, tf) {
      ok = ok && json_is_object(tf) && json_is_string(json_object_get(tf, "field"));
    }
    if (!ok)
      sim_errors_add(errors, "tracking_fields",
                     "Invalid field: tracking_fields is a list of {field, value}.");
  }
  if ((v = json_object_get(body, "schedule_for")) &&
      (!json_is_string(v) || !sim_user_find(s, json_string_value(v))))
    sim_errors_add(errors, "schedule_for",
                   "The value that you entered for the schedule_for field is invalid. Enter a "
                   "valid value and try again.");
  if ((v = json_object_get(body, "is_simulive")) && !json_is_boolean(v))
    sim_errors_add(errors, "is_simulive", "Invalid field: is_simulive must be a boolean.");
  (void)is_patch;
}

/* Copies the plain fields of BODY into W->obj. */
static void apply_plain_fields(sim_webinar *w, json_t *body) {
  static const char *const keys[] = {"topic",           "agenda",      "password",
                                     "tracking_fields", "is_simulive", "record_file_id",
                                     "template_id"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    json_t *v = json_object_get(body, keys[i]);
    if (v)
      json_object_set(w->obj, keys[i], v);
  }
}

/* Checks a POST body without touching the account. */
static void check_create(sim *s, json_t *body, json_t *errors) {
  if (!json_is_object(body)) {
    sim_errors_add(errors, "body", "Request Body should be a valid JSON object.");
    return;
  }
  check_common(s, body, errors, false);
  json_t *typej = json_object_get(body, "type");
  if (json_is_integer(typej) && json_integer_value(typej) == 9 &&
      !json_is_object(json_object_get(body, "recurrence")))
    sim_errors_add(errors, "recurrence", "recurrence is required for a type 9 webinar.");
}

int sim_webinar_create(sim *s, const char *host_id, json_t *body, json_t *errors,
                       sim_webinar **out) {
  sim_webinar *w = NULL;
  *out = NULL;
  if (!json_is_object(body)) {
    sim_errors_add(errors, "body", "Request Body should be a valid JSON object.");
    return -1;
  }
  check_create(s, body, errors);
  if (json_array_size(errors) > 0)
    return -1;
  json_t *typej = json_object_get(body, "type");
  int type = json_is_integer(typej) ? (int)json_integer_value(typej) : 5;
  json_t *rec = json_object_get(body, "recurrence");

  json_t *sched = json_object_get(body, "schedule_for");
  json_t *host = sim_user_find(s, sched ? json_string_value(sched) : host_id);
  if (!host)
    return -1;
  w = sim_webinar_new();
  if (!w)
    return -1;
  w->id = sim_new_webinar_id(s);
  sim_new_uuid(s, w->uuid);
  snprintf(w->host_id, sizeof w->host_id, "%s", sim_user_id_of(host));
  w->type = type;
  w->created_at = sim_now(s);
  json_t *dur = json_object_get(body, "duration");
  w->duration = dur ? (int)json_integer_value(dur) : 60;

  json_t *tz = json_object_get(body, "timezone");
  const char *zone = json_is_string(tz) && json_string_length(tz) > 0
                         ? json_string_value(tz)
                         : json_string_value(json_object_get(host, "timezone"));
  json_object_set_new(w->obj, "timezone", json_string(zone));
  json_t *st = json_object_get(body, "start_time");
  if (st)
    sim_time_parse(json_string_value(st), zone, &w->start);
  else
    w->start = w->created_at;
  json_object_set_new(w->obj, "topic", json_string("Zoom Webinar"));
  json_object_set_new(w->obj, "agenda", json_string(""));
  char pwd[9];
  sim_new_token(s, pwd, sizeof pwd);
  json_object_set_new(w->obj, "password", json_string(pwd));
  apply_plain_fields(w, body);
  json_object_set(w->obj, "host_email", json_object_get(host, "email"));

  json_t *settings = json_loads(settings_defaults, 0, NULL);
  json_object_set(settings, "contact_email", json_object_get(host, "email"));
  json_object_set(settings, "contact_name", json_object_get(host, "display_name"));
  json_t *body_settings = json_object_get(body, "settings");
  if (body_settings)
    settings_merge(settings, body_settings);
  json_object_set_new(w->obj, "settings", settings);
  json_object_set_new(
      w->obj, "registrants_confirmation_email",
      json_boolean(json_is_true(json_object_get(settings, "registrants_confirmation_email"))));
  if (json_is_object(rec) && type == 9) /* Zoom keeps a recurrence for type 9 only */
    json_object_set_new(w->obj, "recurrence", json_deep_copy(rec));

  char url[200], key[23];
  snprintf(url, sizeof url, SANDBOX_WEB "/j/%lld?pwd=%s", (long long)w->id,
           json_string_value(json_object_get(w->obj, "password")));
  json_object_set_new(w->obj, "join_url", json_string(url));
  sim_new_token(s, key, sizeof key);
  snprintf(url, sizeof url, SANDBOX_WEB "/s/%lld?zak=%s", (long long)w->id, key);
  json_object_set_new(w->obj, "start_url", json_string(url));
  sim_new_token(s, key, sizeof key);
  snprintf(url, sizeof url, SANDBOX_WEB "/webinar/register/WN_%s", key);
  json_object_set_new(w->obj, "registration_url", json_string(url));

  if (occurrences_build(w) != 0 || sim_webinar_add(s, w) != 0) {
    sim_webinar_free(w);
    return -1;
  }
  *out = w;
  return 0;
}

static void reply_daily_quota(sim_resp *rs, int64_t now) {
  char reset[21];
  sim_time_format((now / 86400 + 1) * 86400, reset);
  sim_reply_error(rs, 429, 429,
                  "You have exceeded the daily rate limit (%d) of webinar create and update "
                  "requests for this host. Try again later.",
                  SIM_HOST_DAILY_WRITES);
  sim_reply_header(rs, "X-RateLimit-Type", "Daily-limit");
  sim_reply_header(rs, "Retry-After", reset);
}

/* POST /users/{userId}/webinars */
static void webinars_create(sim *s, sim_req *rq, sim_resp *rs) {
  const char *uid = sim_req_param(rq, "userId");
  json_t *user = sim_user_find(s, uid);
  if (!user) {
    char clip[2 * SIM_ECHO_MAX];
    sim_reply_error(rs, 404, 1001, "User %s not exist or not belong to this account.",
                    sim_text_clip(clip, sizeof clip, uid));
    return;
  }
  json_t *empty = rq->body ? NULL : json_object();
  json_t *body = rq->body ? rq->body : empty;
  json_t *errors = json_array();
  sim_webinar *w = NULL;
  /* Validate first, so a bad request does not use up the host's quota. */
  check_create(s, body, errors);
  if (json_array_size(errors) > 0) {
    sim_reply_invalid(rs, errors);
    errors = NULL;
    goto cleanup;
  }
  json_t *sched = json_object_get(body, "schedule_for");
  json_t *host = sched ? sim_user_find(s, json_string_value(sched)) : user;
  if (sim_quota_take(s, sim_user_id_of(host), rq->now) != 0) {
    reply_daily_quota(rs, rq->now);
    goto cleanup;
  }
  if (sim_webinar_create(s, sim_user_id_of(user), body, errors, &w) != 0) {
    sim_reply_error(rs, 500, 500, "Internal error.");
    goto cleanup;
  }
  sim_reply_json(rs, 201, sim_webinar_to_json(s, w, NULL, false));
cleanup:
  json_decref(errors);
  json_decref(empty);
}

/* Finds the webinar named by the path, replying 404 3001 when it is absent or
 * expired. Borrowed or NULL. */
static sim_webinar *webinar_from_path(sim *s, sim_req *rq, sim_resp *rs) {
  const char *id = sim_req_param(rq, "webinarId");
  sim_webinar *w = sim_webinar_find(s, id);
  if (!w || webinar_expired(w, rq->now)) {
    sim_reply_webinar_not_found(rs, id);
    return NULL;
  }
  return w;
}

/* Reads a boolean query value ("true"/"false"); absent -> DEF. -1 when bad. */
static int query_bool(const sim_req *rq, const char *name, bool def, bool *out) {
  const char *v = sim_req_query(rq, name);
  if (!v || !*v)
    *out = def;
  else if (strcmp(v, "true") == 0)
    *out = true;
  else if (strcmp(v, "false") == 0)
    *out = false;
  else
    return -1;
  return 0;
}

static void reply_bad_query(sim_resp *rs, const char *field) {
  json_t *errors = json_array();
  sim_errors_add(errors, field, "Invalid field.");
  sim_reply_invalid(rs, errors);
}

/* GET /webinars/{webinarId}?occurrence_id&show_previous_occurrences */
static void webinars_get(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = webinar_from_path(s, rq, rs);
  if (!w)
    return;
  bool previous;
  if (query_bool(rq, "show_previous_occurrences", false, &previous)) {
    reply_bad_query(rs, "show_previous_occurrences");
    return;
  }
  const char *occ = sim_req_query(rq, "occurrence_id");
  if (occ && !*occ)
    occ = NULL;
  if (occ && !occurrence_find(w, occ)) {
    reply_bad_query(rs, "occurrence_id");
    return;
  }
  json_t *out = sim_webinar_to_json(s, w, occ, previous);
  /* The create reply has registrants_confirmation_email beside settings; GET has it
   * only inside settings (the spec's webinar schema). */
  json_object_del(out, "registrants_confirmation_email");
  sim_reply_json(rs, 200, out);
}

static int compare_start(const void *a, const void *b) {
  const sim_webinar *x = *(sim_webinar *const *)a, *y = *(sim_webinar *const *)b;
  int64_t sx = x->type == 6 ? INT64_MAX : x->start, sy = y->type == 6 ? INT64_MAX : y->start;
  if (sx != sy)
    return sx < sy ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* GET /users/{userId}/webinars?type=scheduled|upcoming&page_size&next_page_token */
static void webinars_list(sim *s, sim_req *rq, sim_resp *rs) {
  const char *uid = sim_req_param(rq, "userId");
  json_t *user = sim_user_find(s, uid);
  if (!user) {
    char clip[2 * SIM_ECHO_MAX];
    sim_reply_error(rs, 404, 1001, "User %s not exist or not belong to this account.",
                    sim_text_clip(clip, sizeof clip, uid));
    return;
  }
  const char *type = sim_req_query(rq, "type");
  if (!type || !*type)
    type = "scheduled";
  bool upcoming = strcmp(type, "upcoming") == 0;
  if (!upcoming && strcmp(type, "scheduled") != 0) {
    reply_bad_query(rs, "type");
    return;
  }
  const char *host_id = sim_user_id_of(user);
  char scope[128];
  snprintf(scope, sizeof scope, "webinars/%s?type=%s", host_id, type);
  sim_page pg;
  if (sim_page_begin(s, rq, rs, scope, &pg) != 0)
    return;
  long page_number;
  if (!sim_req_query(rq, "next_page_token") &&
      sim_req_query_int(rq, "page_number", 1, 1, 1000000, &page_number) == 0)
    pg.offset = (size_t)(page_number - 1) * pg.size;

  sim_webinar **sel = malloc((s->acct.nwebinars + 1) * sizeof *sel);
  if (!sel) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < s->acct.nwebinars; i++) {
    sim_webinar *w = s->acct.webinars[i];
    if (strcmp(w->host_id, host_id) != 0 || webinar_expired(w, rq->now))
      continue;
    if (upcoming && (w->ended || webinar_end(w) <= rq->now))
      continue;
    sel[n++] = w;
  }
  qsort(sel, n, sizeof *sel, compare_start);
  json_t *items = json_array();
  for (size_t i = pg.offset; i < n && i < pg.offset + pg.size; i++)
    json_array_append_new(items, webinar_list_item(sel[i], rq->now));
  free(sel);
  json_t *out = json_object();
  sim_page_numbers(out, &pg, n);
  sim_page_end(s, out, scope, &pg, n);
  json_object_set_new(out, "webinars", items);
  sim_reply_json(rs, 200, out);
}

/* PATCH with occurrence_id: only agenda, start_time, duration and a few settings. */
static void update_occurrence(sim_webinar *w, sim_occurrence *o, json_t *body) {
  json_t *v;
  if (!o->overrides)
    o->overrides = json_object();
  if ((v = json_object_get(body, "agenda")))
    json_object_set(o->overrides, "agenda", v);
  if ((v = json_object_get(body, "duration")))
    o->duration = (int)json_integer_value(v);
  if ((v = json_object_get(body, "start_time"))) {
    const char *zone = json_string_value(json_object_get(w->obj, "timezone"));
    sim_time_parse(json_string_value(v), zone, &o->start);
  }
  json_t *st = json_object_get(body, "settings");
  for (size_t i = 0; st && i < sizeof occurrence_settings / sizeof occurrence_settings[0]; i++) {
    if ((v = json_object_get(st, occurrence_settings[i]))) {
      json_t *ost = json_object_get(o->overrides, "settings");
      if (!ost) {
        ost = json_object();
        json_object_set_new(o->overrides, "settings", ost);
      }
      json_object_set(ost, occurrence_settings[i], v);
    }
  }
}

/* PATCH /webinars/{webinarId}?occurrence_id */
static void webinars_update(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = webinar_from_path(s, rq, rs);
  if (!w)
    return;
  json_t *body = rq->body;
  json_t *errors = json_array();
  if (!json_is_object(body)) {
    sim_errors_add(errors, "body", "Request Body should be a valid JSON object.");
    sim_reply_invalid(rs, errors);
    return;
  }
  check_common(s, body, errors, true);
  const char *occ_id = sim_req_query(rq, "occurrence_id");
  sim_occurrence *occ = occ_id && *occ_id ? occurrence_find(w, occ_id) : NULL;
  if (occ_id && *occ_id && !occ)
    sim_errors_add(errors, "occurrence_id", "Invalid field: occurrence_id.");
  json_t *typej = json_object_get(body, "type");
  int type = json_is_integer(typej) ? (int)json_integer_value(typej) : w->type;
  json_t *rec = json_object_get(body, "recurrence");
  if (type == 9 && !json_is_object(rec) && !json_object_get(w->obj, "recurrence"))
    sim_errors_add(errors, "recurrence", "recurrence is required for a type 9 webinar.");
  if (sim_reply_if_invalid(rs, errors))
    return;
  if (sim_quota_take(s, w->host_id, rq->now) != 0) {
    reply_daily_quota(rs, rq->now);
    return;
  }
  if (occ) {
    update_occurrence(w, occ, body);
    sim_reply_empty(rs, 204);
    return;
  }
  json_t *v;
  bool reexpand = false;
  apply_plain_fields(w, body);
  if ((v = json_object_get(body, "duration")))
    w->duration = (int)json_integer_value(v);
  if ((v = json_object_get(body, "timezone")) && json_string_length(v) > 0) {
    json_object_set(w->obj, "timezone", v);
    reexpand = true;
  }
  if ((v = json_object_get(body, "start_time"))) {
    sim_time_parse(json_string_value(v), json_string_value(json_object_get(w->obj, "timezone")),
                   &w->start);
    reexpand = true;
  }
  if ((v = json_object_get(body, "settings")))
    settings_merge(json_object_get(w->obj, "settings"), v);
  if ((v = json_object_get(body, "schedule_for"))) {
    json_t *host = sim_user_find(s, json_string_value(v));
    snprintf(w->host_id, sizeof w->host_id, "%s", sim_user_id_of(host));
    json_object_set(w->obj, "host_email", json_object_get(host, "email"));
  }
  if (json_is_object(rec) && type == 9) {
    json_object_set_new(w->obj, "recurrence", json_deep_copy(rec));
    reexpand = true;
  }
  if (type != w->type) {
    w->type = type;
    if (type != 9)
      json_object_del(w->obj, "recurrence");
    reexpand = true;
  }
  if (reexpand && occurrences_build(w) != 0) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  for (size_t i = 0; !reexpand && json_object_get(body, "duration") && i < w->nocc; i++)
    w->occ[i].duration = w->duration;
  sim_reply_empty(rs, 204);
}

/* DELETE /webinars/{webinarId}?occurrence_id&cancel_webinar_reminder */
static void webinars_delete(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = webinar_from_path(s, rq, rs);
  if (!w)
    return;
  bool remind;
  if (query_bool(rq, "cancel_webinar_reminder", false, &remind)) {
    reply_bad_query(rs, "cancel_webinar_reminder");
    return;
  }
  const char *occ_id = sim_req_query(rq, "occurrence_id");
  if (occ_id && *occ_id) {
    sim_occurrence *o = occurrence_find(w, occ_id);
    if (!o) {
      reply_bad_query(rs, "occurrence_id");
      return;
    }
    o->deleted = true;
    sim_reply_empty(rs, 204);
    return;
  }
  if (w->ended && w->type == 5) {
    sim_reply_error(rs, 400, 3007, "Sorry, you cannot delete this webinar since it has ended.");
    return;
  }
  sim_webinar_remove(s, w->id);
  sim_reply_empty(rs, 204);
}

/* PUT /webinars/{webinarId}/status {"action":"end"} */
static void webinars_status(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = webinar_from_path(s, rq, rs);
  if (!w)
    return;
  json_t *action = json_object_get(rq->body, "action");
  if (!json_is_string(action) || strcmp(json_string_value(action), "end") != 0) {
    json_t *errors = json_array();
    sim_errors_add(errors, "action", "Invalid field: action must be \"end\".");
    sim_reply_invalid(rs, errors);
    return;
  }
  w->ended = true;
  sim_reply_empty(rs, 204);
}

static const sim_route webinar_routes[] = {
    {"GET", "/v2/users/{userId}/webinars", SIM_CAT_MEDIUM, webinars_list, 0},
    {"POST", "/v2/users/{userId}/webinars", SIM_CAT_LIGHT, webinars_create, 0},
    {"GET", "/v2/webinars/{webinarId}", SIM_CAT_LIGHT, webinars_get, 0},
    {"PATCH", "/v2/webinars/{webinarId}", SIM_CAT_LIGHT, webinars_update, 0},
    {"DELETE", "/v2/webinars/{webinarId}", SIM_CAT_LIGHT, webinars_delete, 0},
    {"PUT", "/v2/webinars/{webinarId}/status", SIM_CAT_LIGHT, webinars_status, 0},
};

const sim_module sim_module_webinars = {
    "webinars", webinar_routes, sizeof webinar_routes / sizeof webinar_routes[0], NULL, NULL,
    NULL,       NULL,
};
