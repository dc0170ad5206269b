/* registrants.c - the registrant tools (catalog/registrants.json): batching, lookups by email, bulk
 * status changes. */
#include "tools/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define REGISTRANTS_PER_REQUEST 30 /* batch_registrants and registrants/status */

/* The element of ARRAY (borrowed) whose "email" equals EMAIL regardless of case, or NULL. */
static json_t *by_email(json_t *array, const char *email) {
  size_t i;
  json_t *item;
  json_array_foreach(array, i, item) {
    const char *e = json_string_value(json_object_get(item, "email"));
    if (e && email && strcasecmp(e, email) == 0)
      return item;
  }
  return NULL;
}

/* A new {"webinar_id": ...} to start a batch result with. */
static json_t *batch_data(json_t *args) {
  return json_pack("{s:O}", "webinar_id", json_object_get(args, "webinar_id"));
}

/* ---- add_webinar_registrants_batch ------------------------------------------------------ */

/* Adds the registrant id and join URL from Zoom's reply, matched by email. */
static void registered_item(json_t *result, json_t *item, json_t *request, void *ctx) {
  (void)ctx;
  json_t *reply = json_object_get(request, "reply");
  json_t *got = by_email(json_object_get(reply, "registrants"),
                         json_string_value(json_object_get(item, "email")));
  if (got) {
    json_object_set(result, "registrant_id", json_object_get(got, "registrant_id"));
    json_object_set(result, "join_url", json_object_get(got, "join_url"));
  } else if (reply) {
    json_object_set_new(result, "status", json_string("not_listed"));
    json_object_set_new(result, "error",
                        json_string("Zoom accepted the request but did not list this email in "
                                    "its reply: check with find_registrant_by_email."));
  }
}

static json_t *registrants_add_batch(mcp_call *call, json_t *args) {
  json_t *body = json_object();
  json_t *approve = json_object_get(args, "auto_approve");
  if (body && approve)
    json_object_set(body, "auto_approve", approve);
  engine_batch b = {.method = "POST",
                    .path = "/webinars/{webinar_id}/batch_registrants",
                    .body = body,
                    .key = "registrants",
                    .items = json_object_get(args, "registrants"),
                    .per_request = REGISTRANTS_PER_REQUEST,
                    .ok_word = "registered",
                    .decorate = registered_item};
  json_t *res =
      body ? engine_batch_run(call, args, &b, batch_data(args)) : mcp_tool_error("out of memory");
  json_decref(body);
  return res;
}

/* ---- update_webinar_registrant_status ----------------------------------------------------- */

static json_t *registrants_update_status(mcp_call *call, json_t *args) {
  json_t *body = json_pack("{s:O}", "action", json_object_get(args, "action"));
  json_t *query = json_object(), *res = NULL;
  json_t *occurrence = json_object_get(args, "occurrence_id");
  if (query && occurrence)
    json_object_set(query, "occurrence_id", occurrence);
  json_t *data = batch_data(args);
  if (data) {
    json_object_set(data, "action", json_object_get(args, "action"));
    json_object_set_new(data, "note",
                        json_string("Zoom does not say which registrants it changed: it skips ids "
                                    "and emails it does not know and registrants already in the "
                                    "requested state. Check with list_webinar_registrants."));
  }
  engine_batch b = {.method = "PUT",
                    .path = "/webinars/{webinar_id}/registrants/status",
                    .query = query,
                    .body = body,
                    .key = "registrants",
                    .items = json_object_get(args, "registrants"),
                    .per_request = REGISTRANTS_PER_REQUEST,
                    .ok_word = "accepted"};
  if (body && query)
    res = engine_batch_run(call, args, &b, data);
  else
    json_decref(data);
  json_decref(query);
  json_decref(body);
  return res ? res : mcp_tool_error("out of memory");
}

/* ---- delete_webinar_registrants ----------------------------------------------------------- */

/* Names the registrant (ITEM, an id) and tells "no such registrant" apart: Zoom's spec
 * answers that DELETE with 400 and code 3000 ("Registrant {0} was not found"); a 404 too. */
static void deleted_item(json_t *result, json_t *item, json_t *request, void *ctx) {
  (void)ctx;
  json_object_set(result, "registrant_id", item);
  json_t *err = json_object_get(request, "error");
  json_int_t status = json_integer_value(json_object_get(err, "http_status"));
  json_int_t code = json_integer_value(json_object_get(err, "zoom_code"));
  if (status == 404 || (status == 400 && code == 3000))
    json_object_set_new(result, "status", json_string("not_found"));
}

static json_t *registrants_delete_many(mcp_call *call, json_t *args) {
  json_t *ids = json_object_get(args, "registrant_ids");
  json_t *query = json_object(), *requests = json_array();
  json_t *one_args = json_pack("{s:O}", "webinar_id", json_object_get(args, "webinar_id"));
  json_t *res = NULL;
  bool dry_run = engine_is_dry_run(args);
  if (!query || !requests || !one_args) {
    res = mcp_tool_error("out of memory");
    goto cleanup;
  }
  json_t *occurrence = json_object_get(args, "occurrence_id");
  if (occurrence)
    json_object_set(query, "occurrence_id", occurrence);
  size_t i, n = json_array_size(ids);
  json_t *id;
  json_array_foreach(ids, i, id) {
    json_object_set(one_args, "registrant_id", id);
    char *path =
        engine_path("/webinars/{webinar_id}/registrants/{registrant_id}", one_args, NULL, 0);
    json_t *rq =
        path ? engine_batch_send(call, "DELETE", path, query, NULL, json_pack("[O]", id), dry_run)
             : NULL;
    free(path);
    if (!rq || json_array_append_new(requests, rq) != 0) {
      res = mcp_tool_error("out of memory");
      goto cleanup;
    }
    char msg[64];
    snprintf(msg, sizeof msg, "%zu of %zu registrants done", i + 1, n);
    if (!dry_run)
      mcp_call_progress(call, (double)(i + 1), (double)n, msg);
  }
  json_t *data = batch_data(args);
  json_object_set_new(
      data, "note",
      json_string("A registrant reported not_found may have been deleted already (perhaps by an "
                  "earlier attempt whose reply was lost) or the id may be wrong."));
  res = engine_batch_result(call, data, requests, "deleted", deleted_item, NULL);

cleanup:
  json_decref(one_args);
  json_decref(requests);
  json_decref(query);
  return res;
}

/* ---- find_registrant_by_email ------------------------------------------------------------- */

typedef struct find_ctx {
  mcp_call *call;
  const char *email;
  json_t *match;  /* new reference once found */
  size_t records; /* looked at so far, over every status */
  size_t before;  /* records of the statuses searched before this one */
} find_ctx;

static int find_on_page(void *ctx, json_t *page, size_t page_no, size_t records,
                        long total_records) {
  (void)page_no;
  (void)total_records;
  find_ctx *f = ctx;
  f->records = f->before + records;
  char msg[64];
  snprintf(msg, sizeof msg, "%zu registrants looked at", f->records);
  mcp_call_progress(f->call, (double)f->records, -1.0, msg);
  json_t *m = by_email(json_object_get(page, "registrants"), f->email);
  if (m) {
    f->match = json_deep_copy(m);
    return 1;
  }
  return mcp_call_cancelled(f->call) ? 1 : 0;
}

static json_t *registrants_find_by_email(mcp_call *call, json_t *args) {
  static const char *const statuses[] = {"pending", "approved", "denied"};
  const char *email = json_string_value(json_object_get(args, "email"));
  find_ctx f = {.call = call, .email = email};
  json_t *searched = json_array(), *query = json_object(), *res = NULL;
  char *path = engine_path("/webinars/{webinar_id}/registrants", args, NULL, 0);
  if (!path || !searched || !query) {
    res = mcp_tool_error("out of memory, or the webinar id is too long");
    goto cleanup;
  }
  bool truncated = false;
  for (size_t s = 0; s < sizeof statuses / sizeof statuses[0] && !f.match; s++) {
    json_object_set_new(query, "status", json_string(statuses[s]));
    zoom_page_opts opts = {
        .items_key = "registrants", .page_size = 300, .on_page = find_on_page, .ctx = &f};
    zoom_error err = {0};
    zoom_cancel cancel = app_cancel_of(call);
    json_t *out = NULL;
    f.before = f.records;
    if (zoom_paginate(app_of(call)->zoom, path, query, &opts, &cancel, &out, &err) != 0) {
      res = app_tool_error(&err);
      zoom_error_clear(&err);
      goto cleanup;
    }
    zoom_error_clear(&err);
    bool cut = !f.match && json_is_true(json_object_get(out, "truncated"));
    truncated |= cut;
    json_array_append_new(
        searched, json_pack("{s:s, s:O, s:I, s:b}", "status", statuses[s], "pages",
                            json_object_get(out, "pages"), "registrants",
                            (json_int_t)json_array_size(json_object_get(out, "registrants")),
                            "complete", !cut));
    json_decref(out);
  }
  json_t *data =
      json_pack("{s:b, s:s, s:O}", "found", f.match != NULL, "email", email, "searched", searched);
  char msg[512];
  if (f.match) {
    const char *status = json_string_value(
        json_object_get(json_array_get(searched, json_array_size(searched) - 1), "status"));
    if (!json_object_get(f.match, "status"))
      json_object_set_new(f.match, "status", json_string(status));
    json_object_set(data, "registrant", f.match);
    snprintf(msg, sizeof msg, "Found %s: registrant %s, status %s.", email,
             json_string_value(json_object_get(f.match, "id"))
                 ? json_string_value(json_object_get(f.match, "id"))
                 : "(no id)",
             status);
  } else {
    snprintf(msg, sizeof msg,
             "No registrant with email %s among the pending, approved and denied registrants%s. "
             "Check the spelling, or register them with add_webinar_registrant.",
             email, truncated ? " that were read (the list was cut short: see searched)" : "");
  }
  json_object_set_new(data, "message", json_string(msg));
  res = engine_result(call, data);

cleanup:
  json_decref(f.match);
  json_decref(query);
  json_decref(searched);
  free(path);
  return res;
}

const app_handler registrant_handlers[] = {
    {"add_webinar_registrants_batch", registrants_add_batch},
    {"update_webinar_registrant_status", registrants_update_status},
    {"delete_webinar_registrants", registrants_delete_many},
    {"find_registrant_by_email", registrants_find_by_email},
    {NULL, NULL},
};
