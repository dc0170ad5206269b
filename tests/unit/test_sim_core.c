/* test_sim_core.c - the sandbox's core: request log, routing errors, determinism, state files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/simtest.h"
#include "sim/sim_internal.h"

static long status_of(simtest *t, const char *method, const char *target, const char *body) {
  simtest_reply r;
  simtest_call(t, method, target, body, &r);
  long st = r.status;
  simtest_reply_free(&r);
  return st;
}

static void request_log_keeps_the_exact_request(void **state) {
  (void)state;
  simtest t;
  assert_int_equal(simtest_start(&t, NULL), 0);
  sim_requests_clear(t.s);
  assert_int_equal(sim_request_count(t.s), 0);
  assert_int_equal(status_of(&t, "GET", "/v2/users?status=pending&page_size=5", NULL), 200);
  assert_int_equal(status_of(&t, "POST", "/v2/users/me/webinars", "{\"topic\":\"Logged\"}"), 201);
  assert_int_equal(status_of(&t, "GET", "/v2/webinars/%2Fab%252Fcd", NULL), 404);
  json_t *log = sim_requests(t.s);
  assert_int_equal(json_array_size(log), 3);
  json_t *e = json_array_get(log, 0);
  assert_string_equal(json_string_value(json_object_get(e, "method")), "GET");
  assert_string_equal(json_string_value(json_object_get(e, "path")), "/v2/users");
  assert_string_equal(json_string_value(json_object_get(e, "query")), "status=pending&page_size=5");
  assert_true(json_is_null(json_object_get(e, "body")));
  assert_int_equal(json_integer_value(json_object_get(e, "status")), 200);
  e = json_array_get(log, 1);
  assert_string_equal(json_string_value(json_object_get(e, "body")), "{\"topic\":\"Logged\"}");
  assert_int_equal(json_integer_value(json_object_get(e, "status")), 201);
  e = json_array_get(log, 2);
  /* The raw path, encoding kept. */
  assert_string_equal(json_string_value(json_object_get(e, "path")), "/v2/webinars/%2Fab%252Fcd");
  json_decref(log);
  /* Over HTTP too; admin requests are not logged. */
  simtest_reply r;
  assert_int_equal(simtest_call_ex(&t, "GET", "/_sim/requests", NULL, NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(json_array_size(json_object_get(r.json, "requests")), 3);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call_ex(&t, "DELETE", "/_sim/requests", NULL, NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 204);
  simtest_reply_free(&r);
  assert_int_equal(sim_request_count(t.s), 0);
  simtest_stop(&t);
}

static void request_log_is_a_bounded_ring(void **state) {
  (void)state;
  simtest t;
  sim_options opt;
  sim_options_init(&opt);
  opt.request_log_max = 4;
  assert_int_equal(simtest_start(&t, &opt), 0);
  for (int i = 0; i < 6; i++) {
    char target[64];
    snprintf(target, sizeof target, "/v2/users?page_size=%d", i + 1);
    assert_int_equal(status_of(&t, "GET", target, NULL), 200);
  }
  json_t *log = sim_requests(t.s);
  assert_int_equal(json_array_size(log), 4);
  assert_string_equal(json_string_value(json_object_get(json_array_get(log, 0), "query")),
                      "page_size=3");
  assert_string_equal(json_string_value(json_object_get(json_array_get(log, 3), "query")),
                      "page_size=6");
  json_decref(log);
  simtest_stop(&t);
}

static void unknown_paths_methods_and_big_bodies(void **state) {
  (void)state;
  simtest t;
  assert_int_equal(simtest_start(&t, NULL), 0);
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/nothing/here", NULL, &r), 0);
  assert_int_equal(r.status, 404);
  assert_non_null(json_object_get(r.json, "code"));
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(&t, "PUT", "/v2/users/me", "{}", &r), 0);
  assert_int_equal(r.status, 405);
  simtest_reply_free(&r);
  size_t big = 5u * 1024u * 1024u;
  char *body = malloc(big + 1);
  memset(body, 'a', big);
  body[big] = '\0';
  assert_int_equal(simtest_call(&t, "POST", "/v2/users/me/webinars", body, &r), 0);
  assert_int_equal(r.status, 413);
  simtest_reply_free(&r);
  free(body);
  /* Still serving. */
  assert_int_equal(status_of(&t, "GET", "/v2/users/me", NULL), 200);
  simtest_stop(&t);
}

/* The ids of the owner and of the first seeded webinar under SEED. */
static void ids_for_seed(uint64_t seed, char *user, char *webinar, size_t len) {
  simtest t;
  sim_options opt;
  sim_options_init(&opt);
  opt.seed = seed;
  assert_int_equal(simtest_start(&t, &opt), 0);
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  snprintf(user, len, "%s", json_string_value(json_object_get(r.json, "id")));
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me/webinars?page_size=1", NULL, &r), 0);
  json_t *w = json_array_get(json_object_get(r.json, "webinars"), 0);
  snprintf(webinar, len, "%lld/%s", (long long)json_integer_value(json_object_get(w, "id")),
           json_string_value(json_object_get(w, "uuid")));
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void seed_data_is_deterministic(void **state) {
  (void)state;
  char u1[64], w1[96], u2[64], w2[96], u3[64], w3[96];
  ids_for_seed(42, u1, w1, sizeof u1);
  ids_for_seed(42, u2, w2, sizeof u2);
  ids_for_seed(43, u3, w3, sizeof u3);
  assert_string_equal(u1, u2);
  assert_string_equal(w1, w2);
  assert_string_not_equal(u1, u3);
  assert_string_not_equal(w1, w3);
}

static void state_file_survives_a_restart(void **state) {
  (void)state;
  char dir[] = "/tmp/zoomsim-state-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/state.json", dir);
  sim_options opt;
  sim_options_init(&opt);
  opt.state_file = path;
  simtest t;
  assert_int_equal(simtest_start(&t, &opt), 0);
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "POST", "/v2/users/me/webinars",
                                "{\"topic\":\"Kept\",\"type\":9,\"start_time\":"
                                "\"2030-04-01T10:00:00Z\",\"timezone\":\"UTC\","
                                "\"recurrence\":{\"type\":1,\"end_times\":3}}",
                                &r),
                   0);
  assert_int_equal(r.status, 201);
  long long id = (long long)json_integer_value(json_object_get(r.json, "id"));
  char occ[32];
  snprintf(occ, sizeof occ, "%s",
           json_string_value(json_object_get(
               json_array_get(json_object_get(r.json, "occurrences"), 2), "occurrence_id")));
  simtest_reply_free(&r);
  /* Saved on the change already: the file exists before the stop. */
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  char target[160];
  snprintf(target, sizeof target, "/v2/webinars/%lld?occurrence_id=%s", id, occ);
  assert_int_equal(status_of(&t, "DELETE", target, NULL), 204);
  simtest_stop(&t);

  assert_int_equal(simtest_start(&t, &opt), 0);
  snprintf(target, sizeof target, "/v2/webinars/%lld?show_previous_occurrences=true", id);
  assert_int_equal(simtest_call(&t, "GET", target, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "topic")), "Kept");
  json_t *occs = json_object_get(r.json, "occurrences");
  assert_int_equal(json_array_size(occs), 3);
  assert_string_equal(json_string_value(json_object_get(json_array_get(occs, 2), "status")),
                      "deleted");
  simtest_reply_free(&r);
  /* Ids of new webinars continue the sequence, not repeat it. */
  assert_int_equal(simtest_call(&t, "POST", "/v2/users/me/webinars", "{}", &r), 0);
  assert_int_equal(r.status, 201);
  assert_true(json_integer_value(json_object_get(r.json, "id")) != id);
  simtest_reply_free(&r);
  simtest_stop(&t);

  /* A damaged file is refused, not silently replaced. */
  FILE *f = fopen(path, "w");
  fputs("{not json", f);
  fclose(f);
  sim *s = NULL;
  assert_int_equal(sim_start(&s, &opt), -1);
  assert_null(s);
  unlink(path);
  rmdir(dir);
}

/* The message of an error reply to TARGET, which must be Zoom's {"code","message"}
 * with STATUS and CODE; copied into OUT. */
static void error_message_of(simtest *t, const char *method, const char *target, long status,
                             long code, char *out, size_t len) {
  simtest_reply r;
  assert_int_equal(simtest_call(t, method, target, "{}", &r), 0);
  assert_int_equal(r.status, status);
  if (!r.json)
    fail_msg("%s %s: body is not JSON: \"%s\"", method, target, r.text);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), code);
  const char *msg = json_string_value(json_object_get(r.json, "message"));
  assert_non_null(msg);
  snprintf(out, len, "%s", msg);
  simtest_reply_free(&r);
}

static void error_replies_echo_input_as_valid_utf8(void **state) {
  (void)state;
  simtest t;
  assert_int_equal(simtest_start(&t, NULL), 0);
  sim_requests_clear(t.s);
  char msg[1024];
  /* A byte that is not UTF-8 becomes U+FFFD. */
  error_message_of(&t, "GET", "/v2/webinars/%ff", 404, 3001, msg, sizeof msg);
  assert_string_equal(msg, "Webinar \xEF\xBF\xBD not found or has expired.");
  error_message_of(&t, "GET", "/v2/users/ab%c3", 404, 1001, msg, sizeof msg);
  assert_string_equal(msg, "User does not exist: ab\xEF\xBF\xBD.");
  error_message_of(&t, "GET", "/v2/users/%ed%a0%80/webinars", 404, 1001, msg, sizeof msg);
  /* A long id is cut at a character boundary, never inside "é". */
  char target[256], want[64];
  memset(want, 'a', 63);
  want[63] = '\0';
  snprintf(target, sizeof target, "/v2/webinars/%s%%c3%%a9tail", want);
  error_message_of(&t, "GET", target, 404, 3001, msg, sizeof msg);
  char expect[320];
  snprintf(expect, sizeof expect, "Webinar %s not found or has expired.", want);
  assert_string_equal(msg, expect);
  /* A validation error echoing a query value. */
  long long id = simtest_webinar_id(&t, "");
  assert_true(id > 0);
  snprintf(target, sizeof target, "/v2/webinars/%lld/registrants?occurrence_ids=x%%ff%%e2%%82", id);
  simtest_reply r;
  assert_int_equal(
      simtest_call(&t, "POST", target, "{\"email\":\"u@example.com\",\"first_name\":\"U\"}", &r),
      0);
  assert_int_equal(r.status, 400);
  assert_non_null(r.json);
  json_t *err = json_array_get(json_object_get(r.json, "errors"), 0);
  assert_string_equal(json_string_value(json_object_get(err, "message")),
                      "Invalid occurrence_ids: x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD.");
  simtest_reply_free(&r);
  /* The request log serves every one of them, raw bytes made valid. */
  assert_int_equal(simtest_call_ex(&t, "POST", "/v2/users/me/webinars", "{\"topic\":\"\xff\"}",
                                   NULL, NULL, 0, &r),
                   0);
  assert_int_equal(r.status, 401);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(&t, "POST", "/v2/users/me/webinars", "{\"topic\":\"\xff\"}", &r),
                   0);
  assert_int_equal(r.status, 400); /* not JSON: JSON text is UTF-8 */
  simtest_reply_free(&r);
  assert_int_equal(simtest_call_ex(&t, "GET", "/_sim/requests", NULL, NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(r.json);
  json_t *reqs = json_object_get(r.json, "requests");
  assert_int_equal(json_array_size(reqs), 7);
  assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, 0), "path")),
                      "/v2/webinars/%ff");
  assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, 6), "body")),
                      "{\"topic\":\"\xEF\xBF\xBD\"}");
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void utf8_copy_replaces_and_clips(void **state) {
  (void)state;
  char out[16];
  /* Valid text is kept, each bad byte becomes U+FFFD (overlong, surrogate, > U+10FFFF, NUL). */
  assert_int_equal(sim_utf8_copy(out, sizeof out, "a\xC3\xA9", 3), 3);
  assert_string_equal(out, "a\xC3\xA9");
  assert_int_equal(sim_utf8_copy(out, sizeof out, "\xC0\xAF", 2), 6);
  assert_string_equal(out, "\xEF\xBF\xBD\xEF\xBF\xBD");
  sim_utf8_copy(out, sizeof out, "\xF4\x90\x80\x80", 4);
  assert_int_equal(strlen(out), 12);
  sim_utf8_copy(out, sizeof out, "x\0y", 3);
  assert_string_equal(out, "x\xEF\xBF\xBDy");
  /* Full: stops before a character that does not fit whole. */
  assert_int_equal(sim_utf8_copy(out, 4, "ab\xC3\xA9", 4), 2);
  assert_string_equal(out, "ab");
  assert_int_equal(sim_utf8_copy(out, 4, "\xE2\x82\xAC", 3), 3);
  assert_string_equal(out, "\xE2\x82\xAC");
  assert_int_equal(sim_utf8_copy(out, 3, "\xE2\x82\xAC", 3), 0);
  char clip[5];
  assert_string_equal(sim_text_clip(clip, sizeof clip, "abc\xC3\xA9"), "abc");
  assert_string_equal(sim_text_clip(clip, sizeof clip, NULL), "");
}

/* A JSON body of about LEN bytes (new string): a webinar whose topic is too long. */
static char *big_body(size_t len) {
  char *b = malloc(len + 1);
  assert_non_null(b);
  memset(b, 'a', len);
  memcpy(b, "{\"topic\":\"", 10);
  memcpy(b + len - 2, "\"}", 2);
  b[len] = '\0';
  return b;
}

/* GET /_sim/requests: the reply (owned by the caller, free with simtest_reply_free). */
static void log_over_http(simtest *t, simtest_reply *r) {
  assert_int_equal(simtest_call_ex(t, "GET", "/_sim/requests", NULL, NULL, NULL, 0, r), 0);
  assert_int_equal(r->status, 200);
  assert_non_null(r->json);
}

static long long log_field(const simtest_reply *r, const char *key) {
  json_t *v = json_object_get(r->json, key);
  assert_true(json_is_integer(v));
  return (long long)json_integer_value(v);
}

static void request_log_is_bounded_in_bytes(void **state) {
  (void)state;
  simtest t;
  sim_options opt;
  sim_options_init(&opt);
  opt.request_log_bytes = 1024u * 1024u;
  assert_int_equal(simtest_start(&t, &opt), 0);
  sim_requests_clear(t.s);
  char *body = big_body(64u * 1024u);
  /* 40 authenticated posts of 64 KiB: 2.5 MiB of bodies into a 1 MiB log. */
  for (int i = 0; i < 40; i++)
    assert_int_equal(status_of(&t, "POST", "/v2/users/me/webinars", body), 400);
  assert_int_equal(status_of(&t, "GET", "/v2/users/me", NULL), 200);
  simtest_reply r;
  log_over_http(&t, &r);
  json_t *reqs = json_object_get(r.json, "requests");
  size_t n = json_array_size(reqs);
  assert_true(log_field(&r, "bytes") <= 1024 * 1024);
  assert_true(log_field(&r, "bytes") > 512 * 1024); /* kept as much as fits */
  assert_int_equal(log_field(&r, "max_bytes"), 1024 * 1024);
  assert_int_equal(log_field(&r, "dropped") + (long long)n, 41); /* oldest dropped, said so */
  assert_true(n >= 8 && n < 20);
  /* The newest entries are the ones kept, bodies whole (64 KiB is the per-body cap). */
  assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, n - 1), "path")),
                      "/v2/users/me");
  assert_string_equal(json_string_value(json_object_get(json_array_get(reqs, n - 2), "body")),
                      body);
  simtest_reply_free(&r);
  size_t bytes;
  uint64_t dropped;
  sim_request_log_usage(t.s, &bytes, &dropped);
  assert_true(bytes <= 1024u * 1024u);
  assert_int_equal(dropped + n, 41);
  sim_requests_clear(t.s);
  sim_request_log_usage(t.s, &bytes, &dropped);
  assert_int_equal(bytes, 0);
  assert_int_equal(dropped, 0);
  free(body);
  simtest_stop(&t);
}

static void request_log_keeps_no_body_of_unauthenticated_requests(void **state) {
  (void)state;
  simtest t;
  assert_int_equal(simtest_start(&t, NULL), 0);
  sim_requests_clear(t.s);
  char *body = big_body(64u * 1024u);
  simtest_reply r;
  /* 100 posts of 64 KiB: a bad token, no token, an unknown path without a token. */
  for (int i = 0; i < 100; i++) {
    const char *auth = i % 3 == 0 ? "Bearer not-a-token" : i % 3 == 1 ? NULL : "Basic eDp5";
    const char *path = i % 3 == 2 ? "/v2/no/such/path" : "/v2/users/me/webinars";
    assert_int_equal(simtest_call_ex(&t, "POST", path, body, auth, NULL, 0, &r), 0);
    assert_int_equal(r.status, i % 3 == 2 ? 404 : 401);
    simtest_reply_free(&r);
  }
  /* An OAuth token request with wrong client credentials. */
  assert_int_equal(simtest_call_ex(&t, "POST", "/oauth/token",
                                   "grant_type=account_credentials&account_id=sandbox",
                                   "Basic eDp5", "application/x-www-form-urlencoded", 0, &r),
                   0);
  assert_int_equal(r.status, 400); /* Zoom's invalid_client */
  simtest_reply_free(&r);
  log_over_http(&t, &r);
  json_t *reqs = json_object_get(r.json, "requests");
  assert_int_equal(json_array_size(reqs), 101);
  size_t i;
  json_t *e;
  json_array_foreach(reqs, i, e) {
    assert_true(json_is_null(json_object_get(e, "body")));
  }
  /* Only the request lines are kept: a few hundred bytes each. */
  assert_true(log_field(&r, "bytes") < 101 * 256);
  assert_int_equal(log_field(&r, "dropped"), 0);
  simtest_reply_free(&r);
  /* With a valid token the body is kept. */
  assert_int_equal(status_of(&t, "POST", "/v2/users/me/webinars", "{\"topic\":\"Kept\"}"), 201);
  json_t *log = sim_requests(t.s);
  assert_string_equal(json_string_value(json_object_get(json_array_get(log, 101), "body")),
                      "{\"topic\":\"Kept\"}");
  json_decref(log);
  free(body);
  simtest_stop(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(request_log_keeps_the_exact_request),
      cmocka_unit_test(request_log_is_a_bounded_ring),
      cmocka_unit_test(unknown_paths_methods_and_big_bodies),
      cmocka_unit_test(seed_data_is_deterministic),
      cmocka_unit_test(state_file_survives_a_restart),
      cmocka_unit_test(error_replies_echo_input_as_valid_utf8),
      cmocka_unit_test(utf8_copy_replaces_and_clips),
      cmocka_unit_test(request_log_is_bounded_in_bytes),
      cmocka_unit_test(request_log_keeps_no_body_of_unauthenticated_requests),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
