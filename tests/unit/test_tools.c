/* test_tools.c - the tool layer's own pieces: start_time normalisation, path
 * building from arguments, and the catalogue (every entry loads and binds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tools/app.h"

typedef struct when_case {
  const char *in;
  const char *out; /* NULL: refused */
} when_case;

static void start_times(void **state) {
  (void)state;
  static const when_case cases[] = {
      /* UTC stays UTC, always with a Z and seconds. */
      {"2026-12-01T15:00:00Z", "2026-12-01T15:00:00Z"},
      {"2026-12-01T15:00Z", "2026-12-01T15:00:00Z"},
      {"2026-12-01T15:00:00.250Z", "2026-12-01T15:00:00Z"},
      /* An offset becomes UTC: never an offset followed by Z. */
      {"2026-12-01T15:00:00-05:00", "2026-12-01T20:00:00Z"},
      {"2026-12-01T15:00:00+0530", "2026-12-01T09:30:00Z"},
      {"2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z"},
      {"2026-03-01T00:15:00+01:00", "2026-02-28T23:15:00Z"},
      /* No zone: local to the webinar's timezone, kept as written. */
      {"2026-12-01T15:00:00", "2026-12-01T15:00:00"},
      {"2026-12-01 15:00", "2026-12-01T15:00:00"},
      {"2028-02-29T10:00:00", "2028-02-29T10:00:00"},
      /* Refused: not a date, not a real date, trailing text, bad offsets. */
      {"tomorrow 3pm", NULL},
      {"2026-02-29T10:00:00", NULL},
      {"2026-13-01T10:00:00", NULL},
      {"2026-12-01T24:00:00", NULL},
      {"2026-12-01T15:00:00ZZ", NULL},
      {"2026-12-01T15:00:00+25:00", NULL},
      {"2026-12-01", NULL},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[32] = "", why[256] = "";
    int rc = when_normalise(cases[i].in, out, sizeof out, why, sizeof why);
    if (cases[i].out) {
      assert_int_equal(rc, 0);
      assert_string_equal(out, cases[i].out);
    } else {
      assert_int_equal(rc, -1);
      assert_non_null(strstr(why, cases[i].in)); /* the reason quotes what was refused */
    }
  }
  char small[8], why[64];
  assert_int_equal(when_normalise("2026-12-01T15:00:00Z", small, sizeof small, why, sizeof why),
                   -1);
}

static void paths_from_arguments(void **state) {
  (void)state;
  char missing[64] = "";
  json_t *args = json_pack("{s:s, s:I, s:s, s:s}", "webinar_id", "/ab//c==", "poll_id",
                           (json_int_t)42, "user_id", "a b@x.com", "empty", "");
  char *p =
      engine_path("/past_webinars/{webinar_id}/polls/{poll_id}", args, missing, sizeof missing);
  /* A UUID starting with '/' is encoded twice; other values once. */
  assert_string_equal(p, "/past_webinars/%252Fab%252F%252Fc%253D%253D/polls/42");
  free(p);
  p = engine_path("/users/{user_id}/webinars", args, missing, sizeof missing);
  assert_string_equal(p, "/users/a%20b%40x.com/webinars");
  free(p);
  assert_null(engine_path("/webinars/{nope}", args, missing, sizeof missing));
  assert_string_equal(missing, "nope");
  assert_null(engine_path("/webinars/{empty}", args, missing, sizeof missing));
  assert_string_equal(missing, "empty");
  assert_null(engine_path("/webinars/{unclosed", args, NULL, 0));
  json_decref(args);
}

static void catalogue_loads_and_binds(void **state) {
  (void)state;
  json_t *cat = catalog_load();
  assert_non_null(cat);
  assert_true(json_array_size(cat) >= 4);
  /* Names are unique. */
  for (size_t i = 0; i < json_array_size(cat); i++)
    for (size_t j = i + 1; j < json_array_size(cat); j++)
      assert_string_not_equal(json_string_value(json_object_get(json_array_get(cat, i), "name")),
                              json_string_value(json_object_get(json_array_get(cat, j), "name")));
  json_decref(cat);

  /* Registration binds every entry to a handler and compiles every schema; a
   * second registration in one process is refused. */
  app a = {0};
  mcp_server *srv =
      mcp_server_new(&(mcp_server_config){.name = "t", .version = "1", .userdata = &a});
  assert_int_equal(catalog_register(srv, false), 0);
  assert_int_equal(mcp_server_check_tools(srv), 0); /* every schema compiles */
  assert_int_equal(catalog_register(srv, false), -1);
  mcp_server_free(srv);
  catalog_free();

  srv = mcp_server_new(&(mcp_server_config){.name = "t", .version = "1", .userdata = &a});
  assert_int_equal(catalog_register(srv, true), 0);
  mcp_server_free(srv);
  catalog_free();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(start_times),
      cmocka_unit_test(paths_from_arguments),
      cmocka_unit_test(catalogue_loads_and_binds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
