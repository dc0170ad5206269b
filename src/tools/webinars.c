/* webinars.c - the webinar tools that need more than one declared Zoom call
 * (catalog/webinars.json): creating one-off, interactive and recurring webinars
 * (never twice), updating with the occurrence rules, and the resources
 * zoom://webinars/{webinarId} and zoom://webinars/{webinarId}/registrants. */
#include "tools/app.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"

#define WHY_MAX 400
#define ALT_HOSTS_MAX 1024 /* settings.alternative_hosts, as the sandbox bounds it */

/* ---- arguments into a request body ------------------------------------------------- */

/* Copies ARGS[NAME] (borrowed) into BODY[NAME] when present. */
static void copy_arg(json_t *body, json_t *args, const char *name) {
  json_t *v = json_object_get(args, name);
  if (v)
    json_object_set(body, name, v);
}

/* Appends TEXT without blanks to BUF (used N of SIZE) with a comma before it
 * when BUF is not empty. Returns -1 when it does not fit. */
static int hosts_append(char *buf, size_t size, size_t *n, const char *text) {
  for (const char *p = text; *p; p++) {
    if (isspace((unsigned char)*p))
      continue;
    if (*n + 2 >= size)
      return -1;
    buf[(*n)++] = *p;
  }
  buf[*n] = '\0';
  return 0;
}

/* settings.alternative_hosts from the argument: an array of emails or a
 * comma-separated string. Writes "a@x.com,b@y.com" into BUF. Returns 0, or -1
 * when the list is too long. */
static int alternative_hosts_text(json_t *v, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  if (json_is_string(v))
    return hosts_append(buf, size, &n, json_string_value(v));
  size_t i;
  json_t *item;
  json_array_foreach(v, i, item) {
    if (n && hosts_append(buf, size, &n, ",") != 0)
      return -1;
    if (hosts_append(buf, size, &n, json_string_value(item) ? json_string_value(item) : "") != 0)
      return -1;
  }
  return 0;
}

/* Makes BODY's timezone (a zone name becomes its IANA name) and start_time
 * (UTC with a Z, local to the timezone, or a phrase read in it) ready for
 * Zoom; what when_fix_body says it read goes into EXTRA (the members added
 * to the result) as "resolved". Returns NULL, or a tool error. */
static json_t *fix_times(mcp_call *call, json_t *body, json_t *extra,
                         const when_zone_source *fallback) {
  char why[512];
  json_t *resolved = NULL;
  if (when_fix_body(app_of(call), body, fallback, &resolved, why, sizeof why) != 0) {
    size_t n = strlen(why);
    return mcp_tool_error("%s%s Nothing was sent to Zoom.", why, n && why[n - 1] == '.' ? "" : ".");
  }
  if (resolved)
    json_object_set_new(extra, "resolved", resolved);
  return NULL;
}

/* The fields every create tool shares, from ARGS into BODY: topic, start_time,
 * duration, agenda, timezone, password, settings and alternative_hosts (into
 * settings.alternative_hosts), the times made ready by fix_times. Returns
 * NULL, or a tool error. */
static json_t *body_common(mcp_call *call, json_t *body, json_t *args, json_t *extra,
                           const when_zone_source *fallback) {
  static const char *const plain[] = {"topic",  "start_time", "duration",
                                      "agenda", "timezone",   "password"};
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
    copy_arg(body, args, plain[i]);
  json_t *settings = json_object_get(args, "settings");
  settings = settings ? json_deep_copy(settings) : json_object();
  json_t *alt = json_object_get(args, "alternative_hosts");
  if (alt) {
    char hosts[ALT_HOSTS_MAX];
    if (alternative_hosts_text(alt, hosts, sizeof hosts) != 0) {
      json_decref(settings);
      return mcp_tool_error("alternative_hosts: the list is longer than %d characters; give "
                            "fewer alternative hosts.",
                            ALT_HOSTS_MAX - 1);
    }
    json_object_set_new(settings, "alternative_hosts", json_string(hosts));
  }
  if (json_object_size(settings))
    json_object_set(body, "settings", settings);
  json_decref(settings);
  return fix_times(call, body, extra, fallback);
}

/* A zone read from Zoom when a time in words needs one: the "timezone" of
 * what PATH (a user's or a webinar's) answers. */
typedef struct zone_lookup {
  mcp_call *call;
  const char *path_tmpl; /* "/users/{user_id}" or "/webinars/{webinar_id}" */
  json_t *args;
  json_t *known; /* an object that already has the timezone, or NULL */
} zone_lookup;

static int zone_from_zoom(void *ctx, char *zone, size_t size) {
  zone_lookup *z = ctx;
  json_t *reply = NULL;
  int rc = -1;
  if (z->known) {
    reply = json_incref(z->known);
  } else {
    char *path = engine_path(z->path_tmpl, z->args, NULL, 0);
    if (!path || engine_request(z->call, "GET", path, NULL, NULL, false, &reply) != 0) {
      json_decref(reply);
      reply = NULL;
    }
    free(path);
  }
  const char *tz = json_string_value(json_object_get(reply, "timezone"));
  if (tz && *tz) {
    snprintf(zone, size, "%s", tz);
    rc = 0;
  }
  json_decref(reply);
  return rc;
}

/* ---- recurrence ---------------------------------------------------------------------- */

/* A recurrence end_date_time for Zoom (UTC with a Z): an instant as it is, a
 * local time read in ZONE. Returns 0, or -1 with the reason in WHY. */
static int end_date_time_utc(const char *in, const char *zone, char *out, size_t size, char *why,
                             size_t why_size) {
  if (when_normalise(in, out, size, why, why_size) != 0)
    return -1;
  if (out[strlen(out) - 1] == 'Z')
    return 0;
  int64_t local, utc;
  char with_zone[48];
  if (!zone) {
    snprintf(why, why_size, "\"%.40s\" has no Z or offset and no timezone was given", in);
    return -1;
  }
  /* The wall-clock seconds (read as if UTC), the instant they are in ZONE, and
   * that instant as UTC through the offset it has there. */
  snprintf(with_zone, sizeof with_zone, "%.30sZ", out);
  if (when_instant(with_zone, &local) != 0 || tz_local_to_utc(zone, local, &utc) != 0) {
    snprintf(why, why_size, "\"%.64s\" is not a time that exists in %s", in, zone);
    return -1;
  }
  int64_t off = local - utc, mag = off < 0 ? -off : off;
  snprintf(with_zone, sizeof with_zone, "%.30s%c%02d:%02d", out, off < 0 ? '-' : '+',
           (int)(mag / 3600), (int)(mag / 60 % 60));
  if (when_normalise(with_zone, out, size, why, why_size) != 0)
    return -1;
  return 0;
}

static bool weekly_days_ok(const char *s) {
  if (!s || !*s)
    return false;
  for (const char *p = s; *p; p++) {
    if (*p < '1' || *p > '7')
      return false;
    if (p[1] == ',' && p[2])
      p++;
    else if (p[1])
      return false;
  }
  return true;
}

/* Checks a Zoom recurrence object REC (borrowed; end_date_time is rewritten in
 * UTC) against Zoom's limits and combinations. P prefixes the member names in
 * messages ("" or "recurrence."), TYPE_NAME names the type. REQUIRE_END: one
 * of end_times and end_date_time must be given. ZONE (may be NULL) reads a
 * local end_date_time. Returns 0, or -1 with the reason in WHY. */
int webinar_recurrence_check(json_t *rec, const char *p, const char *type_name, bool require_end,
                             const char *zone, char *why, size_t size) {
  static const long interval_max[] = {0, 90, 12, 3};
  static const char *const type_words[] = {"", "daily", "weekly", "monthly"};
  json_t *type = json_object_get(rec, "type");
  json_int_t t = json_integer_value(type);
  if (!json_is_integer(type) || t < 1 || t > 3) {
    snprintf(why, size, "%s is required: 1 (daily), 2 (weekly) or 3 (monthly)", type_name);
    return -1;
  }
  json_t *iv = json_object_get(rec, "repeat_interval");
  if (iv && (json_integer_value(iv) < 1 || json_integer_value(iv) > interval_max[t])) {
    snprintf(why, size, "%srepeat_interval: a %s webinar repeats every 1 to %ld %s (got %lld)", p,
             type_words[t], interval_max[t],
             t == 1   ? "days"
             : t == 2 ? "weeks"
                      : "months",
             (long long)json_integer_value(iv));
    return -1;
  }
  json_t *wd = json_object_get(rec, "weekly_days");
  if (wd && t != 2) {
    snprintf(why, size, "%sweekly_days applies only to a weekly webinar (%s 2)", p, type_name);
    return -1;
  }
  if (wd && !weekly_days_ok(json_string_value(wd))) {
    snprintf(why, size,
             "%sweekly_days: days 1 (Sunday) to 7 (Saturday) separated by commas, such as "
             "\"2,4\" (got \"%.32s\")",
             p, json_string_value(wd) ? json_string_value(wd) : "");
    return -1;
  }
  json_t *md = json_object_get(rec, "monthly_day");
  json_t *mw = json_object_get(rec, "monthly_week");
  json_t *mwd = json_object_get(rec, "monthly_week_day");
  if ((md || mw || mwd) && t != 3) {
    snprintf(why, size,
             "%smonthly_day, %smonthly_week and %smonthly_week_day apply only to a monthly "
             "webinar (%s 3)",
             p, p, p, type_name);
    return -1;
  }
  if ((mw && !mwd) || (mwd && !mw)) {
    snprintf(why, size, "%smonthly_week and %smonthly_week_day go together", p, p);
    return -1;
  }
  if (t == 3 && !md && !(mw && mwd)) {
    snprintf(why, size,
             "a monthly webinar needs %smonthly_day (1..31), or %smonthly_week (1..4, -1 = last) "
             "with %smonthly_week_day (1 = Sunday .. 7 = Saturday)",
             p, p, p);
    return -1;
  }
  if (md && (mw || mwd)) {
    snprintf(why, size,
             "give either %smonthly_day or %smonthly_week with %smonthly_week_day, "
             "not both",
             p, p, p);
    return -1;
  }
  json_t *times = json_object_get(rec, "end_times");
  json_t *until = json_object_get(rec, "end_date_time");
  if (times && until) {
    snprintf(why, size, "give either %send_times or %send_date_time, not both", p, p);
    return -1;
  }
  if (require_end && !times && !until) {
    snprintf(why, size,
             "say when the series ends: %send_times (1..60 occurrences) or %send_date_time", p, p);
    return -1;
  }
  if (times && (json_integer_value(times) < 1 || json_integer_value(times) > 60)) {
    snprintf(why, size, "%send_times: 1 to 60 occurrences (got %lld)", p,
             (long long)json_integer_value(times));
    return -1;
  }
  if (until) {
    char utc[40], reason[256];
    if (end_date_time_utc(json_string_value(until), zone, utc, sizeof utc, reason, sizeof reason) !=
        0) {
      snprintf(why, size, "%send_date_time: %s", p, reason);
      return -1;
    }
    json_object_set_new(rec, "end_date_time", json_string(utc));
  }
  return 0;
}

/* ---- creating ------------------------------------------------------------------------ */

/* True when a failed POST may still have created the webinar. */
static bool outcome_unknown(const zoom_error *err) {
  return err->kind == ZOOM_ERR_OUTCOME_UNKNOWN || err->kind == ZOOM_ERR_TIMEOUT ||
         (err->kind == ZOOM_ERR_HTTP && err->http_status >= 500);
}

/* POSTs BODY (borrowed) to /users/{USER_ID}/webinars once, or describes it when
 * DRY_RUN. The members of EXTRA (borrowed) are added to the result. The
 * POST is never repeated: when its outcome is unknown the result says so and
 * how to check. Returns a new tool result. */
json_t *webinar_create(mcp_call *call, const char *user_id, json_t *body, bool dry_run,
                       json_t *extra) {
  json_t *slots = json_pack("{s:s}", "user_id", user_id ? user_id : "");
  char *path = slots ? engine_path("/users/{user_id}/webinars", slots, NULL, 0) : NULL;
  json_t *reply = NULL, *res = NULL;
  zoom_error err = {0};
  json_decref(slots);
  if (!path) {
    res = mcp_tool_error("user_id is empty or too long: give a user id or email address");
    goto cleanup;
  }
  if (dry_run) {
    reply = engine_dry_run(call, "POST", path, NULL, body);
  } else {
    zoom_cancel cancel = app_cancel_of(call);
    if (zoom_request(app_of(call)->zoom, "POST", path, NULL, body, &cancel, &reply, &err) != 0) {
      const char *topic = json_string_value(json_object_get(body, "topic"));
      if (outcome_unknown(&err))
        res = mcp_tool_error(
            "Zoom may or may not have created the webinar \"%.200s\" (%s). The request was not "
            "sent again, so that no second webinar is made. Before creating it again, call "
            "list_webinars with user_id \"%.128s\" and look for this topic; create it again only "
            "if it is not there.",
            topic ? topic : "Zoom Webinar", err.message, user_id);
      else
        res = app_tool_error(&err);
      goto cleanup;
    }
  }
  if (!reply) {
    res = mcp_tool_error("out of memory");
    goto cleanup;
  }
  json_object_update(reply, extra);
  res = dry_run ? mcp_tool_structured(reply) : engine_result(call, reply);
  reply = NULL;
cleanup:
  zoom_error_clear(&err);
  json_decref(reply);
  free(path);
  return res;
}

/* create_webinar {user_id, topic, start_time?, ...}: one webinar (type 5). */
static json_t *tool_create_webinar(mcp_call *call, json_t *args) {
  json_t *body = json_pack("{s:i}", "type", 5), *extra = json_object();
  zone_lookup host_zone = {call, "/users/{user_id}", args, NULL};
  when_zone_source fallback = {zone_from_zoom, &host_zone, "the host's Zoom profile"};
  json_t *res = body_common(call, body, args, extra, &fallback);
  if (!res)
    res = webinar_create(call, json_string_value(json_object_get(args, "user_id")), body,
                         engine_is_dry_run(args), extra);
  json_decref(extra);
  json_decref(body);
  return res;
}

/* create_webinar_interactive {topic, user_selection, ...}: the host chosen
 * from list_users_for_selection by number, email or id. */
/* Asks the person for the missing start time (elicitation). Returns 0 with
 * ARGS' start_time set, or unchanged when the client cannot be asked (Zoom's
 * default then applies); -1 with *OUT a tool error when declined, or -1 with
 * *OUT NULL while the question is pending or the ask failed. */
static int ask_start_time(mcp_call *call, json_t *args, json_t **out) {
  *out = NULL;
  if (!mcp_call_client_has(call, "elicitation"))
    return 0;
  json_t *params = json_pack(
      "{s:s, s:{s:s, s:{s:{s:s, s:s, s:s}}, s:[s]}}", "message",
      "When should the webinar start? Words are fine (\"tomorrow 3pm\", \"Dec 3 at 9:30am\").",
      "requestedSchema", "type", "object", "properties", "start_time", "type", "string", "title",
      "Start time", "description", "In the webinar's time zone", "required", "start_time");
  json_t *answer = mcp_call_ask(call, "start_time", "elicitation/create", params);
  if (!answer)
    return -1;
  const char *action = json_string_value(json_object_get(answer, "action"));
  json_t *st = json_object_get(json_object_get(answer, "content"), "start_time");
  int rc = -1;
  if (action && !strcmp(action, "accept") && json_is_string(st) && json_string_length(st)) {
    json_object_set(args, "start_time", st);
    rc = 0;
  } else {
    *out = mcp_tool_error("No start time was given (the answer was %s). Nothing was sent to "
                          "Zoom.",
                          action ? action : "empty");
  }
  json_decref(answer);
  return rc;
}

/* create_webinar_interactive {topic, user_selection?, start_time?, ...}: the
 * host chosen by number, email, id or name; what is missing (the host, the
 * start time) is asked of the person when the client can ask. */
static json_t *tool_create_webinar_interactive(mcp_call *call, json_t *args) {
  json_t *body = json_pack("{s:i}", "type", 5), *extra = json_object(), *host = NULL, *res;
  json_t *given = json_deep_copy(args); /* start_time may be filled in */
  bool pending = false;                 /* a question is out to the person */
  if (users_resolve_selection(call, json_string_value(json_object_get(args, "user_selection")),
                              &host) != 0) {
    res = host;
    host = NULL;
    /* 2026-07-28: ask the start time in the same round, so one retry answers both. */
    if (res || mcp_call_era(call) != MCP_ERA_MODERN)
      goto cleanup;
    pending = true;
  }
  if (!json_object_get(given, "start_time") && ask_start_time(call, given, &res) != 0) {
    if (res || mcp_call_era(call) != MCP_ERA_MODERN)
      goto cleanup;
    pending = true;
  }
  if (pending) /* NULL: the core answers input_required with the questions */
    goto cleanup;
  zone_lookup host_zone = {call, NULL, NULL, host};
  when_zone_source fallback = {zone_from_zoom, &host_zone, "the host's Zoom profile"};
  if ((res = body_common(call, body, given, extra, &fallback)))
    goto cleanup;
  json_object_set(extra, "host", host);
  res = webinar_create(call, json_string_value(json_object_get(host, "id")), body,
                       engine_is_dry_run(args), extra);
cleanup:
  json_decref(given);
  json_decref(host);
  json_decref(extra);
  json_decref(body);
  return res;
}

/* create_recurring_webinar: type 9 with a recurrence built from the flat
 * arguments and checked before anything is sent. */
static json_t *tool_create_recurring_webinar(mcp_call *call, json_t *args) {
  static const char *const rec_args[][2] = {
      {"recurrence_type", "type"},      {"repeat_interval", "repeat_interval"},
      {"weekly_days", "weekly_days"},   {"monthly_day", "monthly_day"},
      {"monthly_week", "monthly_week"}, {"monthly_week_day", "monthly_week_day"},
      {"end_times", "end_times"},       {"end_date_time", "end_date_time"},
  };
  json_t *body = json_pack("{s:i}", "type", 9), *rec = json_object(), *extra = json_object();
  char why[WHY_MAX];
  zone_lookup host_zone = {call, "/users/{user_id}", args, NULL};
  when_zone_source fallback = {zone_from_zoom, &host_zone, "the host's Zoom profile"};
  json_t *res = body_common(call, body, args, extra, &fallback);
  if (res)
    goto cleanup;
  for (size_t i = 0; i < sizeof rec_args / sizeof rec_args[0]; i++) {
    json_t *v = json_object_get(args, rec_args[i][0]);
    if (v)
      json_object_set(rec, rec_args[i][1], v);
  }
  if (webinar_recurrence_check(rec, "", "recurrence_type", true,
                               json_string_value(json_object_get(body, "timezone")), why,
                               sizeof why) != 0) {
    res = mcp_tool_error("%s. Nothing was sent to Zoom.", why);
    goto cleanup;
  }
  const char *start = json_string_value(json_object_get(body, "start_time"));
  const char *until = json_string_value(json_object_get(rec, "end_date_time"));
  if (start && until && start[strlen(start) - 1] == 'Z' && strcmp(until, start) <= 0) {
    res = mcp_tool_error("end_date_time (%s) is not after start_time (%s): the series would "
                         "have no occurrence. Nothing was sent to Zoom.",
                         until, start);
    goto cleanup;
  }
  json_object_set(body, "recurrence", rec);
  res = webinar_create(call, json_string_value(json_object_get(args, "user_id")), body,
                       engine_is_dry_run(args), extra);
cleanup:
  json_decref(extra);
  json_decref(rec);
  json_decref(body);
  return res;
}

/* ---- updating ------------------------------------------------------------------------ */

static const char *const update_fields[] = {"topic",  "start_time", "duration", "timezone",
                                            "agenda", "password",   "settings", "recurrence"};

/* What one occurrence may change (Zoom's occurrence_id text). */
static const char *const occurrence_fields[] = {"agenda", "start_time", "duration", "settings"};
static const char *const occurrence_settings[] = {
    "host_video", "panelists_video", "panelist_video", "hd_video",
    "watermark",  "add_watermark",   "auto_recording"};

static bool listed(const char *const *list, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(list[i], name))
      return true;
  return false;
}

#define LISTED(list, name) listed((list), sizeof(list) / sizeof((list)[0]), (name))

/* Appends ", NAME" (or NAME first) to BUF of SIZE. */
static void name_append(char *buf, size_t size, const char *prefix, const char *name) {
  size_t n = strlen(buf);
  snprintf(buf + n, size - n, "%s%s%s", n ? ", " : "", prefix, name);
}

/* A tool error when ARGS change what one occurrence cannot, else NULL. */
static json_t *occurrence_problem(json_t *args) {
  char refused[512] = "";
  for (size_t i = 0; i < sizeof update_fields / sizeof update_fields[0]; i++)
    if (json_object_get(args, update_fields[i]) && !LISTED(occurrence_fields, update_fields[i]))
      name_append(refused, sizeof refused, "", update_fields[i]);
  const char *key;
  json_t *v;
  json_object_foreach(json_object_get(args, "settings"), key, v) {
    if (!LISTED(occurrence_settings, key))
      name_append(refused, sizeof refused, "settings.", key);
  }
  if (!refused[0])
    return NULL;
  return mcp_tool_error(
      "With occurrence_id only agenda, start_time, duration and the settings host_video, "
      "panelists_video, hd_video, watermark and auto_recording change for one occurrence; %s "
      "belong%s to the whole series. Call update_webinar without occurrence_id to change %s. "
      "Nothing was sent to Zoom.",
      refused, strchr(refused, ',') ? "" : "s", strchr(refused, ',') ? "them" : "it");
}

/* The PATCH body from ARGS; CHANGED gets the names of what changes. Returns
 * NULL, or a tool error. */
static json_t *update_body(mcp_call *call, json_t *args, json_t *body, json_t *changed,
                           json_t *extra) {
  char why[WHY_MAX];
  json_t *problem;
  for (size_t i = 0; i < sizeof update_fields / sizeof update_fields[0]; i++) {
    json_t *v = json_object_get(args, update_fields[i]);
    if (!v || (json_is_object(v) && json_object_size(v) == 0)) /* {} sets nothing */
      continue;
    json_object_set_new(body, update_fields[i], json_deep_copy(v));
    json_array_append_new(changed, json_string(update_fields[i]));
  }
  if (json_array_size(changed) == 0)
    return mcp_tool_error("Nothing to change: give at least one of topic, start_time, duration, "
                          "timezone, agenda, password, settings or recurrence. Nothing was sent "
                          "to Zoom.");
  if (json_object_get(args, "occurrence_id") && (problem = occurrence_problem(args)))
    return problem;
  zone_lookup own_zone = {call, "/webinars/{webinar_id}", args, NULL};
  when_zone_source fallback = {zone_from_zoom, &own_zone, "the webinar's own timezone"};
  if ((problem = fix_times(call, body, extra, &fallback)))
    return problem;
  json_t *rec = json_object_get(body, "recurrence");
  if (rec && webinar_recurrence_check(rec, "recurrence.", "recurrence.type", false,
                                      json_string_value(json_object_get(body, "timezone")), why,
                                      sizeof why) != 0)
    return mcp_tool_error("%s. Nothing was sent to Zoom.", why);
  return NULL;
}

/* update_webinar: PATCH, then the webinar as it is now (Zoom answers 204). */
static json_t *tool_update_webinar(mcp_call *call, json_t *args) {
  json_t *body = json_object(), *changed = json_array(), *query = json_object();
  json_t *extra = json_object(), *reply = NULL, *res = NULL;
  const char *id = json_string_value(json_object_get(args, "webinar_id"));
  const char *occ = json_string_value(json_object_get(args, "occurrence_id"));
  char *path = engine_path("/webinars/{webinar_id}", args, NULL, 0);
  if (!path) {
    res = mcp_tool_error("webinar_id is empty or too long");
    goto cleanup;
  }
  if ((res = update_body(call, args, body, changed, extra)))
    goto cleanup;
  if (occ)
    json_object_set_new(query, "occurrence_id", json_string(occ));
  bool dry_run = engine_is_dry_run(args);
  if (engine_request(call, "PATCH", path, query, body, dry_run, &reply) != 0) {
    res = reply;
    reply = NULL;
    goto cleanup;
  }
  if (dry_run) {
    json_object_update(reply, extra);
    res = mcp_tool_structured(reply);
    reply = NULL;
    goto cleanup;
  }
  json_decref(reply);
  reply = NULL;
  char what[512] = "", message[700];
  size_t i;
  json_t *c;
  json_array_foreach(changed, i, c) name_append(what, sizeof what, "", json_string_value(c));
  if (occ)
    snprintf(message, sizeof message, "Occurrence %.64s of webinar %.64s updated: %s.", occ, id,
             what);
  else
    snprintf(message, sizeof message, "Webinar %.64s updated: %s.", id, what);
  json_t *out = json_pack("{s:b, s:s, s:O}", "ok", 1, "message", message, "changed", changed);
  json_object_update(out, extra);
  if (engine_request(call, "GET", path, query, NULL, false, &reply) == 0) {
    json_object_set_new(out, "webinar", reply);
  } else {
    json_t *text = json_array_get(json_object_get(reply, "content"), 0);
    json_object_set_new(
        out, "note",
        json_sprintf("The update went through, but reading the webinar back failed: %s",
                     json_string_value(json_object_get(text, "text"))));
    json_decref(reply);
  }
  reply = NULL;
  res = engine_result(call, out);
cleanup:
  json_decref(extra);
  json_decref(reply);
  json_decref(query);
  json_decref(changed);
  json_decref(body);
  free(path);
  return res;
}

const app_handler webinar_handlers[] = {
    {"create_webinar", tool_create_webinar},
    {"create_webinar_interactive", tool_create_webinar_interactive},
    {"create_recurring_webinar", tool_create_recurring_webinar},
    {"update_webinar", tool_update_webinar},
    {NULL, NULL},
};

/* ---- resources ----------------------------------------------------------------------- */

/* zoom://webinars/{webinarId}: the webinar, times also in its timezone. */
static json_t *read_webinar(mcp_call *call, const char *uri, json_t *vars) {
  json_t *reply = NULL, *res = NULL;
  zoom_error err = {0};
  char *path = engine_path("/webinars/{webinarId}", vars, NULL, 0);
  if (!path)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "the webinar id is empty or too long");
  if (engine_get(call, path, NULL, &reply, &err) != 0)
    res = engine_resource_fail(call, NULL, &err);
  else
    res = engine_resource_contents(uri, engine_add_local_times(app_of(call), reply));
  zoom_error_clear(&err);
  free(path);
  return res;
}

/* zoom://webinars/{webinarId}/registrants: every registrant of every status. */
static json_t *read_webinar_registrants(mcp_call *call, const char *uri, json_t *vars) {
  static const char *const statuses[] = {"pending", "approved", "denied"};
  char *path = engine_path("/webinars/{webinarId}/registrants", vars, NULL, 0);
  if (!path)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "the webinar id is empty or too long");
  json_t *all = json_array(), *counts = json_object(), *res = NULL;
  bool truncated = false;
  for (size_t s = 0; s < sizeof statuses / sizeof statuses[0]; s++) {
    json_t *query = json_pack("{s:s}", "status", statuses[s]), *page = NULL;
    zoom_error err = {0};
    int rc = engine_get_pages(call, path, query, "registrants", 300, false, &page, &err);
    json_decref(query);
    if (rc != 0) {
      res = engine_resource_fail(call, NULL, &err);
      zoom_error_clear(&err);
      goto cleanup;
    }
    zoom_error_clear(&err);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(page, "registrants"), i, r) {
      if (!json_object_get(r, "status"))
        json_object_set_new(r, "status", json_string(statuses[s]));
      json_array_append(all, r);
    }
    json_object_set_new(
        counts, statuses[s],
        json_integer((json_int_t)json_array_size(json_object_get(page, "registrants"))));
    truncated = truncated || json_is_true(json_object_get(page, "truncated"));
    json_decref(page);
  }
  res = engine_resource_contents(uri, json_pack("{s:O, s:I, s:O, s:b}", "registrants", all,
                                                "total_records", (json_int_t)json_array_size(all),
                                                "by_status", counts, "truncated", truncated));
cleanup:
  json_decref(all);
  json_decref(counts);
  free(path);
  return res;
}

static const mcp_resource_template templates[] = {
    {"zoom://webinars/{webinarId}", "webinar", "A webinar",
     "One webinar as Zoom describes it (GET /webinars/{webinarId}), with its times also in the "
     "webinar's timezone.",
     "application/json", read_webinar, app_complete_webinar},
    {"zoom://webinars/{webinarId}/registrants", "webinar-registrants", "A webinar's registrants",
     "Every registrant of a webinar, pending, approved and denied (GET "
     "/webinars/{webinarId}/registrants once per status, every page), with counts per status.",
     "application/json", read_webinar_registrants, app_complete_webinar},
};

int webinar_resources_register(mcp_server *srv) {
  if (mcp_server_add_templates(srv, templates, sizeof templates / sizeof templates[0]) != 0)
    return -1;
  return user_resources_register(srv);
}
