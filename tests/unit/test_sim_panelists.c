/* test_sim_panelists.c - the sandbox's webinar panelists over real HTTP: add, list, remove one or
 * all. */
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

static int setup(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.scale = 2;
  if (simtest_start(&T, &opt) != 0)
    return -1;
  WID = simtest_webinar_id(&T, "Customer onboarding");
  return WID > 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  simtest_stop(&T);
  return 0;
}

/* Number of panelists listed, and the id of the one with EMAIL into ID. */
static long long list_count(const char *email, char *id, size_t len) {
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/%lld/panelists", WID), 200);
  json_t *arr = json_object_get(r, "panelists");
  assert_true(json_is_array(arr));
  long long total = simres_int(r, "total_records");
  assert_int_equal(total, (long long)json_array_size(arr));
  size_t i;
  json_t *p;
  json_array_foreach(arr, i, p) {
    assert_int_equal(strlen(simres_str(p, "id")), 22);
    assert_non_null(strstr(simres_str(p, "join_url"), "https://"));
    assert_true(json_is_string(json_object_get(p, "name_tag_name")));
    if (email && strcmp(simres_str(p, "email"), email) == 0 && id)
      snprintf(id, len, "%s", simres_str(p, "id"));
  }
  json_decref(r);
  return total;
}

static void test_add_list_remove(void **state) {
  (void)state;
  long long before = list_count(NULL, NULL, 0);
  assert_true(before >= 1); /* seeded */
  json_t *r = NULL;
  assert_int_equal(
      simres_callf(&T, "POST",
                   "{\"panelists\":[{\"name\":\"Ann Lee\",\"email\":\"ann@example.org\"},"
                   "{\"name\":\"Bo Ng\",\"email\":\"bo@example.org\","
                   "\"name_tag_name\":\"Bo\"}]}",
                   &r, "/v2/webinars/%lld/panelists", WID),
      201);
  char wid[32];
  snprintf(wid, sizeof wid, "%lld", WID);
  assert_string_equal(simres_str(r, "id"), wid);
  assert_int_equal(strlen(simres_str(r, "updated_at")), 20);
  json_decref(r);
  char id[32] = "";
  assert_int_equal(list_count("ann@example.org", id, sizeof id), before + 2);
  assert_int_equal(strlen(id), 22);
  /* the same e-mail again updates, it does not duplicate */
  assert_int_equal(simres_callf(&T, "POST",
                                "{\"panelists\":[{\"name\":\"Ann B. Lee\",\"email\":\"ann@example."
                                "org\"}]}",
                                NULL, "/v2/webinars/%lld/panelists", WID),
                   201);
  assert_int_equal(list_count(NULL, NULL, 0), before + 2);
  /* remove by id, then by e-mail */
  assert_int_equal(
      simres_callf(&T, "DELETE", NULL, NULL, "/v2/webinars/%lld/panelists/%s", WID, id), 204);
  assert_int_equal(
      simres_callf(&T, "DELETE", NULL, NULL, "/v2/webinars/%lld/panelists/bo%%40example.org", WID),
      204);
  assert_int_equal(list_count(NULL, NULL, 0), before);
  r = NULL;
  assert_int_equal(simres_callf(&T, "DELETE", NULL, &r, "/v2/webinars/%lld/panelists/%s", WID, id),
                   404);
  assert_int_equal(simres_int(r, "code"), 1001);
  json_decref(r);
  /* remove all */
  assert_int_equal(simres_callf(&T, "DELETE", NULL, NULL, "/v2/webinars/%lld/panelists", WID), 204);
  assert_int_equal(list_count(NULL, NULL, 0), 0);
}

static void test_rejections(void **state) {
  (void)state;
  char body[8192];
  size_t off = (size_t)snprintf(body, sizeof body, "{\"panelists\":[");
  for (int i = 0; i < 31; i++)
    off +=
        (size_t)snprintf(body + off, sizeof body - off,
                         "%s{\"name\":\"P%d\",\"email\":\"p%d@example.org\"}", i ? "," : "", i, i);
  snprintf(body + off, sizeof body - off, "]}");
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "POST", body, &r, "/v2/webinars/%lld/panelists", WID), 400);
  assert_int_equal(simres_int(r, "code"), 300);
  assert_true(json_array_size(json_object_get(r, "errors")) >= 1);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "POST", "{\"panelists\":[{\"name\":\"No Mail\"}]}", &r,
                                "/v2/webinars/%lld/panelists", WID),
                   400);
  assert_int_equal(simres_int(r, "code"), 300);
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/webinars/12345678901/panelists"), 404);
  assert_int_equal(simres_int(r, "code"), 3001);
  json_decref(r);
}

/* 30 per request is accepted; the account cap (100 per webinar) answers 3000. */
static void test_limits(void **state) {
  (void)state;
  assert_int_equal(simres_callf(&T, "DELETE", NULL, NULL, "/v2/webinars/%lld/panelists", WID), 204);
  for (int round = 0; round < 4; round++) {
    char body[8192];
    size_t off = (size_t)snprintf(body, sizeof body, "{\"panelists\":[");
    for (int i = 0; i < 30; i++)
      off += (size_t)snprintf(body + off, sizeof body - off,
                              "%s{\"name\":\"P\",\"email\":\"q%d.%d@example.org\"}", i ? "," : "",
                              round, i);
    snprintf(body + off, sizeof body - off, "]}");
    json_t *r = NULL;
    int st = simres_callf(&T, "POST", body, &r, "/v2/webinars/%lld/panelists", WID);
    if (round < 3) {
      assert_int_equal(st, 201);
    } else {
      assert_int_equal(st, 400);
      assert_int_equal(simres_int(r, "code"), 3000);
    }
    json_decref(r);
  }
  assert_int_equal(list_count(NULL, NULL, 0), 90);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_add_list_remove),
      cmocka_unit_test(test_rejections),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
