/* test_sim_polls.c - the sandbox's webinar polls and survey over real HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../support/simres.h"

static simtest T;
static long long WID;

static const char *POLL =
    "{\"title\":\"Check\",\"poll_type\":1,\"anonymous\":true,\"questions\":[{\"name\":\"Pick one\","
    "\"type\":\"single\",\"answers\":[\"A\",\"B\"]},{\"name\":\"Rate "
    "it\",\"type\":\"rating_scale\","
    "\"rating_min_value\":1,\"rating_max_value\":5}]}";

static int setup(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 2;
  if (simtest_start(&T, &opt) != 0)
    return -1;
  WID = simtest_webinar_id(&T, "Product launch");
  return WID > 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  simtest_stop(&T);
  return 0;
}

static void test_poll_lifecycle(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "POST", POLL, &r, "/v2/webinars/%lld/polls", WID), 201);
  char id[32];
  snprintf(id, sizeof id, "%s", simres_str(r, "id"));
  assert_int_equal(strlen(id), 22);
  assert_string_equal(simres_str(r, "status"), "notstart");
  assert_string_equal(simres_str(r, "title"), "Check");
  assert_int_equal(simres_int(r, "poll_type"), 1);
  assert_true(json_is_true(json_object_get(r, "anonymous")));
  assert_int_equal(json_array_size(json_object_get(r, "questions")), 2);
  json_decref(r);
  /* list (and its anonymous filter), get one */
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/polls", WID), 200);
  assert_int_equal(simres_int(r, "total_records"), 1);
  assert_string_equal(simres_str(json_array_get(json_object_get(r, "polls"), 0), "id"), id);
  json_decref(r);
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/polls?anonymous=false", WID), 200);
  assert_int_equal(simres_int(r, "total_records"), 0);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/polls/%s", WID, id), 200);
  json_t *q = json_array_get(json_object_get(r, "questions"), 1);
  assert_string_equal(simres_str(q, "type"), "rating_scale");
  assert_int_equal(simres_int(q, "rating_max_value"), 5);
  json_decref(r);
  /* PUT replaces */
  assert_int_equal(
      simres_callf(&T, "PUT",
                   "{\"title\":\"Quiz\",\"poll_type\":3,\"questions\":[{\"name\":\"2+2?"
                   "\",\"type\":\"single\",\"answers\":[\"3\",\"4\"],\"right_answers\":"
                   "[\"4\"]}]}",
                   NULL, "/v2/webinars/%lld/polls/%s", WID, id),
      204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/polls/%s", WID, id), 200);
  assert_string_equal(simres_str(r, "title"), "Quiz");
  assert_string_equal(simres_str(r, "id"), id);
  assert_int_equal(simres_int(r, "poll_type"), 3);
  assert_int_equal(json_array_size(json_object_get(r, "questions")), 1);
  assert_false(json_is_true(json_object_get(r, "anonymous")));
  json_decref(r);
  /* DELETE, then 404 */
  assert_int_equal(simres_callf(&T, "DELETE", NULL, NULL, "/v2/webinars/%lld/polls/%s", WID, id),
                   204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/polls/%s", WID, id), 404);
  json_decref(r);
  assert_int_equal(simres_callf(&T, "PUT", POLL, NULL, "/v2/webinars/%lld/polls/%s", WID, id), 404);
}

/* Field limits of ZOOM-ENDPOINTS.md: each body answers 400 code 300. */
static void test_poll_limits(void **state) {
  (void)state;
  static const char *const bad[] = {
      /* title over 64 */
      "{\"title\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\","
      "\"questions\":[{\"name\":\"Q\",\"type\":\"single\",\"answers\":[\"A\",\"B\"]}]}",
      /* one answer */
      "{\"title\":\"T\",\"questions\":[{\"name\":\"Q\",\"type\":\"single\",\"answers\":[\"A\"]}]}",
      /* eleven answers for single */
      "{\"title\":\"T\",\"questions\":[{\"name\":\"Q\",\"type\":\"single\",\"answers\":[\"1\","
      "\"2\","
      "\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}]}",
      /* rating above 10 */
      "{\"title\":\"T\",\"questions\":[{\"name\":\"Q\",\"type\":\"rating_scale\","
      "\"rating_max_value\":11}]}",
      /* matching without prompts */
      "{\"title\":\"T\",\"questions\":[{\"name\":\"Q\",\"type\":\"matching\",\"answers\":[\"A\","
      "\"B\"]}]}",
      /* prompts that are not objects */
      "{\"title\":\"T\",\"questions\":[{\"name\":\"Q\",\"type\":\"matching\",\"answers\":[\"A\","
      "\"B\"],\"prompts\":[1,2]}]}",
      /* short answer over 500 characters */
      "{\"title\":\"T\",\"questions\":[{\"name\":\"Q\",\"type\":\"short_answer\","
      "\"answer_max_character\":501}]}",
      /* a quiz without right answers */
      "{\"title\":\"T\",\"poll_type\":3,\"questions\":[{\"name\":\"Q\",\"type\":\"single\","
      "\"answers\":[\"A\",\"B\"]}]}",
      /* unknown type, unknown poll_type, no questions */
      "{\"title\":\"T\",\"questions\":[{\"name\":\"Q\",\"type\":\"essay\"}]}",
      "{\"title\":\"T\",\"poll_type\":4,\"questions\":[{\"name\":\"Q\",\"answers\":[\"A\",\"B\"]}]"
      "}",
      "{\"title\":\"T\",\"questions\":[]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    json_t *r = NULL;
    int st = simres_callf(&T, "POST", bad[i], &r, "/v2/webinars/%lld/polls", WID);
    if (st != 400 || simres_int(r, "code") != 300)
      fail_msg("body %zu answered %d", i, st);
    assert_true(json_array_size(json_object_get(r, "errors")) >= 1);
    json_decref(r);
  }
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "POST", POLL, &r, "/v2/webinars/12345678901/polls"), 404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
}

static void test_survey(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/survey", WID), 200);
  assert_true(json_is_object(json_object_get(r, "custom_survey")));
  assert_true(json_is_true(json_object_get(r, "show_in_the_browser")));
  assert_true(json_is_false(json_object_get(r, "show_in_the_follow_up_email")));
  assert_true(json_is_string(json_object_get(r, "third_party_survey")));
  json_decref(r);
  assert_int_equal(
      simres_callf(&T, "PATCH",
                   "{\"show_in_the_follow_up_email\":true,\"custom_survey\":{\"title\":"
                   "\"Feedback\",\"anonymous\":true,\"questions\":[{\"name\":\"Useful?"
                   "\",\"type\":\"single\",\"answers\":[\"Yes\",\"No\"]}]}}",
                   NULL, "/v2/webinars/%lld/survey", WID),
      204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/survey", WID), 200);
  json_t *cs = json_object_get(r, "custom_survey");
  assert_string_equal(simres_str(cs, "title"), "Feedback");
  assert_int_equal(json_array_size(json_object_get(cs, "questions")), 1);
  assert_true(json_is_true(json_object_get(r, "show_in_the_follow_up_email")));
  json_decref(r);
  /* limits: feedback over 320, third_party_survey over 64, 101 questions */
  char big[400];
  memset(big, 'f', 321);
  big[321] = '\0';
  char body[1024];
  snprintf(body, sizeof body, "{\"custom_survey\":{\"feedback\":\"%s\"}}", big);
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH", body, &r, "/v2/webinars/%lld/survey", WID), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  snprintf(body, sizeof body, "{\"third_party_survey\":\"https://%.70s\"}", big);
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH", body, &r, "/v2/webinars/%lld/survey", WID), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH", "{\"custom_survey\":{\"questions\":[]}}", &r,
                                "/v2/webinars/%lld/survey", WID),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  /* DELETE: back to the defaults */
  assert_int_equal(simres_callf(&T, "DELETE", NULL, NULL, "/v2/webinars/%lld/survey", WID), 204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/survey", WID), 200);
  assert_int_equal(json_object_size(json_object_get(r, "custom_survey")), 0);
  assert_true(json_is_false(json_object_get(r, "show_in_the_follow_up_email")));
  json_decref(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_poll_lifecycle),
      cmocka_unit_test(test_poll_limits),
      cmocka_unit_test(test_survey),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
