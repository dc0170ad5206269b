/* live.c - live stream, invite links and tracking sources (catalog/live.json):
 * create_webinar_invite_links sends its names in requests of at most 500
 * (engine_batch_run) and gives each name its link or the reason it has none;
 * the live-stream and tracking-source tools are single declared Zoom calls. */
#include "tools/app.h"

#include <stdlib.h>
#include <string.h>

#define INVITE_LINKS_PER_REQUEST 500 /* Zoom's cap on attendees per request */

/* Which links of a request's reply the names seen so far took. */
typedef struct invite_match {
  json_t *request; /* borrowed: the request whose items are being decorated */
  size_t next;     /* the position of the next item in that request */
  bool *taken;     /* one flag per reply attendee */
} invite_match;

/* The join URL of the reply item GOT when it is for NAME, else NULL. */
static const char *invite_url_for(json_t *got, const char *name) {
  const char *url = json_string_value(json_object_get(got, "join_url"));
  const char *got_name = json_string_value(json_object_get(got, "name"));
  return url && got_name && name && !strcmp(got_name, name) ? url : NULL;
}

/* The reply attendee for the K-th name of a request: the K-th when it carries
 * that name (Zoom answers in order), else the first one not taken that does.
 * -1 when there is none. */
static long invite_pick(json_t *list, size_t k, const char *name, const bool *taken) {
  size_t n = json_array_size(list);
  if (k < n && !taken[k] && invite_url_for(json_array_get(list, k), name))
    return (long)k;
  for (size_t i = 0; i < n; i++)
    if (!taken[i] && invite_url_for(json_array_get(list, i), name))
      return (long)i;
  return -1;
}

/* engine_item_fn: adds the name's join URL from its request's reply. */
static void invite_item(json_t *result, json_t *item, json_t *request, void *ctx) {
  invite_match *m = ctx;
  json_t *list = json_object_get(json_object_get(request, "reply"), "attendees");
  if (!json_object_get(request, "reply"))
    return; /* failed, not sent or a dry run: engine_batch_result said so */
  if (m->request != request) {
    free(m->taken);
    m->taken = calloc(json_array_size(list) + 1, sizeof *m->taken);
    m->request = request;
    m->next = 0;
  }
  const char *name = json_string_value(json_object_get(item, "name"));
  long at = m->taken ? invite_pick(list, m->next++, name, m->taken) : -1;
  if (at < 0) {
    json_object_set_new(result, "status", json_string("failed"));
    json_object_set_new(result, "error",
                        json_string("Zoom accepted the request but its reply held no link for "
                                    "this name: ask again for this name alone."));
    return;
  }
  m->taken[at] = true;
  json_object_set(result, "join_url",
                  json_object_get(json_array_get(list, (size_t)at), "join_url"));
}

static json_t *tool_create_webinar_invite_links(mcp_call *call, json_t *args) {
  json_t *guest = NULL, *res = NULL;
  json_t *attendees = json_object_get(args, "attendees");
  if (!attendees) /* Zoom wants at least one name */
    attendees = guest = json_pack("[{s:s}]", "name", "Guest");
  json_t *body = json_object();
  json_t *data = json_pack("{s:O, s:s}", "webinar_id", json_object_get(args, "webinar_id"), "note",
                           "Zoom cannot list invite links afterwards: keep these links. Each is "
                           "valid for ttl seconds from now (Zoom's default 7200).");
  json_t *ttl = json_object_get(args, "ttl");
  if (body && ttl)
    json_object_set(body, "ttl", ttl);
  invite_match match = {0};
  engine_batch b = {.method = "POST",
                    .path = "/webinars/{webinar_id}/invite_links",
                    .body = body,
                    .key = "attendees",
                    .items = attendees,
                    .per_request = INVITE_LINKS_PER_REQUEST,
                    .ok_word = "created",
                    .decorate = invite_item,
                    .ctx = &match};
  if (attendees && body && data)
    res = engine_batch_run(call, args, &b, data); /* steals data */
  else
    json_decref(data);
  free(match.taken);
  json_decref(body);
  json_decref(guest);
  return res ? res : mcp_tool_error("out of memory");
}

const app_handler live_handlers[] = {
    {"create_webinar_invite_links", tool_create_webinar_invite_links},
    {NULL, NULL},
};
