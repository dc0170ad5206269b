/* test_sim_oauth.c - the sandbox's OAuth: token replies, bad credentials, expiry, 401 code 124. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../support/simtest.h"

static int setup(void **state) {
  static simtest t;
  sim_options opt;
  sim_options_init(&opt);
  opt.client_id = "cid";
  opt.client_secret = "s3cret-value";
  opt.account_id = "acct1";
  opt.token_lifetime_s = 120;
  if (simtest_start(&t, &opt) != 0)
    return -1;
  *state = &t;
  return 0;
}

static int teardown(void **state) {
  simtest_stop(*state);
  return 0;
}

static void token_reply_has_zoom_fields(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_token(t, "cid", "s3cret-value", "acct1", &r), 0);
  assert_int_equal(r.status, 200);
  const char *tok = json_string_value(json_object_get(r.json, "access_token"));
  assert_non_null(tok);
  assert_true(strlen(tok) > 20);
  assert_string_equal(json_string_value(json_object_get(r.json, "token_type")), "bearer");
  assert_int_equal(json_integer_value(json_object_get(r.json, "expires_in")), 120);
  assert_non_null(strstr(json_string_value(json_object_get(r.json, "scope")), "webinar:"));
  assert_string_equal(json_string_value(json_object_get(r.json, "api_url")), t->base);
  simtest_reply_free(&r);
  /* The token works on the API. */
  char auth[200];
  snprintf(auth, sizeof auth, "Bearer %s", t->token);
  assert_int_equal(simtest_call_ex(t, "GET", "/v2/users/me", NULL, auth, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
}

static void grant_in_query_string_is_accepted(void **state) {
  simtest *t = *state;
  simtest_reply r;
  /* Basic cid:s3cret-value */
  assert_int_equal(simtest_call_ex(t, "POST",
                                   "/oauth/token?grant_type=account_credentials&account_id=acct1",
                                   NULL, "Basic Y2lkOnMzY3JldC12YWx1ZQ==", NULL, 0, &r),
                   0);
  assert_int_equal(r.status, 200);
  assert_non_null(json_object_get(r.json, "access_token"));
  simtest_reply_free(&r);
}

static void wrong_credentials_are_invalid_client(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_token(t, "cid", "wrong", "acct1", &r), 0);
  assert_int_equal(r.status, 400);
  assert_string_equal(json_string_value(json_object_get(r.json, "error")), "invalid_client");
  assert_string_equal(json_string_value(json_object_get(r.json, "reason")),
                      "Invalid client_id or client_secret");
  simtest_reply_free(&r);
  assert_int_equal(simtest_token(t, "other", "s3cret-value", "acct1", &r), 0);
  assert_int_equal(r.status, 400);
  simtest_reply_free(&r);
  /* No Authorization at all. */
  assert_int_equal(simtest_call_ex(t, "POST", "/oauth/token",
                                   "grant_type=account_credentials&account_id=acct1", NULL,
                                   "application/x-www-form-urlencoded", 0, &r),
                   0);
  assert_int_equal(r.status, 400);
  assert_string_equal(json_string_value(json_object_get(r.json, "error")), "invalid_client");
  simtest_reply_free(&r);
}

static void wrong_grant_or_account_is_rejected(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(
      simtest_call_ex(t, "POST", "/oauth/token", "grant_type=client_credentials&account_id=acct1",
                      "Basic Y2lkOnMzY3JldC12YWx1ZQ==", "application/x-www-form-urlencoded", 0, &r),
      0);
  assert_int_equal(r.status, 400);
  assert_string_equal(json_string_value(json_object_get(r.json, "error")),
                      "unsupported_grant_type");
  simtest_reply_free(&r);
  assert_int_equal(simtest_token(t, "cid", "s3cret-value", "other-account", &r), 0);
  assert_int_equal(r.status, 400);
  assert_string_equal(json_string_value(json_object_get(r.json, "error")), "invalid_request");
  simtest_reply_free(&r);
}

static void unknown_or_missing_token_is_124(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(
      simtest_call_ex(t, "GET", "/v2/users/me", NULL, "Bearer not-a-token", NULL, 0, &r), 0);
  assert_int_equal(r.status, 401);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 124);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call_ex(t, "GET", "/v2/users/me", NULL, NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 401);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 124);
  simtest_reply_free(&r);
}

/* Returns once the real clock has entered a new second (10 ms naps; a second at most). */
static void wait_for_the_next_second(void) {
  time_t from = time(NULL);
  struct timespec nap = {0, 10 * 1000000L};
  while (time(NULL) == from)
    nanosleep(&nap, NULL);
}

/* A token lives exactly token_lifetime_s seconds of the sandbox's clock, whatever the real
 * clock does meanwhile: on a slow machine a second may tick between the token and its use
 * (the test forces that), which once made the last valid second look expired. */
static void tokens_expire_with_the_clock(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_token(t, "cid", "s3cret-value", "acct1", &r), 0);
  char auth[200];
  snprintf(auth, sizeof auth, "Bearer %s",
           json_string_value(json_object_get(r.json, "access_token")));
  simtest_reply_free(&r);
  wait_for_the_next_second();
  sim_advance_clock(t->s, 119);
  assert_int_equal(simtest_call_ex(t, "GET", "/v2/users/me", NULL, auth, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  sim_advance_clock(t->s, 1);
  assert_int_equal(simtest_call_ex(t, "GET", "/v2/users/me", NULL, auth, NULL, 0, &r), 0);
  assert_int_equal(r.status, 401);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 124);
  assert_non_null(strstr(json_string_value(json_object_get(r.json, "message")), "expired"));
  simtest_reply_free(&r);
  /* A new token works again: several tokens may be valid at once. */
  assert_int_equal(simtest_token(t, "cid", "s3cret-value", "acct1", &r), 0);
  snprintf(t->token, sizeof t->token, "%s",
           json_string_value(json_object_get(r.json, "access_token")));
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
}

static void expire_all_tokens_now(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_token(t, "cid", "s3cret-value", "acct1", &r), 0);
  snprintf(t->token, sizeof t->token, "%s",
           json_string_value(json_object_get(r.json, "access_token")));
  simtest_reply_free(&r);
  sim_expire_tokens(t->s);
  assert_int_equal(simtest_call(t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 401);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 124);
  simtest_reply_free(&r);
  /* The admin endpoint does the same for out-of-process tests. */
  assert_int_equal(simtest_token(t, "cid", "s3cret-value", "acct1", &r), 0);
  snprintf(t->token, sizeof t->token, "%s",
           json_string_value(json_object_get(r.json, "access_token")));
  simtest_reply_free(&r);
  assert_int_equal(simtest_call_ex(t, "POST", "/_sim/expire_tokens", NULL, NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 204);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 401);
  simtest_reply_free(&r);
}

static void secrets_stay_out_of_the_request_log(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(
      simtest_call_ex(t, "POST", "/oauth/token",
                      "grant_type=account_credentials&account_id=acct1&client_secret="
                      "s3cret-value",
                      "Basic Y2lkOnMzY3JldC12YWx1ZQ==", "application/x-www-form-urlencoded", 0, &r),
      0);
  simtest_reply_free(&r);
  json_t *log = sim_requests(t->s);
  char *text = json_dumps(log, 0);
  assert_non_null(text);
  assert_null(strstr(text, "s3cret-value"));
  assert_non_null(strstr(text, "grant_type=account_credentials"));
  free(text);
  json_decref(log);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(token_reply_has_zoom_fields),
      cmocka_unit_test(grant_in_query_string_is_accepted),
      cmocka_unit_test(wrong_credentials_are_invalid_client),
      cmocka_unit_test(wrong_grant_or_account_is_rejected),
      cmocka_unit_test(unknown_or_missing_token_is_124),
      cmocka_unit_test(tokens_expire_with_the_clock),
      cmocka_unit_test(expire_all_tokens_now),
      cmocka_unit_test(secrets_stay_out_of_the_request_log),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
