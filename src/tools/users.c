/* users.c - the user tools (catalog/users.json): user lookups, the numbered list other tools
 * accept (and its resolution, users_resolve_selection), and the resource zoom://users. */
#include "tools/app.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SELECTION_NUMBER_DIGITS 6 /* a number of the list, not an id */

/* The account's active users, every page: on success *OUT holds a new
 * reference to {users, total_records, pages, truncated}; else -1 with ERR
 * filled (engine_get_pages). */
static int users_fetch_active(mcp_call *call, json_t **out, zoom_error *err) {
  json_t *query = json_pack("{s:s}", "status", "active");
  int rc = engine_get_pages(call, "/users", query, "users", 300, false, out, err);
  json_decref(query);
  return rc;
}

/* users_fetch_active for a tool: on failure *OUT is a new tool error result. */
static int users_fetch_active_tool(mcp_call *call, json_t **out) {
  zoom_error err = {0};
  int rc = users_fetch_active(call, out, &err);
  if (rc != 0)
    *out = app_tool_error(&err);
  zoom_error_clear(&err);
  return rc;
}

/* The short, numbered form of user U (borrowed) at position NUMBER (1-based).
 * New reference. */
static json_t *user_choice(json_t *u, size_t number) {
  const char *name = json_string_value(json_object_get(u, "display_name"));
  const char *first = json_string_value(json_object_get(u, "first_name"));
  const char *last = json_string_value(json_object_get(u, "last_name"));
  char joined[256];
  if (!name || !*name) {
    snprintf(joined, sizeof joined, "%s%s%s", first ? first : "", first && last ? " " : "",
             last ? last : "");
    name = joined;
  }
  json_t *c = json_pack("{s:I, s:s?, s:s?, s:s}", "number", (json_int_t)number, "id",
                        json_string_value(json_object_get(u, "id")), "email",
                        json_string_value(json_object_get(u, "email")), "name", name);
  json_t *v;
  if (c && (v = json_object_get(u, "type")))
    json_object_set(c, "type", v);
  if (c && (v = json_object_get(u, "timezone")))
    json_object_set(c, "timezone", v);
  return c;
}

/* The numbered list of USERS (borrowed array). New reference. */
static json_t *users_numbered(json_t *users) {
  json_t *list = json_array();
  size_t i;
  json_t *u;
  json_array_foreach(users, i, u) json_array_append_new(list, user_choice(u, i + 1));
  return list;
}

static bool is_selection_number(const char *s) {
  size_t n = 0;
  for (; s[n]; n++)
    if (!isdigit((unsigned char)s[n]))
      return false;
  return n > 0 && n <= SELECTION_NUMBER_DIGITS;
}

/* True when user U's name or email contains TEXT (any case). */
static bool user_matches(json_t *u, const char *text) {
  static const char *const keys[] = {"display_name", "first_name", "last_name", "email"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    const char *v = json_string_value(json_object_get(u, keys[k]));
    if (v && strcasestr(v, text))
      return true;
  }
  const char *first = json_string_value(json_object_get(u, "first_name"));
  const char *last = json_string_value(json_object_get(u, "last_name"));
  char full[256];
  snprintf(full, sizeof full, "%s %s", first ? first : "", last ? last : "");
  return strcasestr(full, text) != NULL;
}

/* Asks the person behind the client to pick one of CANDIDATES (borrowed,
 * numbered choices). Returns a new reference to the chosen one; NULL with
 * *OUT a tool error when they declined, or NULL with *OUT NULL when the
 * question is pending (2026-07-28) or the ask failed (the core reports it). */
static json_t *users_ask(mcp_call *call, json_t *candidates, const char *selection, json_t **out) {
  json_t *emails = json_array();
  char msg[1024];
  size_t n =
      (size_t)snprintf(msg, sizeof msg, "Several users match \"%.64s\". Which one?", selection);
  size_t i;
  json_t *c;
  json_array_foreach(candidates, i, c) {
    const char *email = json_string_value(json_object_get(c, "email"));
    json_array_append_new(emails, json_string(email ? email : ""));
    if (n < sizeof msg)
      n += (size_t)snprintf(msg + n, sizeof msg - n, "\n- %s <%s>",
                            json_string_value(json_object_get(c, "name")), email ? email : "");
  }
  json_t *params = json_pack("{s:s, s:{s:s, s:{s:{s:s, s:s, s:s, s:o}}, s:[s]}}", "message", msg,
                             "requestedSchema", "type", "object", "properties", "user", "type",
                             "string", "title", "User", "description", "The user's email address",
                             "enum", emails, "required", "user");
  json_t *answer = mcp_call_ask(call, "user_selection", "elicitation/create", params);
  *out = NULL;
  if (!answer)
    return NULL;
  json_t *chosen = NULL;
  const char *action = json_string_value(json_object_get(answer, "action"));
  const char *pick = json_string_value(json_object_get(json_object_get(answer, "content"), "user"));
  if (action && !strcmp(action, "accept") && pick) {
    json_array_foreach(candidates, i, c) {
      const char *email = json_string_value(json_object_get(c, "email"));
      if (email && !strcasecmp(email, pick)) {
        chosen = json_incref(c);
        break;
      }
    }
  }
  if (!chosen)
    *out = mcp_tool_error("No user was chosen (the answer was %s). Pass user_selection as a "
                          "number from list_users_for_selection, an email address or an id.",
                          action ? action : "empty");
  json_decref(answer);
  return chosen;
}

/* Finds the one active user whose name or email contains SELECTION. Several
 * matches: asks the person (elicitation) when the client can, else *OUT
 * lists them. Returns a new reference to the choice, or NULL (see users_ask). */
static json_t *users_by_name(mcp_call *call, json_t *users, const char *selection, json_t **out) {
  json_t *candidates = json_array(), *found = NULL;
  size_t i;
  json_t *u;
  json_array_foreach(users, i, u) {
    if (user_matches(u, selection))
      json_array_append_new(candidates, user_choice(u, i + 1));
  }
  size_t count = json_array_size(candidates);
  if (count == 1) {
    found = json_incref(json_array_get(candidates, 0));
  } else if (count == 0) {
    *out = mcp_tool_error("No active user of this account matches \"%.128s\" (by number, "
                          "email, id or name). Call list_users_for_selection and pass a number, "
                          "an email or an id from its list as user_selection.",
                          selection);
  } else if (mcp_call_client_has(call, "elicitation")) {
    found = users_ask(call, candidates, selection, out);
  } else {
    char *list = json_dumps(candidates, JSON_COMPACT);
    *out = mcp_tool_error("%zu users match \"%.64s\": %s. Pass one of their numbers or emails "
                          "as user_selection.",
                          count, selection, list ? list : "");
    free(list);
  }
  json_decref(candidates);
  return found;
}

int users_resolve_selection(mcp_call *call, const char *selection, json_t **out) {
  json_t *all = NULL, *found = NULL;
  *out = NULL;
  if (users_fetch_active_tool(call, &all) != 0) {
    *out = all;
    return -1;
  }
  json_t *users = json_object_get(all, "users");
  size_t count = json_array_size(users);
  if (!selection || !*selection) { /* nobody named: the only user, or ask among all */
    if (count == 1)
      found = user_choice(json_array_get(users, 0), 1);
    else if (count > 1 && mcp_call_client_has(call, "elicitation"))
      found = users_by_name(call, users, "", out);
    else
      *out = mcp_tool_error("No host given: pass user_selection as a number from "
                            "list_users_for_selection, an email address, a name or a user id.");
  } else if (is_selection_number(selection)) {
    long n = strtol(selection, NULL, 10);
    if (n >= 1 && (size_t)n <= count)
      found = user_choice(json_array_get(users, (size_t)n - 1), (size_t)n);
    else
      *out = mcp_tool_error(
          "user_selection %s is not a number of the list: list_users_for_selection shows %zu "
          "active user%s (1 to %zu). Call it again and pick one, or pass an email address.",
          selection, count, count == 1 ? "" : "s", count);
  } else {
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u) {
      const char *email = json_string_value(json_object_get(u, "email"));
      const char *id = json_string_value(json_object_get(u, "id"));
      if ((email && !strcasecmp(email, selection)) || (id && !strcmp(id, selection))) {
        found = user_choice(u, i + 1);
        break;
      }
    }
    if (!found)
      found = users_by_name(call, users, selection, out);
  }
  json_decref(all);
  if (!found)
    return -1; /* *OUT is the error, or NULL while the client is asked */
  *out = found;
  return 0;
}

/* list_users_for_selection {}: the active users, numbered. */
static json_t *tool_list_users_for_selection(mcp_call *call, json_t *args) {
  (void)args;
  json_t *all = NULL;
  if (users_fetch_active_tool(call, &all) != 0)
    return all;
  json_t *users = users_numbered(json_object_get(all, "users"));
  json_t *out = json_pack(
      "{s:o, s:I, s:b, s:s}", "users", users, "total_records", (json_int_t)json_array_size(users),
      "truncated", json_is_true(json_object_get(all, "truncated")), "how_to_choose",
      "Pass a user's number (or email, or id) as user_selection to create_webinar_interactive; "
      "the numbers follow this list's order.");
  json_decref(all);
  return engine_result(call, out);
}

/* get_users {user_id?}: every user (all pages), or the one user_id names. */
static json_t *tool_get_users(mcp_call *call, json_t *args) {
  json_t *id = json_object_get(args, "user_id");
  json_t *reply = NULL;
  if (!json_is_string(id)) {
    if (users_fetch_active_tool(call, &reply) != 0)
      return reply;
    return engine_result(call, reply);
  }
  char *path = engine_path("/users/{user_id}", args, NULL, 0);
  if (!path)
    return mcp_tool_error("user_id is too long");
  int rc = engine_request(call, "GET", path, NULL, NULL, false, &reply);
  free(path);
  if (rc != 0)
    return reply;
  return engine_result(call, json_pack("{s:[o], s:i}", "users", reply, "total_records", 1));
}

static json_t *read_users(mcp_call *call, const char *uri, json_t *vars) {
  (void)vars;
  json_t *all = NULL;
  zoom_error err = {0};
  if (users_fetch_active(call, &all, &err) != 0) {
    engine_resource_fail(call, NULL, &err);
    zoom_error_clear(&err);
    return NULL;
  }
  zoom_error_clear(&err);
  json_t *out = json_pack("{s:o, s:b}", "users", users_numbered(json_object_get(all, "users")),
                          "truncated", json_is_true(json_object_get(all, "truncated")));
  json_decref(all);
  return engine_resource_contents(uri, engine_add_local_times(app_of(call), out));
}

static const mcp_resource resources[] = {
    {"zoom://users", "users", "The account's users",
     "The active users of the Zoom account, numbered as list_users_for_selection numbers them "
     "(GET /users, every page).",
     "application/json", read_users},
};

int user_resources_register(mcp_server *srv) {
  return mcp_server_add_resources(srv, resources, sizeof resources / sizeof resources[0]);
}

const app_handler user_handlers[] = {
    {"list_users_for_selection", tool_list_users_for_selection},
    {"get_users", tool_get_users},
    {NULL, NULL},
};
