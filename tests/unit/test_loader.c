/* test_loader.c - tools registered on demand (mcp_server_set_tools_loader):
 * the loader runs at the first request that needs the tools, in either era,
 * once however many threads ask at the same time, and a loader that fails
 * leaves a clear error and a server that keeps serving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "mcp/mcp.h"
#include "../support/mcptest.h"

static atomic_int loads;
static atomic_bool loader_fails;

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  return mcp_tool_text("%s", json_string_value(json_object_get(args, "text")));
}

static const mcp_tool tools[] = {
    {.name = "echo",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
                     "\"required\":[\"text\"]}",
     .fn = tool_echo},
};

static int load_tools(mcp_server *srv, void *ctx) {
  if (ctx != &loads) /* no cmocka assertion: this runs on the core's threads */
    return -1;
  atomic_fetch_add(&loads, 1);
  /* long enough for the other threads of the concurrent test to pile up */
  struct timespec ts = {0, 20 * 1000000};
  nanosleep(&ts, NULL);
  if (atomic_load(&loader_fails))
    return -1;
  return mcp_server_add_tools(srv, tools, 1);
}

static mcp_server *new_server(bool fails) {
  atomic_store(&loads, 0);
  atomic_store(&loader_fails, fails);
  mcp_server_config cfg = {.name = "unit", .version = "1.0"};
  mcp_server *srv = mcp_server_new(&cfg);
  assert_non_null(srv);
  mcp_server_set_tools_loader(srv, load_tools, &loads);
  return srv;
}

static const char *reply_text(json_t *reply) {
  return json_string_value(json_object_get(
      json_array_get(json_object_get(json_object_get(reply, "result"), "content"), 0), "text"));
}

static void loaded_at_the_first_tools_call(void **state) {
  (void)state;
  /* legacy era: initialize offers tools without loading them; tools/call
   * before any tools/list works */
  mcp_server *srv = new_server(false);
  mcptest t;
  mcptest_start(&t, srv);
  json_t *init = mcptest_initialize(&t, "2025-11-25", NULL);
  assert_non_null(json_object_get(json_object_get(init, "capabilities"), "tools"));
  json_decref(init);
  mcptest_feedf(&t, "{s:s,s:i,s:s}", "jsonrpc", "2.0", "id", 2, "method", "ping");
  json_decref(mcptest_result(&t, 2));
  assert_int_equal(atomic_load(&loads), 0);
  mcptest_feedf(&t, "{s:s,s:i,s:s,s:{s:s,s:{s:s}}}", "jsonrpc", "2.0", "id", 3, "method",
                "tools/call", "params", "name", "echo", "arguments", "text", "first");
  json_t *r = mcptest_result(&t, 3);
  assert_string_equal(reply_text(r), "first");
  json_decref(r);
  mcptest_feedf(&t, "{s:s,s:i,s:s}", "jsonrpc", "2.0", "id", 4, "method", "tools/list");
  r = mcptest_result(&t, 4);
  assert_int_equal(json_array_size(json_object_get(json_object_get(r, "result"), "tools")), 1);
  json_decref(r);
  assert_int_equal(atomic_load(&loads), 1);
  mcptest_stop(&t);
  mcp_server_free(srv);

  /* 2026-07-28: server/discover offers tools; the first request is tools/call */
  srv = new_server(false);
  mcptest_start(&t, srv);
  mcptest_feedf(&t, "{s:s,s:i,s:s,s:{s:o}}", "jsonrpc", "2.0", "id", 1, "method", "server/discover",
                "params", "_meta", mcptest_modern_meta(NULL));
  r = mcptest_result(&t, 1);
  assert_non_null(
      json_object_get(json_object_get(json_object_get(r, "result"), "capabilities"), "tools"));
  json_decref(r);
  assert_int_equal(atomic_load(&loads), 0);
  mcptest_feedf(&t, "{s:s,s:i,s:s,s:{s:s,s:{s:s},s:o}}", "jsonrpc", "2.0", "id", 2, "method",
                "tools/call", "params", "name", "echo", "arguments", "text", "modern", "_meta",
                mcptest_modern_meta(NULL));
  r = mcptest_result(&t, 2);
  assert_string_equal(reply_text(r), "modern");
  json_decref(r);
  assert_int_equal(atomic_load(&loads), 1);
  mcptest_stop(&t);
  mcp_server_free(srv);
}

static void *ask_schema(void *arg) {
  return mcp_server_tool_input_schema(arg, "echo");
}

static void loaded_once_when_threads_race(void **state) {
  (void)state;
  mcp_server *srv = new_server(false);
  pthread_t threads[8];
  for (size_t i = 0; i < 8; i++)
    assert_int_equal(pthread_create(&threads[i], NULL, ask_schema, srv), 0);
  for (size_t i = 0; i < 8; i++) {
    void *schema = NULL;
    pthread_join(threads[i], &schema);
    assert_non_null(schema); /* every thread saw the registered tool */
  }
  assert_int_equal(atomic_load(&loads), 1);
  assert_int_equal(mcp_server_check_tools(srv), 0);
  assert_int_equal(atomic_load(&loads), 1);
  mcp_server_free(srv);
}

static void failed_load_is_a_clear_error(void **state) {
  (void)state;
  mcp_server *srv = new_server(true);
  mcptest t;
  mcptest_start(&t, srv);
  json_decref(mcptest_initialize(&t, "2025-11-25", NULL));
  mcptest_feedf(&t, "{s:s,s:i,s:s,s:{s:s,s:{s:s}}}", "jsonrpc", "2.0", "id", 2, "method",
                "tools/call", "params", "name", "echo", "arguments", "text", "x");
  json_t *r = mcptest_reply(&t, 2);
  assert_int_equal(mcptest_error_code(r), MCP_INTERNAL_ERROR);
  assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r, "error"), "message")),
                         "tools could not be loaded"));
  json_decref(r);
  mcptest_feedf(&t, "{s:s,s:i,s:s}", "jsonrpc", "2.0", "id", 3, "method", "tools/list");
  r = mcptest_reply(&t, 3);
  assert_int_equal(mcptest_error_code(r), MCP_INTERNAL_ERROR);
  json_decref(r);
  mcptest_feedf(&t, "{s:s,s:i,s:s}", "jsonrpc", "2.0", "id", 4, "method", "ping");
  json_decref(mcptest_result(&t, 4)); /* still serving */
  assert_null(mcp_server_tool_input_schema(srv, "echo"));
  assert_int_equal(mcp_server_check_tools(srv), -1);
  assert_int_equal(atomic_load(&loads), 1); /* tried once */
  mcptest_stop(&t);
  mcp_server_free(srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(loaded_at_the_first_tools_call),
      cmocka_unit_test(loaded_once_when_threads_race),
      cmocka_unit_test(failed_load_is_a_clear_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
