/* test_jsonrpc.c - the JSON-RPC layer of the MCP core: framing errors,
 * invalid requests, notifications, responses, batches, the legacy lifecycle,
 * duplicate ids, cancellation and the bounded queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcp/jsonrpc.h"
#include "mcp/mcp.h"
#include "../support/mcptest.h"

static atomic_bool release_block;
static atomic_int block_saw_cancel;
static atomic_int block_started;

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  return mcp_tool_text("%s", json_string_value(json_object_get(args, "text")));
}

/* Runs until the test releases it or the client cancels it. */
static json_t *tool_block(mcp_call *call, json_t *args) {
  (void)args;
  atomic_fetch_add(&block_started, 1);
  while (!atomic_load(&release_block)) {
    if (mcp_call_cancelled(call)) {
      atomic_fetch_add(&block_saw_cancel, 1);
      return mcp_tool_text("cancelled");
    }
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  return mcp_tool_text("released");
}

static const mcp_tool tools[] = {
    {.name = "echo",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
                     "\"required\":[\"text\"]}",
     .fn = tool_echo},
    {.name = "block", .fn = tool_block},
};

typedef struct fixture {
  mcp_server *srv;
  mcptest t;
} fixture;

static int setup_with_limit(void **state, size_t queue_limit) {
  fixture *f = calloc(1, sizeof *f);
  mcp_server_config cfg = {.name = "unit", .version = "1.0", .queue_limit = queue_limit};
  f->srv = mcp_server_new(&cfg);
  assert_non_null(f->srv);
  assert_int_equal(mcp_server_add_tools(f->srv, tools, 2), 0);
  mcptest_start(&f->t, f->srv);
  atomic_store(&release_block, false);
  atomic_store(&block_saw_cancel, 0);
  atomic_store(&block_started, 0);
  *state = f;
  return 0;
}

static int setup(void **state) {
  return setup_with_limit(state, 0);
}

static int setup_small_queue(void **state) {
  return setup_with_limit(state, 1);
}

static int teardown(void **state) {
  fixture *f = *state;
  atomic_store(&release_block, true);
  mcptest_stop(&f->t);
  mcp_server_free(f->srv);
  free(f);
  return 0;
}

/* Feeds FRAME and returns the one message it caused (new reference). */
static json_t *one_reply(mcptest *t, const char *frame) {
  size_t before = mcptest_count(t);
  mcptest_feed(t, frame);
  assert_true(mcptest_wait_count(t, before + 1) >= before + 1);
  return mcptest_msg(t, before);
}

/* Asserts REPLY is an error with CODE and an id equal to ID (-1: null). */
static void assert_error(json_t *reply, int code, json_int_t id) {
  assert_non_null(reply);
  assert_int_equal(mcptest_error_code(reply), code);
  json_t *rid = json_object_get(reply, "id");
  if (id < 0)
    assert_true(json_is_null(rid));
  else
    assert_int_equal(json_integer_value(rid), id);
  assert_non_null(json_string_value(json_object_get(json_object_get(reply, "error"), "message")));
  json_decref(reply);
}

static void ping_works(mcptest *t, json_int_t id) {
  mcptest_feedf(t, "{s:s,s:I,s:s}", "jsonrpc", "2.0", "id", id, "method", "ping");
  json_t *r = mcptest_reply(t, id);
  assert_non_null(r);
  assert_true(json_is_object(json_object_get(r, "result")));
  json_decref(r);
}

/* ---- helpers on their own -------------------------------------------------- */

static void depth_scan(void **state) {
  (void)state;
  assert_int_equal(jsonrpc_depth("{}", 2, 64), 1);
  assert_int_equal(jsonrpc_depth("[[[]]]", 6, 64), 3);
  /* brackets inside strings, escaped quotes included, do not count */
  const char *s = "{\"a\":\"[[[\\\"[[\"}";
  assert_int_equal(jsonrpc_depth(s, strlen(s), 64), 1);
  char deep[300];
  memset(deep, '[', 150);
  memset(deep + 150, ']', 150);
  assert_int_equal(jsonrpc_depth(deep, 300, 100), 101);
}

static void classify_messages(void **state) {
  (void)state;
  json_t *id;
  const char *why;
  json_t *m = json_loads("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_REQUEST);
  assert_int_equal(json_integer_value(id), 1);
  json_decref(m);
  m = json_loads("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_NOTIFICATION);
  json_decref(m);
  m = json_loads("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_RESPONSE);
  json_decref(m);
  /* malformed responses are still responses: never answered */
  m = json_loads("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1}}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_BAD_RESPONSE);
  assert_int_equal(json_integer_value(id), 1);
  json_decref(m);
  m = json_loads("{\"id\":1,\"error\":\"nope\"}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_BAD_RESPONSE);
  assert_int_equal(json_integer_value(id), 1);
  json_decref(m);
  m = json_loads("{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":{}}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_BAD_RESPONSE);
  assert_null(id);
  json_decref(m);
  m = json_loads("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700}}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_RESPONSE);
  json_decref(m);
  m = json_loads("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"x\"}", 0, NULL);
  assert_int_equal(jsonrpc_classify(m, &id, &why), JRPC_INVALID);
  assert_true(json_is_null(id));
  json_decref(m);
}

static void id_keys_distinguish_types(void **state) {
  (void)state;
  char a[32], b[32];
  json_t *i = json_integer(7), *s = json_string("7");
  jsonrpc_id_key(i, a, sizeof a);
  jsonrpc_id_key(s, b, sizeof b);
  assert_string_not_equal(a, b);
  json_decref(i);
  json_decref(s);
}

/* ---- framing errors ------------------------------------------------------------ */

static void parse_error_has_null_id(void **state) {
  fixture *f = *state;
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"), MCP_PARSE_ERROR, -1);
  assert_error(one_reply(&f->t, "not json"), MCP_PARSE_ERROR, -1);
  assert_error(one_reply(&f->t, "{\"a\":1} trailing"), MCP_PARSE_ERROR, -1);
  ping_works(&f->t, 50);
}

static void invalid_utf8_is_a_parse_error(void **state) {
  fixture *f = *state;
  json_t *r =
      one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\xc3\x28\"}");
  const char *msg = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
  assert_non_null(strstr(msg, "UTF-8"));
  assert_error(r, MCP_PARSE_ERROR, -1);
  ping_works(&f->t, 51);
}

static void deep_nesting_is_refused(void **state) {
  fixture *f = *state;
  char frame[400];
  memset(frame, '[', 100);
  memset(frame + 100, ']', 100);
  frame[200] = '\0';
  assert_error(one_reply(&f->t, frame), MCP_INVALID_REQUEST, -1);
  ping_works(&f->t, 52);
}

static void huge_numbers_are_refused_cleanly(void **state) {
  fixture *f = *state;
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999999,"
                                "\"method\":\"ping\"}"),
               MCP_PARSE_ERROR, -1);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":"
                                "{\"x\":1e999}}"),
               MCP_PARSE_ERROR, -1);
  ping_works(&f->t, 53);
}

/* ---- invalid requests ------------------------------------------------------------ */

static void bad_ids_are_invalid_requests(void **state) {
  fixture *f = *state;
  const char *frames[] = {
      "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
  };
  for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++)
    assert_error(one_reply(&f->t, frames[i]), MCP_INVALID_REQUEST, -1);
  ping_works(&f->t, 54);
}

static void malformed_envelopes_are_invalid_requests(void **state) {
  fixture *f = *state;
  assert_error(one_reply(&f->t, "{\"id\":3,\"method\":\"ping\"}"), MCP_INVALID_REQUEST, 3);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"1.0\",\"id\":4,\"method\":\"ping\"}"),
               MCP_INVALID_REQUEST, 4);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":7}"), MCP_INVALID_REQUEST,
               5);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"params\":1}"),
               MCP_INVALID_REQUEST, 6);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":7}"), MCP_INVALID_REQUEST, 7);
  assert_error(one_reply(&f->t, "42"), MCP_INVALID_REQUEST, -1);
  assert_error(one_reply(&f->t, "\"ping\""), MCP_INVALID_REQUEST, -1);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\",\"params\":[]}"),
               MCP_INVALID_PARAMS, 8);
  ping_works(&f->t, 55);
}

static void unknown_method_is_not_found(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"no/such\"}"),
               MCP_METHOD_NOT_FOUND, 9);
  json_t *r = one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"server/x\"}");
  assert_int_equal(mcptest_error_code(r), MCP_METHOD_NOT_FOUND);
  assert_string_equal(json_string_value(json_object_get(r, "id")), "s");
  json_decref(r);
}

/* ---- notifications and responses --------------------------------------------------- */

static void notifications_get_no_reply(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  size_t before = mcptest_count(&f->t);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/unknown\"}");
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}");
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                      "\"params\":{\"requestId\":12345}}");
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":777,\"result\":{}}"); /* unknown response */
  ping_works(&f->t, 56);
  /* exactly one message more: the ping's reply */
  assert_int_equal(mcptest_count(&f->t), before + 1);
}

/* ---- batches ------------------------------------------------------------------------ */

static void empty_batch_is_invalid(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-03-26", NULL);
  json_decref(init);
  assert_error(one_reply(&f->t, "[]"), MCP_INVALID_REQUEST, -1);
}

static void batch_refused_after_2025_06_18(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-06-18", NULL);
  json_decref(init);
  json_t *r = one_reply(&f->t, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
  const char *msg = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
  assert_non_null(strstr(msg, "batch"));
  assert_error(r, MCP_INVALID_REQUEST, -1);
}

static void batch_served_for_2025_03_26(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-03-26", NULL);
  json_decref(init);
  json_t *r = one_reply(
      &f->t,
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"},"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
      "\"arguments\":{\"text\":\"in a batch\"}}},"
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"},"
      "17]");
  assert_true(json_is_array(r));
  assert_int_equal(json_array_size(r), 4); /* no reply for the notification */
  bool seen[4] = {false};
  size_t i;
  json_t *m;
  json_array_foreach(r, i, m) {
    json_t *id = json_object_get(m, "id");
    if (json_is_null(id)) {
      assert_int_equal(mcptest_error_code(m), MCP_INVALID_REQUEST);
      seen[0] = true;
    } else {
      json_int_t n = json_integer_value(id);
      assert_true(n >= 1 && n <= 3);
      seen[n] = true;
      if (n == 2) {
        json_t *text = json_object_get(
            json_array_get(json_object_get(json_object_get(m, "result"), "content"), 0), "text");
        assert_string_equal(json_string_value(text), "in a batch");
      }
      if (n == 3)
        assert_int_equal(mcptest_error_code(m), MCP_METHOD_NOT_FOUND);
    }
  }
  assert_true(seen[0] && seen[1] && seen[2] && seen[3]);
  json_decref(r);
  /* a batch of notifications only gets no reply at all */
  size_t before = mcptest_count(&f->t);
  mcptest_feed(&f->t, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/a\"}]");
  ping_works(&f->t, 57);
  assert_int_equal(mcptest_count(&f->t), before + 1);
}

/* ---- the legacy lifecycle ----------------------------------------------------------- */

static void initialize_echoes_supported_versions(void **state) {
  fixture *f = *state;
  (void)f;
  const char *versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
  for (size_t i = 0; i < 4; i++) {
    mcptest t;
    mcptest_start(&t, ((fixture *)*state)->srv);
    json_t *result = mcptest_initialize(&t, versions[i], NULL);
    assert_non_null(result);
    assert_string_equal(json_string_value(json_object_get(result, "protocolVersion")), versions[i]);
    json_t *info = json_object_get(result, "serverInfo");
    assert_string_equal(json_string_value(json_object_get(info, "name")), "unit");
    assert_non_null(json_object_get(json_object_get(result, "capabilities"), "tools"));
    json_decref(result);
    mcptest_stop(&t);
  }
}

static void initialize_offers_newest_for_unknown(void **state) {
  fixture *f = *state;
  json_t *result = mcptest_initialize(&f->t, "1999-01-01", NULL);
  assert_string_equal(json_string_value(json_object_get(result, "protocolVersion")), "2025-11-25");
  json_decref(result);
}

static void second_initialize_is_refused(void **state) {
  fixture *f = *state;
  json_t *result = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(result);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"initialize\","
                                "\"params\":{\"protocolVersion\":\"2025-11-25\","
                                "\"capabilities\":{},\"clientInfo\":{\"name\":\"x\","
                                "\"version\":\"1\"}}}"),
               MCP_INVALID_REQUEST, 20);
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"initialize\","
                                "\"params\":{}}"),
               MCP_INVALID_REQUEST, 21);
}

static void initialize_needs_a_version(void **state) {
  fixture *f = *state;
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"initialize\","
                                "\"params\":{\"capabilities\":{}}}"),
               MCP_INVALID_PARAMS, 22);
}

static void requests_before_initialize_are_refused(void **state) {
  fixture *f = *state;
  ping_works(&f->t, 23); /* ping is allowed before initialize */
  json_t *r = one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":24,\"method\":\"tools/list\"}");
  assert_true(mcptest_error_code(r) != 0);
  json_decref(r);
  r = one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":25,\"method\":\"logging/setLevel\","
                       "\"params\":{\"level\":\"info\"}}");
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_REQUEST);
  json_decref(r);
}

/* ---- concurrency, duplicates, cancellation, the queue bound ------------------------- */

static void slow_call_does_not_hold_up_ping(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":30,\"method\":\"tools/call\","
                      "\"params\":{\"name\":\"block\"}}");
  ping_works(&f->t, 31);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":32,\"method\":\"tools/call\",\"params\":"
                      "{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}}}");
  json_t *r = mcptest_reply(&f->t, 32);
  assert_non_null(r);
  json_decref(r);
  atomic_store(&release_block, true);
  r = mcptest_reply(&f->t, 30);
  assert_non_null(r);
  assert_int_equal(mcptest_error_code(r), 0);
  json_decref(r);
}

static void duplicate_id_in_flight_is_refused(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"tools/call\","
                      "\"params\":{\"name\":\"block\"}}");
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"ping\"}"),
               MCP_INVALID_REQUEST, 40);
  atomic_store(&release_block, true);
  json_t *r = mcptest_result(&f->t, 40);
  assert_non_null(r);
  json_decref(r);
  /* once answered, the id may be used again */
  r = one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"ping\"}");
  assert_int_equal(mcptest_error_code(r), 0);
  json_decref(r);
}

static void cancelled_request_gets_no_reply(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\","
                      "\"params\":{\"name\":\"block\"}}");
  while (atomic_load(&block_started) == 0) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  size_t before = mcptest_count(&f->t);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                      "\"params\":{\"requestId\":\"c1\",\"reason\":\"test\"}}");
  mcp_session_drain(f->t.s, false); /* waits for the handler to finish */
  assert_int_equal(atomic_load(&block_saw_cancel), 1);
  assert_int_equal(mcptest_count(&f->t), before); /* and nothing was sent for it */
}

static void full_queue_answers_busy(void **state) {
  fixture *f = *state; /* queue_limit 1 */
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":60,\"method\":\"tools/call\","
                      "\"params\":{\"name\":\"block\"}}");
  assert_error(one_reply(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":61,\"method\":\"tools/call\","
                                "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}}}"),
               MCP_SERVER_BUSY, 61);
  ping_works(&f->t, 62); /* inline methods still answer */
  atomic_store(&release_block, true);
  json_t *r = mcptest_reply(&f->t, 60);
  assert_int_equal(mcptest_error_code(r), 0);
  json_decref(r);
}

static void burst_hands_calls_over_at_its_end(void **state) {
  fixture *f = *state;
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  size_t before = mcptest_count(&f->t);
  mcp_session_burst_begin(f->t.s);
  for (int i = 0; i < 3; i++)
    mcptest_feedf(&f->t, "{s:s,s:i,s:s,s:{s:s,s:{s:s}}}", "jsonrpc", "2.0", "id", 70 + i, "method",
                  "tools/call", "params", "name", "echo", "arguments", "text", "burst");
  assert_int_equal(mcp_session_backlog(f->t.s), 3);
  ping_works(&f->t, 73); /* inline methods answer at once, inside the burst too */
  assert_int_equal(mcptest_count(&f->t), before + 1);
  mcp_session_burst_end(f->t.s);
  for (int i = 0; i < 3; i++) {
    json_t *r = mcptest_result(&f->t, 70 + i);
    assert_non_null(r);
    json_decref(r);
  }
  assert_int_equal(mcp_session_backlog(f->t.s), 0);
}

static void saturated_queue_recovers(void **state) {
  fixture *f = *state; /* queue_limit 1 */
  json_t *init = mcptest_initialize(&f->t, "2025-11-25", NULL);
  json_decref(init);
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":80,\"method\":\"tools/call\","
                      "\"params\":{\"name\":\"block\"}}");
  for (int i = 81; i <= 83; i++) {
    char frame[160];
    snprintf(frame, sizeof frame,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":"
             "\"echo\",\"arguments\":{\"text\":\"x\"}}}",
             i);
    assert_error(one_reply(&f->t, frame), MCP_SERVER_BUSY, i);
  }
  ping_works(&f->t, 84);
  atomic_store(&release_block, true);
  json_t *r = mcptest_result(&f->t, 80);
  assert_non_null(r);
  json_decref(r);
  /* room again: calls are served */
  mcptest_feed(&f->t, "{\"jsonrpc\":\"2.0\",\"id\":85,\"method\":\"tools/call\",\"params\":"
                      "{\"name\":\"echo\",\"arguments\":{\"text\":\"back\"}}}");
  r = mcptest_result(&f->t, 85);
  assert_non_null(r);
  json_decref(r);
}

static void reject_sends_null_id_error(void **state) {
  fixture *f = *state;
  mcp_session_reject(f->t.s, MCP_INVALID_REQUEST, "frame too large", NULL);
  assert_int_equal(mcptest_wait_count(&f->t, 1), 1);
  assert_error(mcptest_msg(&f->t, 0), MCP_INVALID_REQUEST, -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(depth_scan),
      cmocka_unit_test(classify_messages),
      cmocka_unit_test(id_keys_distinguish_types),
      cmocka_unit_test_setup_teardown(parse_error_has_null_id, setup, teardown),
      cmocka_unit_test_setup_teardown(invalid_utf8_is_a_parse_error, setup, teardown),
      cmocka_unit_test_setup_teardown(deep_nesting_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(huge_numbers_are_refused_cleanly, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_ids_are_invalid_requests, setup, teardown),
      cmocka_unit_test_setup_teardown(malformed_envelopes_are_invalid_requests, setup, teardown),
      cmocka_unit_test_setup_teardown(unknown_method_is_not_found, setup, teardown),
      cmocka_unit_test_setup_teardown(notifications_get_no_reply, setup, teardown),
      cmocka_unit_test_setup_teardown(empty_batch_is_invalid, setup, teardown),
      cmocka_unit_test_setup_teardown(batch_refused_after_2025_06_18, setup, teardown),
      cmocka_unit_test_setup_teardown(batch_served_for_2025_03_26, setup, teardown),
      cmocka_unit_test_setup_teardown(initialize_echoes_supported_versions, setup, teardown),
      cmocka_unit_test_setup_teardown(initialize_offers_newest_for_unknown, setup, teardown),
      cmocka_unit_test_setup_teardown(second_initialize_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(initialize_needs_a_version, setup, teardown),
      cmocka_unit_test_setup_teardown(requests_before_initialize_are_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(slow_call_does_not_hold_up_ping, setup, teardown),
      cmocka_unit_test_setup_teardown(duplicate_id_in_flight_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(cancelled_request_gets_no_reply, setup, teardown),
      cmocka_unit_test_setup_teardown(full_queue_answers_busy, setup_small_queue, teardown),
      cmocka_unit_test_setup_teardown(saturated_queue_recovers, setup_small_queue, teardown),
      cmocka_unit_test_setup_teardown(burst_hands_calls_over_at_its_end, setup, teardown),
      cmocka_unit_test_setup_teardown(reject_sends_null_id_error, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
