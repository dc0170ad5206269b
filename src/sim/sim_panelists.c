/* sim_panelists.c - the simulator's webinar panelists: add (at most 30 per request), list, remove
 * one or all. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_resources.h"

#define PANELISTS_PER_REQUEST 30
#define PANELISTS_MAX 100 /* Zoom's default panelist cap per webinar */

/* Optional panelist fields kept as given, with their length limits. */
static const struct {
  const char *name;
  size_t max;
} panelist_fields[] = {
    {"virtual_background_id", 64}, {"name_tag_id", 64},           {"name_tag_name", 64},
    {"name_tag_pronouns", 64},     {"name_tag_description", 255},
};

/* The panelist of W with ID or e-mail KEY (borrowed), and its index in *AT. */
static json_t *panelist_find(json_t *list, const char *key, size_t *at) {
  size_t i;
  json_t *p;
  json_array_foreach(list, i, p) {
    const char *id = json_string_value(json_object_get(p, "id"));
    const char *email = json_string_value(json_object_get(p, "email"));
    if ((id && strcmp(id, key) == 0) || (email && strcasecmp(email, key) == 0)) {
      if (at)
        *at = i;
      return p;
    }
  }
  return NULL;
}

static void check_body(json_t *body, json_t *errors) {
  if (!json_is_object(body)) {
    sim_errors_add(errors, "panelists", "This field is required.");
    return;
  }
  if (sim_field_array(body, "panelists", 1, PANELISTS_PER_REQUEST, true, NULL, errors) != 0)
    return;
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(body, "panelists"), i, p) {
    if (!json_is_object(p)) {
      sim_errors_add(errors, "panelists", "Each panelist must be an object.");
      return;
    }
    if (sim_field_string(p, "name", 64, true, "panelists", errors) ||
        sim_field_string(p, "email", 128, true, "panelists", errors))
      return;
    if (!sim_email_valid(json_string_value(json_object_get(p, "email")))) {
      sim_errors_add(errors, "panelists.email", "Invalid email address.");
      return;
    }
    for (size_t k = 0; k < sizeof panelist_fields / sizeof panelist_fields[0]; k++)
      if (sim_field_string(p, panelist_fields[k].name, panelist_fields[k].max, false, "panelists",
                           errors))
        return;
  }
}

/* POST /webinars/{webinarId}/panelists: adds new e-mails, updates known ones. */
static void panelists_add(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *errors = json_array();
  check_body(rq->body, errors);
  if (sim_reply_if_invalid(rs, errors))
    return;
  json_t *list = sim_ext_array(w, "panelists");
  if (!list) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  json_t *add = json_object_get(rq->body, "panelists");
  size_t fresh = 0, i;
  json_t *p;
  json_array_foreach(add, i, p) {
    if (!panelist_find(list, json_string_value(json_object_get(p, "email")), NULL))
      fresh++;
  }
  if (json_array_size(list) + fresh > PANELISTS_MAX) {
    sim_reply_error(rs, 400, 3000,
                    "You have reached the limit for the number of panelists you can add. Contact "
                    "Zoom Support for more information.");
    return;
  }
  json_array_foreach(add, i, p) {
    const char *email = json_string_value(json_object_get(p, "email"));
    json_t *have = panelist_find(list, email, NULL);
    if (!have) {
      char id[23], url[160];
      sim_new_user_id(s, id);
      sim_join_url(w, id, url, sizeof url);
      have = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "email", email, "name", "", "join_url", url);
      if (!have || json_array_append_new(list, have) != 0) {
        sim_reply_error(rs, 500, 500, "Out of memory.");
        return;
      }
    }
    json_object_set(have, "name", json_object_get(p, "name"));
    for (size_t k = 0; k < sizeof panelist_fields / sizeof panelist_fields[0]; k++) {
      json_t *v = json_object_get(p, panelist_fields[k].name);
      if (v)
        json_object_set(have, panelist_fields[k].name, v);
    }
  }
  char id[24], now[21];
  snprintf(id, sizeof id, "%lld", (long long)w->id);
  sim_time_format(rq->now, now);
  sim_reply_json(rs, 201, json_pack("{s:s,s:s}", "id", id, "updated_at", now));
}

/* GET /webinars/{webinarId}/panelists: not paginated. */
static void panelists_list(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *list = json_object_get(w->ext, "panelists");
  json_t *out = json_array();
  size_t i;
  json_t *p;
  json_array_foreach(list, i, p) {
    json_t *item = json_deep_copy(p);
    for (size_t k = 0; item && k < sizeof panelist_fields / sizeof panelist_fields[0]; k++)
      if (!json_object_get(item, panelist_fields[k].name))
        json_object_set_new(item, panelist_fields[k].name, json_string(""));
    json_array_append_new(out, item);
  }
  sim_reply_json(
      rs, 200,
      json_pack("{s:o,s:I}", "panelists", out, "total_records", (json_int_t)json_array_size(out)));
}

/* DELETE /webinars/{webinarId}/panelists/{panelistId}: by id or e-mail. */
static void panelist_remove(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  const char *key = sim_req_param(rq, "panelistId");
  json_t *list = json_object_get(w->ext, "panelists");
  size_t at = 0;
  if (!panelist_find(list, key, &at)) {
    char clip[2 * SIM_ECHO_MAX];
    sim_reply_error(rs, 404, 1001, "User %s does not exist or does not belong to this account.",
                    sim_text_clip(clip, sizeof clip, key));
    return;
  }
  json_array_remove(list, at);
  sim_reply_empty(rs, 204);
}

/* DELETE /webinars/{webinarId}/panelists: removes every panelist. */
static void panelists_clear(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_array_clear(json_object_get(w->ext, "panelists"));
  sim_reply_empty(rs, 204);
}

/* Seeds two panelists on every webinar. */
static void hook_seed(sim *s, sim_webinar *w) {
  static const char *const names[][2] = {
      {"Priya Shah", "priya.shah@sandbox.example.com"},
      {"Jordan Lee", "jordan.lee@partner.example.net"},
  };
  json_t *list = sim_ext_array(w, "panelists");
  for (size_t i = 0; list && i < sizeof names / sizeof names[0]; i++) {
    char id[23], url[160];
    sim_new_user_id(s, id);
    sim_join_url(w, id, url, sizeof url);
    json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "id", id, "email", names[i][1],
                                          "name", names[i][0], "join_url", url));
  }
}

static const sim_route routes[] = {
    {"POST", "/v2/webinars/{webinarId}/panelists", SIM_CAT_MEDIUM, panelists_add, 0},
    {"GET", "/v2/webinars/{webinarId}/panelists", SIM_CAT_MEDIUM, panelists_list, 0},
    {"DELETE", "/v2/webinars/{webinarId}/panelists", SIM_CAT_LIGHT, panelists_clear, 0},
    {"DELETE", "/v2/webinars/{webinarId}/panelists/{panelistId}", SIM_CAT_LIGHT, panelist_remove,
     0},
};

const sim_module sim_module_panelists = {
    "panelists", routes, sizeof routes / sizeof routes[0], NULL, NULL, NULL, hook_seed,
};
