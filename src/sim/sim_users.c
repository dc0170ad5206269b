/* sim_users.c - the simulator's users: GET /users and GET /users/{userId}. */
#include <stdio.h>
#include <string.h>

#include "sim/sim_internal.h"

/* Keys of the user object that GET /users lists, as Zoom's description names
 * them for a list item (the full object, GET /users/{userId}, has more). */
static const char *const list_keys[] = {
    "id",
    "first_name",
    "last_name",
    "display_name",
    "email",
    "type",
    "pmi",
    "timezone",
    "verified",
    "dept",
    "created_at",
    "user_created_at",
    "last_login_time",
    "status",
    "role_id",
    "group_ids",
};

static json_t *user_list_item(json_t *u) {
  json_t *item = json_object();
  for (size_t k = 0; k < sizeof list_keys / sizeof list_keys[0]; k++) {
    json_t *v = json_object_get(u, list_keys[k]);
    if (v)
      json_object_set(item, list_keys[k], v);
  }
  return item;
}

/* GET /users?status=active|inactive|pending&page_size&next_page_token */
static void users_list(sim *s, sim_req *rq, sim_resp *rs) {
  const char *status = sim_req_query(rq, "status");
  if (!status || !*status)
    status = "active";
  if (strcmp(status, "active") != 0 && strcmp(status, "inactive") != 0 &&
      strcmp(status, "pending") != 0) {
    json_t *errors = json_array();
    sim_errors_add(errors, "status", "Invalid field.");
    sim_reply_invalid(rs, errors);
    return;
  }
  char scope[64];
  snprintf(scope, sizeof scope, "users?status=%s", status);
  sim_page pg;
  if (sim_page_begin(s, rq, rs, scope, &pg) != 0)
    return;
  json_t *users = json_array();
  size_t total = 0, i;
  json_t *u;
  json_array_foreach(s->acct.users, i, u) {
    if (strcmp(json_string_value(json_object_get(u, "status")), status) != 0)
      continue;
    if (total >= pg.offset && total < pg.offset + pg.size)
      json_array_append_new(users, user_list_item(u));
    total++;
  }
  json_t *out = json_object();
  sim_page_numbers(out, &pg, total);
  sim_page_end(s, out, scope, &pg, total);
  json_object_set_new(out, "users", users);
  sim_reply_json(rs, 200, out);
}

/* GET /users/{userId}: "me", an id or an email. */
static void users_get(sim *s, sim_req *rq, sim_resp *rs) {
  const char *id = sim_req_param(rq, "userId");
  json_t *u = sim_user_find(s, id);
  if (!u) {
    sim_reply_user_not_found(rs, id);
    return;
  }
  json_t *out = json_deep_copy(u);
  char url[200];
  snprintf(url, sizeof url, "https://sandbox.zoom.invalid/j/%lld",
           (long long)json_integer_value(json_object_get(u, "pmi")));
  json_object_set_new(out, "personal_meeting_url", json_string(url));
  json_object_set_new(out, "use_pmi", json_false());
  sim_reply_json(rs, 200, out);
}

static const sim_route user_routes[] = {
    {"GET", "/v2/users", SIM_CAT_MEDIUM, users_list, 0},
    {"GET", "/v2/users/{userId}", SIM_CAT_LIGHT, users_get, 0},
};

const sim_module sim_module_users = {
    "users", user_routes, sizeof user_routes / sizeof user_routes[0], NULL, NULL, NULL, NULL,
};
