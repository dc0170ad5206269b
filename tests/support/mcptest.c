/* mcptest.c - a collecting session for the MCP core's unit tests. */
#include "mcptest.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_SECONDS 10

static void mcptest_send(void *ctx, void *tag, const char *msg, size_t len) {
  (void)tag;
  mcptest *t = ctx;
  json_t *doc = json_loadb(msg, len, 0, NULL);
  if (!doc) /* the core sent something that is not JSON: keep it visible */
    doc = json_stringn_nocheck(msg, len);
  pthread_mutex_lock(&t->mu);
  json_array_append_new(t->msgs, doc);
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
}

void mcptest_start(mcptest *t, mcp_server *srv) {
  memset(t, 0, sizeof *t);
  t->srv = srv;
  t->msgs = json_array();
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->cv, NULL);
  t->s = mcp_session_new(srv, mcptest_send, t);
}

void mcptest_stop(mcptest *t) {
  mcp_session_free(t->s);
  json_decref(t->msgs);
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->cv);
}

void mcptest_feed(mcptest *t, const char *frame) {
  mcp_session_handle(t->s, frame, strlen(frame), NULL);
}

void mcptest_feedf(mcptest *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_t *msg = json_vpack_ex(NULL, 0, fmt, ap);
  va_end(ap);
  char *text = json_dumps(msg, JSON_COMPACT);
  if (text)
    mcptest_feed(t, text);
  free(text);
  json_decref(msg);
}

static void deadline_in(struct timespec *ts, int seconds) {
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_sec += seconds;
}

static json_t *find_reply(mcptest *t, json_int_t id, bool result_only) {
  struct timespec deadline;
  deadline_in(&deadline, WAIT_SECONDS);
  json_t *found = NULL;
  pthread_mutex_lock(&t->mu);
  for (;;) {
    size_t i;
    json_t *m;
    json_array_foreach(t->msgs, i, m) {
      json_t *mid = json_object_get(m, "id");
      if (json_is_integer(mid) && json_integer_value(mid) == id &&
          (json_object_get(m, "result") || (!result_only && json_object_get(m, "error")))) {
        found = json_incref(m);
        break;
      }
    }
    if (found || pthread_cond_timedwait(&t->cv, &t->mu, &deadline) != 0)
      break;
  }
  pthread_mutex_unlock(&t->mu);
  return found;
}

json_t *mcptest_reply(mcptest *t, json_int_t id) {
  return find_reply(t, id, false);
}

json_t *mcptest_result(mcptest *t, json_int_t id) {
  return find_reply(t, id, true);
}

size_t mcptest_wait_count(mcptest *t, size_t n) {
  struct timespec deadline;
  deadline_in(&deadline, WAIT_SECONDS);
  pthread_mutex_lock(&t->mu);
  while (json_array_size(t->msgs) < n)
    if (pthread_cond_timedwait(&t->cv, &t->mu, &deadline) != 0)
      break;
  size_t count = json_array_size(t->msgs);
  pthread_mutex_unlock(&t->mu);
  return count;
}

size_t mcptest_count(mcptest *t) {
  pthread_mutex_lock(&t->mu);
  size_t count = json_array_size(t->msgs);
  pthread_mutex_unlock(&t->mu);
  return count;
}

json_t *mcptest_msg(mcptest *t, size_t i) {
  pthread_mutex_lock(&t->mu);
  json_t *m = json_incref(json_array_get(t->msgs, i));
  pthread_mutex_unlock(&t->mu);
  return m;
}

json_t *mcptest_find_method(mcptest *t, const char *method) {
  json_t *found = NULL;
  pthread_mutex_lock(&t->mu);
  size_t i;
  json_t *m;
  json_array_foreach(t->msgs, i, m) {
    const char *name = json_string_value(json_object_get(m, "method"));
    if (name && strcmp(name, method) == 0) {
      found = json_incref(m);
      break;
    }
  }
  pthread_mutex_unlock(&t->mu);
  return found;
}

json_t *mcptest_initialize(mcptest *t, const char *version, json_t *caps) {
  mcptest_feedf(t, "{s:s,s:i,s:s,s:{s:s,s:o,s:{s:s,s:s}}}", "jsonrpc", "2.0", "id", 9000, "method",
                "initialize", "params", "protocolVersion", version, "capabilities",
                caps ? caps : json_object(), "clientInfo", "name", "unit", "version", "1");
  json_t *reply = mcptest_reply(t, 9000);
  mcptest_feed(t, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  json_t *result = json_incref(json_object_get(reply, "result"));
  json_decref(reply);
  return result;
}

json_t *mcptest_modern_meta(json_t *caps) {
  return json_pack("{s:s,s:o}", "io.modelcontextprotocol/protocolVersion", "2026-07-28",
                   "io.modelcontextprotocol/clientCapabilities", caps ? caps : json_object());
}

int mcptest_error_code(json_t *reply) {
  json_t *err = json_object_get(reply, "error");
  return err ? (int)json_integer_value(json_object_get(err, "code")) : 0;
}
