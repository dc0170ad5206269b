/* session.c - one client connection to the MCP core: frame dispatch for both
 * eras, the in-flight table, cancellation, batches, server->client requests,
 * and the API handlers use while they run (mcp_call_*). */
#include "mcp/core.h"
#include "mcp/jsonrpc.h"

#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- sending ---------------------------------------------------------------- */

/* Hands the LEN bytes of TEXT to the transport. */
static void session_deliver(mcp_session *s, const char *text, size_t len, void *tag) {
  pthread_mutex_lock(&s->send_mu);
  s->send(s->ctx, tag, text, len);
  pthread_mutex_unlock(&s->send_mu);
}

/* The first bytes of a frame go to a buffer on the caller's stack (larger frames move to the
 * heap): a thread pays only for the stack pages a frame writes. As _Thread_local buffers
 * (two of 16 KiB) they cost every thread 32 KiB of static TLS, which the C library zeroes at
 * thread creation, whether or not the thread ever sent a frame. */
#define SEND_SCRATCH 16384

void session_send(mcp_session *s, json_t *msg, void *tag) {
  char scratch[SEND_SCRATCH];
  if (!msg)
    return;
  jsonrpc_buf b;
  jsonrpc_buf_init(&b, scratch, sizeof scratch);
  if (jsonrpc_buf_put_json(&b, msg, NULL) == 0)
    session_deliver(s, b.data, b.len, tag);
  else
    log_error("mcp", "a message could not be serialized (out of memory, or not valid UTF-8)");
  json_decref(msg);
  jsonrpc_buf_release(&b);
}

/* Sends {"jsonrpc":"2.0","id":ID,"result":RESULT} (RESULT stolen) without
 * building the envelope: the hot path of every reply. SPLICE (may be NULL)
 * is a part of RESULT serialized already (a tool's structured content). */
static void session_send_result(mcp_session *s, json_t *id, json_t *result,
                                const jsonrpc_splice *splice, void *tag) {
  char scratch[SEND_SCRATCH];
  static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":";
  static const char mid[] = ",\"result\":";
  jsonrpc_buf b;
  jsonrpc_buf_init(&b, scratch, sizeof scratch);
  jsonrpc_buf_put(&b, head, sizeof head - 1);
  jsonrpc_buf_put_json(&b, id, NULL);
  jsonrpc_buf_put(&b, mid, sizeof mid - 1);
  if (jsonrpc_buf_put_json(&b, result, splice) == 0) {
    jsonrpc_buf_put(&b, "}", 1);
    if (!b.failed)
      session_deliver(s, b.data, b.len, tag);
  }
  if (b.failed)
    log_error("mcp", "a reply could not be serialized (out of memory, or not valid UTF-8)");
  json_decref(result);
  jsonrpc_buf_release(&b);
}

/* Answers one message of a frame. MSG (stolen) may be NULL: the message gets
 * no reply (a notification, a cancelled request). Inside a batch the reply is
 * gathered; the batch goes out when its last member is answered. */
static void session_emit(mcp_session *s, batch *b, void *tag, json_t *msg) {
  if (!b) {
    session_send(s, msg, tag);
    return;
  }
  json_t *done = NULL;
  pthread_mutex_lock(&s->mu);
  if (msg)
    json_array_append_new(b->replies, msg);
  if (--b->pending == 0) {
    done = b->replies;
    tag = b->tag;
    free(b);
  }
  pthread_mutex_unlock(&s->mu);
  if (done) {
    if (json_array_size(done) > 0)
      session_send(s, done, tag);
    else
      json_decref(done);
  }
}

static void emit_error(mcp_session *s, batch *b, void *tag, json_t *id, int code, json_t *data,
                       const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void emit_error(mcp_session *s, batch *b, void *tag, json_t *id, int code, json_t *data,
                       const char *fmt, ...) {
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  session_emit(s, b, tag, jsonrpc_error(id, code, text, data));
}

static void session_collect(mcp_session *s);
static void session_flush_staged(mcp_session *s);

/* A burst (mcp_session_burst_begin/_end) belongs to the thread that opened
 * it: the calls it stages for the pool live here, per thread, so other
 * threads may feed the same session at the same time. */
static _Thread_local struct {
  mcp_session *s;
  int depth;
  mcp_call *head, *tail;
  size_t n;
} burst;

/* Set by mcp_session_handle_inline: requests run on this thread. */
static _Thread_local bool inline_here;

/* ---- sessions ----------------------------------------------------------------- */

mcp_session *mcp_session_new(mcp_server *srv, mcp_send_fn send, void *ctx) {
  if (!srv || !send)
    return NULL;
  mcp_session *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->srv = srv;
  s->send = send;
  s->ctx = ctx;
  s->log_level = MCP_LOG_DEBUG;
  core_mutex_init(&s->send_mu);
  core_mutex_init(&s->mu);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&s->cv, &attr);
  pthread_condattr_destroy(&attr);
  return s;
}

/* Marks every call in flight cancelled. Called with s->mu held. */
static void cancel_all(mcp_session *s) {
  for (size_t i = 0; i < MCP_INFLIGHT_BUCKETS; i++)
    for (mcp_call *c = s->table[i]; c; c = c->next_inflight)
      atomic_store(&c->cancelled, true);
  pthread_cond_broadcast(&s->cv);
}

bool mcp_session_drain_for(mcp_session *s, long grace_ms) {
  if (!s)
    return true;
  session_flush_staged(s);
  pthread_mutex_lock(&s->mu);
  s->closing = true;
  s->input_closed = true;
  pthread_cond_broadcast(&s->cv); /* asks waiting for an answer give up */
  bool finished = true;
  if (grace_ms == 0) {
    cancel_all(s);
  } else if (grace_ms > 0) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += grace_ms / 1000;
    deadline.tv_nsec += (grace_ms % 1000) * 1000000l;
    if (deadline.tv_nsec >= 1000000000l) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000l;
    }
    while (s->inflight > 0)
      if (pthread_cond_timedwait(&s->cv, &s->mu, &deadline) == ETIMEDOUT)
        break;
    if (s->inflight > 0) {
      finished = false;
      cancel_all(s);
    }
  }
  while (s->inflight > 0)
    pthread_cond_wait(&s->cv, &s->mu);
  pthread_mutex_unlock(&s->mu);
  return finished;
}

void mcp_session_drain(mcp_session *s, bool cancel) {
  mcp_session_drain_for(s, cancel ? 0 : -1);
}

void mcp_session_free(mcp_session *s) {
  if (!s)
    return;
  server_remove_subscriber(s->srv, s);
  mcp_session_drain(s, true);
  session_collect(s);
  json_decref(s->client_caps);
  json_decref(s->subs);
  json_decref(s->listen_id);
  json_decref(s->listen_uris);
  pthread_mutex_destroy(&s->send_mu);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  free(s);
}

int session_initialize(mcp_session *s, const char *version, json_t *caps) {
  pthread_mutex_lock(&s->mu);
  if (s->initialized) {
    pthread_mutex_unlock(&s->mu);
    return -1;
  }
  s->initialized = true;
  snprintf(s->version, sizeof s->version, "%s", version);
  s->client_caps = json_is_object(caps) ? json_incref(caps) : json_object();
  pthread_mutex_unlock(&s->mu);
  return 0;
}

void session_set_log_level(mcp_session *s, int level) {
  pthread_mutex_lock(&s->mu);
  s->log_level = level;
  pthread_mutex_unlock(&s->mu);
}

/* ---- the in-flight table ------------------------------------------------------ */

static size_t bucket_of(const char *key) {
  uint32_t h = 2166136261u;
  for (; *key; key++)
    h = (h ^ (unsigned char)*key) * 16777619u;
  return h % MCP_INFLIGHT_BUCKETS;
}

/* Finds the in-flight call with ID. Called with s->mu held. */
static mcp_call *inflight_find(mcp_session *s, json_t *id) {
  char key[96];
  jsonrpc_id_key(id, key, sizeof key);
  for (mcp_call *c = s->table[bucket_of(key)]; c; c = c->next_inflight)
    if (json_equal(c->id, id))
      return c;
  return NULL;
}

/* Removes CALL from the table. Called with s->mu held. */
static void inflight_remove(mcp_session *s, mcp_call *call) {
  mcp_call **pp = &s->table[bucket_of(call->key)];
  while (*pp && *pp != call)
    pp = &(*pp)->next_inflight;
  if (*pp)
    *pp = call->next_inflight;
  call->registered = false;
}

/* Drops what mcp_tool_structured told CALL: it is of use until the reply is out. */
static void call_release_structured(mcp_call *call) {
  json_decref(call->structured);
  json_decref(call->structured_text);
  call->structured = call->structured_text = NULL;
}

static void call_free(mcp_call *call) {
  if (!call)
    return;
  json_decref(call->msg);
  json_decref(call->err_data);
  json_decref(call->input_requests);
  call_release_structured(call);
  free(call->ask_failure);
  free(call->request_state);
  free(call->err_msg);
  free(call);
}

/* ---- running a call --------------------------------------------------------- */

static void add_server_info_meta(mcp_session *s, json_t *result) {
  json_t *meta = json_object_get(result, "_meta");
  if (!json_is_object(meta)) {
    meta = json_object();
    json_object_set_new(result, "_meta", meta);
  }
  json_object_set_new(meta, META_SERVER_INFO, server_info(s->srv));
}

/* Builds the reply for CALL from the handler's RESULT (stolen). A plain
 * result outside a batch is sent right here, and NULL comes back. */
static json_t *call_reply(mcp_call *call, json_t *result) {
  if (call->err_code) {
    json_decref(result);
    int code = call->err_code;
    if (code == MCP_RESOURCE_NOT_FOUND && call->era == MCP_ERA_MODERN)
      code = MCP_INVALID_PARAMS;
    json_t *data = call->err_data;
    call->err_data = NULL;
    return jsonrpc_error(call->id, code, call->err_msg ? call->err_msg : "error", data);
  }
  if (!result && call->ask_failure) /* tools/call made it a tool error already */
    return jsonrpc_error(call->id, MCP_INTERNAL_ERROR, call->ask_failure, NULL);
  if (!result && call->era == MCP_ERA_MODERN && call->input_requests) {
    result = json_object();
    json_object_set_new(result, "resultType", json_string("input_required"));
    json_object_set(result, "inputRequests", call->input_requests);
    if (call->request_state)
      json_object_set_new(result, "requestState", json_string(call->request_state));
  }
  if (!result)
    return jsonrpc_error(call->id, MCP_INTERNAL_ERROR, "Internal error: the handler gave no result",
                         NULL);
  if (!json_is_object(result)) {
    json_decref(result);
    return jsonrpc_error(call->id, MCP_INTERNAL_ERROR,
                         "Internal error: the handler's result is not an object", NULL);
  }
  if (call->era == MCP_ERA_MODERN) {
    if (!json_object_get(result, "resultType"))
      json_object_set_new(result, "resultType", json_string("complete"));
    add_server_info_meta(call->s, result);
  }
  if (!call->batch) {
    jsonrpc_splice splice = {.value = call->structured,
                             .text = json_string_value(call->structured_text),
                             .len = json_string_length(call->structured_text)};
    session_send_result(call->s, call->id, result, call->structured ? &splice : NULL, call->tag);
    call_release_structured(call); /* the call itself may be freed much later */
    return NULL;                   /* sent */
  }
  call_release_structured(call);
  return jsonrpc_result(call->id, result);
}

void session_run_call(mcp_call *call) {
  mcp_session *s = call->s;
  json_t *result = NULL;
  if (!atomic_load(&call->cancelled) && !call->err_code)
    result = call->method->fn(call, call->params);
  bool registered = call->registered;
  bool cancelled;
  if (registered) {
    pthread_mutex_lock(&s->mu);
    inflight_remove(s, call);
    cancelled = atomic_load(&call->cancelled);
    /* Room comes once this reply is out, and the client may send its next call
     * as soon as it reads it: that call waits for the room, not refused. */
    if (s->inflight - 1 < s->srv->queue_limit)
      s->saturated = false;
    pthread_mutex_unlock(&s->mu);
  } else {
    cancelled = atomic_load(&call->cancelled);
  }
  batch *b = call->batch;
  void *tag = call->tag;
  if (call->detached && !call->err_code) {
    json_decref(result); /* the reply comes later, or never */
    session_emit(s, b, tag, NULL);
  } else if (cancelled) {
    json_decref(result);
    log_debug("mcp", "request %s cancelled: no reply", call->key);
    session_emit(s, b, tag, NULL);
  } else {
    json_t *reply = call_reply(call, result);
    if (reply || b)
      session_emit(s, b, tag, reply);
  }
  if (registered) {
    /* freed by the parsing thread (see garbage in core.h) */
    mcp_call *head = atomic_load(&s->garbage);
    do
      call->next_job = head;
    while (!atomic_compare_exchange_weak(&s->garbage, &head, call));
  } else {
    call_free(call);
  }
  if (registered) {
    pthread_mutex_lock(&s->mu);
    if (--s->inflight < s->srv->queue_limit)
      s->saturated = false;
    if (s->inflight == 0 || s->room_waiters)
      pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
  }
}

/* ---- dispatch ------------------------------------------------------------------ */

static bool valid_progress_token(json_t *t) {
  return json_is_string(t) || json_is_integer(t);
}

/* Hands the staged calls to the pool. Called by the dispatching thread. */
static void session_flush_staged(mcp_session *s) {
  if (burst.s != s || !burst.head)
    return;
  mcp_call *first = burst.head, *last = burst.tail;
  size_t n = burst.n;
  burst.head = burst.tail = NULL;
  burst.n = 0;
  if (server_enqueue(s->srv, first, last, n) != 0) {
    atomic_fetch_sub_explicit(&s->backlog, n, memory_order_relaxed);
    while (first) {
      mcp_call *next = first->next_job;
      call_fail_data(first, MCP_INTERNAL_ERROR, NULL, "Internal error: no worker thread");
      session_run_call(first);
      first = next;
    }
  }
}

size_t mcp_session_backlog(mcp_session *s) {
  return atomic_load_explicit(&s->backlog, memory_order_relaxed);
}

void mcp_session_burst_begin(mcp_session *s) {
  if (burst.depth > 0 && burst.s != s) /* another session's burst: close it first */
    while (burst.depth > 0)
      mcp_session_burst_end(burst.s);
  burst.s = s;
  burst.depth++;
}

void mcp_session_burst_end(mcp_session *s) {
  if (burst.s != s || burst.depth == 0)
    return;
  if (--burst.depth == 0) {
    session_flush_staged(s);
    burst.s = NULL;
  }
}

/* Serves one request. MSG is stolen. Exactly one session_emit follows. */
static void dispatch_request(mcp_session *s, json_t *msg, json_t *id, void *tag, batch *b) {
  mcp_server *srv = s->srv;
  const char *name = json_string_value(json_object_get(msg, "method"));
  json_t *params = json_object_get(msg, "params");
  if (params && !json_is_object(params)) {
    emit_error(s, b, tag, id, MCP_INVALID_PARAMS, NULL, "Invalid params: params must be an object");
    goto drop;
  }
  const method_def *m = methods_find(name);
  if (!m) {
    emit_error(s, b, tag, id, MCP_METHOD_NOT_FOUND, NULL, "Method not found: %s", name);
    goto drop;
  }
  json_t *meta = json_object_get(params, "_meta");
  if (meta && !json_is_object(meta)) {
    emit_error(s, b, tag, id, MCP_INVALID_PARAMS, NULL, "Invalid params: _meta must be an object");
    goto drop;
  }
  bool is_init = strcmp(name, "initialize") == 0;
  bool modern = !is_init && (json_object_get(meta, META_VERSION) ||
                             json_object_get(meta, META_CAPS) || !(m->eras & ERA_LEGACY_BIT));

  bool initialized = atomic_load(&s->initialized);
  bool closing = atomic_load(&s->closing);

  mcp_era era;
  const char *version;
  json_t *caps;
  int req_level = MCP_LOG_NONE;
  if (modern) {
    json_t *pv = json_object_get(meta, META_VERSION);
    if (!json_is_string(pv)) {
      emit_error(s, b, tag, id, MCP_INVALID_PARAMS, NULL,
                 "Invalid params: params._meta[\"%s\"] is required (a string); "
                 "clients of protocol %s and earlier must send initialize first",
                 META_VERSION, MCP_LATEST_LEGACY);
      goto drop;
    }
    if (strcmp(json_string_value(pv), MCP_MODERN_VERSION) != 0) {
      json_t *data = json_pack("{s:o,s:O}", "supported", supported_versions(), "requested", pv);
      const char *asked = json_string_value(pv);
      emit_error(s, b, tag, id, MCP_UNSUPPORTED_VERSION, data, "Unsupported protocol version: %s%s",
                 asked,
                 legacy_version_supported(asked)
                     ? " is served through the initialize handshake, not per request"
                     : "");
      goto drop;
    }
    caps = json_object_get(meta, META_CAPS);
    if (!json_is_object(caps)) {
      emit_error(s, b, tag, id, MCP_INVALID_PARAMS, NULL,
                 "Invalid params: params._meta[\"%s\"] is required (an object)", META_CAPS);
      goto drop;
    }
    if (!(m->eras & ERA_MODERN_BIT)) {
      emit_error(s, b, tag, id, MCP_METHOD_NOT_FOUND, NULL,
                 "Method not found: %s is not part of protocol %s", name, MCP_MODERN_VERSION);
      goto drop;
    }
    json_t *level = json_object_get(meta, META_LOG_LEVEL);
    if (level) {
      req_level = json_is_string(level) ? log_level_from_name(json_string_value(level)) : -1;
      if (req_level < 0) {
        emit_error(s, b, tag, id, MCP_INVALID_PARAMS, NULL,
                   "Invalid params: params._meta[\"%s\"] is not a log level", META_LOG_LEVEL);
        goto drop;
      }
    }
    era = MCP_ERA_MODERN;
    version = MCP_MODERN_VERSION;
  } else {
    if (!initialized && !is_init && strcmp(name, "ping") != 0) {
      if (m->eras & ERA_MODERN_BIT)
        emit_error(s, b, tag, id, MCP_INVALID_PARAMS, NULL,
                   "Invalid params: params._meta[\"%s\"] is required (protocol %s); "
                   "or send initialize first",
                   META_VERSION, MCP_MODERN_VERSION);
      else
        emit_error(s, b, tag, id, MCP_INVALID_REQUEST, NULL,
                   "Invalid Request: the session is not initialized (send initialize first)");
      goto drop;
    }
    if (is_init && initialized) {
      emit_error(s, b, tag, id, MCP_INVALID_REQUEST, NULL,
                 "Invalid Request: the session is already initialized");
      goto drop;
    }
    era = MCP_ERA_LEGACY;
    version = initialized ? s->version : MCP_LATEST_LEGACY;
    caps = s->client_caps;
  }
  if (closing) {
    emit_error(s, b, tag, id, MCP_SERVER_BUSY, NULL, "Server busy: the session is closing");
    goto drop;
  }
  json_t *token = json_object_get(meta, "progressToken");
  if (token && !valid_progress_token(token)) {
    emit_error(s, b, tag, id, MCP_INVALID_PARAMS, NULL,
               "Invalid params: progressToken must be a string or an integer");
    goto drop;
  }

  mcp_call *call = calloc(1, sizeof *call);
  if (!call) {
    emit_error(s, b, tag, id, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
    goto drop;
  }
  call->s = s;
  call->method = m;
  call->msg = msg;
  call->id = id;
  call->params = params;
  call->tag = tag;
  call->batch = b;
  call->era = era;
  call->version = version;
  call->client_caps = caps;
  call->progress_token = token;
  call->log_level = req_level;
  call->input_responses = era == MCP_ERA_MODERN ? json_object_get(params, "inputResponses") : NULL;
  atomic_init(&call->cancelled, false);
  jsonrpc_id_key(id, call->key, sizeof call->key);

  pthread_mutex_lock(&s->mu);
  if (inflight_find(s, id)) {
    pthread_mutex_unlock(&s->mu);
    char dup_key[sizeof call->key];
    memcpy(dup_key, call->key, sizeof dup_key);
    call->msg = NULL;
    call_free(call);
    emit_error(s, b, tag, id, MCP_INVALID_REQUEST, NULL,
               "Invalid Request: request id %s is already in flight", dup_key + 2);
    goto drop;
  }
  if (m->on_worker) {
    if (s->inflight >= srv->queue_limit && !s->closing && burst.s == s && burst.n) {
      pthread_mutex_unlock(&s->mu);
      session_flush_staged(s); /* the staged calls must run to make room */
      pthread_mutex_lock(&s->mu);
    }
    if (s->inflight >= srv->queue_limit && !s->closing && !s->saturated) {
      /* A pipelining client outruns the workers: wait a little for room
       * rather than refuse at once. If no room came, the calls in flight are
       * slow: refuse at once from then on, until room frees up, so that the
       * reader keeps answering (ping, lists) meanwhile. */
      struct timespec deadline;
      clock_gettime(CLOCK_MONOTONIC, &deadline);
      deadline.tv_nsec += MCP_ROOM_WAIT_MS * 1000000l;
      if (deadline.tv_nsec >= 1000000000l) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000l;
      }
      s->room_waiters++;
      while (s->inflight >= srv->queue_limit && !s->closing)
        if (pthread_cond_timedwait(&s->cv, &s->mu, &deadline) == ETIMEDOUT)
          break;
      s->room_waiters--;
      s->saturated = s->inflight >= srv->queue_limit;
    }
    if (s->inflight >= srv->queue_limit) {
      pthread_mutex_unlock(&s->mu);
      call->msg = NULL;
      call_free(call);
      emit_error(s, b, tag, id, MCP_SERVER_BUSY, NULL,
                 "Server busy: %zu requests already in progress; retry later", srv->queue_limit);
      goto drop;
    }
    size_t bucket = bucket_of(call->key);
    call->next_inflight = s->table[bucket];
    s->table[bucket] = call;
    call->registered = true;
    s->inflight++;
  }
  pthread_mutex_unlock(&s->mu);

  if (!m->on_worker || inline_here) {
    session_run_call(call);
    return;
  }
  call->next_job = NULL;
  atomic_fetch_add_explicit(&s->backlog, 1, memory_order_relaxed);
  if (burst.s == s && burst.depth > 0) {
    if (burst.tail)
      burst.tail->next_job = call;
    else
      burst.head = call;
    burst.tail = call;
    burst.n++;
    return;
  }
  if (server_enqueue(srv, call, call, 1) != 0) {
    atomic_fetch_sub_explicit(&s->backlog, 1, memory_order_relaxed);
    call_fail_data(call, MCP_INTERNAL_ERROR, NULL, "Internal error: no worker thread");
    session_run_call(call); /* runs nothing: replies with the error */
  }
  return;
drop:
  json_decref(msg);
}

/* ---- notifications and responses from the client ------------------------------- */

static void handle_cancelled(mcp_session *s, json_t *params) {
  json_t *rid = json_object_get(params, "requestId");
  if (!jsonrpc_id_valid(rid)) {
    log_debug("mcp", "notifications/cancelled without a usable requestId");
    return;
  }
  pthread_mutex_lock(&s->mu);
  mcp_call *c = inflight_find(s, rid);
  if (c) {
    atomic_store(&c->cancelled, true);
    pthread_cond_broadcast(&s->cv);
  }
  pthread_mutex_unlock(&s->mu);
  log_debug("mcp", "cancellation of a request %s", c ? "in flight" : "not in flight (ignored)");
}

static void handle_notification(mcp_session *s, json_t *msg) {
  const char *name = json_string_value(json_object_get(msg, "method"));
  json_t *params = json_object_get(msg, "params");
  if (strcmp(name, "notifications/cancelled") == 0) {
    handle_cancelled(s, params);
  } else if (strcmp(name, "notifications/initialized") == 0) {
    log_debug("mcp", "client initialized");
  } else {
    char safe[65];
    log_safe(safe, sizeof safe, name);
    log_debug("mcp", "notification %s ignored", safe);
  }
}

/* Takes the client's answer to a server->client request. MALFORMED (static)
 * says what is wrong with it, or is NULL for a well-formed answer. Never
 * answered: a reply would land in the id space of the client's own requests. */
static void handle_response(mcp_session *s, json_t *msg, json_t *id, const char *malformed) {
  if (!json_is_integer(id)) {
    log_debug("mcp", "%s response with an id this server never used: ignored",
              malformed ? "malformed" : "a");
    return;
  }
  json_int_t n = json_integer_value(id);
  pthread_mutex_lock(&s->mu);
  pending_ask *p = s->asks;
  while (p && p->id != n)
    p = p->next;
  if (p && !p->done) {
    if (malformed) {
      p->malformed = malformed;
    } else {
      p->result = json_incref(json_object_get(msg, "result"));
      p->error = json_incref(json_object_get(msg, "error"));
    }
    p->done = true;
    pthread_cond_broadcast(&s->cv);
  }
  pthread_mutex_unlock(&s->mu);
  if (!p)
    log_debug("mcp", "response to unknown request %" JSON_INTEGER_FORMAT " ignored", n);
  else if (malformed)
    log_warn("mcp", "malformed answer to request %" JSON_INTEGER_FORMAT ": %s", n, malformed);
}

/* Handles one message object (stolen). Exactly one session_emit follows for
 * it, now or when its handler finishes. */
static void handle_one(mcp_session *s, json_t *msg, void *tag, batch *b) {
  json_t *id;
  const char *why = NULL;
  if (!json_is_object(msg)) {
    emit_error(s, b, tag, NULL, MCP_INVALID_REQUEST, NULL,
               "Invalid Request: a message must be a JSON object");
    json_decref(msg);
    return;
  }
  switch (jsonrpc_classify(msg, &id, &why)) {
  case JRPC_REQUEST:
    dispatch_request(s, msg, id, tag, b);
    return;
  case JRPC_NOTIFICATION:
    handle_notification(s, msg);
    session_emit(s, b, tag, NULL);
    break;
  case JRPC_RESPONSE:
    handle_response(s, msg, id, NULL);
    session_emit(s, b, tag, NULL);
    break;
  case JRPC_BAD_RESPONSE:
    handle_response(s, msg, id, why);
    session_emit(s, b, tag, NULL);
    break;
  case JRPC_INVALID:
    emit_error(s, b, tag, id, MCP_INVALID_REQUEST, NULL, "Invalid Request: %s", why);
    break;
  }
  json_decref(msg);
}

static void handle_batch(mcp_session *s, json_t *arr, void *tag) {
  pthread_mutex_lock(&s->mu);
  bool allowed = s->initialized && strcmp(s->version, "2025-03-26") == 0;
  pthread_mutex_unlock(&s->mu);
  if (json_array_size(arr) == 0) {
    emit_error(s, NULL, tag, NULL, MCP_INVALID_REQUEST, NULL, "Invalid Request: empty batch");
    goto cleanup;
  }
  if (!allowed) {
    emit_error(s, NULL, tag, NULL, MCP_INVALID_REQUEST, NULL,
               "Invalid Request: JSON-RPC batches are not supported in this session (only "
               "protocol 2025-03-26 allows them)");
    goto cleanup;
  }
  batch *b = calloc(1, sizeof *b);
  if (!b)
    goto cleanup;
  b->replies = json_array();
  b->tag = tag;
  b->pending = 1; /* held while dispatching */
  size_t i;
  json_t *member;
  /* The analyzer sees handle_one free B (through session_emit); it cannot,
   * while the dispatch hold keeps b->pending above zero. */
  json_array_foreach(arr, i, member) {
    pthread_mutex_lock(&s->mu);
    b->pending++; // NOLINT(clang-analyzer-unix.Malloc): held, see above
    pthread_mutex_unlock(&s->mu);
    handle_one(s, json_incref(member), tag, b);
  }
  session_emit(s, b, tag, NULL); // NOLINT(clang-analyzer-unix.Malloc): held, see above
cleanup:
  json_decref(arr);
}

/* Frees the calls the workers finished. */
static void session_collect(mcp_session *s) {
  mcp_call *c = atomic_exchange(&s->garbage, NULL);
  while (c) {
    mcp_call *next = c->next_job;
    call_free(c);
    c = next;
  }
}

void mcp_session_handle(mcp_session *s, const char *msg, size_t len, void *tag) {
  if (atomic_load_explicit(&s->garbage, memory_order_relaxed))
    session_collect(s);
  int code = 0;
  char err[256];
  json_t *doc = jsonrpc_parse(msg, len, s->srv->max_depth, &code, err, sizeof err);
  if (!doc) {
    session_send(s, jsonrpc_error(NULL, code, err, NULL), tag);
    return;
  }
  if (json_is_array(doc))
    handle_batch(s, doc, tag);
  else
    handle_one(s, doc, tag, NULL);
}

void mcp_session_handle_inline(mcp_session *s, const char *msg, size_t len, void *tag) {
  inline_here = true;
  mcp_session_handle(s, msg, len, tag);
  inline_here = false;
}

void mcp_session_reject(mcp_session *s, int code, const char *message, void *tag) {
  session_send(s, jsonrpc_error(NULL, code, message, NULL), tag);
}

/* ---- inside a handler -------------------------------------------------------------- */

void *mcp_call_userdata(const mcp_call *call) {
  return call->s->srv->userdata;
}

mcp_server *mcp_call_server(const mcp_call *call) {
  return call->s->srv;
}

mcp_era mcp_call_era(const mcp_call *call) {
  return call->era;
}

const char *mcp_call_protocol_version(const mcp_call *call) {
  return call->version;
}

bool mcp_call_cancelled(const mcp_call *call) {
  return atomic_load(&((mcp_call *)call)->cancelled);
}

bool mcp_call_client_has(const mcp_call *call, const char *capability) {
  json_t *node = call->client_caps;
  char part[64];
  const char *p = capability;
  while (*p) {
    size_t n = strcspn(p, ".");
    if (n >= sizeof part)
      return false;
    memcpy(part, p, n);
    part[n] = '\0';
    if (!json_is_object(node))
      return false;
    json_t *next = json_object_get(node, part);
    if (!next)
      /* "elicitation": {} declares the base form of a feature */
      return node != call->client_caps && json_object_size(node) == 0 && strcmp(part, "form") == 0;
    node = next;
    p += n;
    if (*p == '.')
      p++;
  }
  return node != NULL && !json_is_false(node);
}

/* A JSON number for X: an integer when X is integral (1, not 1.0). */
static json_t *json_number(double x) {
  if (x == (double)(json_int_t)x && x > -9e15 && x < 9e15)
    return json_integer((json_int_t)x);
  return json_real(x);
}

void mcp_call_progress(mcp_call *call, double progress, double total, const char *message) {
  if (!call->progress_token || atomic_load(&call->cancelled))
    return;
  if (call->progressed && progress <= call->last_progress)
    return;
  call->progressed = true;
  call->last_progress = progress;
  json_t *params = json_object();
  json_object_set(params, "progressToken", call->progress_token);
  json_object_set_new(params, "progress", json_number(progress));
  if (total >= 0)
    json_object_set_new(params, "total", json_number(total));
  if (message)
    json_object_set_new(params, "message", jsonrpc_string(message));
  session_send(call->s, jsonrpc_notification("notifications/progress", params), call->tag);
}

void mcp_call_log(mcp_call *call, mcp_log_level level, const char *logger, json_t *data) {
  int threshold;
  if (call->era == MCP_ERA_MODERN) {
    threshold = call->log_level;
  } else {
    pthread_mutex_lock(&call->s->mu);
    threshold = call->s->log_level;
    pthread_mutex_unlock(&call->s->mu);
  }
  if (threshold == MCP_LOG_NONE || (int)level < threshold || !data) {
    json_decref(data);
    return;
  }
  json_t *params = json_object();
  json_object_set_new(params, "level", json_string(log_level_name((int)level)));
  if (logger)
    json_object_set_new(params, "logger", jsonrpc_string(logger));
  json_object_set_new(params, "data", data);
  session_send(call->s, jsonrpc_notification("notifications/message", params), call->tag);
}

json_t *call_fail_data(mcp_call *call, int code, json_t *data, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  free(call->err_msg);
  json_decref(call->err_data);
  call->err_code = code;
  call->err_msg = strdup(text);
  call->err_data = data;
  return NULL;
}

json_t *mcp_call_fail(mcp_call *call, int code, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  return call_fail_data(call, code, NULL, "%s", text);
}

/* The client capability a server->client request needs. */
static const char *ask_capability(const char *method) {
  static const struct {
    const char *method, *capability;
  } table[] = {{"sampling/createMessage", "sampling"},
               {"elicitation/create", "elicitation"},
               {"roots/list", "roots"}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].method, method) == 0)
      return table[i].capability;
  return NULL;
}

const char *mcp_call_request_state(const mcp_call *call) {
  if (call->era != MCP_ERA_MODERN)
    return NULL;
  return json_string_value(json_object_get(call->params, "requestState"));
}

void mcp_call_set_request_state(mcp_call *call, const char *state) {
  if (call->era != MCP_ERA_MODERN)
    return;
  free(call->request_state);
  call->request_state = state ? strdup(state) : NULL;
}

static json_t *ask_modern(mcp_call *call, const char *key, const char *method, json_t *params,
                          const char *cap) {
  json_t *answer = json_object_get(call->input_responses, key);
  if (answer) {
    json_decref(params);
    return json_incref(answer);
  }
  if (!mcp_call_client_has(call, cap)) {
    json_decref(params);
    json_t *data = json_pack("{s:{s:{}}}", "requiredCapabilities", cap);
    return call_fail_data(call, MCP_MISSING_CAPABILITY, data,
                          "Missing required client capability: %s", cap);
  }
  if (!call->input_requests)
    call->input_requests = json_object();
  json_t *req = json_object();
  json_object_set_new(req, "method", json_string(method));
  json_object_set_new(req, "params", params ? params : json_object());
  json_object_set_new(call->input_requests, key, req);
  return NULL;
}

/* Records why an ask failed and returns NULL. A tool whose handler then
 * returns NULL answers with this text as a tool error; other methods answer
 * -32603 with it. The client's own error code never becomes the code of the
 * reply: the client's requests and the server's asks are separate. */
static json_t *ask_fail(mcp_call *call, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *ask_fail(mcp_call *call, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  free(call->ask_failure);
  call->ask_failure = strdup(text);
  return NULL;
}

static void send_cancel_for_ask(mcp_call *call, json_int_t ask_id, const char *reason) {
  json_t *params = json_pack("{s:I,s:s}", "requestId", ask_id, "reason", reason);
  session_send(call->s, jsonrpc_notification("notifications/cancelled", params), call->tag);
}

json_t *mcp_call_ask(mcp_call *call, const char *key, const char *method, json_t *params) {
  const char *cap = ask_capability(method);
  if (!cap) {
    json_decref(params);
    return call_fail_data(call, MCP_INTERNAL_ERROR, NULL,
                          "Internal error: cannot ask the client %s", method);
  }
  if (call->era == MCP_ERA_MODERN)
    return ask_modern(call, key, method, params, cap);
  if (!mcp_call_client_has(call, cap)) {
    json_decref(params);
    return call_fail_data(call, MCP_INVALID_REQUEST, NULL,
                          "Invalid Request: the client did not declare the %s capability", cap);
  }
  mcp_session *s = call->s;
  pending_ask *p = calloc(1, sizeof *p);
  if (!p) {
    json_decref(params);
    return call_fail_data(call, MCP_INTERNAL_ERROR, NULL, "Internal error: out of memory");
  }
  pthread_mutex_lock(&s->mu);
  if (s->input_closed) {
    pthread_mutex_unlock(&s->mu);
    free(p);
    json_decref(params);
    return ask_fail(call, "The client can no longer answer %s: its input has ended", method);
  }
  p->id = ++s->next_ask_id;
  p->next = s->asks;
  s->asks = p;
  pthread_mutex_unlock(&s->mu);

  json_t *req = json_object();
  json_object_set_new(req, "jsonrpc", json_string("2.0"));
  json_object_set_new(req, "id", json_integer(p->id));
  json_object_set_new(req, "method", json_string(method));
  json_object_set_new(req, "params", params ? params : json_object());
  session_send(s, req, call->tag);

  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += MCP_ASK_TIMEOUT_MS / 1000;
  bool timed_out = false;
  pthread_mutex_lock(&s->mu);
  while (!p->done && !atomic_load(&call->cancelled) && !s->input_closed && !timed_out)
    timed_out = pthread_cond_timedwait(&s->cv, &s->mu, &deadline) == ETIMEDOUT;
  pending_ask **pp = &s->asks;
  while (*pp != p)
    pp = &(*pp)->next;
  *pp = p->next;
  pthread_mutex_unlock(&s->mu);

  json_int_t ask_id = p->id;
  json_t *result = p->result, *error = p->error;
  const char *malformed = p->malformed;
  bool done = p->done;
  free(p);
  if (done && !malformed && json_is_object(result)) {
    json_decref(error);
    return result;
  }
  if (done && !malformed && result)
    malformed = "result must be an object";
  json_decref(result);
  if (done && malformed) {
    json_decref(error);
    return ask_fail(call, "The client's answer to %s was malformed (%s)", method, malformed);
  }
  if (done) {
    const char *msg = json_string_value(json_object_get(error, "message"));
    ask_fail(call, "The client refused %s: %.300s (client error code %" JSON_INTEGER_FORMAT ")",
             method, msg ? msg : "no message", json_integer_value(json_object_get(error, "code")));
    json_decref(error);
    return NULL;
  }
  if (atomic_load(&call->cancelled)) {
    send_cancel_for_ask(call, ask_id, "the request that asked was cancelled");
    return call_fail_data(call, MCP_REQUEST_CANCELLED, NULL, "Request cancelled");
  }
  if (timed_out) {
    send_cancel_for_ask(call, ask_id, "timed out");
    return ask_fail(call, "The client did not answer %s within %d s", method,
                    MCP_ASK_TIMEOUT_MS / 1000);
  }
  return ask_fail(call, "The session closed before the client answered %s", method);
}
