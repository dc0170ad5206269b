/* test_subscribe.c - the MCP core's additions for the HTTP transport:
 * resource subscriptions (resources/subscribe, subscriptions/listen,
 * mcp_server_notify_resource_updated), requestState, and requests run on
 * the caller's thread (mcp_session_handle_inline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../support/mcptest.h"
#include "mcp/mcp.h"

static pthread_t tool_thread;

static json_t *tool_where(mcp_call *call, json_t *args) {
  (void)call;
  (void)args;
  tool_thread = pthread_self();
  return mcp_tool_text("here");
}

/* Asks once; the requestState carries "round-1", and the second round says
 * what it got back. */
static json_t *tool_stateful(mcp_call *call, json_t *args) {
  (void)args;
  const char *echoed = mcp_call_request_state(call);
  mcp_call_set_request_state(call, "round-1");
  json_t *answer = mcp_call_ask(
      call, "name", "elicitation/create",
      json_pack("{s:s,s:{s:s}}", "message", "Name?", "requestedSchema", "type", "object"));
  if (!answer)
    return NULL;
  json_decref(answer);
  return mcp_tool_text("state was %s", echoed ? echoed : "(none)");
}

static json_t *tool_touch(mcp_call *call, json_t *args) {
  const char *uri = json_string_value(json_object_get(args, "uri"));
  mcp_server_notify_resource_updated(mcp_call_server(call), uri);
  return mcp_tool_text("touched");
}

static json_t *read_doc(mcp_call *call, const char *uri, json_t *vars) {
  (void)call;
  (void)vars;
  return json_pack("[{s:s,s:s}]", "uri", uri, "text", "doc");
}

static const mcp_tool tools[] = {
    {.name = "where", .fn = tool_where},
    {.name = "stateful", .fn = tool_stateful},
    {.name = "touch",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"uri\":{\"type\":\"string\"}}}",
     .fn = tool_touch},
};
static const mcp_resource resources[] = {{.uri = "test://doc", .name = "doc", .read = read_doc}};

typedef struct fixture {
  mcp_server *srv;
  mcptest a, b;
} fixture;

static int setup(void **state) {
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  fixture *f = calloc(1, sizeof *f);
  f->srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(f->srv, tools, 3), 0);
  assert_int_equal(mcp_server_add_resources(f->srv, resources, 1), 0);
  mcptest_start(&f->a, f->srv);
  mcptest_start(&f->b, f->srv);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  mcptest_stop(&f->a);
  mcptest_stop(&f->b);
  mcp_server_free(f->srv);
  free(f);
  return 0;
}

static json_t *rpc(mcptest *t, json_int_t id, const char *method, json_t *params) {
  mcptest_feedf(t, "{s:s,s:I,s:s,s:o}", "jsonrpc", "2.0", "id", id, "method", method, "params",
                params ? params : json_object());
  return mcptest_reply(t, id);
}

/* The URIs of every notifications/resources/updated T got, in order, as
 * "uri uri ..." in OUT. */
static void updates_of(mcptest *t, char *out, size_t outlen) {
  out[0] = '\0';
  for (size_t i = 0; i < mcptest_count(t); i++) {
    json_t *m = mcptest_msg(t, i);
    const char *method = json_string_value(json_object_get(m, "method"));
    if (method && strcmp(method, "notifications/resources/updated") == 0) {
      const char *uri = json_string_value(json_object_get(json_object_get(m, "params"), "uri"));
      size_t n = strlen(out);
      snprintf(out + n, outlen - n, "%s%s", n ? " " : "", uri ? uri : "?");
    }
    json_decref(m);
  }
}

static void legacy_subscribe_and_notify(void **state) {
  fixture *f = *state;
  json_decref(mcptest_initialize(&f->a, "2025-11-25", NULL));
  json_decref(mcptest_initialize(&f->b, "2025-11-25", NULL));
  json_decref(rpc(&f->a, 2, "resources/subscribe", json_pack("{s:s}", "uri", "test://doc")));
  json_decref(rpc(&f->a, 3, "resources/subscribe", json_pack("{s:s}", "uri", "test://other")));
  json_decref(rpc(&f->b, 2, "resources/subscribe", json_pack("{s:s}", "uri", "test://other")));
  json_decref(rpc(&f->a, 4, "resources/unsubscribe", json_pack("{s:s}", "uri", "test://other")));
  mcp_server_notify_resource_updated(f->srv, "test://doc");
  mcp_server_notify_resource_updated(f->srv, "test://other");
  mcp_server_notify_resource_updated(f->srv, "test://nobody");
  /* from a handler too: the message of no request comes before the reply */
  json_t *r = rpc(&f->a, 5, "tools/call",
                  json_pack("{s:s,s:{s:s}}", "name", "touch", "arguments", "uri", "test://doc"));
  assert_int_equal(mcptest_error_code(r), 0);
  json_decref(r);
  char a[256], b[256];
  updates_of(&f->a, a, sizeof a);
  updates_of(&f->b, b, sizeof b);
  assert_string_equal(a, "test://doc test://doc");
  assert_string_equal(b, "test://other");
}

static void listen_acknowledges_then_delivers(void **state) {
  fixture *f = *state;
  json_t *meta = mcptest_modern_meta(NULL);
  mcptest_feedf(&f->a, "{s:s,s:s,s:s,s:{s:{s:[s]},s:o}}", "jsonrpc", "2.0", "id", "sub-1", "method",
                "subscriptions/listen", "params", "notifications", "resourceSubscriptions",
                "test://doc", "_meta", meta);
  assert_int_equal(mcptest_wait_count(&f->a, 1), 1);
  json_t *ack = mcptest_msg(&f->a, 0);
  assert_string_equal(json_string_value(json_object_get(ack, "method")),
                      "notifications/subscriptions/acknowledged");
  json_t *params = json_object_get(ack, "params");
  assert_string_equal(json_string_value(json_object_get(json_object_get(params, "_meta"),
                                                        "io.modelcontextprotocol/subscriptionId")),
                      "sub-1");
  json_decref(ack);
  mcp_server_notify_resource_updated(f->srv, "test://elsewhere");
  mcp_server_notify_resource_updated(f->srv, "test://doc");
  assert_int_equal(mcptest_wait_count(&f->a, 2), 2);
  json_t *up = mcptest_msg(&f->a, 1);
  params = json_object_get(up, "params");
  assert_string_equal(json_string_value(json_object_get(params, "uri")), "test://doc");
  assert_string_equal(json_string_value(json_object_get(json_object_get(params, "_meta"),
                                                        "io.modelcontextprotocol/subscriptionId")),
                      "sub-1");
  json_decref(up);
  assert_int_equal(mcptest_count(&f->a), 2); /* the listen request gets no reply */
  /* one listen stream a session; a filter is required */
  json_t *dup = rpc(&f->a, 7, "subscriptions/listen",
                    json_pack("{s:{},s:o}", "notifications", "_meta", mcptest_modern_meta(NULL)));
  assert_int_equal(mcptest_error_code(dup), -32600);
  json_decref(dup);
  json_t *bad =
      rpc(&f->b, 8, "subscriptions/listen", json_pack("{s:o}", "_meta", mcptest_modern_meta(NULL)));
  assert_int_equal(mcptest_error_code(bad), -32602);
  json_decref(bad);
}

static void request_state_round_trip(void **state) {
  fixture *f = *state;
  json_t *caps = json_pack("{s:{}}", "elicitation");
  json_t *r = rpc(
      &f->a, 1, "tools/call",
      json_pack("{s:s,s:o}", "name", "stateful", "_meta", mcptest_modern_meta(json_incref(caps))));
  json_t *res = json_object_get(r, "result");
  assert_string_equal(json_string_value(json_object_get(res, "resultType")), "input_required");
  assert_string_equal(json_string_value(json_object_get(res, "requestState")), "round-1");
  json_decref(r);
  r = rpc(&f->a, 2, "tools/call",
          json_pack("{s:s,s:s,s:{s:{s:s}},s:o}", "name", "stateful", "requestState", "round-1",
                    "inputResponses", "name", "action", "decline", "_meta",
                    mcptest_modern_meta(caps)));
  res = json_object_get(r, "result");
  assert_string_equal(json_string_value(json_object_get(res, "resultType")), "complete");
  json_t *content = json_object_get(res, "content");
  assert_string_equal(json_string_value(json_object_get(json_array_get(content, 0), "text")),
                      "state was round-1");
  assert_null(json_object_get(res, "requestState"));
  json_decref(r);
}

static void inline_runs_on_the_caller(void **state) {
  fixture *f = *state;
  json_decref(mcptest_initialize(&f->a, "2025-11-25", NULL));
  size_t before = mcptest_count(&f->a);
  tool_thread = 0;
  const char *frame =
      "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"where\"}}";
  mcp_session_handle_inline(f->a.s, frame, strlen(frame), NULL);
  /* the reply is out when the call returns, and the tool ran right here */
  assert_int_equal(mcptest_count(&f->a), before + 1);
  assert_true(pthread_equal(tool_thread, pthread_self()));
  json_t *r = mcptest_reply(&f->a, 9);
  assert_int_equal(mcptest_error_code(r), 0);
  json_decref(r);
  /* and mcp_session_handle still hands tools to the workers */
  tool_thread = pthread_self();
  mcptest_feed(
      &f->a,
      "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"where\"}}");
  json_decref(mcptest_reply(&f->a, 10));
  assert_false(pthread_equal(tool_thread, pthread_self()));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(legacy_subscribe_and_notify, setup, teardown),
      cmocka_unit_test_setup_teardown(listen_acknowledges_then_delivers, setup, teardown),
      cmocka_unit_test_setup_teardown(request_state_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(inline_runs_on_the_caller, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
