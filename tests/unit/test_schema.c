/* test_schema.c - the JSON Schema subset that checks tool arguments: each
 * keyword, nested paths in the messages, compile errors, and the tools/call
 * path that turns a bad argument into an isError result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/mcptest.h"
#include "base/log.h"
#include "mcp/mcp.h"
#include "mcp/schema.h"

/* Compiles SCHEMA_TEXT and checks VALUE_TEXT. Returns 0 when valid; else -1
 * with the message in MSG. */
static int check(const char *schema_text, const char *value_text, char *msg, size_t msglen) {
  json_error_t error;
  json_t *doc = json_loads(schema_text, JSON_DECODE_ANY, &error);
  assert_non_null(doc);
  json_t *value = json_loads(value_text, JSON_DECODE_ANY, &error);
  assert_non_null(value);
  char err[256];
  schema *s = schema_compile(doc, err, sizeof err);
  assert_non_null(s);
  int rc = schema_validate(s, value, "arguments", msg, msglen);
  schema_free(s);
  json_decref(value);
  json_decref(doc);
  return rc;
}

static void valid(const char *schema_text, const char *value_text) {
  char msg[512];
  if (check(schema_text, value_text, msg, sizeof msg) != 0)
    fail_msg("%s should accept %s, said: %s", schema_text, value_text, msg);
}

/* Asserts the value is refused with a message containing EXPECT. */
static void invalid(const char *schema_text, const char *value_text, const char *expect) {
  char msg[512];
  assert_int_equal(check(schema_text, value_text, msg, sizeof msg), -1);
  if (!strstr(msg, expect))
    fail_msg("message \"%s\" lacks \"%s\"", msg, expect);
}

static void types(void **state) {
  (void)state;
  valid("{\"type\":\"integer\"}", "3");
  invalid("{\"type\":\"integer\"}", "3.5", "arguments: must be an integer");
  invalid("{\"type\":\"integer\"}", "3.0", "must be an integer");
  invalid("{\"type\":\"integer\"}", "\"3\"", "must be an integer");
  valid("{\"type\":\"number\"}", "3");
  valid("{\"type\":\"number\"}", "3.5");
  invalid("{\"type\":\"number\"}", "true", "must be a number");
  valid("{\"type\":\"string\"}", "\"x\"");
  invalid("{\"type\":\"string\"}", "null", "must be a string");
  valid("{\"type\":\"boolean\"}", "false");
  invalid("{\"type\":\"boolean\"}", "0", "must be a boolean");
  valid("{\"type\":\"null\"}", "null");
  invalid("{\"type\":\"null\"}", "{}", "must be null");
  valid("{\"type\":\"array\"}", "[]");
  invalid("{\"type\":\"array\"}", "{}", "must be an array");
  valid("{\"type\":\"object\"}", "{}");
  invalid("{\"type\":\"object\"}", "[]", "must be an object");
  valid("{\"type\":[\"string\",\"null\"]}", "null");
  valid("{\"type\":[\"string\",\"null\"]}", "\"a\"");
  invalid("{\"type\":[\"string\",\"null\"]}", "1", "must be null or a string");
}

static void enum_and_const(void **state) {
  (void)state;
  valid("{\"enum\":[0,1,2]}", "2");
  valid("{\"enum\":[0,1,2]}", "2.0"); /* the same number */
  invalid("{\"enum\":[0,1,2]}", "3", "arguments: must be one of 0, 1, 2");
  invalid("{\"enum\":[\"daily\",\"weekly\"]}", "\"monthly\"",
          "must be one of \"daily\", \"weekly\"");
  valid("{\"const\":\"on\"}", "\"on\"");
  invalid("{\"const\":\"on\"}", "\"off\"", "must be \"on\"");
}

static void numeric_bounds(void **state) {
  (void)state;
  valid("{\"minimum\":1,\"maximum\":300}", "1");
  valid("{\"minimum\":1,\"maximum\":300}", "300");
  invalid("{\"minimum\":1}", "0", "must be at least 1");
  invalid("{\"maximum\":300}", "301", "must be at most 300");
  invalid("{\"exclusiveMinimum\":0}", "0", "must be greater than 0");
  valid("{\"exclusiveMinimum\":0}", "0.5");
  invalid("{\"exclusiveMaximum\":10}", "10", "must be less than 10");
  /* draft-04 boolean form */
  invalid("{\"minimum\":5,\"exclusiveMinimum\":true}", "5", "must be greater than 5");
  valid("{\"minimum\":5,\"exclusiveMinimum\":false}", "5");
  /* bounds do not apply to other types */
  valid("{\"minimum\":5}", "\"short\"");
}

static void string_lengths_count_code_points(void **state) {
  (void)state;
  valid("{\"maxLength\":5}", "\"h\xc3\xa9llo\""); /* 6 bytes, 5 characters */
  invalid("{\"maxLength\":4}", "\"h\xc3\xa9llo\"", "must be at most 4 characters long");
  valid("{\"minLength\":2}", "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\""); /* two emoji */
  invalid("{\"minLength\":3}", "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"", "at least 3 characters");
}

static void patterns(void **state) {
  (void)state;
  valid("{\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"}", "\"2026-11\"");
  invalid("{\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"}", "\"26-11\"", "must match the pattern");
  /* ECMA escapes are translated */
  valid("{\"pattern\":\"^\\\\d+$\"}", "\"12345\"");
  invalid("{\"pattern\":\"^\\\\d+$\"}", "\"12a\"", "^\\d+$");
  valid("{\"pattern\":\"^[\\\\w.-]+@[\\\\w.-]+$\"}", "\"a.b@c-d.org\"");
  valid("{\"pattern\":\"^\\\\S+$\"}", "\"nospace\"");
  invalid("{\"pattern\":\"^\\\\S+$\"}", "\"a space\"", "pattern");
  /* unanchored patterns match anywhere */
  valid("{\"pattern\":\"abc\"}", "\"xxabcxx\"");
}

static void arrays(void **state) {
  (void)state;
  const char *s = "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":1},"
                  "\"minItems\":1,\"maxItems\":3}";
  valid(s, "[\"a\",\"b\"]");
  invalid(s, "[]", "arguments: must have at least 1 items");
  invalid(s, "[\"a\",\"b\",\"c\",\"d\"]", "must have at most 3 items");
  invalid(s, "[\"a\",2]", "arguments[1]: must be a string");
  invalid(s, "[\"a\",\"\"]", "arguments[1]: must be at least 1 characters long");
  invalid("{\"uniqueItems\":true}", "[1,2,1]", "must be unique");
  valid("{\"uniqueItems\":true}", "[1,2,3]");
  valid("{\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}", "[1,\"a\",null]");
  invalid("{\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}", "[1,2]",
          "arguments[1]: must be a string");
}

static void objects_and_nested_paths(void **state) {
  (void)state;
  const char *s = "{\"type\":\"object\",\"required\":[\"topic\"],"
                  "\"properties\":{\"topic\":{\"type\":\"string\"},"
                  "\"settings\":{\"type\":\"object\",\"properties\":{"
                  "\"approval_type\":{\"type\":\"integer\",\"enum\":[0,1,2]},"
                  "\"panelists\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
                  "\"required\":[\"email\"],\"properties\":{\"email\":{\"type\":\"string\"}}}}},"
                  "\"additionalProperties\":false}},"
                  "\"additionalProperties\":false}";
  valid(s, "{\"topic\":\"t\",\"settings\":{\"approval_type\":1}}");
  invalid(s, "{}", "arguments.topic: is required");
  invalid(s, "{\"topic\":\"t\",\"settings\":{\"approval_type\":3}}",
          "arguments.settings.approval_type: must be one of 0, 1, 2");
  invalid(s, "{\"topic\":\"t\",\"extra\":1}", "arguments.extra: is not an allowed property");
  invalid(s, "{\"topic\":\"t\",\"settings\":{\"x\":1}}",
          "arguments.settings.x: is not an allowed property");
  invalid(s, "{\"topic\":\"t\",\"settings\":{\"panelists\":[{\"email\":\"a\"},{}]}}",
          "arguments.settings.panelists[1].email: is required");
  /* several problems are all named */
  char msg[512];
  assert_int_equal(check(s, "{\"topic\":5,\"extra\":1}", msg, sizeof msg), -1);
  assert_non_null(strstr(msg, "arguments.topic: must be a string"));
  assert_non_null(strstr(msg, "; arguments.extra: is not an allowed property"));
  /* additionalProperties as a schema */
  valid("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"a\":1}");
  invalid("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"a\":\"x\"}",
          "arguments.a: must be an integer");
  invalid("{\"minProperties\":1}", "{}", "at least 1 properties");
  invalid("{\"maxProperties\":1}", "{\"a\":1,\"b\":2}", "at most 1 properties");
}

static void combinators_and_refs(void **state) {
  (void)state;
  const char *any = "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}";
  valid(any, "\"a\"");
  valid(any, "1");
  invalid(any, "true", "does not match any of the allowed forms");
  const char *one = "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}";
  valid(one, "-1");                                                /* only the first */
  invalid(one, "1", "matches more than one of the allowed forms"); /* both */
  invalid("{\"allOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}", "1", "must be at least 2");
  invalid("{\"not\":{\"type\":\"null\"}}", "null", "not allowed");
  valid("{\"not\":{\"type\":\"null\"}}", "0");
  const char *ref = "{\"$defs\":{\"id\":{\"type\":\"string\",\"pattern\":\"^[0-9]+$\"}},"
                    "\"type\":\"object\",\"properties\":{\"webinarId\":{\"$ref\":\"#/$defs/id\"}}}";
  valid(ref, "{\"webinarId\":\"123\"}");
  invalid(ref, "{\"webinarId\":\"abc\"}", "arguments.webinarId: must match the pattern");
  invalid("{\"properties\":{\"a\":false}}", "{\"a\":1}", "arguments.a: is not allowed");
  valid("true", "{\"anything\":[1,2]}");
  /* unknown keywords are ignored */
  valid("{\"format\":\"email\",\"description\":\"d\",\"default\":1}", "\"not-an-email\"");
}

static void compile_errors(void **state) {
  (void)state;
  const char *bad[] = {
      "{\"type\":\"strung\"}",
      "{\"type\":5}",
      "{\"pattern\":\"(unclosed\"}",
      "{\"minLength\":-1}",
      "{\"maxItems\":\"3\"}",
      "{\"$ref\":\"#/$defs/missing\"}",
      "{\"properties\":[]}",
      "{\"required\":\"topic\"}",
      "{\"enum\":\"a\"}",
      "{\"minimum\":\"1\"}",
      "{\"anyOf\":[]}",
      "{\"items\":5}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *doc = json_loads(bad[i], 0, NULL);
    assert_non_null(doc);
    char err[256] = "";
    schema *s = schema_compile(doc, err, sizeof err);
    if (s)
      fail_msg("%s should not compile", bad[i]);
    assert_true(strlen(err) > 0);
    json_decref(doc);
  }
}

static void message_buffer_is_bounded(void **state) {
  (void)state;
  char msg[40];
  memset(msg, 'x', sizeof msg);
  assert_int_equal(
      check("{\"required\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"]}", "{}",
            msg, sizeof msg),
      -1);
  assert_true(strlen(msg) < sizeof msg);
  char big[2048];
  assert_int_equal(
      check("{\"required\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"]}", "{}",
            big, sizeof big),
      -1);
  assert_non_null(strstr(big, "; ...")); /* at most 8 named, then an ellipsis */
}

/* ---- through tools/call ---------------------------------------------------------- */

static int handler_runs;

static json_t *tool_create(mcp_call *call, json_t *args) {
  (void)call, (void)args;
  handler_runs++;
  return mcp_tool_structured(json_pack("{s:i}", "id", 42));
}

static const mcp_tool tools[] = {
    {.name = "create_webinar",
     .input_schema =
         "{\"type\":\"object\",\"required\":[\"topic\"],\"properties\":{\"topic\":{\"type\":"
         "\"string\",\"maxLength\":200},\"settings\":{\"type\":\"object\",\"properties\":{"
         "\"approval_type\":{\"type\":\"integer\",\"enum\":[0,1,2]}}}},"
         "\"additionalProperties\":false}",
     .output_schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}",
     .fn = tool_create},
};

static void tools_call_validates_before_the_handler(void **state) {
  (void)state;
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  mcp_server *srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(srv, tools, 1), 0);
  mcptest t;
  mcptest_start(&t, srv);
  json_t *init = mcptest_initialize(&t, "2025-11-25", NULL);
  json_decref(init);
  handler_runs = 0;
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                   "\"create_webinar\",\"arguments\":{\"topic\":\"t\",\"settings\":"
                   "{\"approval_type\":7}}}}");
  json_t *r = mcptest_reply(&t, 1);
  json_t *result = json_object_get(r, "result");
  assert_true(json_is_true(json_object_get(result, "isError")));
  const char *text = json_string_value(
      json_object_get(json_array_get(json_object_get(result, "content"), 0), "text"));
  assert_non_null(strstr(text, "arguments.settings.approval_type: must be one of 0, 1, 2"));
  assert_int_equal(handler_runs, 0);
  json_decref(r);
  /* a good call runs the handler and returns structuredContent plus the same text */
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                   "\"create_webinar\",\"arguments\":{\"topic\":\"t\"}}}");
  r = mcptest_reply(&t, 2);
  result = json_object_get(r, "result");
  assert_int_equal(handler_runs, 1);
  assert_int_equal(
      json_integer_value(json_object_get(json_object_get(result, "structuredContent"), "id")), 42);
  text = json_string_value(
      json_object_get(json_array_get(json_object_get(result, "content"), 0), "text"));
  json_t *parsed = json_loads(text, 0, NULL);
  assert_true(json_equal(parsed, json_object_get(result, "structuredContent")));
  json_decref(parsed);
  json_decref(r);
  /* arguments that are not an object, and an unknown tool, are protocol errors */
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":"
                   "\"create_webinar\",\"arguments\":[1]}}");
  r = mcptest_reply(&t, 3);
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":"
                   "\"no_such_tool\"}}");
  r = mcptest_reply(&t, 4);
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  mcptest_stop(&t);
  mcp_server_free(srv);
}

static json_t *tool_wrong_output(mcp_call *call, json_t *args) {
  (void)call, (void)args;
  return mcp_tool_structured(json_pack("{s:s}", "id", "not a number"));
}

static const mcp_tool wrong_tools[] = {
    {.name = "wrong_output",
     .output_schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}",
     .fn = tool_wrong_output},
};

static void output_mismatch_is_logged(void **state) {
  (void)state;
  char path[] = "/tmp/mcp-schema-log-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(log_set_file(path), 0);
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  mcp_server *srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(srv, wrong_tools, 1), 0);
  mcptest t;
  mcptest_start(&t, srv);
  json_t *init = mcptest_initialize(&t, "2025-11-25", NULL);
  json_decref(init);
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                   "\"wrong_output\"}}");
  json_t *r = mcptest_reply(&t, 1);
  assert_non_null(json_object_get(r, "result")); /* the client still gets it */
  json_decref(r);
  mcptest_stop(&t);
  mcp_server_free(srv);
  log_set_file(NULL);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char text[4096];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  unlink(path);
  assert_non_null(strstr(text, "wrong_output"));
  assert_non_null(strstr(text, "structuredContent.id: must be an integer"));
}

static void registration_refuses_bad_tables(void **state) {
  (void)state;
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  mcp_server *srv = mcp_server_new(&cfg);
  const mcp_tool bad_json[] = {{.name = "a", .input_schema = "{not json", .fn = tool_create}};
  assert_int_equal(mcp_server_add_tools(srv, bad_json, 1), -1);
  const mcp_tool bad_schema[] = {
      {.name = "b", .input_schema = "{\"type\":\"object\",\"pattern\":\"(\"}", .fn = tool_create}};
  assert_int_equal(mcp_server_add_tools(srv, bad_schema, 1), -1);
  const mcp_tool bad_name[] = {{.name = "has space", .fn = tool_create}};
  assert_int_equal(mcp_server_add_tools(srv, bad_name, 1), -1);
  assert_int_equal(mcp_server_add_tools(srv, tools, 1), 0);
  assert_int_equal(mcp_server_add_tools(srv, tools, 1), -1); /* name taken */
  mcp_server_free(srv);
}

/* Parsed schemas are compiled at the first call: a broken one is found by
 * mcp_server_check_tools, and a call of that tool is a tool error, not a crash. */
static void parsed_schemas_compile_at_first_use(void **state) {
  (void)state;
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  mcp_server *srv = mcp_server_new(&cfg);
  const mcp_tool lazy[] = {{.name = "good", .fn = tool_create}, {.name = "bad", .fn = tool_create}};
  json_t *inputs[] = {json_pack("{s:s}", "type", "object"),
                      json_pack("{s:s, s:s}", "type", "object", "pattern", "(")};
  assert_int_equal(mcp_server_add_tools_parsed(srv, lazy, 2, inputs, NULL), 0);
  json_decref(inputs[0]);
  json_decref(inputs[1]);
  assert_int_equal(mcp_server_check_tools(srv), -1);
  mcptest t;
  mcptest_start(&t, srv);
  json_decref(mcptest_initialize(&t, "2025-11-25", NULL));
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                   "\"bad\"}}");
  json_t *r = mcptest_reply(&t, 1);
  json_t *res = json_object_get(r, "result");
  assert_true(json_is_true(json_object_get(res, "isError")));
  json_decref(r);
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
  r = mcptest_reply(&t, 2);
  assert_int_equal(json_array_size(json_object_get(json_object_get(r, "result"), "tools")), 2);
  json_decref(r);
  mcptest_stop(&t);
  mcp_server_free(srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parsed_schemas_compile_at_first_use),
      cmocka_unit_test(types),
      cmocka_unit_test(enum_and_const),
      cmocka_unit_test(numeric_bounds),
      cmocka_unit_test(string_lengths_count_code_points),
      cmocka_unit_test(patterns),
      cmocka_unit_test(arrays),
      cmocka_unit_test(objects_and_nested_paths),
      cmocka_unit_test(combinators_and_refs),
      cmocka_unit_test(compile_errors),
      cmocka_unit_test(message_buffer_is_bounded),
      cmocka_unit_test(tools_call_validates_before_the_handler),
      cmocka_unit_test(output_mismatch_is_logged),
      cmocka_unit_test(registration_refuses_bad_tables),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
