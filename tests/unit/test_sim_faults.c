/* test_sim_faults.c - the sandbox's fault injection and rate limits, each kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../support/simtest.h"
#include "base/num.h"

/* A sandbox with FAULTS set after the token was fetched. */
static void start_with(simtest *t, const sim_faults *faults, uint64_t seed) {
  sim_options opt;
  sim_options_init(&opt);
  opt.seed = seed;
  opt.seed_webinars = 1;
  assert_int_equal(simtest_start(t, &opt), 0);
  assert_true(t->token[0] != '\0');
  if (faults)
    sim_set_faults(t->s, faults);
}

static void latency_delays_replies(void **state) {
  (void)state;
  simtest t;
  sim_faults f = {0};
  f.latency_min_ms = 400;
  f.latency_max_ms = 400;
  start_with(&t, &f, 1);
  /* A client that waits 100 ms cannot get a reply delayed by 400 ms. */
  char auth[200];
  snprintf(auth, sizeof auth, "Bearer %s", t.token);
  simtest_reply r;
  assert_int_equal(simtest_call_ex(&t, "GET", "/v2/users/me", NULL, auth, NULL, 100, &r), -1);
  assert_int_equal(r.curl_code, CURLE_OPERATION_TIMEDOUT);
  simtest_reply_free(&r);
  /* One that waits long enough gets it. */
  assert_int_equal(simtest_call_ex(&t, "GET", "/v2/users/me", NULL, auth, NULL, 20000, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  simtest_stop(&t);
  /* A range parses, and a bad one does not. */
  sim_faults g = {0};
  assert_int_equal(sim_faults_parse_latency(&g, "5-20"), 0);
  assert_int_equal(g.latency_min_ms, 5);
  assert_int_equal(g.latency_max_ms, 20);
  assert_int_equal(sim_faults_parse_latency(&g, "20-5"), -1);
  assert_int_equal(sim_faults_parse_latency(&g, "x"), -1);
}

/* The statuses of N GET /v2/users/me under seed SEED and faults F. */
static void statuses(const sim_faults *f, uint64_t seed, long *out, int n) {
  simtest t;
  start_with(&t, f, seed);
  for (int i = 0; i < n; i++) {
    simtest_reply r;
    simtest_call(&t, "GET", "/v2/users/me", NULL, &r);
    out[i] = r.status;
    simtest_reply_free(&r);
  }
  simtest_stop(&t);
}

static void errors_5xx_at_a_rate_deterministically(void **state) {
  (void)state;
  enum { N = 60 };
  long a[N], b[N], c[N];
  sim_faults f = {0};
  f.rate_5xx = 0.5;
  f.status_5xx = 502;
  statuses(&f, 7, a, N);
  statuses(&f, 7, b, N);
  statuses(&f, 8, c, N);
  int fails = 0;
  for (int i = 0; i < N; i++) {
    assert_true(a[i] == 200 || a[i] == 502);
    assert_int_equal(a[i], b[i]); /* same seed, same faults */
    fails += a[i] == 502;
  }
  assert_true(fails > 10 && fails < 50);
  assert_memory_not_equal(a, c, sizeof a); /* another seed, another pattern */
  /* Rate 1: every request fails, with a Zoom-style body. */
  simtest t;
  f.rate_5xx = 1.0;
  f.status_5xx = 0; /* default 503 */
  start_with(&t, &f, 1);
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 503);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 503);
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void bursts_of_429(void **state) {
  (void)state;
  enum { N = 12 };
  long s[N];
  sim_faults f = {0};
  f.burst_429_every = 4;
  f.burst_429_length = 2;
  statuses(&f, 1, s, N);
  /* The token request was the 1st faultable request: requests 4,5 / 8,9 / 12,13
   * overall are 429, i.e. calls 3,4 / 7,8 / 11 here (1-based). */
  const long want[N] = {200, 200, 429, 429, 200, 200, 429, 429, 200, 200, 429, 429};
  for (int i = 0; i < N; i++)
    if (s[i] != want[i])
      fail_msg("call %d: %ld, want %ld", i + 1, s[i], want[i]);
  simtest t;
  f.burst_429_every = 1;
  f.burst_429_length = 1;
  start_with(&t, NULL, 1);
  sim_set_faults(t.s, &f);
  simtest_reply r;
  char v[64];
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 429);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 429);
  assert_non_null(simtest_header(&r, "Retry-After", v, sizeof v));
  assert_non_null(simtest_header(&r, "X-RateLimit-Category", v, sizeof v));
  assert_string_equal(v, "Light");
  assert_non_null(simtest_header(&r, "X-RateLimit-Type", v, sizeof v));
  assert_string_equal(v, "QPS");
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void dropped_connections(void **state) {
  (void)state;
  simtest t;
  sim_faults f = {0};
  f.rate_drop = 1.0;
  start_with(&t, &f, 1);
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), -1);
  assert_int_equal(r.curl_code, CURLE_GOT_NOTHING);
  simtest_reply_free(&r);
  /* The log still shows the request, with status 0. */
  json_t *log = sim_requests(t.s);
  json_t *last = json_array_get(log, json_array_size(log) - 1);
  assert_string_equal(json_string_value(json_object_get(last, "path")), "/v2/users/me");
  assert_int_equal(json_integer_value(json_object_get(last, "status")), 0);
  json_decref(log);
  /* Admin endpoints are never faulted. */
  assert_int_equal(simtest_call_ex(&t, "GET", "/_sim/requests", NULL, NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void truncated_bodies(void **state) {
  (void)state;
  simtest t;
  sim_faults f = {0};
  f.rate_truncate = 1.0;
  start_with(&t, &f, 1);
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), -1);
  assert_int_equal(r.curl_code, CURLE_PARTIAL_FILE);
  assert_true(strlen(r.text) > 0); /* part of the body came */
  assert_null(json_loads(r.text, 0, NULL));
  simtest_reply_free(&r);
  f.rate_truncate = 0;
  sim_set_faults(t.s, &f);
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(r.json);
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void faults_set_over_http(void **state) {
  (void)state;
  simtest t;
  start_with(&t, NULL, 1);
  simtest_reply r;
  assert_int_equal(simtest_call_ex(&t, "POST", "/_sim/faults",
                                   "{\"rate_5xx\":1,\"status_5xx\":500}", NULL, NULL, 0, &r),
                   0);
  assert_int_equal(r.status, 204);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 500);
  simtest_reply_free(&r);
  assert_int_equal(
      simtest_call_ex(&t, "POST", "/_sim/faults", "{\"latency_ms\":\"9-1\"}", NULL, NULL, 0, &r),
      0);
  assert_int_equal(r.status, 400);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call_ex(&t, "POST", "/_sim/faults", "{}", NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 204);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void rate_limits_per_category(void **state) {
  (void)state;
  simtest t;
  start_with(&t, NULL, 1);
  simtest_reply r;
  char v[64];
  /* Off by default: many requests, no 429. */
  for (int i = 0; i < 60; i++) {
    assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
    assert_int_equal(r.status, 200);
    simtest_reply_free(&r);
  }
  sim_set_rate_limits(t.s, true);
  /* Light allows 30 a second: within at most a few hundred requests some
   * second fills up, whatever the machine's speed. */
  int ok = 0;
  bool limited = false;
  for (int i = 0; i < 2000 && !limited; i++) {
    assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
    if (r.status == 429) {
      limited = true;
      assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 429);
      assert_non_null(simtest_header(&r, "X-RateLimit-Category", v, sizeof v));
      assert_string_equal(v, "Light");
      assert_non_null(simtest_header(&r, "X-RateLimit-Type", v, sizeof v));
      assert_string_equal(v, "QPS");
      assert_non_null(simtest_header(&r, "Retry-After", v, sizeof v));
    } else {
      assert_int_equal(r.status, 200);
      assert_non_null(simtest_header(&r, "X-RateLimit-Category", v, sizeof v));
      ok++;
    }
    simtest_reply_free(&r);
  }
  assert_true(limited);
  assert_true(ok >= 1);
  /* GET /users is Medium: its own budget. */
  assert_int_equal(simtest_call(&t, "GET", "/v2/users", NULL, &r), 0);
  if (r.status == 200) {
    assert_non_null(simtest_header(&r, "X-RateLimit-Category", v, sizeof v));
    assert_string_equal(v, "Medium");
  }
  simtest_reply_free(&r);
  simtest_stop(&t);
}

static void daily_limit_of_heavy_requests(void **state) {
  (void)state;
  simtest t;
  sim_options opt;
  sim_options_init(&opt);
  opt.rate_limits = true;
  opt.daily_limit = 5;
  assert_int_equal(simtest_start(&t, &opt), 0);
  simtest_reply r;
  char v[64];
  /* A Heavy route (the report Q&A) counts whatever its answer. */
  for (int i = 0; i < 5; i++) {
    assert_int_equal(simtest_call(&t, "GET", "/v2/report/webinars/1/qa", NULL, &r), 0);
    assert_true(r.status != 429);
    assert_non_null(simtest_header(&r, "X-RateLimit-Remaining", v, sizeof v));
    long long left;
    assert_int_equal(num_parse_ll(v, 0, 1000, &left), 0);
    assert_int_equal(left, 4 - i);
    simtest_reply_free(&r);
    sim_advance_clock(t.s, 1); /* keep clear of the per-second limit */
  }
  assert_int_equal(simtest_call(&t, "GET", "/v2/report/webinars/1/qa", NULL, &r), 0);
  assert_int_equal(r.status, 429);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 429);
  assert_non_null(simtest_header(&r, "X-RateLimit-Type", v, sizeof v));
  assert_string_equal(v, "Daily-limit");
  assert_non_null(simtest_header(&r, "X-RateLimit-Limit", v, sizeof v));
  assert_string_equal(v, "5");
  assert_non_null(simtest_header(&r, "X-RateLimit-Remaining", v, sizeof v));
  assert_string_equal(v, "0");
  assert_non_null(simtest_header(&r, "Retry-After", v, sizeof v));
  assert_int_equal(strlen(v), 20); /* a date-time: yyyy-MM-ddTHH:mm:ssZ */
  simtest_reply_free(&r);
  /* Light requests are not part of that budget. */
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  /* The next day the budget is back (with a new token). */
  sim_advance_clock(t.s, 86400);
  assert_int_equal(simtest_token(&t, "sandbox", "sandbox", "sandbox", &r), 0);
  snprintf(t.token, sizeof t.token, "%s",
           json_string_value(json_object_get(r.json, "access_token")));
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(&t, "GET", "/v2/report/webinars/1/qa", NULL, &r), 0);
  assert_true(r.status != 429);
  simtest_reply_free(&r);
  simtest_stop(&t);
}

/* POSTs BODY to the admin endpoint PATH; returns the status (0 when no reply). */
static long admin_post(simtest *t, const char *path, const char *body) {
  simtest_reply r;
  simtest_call_ex(t, "POST", path, body, NULL, NULL, 0, &r);
  long st = r.status;
  if (st == 400) /* a refusal is Zoom's {"code","message"} */
    assert_non_null(json_string_value(json_object_get(r.json, "message")));
  simtest_reply_free(&r);
  return st;
}

/* The sim clock's "now" after advancing it by ADVANCE (JSON text); -1 when refused. */
static long long clock_after(simtest *t, const char *advance) {
  char body[128];
  snprintf(body, sizeof body, "{\"advance\":%s}", advance);
  simtest_reply r;
  simtest_call_ex(t, "POST", "/_sim/clock", body, NULL, NULL, 0, &r);
  long long now =
      r.status == 200 ? (long long)json_integer_value(json_object_get(r.json, "now")) : -1;
  simtest_reply_free(&r);
  return now;
}

static void admin_values_out_of_range_are_refused(void **state) {
  (void)state;
  simtest t;
  start_with(&t, NULL, 1);
  const char *bad[] = {
      "{\"rate_5xx\":1e300}",
      "{\"rate_5xx\":-0.5}",
      "{\"rate_drop\":2}",
      "{\"rate_truncate\":1.01}",
      "{\"status_5xx\":1e300}",
      "{\"status_5xx\":404}",
      "{\"status_5xx\":600}",
      "{\"burst_429_every\":1e300}",
      "{\"burst_429_every\":-3}",
      "{\"burst_429_every\":2.5}",
      "{\"burst_429_length\":0}",
      "{\"burst_429_length\":9223372036854775807}",
      "{\"latency_ms\":\"1e300\"}",
      "{\"latency_ms\":7}",
      "[1]",
      "{\"rate_5xx\":\"0.5\"}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (admin_post(&t, "/_sim/faults", bad[i]) != 400)
      fail_msg("accepted: %s", bad[i]);
  }
  /* Nothing refused was applied: requests are served normally. */
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  /* The bounds themselves are accepted. */
  assert_int_equal(admin_post(&t, "/_sim/faults",
                              "{\"rate_5xx\":0,\"status_5xx\":599,\"burst_429_every\":1000000,"
                              "\"burst_429_length\":1000000,\"rate_drop\":0,\"rate_truncate\":0}"),
                   204);
  assert_int_equal(admin_post(&t, "/_sim/faults", "{}"), 204);
  /* The clock (last: moving it far expires the token). */
  long long before = clock_after(&t, "0");
  assert_true(before > 0);
  /* Values that overflowed the clock or the casts are refused; the clock stays. */
  assert_int_equal(clock_after(&t, "9223372036854775807"), -1);
  assert_int_equal(clock_after(&t, "-1"), -1);
  assert_int_equal(clock_after(&t, "1.5"), -1);
  long long later = clock_after(&t, "86400");
  assert_true(later >= before + 86400 && later < before + 86400 + 60);
  /* The total is bounded too: a series of large steps stops at the bound. */
  later = clock_after(&t, "3000000000");
  assert_true(later > 0);
  assert_int_equal(clock_after(&t, "3000000000"), -1);
  assert_int_equal(sim_advance_clock(t.s, INT64_MAX), -1);
  assert_int_equal(sim_advance_clock(t.s, -5), -1);
  assert_int_equal(sim_advance_clock(t.s, 60), 0);
  assert_true(clock_after(&t, "0") >= later + 60);

  simtest_stop(&t);
}

static void options_from_environment(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  setenv("ZOOMSIM_LATENCY_MS", "3-9", 1);
  setenv("ZOOMSIM_5XX_RATE", "0.25", 1);
  setenv("ZOOMSIM_429_EVERY", "10", 1);
  setenv("ZOOMSIM_DROP_RATE", "0.1", 1);
  setenv("ZOOMSIM_TRUNCATE_RATE", "0.2", 1);
  setenv("ZOOMSIM_SEED", "99", 1);
  assert_int_equal(sim_options_from_env(&opt), 0);
  assert_int_equal(opt.faults.latency_min_ms, 3);
  assert_int_equal(opt.faults.latency_max_ms, 9);
  assert_true(opt.faults.rate_5xx == 0.25);
  assert_int_equal(opt.faults.burst_429_every, 10);
  assert_true(opt.faults.rate_drop == 0.1);
  assert_true(opt.faults.rate_truncate == 0.2);
  assert_int_equal(opt.seed, 99);
  setenv("ZOOMSIM_5XX_RATE", "2", 1);
  assert_int_equal(sim_options_from_env(&opt), -1);
  unsetenv("ZOOMSIM_LATENCY_MS");
  unsetenv("ZOOMSIM_5XX_RATE");
  unsetenv("ZOOMSIM_429_EVERY");
  unsetenv("ZOOMSIM_DROP_RATE");
  unsetenv("ZOOMSIM_TRUNCATE_RATE");
  unsetenv("ZOOMSIM_SEED");
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(latency_delays_replies),
      cmocka_unit_test(errors_5xx_at_a_rate_deterministically),
      cmocka_unit_test(bursts_of_429),
      cmocka_unit_test(dropped_connections),
      cmocka_unit_test(truncated_bodies),
      cmocka_unit_test(faults_set_over_http),
      cmocka_unit_test(rate_limits_per_category),
      cmocka_unit_test(daily_limit_of_heavy_requests),
      cmocka_unit_test(options_from_environment),
      cmocka_unit_test(admin_values_out_of_range_are_refused),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
