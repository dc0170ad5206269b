/* engine.c - the generic tool: one Zoom call described by the catalogue entry's
 * "call" member (method, path with {argument} slots, query and body arguments,
 * paging), plus what every handler shares: dry runs, paging with progress,
 * Zoom errors as tool results, and times shown in the webinar's timezone. */
#include "tools/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/tz.h"
#include "zoom/config.h"
#include "zoom/url.h"

#define ENGINE_PATH_MAX 1024

bool engine_is_dry_run(json_t *args) {
  return json_is_true(json_object_get(args, "dry_run"));
}

/* The text of an argument value for a path or query: strings as they are,
 * integers in decimal. Writes into BUF; returns it, or NULL for other types. */
static const char *value_text(json_t *v, char *buf, size_t size) {
  if (json_is_string(v))
    return json_string_value(v);
  if (json_is_integer(v)) {
    snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return buf;
  }
  return NULL;
}

char *engine_path(const char *tmpl, json_t *args, char *missing, size_t missing_size) {
  char *out = malloc(ENGINE_PATH_MAX);
  if (!out)
    return NULL;
  size_t n = 0;
  const char *p = tmpl;
  while (*p) {
    if (*p != '{') {
      if (n + 1 >= ENGINE_PATH_MAX)
        goto fail;
      out[n++] = *p++;
      continue;
    }
    const char *close = strchr(p, '}');
    size_t len = close ? (size_t)(close - p - 1) : 0;
    if (!close || len == 0 || len >= 64)
      goto fail;
    char name[64], num[32];
    memcpy(name, p + 1, len);
    name[len] = '\0';
    const char *text = value_text(json_object_get(args, name), num, sizeof num);
    if (!text || !*text) {
      if (missing)
        snprintf(missing, missing_size, "%s", name);
      goto fail;
    }
    /* Webinar ids and past-webinar UUIDs follow Zoom's double-encoding rule. */
    char *enc = strstr(name, "webinar") ? zoom_webinar_id_encode(text) : zoom_url_encode(text);
    size_t elen = enc ? strlen(enc) : 0;
    if (!enc || n + elen >= ENGINE_PATH_MAX) {
      free(enc);
      goto fail;
    }
    memcpy(out + n, enc, elen);
    n += elen;
    free(enc);
    p = close + 1;
  }
  out[n] = '\0';
  return out;
fail:
  free(out);
  return NULL;
}

/* The API base URL in use, into BUF. */
static void api_base(app *a, char *buf, size_t size) {
  zoom_config *cfg = zoom_client_config(a->zoom);
  snprintf(buf, size, "%s",
           cfg && cfg->api_base_url ? cfg->api_base_url : ZOOM_DEFAULT_API_BASE_URL);
  zoom_config_free(cfg);
}

json_t *engine_dry_run(mcp_call *call, const char *method, const char *path, json_t *query,
                       json_t *body) {
  char base[1024];
  api_base(app_of(call), base, sizeof base);
  bytebuf url, joined;
  buf_init(&url, BUF_NO_CAP);
  buf_init(&joined, BUF_NO_CAP);
  buf_appendf(&url, "%s%s", base, path);
  const char *key;
  json_t *v;
  char sep = '?';
  json_object_foreach(query, key, v) {
    char num[32];
    const char *text = value_text(v, num, sizeof num);
    if (json_is_boolean(v))
      text = json_is_true(v) ? "true" : "false";
    if (json_is_array(v)) { /* arrays go comma-joined, as the client sends them */
      size_t i;
      json_t *item;
      buf_clear(&joined);
      json_array_foreach(v, i, item) {
        const char *t = value_text(item, num, sizeof num);
        if (t)
          buf_appendf(&joined, "%s%s", i ? "," : "", t);
      }
      text = joined.status != BUF_OK ? NULL : joined.data ? joined.data : "";
    }
    char *ek = zoom_url_encode(key), *ev = text ? zoom_url_encode(text) : NULL;
    if (ek && ev && buf_appendf(&url, "%c%s=%s", sep, ek, ev) == BUF_OK)
      sep = '&';
    free(ek);
    free(ev);
  }
  json_t *out =
      url.status != BUF_OK
          ? NULL
          : json_pack("{s:b, s:s, s:s, s:s}", "dry_run", 1, "method", method, "url", url.data,
                      "note", "Nothing was sent to Zoom. Call again without dry_run to send it.");
  buf_free(&url);
  buf_free(&joined);
  if (out && body)
    json_object_set(out, "body", body);
  return out;
}

/* After a change Zoom accepted (METHOD is not GET): tells the clients that
 * follow the webinar PATH is under (zoom://webinars/{id}: resources/subscribe,
 * subscriptions/listen), and, for its registrants or the webinar itself
 * going away, zoom://webinars/{id}/registrants. */
static void engine_notify_change(mcp_call *call, const char *method, const char *path) {
  if (strcmp(method, "GET") == 0 || strncmp(path, "/webinars/", 10) != 0)
    return;
  const char *id = path + 10;
  size_t n = strcspn(id, "/?");
  if (n == 0 || n > 200)
    return;
  char uri[256];
  snprintf(uri, sizeof uri, "zoom://webinars/%.*s", (int)n, id);
  mcp_server *srv = mcp_call_server(call);
  mcp_server_notify_resource_updated(srv, uri);
  const char *rest = id + n;
  if (strncmp(rest, "/registrants", 12) == 0 || strncmp(rest, "/batch_registrants", 18) == 0 ||
      (strcmp(method, "DELETE") == 0 && (*rest == '\0' || *rest == '?'))) {
    snprintf(uri, sizeof uri, "zoom://webinars/%.*s/registrants", (int)n, id);
    mcp_server_notify_resource_updated(srv, uri);
  }
}

/* One Zoom request (never a dry run): on success *OUT holds Zoom's reply (new
 * reference), the followers of a changed webinar are told, and 0 is returned;
 * on failure -1 with ERR (zeroed by the caller, cleared by it after) filled. */
static int engine_send(mcp_call *call, const char *method, const char *path, json_t *query,
                       json_t *body, json_t **out, zoom_error *err) {
  zoom_cancel cancel = app_cancel_of(call);
  *out = NULL;
  if (zoom_request(app_of(call)->zoom, method, path, query, body, &cancel, out, err) != 0)
    return -1;
  engine_notify_change(call, method, path);
  return 0;
}

int engine_request(mcp_call *call, const char *method, const char *path, json_t *query,
                   json_t *body, bool dry_run, json_t **out) {
  if (dry_run) {
    *out = engine_dry_run(call, method, path, query, body);
    return *out ? 0 : -1;
  }
  zoom_error err = {0};
  int rc = engine_send(call, method, path, query, body, out, &err);
  if (rc != 0)
    *out = app_tool_error(&err);
  zoom_error_clear(&err);
  return rc;
}

int engine_get(mcp_call *call, const char *path, json_t *query, json_t **out, zoom_error *err) {
  return engine_send(call, "GET", path, query, NULL, out, err);
}

/* ---- local times --------------------------------------------------------------- */

static const char *const time_fields[] = {"start_time", "end_time", "join_time", "leave_time"};

static void local_times(json_t *v, const char *zone) {
  if (json_is_array(v)) {
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) local_times(item, zone);
    return;
  }
  if (!json_is_object(v))
    return;
  const char *own = json_string_value(json_object_get(v, "timezone"));
  if (own && tz_valid(own))
    zone = own;
  for (size_t f = 0; zone && f < sizeof time_fields / sizeof time_fields[0]; f++) {
    const char *t = json_string_value(json_object_get(v, time_fields[f]));
    int64_t utc;
    if (!t || when_instant(t, &utc) != 0)
      continue;
    char buf[96], key[48];
    if (tz_format(utc, zone, buf, sizeof buf) != 0)
      continue;
    snprintf(key, sizeof key, "%s_local", time_fields[f]);
    json_object_set_new(v, key, json_string(buf));
  }
  const char *key;
  json_t *child;
  json_object_foreach(v, key, child) {
    if (json_is_object(child) || json_is_array(child))
      local_times(child, zone);
  }
}

json_t *engine_add_local_times(app *a, json_t *value) {
  zoom_config *cfg = zoom_client_config(a->zoom);
  const char *zone = cfg && cfg->timezone ? cfg->timezone : NULL;
  local_times(value, zone);
  zoom_config_free(cfg);
  return value;
}

json_t *engine_result(mcp_call *call, json_t *data) {
  if (!data)
    return mcp_tool_error("out of memory");
  if (!json_is_object(data)) {
    json_t *wrapped = json_pack("{s:o}", "result", data);
    data = wrapped;
  }
  return mcp_tool_structured(engine_add_local_times(app_of(call), data));
}

/* ---- paging ---------------------------------------------------------------------- */

static int page_progress(void *ctx, json_t *page, size_t page_no, size_t records,
                         long total_records) {
  (void)page;
  mcp_call *call = ctx;
  char msg[96];
  snprintf(msg, sizeof msg, "page %zu: %zu records so far", page_no, records);
  mcp_call_progress(call, (double)records, total_records >= 0 ? (double)total_records : -1.0, msg);
  return mcp_call_cancelled(call) ? 1 : 0;
}

int engine_get_pages(mcp_call *call, const char *path, json_t *query, const char *items,
                     int page_size, bool use_page_number, json_t **out, zoom_error *err) {
  app *a = app_of(call);
  json_t *q = query ? json_deep_copy(query) : json_object();
  json_object_del(q, "page_size");
  json_object_del(q, "next_page_token");
  json_object_del(q, "page_number");
  zoom_page_opts opts = {.items_key = items,
                         .page_size = page_size > 0 ? page_size : 300,
                         .use_page_number = use_page_number,
                         .on_page = page_progress,
                         .ctx = call};
  zoom_cancel cancel = app_cancel_of(call);
  *out = NULL;
  int rc = zoom_paginate(a->zoom, path, q, &opts, &cancel, out, err);
  json_decref(q);
  return rc == 0 ? 0 : -1;
}

int engine_pages(mcp_call *call, const char *path, json_t *query, const char *items, int page_size,
                 bool use_page_number, json_t **out) {
  zoom_error err = {0};
  int rc = engine_get_pages(call, path, query, items, page_size, use_page_number, out, &err);
  if (rc != 0)
    *out = app_tool_error(&err);
  zoom_error_clear(&err);
  return rc;
}

json_t *engine_resource_fail(mcp_call *call, const char *about, const zoom_error *err) {
  char text[APP_ERROR_TEXT_MAX];
  app_error_text(err, text, sizeof text);
  /* Zoom's status decides, never its words: a message may quote anything. */
  int code = err->kind == ZOOM_ERR_HTTP && err->http_status == 404 ? MCP_RESOURCE_NOT_FOUND
                                                                   : MCP_INTERNAL_ERROR;
  if (about)
    return mcp_call_fail(call, code, "%s: %s", about, text);
  return mcp_call_fail(call, code, "%s", text);
}

/* GETs every page of PATH (bounded), gathering ITEMS, as a tool result. */
static json_t *engine_all_pages(mcp_call *call, const char *path, json_t *query, const char *items,
                                json_t *args, bool use_page_number) {
  json_t *ps = json_object_get(args, "page_size"), *out = NULL;
  if (engine_pages(call, path, query, items, json_is_integer(ps) ? (int)json_integer_value(ps) : 0,
                   use_page_number, &out) != 0)
    return out;
  return engine_result(call, out);
}

json_t *engine_resource_contents(const char *uri, json_t *value) {
  char *text = value ? json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
  json_decref(value);
  json_t *item =
      text ? json_pack("{s:s, s:s, s:s}", "uri", uri, "mimeType", "application/json", "text", text)
           : NULL;
  free(text);
  return item ? json_pack("[o]", item) : NULL;
}

/* ---- batches ----------------------------------------------------------------------- */

json_t *engine_batch_send(mcp_call *call, const char *method, const char *path, json_t *query,
                          json_t *body, json_t *items, bool dry_run) {
  json_t *one = json_object();
  if (!one || !items) {
    json_decref(one);
    json_decref(items);
    return NULL;
  }
  json_object_set_new(one, "items", items);
  zoom_error err = {0};
  if (dry_run) {
    json_object_set_new(one, "request", engine_dry_run(call, method, path, query, body));
  } else if (mcp_call_cancelled(call)) {
    zoom_error_set(&err, ZOOM_ERR_CANCELLED, "Not sent: the call was cancelled first.");
    json_object_set_new(one, "error", zoom_error_to_json(&err));
  } else {
    zoom_cancel cancel = app_cancel_of(call);
    json_t *reply = NULL;
    if (zoom_request(app_of(call)->zoom, method, path, query, body, &cancel, &reply, &err) == 0) {
      json_object_set_new(one, "reply", reply);
      engine_notify_change(call, method, path);
    } else
      json_object_set_new(one, "error", zoom_error_to_json(&err));
  }
  zoom_error_clear(&err);
  return one;
}

json_t *engine_batches(mcp_call *call, const char *method, const char *path, json_t *query,
                       json_t *body, const char *key, json_t *items, size_t per_request,
                       bool dry_run) {
  size_t n = json_array_size(items);
  json_t *out = json_array();
  if (per_request == 0)
    per_request = 1;
  for (size_t at = 0; out && at < n; at += per_request) {
    json_t *slice = json_array();
    for (size_t i = at; slice && i < n && i < at + per_request; i++)
      json_array_append(slice, json_array_get(items, i));
    json_t *send = body ? json_copy(body) : json_object(), *one = NULL;
    if (send && slice) {
      json_object_set(send, key, slice);
      one = engine_batch_send(call, method, path, query, send, slice, dry_run); /* steals slice */
      slice = NULL;
    }
    json_decref(slice);
    json_decref(send);
    if (!one || json_array_append_new(out, one) != 0) {
      json_decref(out);
      return NULL;
    }
    char msg[96];
    size_t done = at + json_array_size(json_object_get(one, "items"));
    snprintf(msg, sizeof msg, "request %zu: %zu of %zu items sent", at / per_request + 1, done, n);
    if (!dry_run)
      mcp_call_progress(call, (double)done, (double)n, msg);
  }
  return out;
}

/* What became of the items of REQUEST (number REQUEST_NO from 1): a new {"status",
 * "request", "error"?}; see engine_batch_result. */
static json_t *batch_item(json_t *request, size_t request_no, const char *ok_word) {
  json_t *error = json_object_get(request, "error");
  const char *kind = json_string_value(json_object_get(error, "kind"));
  const char *status = ok_word;
  if (json_object_get(request, "request"))
    status = "dry_run";
  else if (error)
    status = !kind                              ? "failed"
             : !strcmp(kind, "outcome_unknown") ? "unknown"
             : !strcmp(kind, "cancelled")       ? "not_sent"
                                                : "failed";
  json_t *item = json_pack("{s:s, s:I}", "status", status, "request", (json_int_t)request_no);
  if (item && error)
    json_object_set(item, "error", json_object_get(error, "message"));
  return item;
}

/* "N ok_word, N failed, ..." of the RESULTS' statuses into BUF; returns how many
 * items have OK_WORD. */
static size_t batch_counts(json_t *results, const char *ok_word, json_t *counts, char *buf,
                           size_t size) {
  size_t i;
  json_t *r;
  json_array_foreach(results, i, r) {
    const char *st = json_string_value(json_object_get(r, "status"));
    if (st)
      json_object_set_new(counts, st,
                          json_integer(json_integer_value(json_object_get(counts, st)) + 1));
  }
  size_t n = 0;
  const char *st;
  json_t *c;
  buf[0] = '\0';
  json_object_foreach(counts, st, c) {
    n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%" JSON_INTEGER_FORMAT " %s",
                          n ? ", " : "", json_integer_value(c), st);
  }
  return (size_t)json_integer_value(json_object_get(counts, ok_word));
}

json_t *engine_batch_result(mcp_call *call, json_t *data, json_t *requests, const char *ok_word,
                            engine_item_fn decorate, void *ctx) {
  json_t *counts = json_object(), *summary = json_array(), *results = json_array();
  if (!data || !counts || !summary || !results) {
    json_decref(data);
    json_decref(counts);
    json_decref(summary);
    json_decref(results);
    return mcp_tool_error("out of memory");
  }
  bool dry_run = false;
  size_t i;
  json_t *rq;
  char failed_text[600] = "";
  json_array_foreach(requests, i, rq) {
    json_t *s = json_pack("{s:I, s:I}", "request", (json_int_t)(i + 1), "items",
                          (json_int_t)json_array_size(json_object_get(rq, "items")));
    json_t *dr = json_object_get(rq, "request"), *err = json_object_get(rq, "error");
    dry_run |= dr != NULL;
    if (dr)
      json_object_update(s, dr);
    else if (err)
      json_object_set(s, "error", err);
    if (!dr)
      json_object_set_new(s, "ok", json_boolean(!err));
    if (err && !failed_text[0])
      snprintf(failed_text, sizeof failed_text, " Request %zu failed: %s%s%s", i + 1,
               json_string_value(json_object_get(err, "message")),
               json_object_get(err, "hint") ? " Hint: " : "",
               json_object_get(err, "hint") ? json_string_value(json_object_get(err, "hint")) : "");
    json_array_append_new(summary, s);
    size_t k;
    json_t *item;
    json_array_foreach(json_object_get(rq, "items"), k, item) {
      json_t *one = batch_item(rq, i + 1, ok_word);
      if (json_is_object(item))
        json_object_update(one, item);
      if (decorate)
        decorate(one, item, rq, ctx);
      json_array_append_new(results, one);
    }
  }
  char text[256];
  size_t ok = batch_counts(results, ok_word, counts, text, sizeof text);
  size_t n = json_array_size(results);
  char msg[1024];
  if (dry_run)
    snprintf(msg, sizeof msg,
             "Dry run: %zu items would go in %zu requests; nothing was sent to Zoom. Call again "
             "without dry_run to send them.",
             n, json_array_size(requests));
  else
    snprintf(msg, sizeof msg, "%zu items in %zu requests: %s.%s", n, json_array_size(requests),
             text, failed_text);
  json_object_set_new(data, "message", json_string(msg));
  if (dry_run)
    json_object_set_new(data, "dry_run", json_true());
  json_object_set_new(data, "requests", summary);
  json_object_set_new(data, "results", results);
  json_object_set_new(data, "counts", counts);
  json_t *res = engine_result(call, data);
  if (!dry_run && ok == 0 && n > 0)
    json_object_set_new(res, "isError", json_true());
  return res;
}

json_t *engine_batch_run(mcp_call *call, json_t *args, const engine_batch *b, json_t *data) {
  json_t *requests = NULL, *res = NULL;
  char *path = engine_path(b->path, args, NULL, 0);
  if (path)
    requests = engine_batches(call, b->method, path, b->query, b->body, b->key, b->items,
                              b->per_request, engine_is_dry_run(args));
  if (requests)
    res = engine_batch_result(call, data, requests, b->ok_word, b->decorate, b->ctx);
  else
    json_decref(data);
  json_decref(requests);
  free(path);
  return res ? res : mcp_tool_error("out of memory, or the webinar id is too long");
}

/* ---- the generic handler ----------------------------------------------------------- */

bool engine_name_listed(json_t *list, const char *name) {
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    if (json_is_string(v) && !strcmp(json_string_value(v), name))
      return true;
  }
  return false;
}

/* Replaces {name} in the success template with the arguments' values. */
static json_t *success_message(const char *tmpl, json_t *args) {
  char out[512];
  size_t n = 0;
  for (const char *p = tmpl; *p && n + 1 < sizeof out;) {
    const char *close = *p == '{' ? strchr(p, '}') : NULL;
    if (close && close - p < 64) {
      char name[64], num[32];
      memcpy(name, p + 1, (size_t)(close - p - 1));
      name[close - p - 1] = '\0';
      const char *v = value_text(json_object_get(args, name), num, sizeof num);
      n += (size_t)snprintf(out + n, sizeof out - n, "%s", v ? v : "?");
      if (n >= sizeof out)
        n = sizeof out - 1;
      p = close + 1;
    } else {
      out[n++] = *p++;
    }
  }
  out[n] = '\0';
  return json_string(out);
}

/* True when the argument KEY goes into the request body: BSPEC is "rest" (every
 * argument not in the path TMPL or the query QNAMES) or the list of body names. */
static bool body_takes(const char *key, const char *tmpl, json_t *qnames, json_t *bspec) {
  char slot[80];
  snprintf(slot, sizeof slot, "{%s}", key);
  if (!strcmp(key, "dry_run") || !strcmp(key, "all_pages") || strstr(tmpl, slot) ||
      engine_name_listed(qnames, key))
    return false;
  return json_is_string(bspec) || engine_name_listed(bspec, key);
}

bool engine_body_empty(json_t *body) {
  const char *key;
  json_t *v;
  json_object_foreach(body, key, v) {
    if (!json_is_object(v) || json_object_size(v) > 0)
      return false;
  }
  return true;
}

/* The tool error for an update that would send Zoom an empty body: names the
 * arguments of ENTRY's input schema that go into the body. New reference. */
static json_t *nothing_to_change(json_t *entry, const char *tmpl, json_t *qnames, json_t *bspec) {
  json_t *props = json_object_get(json_object_get(entry, "input"), "properties");
  char names[512] = "";
  size_t n = 0, count = 0, total = 0;
  const char *key;
  json_t *v;
  json_object_foreach(props, key, v) {
    total += body_takes(key, tmpl, qnames, bspec) ? 1 : 0;
  }
  json_object_foreach(props, key, v) {
    if (!body_takes(key, tmpl, qnames, bspec) || n >= sizeof names)
      continue;
    count++;
    const char *sep = count == 1 ? "" : count == total ? " or " : ", ";
    n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", sep, key);
  }
  return mcp_tool_error("Nothing to change: give at least one of %s. Nothing was sent to Zoom.",
                        names);
}

json_t *engine_zoom_call(mcp_call *call, json_t *args) {
  json_t *entry = catalog_entry_of(call);
  json_t *spec = json_object_get(entry, "call");
  const char *method = json_string_value(json_object_get(spec, "method"));
  const char *tmpl = json_string_value(json_object_get(spec, "path"));
  if (!method || !tmpl)
    return mcp_tool_error("this tool has no Zoom call declared (a bug in the catalogue)");
  json_t *qnames = json_object_get(spec, "query");
  json_t *bspec = json_object_get(spec, "body");
  json_t *query = json_object(), *body = NULL, *reply = NULL, *res = NULL, *resolved = NULL;
  char missing[64] = "";
  char *path = engine_path(tmpl, args, missing, sizeof missing);
  if (!path) {
    res = missing[0]
              ? mcp_tool_error("%s is required (a non-empty string)", missing)
              : mcp_tool_error("the Zoom path %s could not be built: an id is too long", tmpl);
    goto cleanup;
  }
  const char *key;
  json_t *v;
  json_object_foreach(args, key, v) {
    if (engine_name_listed(qnames, key))
      json_object_set(query, key, v);
  }
  if (json_is_string(bspec) || json_is_array(bspec)) {
    body = json_object();
    json_object_foreach(args, key, v) {
      if (body_takes(key, tmpl, qnames, bspec))
        json_object_set(body, key, v);
    }
    /* An update with nothing in it is refused here, dry run or not: Zoom would
     * take an empty PATCH and change nothing. */
    if ((!strcmp(method, "PATCH") || !strcmp(method, "PUT")) && engine_body_empty(body)) {
      res = nothing_to_change(entry, tmpl, qnames, bspec);
      goto cleanup;
    }
    char why[512];
    if (when_fix_body(app_of(call), body, NULL, &resolved, why, sizeof why) != 0) {
      res = mcp_tool_error("%s", why);
      goto cleanup;
    }
  }

  json_t *pages = json_object_get(spec, "pages");
  if (pages && json_is_true(json_object_get(args, "all_pages")) && !engine_is_dry_run(args)) {
    res = engine_all_pages(call, path, query, json_string_value(json_object_get(pages, "items")),
                           args, json_is_true(json_object_get(pages, "page_number")));
    goto cleanup;
  }
  if (engine_request(call, method, path, query, body, engine_is_dry_run(args), &reply) != 0) {
    res = reply;
    reply = NULL;
    goto cleanup;
  }
  if (engine_is_dry_run(args)) {
    if (resolved)
      json_object_set(reply, "resolved", resolved);
    res = mcp_tool_structured(reply);
    reply = NULL;
    goto cleanup;
  }
  if (json_object_size(reply) == 0 && strcmp(method, "GET") != 0) {
    /* 204: say what happened instead of an empty object. */
    const char *tmsg = json_string_value(json_object_get(entry, "success"));
    json_decref(reply);
    reply = json_pack("{s:b}", "ok", 1);
    json_object_set_new(reply, "message",
                        tmsg ? success_message(tmsg, args) : json_string("Done."));
  }
  if (resolved && json_is_object(reply))
    json_object_set(reply, "resolved", resolved);
  res = engine_result(call, reply);
  reply = NULL;

cleanup:
  json_decref(resolved);
  json_decref(reply);
  json_decref(body);
  json_decref(query);
  free(path);
  return res;
}

const app_handler engine_handlers[] = {
    {"zoom_call", engine_zoom_call},
    {NULL, NULL},
};
