/* test_sim_past.c - the sandbox's past webinars over real HTTP: instances and double-encoded UUIDs,
 * participants, absentees, Q&A, poll answers, and the report operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../support/simres.h"

static simtest T;
static long long HELD, NOREG_HELD, FUTURE;
static char UUID_SLASH[40], UUID_DOUBLE[40]; /* instance UUIDs: leading "/", and holding "//" */

/* Percent-encodes TEXT once ("/", "+", "=", "%" and anything not unreserved). */
static void encode(const char *text, char *out, size_t len) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p && o + 4 < len; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        *p == '-' || *p == '_' || *p == '.')
      out[o++] = (char)*p;
    else
      o += (size_t)snprintf(out + o, len - o, "%%%02X", *p);
  }
  out[o] = '\0';
}

static void encode_twice(const char *text, char *out, size_t len) {
  char once[128];
  encode(text, once, sizeof once);
  encode(once, out, len);
}

static int setup(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 60;
  if (simtest_start(&T, &opt) != 0)
    return -1;
  HELD = simtest_webinar_id(&T, "Quarterly town hall");
  NOREG_HELD = simtest_webinar_id(&T, "Security briefing");
  FUTURE = simtest_webinar_id(&T, "Product launch");
  json_t *r = NULL;
  if (simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/instances", HELD) != 200)
    return -1;
  json_t *arr = json_object_get(r, "webinars");
  snprintf(UUID_SLASH, sizeof UUID_SLASH, "%s", simres_str(json_array_get(arr, 0), "uuid"));
  snprintf(UUID_DOUBLE, sizeof UUID_DOUBLE, "%s", simres_str(json_array_get(arr, 1), "uuid"));
  json_decref(r);
  return HELD > 0 && NOREG_HELD > 0 && FUTURE > 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  simtest_stop(&T);
  return 0;
}

static void test_instances(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/instances", HELD),
                   200);
  json_t *arr = json_object_get(r, "webinars");
  assert_int_equal(json_array_size(arr), 2);
  const char *s0 = simres_str(json_array_get(arr, 0), "start_time");
  const char *s1 = simres_str(json_array_get(arr, 1), "start_time");
  assert_int_equal(strlen(s0), 20);
  assert_true(strcmp(s0, s1) < 0);
  assert_int_equal(UUID_SLASH[0], '/');
  assert_non_null(strstr(UUID_DOUBLE, "//"));
  assert_int_equal(strlen(UUID_SLASH), 24);
  json_decref(r);
  /* a webinar still to come has none; an unknown one is 404 3001 */
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/instances", FUTURE),
                   200);
  assert_int_equal(json_array_size(json_object_get(r, "webinars")), 0);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/12345678901/instances"),
                   404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
}

/* Walks the participants of TARGET (a path segment) page by page; returns the
 * count, checking fields and that total_records holds still. */
static size_t walk_participants(const char *prefix, const char *target, int page_size,
                                bool report) {
  char token[128] = "";
  size_t seen = 0;
  long long total = -1;
  for (int guard = 0; guard < 200; guard++) {
    json_t *r = NULL;
    int st = simres_callf(&T, "GET", NULL, &r, "%s/%s/participants?page_size=%d%s%s", prefix,
                          target, page_size, token[0] ? "&next_page_token=" : "", token);
    assert_int_equal(st, 200);
    if (total < 0)
      total = simres_int(r, "total_records");
    assert_int_equal(simres_int(r, "total_records"), total);
    assert_int_equal(simres_int(r, "page_size"), page_size);
    assert_true(json_is_integer(json_object_get(r, "page_count")));
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r, "participants"), i, p) {
      assert_int_equal(strlen(simres_str(p, "id")), 22);
      assert_true(strlen(simres_str(p, "name")) > 0);
      assert_true(strlen(simres_str(p, "user_id")) > 0);
      assert_true(json_is_string(json_object_get(p, "registrant_id")));
      assert_true(json_is_string(json_object_get(p, "user_email")));
      const char *join = simres_str(p, "join_time"), *leave = simres_str(p, "leave_time");
      assert_int_equal(strlen(join), 20);
      assert_true(strcmp(join, leave) < 0);
      assert_true(simres_int(p, "duration") > 0);
      assert_true(json_is_boolean(json_object_get(p, "failover")));
      assert_string_equal(simres_str(p, "status"), "in_meeting");
      if (report) {
        assert_true(json_is_string(json_object_get(p, "customer_key")));
        assert_true(json_is_string(json_object_get(p, "participant_user_id")));
      }
      seen++;
    }
    snprintf(token, sizeof token, "%s", simres_str(r, "next_page_token"));
    json_decref(r);
    if (!token[0])
      break;
  }
  assert_int_equal((long long)seen, total);
  return seen;
}

static void test_participants_by_id_and_uuid(void **state) {
  (void)state;
  char id[32], enc[160];
  snprintf(id, sizeof id, "%lld", HELD);
  /* the numeric id names the latest instance (the one holding "//") */
  size_t by_id = walk_participants("/v2/past_webinars", id, 7, false);
  assert_true(by_id > 10);
  encode_twice(UUID_DOUBLE, enc, sizeof enc);
  assert_int_equal(walk_participants("/v2/past_webinars", enc, 300, false), by_id);
  /* the false start: a handful of people */
  encode_twice(UUID_SLASH, enc, sizeof enc);
  size_t early = walk_participants("/v2/past_webinars", enc, 300, false);
  assert_true(early >= 1 && early < by_id);
  /* the report lists the same people, with its own fields */
  assert_int_equal(walk_participants("/v2/report/webinars", id, 50, true), by_id);
}

static void test_uuid_encoding_rules(void **state) {
  (void)state;
  char enc[160];
  json_t *r = NULL;
  /* encoded once, a UUID with a leading "/" or a "//" is not found */
  encode(UUID_SLASH, enc, sizeof enc);
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%s/participants", enc),
                   404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
  r = NULL;
  encode(UUID_DOUBLE, enc, sizeof enc);
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%s/qa", enc), 404);
  json_decref(r);
  /* encoded twice, both are found, by every operation */
  static const char *const ops[] = {"participants", "absentees", "qa", "polls"};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    encode_twice(UUID_SLASH, enc, sizeof enc);
    assert_int_equal(simres_callf(&T, "GET", NULL, NULL, "/v2/past_webinars/%s/%s", enc, ops[i]),
                     200);
    encode_twice(UUID_DOUBLE, enc, sizeof enc);
    assert_int_equal(simres_callf(&T, "GET", NULL, NULL, "/v2/past_webinars/%s/%s", enc, ops[i]),
                     200);
  }
  /* a webinar not held yet: 404 3001 */
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/participants", FUTURE),
                   404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
}

/* Every approved registrant either attended the latest instance or is an absentee. */
static void test_absentees(void **state) {
  (void)state;
  char(*attended)[24] = calloc(2000, 24);
  assert_non_null(attended);
  size_t nattended = 0;
  json_t *r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/participants?page_size=300", HELD),
      200);
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(r, "participants"), i, p) {
    const char *rid = simres_str(p, "registrant_id");
    bool dup = false;
    for (size_t k = 0; k < nattended; k++)
      dup = dup || strcmp(attended[k], rid) == 0;
    if (*rid && !dup && nattended < 2000)
      snprintf(attended[nattended++], 24, "%s", rid);
  }
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r,
                                "/v2/webinars/%lld/registrants?status=approved&page_size=300",
                                HELD),
                   200);
  long long approved = simres_int(r, "total_records");
  json_decref(r);
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/absentees?page_size=300", HELD),
      200);
  long long absent = simres_int(r, "total_records");
  assert_true(absent > 0);
  assert_int_equal(absent + (long long)nattended, approved);
  assert_true(json_is_string(json_object_get(r, "next_page_token")));
  assert_true(json_is_integer(json_object_get(r, "page_count")));
  json_array_foreach(json_object_get(r, "registrants"), i, p) {
    for (size_t k = 0; k < nattended; k++)
      assert_string_not_equal(attended[k], simres_str(p, "id"));
    assert_string_equal(simres_str(p, "status"), "approved");
    assert_true(strlen(simres_str(p, "email")) > 0);
    assert_true(strlen(simres_str(p, "first_name")) > 0);
    assert_int_equal(strlen(simres_str(p, "create_time")), 20);
    assert_non_null(strstr(simres_str(p, "join_url"), "https://"));
  }
  json_decref(r);
  free(attended);
  /* paginated: two pages of 5 hold different people */
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/absentees?page_size=5", HELD), 200);
  char first[32], token[128];
  snprintf(first, sizeof first, "%s",
           simres_str(json_array_get(json_object_get(r, "registrants"), 0), "id"));
  snprintf(token, sizeof token, "%s", simres_str(r, "next_page_token"));
  json_decref(r);
  assert_true(token[0] != '\0');
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r,
                                "/v2/past_webinars/%lld/absentees?page_size=5&next_page_token=%s",
                                HELD, token),
                   200);
  assert_string_not_equal(first,
                          simres_str(json_array_get(json_object_get(r, "registrants"), 0), "id"));
  json_decref(r);
  /* no registration: 3000 */
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/absentees", NOREG_HELD), 400);
  assert_int_equal(simres_int(r, "code"), 3000);
  json_decref(r);
}

static void check_questions(json_t *r, bool polls, bool names) {
  assert_int_equal(simres_int(r, "id"), HELD);
  assert_string_equal(simres_str(r, "uuid"), UUID_DOUBLE);
  assert_int_equal(strlen(simres_str(r, "start_time")), 20);
  json_t *qs = json_object_get(r, "questions");
  assert_true(json_array_size(qs) > 0);
  size_t i;
  json_t *q;
  json_array_foreach(qs, i, q) {
    assert_true(strlen(simres_str(q, "name")) > 0);
    assert_true(json_is_string(json_object_get(q, "email")));
    assert_int_equal(json_is_string(json_object_get(q, "first_name")), names);
    json_t *d = json_array_get(json_object_get(q, "question_details"), 0);
    assert_true(strlen(simres_str(d, "question")) > 0);
    assert_true(json_is_string(json_object_get(d, "answer")));
    if (polls) {
      assert_int_equal(strlen(simres_str(d, "polling_id")), 22);
      assert_int_equal(strlen(simres_str(d, "date_time")), 20);
    }
  }
}

static void test_qa_and_polls(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/qa", HELD), 200);
  check_questions(r, false, false);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/report/webinars/%lld/qa", HELD), 200);
  check_questions(r, false, false);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/past_webinars/%lld/polls", HELD), 200);
  check_questions(r, true, false);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/report/webinars/%lld/polls", HELD), 200);
  check_questions(r, true, true);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/report/webinars/%lld/polls", FUTURE),
                   404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
}

/* A webinar whose time passes gets an instance; so does one ended by PUT status. */
static void test_time_passes(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 10;
  opt.token_lifetime_s = 30 * 86400; /* the token must outlive the clock jump */
  simtest t2;
  assert_int_equal(simtest_start(&t2, &opt), 0);
  long long wid = simtest_webinar_id(&t2, "Product launch");
  json_t *r = NULL;
  assert_int_equal(simres_callf(&t2, "GET", NULL, &r, "/v2/past_webinars/%lld/instances", wid),
                   200);
  assert_int_equal(json_array_size(json_object_get(r, "webinars")), 0);
  json_decref(r);
  sim_advance_clock(t2.s, 9 * 86400);
  r = NULL;
  assert_int_equal(simres_callf(&t2, "GET", NULL, &r, "/v2/past_webinars/%lld/instances", wid),
                   200);
  assert_int_equal(json_array_size(json_object_get(r, "webinars")), 1);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&t2, "GET", NULL, &r, "/v2/past_webinars/%lld/participants", wid),
                   200);
  assert_true(simres_int(r, "total_records") > 0);
  json_decref(r);
  /* a webinar with no fixed time is held once ended by PUT status */
  long long evergreen = simtest_webinar_id(&t2, "Evergreen");
  assert_int_equal(
      simres_callf(&t2, "PUT", "{\"action\":\"end\"}", NULL, "/v2/webinars/%lld/status", evergreen),
      204);
  r = NULL;
  assert_int_equal(
      simres_callf(&t2, "GET", NULL, &r, "/v2/past_webinars/%lld/instances", evergreen), 200);
  assert_int_equal(json_array_size(json_object_get(r, "webinars")), 1);
  json_decref(r);
  r = NULL;
  assert_int_equal(
      simres_callf(&t2, "GET", NULL, &r, "/v2/past_webinars/%lld/participants", evergreen), 200);
  assert_true(simres_int(r, "total_records") > 0); /* guests: no registration */
  json_decref(r);
  simtest_stop(&t2);
}

/* Past instances survive --state. */
static void test_state_roundtrip(void **state) {
  (void)state;
  char path[] = "/tmp/simpastXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  unlink(path);
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 8;
  opt.state_file = path;
  simtest t2;
  assert_int_equal(simtest_start(&t2, &opt), 0);
  long long wid = simtest_webinar_id(&t2, "Quarterly town hall");
  json_t *a = NULL, *b = NULL;
  assert_int_equal(
      simres_callf(&t2, "GET", NULL, &a, "/v2/past_webinars/%lld/participants?page_size=300", wid),
      200);
  simtest_stop(&t2);
  assert_int_equal(simtest_start(&t2, &opt), 0);
  assert_int_equal(
      simres_callf(&t2, "GET", NULL, &b, "/v2/past_webinars/%lld/participants?page_size=300", wid),
      200);
  assert_true(json_equal(json_object_get(a, "participants"), json_object_get(b, "participants")));
  json_decref(a);
  json_decref(b);
  simtest_stop(&t2);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_instances),
      cmocka_unit_test(test_participants_by_id_and_uuid),
      cmocka_unit_test(test_uuid_encoding_rules),
      cmocka_unit_test(test_absentees),
      cmocka_unit_test(test_qa_and_polls),
      cmocka_unit_test(test_time_passes),
      cmocka_unit_test(test_state_roundtrip),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
