/* test_mutations.c - robustness of the MCP core against damaged input: a
 * seeded generator mutates valid frames (bytes flipped, cut, duplicated,
 * spliced; or, as JSON, a member replaced by a value of another type, or
 * removed) and feeds thousands of them to one session. Every message the core
 * sends must be a well-formed JSON-RPC 2.0 message, and the session must
 * still answer afterwards. Run under ASan and valgrind by the test suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/mcptest.h"
#include "mcp/mcp.h"

#define ROUNDS 5000

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  return mcp_tool_text("%s", json_string_value(json_object_get(args, "text")));
}

static json_t *read_res(mcp_call *call, const char *uri, json_t *vars) {
  (void)call, (void)vars;
  return json_pack("[{s:s,s:s}]", "uri", uri, "text", "x");
}

static json_t *prompt_get(mcp_call *call, json_t *args) {
  (void)call, (void)args;
  return json_pack("{s:[]}", "messages");
}

static const mcp_tool tools[] = {
    {.name = "echo",
     .input_schema =
         "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\","
         "\"maxLength\":50,\"pattern\":\"^[a-z ]*$\"},\"n\":{\"type\":\"integer\","
         "\"minimum\":0},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]}}},"
         "\"additionalProperties\":false}",
     .fn = tool_echo}};
static const mcp_resource resources[] = {{.uri = "test://r", .name = "r", .read = read_res}};
static const mcp_resource_template templates[] = {
    {.uri_template = "test://t/{id}/x", .name = "t", .read = read_res}};
static const mcp_prompt_arg args[] = {{.name = "a", .required = true}, {.name = NULL}};
static const mcp_prompt prompts[] = {{.name = "p", .args = args, .get = prompt_get}};

static const char *const seeds[] = {
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
    "\"2025-03-26\",\"capabilities\":{},\"clientInfo\":{\"name\":\"m\",\"version\":\"1\"}}}",
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}",
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/"
    "list\",\"params\":{\"cursor\":\"AAAAAAAAAAAA\"}}",
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
    "\"arguments\":{\"text\":\"hello\",\"n\":3,\"tags\":[\"a\",\"b\"]},\"_meta\":{"
    "\"progressToken\":7}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"s5\",\"method\":\"resources/read\",\"params\":{\"uri\":\"test://"
    "t/9/x\"}}",
    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"prompts/"
    "get\",\"params\":{\"name\":\"p\",\"arguments\":"
    "{\"a\":\"b\"}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"completion/"
    "complete\",\"params\":{\"ref\":{\"type\":"
    "\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
    "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/"
    "logLevel\":\"info\"}}}",
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
    "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
    "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{}}}}}",
    "[{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"x\"}]",
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":4}}",
    "{\"jsonrpc\":\"2.0\",\"id\":11,\"result\":{\"action\":\"accept\"}}",
    "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"logging/"
    "setLevel\",\"params\":{\"level\":\"debug\"}}",
};
#define NSEEDS (sizeof seeds / sizeof seeds[0])

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void) { /* xorshift64*: the same sequence on every run */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static const char interesting[] = "{}[]\",:\\0-9.eE+ \xff\xc3\x80tfn";

/* Writes a mutation of a seed into OUT (NUL-terminated); returns its length. */
static size_t mutate(char *out, size_t cap) {
  const char *seed = seeds[rnd() % NSEEDS];
  size_t len = strlen(seed);
  memcpy(out, seed, len);
  int edits = 1 + (int)(rnd() % 4);
  for (int e = 0; e < edits; e++) {
    size_t at = len ? rnd() % len : 0;
    switch (rnd() % 6) {
    case 0: /* replace a byte */
      if (len)
        out[at] = interesting[rnd() % (sizeof interesting - 1)];
      break;
    case 1: /* cut the tail */
      len = at;
      break;
    case 2: /* delete a span */
      if (len) {
        size_t n = 1 + rnd() % 8;
        if (at + n > len)
          n = len - at;
        memmove(out + at, out + at + n, len - at - n);
        len -= n;
      }
      break;
    case 3: /* insert a byte */
      if (len + 1 < cap) {
        memmove(out + at + 1, out + at, len - at);
        out[at] = interesting[rnd() % (sizeof interesting - 1)];
        len++;
      }
      break;
    case 4: /* duplicate a span */
      if (len && len * 2 < cap) {
        size_t n = 1 + rnd() % 16;
        if (at + n > len)
          n = len - at;
        memmove(out + at + n, out + at, len - at);
        len += n;
      }
      break;
    default: /* splice another seed's tail */
    {
      const char *other = seeds[rnd() % NSEEDS];
      size_t olen = strlen(other), from = olen ? rnd() % olen : 0;
      if (at + (olen - from) < cap) {
        memcpy(out + at, other + from, olen - from);
        len = at + (olen - from);
      }
      break;
    }
    }
  }
  out[len] = '\0';
  return len;
}

/* A random JSON value of any type (shallow). New reference. */
static json_t *random_value(void) {
  switch (rnd() % 9) {
  case 0:
    return json_null();
  case 1:
    return json_boolean(rnd() % 2);
  case 2:
    return json_integer((json_int_t)(rnd() % 2000) - 1000);
  case 3:
    return json_real((double)rnd() / 7.0);
  case 4:
    return json_string("");
  case 5:
    return json_string("2026-07-28");
  case 6:
    return json_array();
  case 7:
    return json_pack("{s:i}", "x", 1);
  default:
    return json_string("tools/call");
  }
}

/* Replaces, removes or adds one member somewhere inside V (an object or an
 * array), walking down a random path. */
static void mutate_tree(json_t *v, int depth) {
  if (json_is_object(v) && json_object_size(v) > 0) {
    size_t pick = rnd() % json_object_size(v), i = 0;
    const char *key;
    json_t *member;
    json_object_foreach(v, key, member) {
      if (i++ != pick)
        continue;
      if ((json_is_object(member) || json_is_array(member)) && depth < 6 && rnd() % 3) {
        mutate_tree(member, depth + 1);
      } else if (rnd() % 4 == 0) {
        json_object_del(v, key);
      } else {
        json_object_set_new(v, key, random_value());
      }
      return;
    }
  } else if (json_is_array(v) && json_array_size(v) > 0) {
    size_t at = rnd() % json_array_size(v);
    json_t *member = json_array_get(v, at);
    if ((json_is_object(member) || json_is_array(member)) && depth < 6 && rnd() % 3)
      mutate_tree(member, depth + 1);
    else
      json_array_set_new(v, at, random_value());
  } else if (json_is_object(v)) {
    json_object_set_new(v, "extra", random_value());
  }
}

/* Writes a well-formed JSON frame with one value changed into OUT. */
static size_t mutate_json(char *out, size_t cap) {
  json_t *doc = json_loads(seeds[rnd() % NSEEDS], 0, NULL);
  assert_non_null(doc);
  int edits = 1 + (int)(rnd() % 2);
  for (int e = 0; e < edits; e++)
    mutate_tree(doc, 0);
  size_t len = json_dumpb(doc, out, cap - 1, JSON_COMPACT);
  json_decref(doc);
  if (len >= cap)
    len = 0;
  out[len] = '\0';
  return len;
}

static void assert_well_formed(json_t *m) {
  if (json_is_array(m)) { /* a batch reply */
    assert_true(json_array_size(m) > 0);
    size_t i;
    json_t *item;
    json_array_foreach(m, i, item) assert_well_formed(item);
    return;
  }
  assert_true(json_is_object(m));
  assert_string_equal(json_string_value(json_object_get(m, "jsonrpc")), "2.0");
  json_t *method = json_object_get(m, "method");
  json_t *result = json_object_get(m, "result");
  json_t *error = json_object_get(m, "error");
  if (method) { /* a notification or request from the server */
    assert_true(json_is_string(method));
    return;
  }
  assert_true((result != NULL) != (error != NULL));
  json_t *id = json_object_get(m, "id");
  assert_true(json_is_string(id) || json_is_integer(id) || (error && json_is_null(id)));
  if (error) {
    assert_true(json_is_integer(json_object_get(error, "code")));
    assert_true(json_is_string(json_object_get(error, "message")));
  } else {
    assert_true(json_is_object(result));
  }
}

static void mutated_frames_get_well_formed_answers(void **state) {
  (void)state;
  mcp_server_config cfg = {.name = "unit", .version = "1", .max_depth = 16};
  mcp_server *srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(srv, tools, 1), 0);
  assert_int_equal(mcp_server_add_resources(srv, resources, 1), 0);
  assert_int_equal(mcp_server_add_templates(srv, templates, 1), 0);
  assert_int_equal(mcp_server_add_prompts(srv, prompts, 1), 0);
  mcptest t;
  mcptest_start(&t, srv);
  char frame[4096];
  for (int i = 0; i < ROUNDS; i++) {
    size_t len = i % 2 ? mutate(frame, sizeof frame) : mutate_json(frame, sizeof frame);
    mcp_session_handle(t.s, frame, len, NULL);
  }
  mcp_session_drain(t.s, false); /* every handler has answered */
  size_t n = mcptest_count(&t);
  assert_true(n > ROUNDS / 4); /* most damaged frames are answered */
  for (size_t i = 0; i < n; i++) {
    json_t *m = mcptest_msg(&t, i);
    assert_false(json_is_string(m)); /* the collector keeps non-JSON output as a string */
    assert_well_formed(m);
    json_decref(m);
  }
  mcptest_stop(&t);
  /* a fresh session on the same server still works */
  mcptest_start(&t, srv);
  mcptest_feed(&t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
  json_t *r = mcptest_result(&t, 1);
  assert_non_null(r);
  json_decref(r);
  mcptest_stop(&t);
  mcp_server_free(srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mutated_frames_get_well_formed_answers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
