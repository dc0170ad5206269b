/* test_sim_registrants.c - the sandbox's registrants, batch, status, questions and tracking sources
 * over real HTTP. */
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
static long long AUTO, MANUAL, RECUR, PAST, NOREG;

static int setup(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 40;
  if (simtest_start(&T, &opt) != 0)
    return -1;
  AUTO = simtest_webinar_id(&T, "Product launch");
  MANUAL = simtest_webinar_id(&T, "Customer onboarding");
  RECUR = simtest_webinar_id(&T, "Weekly office hours");
  PAST = simtest_webinar_id(&T, "Quarterly town hall");
  NOREG = simtest_webinar_id(&T, "Security briefing");
  return AUTO > 0 && MANUAL > 0 && RECUR > 0 && PAST > 0 && NOREG > 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  simtest_stop(&T);
  return 0;
}

/* POSTs a registrant; returns the status and the reply in *OUT. */
static int reg_post(long long wid, const char *email, const char *first, json_t **out) {
  char body[512];
  snprintf(body, sizeof body, "{\"email\":\"%s\",\"first_name\":\"%s\",\"last_name\":\"Tester\"}",
           email, first);
  return simres_callf(&T, "POST", body, out, "/v2/webinars/%lld/registrants", wid);
}

static const char *reg_status(long long wid, const char *rid) {
  static char status[16];
  json_t *r = NULL;
  status[0] = '\0';
  if (simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants/%s", wid, rid) == 200)
    snprintf(status, sizeof status, "%s", simres_str(r, "status"));
  json_decref(r);
  return status;
}

static void test_create_fields(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(reg_post(AUTO, "first.one@example.org", "First", &r), 201);
  assert_int_equal(simres_int(r, "id"), AUTO);
  assert_int_equal(strlen(simres_str(r, "registrant_id")), 22);
  assert_non_null(strstr(simres_str(r, "join_url"), "https://"));
  assert_string_equal(simres_str(r, "topic"), "Product launch: spring release");
  assert_int_equal(strlen(simres_str(r, "start_time")), 20);
  assert_true(json_is_array(json_object_get(r, "occurrences")));
  char rid[32];
  snprintf(rid, sizeof rid, "%s", simres_str(r, "registrant_id"));
  json_decref(r);
  /* approval_type 0: approved at once; GET one names the fields of the spec */
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants/%s", AUTO, rid),
                   200);
  assert_string_equal(simres_str(r, "id"), rid);
  assert_string_equal(simres_str(r, "email"), "first.one@example.org");
  assert_string_equal(simres_str(r, "first_name"), "First");
  assert_string_equal(simres_str(r, "last_name"), "Tester");
  assert_string_equal(simres_str(r, "status"), "approved");
  assert_int_equal(strlen(simres_str(r, "create_time")), 20);
  assert_non_null(strstr(simres_str(r, "join_url"), rid));
  assert_true(json_is_array(json_object_get(r, "custom_questions")));
  assert_true(json_is_string(json_object_get(r, "org")));
  json_decref(r);
}

static void test_duplicate_email_same_registrant(void **state) {
  (void)state;
  json_t *a = NULL, *b = NULL;
  assert_int_equal(reg_post(AUTO, "dup@example.org", "Dup", &a), 201);
  assert_int_equal(reg_post(AUTO, "DUP@example.org", "Dup", &b), 201);
  assert_string_equal(simres_str(a, "registrant_id"), simres_str(b, "registrant_id"));
  assert_string_equal(simres_str(a, "join_url"), simres_str(b, "join_url"));
  json_decref(a);
  json_decref(b);
}

static void test_create_rejections(void **state) {
  (void)state;
  json_t *r = NULL;
  /* no registration on the webinar: code 3000 */
  assert_int_equal(reg_post(NOREG, "x@example.org", "X", &r), 400);
  assert_int_equal(simres_int(r, "code"), 3000);
  json_decref(r);
  /* missing first_name, bad e-mail, too long names: code 300 with errors[] */
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", "{\"email\":\"a@example.org\"}", &r,
                                "/v2/webinars/%lld/registrants", AUTO),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  assert_true(json_array_size(json_object_get(r, "errors")) >= 1);
  json_decref(r);
  r = NULL;
  assert_int_equal(reg_post(AUTO, "not-an-email", "X", &r), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  char longname[80];
  memset(longname, 'n', 65);
  longname[65] = '\0';
  r = NULL;
  assert_int_equal(reg_post(AUTO, "long@example.org", longname, &r), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  /* control characters in names are refused */
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST",
                                "{\"email\":\"ctl@example.org\",\"first_name\":\"a\\u001fb\"}", &r,
                                "/v2/webinars/%lld/registrants", AUTO),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  /* custom question answers must be objects with a title */
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST",
                                "{\"email\":\"cq@example.org\",\"first_name\":\"C\","
                                "\"custom_questions\":[5]}",
                                &r, "/v2/webinars/%lld/registrants", AUTO),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  /* the host cannot register: 3027 */
  r = NULL;
  assert_int_equal(reg_post(AUTO, "alex.morgan@sandbox.example.com", "Alex", &r), 400);
  assert_int_equal(simres_int(r, "code"), 3027);
  json_decref(r);
  /* a webinar that is over: 3038 */
  r = NULL;
  assert_int_equal(reg_post(PAST, "late@example.org", "Late", &r), 400);
  assert_int_equal(simres_int(r, "code"), 3038);
  json_decref(r);
  /* unknown webinar: 404 code 3001 */
  r = NULL;
  assert_int_equal(reg_post(12345678901LL, "a@example.org", "A", &r), 404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
}

static void test_manual_approval_and_status(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(reg_post(MANUAL, "pending.one@example.org", "Pen", &r), 201);
  char rid[32];
  snprintf(rid, sizeof rid, "%s", simres_str(r, "registrant_id"));
  json_decref(r);
  assert_string_equal(reg_status(MANUAL, rid), "pending");
  /* approve by id */
  char body[256];
  snprintf(body, sizeof body, "{\"action\":\"approve\",\"registrants\":[{\"id\":\"%s\"}]}", rid);
  assert_int_equal(
      simres_callf(&T, "PUT", body, NULL, "/v2/webinars/%lld/registrants/status", MANUAL), 204);
  assert_string_equal(reg_status(MANUAL, rid), "approved");
  /* cancel by e-mail revokes the approval */
  assert_int_equal(simres_callf(&T, "PUT",
                                "{\"action\":\"cancel\",\"registrants\":[{\"email\":"
                                "\"pending.one@example.org\"}]}",
                                NULL, "/v2/webinars/%lld/registrants/status", MANUAL),
                   204);
  assert_string_equal(reg_status(MANUAL, rid), "denied");
  /* deny applies to pending registrants */
  r = NULL;
  assert_int_equal(reg_post(MANUAL, "pending.two@example.org", "Pen", &r), 201);
  snprintf(rid, sizeof rid, "%s", simres_str(r, "registrant_id"));
  json_decref(r);
  snprintf(body, sizeof body, "{\"action\":\"deny\",\"registrants\":[{\"id\":\"%s\"}]}", rid);
  assert_int_equal(
      simres_callf(&T, "PUT", body, NULL, "/v2/webinars/%lld/registrants/status", MANUAL), 204);
  assert_string_equal(reg_status(MANUAL, rid), "denied");
}

static void test_status_rejections(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "PUT",
                                "{\"action\":\"promote\",\"registrants\":[{\"id\":\"x\"}]}", &r,
                                "/v2/webinars/%lld/registrants/status", MANUAL),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  /* at most 30 registrants per request */
  char body[4096];
  size_t off = (size_t)snprintf(body, sizeof body, "{\"action\":\"approve\",\"registrants\":[");
  for (int i = 0; i < 31; i++)
    off += (size_t)snprintf(body + off, sizeof body - off, "%s{\"email\":\"r%d@example.org\"}",
                            i ? "," : "", i);
  snprintf(body + off, sizeof body - off, "]}");
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "PUT", body, &r, "/v2/webinars/%lld/registrants/status", MANUAL), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
}

/* Walks every page of a registrant list; returns the number of items and checks
 * that total_records matches and that no id repeats. */
static size_t walk_list(long long wid, const char *status, int page_size, size_t *total) {
  char token[128] = "";
  size_t seen = 0;
  char ids[400][24];
  *total = 0;
  for (int guard = 0; guard < 100; guard++) {
    json_t *r = NULL;
    int st = simres_callf(&T, "GET", NULL, &r,
                          "/v2/webinars/%lld/registrants?status=%s&page_size=%d%s%s", wid, status,
                          page_size, token[0] ? "&next_page_token=" : "", token);
    assert_int_equal(st, 200);
    *total = (size_t)simres_int(r, "total_records");
    assert_int_equal(simres_int(r, "page_size"), page_size);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r, "registrants"), i, item) {
      assert_string_equal(simres_str(item, "status"), status);
      for (size_t k = 0; k < seen && k < 400; k++)
        assert_string_not_equal(ids[k], simres_str(item, "id"));
      if (seen < 400)
        snprintf(ids[seen], sizeof ids[seen], "%s", simres_str(item, "id"));
      seen++;
    }
    snprintf(token, sizeof token, "%s", simres_str(r, "next_page_token"));
    json_decref(r);
    if (!token[0])
      break;
  }
  return seen;
}

static void test_list_pagination_and_filters(void **state) {
  (void)state;
  size_t total = 0;
  size_t seen = walk_list(AUTO, "approved", 7, &total);
  assert_true(total >= 40); /* scale 40, all approved (approval_type 0) */
  assert_int_equal(seen, total);
  /* the manual-approval seed has pending ones too; the default filter is approved */
  size_t pending = 0, approved = 0;
  size_t seen_pending = walk_list(MANUAL, "pending", 300, &pending);
  assert_int_equal(seen_pending, pending);
  assert_true(pending > 0);
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants", MANUAL), 200);
  approved = (size_t)simres_int(r, "total_records");
  assert_int_equal(simres_int(r, "page_size"), 30);
  assert_true(json_is_integer(json_object_get(r, "page_count")));
  assert_true(json_is_string(json_object_get(r, "next_page_token")));
  json_decref(r);
  size_t seen_approved = walk_list(MANUAL, "approved", 300, &total);
  assert_int_equal(seen_approved, approved);
  assert_int_equal(total, approved);
  /* bad status, bad page token, bad occurrence: 400 code 300 */
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants?status=maybe", AUTO), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants?next_page_token=nope", AUTO),
      400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants?occurrence_id=1", AUTO),
      400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
}

static void test_get_and_delete(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(reg_post(AUTO, "gone@example.org", "Gone", &r), 201);
  char rid[32];
  snprintf(rid, sizeof rid, "%s", simres_str(r, "registrant_id"));
  json_decref(r);
  assert_int_equal(
      simres_callf(&T, "DELETE", NULL, NULL, "/v2/webinars/%lld/registrants/%s", AUTO, rid), 204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants/%s", AUTO, rid),
                   404);
  json_decref(r);
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "DELETE", NULL, &r, "/v2/webinars/%lld/registrants/%s", AUTO, rid), 400);
  assert_int_equal(simres_int(r, "code"), 3000);
  json_decref(r);
}

static void test_batch(void **state) {
  (void)state;
  const char *two = "{\"registrants\":[{\"email\":\"b1@example.org\",\"first_name\":\"B1\"},"
                    "{\"email\":\"b2@example.org\",\"first_name\":\"B2\",\"last_name\":\"Z\"}]}";
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "POST", two, &r, "/v2/webinars/%lld/batch_registrants", MANUAL),
                   201);
  json_t *items = json_object_get(r, "registrants");
  assert_int_equal(json_array_size(items), 2);
  json_t *first = json_array_get(items, 0);
  assert_string_equal(simres_str(first, "email"), "b1@example.org");
  assert_int_equal(strlen(simres_str(first, "registrant_id")), 22);
  assert_non_null(strstr(simres_str(first, "join_url"), "https://"));
  /* approval_type 1 without auto_approve: pending */
  assert_string_equal(reg_status(MANUAL, simres_str(first, "registrant_id")), "pending");
  json_decref(r);
  /* with auto_approve: approved */
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST",
                                "{\"auto_approve\":true,\"registrants\":[{\"email\":\"b3@example."
                                "org\",\"first_name\":\"B3\"}]}",
                                &r, "/v2/webinars/%lld/batch_registrants", MANUAL),
                   201);
  assert_string_equal(
      reg_status(MANUAL,
                 simres_str(json_array_get(json_object_get(r, "registrants"), 0), "registrant_id")),
      "approved");
  json_decref(r);
  /* type 9 is refused (code 300), no registration is refused (code 3000) */
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", two, &r, "/v2/webinars/%lld/batch_registrants", RECUR),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", two, &r, "/v2/webinars/%lld/batch_registrants", NOREG),
                   400);
  assert_int_equal(simres_int(r, "code"), 3000);
  json_decref(r);
  /* more than 30: code 300 */
  char body[4096];
  size_t off = (size_t)snprintf(body, sizeof body, "{\"registrants\":[");
  for (int i = 0; i < 31; i++)
    off +=
        (size_t)snprintf(body + off, sizeof body - off,
                         "%s{\"email\":\"m%d@example.org\",\"first_name\":\"M\"}", i ? "," : "", i);
  snprintf(body + off, sizeof body - off, "]}");
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", body, &r, "/v2/webinars/%lld/batch_registrants", AUTO),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
}

static void test_questions(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants/questions", AUTO), 200);
  assert_true(json_is_array(json_object_get(r, "questions")));
  assert_true(json_is_array(json_object_get(r, "custom_questions")));
  json_decref(r);
  const char *body = "{\"questions\":[{\"field_name\":\"org\",\"required\":true}],"
                     "\"custom_questions\":[{\"title\":\"Role?\",\"type\":\"single_radio\","
                     "\"required\":false,\"answers\":[\"Dev\",\"Ops\"]}]}";
  assert_int_equal(
      simres_callf(&T, "PATCH", body, NULL, "/v2/webinars/%lld/registrants/questions", AUTO), 204);
  r = NULL;
  assert_int_equal(
      simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/registrants/questions", AUTO), 200);
  json_t *q = json_array_get(json_object_get(r, "questions"), 0);
  assert_string_equal(simres_str(q, "field_name"), "org");
  assert_true(json_is_true(json_object_get(q, "required")));
  json_t *cq = json_array_get(json_object_get(r, "custom_questions"), 0);
  assert_string_equal(simres_str(cq, "type"), "single_radio");
  assert_int_equal(json_array_size(json_object_get(cq, "answers")), 2);
  json_decref(r);
  /* the required question is now enforced */
  r = NULL;
  assert_int_equal(reg_post(AUTO, "noorg@example.org", "No", &r), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST",
                                "{\"email\":\"org@example.org\",\"first_name\":\"O\",\"org\":"
                                "\"Acme\"}",
                                &r, "/v2/webinars/%lld/registrants", AUTO),
                   201);
  json_decref(r);
  /* put things back, and refuse bad field names */
  assert_int_equal(simres_callf(&T, "PATCH", "{\"questions\":[]}", NULL,
                                "/v2/webinars/%lld/registrants/questions", AUTO),
                   204);
  r = NULL;
  assert_int_equal(simres_callf(&T, "PATCH", "{\"questions\":[{\"field_name\":\"shoe_size\"}]}", &r,
                                "/v2/webinars/%lld/registrants/questions", AUTO),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
}

static void test_tracking_sources(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/tracking_sources", AUTO),
                   200);
  assert_int_equal(simres_int(r, "total_records"), 3);
  json_t *src = json_array_get(json_object_get(r, "tracking_sources"), 0);
  assert_int_equal(strlen(simres_str(src, "id")), 22);
  assert_true(strlen(simres_str(src, "source_name")) > 0);
  assert_non_null(strstr(simres_str(src, "tracking_url"), "https://"));
  assert_true(simres_int(src, "registration_count") >= 0);
  assert_true(simres_int(src, "visitor_count") >= 0);
  /* the list filtered by this source has registration_count approved-or-not members */
  char sid[32];
  snprintf(sid, sizeof sid, "%s", simres_str(src, "id"));
  long long count = simres_int(src, "registration_count");
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r,
                                "/v2/webinars/%lld/registrants?tracking_source_id=%s", AUTO, sid),
                   200);
  assert_int_equal(simres_int(r, "total_records"), count);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/tracking_sources", NOREG),
                   400);
  assert_int_equal(simres_int(r, "code"), 3000);
  json_decref(r);
}

static void test_occurrences(void **state) {
  (void)state;
  char occ[8][24];
  size_t n = simtest_occurrence_ids(&T, RECUR, occ, 8);
  if (n < 2)
    skip(); /* the webinar core has not expanded recurrences yet */
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "POST", "{\"email\":\"occ@example.org\",\"first_name\":\"O\"}",
                                &r, "/v2/webinars/%lld/registrants?occurrence_ids=%s", RECUR,
                                occ[1]),
                   201);
  json_t *occs = json_object_get(r, "occurrences");
  assert_int_equal(json_array_size(occs), 1);
  assert_string_equal(simres_str(json_array_get(occs, 0), "occurrence_id"), occ[1]);
  char rid[32];
  snprintf(rid, sizeof rid, "%s", simres_str(r, "registrant_id"));
  json_decref(r);
  /* listed for that occurrence only */
  for (size_t k = 0; k < 2; k++) {
    r = NULL;
    assert_int_equal(simres_callf(&T, "GET", NULL, &r,
                                  "/v2/webinars/%lld/registrants?occurrence_id=%s&page_size=300",
                                  RECUR, occ[k]),
                     200);
    bool found = false;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r, "registrants"), i, item) {
      found = found || strcmp(simres_str(item, "id"), rid) == 0;
    }
    assert_int_equal(found, k == 1);
    json_decref(r);
  }
  /* DELETE with the other occurrence: not registered there */
  r = NULL;
  assert_int_equal(simres_callf(&T, "DELETE", NULL, &r,
                                "/v2/webinars/%lld/registrants/%s?occurrence_id=%s", RECUR, rid,
                                occ[0]),
                   400);
  json_decref(r);
  assert_int_equal(simres_callf(&T, "DELETE", NULL, NULL,
                                "/v2/webinars/%lld/registrants/%s?occurrence_id=%s", RECUR, rid,
                                occ[1]),
                   204);
  assert_int_equal(
      simres_callf(&T, "GET", NULL, NULL, "/v2/webinars/%lld/registrants/%s", RECUR, rid), 404);
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", "{\"email\":\"occ2@example.org\",\"first_name\":\"O\"}",
                                &r, "/v2/webinars/%lld/registrants?occurrence_ids=999", RECUR),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
}

static void test_state_roundtrip(void **state) {
  (void)state;
  char path[] = "/tmp/simregXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  unlink(path);
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 5;
  opt.state_file = path;
  simtest t2;
  assert_int_equal(simtest_start(&t2, &opt), 0);
  long long wid = simtest_webinar_id(&t2, "Product launch");
  json_t *r = NULL;
  assert_int_equal(simres_callf(&t2, "POST",
                                "{\"email\":\"kept@example.org\",\"first_name\":\"Kept\","
                                "\"city\":\"Oslo\"}",
                                &r, "/v2/webinars/%lld/registrants", wid),
                   201);
  char rid[32];
  snprintf(rid, sizeof rid, "%s", simres_str(r, "registrant_id"));
  json_decref(r);
  simtest_stop(&t2);
  assert_int_equal(simtest_start(&t2, &opt), 0);
  r = NULL;
  assert_int_equal(simres_callf(&t2, "GET", NULL, &r, "/v2/webinars/%lld/registrants/%s", wid, rid),
                   200);
  assert_string_equal(simres_str(r, "email"), "kept@example.org");
  assert_string_equal(simres_str(r, "city"), "Oslo");
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&t2, "GET", NULL, &r, "/v2/webinars/%lld/registrants", wid), 200);
  assert_int_equal(simres_int(r, "total_records"), 6);
  json_decref(r);
  simtest_stop(&t2);
  unlink(path);
}

/* The seed data is deterministic under the seed, and --scale sets the count. */
static void test_seed_deterministic(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 123;
  opt.seed = 7;
  char first[2][400];
  for (int run = 0; run < 2; run++) {
    simtest t2;
    assert_int_equal(simtest_start(&t2, &opt), 0);
    long long wid = simtest_webinar_id(&t2, "Product launch");
    json_t *r = NULL;
    assert_int_equal(
        simres_callf(&t2, "GET", NULL, &r, "/v2/webinars/%lld/registrants?page_size=3", wid), 200);
    assert_int_equal(simres_int(r, "total_records"), 123);
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r, "registrants"), i, item) {
      json_object_del(item, "create_time"); /* follows the clock, not the seed */
    }
    char *text = json_dumps(json_object_get(r, "registrants"), JSON_SORT_KEYS | JSON_COMPACT);
    assert_non_null(text);
    snprintf(first[run], sizeof first[run], "%s", text);
    free(text);
    json_decref(r);
    simtest_stop(&t2);
  }
  assert_string_equal(first[0], first[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_create_fields),
      cmocka_unit_test(test_duplicate_email_same_registrant),
      cmocka_unit_test(test_create_rejections),
      cmocka_unit_test(test_manual_approval_and_status),
      cmocka_unit_test(test_status_rejections),
      cmocka_unit_test(test_list_pagination_and_filters),
      cmocka_unit_test(test_get_and_delete),
      cmocka_unit_test(test_batch),
      cmocka_unit_test(test_questions),
      cmocka_unit_test(test_tracking_sources),
      cmocka_unit_test(test_occurrences),
      cmocka_unit_test(test_state_roundtrip),
      cmocka_unit_test(test_seed_deterministic),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
