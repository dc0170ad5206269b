/* report.c - the attendance report of one past webinar instance: one builder
 * behind the tool webinar_attendance_report (structuredContent, a PNG chart of
 * attendance over time, a CSV of participants on request) and the resource
 * zoom://past_webinars/{webinarUuid}/report (past.c declares the template). */
#include "tools/app.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/tz.h"
#include "tools/chart.h"
#include "zoom/url.h"

#define REPORT_CURVE_POINTS 120 /* the curve has at most this many steps, plus one */
#define REPORT_TOP_QUESTIONS 10
#define REPORT_ID_MAX 256

/* One join record: who (an index into the people), when (UTC seconds). */
typedef struct report_visit {
  size_t person;
  int64_t join, leave;
} report_visit;

/* What the builder reads from Zoom and works out. */
typedef struct report_data {
  json_t *participants; /* owned: every join record */
  json_t *people;       /* owned: one object per person, in order of first appearance */
  report_visit *visits;
  size_t nvisits;
  int64_t start, end; /* the instance's start and its last leave */
} report_data;

/* GETs TMPL (a path with a {webinar_uuid} or {webinar_id} slot, filled from
 * ARGS) with QUERY (borrowed, may be NULL). On success *OUT holds Zoom's reply
 * (new reference) and 0 is returned; else -1 and *OUT holds {error: Zoom's
 * error as JSON} (new reference). */
static int report_get(mcp_call *call, const char *tmpl, json_t *args, json_t *query, json_t **out) {
  zoom_error err = {0};
  zoom_cancel cancel = app_cancel_of(call);
  int rc = -1;
  char *path = engine_path(tmpl, args, NULL, 0);
  *out = NULL;
  if (!path) {
    zoom_error_set(&err, ZOOM_ERR_INVALID, "the webinar id or UUID is missing or too long");
    *out = json_pack("{s:o}", "error", zoom_error_to_json(&err));
    goto cleanup;
  }
  rc = zoom_request(app_of(call)->zoom, "GET", path, query, NULL, &cancel, out, &err);
  if (rc != 0)
    *out = json_pack("{s:o}", "error", zoom_error_to_json(&err));
cleanup:
  zoom_error_clear(&err);
  free(path);
  return rc == 0 ? 0 : -1;
}

/* A time member of O as UTC seconds; FALLBACK when absent or unreadable. */
static int64_t time_of(json_t *o, const char *key, int64_t fallback) {
  int64_t t;
  const char *text = json_string_value(json_object_get(o, key));
  return text && when_instant(text, &t) == 0 ? t : fallback;
}

static json_t *time_json(int64_t t) {
  char buf[32];
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  int y, m, d;
  tz_civil_from_days(days, &y, &m, &d);
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(secs / 3600),
           (int)(secs / 60 % 60), (int)(secs % 60));
  return json_string(buf);
}

/* The key that tells people apart: the e-mail address in lower case, else the name. */
static void person_key(json_t *p, char *key, size_t size) {
  const char *email = json_string_value(json_object_get(p, "user_email"));
  const char *name = json_string_value(json_object_get(p, "name"));
  if (email && *email) {
    size_t i = 0;
    for (; email[i] && i + 1 < size; i++)
      key[i] = (char)tolower((unsigned char)email[i]);
    key[i] = '\0';
  } else {
    snprintf(key, size, "name:%s", name ? name : "");
  }
}

static int visit_cmp(const void *a, const void *b) {
  const report_visit *x = a, *y = b;
  if (x->person != y->person)
    return x->person < y->person ? -1 : 1;
  return (x->join > y->join) - (x->join < y->join);
}

static int double_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* V rounded to 1/SCALE (SCALE 10: one decimal). */
static double round_to(double v, double scale) {
  return (double)(long long)(v * scale + (v >= 0 ? 0.5 : -0.5)) / scale;
}

/* Groups the join records into people and their visits. Returns 0 or -1 (OOM). */
static int people_gather(report_data *d) {
  json_t *index = json_object(); /* key -> position in d->people */
  size_t n = json_array_size(d->participants), i;
  json_t *p;
  int rc = -1;
  d->people = json_array();
  d->visits = calloc(n ? n : 1, sizeof *d->visits);
  if (!index || !d->people || !d->visits)
    goto cleanup;
  json_array_foreach(d->participants, i, p) {
    char key[320];
    person_key(p, key, sizeof key);
    json_t *at = json_object_get(index, key);
    if (!at) {
      const char *email = json_string_value(json_object_get(p, "user_email"));
      const char *name = json_string_value(json_object_get(p, "name"));
      at = json_integer((json_int_t)json_array_size(d->people));
      json_object_set_new(index, key, at);
      json_array_append_new(d->people,
                            json_pack("{s:s, s:s, s:b, s:b}", "name", name ? name : "", "email",
                                      email ? email : "", "registered", 0, "panelist", 0));
    }
    json_t *person = json_array_get(d->people, (size_t)json_integer_value(at));
    const char *rid = json_string_value(json_object_get(p, "registrant_id"));
    if (rid && *rid)
      json_object_set_new(person, "registered", json_true());
    report_visit *v = &d->visits[d->nvisits++];
    v->person = (size_t)json_integer_value(at);
    v->join = time_of(p, "join_time", d->start);
    v->leave = time_of(p, "leave_time", v->join);
    if (v->leave < v->join)
      v->leave = v->join;
    if (v->leave > d->end)
      d->end = v->leave;
  }
  qsort(d->visits, d->nvisits, sizeof *d->visits, visit_cmp);
  rc = 0;
cleanup:
  json_decref(index);
  return rc;
}

/* Merges each person's overlapping visits (sorted by person, then join) in
 * place, so that nobody is counted twice at one moment; sets each person's
 * first_join, last_leave, visits and minutes. Fills MINUTES (one per person). */
static void visits_merge(report_data *d, double *minutes) {
  size_t out = 0;
  for (size_t i = 0; i < d->nvisits; i++) {
    report_visit v = d->visits[i];
    json_t *person = json_array_get(d->people, v.person);
    json_int_t records = json_integer_value(json_object_get(person, "visits"));
    json_object_set_new(person, "visits", json_integer(records + 1));
    if (out > 0 && d->visits[out - 1].person == v.person && v.join <= d->visits[out - 1].leave) {
      if (v.leave > d->visits[out - 1].leave)
        d->visits[out - 1].leave = v.leave;
    } else {
      d->visits[out++] = v;
    }
  }
  d->nvisits = out;
  for (size_t i = 0; i < d->nvisits; i++) {
    const report_visit *v = &d->visits[i];
    json_t *person = json_array_get(d->people, v->person);
    if (!json_object_get(person, "first_join"))
      json_object_set_new(person, "first_join", time_json(v->join));
    json_object_set_new(person, "last_leave", time_json(v->leave));
    minutes[v->person] += (double)(v->leave - v->join) / 60.0;
  }
  size_t k;
  json_t *person;
  json_array_foreach(d->people, k, person) {
    json_object_set_new(person, "minutes_attended", json_real(round_to(minutes[k], 10)));
  }
}

/* The curve: people present at each step from the start to the last leave,
 * and how many first joined and last left in the step that follows. */
static json_t *curve_build(const report_data *d) {
  int64_t span = (d->end - d->start + 59) / 60; /* minutes */
  if (span < 1)
    span = 1;
  int64_t step = (span + REPORT_CURVE_POINTS - 1) / REPORT_CURVE_POINTS;
  size_t npoints = (size_t)((span + step - 1) / step) + 1;
  json_int_t *present = calloc(npoints, sizeof *present);
  json_int_t *joined = calloc(npoints, sizeof *joined), *left = calloc(npoints, sizeof *left);
  json_t *points = json_array(), *out = NULL;
  if (!present || !joined || !left || !points)
    goto cleanup;
  size_t first = 0;
  for (size_t i = 0; i <= d->nvisits; i++) {
    if (i < d->nvisits && i > first && d->visits[i].person == d->visits[first].person)
      continue;
    if (i > first) { /* visits [first, i) are one person's, merged */
      int64_t j = (d->visits[first].join - d->start) / (step * 60);
      int64_t l = (d->visits[i - 1].leave - d->start) / (step * 60);
      joined[j < 0 ? 0 : (size_t)j >= npoints ? npoints - 1 : (size_t)j]++;
      left[l < 0 ? 0 : (size_t)l >= npoints ? npoints - 1 : (size_t)l]++;
    }
    first = i;
  }
  for (size_t i = 0; i < d->nvisits; i++)
    for (size_t k = 0; k < npoints; k++) {
      int64_t t = d->start + (int64_t)k * step * 60;
      present[k] += d->visits[i].join <= t && t < d->visits[i].leave;
    }
  json_int_t peak = -1;
  size_t peak_at = 0;
  for (size_t k = 0; k < npoints; k++) {
    if (present[k] > peak) {
      peak = present[k];
      peak_at = k;
    }
    json_array_append_new(points,
                          json_pack("{s:I, s:I, s:I, s:I}", "minute", (json_int_t)k * step,
                                    "present", present[k], "joined", joined[k], "left", left[k]));
  }
  out = json_pack("{s:I, s:I, s:I, s:I, s:O}", "minutes", (json_int_t)span, "step_minutes",
                  (json_int_t)step, "peak_present", peak, "peak_minute", (json_int_t)peak_at * step,
                  "points", points);
cleanup:
  json_decref(points);
  free(present);
  free(joined);
  free(left);
  return out;
}

/* Normalised question text into KEY: lower case, single spaces, no trailing
 * punctuation, so "Can we get the slides?" and "can we get the slides" count
 * as one. */
static void question_key(const char *q, char *key, size_t size) {
  size_t n = 0;
  bool space = false;
  for (; *q && n + 1 < size; q++) {
    if (isspace((unsigned char)*q)) {
      space = n > 0;
      continue;
    }
    if (space && n + 2 < size)
      key[n++] = ' ';
    space = false;
    key[n++] = (char)tolower((unsigned char)*q);
  }
  while (n > 0 && strchr("?!. ", key[n - 1]))
    n--;
  key[n] = '\0';
}

/* Most "times" first; ties in the order first seen ("order"). */
static int times_cmp(const void *a, const void *b) {
  json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
  json_int_t tx = json_integer_value(json_object_get(x, "times"));
  json_int_t ty = json_integer_value(json_object_get(y, "times"));
  if (tx != ty)
    return tx > ty ? -1 : 1;
  json_int_t ox = json_integer_value(json_object_get(x, "order"));
  json_int_t oy = json_integer_value(json_object_get(y, "order"));
  return (ox > oy) - (ox < oy);
}

/* Sorts the objects of ARR (in place) by "times", most first, ties in order. */
static void sort_by_times(json_t *arr) {
  size_t n = json_array_size(arr);
  json_t **items = calloc(n ? n : 1, sizeof *items);
  if (!items)
    return;
  for (size_t i = 0; i < n; i++) {
    items[i] = json_incref(json_array_get(arr, i));
    json_object_set_new(items[i], "order", json_integer((json_int_t)i));
  }
  qsort(items, n, sizeof *items, times_cmp);
  json_array_clear(arr);
  for (size_t i = 0; i < n; i++) {
    json_object_del(items[i], "order");
    json_array_append_new(arr, items[i]);
  }
  free(items);
}

/* The Q&A part from Zoom's reply QA (borrowed): questions asked, answered,
 * and the most asked ones. */
static json_t *questions_part(json_t *qa) {
  json_t *groups = json_array(), *index = json_object();
  json_int_t asked = 0, answered = 0;
  size_t i, j;
  json_t *q, *detail;
  json_array_foreach(json_object_get(qa, "questions"), i, q) {
    json_array_foreach(json_object_get(q, "question_details"), j, detail) {
      const char *text = json_string_value(json_object_get(detail, "question"));
      const char *answer = json_string_value(json_object_get(detail, "answer"));
      char key[512];
      bool ok = answer && *answer;
      if (!text || !*text)
        continue;
      asked++;
      answered += ok;
      question_key(text, key, sizeof key);
      json_t *g = json_object_get(index, key);
      if (!g) {
        g = json_pack("{s:s, s:I, s:I}", "question", text, "times", (json_int_t)0, "answered",
                      (json_int_t)0);
        json_object_set_new(index, key, g);
        json_array_append(groups, g);
      }
      json_object_set_new(g, "times",
                          json_integer(json_integer_value(json_object_get(g, "times")) + 1));
      json_object_set_new(g, "answered",
                          json_integer(json_integer_value(json_object_get(g, "answered")) + ok));
    }
  }
  sort_by_times(groups);
  while (json_array_size(groups) > REPORT_TOP_QUESTIONS)
    json_array_remove(groups, REPORT_TOP_QUESTIONS);
  json_decref(index);
  return json_pack("{s:I, s:I, s:o}", "asked", asked, "answered", answered, "most_asked", groups);
}

/* The polls part from Zoom's reply POLLS (borrowed): per poll question, how
 * many answered and each answer's count (most chosen first). */
static json_t *polls_part(json_t *polls) {
  json_t *questions = json_array(), *index = json_object(), *people = json_object();
  size_t i, j;
  json_t *who, *detail;
  json_array_foreach(json_object_get(polls, "questions"), i, who) {
    char pkey[320];
    person_key(who, pkey, sizeof pkey); /* "user_email" is absent here: by name */
    const char *email = json_string_value(json_object_get(who, "email"));
    if (email && *email)
      snprintf(pkey, sizeof pkey, "%s", email);
    json_object_set_new(people, pkey, json_true());
    json_array_foreach(json_object_get(who, "question_details"), j, detail) {
      const char *poll = json_string_value(json_object_get(detail, "polling_id"));
      const char *text = json_string_value(json_object_get(detail, "question"));
      const char *answer = json_string_value(json_object_get(detail, "answer"));
      char key[600];
      if (!text)
        continue;
      snprintf(key, sizeof key, "%s\n%s", poll ? poll : "", text);
      json_t *g = json_object_get(index, key);
      if (!g) {
        g = json_pack("{s:s, s:s, s:I, s:[], s:{}}", "poll_id", poll ? poll : "", "question", text,
                      "responses", (json_int_t)0, "answers", "counts");
        json_object_set_new(index, key, g);
        json_array_append(questions, g);
      }
      json_object_set_new(g, "responses",
                          json_integer(json_integer_value(json_object_get(g, "responses")) + 1));
      json_t *counts = json_object_get(g, "counts");
      const char *a = answer ? answer : "";
      json_t *c = json_object_get(counts, a);
      if (!c) {
        c = json_pack("{s:s, s:I}", "answer", a, "times", (json_int_t)0);
        json_object_set_new(counts, a, c);
        json_array_append(json_object_get(g, "answers"), c);
      }
      json_object_set_new(c, "times",
                          json_integer(json_integer_value(json_object_get(c, "times")) + 1));
    }
  }
  size_t k;
  json_t *g;
  json_array_foreach(questions, k, g) {
    json_object_del(g, "counts");
    sort_by_times(json_object_get(g, "answers"));
  }
  json_t *out = json_pack("{s:I, s:o}", "respondents", (json_int_t)json_object_size(people),
                          "questions", questions);
  json_decref(index);
  json_decref(people);
  return out;
}

/* The panelists part: who of the webinar's panelists (PANELISTS, Zoom's reply,
 * borrowed) attended; marks them in D's people. */
static json_t *panelists_part(report_data *d, json_t *panelists) {
  json_t *present = json_array();
  size_t i, k;
  json_t *p, *person;
  json_array_foreach(json_object_get(panelists, "panelists"), i, p) {
    const char *email = json_string_value(json_object_get(p, "email"));
    json_array_foreach(d->people, k, person) {
      const char *pe = json_string_value(json_object_get(person, "email"));
      if (email && *email && pe && !strcasecmp(pe, email)) {
        json_object_set_new(person, "panelist", json_true());
        json_array_append_new(
            present, json_pack("{s:O, s:s}", "name", json_object_get(p, "name"), "email", email));
        break;
      }
    }
  }
  return json_pack("{s:I, s:I, s:o}", "invited",
                   (json_int_t)json_array_size(json_object_get(panelists, "panelists")), "present",
                   (json_int_t)json_array_size(present), "attended", present);
}

static void report_data_free(report_data *d) {
  json_decref(d->participants);
  json_decref(d->people);
  free(d->visits);
}

/* The earliest join among the join records, or 0. */
static int64_t first_join(json_t *participants) {
  int64_t first = INT64_MAX;
  size_t i;
  json_t *p;
  json_array_foreach(participants, i, p) {
    int64_t t = time_of(p, "join_time", INT64_MAX);
    if (t < first)
      first = t;
  }
  return first == INT64_MAX ? 0 : first;
}

/* Puts PART (stolen: Zoom's reply, or {error}) into REPORT as NAME, built by
 * BUILD when Zoom answered, else under "errors". */
static void part_set(json_t *report, const char *name, int rc, json_t *reply,
                     json_t *(*build)(json_t *)) {
  if (rc == 0) {
    json_object_set_new(report, name, build(reply));
  } else {
    json_t *errors = json_object_get(report, "errors");
    if (!errors) {
      errors = json_object();
      json_object_set_new(report, "errors", errors);
    }
    json_object_set(errors, name, json_object_get(reply, "error"));
    json_object_set_new(report, name, json_null());
  }
  json_decref(reply);
}

/* The absentees' count, from one page's total_records. */
static json_t *absentees_count(json_t *reply) {
  json_t *total = json_object_get(reply, "total_records");
  return json_integer(json_is_integer(total)
                          ? json_integer_value(total)
                          : (json_int_t)json_array_size(json_object_get(reply, "registrants")));
}

/* Attendance figures of D into REPORT: people, registered people, minutes
 * attended (average, median), registrants and rate when ABSENTEES (may be
 * NULL) is known. Returns 0 or -1 (OOM). */
static int figures_set(json_t *report, report_data *d, json_t *absentees) {
  size_t n = json_array_size(d->people);
  double *minutes = calloc(n ? n : 1, sizeof *minutes);
  if (!minutes)
    return -1;
  visits_merge(d, minutes);
  json_int_t registered = 0;
  size_t i;
  json_t *person;
  json_array_foreach(d->people, i, person) registered +=
      json_is_true(json_object_get(person, "registered"));
  double total = 0;
  for (i = 0; i < n; i++)
    total += minutes[i];
  qsort(minutes, n, sizeof *minutes, double_cmp);
  double median = n == 0 ? 0 : n % 2 ? minutes[n / 2] : (minutes[n / 2 - 1] + minutes[n / 2]) / 2;
  json_object_set_new(report, "participant_records",
                      json_integer((json_int_t)json_array_size(d->participants)));
  json_object_set_new(report, "attendees", json_integer((json_int_t)n));
  json_object_set_new(report, "registered_attendees", json_integer(registered));
  if (json_is_integer(absentees)) {
    json_int_t registrants = registered + json_integer_value(absentees);
    json_object_set_new(report, "registrants", json_integer(registrants));
    json_object_set_new(report, "attendance_rate",
                        registrants
                            ? json_real(round_to((double)registered / (double)registrants, 1000))
                            : json_null());
  } else {
    json_object_set_new(report, "registrants", json_null());
    json_object_set_new(report, "attendance_rate", json_null());
  }
  json_object_set_new(report, "minutes_attended",
                      json_pack("{s:f, s:f, s:f}", "average", round_to(n ? total / n : 0, 10),
                                "median", round_to(median, 10), "total", round_to(total, 10)));
  free(minutes);
  return 0;
}

/* Builds the report of the instance WHICH names ({webinar_uuid} and/or
 * {webinar_id}, borrowed). On success *OUT holds the report (new reference),
 * *PEOPLE (when not NULL) one object per attendee (new reference), and 0 is
 * returned; else -1 with *OUT a new tool error result (the participants could
 * not be read), and ERR (zeroed by the caller, cleared by it after) Zoom's
 * error when there was one. */
static int report_build(mcp_call *call, json_t *which, json_t **out, json_t **people,
                        zoom_error *err) {
  report_data d = {0};
  json_t *reply = NULL, *report = NULL;
  const char *uuid = json_string_value(json_object_get(which, "webinar_uuid"));
  const char *id = json_string_value(json_object_get(which, "webinar_id"));
  json_t *target = json_pack("{s:s}", "webinar_uuid", uuid ? uuid : id ? id : "");
  int rc = -1;
  *out = NULL;
  if (people)
    *people = NULL;
  char *path =
      target ? engine_path("/past_webinars/{webinar_uuid}/participants", target, NULL, 0) : NULL;
  if (!path) {
    *out = mcp_tool_error("give webinar_uuid (a past instance's UUID) or webinar_id (1 to %d "
                          "characters)",
                          REPORT_ID_MAX);
    goto cleanup;
  }
  if (engine_get_pages(call, path, NULL, "participants", 300, false, &reply, err) != 0) {
    *out = app_tool_error(err);
    goto cleanup;
  }
  d.participants = json_incref(json_object_get(reply, "participants"));
  report = json_pack("{s:O}", "truncated", json_object_get(reply, "truncated"));
  json_decref(reply);
  reply = NULL;
  if (!report || !d.participants)
    goto oom;

  /* the Q&A reply names the instance: id, uuid, start time */
  int qrc = report_get(call, "/past_webinars/{webinar_uuid}/qa", target, NULL, &reply);
  json_t *wid = json_object_get(reply, "id");
  if (qrc == 0 && json_is_integer(wid))
    json_object_set(report, "webinar_id", wid);
  else if (id)
    json_object_set_new(report, "webinar_id", json_integer(strtoll(id, NULL, 10)));
  json_t *ruuid = json_object_get(reply, "uuid");
  json_object_set_new(report, "webinar_uuid",
                      json_is_string(ruuid) ? json_copy(ruuid) : json_string(uuid ? uuid : id));
  d.start = time_of(reply, "start_time", first_join(d.participants));
  d.end = d.start;
  json_object_set_new(report, "start_time", time_json(d.start));
  part_set(report, "questions", qrc, reply, questions_part);

  json_t *query = json_pack("{s:i}", "page_size", 300);
  rc = report_get(call, "/past_webinars/{webinar_uuid}/absentees", target, query, &reply);
  json_decref(query);
  part_set(report, "absentees", rc, reply, absentees_count);
  rc = report_get(call, "/past_webinars/{webinar_uuid}/polls", target, NULL, &reply);
  part_set(report, "polls", rc, reply, polls_part);

  if (people_gather(&d) != 0)
    goto oom;
  json_object_set_new(report, "end_time", time_json(d.end));
  /* panelists are listed by the webinar's numeric id */
  char num[32] = "";
  if (json_is_integer(json_object_get(report, "webinar_id")))
    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
             json_integer_value(json_object_get(report, "webinar_id")));
  json_t *byid = json_pack("{s:s}", "webinar_id", num);
  rc = report_get(call, "/webinars/{webinar_id}/panelists", byid, NULL, &reply);
  json_decref(byid);
  if (rc == 0) {
    json_object_set_new(report, "panelists", panelists_part(&d, reply));
    json_decref(reply);
  } else {
    part_set(report, "panelists", rc, reply, NULL);
  }
  reply = NULL;
  if (figures_set(report, &d, json_object_get(report, "absentees")) != 0)
    goto oom;
  json_t *curve = curve_build(&d);
  if (!curve)
    goto oom;
  json_object_set_new(report, "curve", curve);
  *out = report;
  report = NULL;
  if (people)
    *people = json_incref(d.people);
  rc = 0;
  goto cleanup;
oom:
  *out = mcp_tool_error("out of memory while building the report");
  rc = -1;
cleanup:
  json_decref(reply);
  json_decref(report);
  json_decref(target);
  free(path);
  report_data_free(&d);
  return rc;
}

/* The chart of REPORT's curve as PNG in base64 (new string), or NULL with the
 * reason in WHY. */
static char *report_chart(json_t *report, size_t *png_len, char *why, size_t why_size) {
  json_t *curve = json_object_get(report, "curve");
  json_t *points = json_object_get(curve, "points");
  size_t n = json_array_size(points);
  double *values = calloc(n ? n : 1, sizeof *values);
  unsigned char *png = NULL;
  char *b64 = NULL, title[160];
  if (!values) {
    snprintf(why, why_size, "out of memory");
    return NULL;
  }
  for (size_t i = 0; i < n; i++)
    values[i] = (double)json_integer_value(json_object_get(json_array_get(points, i), "present"));
  snprintf(title, sizeof title, "Attendance of webinar %" JSON_INTEGER_FORMAT ", %.20s",
           json_integer_value(json_object_get(report, "webinar_id")),
           json_string_value(json_object_get(report, "start_time")));
  chart_series s = {.title = title,
                    .x_label = "minutes since the start",
                    .y_label = "people present",
                    .values = values,
                    .n = n,
                    .step = (double)json_integer_value(json_object_get(curve, "step_minutes"))};
  if (chart_png(&s, &png, png_len, why, why_size) == 0) {
    b64 = chart_base64(png, *png_len);
    if (!b64)
      snprintf(why, why_size, "out of memory");
  }
  free(png);
  free(values);
  return b64;
}

/* Adds the chart to REPORT ("chart": what was drawn, or why not); the base64
 * PNG, or NULL. */
static char *report_chart_add(json_t *report) {
  char why[300] = "";
  size_t len = 0;
  char *b64 = report_chart(report, &len, why, sizeof why);
  if (b64)
    json_object_set_new(report, "chart",
                        json_pack("{s:s, s:i, s:i, s:I}", "mime_type", "image/png", "width",
                                  CHART_WIDTH, "height", CHART_HEIGHT, "bytes", (json_int_t)len));
  else
    json_object_set_new(report, "chart", json_pack("{s:s}", "error", why));
  return b64;
}

/* ---- CSV ------------------------------------------------------------------------- */

#define REPORT_CSV_MAX ((size_t)64 << 20) /* a failure sticks in the bytebuf: checked once */

/* One cell, quoted when it holds a comma, quote or line break; a text that a
 * spreadsheet would run as a formula (= + - @ first) gets a leading '. */
static void csv_cell(bytebuf *b, const char *text, bool last) {
  bool quote = strpbrk(text, ",\"\r\n") != NULL;
  if (quote)
    buf_append(b, "\"", 1);
  if (*text && strchr("=+-@\t\r", *text))
    buf_append(b, "'", 1);
  for (const char *p = text; *p; p++) {
    buf_append(b, p, 1);
    if (*p == '"') /* a quote inside a cell is doubled */
      buf_append(b, p, 1);
  }
  if (quote)
    buf_append(b, "\"", 1);
  buf_append(b, last ? "\r\n" : ",", last ? 2 : 1);
}

/* The attendees (PEOPLE, borrowed) as CSV. New string, NULL on OOM. */
static char *report_csv(json_t *people) {
  static const char *const columns[] = {"name",       "email",      "registered",       "panelist",
                                        "first_join", "last_leave", "minutes_attended", "visits"};
  const size_t ncol = sizeof columns / sizeof columns[0];
  bytebuf b;
  buf_init(&b, REPORT_CSV_MAX);
  for (size_t c = 0; c < ncol; c++)
    csv_cell(&b, columns[c], c + 1 == ncol);
  size_t i;
  json_t *person;
  json_array_foreach(people, i, person) {
    for (size_t c = 0; c < ncol; c++) {
      json_t *v = json_object_get(person, columns[c]);
      char num[48];
      const char *text = json_string_value(v);
      if (json_is_boolean(v)) {
        text = json_is_true(v) ? "yes" : "no";
      } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        text = num;
      } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.1f", json_real_value(v));
        text = num;
      }
      csv_cell(&b, text ? text : "", c + 1 == ncol);
    }
  }
  return buf_take(&b, NULL); /* NULL after a failure */
}

/* ---- the tool and the resource ---------------------------------------------------- */

static json_t *tool_attendance_report(mcp_call *call, json_t *args) {
  json_t *report = NULL, *people = NULL, *res = NULL;
  const char *format = json_string_value(json_object_get(args, "format"));
  bool csv = format && !strcmp(format, "csv");
  if (!json_object_get(args, "webinar_uuid") && !json_object_get(args, "webinar_id"))
    return mcp_tool_error("give webinar_uuid (a past instance's UUID from "
                          "list_past_webinar_instances) or webinar_id (its latest instance)");
  zoom_error err = {0};
  int rc = report_build(call, args, &report, csv ? &people : NULL, &err);
  zoom_error_clear(&err);
  if (rc != 0)
    return report;
  char *png = report_chart_add(report);
  char *table = csv ? report_csv(people) : NULL;
  char *enc = zoom_url_encode(json_string_value(json_object_get(report, "webinar_uuid")));
  char uri[600];
  snprintf(uri, sizeof uri, "zoom://past_webinars/%s/report", enc ? enc : "");
  res = engine_result(call, report);
  json_t *content = json_object_get(res, "content");
  if (png)
    json_array_append_new(content, json_pack("{s:s, s:s, s:s}", "type", "image", "data", png,
                                             "mimeType", "image/png"));
  if (table) {
    char csv_uri[640];
    snprintf(csv_uri, sizeof csv_uri, "%s/participants.csv", uri);
    json_array_append_new(content,
                          json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "resource", "resource",
                                    "uri", csv_uri, "mimeType", "text/csv", "text", table));
  } else if (csv) {
    json_decref(res);
    res = mcp_tool_error("out of memory while writing the CSV");
  }
  free(enc);
  free(table);
  free(png);
  json_decref(people);
  return res;
}

json_t *report_read_resource(mcp_call *call, const char *uri, json_t *vars) {
  json_t *uuid = json_object_get(vars, "webinarUuid");
  if (!json_is_string(uuid) || json_string_length(uuid) == 0 ||
      json_string_length(uuid) > REPORT_ID_MAX)
    return mcp_call_fail(call, MCP_RESOURCE_NOT_FOUND,
                         "Resource not found: %s (a past webinar UUID or id of 1 to %d "
                         "characters is expected)",
                         uri, REPORT_ID_MAX);
  json_t *which = json_pack("{s:O}", "webinar_uuid", uuid), *report = NULL, *contents = NULL;
  zoom_error err = {0};
  if (!which || report_build(call, which, &report, NULL, &err) != 0) {
    /* the same failure, naming what was asked for */
    const char *why = json_string_value(
        json_object_get(json_array_get(json_object_get(report, "content"), 0), "text"));
    if (err.kind != ZOOM_OK)
      engine_resource_fail(call, uri, &err);
    else
      mcp_call_fail(call, MCP_INTERNAL_ERROR, "%s: %s", uri, why ? why : "out of memory");
    zoom_error_clear(&err);
    json_decref(report);
    json_decref(which);
    return NULL;
  }
  char *png = report_chart_add(report);
  contents = engine_resource_contents(uri, engine_add_local_times(app_of(call), report));
  if (contents && png)
    json_array_append_new(
        contents, json_pack("{s:s, s:s, s:s}", "uri", uri, "mimeType", "image/png", "blob", png));
  if (!contents)
    mcp_call_fail(call, MCP_INTERNAL_ERROR, "out of memory");
  free(png);
  json_decref(which);
  return contents;
}

const app_handler report_handlers[] = {
    {"attendance_report", tool_attendance_report},
    {NULL, NULL},
};
