/* test_sim_users.c - the sandbox's users: GET /users (status, pages) and GET /users/{userId}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../support/simtest.h"

static int setup(void **state) {
  static simtest t;
  if (simtest_start(&t, NULL) != 0)
    return -1;
  *state = &t;
  return 0;
}

static int teardown(void **state) {
  simtest_stop(*state);
  return 0;
}

/* Every field GET /users names for an item. */
static const char *const list_fields[] = {
    "id",         "first_name", "last_name",       "display_name",    "email",
    "type",       "pmi",        "timezone",        "verified",        "dept",
    "created_at", "status",     "user_created_at", "last_login_time", "role_id",
    "group_ids"};

/* JSON types of user fields, from Zoom's OpenAPI description (GET /users and
 * GET /users/{userId}). */
typedef struct field_type {
  const char *name;
  json_type type;
} field_type;

static const field_type user_types[] = {
    {"id", JSON_STRING},
    {"first_name", JSON_STRING},
    {"last_name", JSON_STRING},
    {"display_name", JSON_STRING},
    {"email", JSON_STRING},
    {"type", JSON_INTEGER},
    {"pmi", JSON_INTEGER},
    {"timezone", JSON_STRING},
    {"verified", JSON_INTEGER}, /* 1 or 0, not a boolean */
    {"dept", JSON_STRING},
    {"created_at", JSON_STRING},
    {"user_created_at", JSON_STRING},
    {"last_login_time", JSON_STRING},
    {"language", JSON_STRING},
    {"status", JSON_STRING},
    {"role_id", JSON_STRING},
    {"role_name", JSON_STRING},
    {"group_ids", JSON_ARRAY},
    {"account_id", JSON_STRING},
    {"personal_meeting_url", JSON_STRING},
    {"use_pmi", JSON_TRUE}, /* a boolean: JSON_TRUE or JSON_FALSE */
};

/* Fails when a field of user U named in user_types has another type, or
 * verified is not 1 or 0; fields U lacks are not checked here. */
static void assert_user_types(json_t *u) {
  for (size_t k = 0; k < sizeof user_types / sizeof user_types[0]; k++) {
    json_t *v = json_object_get(u, user_types[k].name);
    if (!v)
      continue;
    bool ok =
        user_types[k].type == JSON_TRUE ? json_is_boolean(v) : json_typeof(v) == user_types[k].type;
    if (!ok)
      fail_msg("user field %s has JSON type %d", user_types[k].name, (int)json_typeof(v));
  }
  json_int_t verified = json_integer_value(json_object_get(u, "verified"));
  assert_true(verified == 0 || verified == 1);
}

/* GET /users lists only the fields of a list item; GET /users/{userId}
 * has the full object; both with the types of Zoom's description. */
static void user_fields_have_zoom_types(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_call(t, "GET", "/v2/users", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  size_t i;
  json_t *u;
  json_array_foreach(json_object_get(r.json, "users"), i, u) {
    assert_user_types(u);
    assert_null(json_object_get(u, "language")); /* not a list item field */
    assert_null(json_object_get(u, "role_name"));
  }
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_user_types(r.json);
  assert_non_null(json_object_get(r.json, "verified"));
  assert_non_null(json_object_get(r.json, "language"));
  assert_true(json_is_boolean(json_object_get(r.json, "use_pmi")));
  simtest_reply_free(&r);
}

static void list_active_users(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_call(t, "GET", "/v2/users", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *users = json_object_get(r.json, "users");
  assert_int_equal(json_array_size(users), 3);
  assert_int_equal(json_integer_value(json_object_get(r.json, "total_records")), 3);
  assert_int_equal(json_integer_value(json_object_get(r.json, "page_size")), 30);
  assert_int_equal(json_integer_value(json_object_get(r.json, "page_count")), 1);
  assert_string_equal(json_string_value(json_object_get(r.json, "next_page_token")), "");
  size_t i;
  json_t *u;
  json_array_foreach(users, i, u) {
    for (size_t k = 0; k < sizeof list_fields / sizeof list_fields[0]; k++)
      if (!json_object_get(u, list_fields[k]))
        fail_msg("user %zu lacks %s", i, list_fields[k]);
    assert_string_equal(json_string_value(json_object_get(u, "status")), "active");
    /* Zoom describes verified as an integer, 1 or 0. */
    assert_true(json_is_integer(json_object_get(u, "verified")));
    assert_int_equal(json_integer_value(json_object_get(u, "verified")), 1);
  }
  simtest_reply_free(&r);
}

static void list_by_status(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_call(t, "GET", "/v2/users?status=pending", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(json_array_size(json_object_get(r.json, "users")), 1);
  assert_string_equal(json_string_value(json_object_get(
                          json_array_get(json_object_get(r.json, "users"), 0), "status")),
                      "pending");
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(t, "GET", "/v2/users?status=inactive", NULL, &r), 0);
  assert_int_equal(json_array_size(json_object_get(r.json, "users")), 1);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(t, "GET", "/v2/users?status=sleeping", NULL, &r), 0);
  assert_int_equal(r.status, 400);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 300);
  assert_string_equal(json_string_value(json_object_get(
                          json_array_get(json_object_get(r.json, "errors"), 0), "field")),
                      "status");
  simtest_reply_free(&r);
}

static void pages_follow_next_page_token(void **state) {
  simtest *t = *state;
  simtest_reply r;
  char target[256];
  char seen[3][40] = {{0}};
  snprintf(target, sizeof target, "/v2/users?page_size=1");
  for (int page = 0; page < 3; page++) {
    assert_int_equal(simtest_call(t, "GET", target, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *users = json_object_get(r.json, "users");
    assert_int_equal(json_array_size(users), 1);
    assert_int_equal(json_integer_value(json_object_get(r.json, "page_size")), 1);
    snprintf(seen[page], sizeof seen[page], "%s",
             json_string_value(json_object_get(json_array_get(users, 0), "id")));
    const char *next = json_string_value(json_object_get(r.json, "next_page_token"));
    if (page < 2)
      assert_true(strlen(next) > 0);
    else
      assert_string_equal(next, "");
    snprintf(target, sizeof target, "/v2/users?page_size=1&next_page_token=%s", next);
    simtest_reply_free(&r);
  }
  assert_string_not_equal(seen[0], seen[1]);
  assert_string_not_equal(seen[1], seen[2]);
  assert_string_not_equal(seen[0], seen[2]);
}

static void page_size_is_capped_and_checked(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_call(t, "GET", "/v2/users?page_size=1000", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(json_integer_value(json_object_get(r.json, "page_size")), 300);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(t, "GET", "/v2/users?page_size=abc", NULL, &r), 0);
  assert_int_equal(r.status, 400);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 300);
  simtest_reply_free(&r);
}

static void page_tokens_expire_after_15_minutes(void **state) {
  simtest *t = *state;
  simtest_reply r;
  char target[256];
  assert_int_equal(simtest_call(t, "GET", "/v2/users?page_size=1", NULL, &r), 0);
  snprintf(target, sizeof target, "/v2/users?page_size=1&next_page_token=%s",
           json_string_value(json_object_get(r.json, "next_page_token")));
  simtest_reply_free(&r);
  /* A token from another listing is refused. */
  char other[300];
  snprintf(other, sizeof other, "/v2/users?status=pending&%s", strchr(target, '?') + 1);
  assert_int_equal(simtest_call(t, "GET", other, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 300);
  simtest_reply_free(&r);
  sim_advance_clock(t->s, 15 * 60 + 1);
  /* The bearer token outlives the page token (lifetime 3600 s). */
  assert_int_equal(simtest_call(t, "GET", target, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 300);
  assert_non_null(strstr(json_string_value(json_object_get(r.json, "message")), "expired"));
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(t, "GET", "/v2/users?next_page_token=made-up", NULL, &r), 0);
  assert_int_equal(r.status, 400);
  simtest_reply_free(&r);
}

static void get_user_by_me_id_and_email(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_call(t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  char id[64], email[128];
  snprintf(id, sizeof id, "%s", json_string_value(json_object_get(r.json, "id")));
  snprintf(email, sizeof email, "%s", json_string_value(json_object_get(r.json, "email")));
  static const char *const fields[] = {
      "id",       "first_name", "last_name", "email",      "type",       "pmi",
      "timezone", "role_name",  "status",    "account_id", "created_at", "personal_meeting_url"};
  for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
    if (!json_object_get(r.json, fields[k]))
      fail_msg("user lacks %s", fields[k]);
  assert_string_equal(json_string_value(json_object_get(r.json, "role_name")), "Owner");
  simtest_reply_free(&r);

  char target[256];
  snprintf(target, sizeof target, "/v2/users/%s", id);
  assert_int_equal(simtest_call(t, "GET", target, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "email")), email);
  simtest_reply_free(&r);

  /* By e-mail, "@" percent-encoded as a client would send it. */
  char *at = strchr(email, '@');
  *at = '\0';
  snprintf(target, sizeof target, "/v2/users/%s%%40%s", email, at + 1);
  assert_int_equal(simtest_call(t, "GET", target, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "id")), id);
  simtest_reply_free(&r);
}

static void unknown_user_is_1001(void **state) {
  simtest *t = *state;
  simtest_reply r;
  assert_int_equal(simtest_call(t, "GET", "/v2/users/nobody@example.com", NULL, &r), 0);
  assert_int_equal(r.status, 404);
  assert_int_equal(json_integer_value(json_object_get(r.json, "code")), 1001);
  simtest_reply_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(list_active_users),
      cmocka_unit_test(list_by_status),
      cmocka_unit_test(pages_follow_next_page_token),
      cmocka_unit_test(page_size_is_capped_and_checked),
      cmocka_unit_test(page_tokens_expire_after_15_minutes),
      cmocka_unit_test(get_user_by_me_id_and_email),
      cmocka_unit_test(unknown_user_is_1001),
      cmocka_unit_test(user_fields_have_zoom_types),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
