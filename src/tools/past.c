/* past.c - after the event (catalog/past.json): participants, absentees, Q&A and
 * instances are single declared Zoom calls; this file owns the resource
 * template zoom://past_webinars/{webinarUuid}/report, a summary of one past
 * instance built from those endpoints. */
#include "tools/app.h"

#include <stdlib.h>
#include <string.h>

const app_handler past_handlers[] = {
    {NULL, NULL},
};

/* GETs TMPL (a path with a {webinar_uuid} slot) for ARGS. On success *OUT
 * holds Zoom's reply (new reference) and 0 is returned; else -1 and *OUT
 * holds {error: Zoom's error as JSON}. */
static int report_get(mcp_call *call, const char *tmpl, json_t *args, json_t *query, json_t **out) {
  app *a = app_of(call);
  zoom_error err = {0};
  zoom_cancel cancel = app_cancel_of(call);
  int rc = -1;
  *out = NULL;
  char *path = engine_path(tmpl, args, NULL, 0);
  if (!path) {
    *out = json_pack("{s:{s:s}}", "error", "message", "the webinar UUID is too long");
    return -1;
  }
  rc = zoom_request(a->zoom, "GET", path, query, NULL, &cancel, out, &err);
  if (rc != 0)
    *out = json_pack("{s:o}", "error", zoom_error_to_json(&err));
  zoom_error_clear(&err);
  free(path);
  return rc == 0 ? 0 : -1;
}

/* The participants part: join records and distinct people (by e-mail, else
 * by name) of every page. NULL after failing the read of URI when Zoom
 * refused (404: not found). */
static json_t *report_participants(mcp_call *call, const char *uri, json_t *args) {
  json_t *reply = NULL;
  char *path = engine_path("/past_webinars/{webinar_uuid}/participants", args, NULL, 0);
  int rc = path ? engine_pages(call, path, NULL, "participants", 300, false, &reply) : -1;
  free(path);
  if (rc != 0) { /* the same failure, naming what was asked for */
    const char *why = json_string_value(
        json_object_get(json_array_get(json_object_get(reply, "content"), 0), "text"));
    json_t *named = mcp_tool_error("%s: %s", uri, why ? why : "the webinar UUID is too long");
    json_decref(reply);
    return engine_resource_fail(call, named);
  }
  json_t *people = json_object(); /* a set: e-mail or name -> true */
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(reply, "participants"), i, p) {
    const char *who = json_string_value(json_object_get(p, "user_email"));
    if (!who || !*who)
      who = json_string_value(json_object_get(p, "name"));
    if (who && *who)
      json_object_set_new(people, who, json_true());
  }
  json_t *out = json_pack("{s:I, s:I, s:O}", "records",
                          (json_int_t)json_array_size(json_object_get(reply, "participants")),
                          "people", (json_int_t)json_object_size(people), "truncated",
                          json_object_get(reply, "truncated"));
  json_decref(people);
  json_decref(reply);
  return out;
}

/* The absentees part: their count, from one page's total_records. */
static json_t *report_absentees(mcp_call *call, json_t *args) {
  json_t *reply = NULL, *query = json_pack("{s:i}", "page_size", 300);
  int rc = report_get(call, "/past_webinars/{webinar_uuid}/absentees", args, query, &reply);
  json_decref(query);
  if (rc != 0)
    return reply;
  json_t *total = json_object_get(reply, "total_records");
  json_t *out = json_pack("{s:I}", "count",
                          json_is_integer(total)
                              ? json_integer_value(total)
                              : (json_int_t)json_array_size(json_object_get(reply, "registrants")));
  json_decref(reply);
  return out;
}

/* The Q&A part: questions asked and how many were answered. Copies the
 * instance's id, uuid and start_time into REPORT. */
static json_t *report_qa(mcp_call *call, json_t *args, json_t *report) {
  json_t *reply = NULL;
  if (report_get(call, "/past_webinars/{webinar_uuid}/qa", args, NULL, &reply) != 0)
    return reply;
  static const char *const keys[] = {"id", "uuid", "start_time"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
    if (json_object_get(reply, keys[k]))
      json_object_set(report, keys[k], json_object_get(reply, keys[k]));
  json_int_t asked = 0, answered = 0;
  size_t i, j;
  json_t *q, *d;
  json_array_foreach(json_object_get(reply, "questions"), i, q) {
    json_array_foreach(json_object_get(q, "question_details"), j, d) {
      const char *answer = json_string_value(json_object_get(d, "answer"));
      asked++;
      answered += answer && *answer;
    }
  }
  json_decref(reply);
  return json_pack("{s:I, s:I}", "questions", asked, "answered", answered);
}

static json_t *read_past_report(mcp_call *call, const char *uri, json_t *vars) {
  json_t *uuid = json_object_get(vars, "webinarUuid");
  if (!json_is_string(uuid) || json_string_length(uuid) == 0 || json_string_length(uuid) > 256)
    return mcp_call_fail(call, MCP_RESOURCE_NOT_FOUND,
                         "Resource not found: %s (a past webinar UUID or id of 1 to 256 "
                         "characters is expected)",
                         uri);
  json_t *args = json_pack("{s:O}", "webinar_uuid", uuid);
  json_t *report = json_pack("{s:O}", "webinar_uuid", uuid);
  json_t *parts = args && report ? report_participants(call, uri, args) : NULL;
  json_t *contents = NULL;
  if (parts) { /* NULL: the read failed (an unknown webinar is "not found") */
    json_t *qa = report_qa(call, args, report); /* adds the instance's id, uuid, start_time */
    json_object_set_new(report, "participants", parts);
    json_object_set_new(report, "absentees", report_absentees(call, args));
    json_object_set_new(report, "qa", qa);
    contents = engine_resource_contents(uri, engine_add_local_times(app_of(call), report));
    report = NULL; /* stolen */
    if (!contents)
      mcp_call_fail(call, MCP_INTERNAL_ERROR, "out of memory");
  }
  json_decref(report);
  json_decref(args);
  return contents;
}

static const mcp_resource_template templates[] = {
    {"zoom://past_webinars/{webinarUuid}/report", "past-webinar-report", "Past webinar report",
     "A summary of one past webinar instance: participants (join records and distinct people), "
     "absentees, Q&A questions asked and answered, and the instance's start time. webinarUuid "
     "is an instance UUID from list_past_webinar_instances (percent-encoded in the URI: / is "
     "%2F), or a webinar id for its latest instance. A part Zoom refused carries its error.",
     "application/json", read_past_report, NULL},
};

int past_resources_register(mcp_server *srv) {
  return mcp_server_add_templates(srv, templates, sizeof templates / sizeof templates[0]);
}
