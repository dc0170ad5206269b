/* test_write.c - the MCP core's JSON writer (jsonrpc_buf_put_json) against
 * jansson's json_dumpb, and the frame of a tool result: the same bytes as
 * before the structured content was serialized once, in both eras. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp/core.h"
#include "mcp/jsonrpc.h"
#include "mcp/mcp.h"

#define FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

/* json_dumpb's text of V, heap-allocated; *LEN its length (0: it failed). */
static char *dumpb(const json_t *v, size_t *len) {
  size_t n = json_dumpb(v, NULL, 0, FLAGS);
  char *text = malloc(n ? n : 1);
  assert_non_null(text);
  *len = n ? json_dumpb(v, text, n, FLAGS) : 0;
  return text;
}

/* Checks that the writer gives json_dumpb's bytes for V (stolen), starting
 * in a buffer of STORAGE bytes (0: none). */
static void check_same(json_t *v, size_t storage) {
  assert_non_null(v);
  size_t want_len;
  char *want = dumpb(v, &want_len);
  assert_true(want_len > 0);
  char *room = storage ? malloc(storage) : NULL;
  jsonrpc_buf b;
  jsonrpc_buf_init(&b, room, storage);
  assert_int_equal(jsonrpc_buf_put_json(&b, v, NULL), 0);
  assert_false(b.failed);
  if (b.len != want_len || memcmp(b.data, want, want_len) != 0)
    fail_msg("writer: %.*s\njansson: %.*s", (int)(b.len < 400 ? b.len : 400), b.data,
             (int)(want_len < 400 ? want_len : 400), want);
  jsonrpc_buf_release(&b);
  free(room);
  free(want);
  json_decref(v);
}

static void strings_are_escaped_as_jansson_does(void **state) {
  (void)state;
  /* every byte below 0x80 alone, NUL included, and in a run of text */
  for (int c = 0; c < 0x80; c++) {
    char one = (char)c;
    check_same(json_stringn(&one, 1), 64);
    char text[8] = {'a', (char)c, 'b', (char)c, (char)c, 'z', 0, 0};
    check_same(json_stringn(text, 6), 64);
  }
  /* UTF-8 of every length, the edges of the ranges, separators JSON keeps */
  static const char *const texts[] = {
      "",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
      "line\xe2\x80\xa8sep\xe2\x80\xa9",
      "quote \" backslash \\ slash / tab \t nl \n cr \r bell \a del \x7f",
      "\"\\\"\\\\\"",
      "\x01\x02\x1f\x1e",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    check_same(json_string(texts[i]), 0);
    check_same(json_pack("{s:s}", texts[i], texts[i]), 16); /* as a key too */
  }
}

static void values_are_written_as_jansson_does(void **state) {
  (void)state;
  check_same(json_null(), 0);
  check_same(json_true(), 0);
  check_same(json_false(), 0);
  check_same(json_integer(0), 0);
  check_same(json_integer(INT64_MAX), 0);
  check_same(json_integer(INT64_MIN), 0);
  const double reals[] = {0.0, -0.0, 1.0, 0.1, -2.5e-7, 1e300, 5e-324, 123456789.125};
  for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
    check_same(json_real(reals[i]), 0);
  check_same(json_object(), 0);
  check_same(json_array(), 0);
  check_same(json_pack("{s:{},s:[],s:[{},[[]],n]}", "a", "b", "c"), 0);
  /* members in insertion order, not sorted */
  check_same(json_pack("{s:i,s:i,s:i,s:{s:b,s:f}}", "z", 1, "a", 2, "m", 3, "n", "y", 1, "x", 0.5),
             8);
  /* a key with a NUL in it */
  json_t *obj = json_object();
  json_object_setn_new(obj, "a\0b", 3, json_integer(1));
  check_same(obj, 0);
  /* deep, but within jansson's parser depth */
  json_t *deep = json_string("bottom");
  for (int i = 0; i < 500; i++)
    deep = i % 2 ? json_pack("[o]", deep) : json_pack("{s:o}", "k", deep);
  check_same(deep, 1024);
}

/* A webinar-sized reply with every kind of string, repeated until it is
 * large: the writer's growth from its storage to the heap included. */
static json_t *large_data(size_t copies) {
  json_t *items = json_array();
  for (size_t i = 0; i < copies; i++)
    json_array_append_new(
        items, json_pack("{s:I,s:s,s:s,s:s,s:b,s:n,s:f,s:[s,s]}", "id", (json_int_t)(1000 + i),
                         "topic", "Caf\xc3\xa9 \"Q&A\" \xe2\x80\x94 \xf0\x9f\x8e\xa4 ask\\answer",
                         "agenda", "line 1\nline 2\r\n\ttabbed \x01\x1f end", "join_url",
                         "https://zoom.us/w/123?tk=a/b+c", "registration", 1, "alternative_hosts",
                         "duration_hours", 0.25 * (double)i, "occurrences",
                         "\xe6\x97\xa5\xe6\x9c\xac", "\x7f"));
  return json_pack("{s:o,s:I}", "webinars", items, "total_records", (json_int_t)copies);
}

static void large_values_grow_past_the_storage(void **state) {
  (void)state;
  check_same(large_data(2000), 4096); /* about 500 KB */
  check_same(large_data(3), 0);
}

static void failures_match_jansson(void **state) {
  (void)state;
  /* not UTF-8: a stray continuation byte, an overlong form, a surrogate,
   * beyond U+10FFFF, a sequence cut short */
  static const char *const bad[] = {"a\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                    "\xe2\x82"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *v = json_pack("{s:[o]}", "k", json_stringn_nocheck(bad[i], strlen(bad[i])));
    assert_int_equal(json_dumpb(v, NULL, 0, FLAGS), 0);
    jsonrpc_buf b;
    jsonrpc_buf_init(&b, NULL, 0);
    assert_int_equal(jsonrpc_buf_put_json(&b, v, NULL), -1);
    assert_true(b.failed);
    jsonrpc_buf_release(&b);
    json_decref(v);
  }
  /* a loop: jansson finds it, the writer stops at the depth limit */
  json_t *obj = json_object(), *arr = json_array();
  json_array_append(arr, obj);
  json_object_set(obj, "loop", arr);
  assert_int_equal(json_dumpb(obj, NULL, 0, FLAGS), 0);
  jsonrpc_buf b;
  jsonrpc_buf_init(&b, NULL, 0);
  assert_int_equal(jsonrpc_buf_put_json(&b, obj, NULL), -1);
  jsonrpc_buf_release(&b);
  json_array_clear(arr);
  json_decref(arr);
  json_decref(obj);
}

static void splice_writes_the_text_given(void **state) {
  (void)state;
  json_t *inner = json_pack("{s:i}", "a", 1);
  json_t *outer = json_pack("{s:O,s:[O]}", "x", inner, "y", inner);
  jsonrpc_splice splice = {.value = inner, .text = "SPLICED", .len = 7};
  jsonrpc_buf b;
  jsonrpc_buf_init(&b, NULL, 0);
  assert_int_equal(jsonrpc_buf_put_json(&b, outer, &splice), 0);
  assert_int_equal(b.len, strlen("{\"x\":SPLICED,\"y\":[SPLICED]}"));
  assert_memory_equal(b.data, "{\"x\":SPLICED,\"y\":[SPLICED]}", b.len);
  jsonrpc_buf_release(&b);
  json_decref(outer);
  json_decref(inner);
}

/* ---- the frame of a tool result ------------------------------------------------ */

/* Every frame the session sent, as sent (a JSON array of strings). */
typedef struct raw_frames {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  json_t *frames;
} raw_frames;

static void raw_send(void *ctx, void *tag, const char *msg, size_t len) {
  (void)tag;
  raw_frames *r = ctx;
  pthread_mutex_lock(&r->mu);
  json_array_append_new(r->frames, json_stringn_nocheck(msg, len));
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
}

/* Waits up to 10 s for the Nth frame (1-based); returns it (borrowed) or NULL. */
static json_t *raw_wait(raw_frames *r, size_t n) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  pthread_mutex_lock(&r->mu);
  while (json_array_size(r->frames) < n)
    if (pthread_cond_timedwait(&r->cv, &r->mu, &deadline) != 0)
      break;
  json_t *frame = json_array_get(r->frames, n - 1);
  pthread_mutex_unlock(&r->mu);
  return frame;
}

static size_t data_copies;
static bool mutate_after;

static json_t *tool_structured(mcp_call *call, json_t *args) {
  (void)call, (void)args;
  json_t *data = large_data(data_copies);
  json_t *result = mcp_tool_structured(data);
  if (mutate_after) /* breaks the contract, to show the reply writes the text made above */
    json_object_set_new(data, "changed_afterwards", json_true());
  return result;
}

static const mcp_tool frame_tools[] = {{.name = "structured", .fn = tool_structured}};

/* The reply the server sent before this change: the text dumped by jansson,
 * then the whole frame dumped by jansson. MODERN adds what a 2026-07-28
 * result carries. New string. */
static char *old_path_frame(json_int_t id, bool modern, size_t *len) {
  json_t *data = large_data(data_copies);
  char *text = json_dumps(data, FLAGS);
  json_t *result = json_pack("{s:[{s:s,s:s}],s:o}", "content", "type", "text", "text", text,
                             "structuredContent", data);
  free(text);
  if (modern) {
    json_object_set_new(result, "resultType", json_string("complete"));
    json_object_set_new(
        result, "_meta",
        json_pack("{s:{s:s,s:s}}", META_SERVER_INFO, "name", "unit", "version", "1.0"));
  }
  json_t *frame = json_pack("{s:s,s:I,s:o}", "jsonrpc", "2.0", "id", id, "result", result);
  char *out = dumpb(frame, len);
  json_decref(frame);
  return out;
}

static void tool_result_frame_is_unchanged(void **state) {
  (void)state;
  mcp_server_config cfg = {.name = "unit", .version = "1.0"};
  mcp_server *srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(srv, frame_tools, 1), 0);
  raw_frames r = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
  r.frames = json_array();
  mcp_session *s = mcp_session_new(srv, raw_send, &r);
  const char *init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                     "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}}";
  mcp_session_handle(s, init, strlen(init), NULL);
  assert_non_null(raw_wait(&r, 1));
  const char *legacy = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{"
                       "\"name\":\"structured\"}}";
  const char *modern =
      "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":"
      "\"structured\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
      "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
  const size_t sizes[] = {1, 3, 1500}; /* the last about 380 KB */
  size_t frames = 1;
  int id = 2;
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    data_copies = sizes[k];
    for (int era = 0; era < 2; era++, id++) {
      char req[512];
      snprintf(req, sizeof req, era ? modern : legacy, id);
      mcp_session_handle(s, req, strlen(req), NULL);
      json_t *got = raw_wait(&r, ++frames);
      assert_non_null(got);
      size_t want_len;
      char *want = old_path_frame(id, era == 1, &want_len);
      assert_int_equal(json_string_length(got), want_len);
      assert_memory_equal(json_string_value(got), want, want_len);
      free(want);
    }
  }
  /* The data is serialized once: the reply writes the text mcp_tool_structured
   * made, so a change to the data made afterwards (against the contract)
   * shows in neither. */
  data_copies = 1;
  mutate_after = true;
  mcp_session_handle(s,
                     "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"tools/call\",\"params\":{"
                     "\"name\":\"structured\"}}",
                     strlen("{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"tools/call\","
                            "\"params\":{\"name\":\"structured\"}}"),
                     NULL);
  json_t *got = raw_wait(&r, ++frames);
  assert_non_null(got);
  assert_null(strstr(json_string_value(got), "changed_afterwards"));
  size_t want_len;
  char *want = old_path_frame(99, false, &want_len);
  assert_int_equal(json_string_length(got), want_len);
  assert_memory_equal(json_string_value(got), want, want_len);
  free(want);
  mutate_after = false;
  mcp_session_free(s);
  mcp_server_free(srv);
  json_decref(r.frames);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(strings_are_escaped_as_jansson_does),
      cmocka_unit_test(values_are_written_as_jansson_does),
      cmocka_unit_test(large_values_grow_past_the_storage),
      cmocka_unit_test(failures_match_jansson),
      cmocka_unit_test(splice_writes_the_text_given),
      cmocka_unit_test(tool_result_frame_is_unchanged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
