/* live.c - live stream, invite links and tracking sources (catalog/live.json):
 * create_webinar_invite_links sends its names in requests of at most 500 and
 * gives each name its link or the reason it has none; the live-stream and
 * tracking-source tools are single declared Zoom calls. */
#include "tools/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INVITE_BATCH 500 /* Zoom's cap on attendees per request */

/* The text of the tool result RES (borrowed string of RES), or FALLBACK. */
static const char *result_text(json_t *res, const char *fallback) {
  const char *t = json_string_value(
      json_object_get(json_array_get(json_object_get(res, "content"), 0), "text"));
  return t ? t : fallback;
}

/* Adds an item {name, status, join_url | error} to ITEMS. */
static void invite_item_add(json_t *items, json_t *attendee, const char *status, const char *url,
                            const char *error) {
  json_t *item =
      json_pack("{s:O, s:s}", "name", json_object_get(attendee, "name"), "status", status);
  if (item && url)
    json_object_set_new(item, "join_url", json_string(url));
  if (item && error)
    json_object_set_new(item, "error", json_string(error));
  json_array_append_new(items, item);
}

/* The join URL of the reply item GOT when it is for NAME, else NULL. */
static const char *invite_url_for(json_t *got, const char *name) {
  const char *url = json_string_value(json_object_get(got, "join_url"));
  const char *got_name = json_string_value(json_object_get(got, "name"));
  return url && got_name && name && !strcmp(got_name, name) ? url : NULL;
}

/* The join URL Zoom's REPLY gives ATTENDEE, the K-th of its request: the K-th
 * reply item when it carries the same name, else the first unused one that
 * does (USED marks the reply items taken). NULL when there is none. */
static const char *invite_url_of(json_t *reply, size_t k, json_t *attendee, bool *used) {
  json_t *list = json_object_get(reply, "attendees");
  const char *name = json_string_value(json_object_get(attendee, "name"));
  const char *url =
      k < json_array_size(list) && !used[k] ? invite_url_for(json_array_get(list, k), name) : NULL;
  if (url) {
    used[k] = true;
    return url;
  }
  for (size_t i = 0; i < json_array_size(list); i++) {
    url = used[i] ? NULL : invite_url_for(json_array_get(list, i), name);
    if (url) {
      used[i] = true;
      return url;
    }
  }
  return NULL;
}

/* Sends ATTENDEES[at .. at+count) in one request. OUT (borrowed) gathers the
 * outcome: one item per name in OUT.attendees, one entry per request in
 * OUT.requests (on a dry run: the request's description instead), and the
 * counts OUT.created and OUT.failed. The first failed request's tool result
 * is kept in *FIRST_ERROR (a new reference) when it is still NULL. */
static void invite_send(mcp_call *call, const char *path, json_t *args, json_t *attendees,
                        size_t at, size_t count, json_t *out, json_t **first_error) {
  json_t *items = json_object_get(out, "attendees");
  json_t *chunk = json_array(), *reply = NULL;
  for (size_t i = 0; i < count; i++)
    json_array_append(chunk, json_array_get(attendees, at + i));
  json_t *body = json_pack("{s:o}", "attendees", chunk);
  json_t *ttl = json_object_get(args, "ttl");
  if (body && ttl)
    json_object_set(body, "ttl", ttl);
  bool dry = engine_is_dry_run(args);
  int rc = body ? engine_request(call, "POST", path, NULL, body, dry, &reply) : -1;
  json_decref(body);
  if (dry) {
    json_array_append(json_object_get(out, "requests"), reply);
    json_decref(reply);
    return;
  }
  const char *error = rc == 0 ? NULL : result_text(reply, "out of memory");
  bool *used = calloc(count + json_array_size(json_object_get(reply, "attendees")) + 1, 1);
  size_t made = 0;
  for (size_t i = 0; i < count; i++) {
    json_t *a = json_array_get(attendees, at + i);
    const char *url = rc == 0 && used ? invite_url_of(reply, i, a, used) : NULL;
    if (url)
      made++;
    invite_item_add(items, a, url ? "created" : "failed", url,
                    url     ? NULL
                    : error ? error
                            : "Zoom's reply held no link for this name.");
  }
  free(used);
  json_object_set_new(
      out, "created",
      json_integer(json_integer_value(json_object_get(out, "created")) + (json_int_t)made));
  json_object_set_new(out, "failed",
                      json_integer(json_integer_value(json_object_get(out, "failed")) +
                                   (json_int_t)(count - made)));
  json_t *req = json_pack("{s:I, s:I, s:s}", "first", (json_int_t)at + 1, "last",
                          (json_int_t)(at + count), "status", rc == 0 ? "ok" : "failed");
  if (req && error)
    json_object_set_new(req, "error", json_string(error));
  json_array_append_new(json_object_get(out, "requests"), req);
  if (rc != 0 && !*first_error)
    *first_error = json_incref(reply);
  json_decref(reply);
}

static json_t *tool_create_webinar_invite_links(mcp_call *call, json_t *args) {
  json_t *guest = NULL, *out = NULL, *first_error = NULL, *res = NULL;
  json_t *attendees = json_object_get(args, "attendees");
  if (!attendees)
    attendees = guest = json_pack("[{s:s}]", "name", "Guest");
  char missing[64] = "";
  char *path = engine_path("/webinars/{webinar_id}/invite_links", args, missing, sizeof missing);
  if (!path || !attendees) {
    res = mcp_tool_error("%s", missing[0] ? "webinar_id is required" : "out of memory");
    goto cleanup;
  }
  bool dry = engine_is_dry_run(args);
  out = json_pack("{s:I, s:I, s:[], s:[]}", "created", (json_int_t)0, "failed", (json_int_t)0,
                  "attendees", "requests");
  if (!out) {
    res = mcp_tool_error("out of memory");
    goto cleanup;
  }
  size_t n = json_array_size(attendees), at;
  for (at = 0; at < n && !mcp_call_cancelled(call); at += INVITE_BATCH)
    invite_send(call, path, args, attendees, at, n - at < INVITE_BATCH ? n - at : INVITE_BATCH, out,
                &first_error);
  if (dry) {
    json_t *reqs = json_object_get(out, "requests");
    res = mcp_tool_structured(json_array_size(reqs) == 1
                                  ? json_incref(json_array_get(reqs, 0))
                                  : json_pack("{s:b, s:O, s:s}", "dry_run", 1, "requests", reqs,
                                              "note", "Nothing was sent to Zoom."));
    goto cleanup;
  }
  for (; at < n; at++) /* after a cancellation */
    invite_item_add(json_object_get(out, "attendees"), json_array_get(attendees, at), "not_sent",
                    NULL, "The call was cancelled before this name was sent.");
  json_int_t created = json_integer_value(json_object_get(out, "created"));
  if (created == 0 && first_error) {
    res = json_array_size(json_object_get(out, "requests")) == 1
              ? json_incref(first_error)
              : mcp_tool_error("None of the %zu invite links was created. %s", n,
                               result_text(first_error, ""));
    goto cleanup;
  }
  json_object_set_new(out, "message",
                      json_sprintf("%lld of %zu invite links created%s", (long long)created, n,
                                   (size_t)created < n
                                       ? "; each name without a link says why. Call again with "
                                         "only those names to retry them."
                                       : "."));
  res = mcp_tool_structured(json_incref(out));
cleanup:
  json_decref(first_error);
  json_decref(out);
  json_decref(guest);
  free(path);
  return res;
}

const app_handler live_handlers[] = {
    {"create_webinar_invite_links", tool_create_webinar_invite_links},
    {NULL, NULL},
};
