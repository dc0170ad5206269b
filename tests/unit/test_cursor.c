/* test_cursor.c - opaque pagination cursors: round trips, refusal of bad or
 * foreign cursors, and paging through the list methods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/mcptest.h"
#include "mcp/cursor.h"
#include "mcp/mcp.h"

static void round_trip(void **state) {
  (void)state;
  const size_t offsets[] = {0, 1, 49, 50, 51, 1000, 65535, 4000000000u};
  for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
    char text[CURSOR_MAX];
    cursor_encode(offsets[i], 0xabcdef01u, text);
    assert_true(strlen(text) > 0 && strlen(text) < CURSOR_MAX);
    for (const char *p = text; *p; p++) /* URL-safe, opaque */
      assert_non_null(
          strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    size_t back = 12345;
    assert_int_equal(cursor_decode(text, 0xabcdef01u, (size_t)-1, &back), 0);
    assert_int_equal(back, offsets[i]);
  }
}

static void refuses_bad_cursors(void **state) {
  (void)state;
  size_t off = 0;
  char good[CURSOR_MAX];
  cursor_encode(50, 7, good);
  assert_int_equal(cursor_decode(good, 7, 100, &off), 0);
  assert_int_equal(cursor_decode(good, 8, 100, &off), -1); /* another list */
  assert_int_equal(cursor_decode(good, 7, 49, &off), -1);  /* past the end now */
  assert_int_equal(cursor_decode("", 7, 100, &off), -1);
  assert_int_equal(cursor_decode("50", 7, 100, &off), -1);
  assert_int_equal(cursor_decode(NULL, 7, 100, &off), -1);
  assert_int_equal(cursor_decode("!!!!!!!!!!!!", 7, 100, &off), -1);
  char longer[CURSOR_MAX + 2];
  snprintf(longer, sizeof longer, "%sA", good);
  assert_int_equal(cursor_decode(longer, 7, 100, &off), -1);
  /* every single-character change is caught */
  size_t caught = 0, tried = 0;
  for (size_t i = 0; i < strlen(good); i++) {
    char bent[CURSOR_MAX];
    strcpy(bent, good);
    bent[i] = bent[i] == 'A' ? 'B' : 'A';
    tried++;
    caught += cursor_decode(bent, 7, (size_t)-1, &off) != 0;
  }
  assert_int_equal(caught, tried);
}

static void hash_depends_on_content(void **state) {
  (void)state;
  uint32_t a = cursor_hash(cursor_hash(2166136261u, "tools"), "x");
  uint32_t b = cursor_hash(cursor_hash(2166136261u, "tools"), "y");
  uint32_t c = cursor_hash(cursor_hash(2166136261u, "prompts"), "x");
  assert_true(a != b && a != c);
}

/* ---- paging through tools/list and prompts/list ------------------------------------ */

#define NTOOLS 120

static json_t *tool_noop(mcp_call *call, json_t *args) {
  (void)call, (void)args;
  return mcp_tool_text("ok");
}

static json_t *prompt_get(mcp_call *call, json_t *args) {
  (void)call, (void)args;
  return json_pack("{s:[]}", "messages");
}

static char names[NTOOLS][24];
static mcp_tool many[NTOOLS];
static const mcp_prompt prompts[] = {{.name = "p1", .get = prompt_get},
                                     {.name = "p2", .get = prompt_get}};

static int setup(void **state) {
  for (int i = 0; i < NTOOLS; i++) {
    snprintf(names[i], sizeof names[i], "tool_%03d", i);
    many[i] = (mcp_tool){.name = names[i], .fn = tool_noop};
  }
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  mcp_server *srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(srv, many, NTOOLS), 0);
  assert_int_equal(mcp_server_add_prompts(srv, prompts, 2), 0);
  mcptest *t = calloc(1, sizeof *t);
  mcptest_start(t, srv);
  json_t *init = mcptest_initialize(t, "2025-11-25", NULL);
  json_decref(init);
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

/* Requests METHOD with CURSOR (NULL for none) as request ID. New reference. */
static json_t *list(mcptest *t, json_int_t id, const char *method, const char *cursor) {
  if (cursor)
    mcptest_feedf(t, "{s:s,s:I,s:s,s:{s:s}}", "jsonrpc", "2.0", "id", id, "method", method,
                  "params", "cursor", cursor);
  else
    mcptest_feedf(t, "{s:s,s:I,s:s}", "jsonrpc", "2.0", "id", id, "method", method);
  return mcptest_reply(t, id);
}

static void pages_cover_every_tool_in_order(void **state) {
  mcptest *t = *state;
  int seen = 0, pages = 0;
  char cursor[64] = "";
  json_int_t id = 100;
  do {
    json_t *r = list(t, id++, "tools/list", seen ? cursor : NULL);
    json_t *result = json_object_get(r, "result");
    assert_non_null(result);
    json_t *tools = json_object_get(result, "tools");
    assert_true(json_array_size(tools) > 0 && json_array_size(tools) <= 50);
    size_t i;
    json_t *tool;
    json_array_foreach(tools, i, tool) {
      assert_string_equal(json_string_value(json_object_get(tool, "name")), names[seen]);
      seen++;
    }
    const char *next = json_string_value(json_object_get(result, "nextCursor"));
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    pages++;
    json_decref(r);
  } while (cursor[0]);
  assert_int_equal(seen, NTOOLS);
  assert_int_equal(pages, 3);
  /* the same cursor gives the same page again (stateless) */
  json_t *first = list(t, id++, "tools/list", NULL);
  const char *c1 =
      json_string_value(json_object_get(json_object_get(first, "result"), "nextCursor"));
  json_t *a = list(t, id++, "tools/list", c1);
  json_t *b = list(t, id++, "tools/list", c1);
  assert_true(json_equal(json_object_get(a, "result"), json_object_get(b, "result")));
  json_decref(first);
  json_decref(a);
  json_decref(b);
}

static void bad_cursor_is_invalid_params(void **state) {
  mcptest *t = *state;
  json_t *r = list(t, 200, "tools/list", "garbage");
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  /* a cursor of the tools list is refused by prompts/list */
  json_t *first = list(t, 201, "tools/list", NULL);
  const char *c1 =
      json_string_value(json_object_get(json_object_get(first, "result"), "nextCursor"));
  assert_non_null(c1);
  r = list(t, 202, "prompts/list", c1);
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
  json_decref(first);
  mcptest_feed(
      t, "{\"jsonrpc\":\"2.0\",\"id\":203,\"method\":\"tools/list\",\"params\":{\"cursor\":5}}");
  r = mcptest_reply(t, 203);
  assert_int_equal(mcptest_error_code(r), MCP_INVALID_PARAMS);
  json_decref(r);
}

static void short_list_has_no_next_cursor(void **state) {
  mcptest *t = *state;
  json_t *r = list(t, 300, "prompts/list", NULL);
  json_t *result = json_object_get(r, "result");
  assert_int_equal(json_array_size(json_object_get(result, "prompts")), 2);
  assert_null(json_object_get(result, "nextCursor"));
  json_decref(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trip),
      cmocka_unit_test(refuses_bad_cursors),
      cmocka_unit_test(hash_depends_on_content),
      cmocka_unit_test_setup_teardown(pages_cover_every_tool_in_order, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_cursor_is_invalid_params, setup, teardown),
      cmocka_unit_test_setup_teardown(short_list_has_no_next_cursor, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
