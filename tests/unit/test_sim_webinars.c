/* test_sim_webinars.c - the sandbox's webinars: create, get, list, update, delete, status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "../support/simtest.h"

/* Percent-encodes S (new string). */
static char *escape(const char *s) {
  char *e = curl_easy_escape(NULL, s, 0);
  char *out = strdup(e);
  curl_free(e);
  return out;
}

static int setup(void **state) {
  static simtest t;
  sim_options opt;
  sim_options_init(&opt);
  opt.seed_webinars = 0; /* start from an empty calendar */
  if (simtest_start(&t, &opt) != 0)
    return -1;
  *state = &t;
  return 0;
}

static int teardown(void **state) {
  simtest_stop(*state);
  return 0;
}

/* POSTs BODY to /v2/users/me/webinars, expects 201 and returns the reply JSON (new). */
static json_t *create(simtest *t, const char *body) {
  simtest_reply r;
  assert_int_equal(simtest_call(t, "POST", "/v2/users/me/webinars", body, &r), 0);
  if (r.status != 201)
    fail_msg("create answered %ld: %s", r.status, r.text);
  json_t *out = json_incref(r.json);
  simtest_reply_free(&r);
  return out;
}

/* GETs TARGET, expects STATUS and returns the reply JSON (new, may be NULL). */
static json_t *get(simtest *t, const char *target, long status) {
  simtest_reply r;
  assert_int_equal(simtest_call(t, "GET", target, NULL, &r), 0);
  if (r.status != status)
    fail_msg("GET %s answered %ld, not %ld: %s", target, r.status, status, r.text);
  json_t *out = json_incref(r.json);
  simtest_reply_free(&r);
  return out;
}

static long call_status(simtest *t, const char *method, const char *target, const char *body,
                        json_t **json) {
  simtest_reply r;
  assert_int_equal(simtest_call(t, method, target, body, &r), 0);
  long status = r.status;
  if (json)
    *json = json_incref(r.json);
  simtest_reply_free(&r);
  return status;
}

static const char *str(json_t *obj, const char *key) {
  const char *v = json_string_value(json_object_get(obj, key));
  if (!v)
    fail_msg("no string %s", key);
  return v;
}

/* True when the validation reply J names FIELD among its errors. */
static bool names_field(json_t *j, const char *field) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(j, "errors"), i, e) {
    if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0)
      return true;
  }
  return false;
}

static void create_one_off_has_spec_fields(void **state) {
  simtest *t = *state;
  json_t *me = get(t, "/v2/users/me", 200);
  json_t *w = create(t, "{\"topic\":\"Launch\",\"type\":5,\"start_time\":\"2030-06-01T10:00:00Z\","
                        "\"duration\":45,\"timezone\":\"Europe/Paris\",\"agenda\":\"Demo\","
                        "\"password\":\"abc123\"}");
  static const char *const fields[] = {
      "id",        "uuid",     "host_id",    "host_email",
      "topic",     "type",     "start_time", "duration",
      "timezone",  "agenda",   "created_at", "join_url",
      "start_url", "password", "settings",   "registrants_confirmation_email"};
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
    if (!json_object_get(w, fields[k]))
      fail_msg("created webinar lacks %s", fields[k]);
  assert_true(json_is_integer(json_object_get(w, "id")));
  assert_true(json_integer_value(json_object_get(w, "id")) >= 10000000000LL);
  assert_int_equal(strlen(str(w, "uuid")), 24);
  assert_string_equal(str(w, "host_id"), str(me, "id"));
  assert_string_equal(str(w, "host_email"), str(me, "email"));
  assert_string_equal(str(w, "topic"), "Launch");
  assert_int_equal(json_integer_value(json_object_get(w, "type")), 5);
  assert_string_equal(str(w, "start_time"), "2030-06-01T10:00:00Z");
  assert_int_equal(json_integer_value(json_object_get(w, "duration")), 45);
  assert_string_equal(str(w, "timezone"), "Europe/Paris");
  assert_string_equal(str(w, "password"), "abc123");
  json_t *settings = json_object_get(w, "settings");
  assert_int_equal(json_integer_value(json_object_get(settings, "approval_type")), 2);
  assert_string_equal(str(settings, "audio"), "both");
  assert_null(json_object_get(w, "registration_url")); /* registration off */
  assert_null(json_object_get(w, "occurrences"));
  json_decref(w);
  /* With registration on, a registration_url. */
  w = create(t, "{\"topic\":\"Reg\",\"start_time\":\"2030-06-02T10:00:00Z\","
                "\"settings\":{\"approval_type\":0}}");
  assert_non_null(strstr(str(w, "registration_url"), "/webinar/register/"));
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(w, "settings"), "approval_type")), 0);
  json_decref(w);
  json_decref(me);
}

static void local_start_time_becomes_utc(void **state) {
  simtest *t = *state;
  json_t *w = create(t, "{\"start_time\":\"2030-06-01T10:00:00\","
                        "\"timezone\":\"America/Los_Angeles\"}");
  assert_string_equal(str(w, "start_time"), "2030-06-01T17:00:00Z"); /* PDT, -7 */
  json_decref(w);
  w = create(t, "{\"start_time\":\"2030-01-15T10:00:00\",\"timezone\":\"America/Los_Angeles\"}");
  assert_string_equal(str(w, "start_time"), "2030-01-15T18:00:00Z"); /* PST, -8 */
  json_decref(w);
  /* No timezone: the host's (America/New_York, EDT in June). */
  w = create(t, "{\"start_time\":\"2030-06-01T10:00:00\"}");
  assert_string_equal(str(w, "start_time"), "2030-06-01T14:00:00Z");
  assert_string_equal(str(w, "timezone"), "America/New_York");
  json_decref(w);
  w = create(t, "{\"start_time\":\"2030-06-01T10:00:00\",\"timezone\":\"Asia/Kolkata\"}");
  assert_string_equal(str(w, "start_time"), "2030-06-01T04:30:00Z");
  json_decref(w);
}

/* Checks that W's occurrences start at the UTC times WANT (N of them). */
static void expect_occurrences(json_t *w, const char *const *want, size_t n) {
  json_t *occ = json_object_get(w, "occurrences");
  if (json_array_size(occ) != n)
    fail_msg("%zu occurrences, want %zu", json_array_size(occ), n);
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_array_get(occ, i);
    assert_string_equal(str(o, "start_time"), want[i]);
    assert_string_equal(str(o, "status"), "available");
    assert_true(json_is_integer(json_object_get(o, "duration")));
    /* The occurrence id is the start in epoch milliseconds. */
    assert_int_equal(strlen(str(o, "occurrence_id")), 13);
  }
}

static void recurrence_daily_weekly_monthly(void **state) {
  simtest *t = *state;
  json_t *w = create(t, "{\"type\":9,\"start_time\":\"2030-03-01T09:00:00Z\",\"timezone\":\"UTC\","
                        "\"recurrence\":{\"type\":1,\"repeat_interval\":2,\"end_times\":3}}");
  const char *const daily[] = {"2030-03-01T09:00:00Z", "2030-03-03T09:00:00Z",
                               "2030-03-05T09:00:00Z"};
  expect_occurrences(w, daily, 3);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(w, "recurrence"), "type")),
                   1);
  json_decref(w);

  /* Weekly on Monday and Thursday at 10:00 New York time, across the DST change
   * of 2030-03-10: the UTC hour moves, the local hour stays. 2030-03-04 is a Monday. */
  w = create(t, "{\"type\":9,\"start_time\":\"2030-03-04T10:00:00\","
                "\"timezone\":\"America/New_York\",\"recurrence\":{\"type\":2,"
                "\"weekly_days\":\"2,5\",\"end_times\":4}}");
  const char *const weekly[] = {"2030-03-04T15:00:00Z", "2030-03-07T15:00:00Z",
                                "2030-03-11T14:00:00Z", "2030-03-14T14:00:00Z"};
  expect_occurrences(w, weekly, 4);
  json_decref(w);

  /* Monthly on day 31: months without one are skipped. */
  w = create(t, "{\"type\":9,\"start_time\":\"2030-01-31T12:00:00Z\",\"timezone\":\"UTC\","
                "\"recurrence\":{\"type\":3,\"monthly_day\":31,\"end_times\":4}}");
  const char *const monthly[] = {"2030-01-31T12:00:00Z", "2030-03-31T12:00:00Z",
                                 "2030-05-31T12:00:00Z", "2030-07-31T12:00:00Z"};
  expect_occurrences(w, monthly, 4);
  json_decref(w);

  /* Monthly on the last Friday (week -1, day 6). */
  w = create(t, "{\"type\":9,\"start_time\":\"2030-01-01T12:00:00Z\",\"timezone\":\"UTC\","
                "\"recurrence\":{\"type\":3,\"monthly_week\":-1,\"monthly_week_day\":6,"
                "\"end_times\":3}}");
  const char *const last_friday[] = {"2030-01-25T12:00:00Z", "2030-02-22T12:00:00Z",
                                     "2030-03-29T12:00:00Z"};
  expect_occurrences(w, last_friday, 3);
  json_decref(w);

  /* Second Tuesday every 3 months. */
  w = create(t, "{\"type\":9,\"start_time\":\"2030-01-01T12:00:00Z\",\"timezone\":\"UTC\","
                "\"recurrence\":{\"type\":3,\"repeat_interval\":3,\"monthly_week\":2,"
                "\"monthly_week_day\":3,\"end_times\":2}}");
  const char *const second_tuesday[] = {"2030-01-08T12:00:00Z", "2030-04-09T12:00:00Z"};
  expect_occurrences(w, second_tuesday, 2);
  json_decref(w);
}

static void recurrence_limits(void **state) {
  simtest *t = *state;
  /* end_times up to 60 is accepted; a webinar has at most 50 occurrences. */
  json_t *w = create(t, "{\"type\":9,\"start_time\":\"2030-05-01T09:00:00Z\",\"timezone\":\"UTC\","
                        "\"recurrence\":{\"type\":1,\"end_times\":60}}");
  assert_int_equal(json_array_size(json_object_get(w, "occurrences")), 50);
  json_decref(w);
  /* end_date_time bounds the series. */
  w = create(t, "{\"type\":9,\"start_time\":\"2030-05-01T09:00:00Z\",\"timezone\":\"UTC\","
                "\"recurrence\":{\"type\":2,\"weekly_days\":\"4\","
                "\"end_date_time\":\"2030-05-31T23:59:00Z\"}}");
  const char *const weds[] = {"2030-05-01T09:00:00Z", "2030-05-08T09:00:00Z",
                              "2030-05-15T09:00:00Z", "2030-05-22T09:00:00Z",
                              "2030-05-29T09:00:00Z"};
  expect_occurrences(w, weds, 5);
  json_decref(w);
  /* Type 6 has no fixed time: no start_time, no occurrences. */
  w = create(t, "{\"type\":6,\"topic\":\"Anytime\",\"recurrence\":{\"type\":1}}");
  assert_null(json_object_get(w, "start_time"));
  assert_null(json_object_get(w, "occurrences"));
  assert_null(json_object_get(w, "recurrence")); /* the spec: recurrence is for type 9 only */
  json_decref(w);
}

static void invalid_bodies_get_code_300(void **state) {
  simtest *t = *state;
  json_t *j = NULL;
  assert_int_equal(call_status(t, "POST", "/v2/users/me/webinars",
                               "{\"type\":7,\"password\":\"far-too-long-pass\","
                               "\"timezone\":\"Mars/Base\",\"start_time\":\"tomorrow\","
                               "\"duration\":-5,\"settings\":{\"approval_type\":9},"
                               "\"recurrence\":{\"type\":2,\"end_times\":61}}",
                               &j),
                   400);
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 300);
  const char *const fields[] = {
      "type", "password", "timezone", "duration", "settings.approval_type", "recurrence.end_times"};
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
    if (!names_field(j, fields[k]))
      fail_msg("errors[] does not name %s", fields[k]);
  json_decref(j);
  /* end_times and end_date_time together; type 9 without recurrence. */
  assert_int_equal(call_status(t, "POST", "/v2/users/me/webinars",
                               "{\"type\":9,\"start_time\":\"2030-01-01T00:00:00Z\"}", &j),
                   400);
  assert_true(names_field(j, "recurrence"));
  json_decref(j);
  assert_int_equal(call_status(t, "POST", "/v2/users/me/webinars",
                               "{\"type\":9,\"recurrence\":{\"type\":1,\"end_times\":2,"
                               "\"end_date_time\":\"2030-02-01T00:00:00Z\"}}",
                               &j),
                   400);
  assert_true(names_field(j, "recurrence.end_times"));
  json_decref(j);
  /* Not JSON at all. */
  assert_int_equal(call_status(t, "POST", "/v2/users/me/webinars", "{oops", &j), 400);
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 300);
  json_decref(j);
  /* Unknown host. */
  assert_int_equal(call_status(t, "POST", "/v2/users/ghost@example.com/webinars", "{}", &j), 404);
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 1001);
  json_decref(j);
}

static void get_by_id_uuid_and_occurrence(void **state) {
  simtest *t = *state;
  json_t *w = create(t, "{\"type\":9,\"topic\":\"Series\",\"start_time\":\"2030-09-02T09:00:00Z\","
                        "\"timezone\":\"UTC\",\"recurrence\":{\"type\":1,\"end_times\":3}}");
  char target[256];
  long long id = (long long)json_integer_value(json_object_get(w, "id"));
  snprintf(target, sizeof target, "/v2/webinars/%lld", id);
  json_t *g = get(t, target, 200);
  assert_string_equal(str(g, "topic"), "Series");
  assert_string_equal(str(g, "uuid"), str(w, "uuid"));
  assert_int_equal(json_array_size(json_object_get(g, "occurrences")), 3);
  json_decref(g);
  /* By UUID, percent-encoded (it may hold "/", "+" and "="). */
  char *enc = escape(str(w, "uuid"));
  snprintf(target, sizeof target, "/v2/webinars/%s", enc);
  free(enc);
  g = get(t, target, 200);
  assert_int_equal(json_integer_value(json_object_get(g, "id")), id);
  json_decref(g);
  /* One occurrence. */
  const char *occ = str(json_array_get(json_object_get(w, "occurrences"), 1), "occurrence_id");
  snprintf(target, sizeof target, "/v2/webinars/%lld?occurrence_id=%s", id, occ);
  g = get(t, target, 200);
  assert_string_equal(str(g, "start_time"), "2030-09-03T09:00:00Z");
  assert_int_equal(json_array_size(json_object_get(g, "occurrences")), 1);
  json_decref(g);
  snprintf(target, sizeof target, "/v2/webinars/%lld?occurrence_id=42", id);
  json_decref(get(t, target, 400));
  /* Unknown webinar. */
  g = get(t, "/v2/webinars/12345678901", 404);
  assert_int_equal(json_integer_value(json_object_get(g, "code")), 3001);
  json_decref(g);
  json_decref(w);
}

static void previous_occurrences_are_shown_on_request(void **state) {
  simtest t2;
  sim_options opt;
  sim_options_init(&opt);
  opt.seed_webinars = 0;
  assert_int_equal(simtest_start(&t2, &opt), 0);
  (void)state;
  /* Daily from tomorrow (sim clock), 4 sessions. */
  json_t *me = get(&t2, "/v2/users/me", 200);
  json_decref(me);
  simtest_reply r;
  assert_int_equal(simtest_call(&t2, "POST", "/_sim/clock", "{\"advance\":0}", &r), 0);
  long long now = (long long)json_integer_value(json_object_get(r.json, "now"));
  simtest_reply_free(&r);
  char body[300], start[32];
  long long first = (now / 86400 + 1) * 86400 + 9 * 3600;
  time_t ft = (time_t)first;
  struct tm tm;
  gmtime_r(&ft, &tm);
  strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", &tm);
  snprintf(body, sizeof body,
           "{\"type\":9,\"start_time\":\"%s\",\"timezone\":\"UTC\",\"duration\":60,"
           "\"recurrence\":{\"type\":1,\"end_times\":4}}",
           start);
  json_t *w = create(&t2, body);
  long long id = (long long)json_integer_value(json_object_get(w, "id"));
  json_decref(w);
  /* Two days later the first two sessions are over. */
  sim_advance_clock(t2.s, 2 * 86400 + 12 * 3600);
  /* Tokens last an hour: fetch a new one. */
  assert_int_equal(simtest_token(&t2, "sandbox", "sandbox", "sandbox", &r), 0);
  snprintf(t2.token, sizeof t2.token, "%s", str(r.json, "access_token"));
  simtest_reply_free(&r);
  char target[128];
  snprintf(target, sizeof target, "/v2/webinars/%lld", id);
  json_t *g = get(&t2, target, 200);
  assert_int_equal(json_array_size(json_object_get(g, "occurrences")), 2);
  json_decref(g);
  snprintf(target, sizeof target, "/v2/webinars/%lld?show_previous_occurrences=true", id);
  g = get(&t2, target, 200);
  assert_int_equal(json_array_size(json_object_get(g, "occurrences")), 4);
  json_decref(g);
  snprintf(target, sizeof target, "/v2/webinars/%lld?show_previous_occurrences=maybe", id);
  json_decref(get(&t2, target, 400));
  simtest_stop(&t2);
}

static void list_scheduled_upcoming_and_pages(void **state) {
  (void)state;
  simtest t2;
  sim_options opt;
  sim_options_init(&opt); /* the seeded calendar: 6 webinars, 2 of them held */
  assert_int_equal(simtest_start(&t2, &opt), 0);
  json_t *l = get(&t2, "/v2/users/me/webinars", 200);
  assert_int_equal(json_integer_value(json_object_get(l, "total_records")), 6);
  assert_int_equal(json_array_size(json_object_get(l, "webinars")), 6);
  assert_int_equal(json_integer_value(json_object_get(l, "page_size")), 30);
  assert_string_equal(str(l, "next_page_token"), "");
  static const char *const fields[] = {"uuid",     "id",       "host_id",    "topic",   "type",
                                       "duration", "timezone", "created_at", "join_url"};
  json_t *item = json_array_get(json_object_get(l, "webinars"), 0);
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
    if (!json_object_get(item, fields[k]))
      fail_msg("list item lacks %s", fields[k]);
  json_decref(l);
  l = get(&t2, "/v2/users/me/webinars?type=upcoming", 200);
  assert_int_equal(json_integer_value(json_object_get(l, "total_records")), 4);
  json_decref(l);
  /* Pages of 4 then 2. */
  l = get(&t2, "/v2/users/me/webinars?page_size=4", 200);
  assert_int_equal(json_array_size(json_object_get(l, "webinars")), 4);
  char target[200];
  snprintf(target, sizeof target, "/v2/users/me/webinars?page_size=4&next_page_token=%s",
           str(l, "next_page_token"));
  json_decref(l);
  l = get(&t2, target, 200);
  assert_int_equal(json_array_size(json_object_get(l, "webinars")), 2);
  assert_string_equal(str(l, "next_page_token"), "");
  json_decref(l);
  json_decref(get(&t2, "/v2/users/me/webinars?type=past", 400));
  l = get(&t2, "/v2/users/nobody@example.com/webinars", 404);
  assert_int_equal(json_integer_value(json_object_get(l, "code")), 1001);
  json_decref(l);
  /* Another user has none. */
  l = get(&t2, "/v2/users/priya.shah%40sandbox.example.com/webinars", 200);
  assert_int_equal(json_integer_value(json_object_get(l, "total_records")), 0);
  json_decref(l);
  simtest_stop(&t2);
}

static void update_whole_and_one_occurrence(void **state) {
  simtest *t = *state;
  json_t *w = create(t, "{\"type\":9,\"topic\":\"Old\",\"start_time\":\"2030-10-01T09:00:00Z\","
                        "\"timezone\":\"UTC\",\"duration\":30,"
                        "\"recurrence\":{\"type\":1,\"end_times\":3}}");
  long long id = (long long)json_integer_value(json_object_get(w, "id"));
  char target[200];
  snprintf(target, sizeof target, "/v2/webinars/%lld", id);
  assert_int_equal(call_status(t, "PATCH", target,
                               "{\"topic\":\"New\",\"agenda\":\"A\",\"settings\":"
                               "{\"host_video\":true}}",
                               NULL),
                   204);
  json_t *g = get(t, target, 200);
  assert_string_equal(str(g, "topic"), "New");
  assert_string_equal(str(g, "agenda"), "A");
  assert_true(json_is_true(json_object_get(json_object_get(g, "settings"), "host_video")));
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(g, "settings"), "approval_type")),
      2); /* untouched settings stay */
  json_decref(g);
  /* One occurrence moves; the others stay. */
  const char *occ = str(json_array_get(json_object_get(w, "occurrences"), 1), "occurrence_id");
  char otarget[256];
  snprintf(otarget, sizeof otarget, "%s?occurrence_id=%s", target, occ);
  assert_int_equal(call_status(t, "PATCH", otarget,
                               "{\"start_time\":\"2030-10-02T15:00:00Z\",\"duration\":90,"
                               "\"agenda\":\"Special\",\"topic\":\"ignored\"}",
                               NULL),
                   204);
  g = get(t, target, 200);
  assert_string_equal(str(g, "topic"), "New");
  json_t *occs = json_object_get(g, "occurrences");
  assert_string_equal(str(json_array_get(occs, 0), "start_time"), "2030-10-01T09:00:00Z");
  assert_string_equal(str(json_array_get(occs, 1), "start_time"), "2030-10-02T15:00:00Z");
  assert_int_equal(json_integer_value(json_object_get(json_array_get(occs, 1), "duration")), 90);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(occs, 2), "duration")), 30);
  json_decref(g);
  g = get(t, otarget, 200);
  assert_string_equal(str(g, "agenda"), "Special");
  json_decref(g);
  /* Moving the series re-expands it in local time. */
  assert_int_equal(call_status(t, "PATCH", target,
                               "{\"start_time\":\"2030-11-01T08:00:00\",\"timezone\":"
                               "\"Europe/London\",\"recurrence\":{\"type\":1,\"end_times\":2}}",
                               NULL),
                   204);
  g = get(t, target, 200);
  const char *const moved[] = {"2030-11-01T08:00:00Z", "2030-11-02T08:00:00Z"};
  expect_occurrences(g, moved, 2);
  json_decref(g);
  /* Bad updates. */
  json_t *j = NULL;
  assert_int_equal(call_status(t, "PATCH", target, "{\"password\":\"12345678901\"}", &j), 400);
  assert_true(names_field(j, "password"));
  json_decref(j);
  snprintf(otarget, sizeof otarget, "%s?occurrence_id=1", target);
  assert_int_equal(call_status(t, "PATCH", otarget, "{\"agenda\":\"x\"}", NULL), 400);
  assert_int_equal(call_status(t, "PATCH", "/v2/webinars/99999999999", "{}", &j), 404);
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 3001);
  json_decref(j);
  json_decref(w);
}

static void delete_occurrence_then_webinar(void **state) {
  simtest *t = *state;
  json_t *w = create(t, "{\"type\":9,\"start_time\":\"2030-12-01T09:00:00Z\",\"timezone\":\"UTC\","
                        "\"recurrence\":{\"type\":1,\"end_times\":3}}");
  long long id = (long long)json_integer_value(json_object_get(w, "id"));
  const char *occ = str(json_array_get(json_object_get(w, "occurrences"), 0), "occurrence_id");
  char target[200], otarget[256];
  snprintf(target, sizeof target, "/v2/webinars/%lld", id);
  snprintf(otarget, sizeof otarget, "%s?occurrence_id=%s&cancel_webinar_reminder=true", target,
           occ);
  assert_int_equal(call_status(t, "DELETE", otarget, NULL, NULL), 204);
  json_t *g = get(t, target, 200);
  assert_int_equal(json_array_size(json_object_get(g, "occurrences")), 2);
  json_decref(g);
  snprintf(otarget, sizeof otarget, "%s?show_previous_occurrences=true", target);
  g = get(t, otarget, 200);
  assert_string_equal(str(json_array_get(json_object_get(g, "occurrences"), 0), "status"),
                      "deleted");
  json_decref(g);
  snprintf(otarget, sizeof otarget, "%s?cancel_webinar_reminder=perhaps", target);
  assert_int_equal(call_status(t, "DELETE", otarget, NULL, NULL), 400);
  assert_int_equal(call_status(t, "DELETE", target, NULL, NULL), 204);
  json_t *j = get(t, target, 404);
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 3001);
  json_decref(j);
  assert_int_equal(call_status(t, "DELETE", target, NULL, NULL), 404);
  json_decref(w);
}

static void status_end(void **state) {
  simtest *t = *state;
  json_t *w = create(t, "{\"start_time\":\"2031-01-01T09:00:00Z\",\"topic\":\"Live\"}");
  char target[200];
  snprintf(target, sizeof target, "/v2/webinars/%lld/status",
           (long long)json_integer_value(json_object_get(w, "id")));
  json_t *j = NULL;
  assert_int_equal(call_status(t, "PUT", target, "{\"action\":\"start\"}", &j), 400);
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 300);
  assert_true(names_field(j, "action"));
  json_decref(j);
  assert_int_equal(call_status(t, "PUT", target, "{\"action\":\"end\"}", NULL), 204);
  /* An ended webinar is no longer upcoming. */
  json_t *l = get(t, "/v2/users/me/webinars?type=upcoming&page_size=300", 200);
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(l, "webinars"), i, it) {
    if (json_integer_value(json_object_get(it, "id")) ==
        json_integer_value(json_object_get(w, "id")))
      fail_msg("an ended webinar is listed as upcoming");
  }
  json_decref(l);
  assert_int_equal(
      call_status(t, "PUT", "/v2/webinars/11111111111/status", "{\"action\":\"end\"}", NULL), 404);
  json_decref(w);
}

static void hundred_writes_per_host_per_day(void **state) {
  (void)state;
  simtest t2;
  sim_options opt;
  sim_options_init(&opt);
  opt.seed_webinars = 0;
  assert_int_equal(simtest_start(&t2, &opt), 0);
  json_t *w = create(&t2, "{\"topic\":\"q\",\"start_time\":\"2031-02-01T09:00:00Z\"}");
  char target[200];
  snprintf(target, sizeof target, "/v2/webinars/%lld",
           (long long)json_integer_value(json_object_get(w, "id")));
  json_decref(w);
  /* 1 create + 99 updates = 100 writes today. */
  for (int i = 0; i < 99; i++)
    assert_int_equal(call_status(&t2, "PATCH", target, "{\"agenda\":\"x\"}", NULL), 204);
  json_t *j = NULL;
  assert_int_equal(call_status(&t2, "POST", "/v2/users/me/webinars", "{}", &j), 429);
  assert_int_equal(json_integer_value(json_object_get(j, "code")), 429);
  json_decref(j);
  assert_int_equal(call_status(&t2, "PATCH", target, "{\"agenda\":\"y\"}", NULL), 429);
  /* Reads still work, and another host has its own quota. */
  json_decref(get(&t2, target, 200));
  w = NULL;
  assert_int_equal(
      call_status(&t2, "POST", "/v2/users/priya.shah%40sandbox.example.com/webinars", "{}", &w),
      201);
  json_decref(w);
  /* A new day. */
  sim_advance_clock(t2.s, 86400);
  simtest_reply r;
  assert_int_equal(simtest_token(&t2, "sandbox", "sandbox", "sandbox", &r), 0);
  snprintf(t2.token, sizeof t2.token, "%s", str(r.json, "access_token"));
  simtest_reply_free(&r);
  assert_int_equal(call_status(&t2, "PATCH", target, "{\"agenda\":\"z\"}", NULL), 204);
  simtest_stop(&t2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(create_one_off_has_spec_fields),
      cmocka_unit_test(local_start_time_becomes_utc),
      cmocka_unit_test(recurrence_daily_weekly_monthly),
      cmocka_unit_test(recurrence_limits),
      cmocka_unit_test(invalid_bodies_get_code_300),
      cmocka_unit_test(get_by_id_uuid_and_occurrence),
      cmocka_unit_test(previous_occurrences_are_shown_on_request),
      cmocka_unit_test(list_scheduled_upcoming_and_pages),
      cmocka_unit_test(update_whole_and_one_occurrence),
      cmocka_unit_test(delete_occurrence_then_webinar),
      cmocka_unit_test(status_end),
      cmocka_unit_test(hundred_writes_per_host_per_day),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
