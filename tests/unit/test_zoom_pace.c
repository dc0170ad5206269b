/* test_zoom_pace.c - the rate-limit pacer, driven with explicit times (no wall clock), and
 * the operation table's categories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "zoom/internal.h"
#include "zoom/scopes.h"

static void plans_parse_and_off_means_no_pacer(void **state) {
  (void)state;
  zoom_rate_plan plan = ZOOM_PLAN_OFF;
  assert_int_equal(zoom_rate_plan_parse("pro", &plan), 0);
  assert_int_equal(plan, ZOOM_PLAN_PRO);
  assert_int_equal(zoom_rate_plan_parse("Business", &plan), 0);
  assert_int_equal(plan, ZOOM_PLAN_BUSINESS);
  assert_int_equal(zoom_rate_plan_parse("off", &plan), 0);
  assert_int_equal(plan, ZOOM_PLAN_OFF);
  assert_int_equal(zoom_rate_plan_parse("enterprise", &plan), -1);
  assert_int_equal(zoom_rate_plan_parse(NULL, &plan), -1);
  assert_null(zoom_pacer_new(ZOOM_PLAN_OFF));
  /* No pacer, or a request outside the API: never waits. */
  for (int i = 0; i < 1000; i++)
    assert_int_equal(zoom_pacer_try(NULL, ZOOM_RATE_HEAVY, 0), 0);
  zoom_pacer *p = zoom_pacer_new(ZOOM_PLAN_PRO);
  assert_non_null(p);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_NONE, 0), 0);
  assert_int_equal(zoom_pacer_try(p, (zoom_rate_category)99, 0), 0);
  zoom_pacer_free(p);
}

static void plan_limits(void **state) {
  (void)state;
  zoom_pacer *pro = zoom_pacer_new(ZOOM_PLAN_PRO);
  zoom_pacer *biz = zoom_pacer_new(ZOOM_PLAN_BUSINESS);
  assert_int_equal(zoom_pacer_limit(pro, ZOOM_RATE_LIGHT), 30);
  assert_int_equal(zoom_pacer_limit(pro, ZOOM_RATE_MEDIUM), 20);
  assert_int_equal(zoom_pacer_limit(pro, ZOOM_RATE_HEAVY), 10);
  assert_int_equal(zoom_pacer_limit(pro, ZOOM_RATE_RESOURCE), 10);
  assert_int_equal(zoom_pacer_limit(biz, ZOOM_RATE_LIGHT), 80);
  assert_int_equal(zoom_pacer_limit(biz, ZOOM_RATE_MEDIUM), 60);
  assert_int_equal(zoom_pacer_limit(biz, ZOOM_RATE_HEAVY), 40);
  assert_int_equal(zoom_pacer_limit(biz, ZOOM_RATE_RESOURCE), 20);
  zoom_pacer_free(pro);
  zoom_pacer_free(biz);
}

/* A burst up to the limit goes at once; then a slot is free one window after the transfer
 * that held it ended, not before. */
static void burst_then_one_window_after_each_end(void **state) {
  (void)state;
  zoom_pacer *p = zoom_pacer_new(ZOOM_PLAN_PRO);
  for (int i = 0; i < 20; i++)
    assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 0), 0);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 0), -1); /* all in flight */
  /* Other categories are independent. */
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_LIGHT, 0), 0);
  zoom_pacer_done(p, ZOOM_RATE_LIGHT, 1);
  for (int i = 0; i < 20; i++)
    zoom_pacer_done(p, ZOOM_RATE_MEDIUM, 10 + i);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 10), 1000);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1009), 1);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1010), 0);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1010), 1); /* the next ended at 11 */
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1029), 0);
  zoom_pacer_free(p);
}

/* Sequential requests of 3 ms each, sent as soon as the pacer allows: however a server
 * aligns its one-second windows, none sees more than the limit, and the pacer keeps the
 * rate close to it. */
static void no_window_ever_sees_more_than_the_limit(void **state) {
  (void)state;
  enum { N = 200, LIMIT = 20, LATENCY = 3 };
  zoom_pacer *p = zoom_pacer_new(ZOOM_PLAN_PRO);
  int64_t arrive[N];
  int64_t now = 5;
  for (int i = 0; i < N; i++) {
    long wait;
    while ((wait = zoom_pacer_try(p, ZOOM_RATE_MEDIUM, now)) != 0) {
      assert_true(wait > 0);
      now += wait;
    }
    arrive[i] = now + 1; /* the server sees it 1 ms after it was sent */
    now += LATENCY;
    zoom_pacer_done(p, ZOOM_RATE_MEDIUM, now);
  }
  for (int64_t offset = 0; offset < 1000; offset += 7) {
    for (int i = 0; i < N; i++) {
      int64_t start = arrive[i] - ((arrive[i] - offset) % 1000 + 1000) % 1000; /* window start */
      int in_window = 0;
      for (int j = 0; j < N; j++)
        in_window += arrive[j] >= start && arrive[j] < start + 1000;
      assert_true(in_window <= LIMIT);
    }
  }
  /* 200 requests at 20 per window: 9 windows of waiting, plus a little per window for the
   * transfers themselves. */
  assert_true(now >= 9 * 1000);
  assert_true(now <= 10 * 1000 + 200);
  zoom_pacer_free(p);
}

/* Resource-intensive requests are limited per minute. */
static void resource_intensive_is_per_minute(void **state) {
  (void)state;
  zoom_pacer *p = zoom_pacer_new(ZOOM_PLAN_PRO);
  for (int i = 0; i < 10; i++) {
    assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_RESOURCE, 0), 0);
    zoom_pacer_done(p, ZOOM_RATE_RESOURCE, 100);
  }
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_RESOURCE, 100), 60000);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_RESOURCE, 60100), 0);
  zoom_pacer_free(p);
}

/* A limit Zoom states is adopted; lowering it below the slots in use waits for enough of
 * them to free, raising it frees slots at once. */
static void learned_limits(void **state) {
  (void)state;
  zoom_pacer *p = zoom_pacer_new(ZOOM_PLAN_PRO);
  for (int i = 0; i < 20; i++) {
    assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 0), 0);
    zoom_pacer_done(p, ZOOM_RATE_MEDIUM, i);
  }
  zoom_pacer_learn(p, ZOOM_RATE_MEDIUM, 5);
  assert_int_equal(zoom_pacer_limit(p, ZOOM_RATE_MEDIUM), 5);
  /* 20 slots free at 1000..1019; under 5 in use once 16 have freed, at 1015. */
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 500), 515);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1015), 0);
  zoom_pacer_learn(p, ZOOM_RATE_MEDIUM, 60);
  for (int i = 0; i < 55; i++)
    assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1015), 0);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1015), 1);
  /* Nonsense is ignored; huge values are capped. */
  zoom_pacer_learn(p, ZOOM_RATE_MEDIUM, 0);
  zoom_pacer_learn(p, ZOOM_RATE_MEDIUM, -3);
  assert_int_equal(zoom_pacer_limit(p, ZOOM_RATE_MEDIUM), 60);
  zoom_pacer_learn(p, ZOOM_RATE_HEAVY, 1L << 40);
  assert_int_equal(zoom_pacer_limit(p, ZOOM_RATE_HEAVY), 1000);
  zoom_pacer_free(p);
}

/* After a per-second 429 the category hands out nothing until the wait is over. */
static void hold_after_a_429(void **state) {
  (void)state;
  zoom_pacer *p = zoom_pacer_new(ZOOM_PLAN_PRO);
  zoom_pacer_hold(p, ZOOM_RATE_LIGHT, 1500);
  zoom_pacer_hold(p, ZOOM_RATE_LIGHT, 1200); /* an earlier end does not shorten it */
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_LIGHT, 1000), 500);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_MEDIUM, 1000), 0);
  assert_int_equal(zoom_pacer_try(p, ZOOM_RATE_LIGHT, 1500), 0);
  zoom_pacer_free(p);
}

typedef struct countdown {
  int polls;
} countdown;

static bool cancel_after_polls(void *ctx) {
  countdown *c = ctx;
  return --c->polls < 0;
}

/* A wait for a slot ends when the caller cancels, and leaves no slot taken. */
static void waiting_is_cancellable(void **state) {
  (void)state;
  zoom_pacer *p = zoom_pacer_new(ZOOM_PLAN_PRO);
  zoom_pacer_learn(p, ZOOM_RATE_HEAVY, 1);
  assert_int_equal(zoom_pacer_acquire(p, ZOOM_RATE_HEAVY, NULL), 0); /* held, never ends */
  countdown c = {3};
  zoom_cancel cancel = {cancel_after_polls, &c};
  assert_int_equal(zoom_pacer_acquire(p, ZOOM_RATE_HEAVY, &cancel), -1);
  assert_true(c.polls < 0);
  assert_int_equal(zoom_pacer_waits(p), 1);
  zoom_pacer_free(p);
}

static void operations_have_their_spec_category(void **state) {
  (void)state;
  assert_int_equal(zoom_rate_category_for("PUT", "/webinars/1/registrants/status"),
                   ZOOM_RATE_MEDIUM);
  assert_int_equal(zoom_rate_category_for("POST", "/webinars/1/panelists"), ZOOM_RATE_MEDIUM);
  assert_int_equal(zoom_rate_category_for("GET", "/webinars/1"), ZOOM_RATE_LIGHT);
  assert_int_equal(zoom_rate_category_for("POST", "/webinars/1/batch_registrants"),
                   ZOOM_RATE_HEAVY);
  assert_int_equal(zoom_rate_category_for("GET", "/v2/report/webinars/1/qa"), ZOOM_RATE_HEAVY);
  assert_int_equal(zoom_rate_category_for("GET", "/no/such/operation"), ZOOM_RATE_DEFAULT);
  assert_int_equal(zoom_rate_category_parse("light"), ZOOM_RATE_LIGHT);
  assert_int_equal(zoom_rate_category_parse("Resource-intensive"), ZOOM_RATE_RESOURCE);
  assert_int_equal(zoom_rate_category_parse("QPS"), ZOOM_RATE_NONE);
  assert_int_equal(zoom_rate_category_parse(NULL), ZOOM_RATE_NONE);
  assert_string_equal(zoom_rate_category_name(ZOOM_RATE_HEAVY), "Heavy");
  assert_string_equal(zoom_rate_category_name((zoom_rate_category)42), "none");
}

/* The default plan is off for an API base on a loopback host, judged as URLs are judged. */
static void loopback_api_bases(void **state) {
  (void)state;
  assert_true(zoom_url_is_loopback("http://127.0.0.1:8080/v2"));
  assert_true(zoom_url_is_loopback("http://127.1/v2"));
  assert_true(zoom_url_is_loopback("http://localhost/v2"));
  assert_true(zoom_url_is_loopback("http://[::1]:9/v2"));
  assert_false(zoom_url_is_loopback("https://api.zoom.us/v2"));
  assert_false(zoom_url_is_loopback("http://localhost:x@192.0.2.2:18082/v2"));
  assert_false(zoom_url_is_loopback("not a url"));
  assert_false(zoom_url_is_loopback(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plans_parse_and_off_means_no_pacer),
      cmocka_unit_test(plan_limits),
      cmocka_unit_test(burst_then_one_window_after_each_end),
      cmocka_unit_test(no_window_ever_sees_more_than_the_limit),
      cmocka_unit_test(resource_intensive_is_per_minute),
      cmocka_unit_test(learned_limits),
      cmocka_unit_test(hold_after_a_429),
      cmocka_unit_test(waiting_is_cancellable),
      cmocka_unit_test(operations_have_their_spec_category),
      cmocka_unit_test(loopback_api_bases),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
