/* test_sim_livestream.c - the sandbox's webinar live stream, its status, and invite links over real
 * HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/simres.h"

static simtest T;
static long long WID, OTHER;

static int setup(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 2;
  if (simtest_start(&T, &opt) != 0)
    return -1;
  WID = simtest_webinar_id(&T, "Product launch");
  OTHER = simtest_webinar_id(&T, "Customer onboarding");
  return WID > 0 && OTHER > 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  simtest_stop(&T);
  return 0;
}

static void test_livestream(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/livestream", WID), 200);
  assert_string_equal(simres_str(r, "stream_url"), "");
  assert_true(json_is_string(json_object_get(r, "page_url")));
  assert_true(json_is_string(json_object_get(r, "stream_key")));
  assert_true(json_is_string(json_object_get(r, "resolution")));
  json_decref(r);
  /* starting an unconfigured stream: 3000 */
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH", "{\"action\":\"start\"}", &r,
                                "/v2/webinars/%lld/livestream/status", WID),
                   400);
  assert_int_equal(simres_int(r, "code"), 3000);
  json_decref(r);
  assert_int_equal(simres_callf(&T, "PATCH",
                                "{\"page_url\":\"https://example.org/live\",\"stream_key\":\"k1\","
                                "\"stream_url\":\"rtmp://stream.example.org/app\",\"resolution\":"
                                "\"720p\"}",
                                NULL, "/v2/webinars/%lld/livestream", WID),
                   204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/livestream", WID), 200);
  assert_string_equal(simres_str(r, "page_url"), "https://example.org/live");
  assert_string_equal(simres_str(r, "stream_key"), "k1");
  assert_string_equal(simres_str(r, "stream_url"), "rtmp://stream.example.org/app");
  assert_string_equal(simres_str(r, "resolution"), "720p");
  json_decref(r);
  /* settings only while stopped; then start and stop */
  assert_int_equal(simres_callf(&T, "PATCH",
                                "{\"action\":\"start\",\"settings\":{\"active_speaker_name\":true,"
                                "\"display_name\":\"Launch\"}}",
                                NULL, "/v2/webinars/%lld/livestream/status", WID),
                   204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH",
                                "{\"action\":\"stop\",\"settings\":{\"display_name\":\"X\"}}", &r,
                                "/v2/webinars/%lld/livestream/status", WID),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  assert_int_equal(simres_callf(&T, "PATCH", "{\"action\":\"stop\"}", NULL,
                                "/v2/webinars/%lld/livestream/status", WID),
                   204);
  /* bad bodies: 300 */
  static const char *const bad_patch[] = {
      "{\"stream_key\":\"k\",\"stream_url\":\"rtmp://x\"}",
      "{\"page_url\":\"not a uri\",\"stream_key\":\"k\",\"stream_url\":\"rtmp://x\"}",
  };
  for (size_t i = 0; i < sizeof bad_patch / sizeof bad_patch[0]; i++) {
    r = NULL;
    assert_int_equal(
        simres_callf(&T, "PATCH", bad_patch[i], &r, "/v2/webinars/%lld/livestream", WID), 400);
    assert_int_equal(simres_int(r, "code"), 300);
    json_decref(r);
  }
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH", "{\"action\":\"pause\"}", &r,
                                "/v2/webinars/%lld/livestream/status", WID),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH",
                                "{\"action\":\"stop\",\"settings\":{\"display_name\":\"\"}}", &r,
                                "/v2/webinars/%lld/livestream/status", WID),
                   400);
  json_decref(r);
}

static void test_invite_links(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(
      simres_callf(&T, "POST",
                   "{\"ttl\":3600,\"attendees\":[{\"name\":\"Ann\"},{\"name\":\"Bo\"}]}", &r,
                   "/v2/webinars/%lld/invite_links", OTHER),
      201);
  json_t *att = json_object_get(r, "attendees");
  assert_int_equal(json_array_size(att), 2);
  assert_string_equal(simres_str(json_array_get(att, 1), "name"), "Bo");
  const char *u0 = simres_str(json_array_get(att, 0), "join_url");
  const char *u1 = simres_str(json_array_get(att, 1), "join_url");
  assert_non_null(strstr(u0, "https://"));
  assert_string_not_equal(u0, u1);
  json_decref(r);
  /* limits: no attendees, 501 attendees, a name over 64, ttl out of range */
  char *body = malloc(16 * 1024);
  assert_non_null(body);
  size_t off = (size_t)snprintf(body, 16 * 1024, "{\"attendees\":[");
  for (int i = 0; i < 501; i++)
    off += (size_t)snprintf(body + off, 16 * 1024 - off, "%s{\"name\":\"a\"}", i ? "," : "");
  snprintf(body + off, 16 * 1024 - off, "]}");
  const char *bad[] = {
      "{\"attendees\":[]}",
      body,
      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one string, split to fit the line
      "{\"attendees\":[{\"name\":"
      "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "\"}]}",
      "{\"ttl\":7776001,\"attendees\":[{\"name\":\"a\"}]}",
      "{\"ttl\":-1,\"attendees\":[{\"name\":\"a\"}]}",
      "{\"attendees\":[{}]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    r = NULL;
    int st = simres_callf(&T, "POST", bad[i], &r, "/v2/webinars/%lld/invite_links", OTHER);
    if (st != 400 || simres_int(r, "code") != 300)
      fail_msg("body %zu answered %d", i, st);
    json_decref(r);
  }
  free(body);
  /* 500 attendees and ttl 7776000 are fine */
  body = malloc(16 * 1024);
  assert_non_null(body);
  off = (size_t)snprintf(body, 16 * 1024, "{\"ttl\":7776000,\"attendees\":[");
  for (int i = 0; i < 500; i++)
    off += (size_t)snprintf(body + off, 16 * 1024 - off, "%s{\"name\":\"a\"}", i ? "," : "");
  snprintf(body + off, 16 * 1024 - off, "]}");
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", body, &r, "/v2/webinars/%lld/invite_links", OTHER),
                   201);
  assert_int_equal(json_array_size(json_object_get(r, "attendees")), 500);
  json_decref(r);
  free(body);
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", "{\"attendees\":[{\"name\":\"a\"}]}", &r,
                                "/v2/webinars/12345678901/invite_links"),
                   404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_livestream),
      cmocka_unit_test(test_invite_links),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
