/* panelists.c - the panelist tools (catalog/panelists.json): batches of 30, the remove-and-add
 * update. */
#include "tools/app.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PANELISTS_PER_REQUEST 30 /* Zoom's cap on POST /webinars/{id}/panelists */
#define PANELIST_NAME_MAX 64

/* ---- add_panelists ------------------------------------------------------------------------- */

/* A name made from EMAIL's local part: "jane.doe_smith" gives "Jane Doe Smith". OUT gets at
 * most SIZE bytes; the local part itself when it has no letters or digits. */
static void name_from_email(const char *email, char *out, size_t size) {
  size_t n = 0;
  bool word_start = true;
  for (const char *p = email; *p && *p != '@' && n + 1 < size; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '.' || c == '_' || c == '-' || c == '+') {
      word_start = true;
      continue;
    }
    if (word_start && n > 0)
      out[n++] = ' ';
    if (n + 1 >= size)
      break;
    out[n++] = word_start ? (char)toupper(c) : (char)c;
    word_start = false;
  }
  out[n] = '\0';
  if (n == 0) {
    const char *at = strchr(email, '@');
    int len = at ? (int)(at - email) : (int)strlen(email);
    snprintf(out, size, "%.*s", len, email);
  }
}

/* The panelists to add, in order: ARGS' panelists as given, then one per panelist_emails
 * entry with a derived name and "name_derived": true. New array. */
static json_t *panelists_wanted(json_t *args) {
  json_t *out = json_array();
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(args, "panelists"), i, p) json_array_append(out, p);
  json_array_foreach(json_object_get(args, "panelist_emails"), i, p) {
    char name[PANELIST_NAME_MAX + 1];
    name_from_email(json_string_value(p), name, sizeof name);
    json_array_append_new(out, json_pack("{s:s, s:O}", "name", name, "email", p));
  }
  return out;
}

/* Marks the panelists whose name was derived: those after the GIVEN first ones. */
static void derived_item(json_t *result, json_t *item, json_t *request, void *ctx) {
  (void)item;
  (void)request;
  size_t *left_given = ctx;
  if (*left_given > 0)
    (*left_given)--;
  else
    json_object_set_new(result, "name_derived", json_true());
}

static json_t *panelists_add(mcp_call *call, json_t *args) {
  json_t *wanted = panelists_wanted(args);
  size_t derived = json_array_size(json_object_get(args, "panelist_emails"));
  size_t given = json_array_size(json_object_get(args, "panelists"));
  json_t *data = json_pack("{s:O}", "webinar_id", json_object_get(args, "webinar_id"));
  if (data && derived) {
    char note[256];
    snprintf(note, sizeof note,
             "The names of %zu panelists were derived from their email addresses (name_derived): "
             "pass panelists [{name, email}] to choose the names.",
             derived);
    json_object_set_new(data, "note", json_string(note));
  }
  engine_batch b = {.method = "POST",
                    .path = "/webinars/{webinar_id}/panelists",
                    .key = "panelists",
                    .items = wanted,
                    .per_request = PANELISTS_PER_REQUEST,
                    .ok_word = "added",
                    .decorate = derived_item,
                    .ctx = &given};
  json_t *res = NULL;
  if (wanted)
    res = engine_batch_run(call, args, &b, data);
  else
    json_decref(data);
  json_decref(wanted);
  return res ? res : mcp_tool_error("out of memory");
}

/* ---- update_panelist ------------------------------------------------------------------------- */

/* The panelist fields Zoom keeps besides name and email, carried over on re-adding. */
static const char *const kept_fields[] = {"virtual_background_id", "name_tag_id", "name_tag_name",
                                          "name_tag_pronouns", "name_tag_description"};

/* The panelist of LIST (borrowed) whose id, or else email, is KEY; NULL if none. */
static json_t *panelist_find(json_t *list, const char *key) {
  size_t i;
  json_t *p;
  json_array_foreach(list, i, p) {
    const char *id = json_string_value(json_object_get(p, "id"));
    if (id && strcmp(id, key) == 0)
      return p;
  }
  json_array_foreach(list, i, p) {
    const char *email = json_string_value(json_object_get(p, "email"));
    if (email && strcasecmp(email, key) == 0)
      return p;
  }
  return NULL;
}

/* The dry run of update_panelist: the three requests, the values not given unknown. */
static json_t *update_dry_run(mcp_call *call, json_t *args, const char *list_path,
                              const char *one_path) {
  json_t *p = json_object();
  if (json_object_get(args, "name"))
    json_object_set(p, "name", json_object_get(args, "name"));
  if (json_object_get(args, "email"))
    json_object_set(p, "email", json_object_get(args, "email"));
  json_t *body = json_pack("{s:[o]}", "panelists", p);
  json_t *data = json_pack(
      "{s:b, s:s, s:[o, o, o]}", "dry_run", 1, "message",
      "Dry run: nothing was sent to Zoom. The update reads the panelists, removes this one and "
      "adds them again (a new id and join link); the name or email not given is kept from step "
      "1.",
      "requests", engine_dry_run(call, "GET", list_path, NULL, NULL),
      engine_dry_run(call, "DELETE", one_path, NULL, NULL),
      engine_dry_run(call, "POST", list_path, NULL, body));
  json_decref(body);
  return mcp_tool_structured(data);
}

/* A result with isError true whose structuredContent is DATA (stolen). */
static json_t *error_result(mcp_call *call, json_t *data) {
  json_t *res = engine_result(call, data);
  json_object_set_new(res, "isError", json_true());
  return res;
}

static json_t *panelist_update(mcp_call *call, json_t *args) {
  const char *key = json_string_value(json_object_get(args, "panelist_id"));
  const char *wid = json_string_value(json_object_get(args, "webinar_id"));
  json_t *list = NULL, *after = NULL, *res = NULL, *added = NULL, *gone = NULL;
  json_t *one_args = json_deep_copy(args);
  char *list_path = engine_path("/webinars/{webinar_id}/panelists", args, NULL, 0);
  char *one_path = engine_path("/webinars/{webinar_id}/panelists/{panelist_id}", args, NULL, 0);
  char msg[1024];
  if (!list_path || !one_path || !one_args) {
    res = mcp_tool_error("out of memory, or an id is too long");
    goto cleanup;
  }
  if (engine_is_dry_run(args)) {
    res = update_dry_run(call, args, list_path, one_path);
    goto cleanup;
  }
  /* 1. the current details (Zoom has no GET for one panelist) */
  if (engine_request(call, "GET", list_path, NULL, NULL, false, &list) != 0) {
    res = list;
    list = NULL;
    goto cleanup;
  }
  json_t *cur = panelist_find(json_object_get(list, "panelists"), key);
  if (!cur) {
    res = mcp_tool_error("Webinar %s has no panelist with id or email %s: list_panelists shows "
                         "its panelists. Nothing was changed.",
                         wid, key);
    goto cleanup;
  }
  json_t *p = json_object();
  json_t *name = json_object_get(args, "name"), *email = json_object_get(args, "email");
  json_object_set(p, "name", name ? name : json_object_get(cur, "name"));
  json_object_set(p, "email", email ? email : json_object_get(cur, "email"));
  for (size_t k = 0; k < sizeof kept_fields / sizeof kept_fields[0]; k++) {
    const char *v = json_string_value(json_object_get(cur, kept_fields[k]));
    if (v && *v)
      json_object_set_new(p, kept_fields[k], json_string(v));
  }
  const char *cur_id = json_string_value(json_object_get(cur, "id"));
  const char *new_name = json_string_value(json_object_get(p, "name"));
  const char *new_email = json_string_value(json_object_get(p, "email"));
  const char *cur_email = json_string_value(json_object_get(cur, "email"));
  if (json_equal(json_object_get(p, "name"), json_object_get(cur, "name")) && new_email &&
      cur_email && strcasecmp(new_email, cur_email) == 0) {
    json_decref(p);
    res = engine_result(call, json_pack("{s:s, s:O}", "message",
                                        "Nothing to change: the panelist already has this name "
                                        "and email. Their id and join link stay as they are.",
                                        "panelist", cur));
    goto cleanup;
  }
  /* 2. remove (by the id found, whatever key was given) */
  json_object_set_new(one_args, "panelist_id", json_string(cur_id ? cur_id : key));
  free(one_path);
  one_path = engine_path("/webinars/{webinar_id}/panelists/{panelist_id}", one_args, NULL, 0);
  if (!one_path || engine_request(call, "DELETE", one_path, NULL, NULL, false, &gone) != 0) {
    json_decref(p);
    res = gone ? gone : mcp_tool_error("the panelist's id is too long");
    gone = NULL;
    goto cleanup;
  }
  /* 3. add again */
  json_t *body = json_pack("{s:[O]}", "panelists", p);
  added = engine_batch_send(call, "POST", list_path, NULL, body, json_pack("[o]", p), false);
  json_decref(body);
  json_t *err = json_object_get(added, "error");
  if (!added || err) {
    const char *kind = json_string_value(json_object_get(err, "kind"));
    bool unknown = kind && strcmp(kind, "outcome_unknown") == 0;
    const char *old_name = json_string_value(json_object_get(cur, "name"));
    snprintf(msg, sizeof msg,
             "Panelist %s <%s> was removed from webinar %s, but adding them again as %s <%s> %s: "
             "%s %s",
             old_name ? old_name : "", cur_email ? cur_email : "", wid, new_name ? new_name : "",
             new_email ? new_email : "", unknown ? "may not have reached Zoom" : "failed",
             err ? json_string_value(json_object_get(err, "message")) : "out of memory",
             unknown ? "Check with list_panelists; if they are missing, call add_panelists with "
                       "the restore arguments (their details before the change)."
                     : "They are no longer a panelist: call add_panelists with the restore "
                       "arguments to add them back as they were, or with the new details.");
    json_t *data =
        json_pack("{s:s, s:O, s:{s:s, s:{s:s, s:[{s:O, s:O}]}}}", "message", msg, "before", cur,
                  "restore", "tool", "add_panelists", "arguments", "webinar_id", wid, "panelists",
                  "name", json_object_get(cur, "name"), "email", json_object_get(cur, "email"));
    if (data && err)
      json_object_set(data, "error", err);
    res = error_result(call, data ? data : json_pack("{s:s}", "message", msg));
    goto cleanup;
  }
  /* 4. the new id and join link */
  json_t *now = NULL;
  if (engine_request(call, "GET", list_path, NULL, NULL, false, &after) == 0)
    now = panelist_find(json_object_get(after, "panelists"), new_email ? new_email : "");
  snprintf(msg, sizeof msg,
           "Panelist updated by removing and adding them again: they have a new id and a new "
           "join link (Zoom emails it to %s); the old link no longer works.%s",
           new_email ? new_email : "",
           now ? "" : " The new id could not be read back: list_panelists shows it.");
  json_t *data = json_pack("{s:s, s:O}", "message", msg, "before", cur);
  json_object_set(data, "panelist", now ? now : json_array_get(json_object_get(added, "items"), 0));
  res = engine_result(call, data);

cleanup:
  json_decref(after);
  json_decref(added);
  json_decref(gone);
  json_decref(list);
  json_decref(one_args);
  free(one_path);
  free(list_path);
  return res;
}

const app_handler panelist_handlers[] = {
    {"add_panelists", panelists_add},
    {"update_panelist", panelist_update},
    {NULL, NULL},
};
