/* mcptest.h - test support for the MCP core: a session whose send callback
 * collects every message, so unit tests drive the core without a transport. */
#ifndef TESTS_SUPPORT_MCPTEST_H
#define TESTS_SUPPORT_MCPTEST_H

#include "mcp/mcp.h"

#include <jansson.h>
#include <pthread.h>

typedef struct mcptest {
  mcp_server *srv;
  mcp_session *s;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  json_t *msgs; /* every message sent, parsed, in order */
} mcptest;

/* Starts a session on SRV (borrowed; must outlive the test). */
void mcptest_start(mcptest *t, mcp_server *srv);

/* Frees the session (cancelling what is in flight) and the messages. */
void mcptest_stop(mcptest *t);

/* Feeds one frame (a NUL-terminated JSON text). */
void mcptest_feed(mcptest *t, const char *frame);

/* Feeds a frame built with json_pack-style FMT (jansson's json_vpack). */
void mcptest_feedf(mcptest *t, const char *fmt, ...);

/* Waits up to 10 s for the reply (result or error) whose id is ID; returns a
 * new reference, or NULL when none came. */
json_t *mcptest_reply(mcptest *t, json_int_t id);

/* Like mcptest_reply, but only a successful reply (with "result") counts. */
json_t *mcptest_result(mcptest *t, json_int_t id);

/* Waits up to 10 s until at least N messages have been sent; returns the
 * count seen. */
size_t mcptest_wait_count(mcptest *t, size_t n);

/* The number of messages sent so far. */
size_t mcptest_count(mcptest *t);

/* Returns a new reference to message I (0-based), or NULL. */
json_t *mcptest_msg(mcptest *t, size_t i);

/* Returns a new reference to the first message whose method is METHOD, or NULL. */
json_t *mcptest_find_method(mcptest *t, const char *method);

/* Sends initialize at VERSION with CAPS (stolen, may be NULL) and returns its
 * result (new reference), then sends notifications/initialized. */
json_t *mcptest_initialize(mcptest *t, const char *version, json_t *caps);

/* The modern-era _meta for a request: version 2026-07-28 and CAPS (stolen,
 * NULL = {}). New reference. */
json_t *mcptest_modern_meta(json_t *caps);

/* The error code of a reply, or 0 when it is a result. */
int mcptest_error_code(json_t *reply);

#endif
