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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(request_log_keeps_the_exact_request),
      cmocka_unit_test(request_log_is_a_bounded_ring),
      cmocka_unit_test(unknown_paths_methods_and_big_bodies),
      cmocka_unit_test(seed_data_is_deterministic),
      cmocka_unit_test(state_file_survives_a_restart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
