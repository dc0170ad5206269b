/* test_session.c - the MCP core's methods in both eras: the stateless
 * 2026-07-28 rules (server/discover, _meta, resultType, cache hints, -32021,
 * -32022, input_required), resources and templates, prompts, completion,
 * logging, progress, and server->client requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/mcptest.h"
#include "mcp/mcp.h"

#define MODERN "2026-07-28"

/* ---- the server under test --------------------------------------------------- */

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  return mcp_tool_text("%s", json_string_value(json_object_get(args, "text")));
}

static json_t *tool_chatty(mcp_call *call, json_t *args) {
  (void)args;
  mcp_call_progress(call, 1, 3, "one");
  mcp_call_progress(call, 1, 3, "again"); /* not above the last: dropped */
  mcp_call_progress(call, 2, -1, NULL);
  mcp_call_log(call, MCP_LOG_DEBUG, "chatty", json_string("debug line"));
  mcp_call_log(call, MCP_LOG_WARNING, "chatty", json_string("warning line"));
  return mcp_tool_text("%s", mcp_call_protocol_version(call));
}

static json_t *tool_ask(mcp_call *call, json_t *args) {
  (void)args;
  json_t *answer = mcp_call_ask(call, "llm", "sampling/createMessage",
                                json_pack("{s:[],s:i}", "messages", "maxTokens", 10));
  if (!answer)
    return NULL;
  const char *text = json_string_value(json_object_get(json_object_get(answer, "content"), "text"));
  json_t *result = mcp_tool_text("model said %s", text ? text : "?");
  json_decref(answer);
  return result;
}

static json_t *read_static(mcp_call *call, const char *uri, json_t *vars) {
  (void)call, (void)vars;
  return json_pack("[{s:s,s:s,s:s}]", "uri", uri, "mimeType", "text/plain", "text", "static");
}

static json_t *read_webinar(mcp_call *call, const char *uri, json_t *vars) {
  const char *id = json_string_value(json_object_get(vars, "webinarId"));
  if (strcmp(id, "404") == 0)
    return mcp_call_fail(call, MCP_RESOURCE_NOT_FOUND, "no webinar %s", id);
  return json_pack("[{s:s,s:s}]", "uri", uri, "text", id);
}

static json_t *complete_ids(mcp_call *call, const char *name, const char *value, json_t *ctx) {
  (void)call, (void)ctx;
  json_t *out = json_array();
  if (strcmp(name, "webinarId") != 0)
    return out;
  for (int i = 0; i < 150; i++) {
    char id[16];
    snprintf(id, sizeof id, "%d", 1000 + i);
    if (strncmp(id, value, strlen(value)) == 0)
      json_array_append_new(out, json_string(id));
  }
  return out;
}

static json_t *prompt_get(mcp_call *call, json_t *args) {
  (void)call;
  return json_pack("{s:s,s:[{s:s,s:{s:s,s:s}}]}", "description", "d", "messages", "role", "user",
                   "content", "type", "text", "text",
                   json_string_value(json_object_get(args, "topic")));
}

static const mcp_tool tools[] = {
    {.name = "echo",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}",
     .fn = tool_echo},
    {.name = "chatty", .fn = tool_chatty},
    {.name = "ask", .fn = tool_ask},
};
static const mcp_resource resources[] = {
    {.uri = "test://static", .name = "static", .mime_type = "text/plain", .read = read_static}};
static const mcp_resource_template templates[] = {{.uri_template = "zoom://webinars/{webinarId}",
                                                   .name = "webinar",
                                                   .read = read_webinar,
                                                   .complete = complete_ids}};
static const mcp_prompt_arg prompt_args[] = {{.name = "topic", .required = true}, {.name = NULL}};
static const mcp_prompt prompts[] = {
    {.name = "plan", .args = prompt_args, .get = prompt_get, .complete = complete_ids}};

static int setup(void **state) {
  mcp_server_config cfg = {
      .name = "unit", .title = "Unit", .version = "1.2.3", .instructions = "Use the tools."};
  mcp_server *srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(srv, tools, 3), 0);
  assert_int_equal(mcp_server_add_resources(srv, resources, 1), 0);
  assert_int_equal(mcp_server_add_templates(srv, templates, 1), 0);
  assert_int_equal(mcp_server_add_prompts(srv, prompts, 1), 0);
  mcptest *t = calloc(1, sizeof *t);
  mcptest_start(t, srv);
  *state = t;
  return 0;
}

static int teardown(void **state) {
  mcptest *t = *state;
  mcp_server *srv = t->srv;
  mcptest_stop(t);
  mcp_server_free(srv);
  free(t);
  return 0;
}

/* Sends a modern request METHOD with PARAMS (stolen, may be NULL) and META
 * (stolen: the _meta object). Returns the reply (new reference). */
static json_t *modern(mcptest *t, json_int_t id, const char *method, json_t *params, json_t *meta) {
  if (!params)
    params = json_object();
  json_object_set_new(params, "_meta", meta);
  mcptest_feedf(t, "{s:s,s:I,s:s,s:o}", "jsonrpc", "2.0", "id", id, "method", method, "params",
                params);
  return mcptest_reply(t, id);
}

static json_t *legacy(mcptest *t, json_int_t id, const char *method, json_t *params) {
  mcptest_feedf(t, "{s:s,s:I,s:s,s:o}", "jsonrpc", "2.0", "id", id, "method", method, "params",
                params ? params : json_object());
  return mcptest_reply(t, id);
}

static json_t *result_of(json_t *reply) {
  return json_object_get(reply, "result");
}

static const char *first_text(json_t *reply) {
  json_t *content = json_object_get(result_of(reply), "content");
  return json_string_value(json_object_get(json_array_get(content, 0), "text"));
}

/* ---- modern era ------------------------------------------------------------------- */

static void discover(void **state) {
  mcptest *t = *state;
  json_t *r = modern(t, 1, "server/discover", NULL, mcptest_modern_meta(NULL));
  json_t *res = result_of(r);
  assert_non_null(res);
  assert_string_equal(json_string_value(json_object_get(res, "resultType")), "complete");
  json_t *versions = json_object_get(res, "supportedVersions");
  assert_string_equal(json_string_value(json_array_get(versions, 0)), MODERN);
  assert_true(json_array_size(versions) >= 5);
  json_t *caps = json_object_get(res, "capabilities");
  assert_non_null(json_object_get(caps, "tools"));
  assert_non_null(json_object_get(caps, "resources"));
  assert_non_null(json_object_get(caps, "prompts"));
  assert_non_null(json_object_get(caps, "completions"));
  assert_string_equal(json_string_value(json_object_get(res, "instructions")), "Use the tools.");
  assert_true(json_is_integer(json_object_get(res, "ttlMs")));
  assert_non_null(json_string_value(json_object_get(res, "cacheScope")));
  json_t *info =
      json_object_get(json_object_get(res, "_meta"), "io.modelcontextprotocol/serverInfo");
  assert_string_equal(json_string_value(json_object_get(info, "version")), "1.2.3");
  json_decref(r);
}

static void meta_is_required(void **state) {
  mcptest *t = *state;
  json_t *r = modern(t, 2, "tools/list", NULL, json_object());
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  r = modern(t, 3, "server/discover", NULL,
             json_pack("{s:s}", "io.modelcontextprotocol/protocolVersion", MODERN));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS); /* no clientCapabilities */
  json_decref(r);
  r = modern(t, 4, "tools/list", NULL,
             json_pack("{s:o}", "io.modelcontextprotocol/clientCapabilities", json_object()));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS); /* no protocolVersion */
  json_decref(r);
}

static void unsupported_version(void **state) {
  mcptest *t = *state;
  json_t *meta = mcptest_modern_meta(NULL);
  json_object_set_new(meta, "io.modelcontextprotocol/protocolVersion", json_string("2030-01-01"));
  json_t *r = modern(t, 5, "tools/list", NULL, meta);
  assert_int_equal(mcptest_error_code(r), MCP_UNSUPPORTED_VERSION);
  json_t *data = json_object_get(json_object_get(r, "error"), "data");
  assert_string_equal(json_string_value(json_object_get(data, "requested")), "2030-01-01");
  assert_string_equal(json_string_value(json_array_get(json_object_get(data, "supported"), 0)),
                      MODERN);
  json_decref(r);
}

static void legacy_only_methods_do_not_exist(void **state) {
  mcptest *t = *state;
  const char *methods[] = {"ping", "logging/setLevel", "resources/subscribe", "initialize"};
  for (size_t i = 0; i < 3; i++) {
    json_t *r = modern(t, 10 + (json_int_t)i, methods[i], NULL, mcptest_modern_meta(NULL));
    assert_int_equal(mcptest_error_code(r), MCP_METHOD_NOT_FOUND);
    json_decref(r);
  }
}

static void lists_carry_cache_hints(void **state) {
  mcptest *t = *state;
  const char *methods[] = {"tools/list", "resources/list", "resources/templates/list",
                           "prompts/list"};
  for (size_t i = 0; i < 4; i++) {
    json_t *r = modern(t, 20 + (json_int_t)i, methods[i], NULL, mcptest_modern_meta(NULL));
    json_t *res = result_of(r);
    assert_non_null(res);
    assert_string_equal(json_string_value(json_object_get(res, "resultType")), "complete");
    assert_true(json_integer_value(json_object_get(res, "ttlMs")) >= 0);
    const char *scope = json_string_value(json_object_get(res, "cacheScope"));
    assert_true(strcmp(scope, "public") == 0 || strcmp(scope, "private") == 0);
    json_decref(r);
  }
  json_t *r = modern(t, 30, "resources/read", json_pack("{s:s}", "uri", "test://static"),
                     mcptest_modern_meta(NULL));
  json_t *res = result_of(r);
  assert_string_equal(json_string_value(json_object_get(
                          json_array_get(json_object_get(res, "contents"), 0), "text")),
                      "static");
  assert_non_null(json_object_get(res, "ttlMs"));
  assert_non_null(json_object_get(res, "cacheScope"));
  json_decref(r);
}

static void resource_not_found_codes_by_era(void **state) {
  mcptest *t = *state;
  json_t *r = modern(t, 40, "resources/read", json_pack("{s:s}", "uri", "test://nothing"),
                     mcptest_modern_meta(NULL));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  r = modern(t, 41, "resources/read", json_pack("{s:s}", "uri", "zoom://webinars/404"),
             mcptest_modern_meta(NULL));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS); /* handler's -32002, translated */
  json_decref(r);
  json_t *init = mcptest_initialize(t, "2025-11-25", NULL);
  json_decref(init);
  r = legacy(t, 42, "resources/read", json_pack("{s:s}", "uri", "test://nothing"));
  assert_int_equal(mcptest_error_code(r), MCP_RESOURCE_NOT_FOUND);
  json_decref(r);
  r = legacy(t, 43, "resources/read", json_pack("{s:s}", "uri", "zoom://webinars/404"));
  assert_int_equal(mcptest_error_code(r), MCP_RESOURCE_NOT_FOUND);
  json_decref(r);
}

static void modern_and_legacy_on_one_session(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-06-18", NULL);
  json_decref(init);
  json_t *r = legacy(t, 50, "tools/call", json_pack("{s:s}", "name", "chatty"));
  assert_string_equal(first_text(r), "2025-06-18");
  assert_null(json_object_get(result_of(r), "resultType")); /* legacy results stay legacy */
  json_decref(r);
  r = modern(t, 51, "tools/call", json_pack("{s:s}", "name", "chatty"), mcptest_modern_meta(NULL));
  assert_string_equal(first_text(r), MODERN);
  assert_string_equal(json_string_value(json_object_get(result_of(r), "resultType")), "complete");
  json_decref(r);
}

static void missing_capability_is_32021(void **state) {
  mcptest *t = *state;
  json_t *r =
      modern(t, 60, "tools/call", json_pack("{s:s}", "name", "ask"), mcptest_modern_meta(NULL));
  assert_int_equal(mcptest_error_code(r), MCP_MISSING_CAPABILITY);
  json_t *data = json_object_get(json_object_get(r, "error"), "data");
  assert_non_null(json_object_get(json_object_get(data, "requiredCapabilities"), "sampling"));
  json_decref(r);
}

static void input_required_round_trip(void **state) {
  mcptest *t = *state;
  json_t *caps = json_pack("{s:{}}", "sampling");
  json_t *r = modern(t, 61, "tools/call", json_pack("{s:s}", "name", "ask"),
                     mcptest_modern_meta(json_incref(caps)));
  json_t *res = result_of(r);
  assert_string_equal(json_string_value(json_object_get(res, "resultType")), "input_required");
  json_t *req = json_object_get(json_object_get(res, "inputRequests"), "llm");
  assert_string_equal(json_string_value(json_object_get(req, "method")), "sampling/createMessage");
  assert_non_null(json_object_get(json_object_get(req, "params"), "messages"));
  json_decref(r);
  json_t *params =
      json_pack("{s:s,s:{s:{s:s,s:{s:s,s:s},s:s}}}", "name", "ask", "inputResponses", "llm", "role",
                "assistant", "content", "type", "text", "text", "hi", "model", "m");
  r = modern(t, 62, "tools/call", params, mcptest_modern_meta(caps));
  assert_string_equal(first_text(r), "model said hi");
  assert_string_equal(json_string_value(json_object_get(result_of(r), "resultType")), "complete");
  json_decref(r);
}

static void log_level_per_request(void **state) {
  mcptest *t = *state;
  size_t before = mcptest_count(t);
  json_t *r =
      modern(t, 70, "tools/call", json_pack("{s:s}", "name", "chatty"), mcptest_modern_meta(NULL));
  json_decref(r);
  assert_int_equal(mcptest_count(t), before + 1); /* no level: no notifications/message */
  assert_null(mcptest_find_method(t, "notifications/message"));
  json_t *meta = mcptest_modern_meta(NULL);
  json_object_set_new(meta, "io.modelcontextprotocol/logLevel", json_string("warning"));
  r = modern(t, 71, "tools/call", json_pack("{s:s}", "name", "chatty"), meta);
  json_decref(r);
  json_t *m = mcptest_find_method(t, "notifications/message");
  assert_non_null(m);
  json_t *p = json_object_get(m, "params");
  assert_string_equal(json_string_value(json_object_get(p, "level")), "warning");
  assert_string_equal(json_string_value(json_object_get(p, "data")), "warning line");
  json_decref(m);
  assert_int_equal(mcptest_count(t), before + 3); /* the warning only, not the debug line */
  meta = mcptest_modern_meta(NULL);
  json_object_set_new(meta, "io.modelcontextprotocol/logLevel", json_string("loud"));
  r = modern(t, 72, "tools/call", json_pack("{s:s}", "name", "chatty"), meta);
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
}

/* ---- both eras: progress, logging, prompts, completion, templates ---------------------- */

static void progress_notifications(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", NULL);
  json_decref(init);
  size_t before = mcptest_count(t);
  mcptest_feed(t, "{\"jsonrpc\":\"2.0\",\"id\":80,\"method\":\"tools/call\",\"params\":{\"name\":"
                  "\"chatty\",\"_meta\":{\"progressToken\":\"tok\"}}}");
  json_t *r = mcptest_reply(t, 80);
  json_decref(r);
  /* two progress (the repeated value was dropped), two log lines (legacy default: all), reply */
  assert_int_equal(mcptest_count(t), before + 5);
  json_t *p1 = mcptest_msg(t, before), *p2 = mcptest_msg(t, before + 1);
  assert_string_equal(json_string_value(json_object_get(p1, "method")), "notifications/progress");
  assert_string_equal(
      json_string_value(json_object_get(json_object_get(p1, "params"), "progressToken")), "tok");
  assert_true(json_number_value(json_object_get(json_object_get(p2, "params"), "progress")) >
              json_number_value(json_object_get(json_object_get(p1, "params"), "progress")));
  assert_null(json_object_get(json_object_get(p2, "params"), "total"));
  json_decref(p1);
  json_decref(p2);
  /* without a token: no progress */
  before = mcptest_count(t);
  r = legacy(t, 81, "logging/setLevel", json_pack("{s:s}", "level", "error"));
  assert_int_equal(mcptest_error_code(r), 0);
  json_decref(r);
  r = legacy(t, 82, "tools/call", json_pack("{s:s}", "name", "chatty"));
  json_decref(r);
  assert_int_equal(mcptest_count(t), before + 2); /* setLevel reply + the call's reply */
  r = legacy(t, 83, "logging/setLevel", json_pack("{s:s}", "level", "verbose"));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
}

static void prompts_check_required_arguments(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", NULL);
  json_decref(init);
  json_t *r = legacy(t, 90, "prompts/get", json_pack("{s:s}", "name", "plan"));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  r = legacy(t, 91, "prompts/get",
             json_pack("{s:s,s:{s:i}}", "name", "plan", "arguments", "topic", 5));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  r = legacy(t, 92, "prompts/get",
             json_pack("{s:s,s:{s:s}}", "name", "plan", "arguments", "topic", "Q3"));
  json_t *msg = json_array_get(json_object_get(result_of(r), "messages"), 0);
  assert_string_equal(json_string_value(json_object_get(json_object_get(msg, "content"), "text")),
                      "Q3");
  json_decref(r);
  r = legacy(t, 93, "prompts/get", json_pack("{s:s}", "name", "nope"));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  r = legacy(t, 94, "prompts/list", NULL);
  json_t *p = json_array_get(json_object_get(result_of(r), "prompts"), 0);
  json_t *arg = json_array_get(json_object_get(p, "arguments"), 0);
  assert_true(json_is_true(json_object_get(arg, "required")));
  json_decref(r);
}

static void completion_caps_at_100(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", NULL);
  json_decref(init);
  json_t *r = legacy(t, 100, "completion/complete",
                     json_pack("{s:{s:s,s:s},s:{s:s,s:s}}", "ref", "type", "ref/resource", "uri",
                               "zoom://webinars/{webinarId}", "argument", "name", "webinarId",
                               "value", "1"));
  json_t *c = json_object_get(result_of(r), "completion");
  assert_int_equal(json_array_size(json_object_get(c, "values")), 100);
  assert_int_equal(json_integer_value(json_object_get(c, "total")), 150);
  assert_true(json_is_true(json_object_get(c, "hasMore")));
  json_decref(r);
  r = legacy(t, 101, "completion/complete",
             json_pack("{s:{s:s,s:s},s:{s:s,s:s}}", "ref", "type", "ref/prompt", "name", "plan",
                       "argument", "name", "webinarId", "value", "1149"));
  c = json_object_get(result_of(r), "completion");
  assert_int_equal(json_array_size(json_object_get(c, "values")), 1);
  assert_false(json_is_true(json_object_get(c, "hasMore")));
  json_decref(r);
  r = legacy(t, 102, "completion/complete",
             json_pack("{s:{s:s,s:s},s:{s:s,s:s}}", "ref", "type", "ref/prompt", "name", "none",
                       "argument", "name", "x", "value", ""));
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
}

static void templates_match_level_1(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", NULL);
  json_decref(init);
  json_t *r =
      legacy(t, 110, "resources/read", json_pack("{s:s}", "uri", "zoom://webinars/812%2034"));
  json_t *content = json_array_get(json_object_get(result_of(r), "contents"), 0);
  assert_string_equal(json_string_value(json_object_get(content, "text")), "812 34");
  json_decref(r);
  const char *misses[] = {"zoom://webinars/", "zoom://webinars/1/2", "zoom://webinar/1"};
  for (size_t i = 0; i < 3; i++) {
    r = legacy(t, 111 + (json_int_t)i, "resources/read", json_pack("{s:s}", "uri", misses[i]));
    assert_int_equal(mcptest_error_code(r), MCP_RESOURCE_NOT_FOUND);
    json_decref(r);
  }
  r = legacy(t, 120, "resources/subscribe", json_pack("{s:s}", "uri", "test://static"));
  assert_int_equal(mcptest_error_code(r), 0);
  json_decref(r);
}

/* ---- server->client requests in the legacy era -------------------------------------- */

/* Calls tool "ask" as request ID (legacy session with sampling) and returns
 * the id of the sampling request it sends; waits on messages, not on time. */
static json_int_t start_ask(mcptest *t, json_int_t id) {
  size_t from = mcptest_count(t);
  mcptest_feedf(t, "{s:s,s:I,s:s,s:{s:s}}", "jsonrpc", "2.0", "id", id, "method", "tools/call",
                "params", "name", "ask");
  for (;;) {
    size_t seen = mcptest_count(t);
    for (size_t i = from; i < seen; i++) {
      json_t *m = mcptest_msg(t, i);
      const char *method = json_string_value(json_object_get(m, "method"));
      if (method && strcmp(method, "sampling/createMessage") == 0) {
        json_int_t qid = json_integer_value(json_object_get(m, "id"));
        json_decref(m);
        return qid;
      }
      json_decref(m);
    }
    from = seen;
    assert_true(mcptest_wait_count(t, seen + 1) > seen); /* 10 s at most */
  }
}

static void legacy_ask_round_trip(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", json_pack("{s:{}}", "sampling"));
  json_decref(init);
  json_int_t qid = start_ask(t, 130);
  mcptest_feedf(t, "{s:s,s:I,s:{s:s,s:{s:s,s:s},s:s}}", "jsonrpc", "2.0", "id", qid, "result",
                "role", "assistant", "content", "type", "text", "text", "yes", "model", "m");
  json_t *r = mcptest_reply(t, 130);
  assert_string_equal(first_text(r), "model said yes");
  json_decref(r);
}

/* True when a message without a method (a reply) carries ID: the server
 * answered something that used the id of its own request to the client. */
static bool replied_with_id(mcptest *t, json_int_t id) {
  bool found = false;
  for (size_t i = 0, n = mcptest_count(t); i < n && !found; i++) {
    json_t *m = mcptest_msg(t, i);
    json_t *mid = json_object_get(m, "id");
    found = !json_object_get(m, "method") && json_is_integer(mid) && json_integer_value(mid) == id;
    json_decref(m);
  }
  return found;
}

/* A malformed answer to an ask is never answered (its id is the server's, not
 * a request of the client) and fails the ask at once, as a tool error. */
static void legacy_malformed_answer_fails_the_ask(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", json_pack("{s:{}}", "sampling"));
  json_decref(init);
  static const char *const answers[] = {
      "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":\"nope\"}",
      "{\"id\":%lld,\"error\":\"nope\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"message\":\"no code\"}}",
      "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":{},\"error\":{\"code\":1}}",
      "{\"jsonrpc\":\"1.0\",\"id\":%lld,\"result\":{}}",
      "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"result\":\"not an object\"}",
  };
  for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
    json_int_t call_id = 200 + (json_int_t)i;
    json_int_t qid = start_ask(t, call_id);
    char frame[256];
    snprintf(frame, sizeof frame, answers[i], (long long)qid);
    mcptest_feed(t, frame);
    json_t *r = mcptest_reply(t, call_id); /* without the fix: only after 60 s */
    assert_non_null(r);
    assert_int_equal(mcptest_error_code(r), 0);
    assert_true(json_is_true(json_object_get(result_of(r), "isError")));
    assert_non_null(strstr(first_text(r), "malformed"));
    assert_non_null(strstr(first_text(r), "sampling/createMessage"));
    json_decref(r);
    assert_false(replied_with_id(t, qid));
  }
}

/* A client's error answer to an ask is the tool's error, whatever its code:
 * never the code of the client's own tools/call. */
static void legacy_client_error_is_a_tool_error(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", json_pack("{s:{}}", "sampling"));
  json_decref(init);
  static const char *const codes[] = {"-32700", "0", "4294967296", "-1"};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    json_int_t call_id = 300 + (json_int_t)i;
    json_int_t qid = start_ask(t, call_id);
    char frame[256];
    snprintf(frame, sizeof frame,
             "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"error\":{\"code\":%s,"
             "\"message\":\"no thanks\"}}",
             (long long)qid, codes[i]);
    mcptest_feed(t, frame);
    json_t *r = mcptest_reply(t, call_id);
    assert_non_null(r);
    assert_int_equal(mcptest_error_code(r), 0);
    assert_true(json_is_true(json_object_get(result_of(r), "isError")));
    assert_non_null(strstr(first_text(r), "refused sampling/createMessage: no thanks"));
    json_decref(r);
    assert_false(replied_with_id(t, qid));
  }
}

static void legacy_ask_needs_the_capability(void **state) {
  mcptest *t = *state;
  json_t *init = mcptest_initialize(t, "2025-11-25", NULL);
  json_decref(init);
  json_t *r = legacy(t, 140, "tools/call", json_pack("{s:s}", "name", "ask"));
  assert_true(mcptest_error_code(r) != 0);
  json_decref(r);
  assert_null(mcptest_find_method(t, "sampling/createMessage"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(discover, setup, teardown),
      cmocka_unit_test_setup_teardown(meta_is_required, setup, teardown),
      cmocka_unit_test_setup_teardown(unsupported_version, setup, teardown),
      cmocka_unit_test_setup_teardown(legacy_only_methods_do_not_exist, setup, teardown),
      cmocka_unit_test_setup_teardown(lists_carry_cache_hints, setup, teardown),
      cmocka_unit_test_setup_teardown(resource_not_found_codes_by_era, setup, teardown),
      cmocka_unit_test_setup_teardown(modern_and_legacy_on_one_session, setup, teardown),
      cmocka_unit_test_setup_teardown(missing_capability_is_32021, setup, teardown),
      cmocka_unit_test_setup_teardown(input_required_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(log_level_per_request, setup, teardown),
      cmocka_unit_test_setup_teardown(progress_notifications, setup, teardown),
      cmocka_unit_test_setup_teardown(prompts_check_required_arguments, setup, teardown),
      cmocka_unit_test_setup_teardown(completion_caps_at_100, setup, teardown),
      cmocka_unit_test_setup_teardown(templates_match_level_1, setup, teardown),
      cmocka_unit_test_setup_teardown(legacy_ask_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(legacy_ask_needs_the_capability, setup, teardown),
      cmocka_unit_test_setup_teardown(legacy_malformed_answer_fails_the_ask, setup, teardown),
      cmocka_unit_test_setup_teardown(legacy_client_error_is_a_tool_error, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
