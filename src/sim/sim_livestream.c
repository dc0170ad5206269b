/* sim_livestream.c - the simulator's webinar live stream (GET, PATCH, PATCH status) and invite
 * links (POST). */
#include <stdio.h>
#include <string.h>

#include "sim/sim_resources.h"

#define INVITE_ATTENDEES_MAX 500
#define INVITE_TTL_MAX 7776000
#define INVITE_TTL_DEFAULT 7200

static const char *const stream_actions[] = {"start", "stop", NULL};

/* GET /webinars/{webinarId}/livestream: the configured stream (empty strings
 * when none is configured). */
static void livestream_get(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *ls = json_object_get(w->ext, "livestream");
  static const char *const keys[] = {"page_url", "stream_key", "stream_url", "resolution"};
  json_t *out = json_object();
  for (size_t i = 0; out && i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = json_string_value(json_object_get(ls, keys[i]));
    json_object_set_new(out, keys[i], json_string(v ? v : ""));
  }
  sim_reply_json(rs, 200, out);
}

/* PATCH /webinars/{webinarId}/livestream: page_url, stream_key, stream_url required. */
static void livestream_patch(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *errors = json_array();
  json_t *b = rq->body;
  if (!json_is_object(b)) {
    sim_errors_add(errors, "stream_url", "This field is required.");
  } else {
    if (sim_field_string(b, "page_url", 1024, true, NULL, errors) == 0) {
      const char *u = json_string_value(json_object_get(b, "page_url"));
      if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
        sim_errors_add(errors, "page_url", "Must be a URI.");
    }
    sim_field_string(b, "stream_key", 512, true, NULL, errors);
    sim_field_string(b, "stream_url", 1024, true, NULL, errors);
    sim_field_string(b, "resolution", 16, false, NULL, errors);
  }
  if (sim_reply_if_invalid(rs, errors))
    return;
  json_t *ls = sim_ext_object(w, "livestream");
  if (!ls) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  static const char *const keys[] = {"page_url", "stream_key", "stream_url", "resolution"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    json_t *v = json_object_get(b, keys[i]);
    if (v)
      json_object_set_new(ls, keys[i], json_deep_copy(v));
  }
  sim_reply_empty(rs, 204);
}

/* PATCH /webinars/{webinarId}/livestream/status: start or stop the custom stream. */
static void livestream_status(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *errors = json_array();
  json_t *b = rq->body;
  if (!json_is_object(b)) {
    sim_errors_add(errors, "action", "This field is required.");
  } else if (sim_field_string(b, "action", 8, true, NULL, errors) == 0 &&
             sim_field_enum(b, "action", stream_actions, NULL, errors) == 0) {
    json_t *set = json_object_get(b, "settings");
    if (set && !json_is_object(set))
      sim_errors_add(errors, "settings", "Must be an object.");
    else if (set && (sim_field_bool(set, "active_speaker_name", "settings", errors) == 0))
      sim_field_string(set, "display_name", 50, json_object_get(set, "display_name") != NULL,
                       "settings", errors);
  }
  if (sim_reply_if_invalid(rs, errors))
    return;
  json_t *ls = json_object_get(w->ext, "livestream");
  if (!json_string_value(json_object_get(ls, "stream_url"))) {
    sim_reply_error(rs, 400, 3000,
                    "The current webinar is not configured with a custom streaming service.");
    return;
  }
  const char *action = json_string_value(json_object_get(b, "action"));
  bool live = json_is_true(json_object_get(ls, "live"));
  json_t *set = json_object_get(b, "settings");
  if (set && live) {
    json_t *e = json_array();
    sim_errors_add(e, "settings", "Settings can only be changed while the stream is stopped.");
    sim_reply_invalid(rs, e);
    return;
  }
  if (set)
    json_object_set_new(ls, "settings", json_deep_copy(set));
  json_object_set_new(ls, "live", json_boolean(strcmp(action, "start") == 0));
  sim_reply_empty(rs, 204);
}

/* POST /webinars/{webinarId}/invite_links: one join URL per attendee. */
static void invite_links_create(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *errors = json_array();
  json_t *b = rq->body;
  if (!json_is_object(b)) {
    sim_errors_add(errors, "attendees", "This field is required.");
  } else {
    sim_field_int(b, "ttl", 0, INVITE_TTL_MAX, NULL, errors);
    if (sim_field_array(b, "attendees", 1, INVITE_ATTENDEES_MAX, true, NULL, errors) == 0) {
      size_t i;
      json_t *a;
      json_array_foreach(json_object_get(b, "attendees"), i, a) {
        if (!json_is_object(a)) {
          sim_errors_add(errors, "attendees", "Each attendee must be an object.");
          break;
        }
        if (sim_field_string(a, "name", 64, true, "attendees", errors) != 0)
          break;
      }
    }
  }
  if (sim_reply_if_invalid(rs, errors))
    return;
  json_t *out = json_array();
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(b, "attendees"), i, a) {
    char tk[33], url[200];
    sim_new_token(s, tk, sizeof tk);
    sim_join_url(w, tk, url, sizeof url);
    json_array_append_new(out, json_pack("{s:s,s:s}", "name",
                                         json_string_value(json_object_get(a, "name")), "join_url",
                                         url));
  }
  sim_reply_json(rs, 201, json_pack("{s:o}", "attendees", out));
}

static const sim_route routes[] = {
    {"GET", "/v2/webinars/{webinarId}/livestream", SIM_CAT_LIGHT, livestream_get, 0},
    {"PATCH", "/v2/webinars/{webinarId}/livestream", SIM_CAT_LIGHT, livestream_patch, 0},
    {"PATCH", "/v2/webinars/{webinarId}/livestream/status", SIM_CAT_LIGHT, livestream_status, 0},
    {"POST", "/v2/webinars/{webinarId}/invite_links", SIM_CAT_LIGHT, invite_links_create, 0},
};

const sim_module sim_module_livestream = {
    "livestream", routes, sizeof routes / sizeof routes[0], NULL, NULL, NULL, NULL,
};
