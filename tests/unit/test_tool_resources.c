/* test_tool_resources.c - the zoom:// resources of src/tools against a scripted fake Zoom: a read
 * fails with "resource not found" when Zoom answered HTTP 404, and only then, whatever the
 * words of Zoom's message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../support/mcptest.h"
#include "../support/zoomtest.h"
#include "tools/app.h"

typedef struct fixture {
  zoomtest_env z; /* the fake Zoom and the client the app uses */
  app a;
  mcp_server *srv;
  mcptest t;
  json_int_t next_id;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  assert_int_equal(zoomtest_env_start(&f->z), 0);
  f->a.zoom = f->z.client;
  mcp_server_config cfg = {.name = "unit", .version = "1", .userdata = &f->a};
  assert_non_null(f->srv = mcp_server_new(&cfg));
  assert_int_equal(webinar_resources_register(f->srv), 0);
  assert_int_equal(past_resources_register(f->srv), 0);
  mcptest_start(&f->t, f->srv);
  json_decref(mcptest_initialize(&f->t, "2025-11-25", NULL));
  f->next_id = 1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  mcptest_stop(&f->t);
  mcp_server_free(f->srv);
  zoomtest_env_stop(&f->z);
  free(f);
  return 0;
}

/* Reads URI; the error's code (0 for a result), and its message into MSG. */
static int read_code(fixture *f, const char *uri, char *msg, size_t size) {
  json_int_t id = f->next_id++;
  mcptest_feedf(&f->t, "{s:s, s:I, s:s, s:{s:s}}", "jsonrpc", "2.0", "id", id, "method",
                "resources/read", "params", "uri", uri);
  json_t *reply = mcptest_reply(&f->t, id);
  assert_non_null(reply);
  int code = mcptest_error_code(reply);
  const char *text = json_string_value(json_object_get(json_object_get(reply, "error"), "message"));
  snprintf(msg, size, "%s", text ? text : "");
  json_decref(reply);
  return code;
}

/* Zoom's answers: a webinar that does not exist, and a refusal whose message quotes "(HTTP
 * 404)" with another status. */
static const fakezoom_reply missing = {
    404, NULL, "{\"code\":3001,\"message\":\"Webinar does not exist: 77.\"}", 0, 0};
static const fakezoom_reply quoting = {
    400, NULL, "{\"code\":300,\"message\":\"Your request said (HTTP 404) in its topic.\"}", 0, 0};

static void webinar_missing_is_not_found(void **state) {
  fixture *f = *state;
  char msg[1300];
  fakezoom_script(f->z.fz, "GET", "/v2/webinars/77", 0, missing);
  assert_int_equal(read_code(f, "zoom://webinars/77", msg, sizeof msg), MCP_RESOURCE_NOT_FOUND);
  assert_non_null(strstr(msg, "77"));
  fakezoom_script(f->z.fz, "GET", "/v2/webinars/77/registrants", 0, missing);
  assert_int_equal(read_code(f, "zoom://webinars/77/registrants", msg, sizeof msg),
                   MCP_RESOURCE_NOT_FOUND);
  fakezoom_script(f->z.fz, "GET", "/v2/past_webinars/77/participants", 0, missing);
  assert_int_equal(read_code(f, "zoom://past_webinars/77/report", msg, sizeof msg),
                   MCP_RESOURCE_NOT_FOUND);
  assert_non_null(strstr(msg, "zoom://past_webinars/77/report: ")); /* names what was read */
}

static void quoted_404_in_text_is_not_not_found(void **state) {
  fixture *f = *state;
  char msg[1300];
  fakezoom_script(f->z.fz, "GET", "/v2/webinars/78", 0, quoting);
  assert_int_equal(read_code(f, "zoom://webinars/78", msg, sizeof msg), MCP_INTERNAL_ERROR);
  assert_non_null(strstr(msg, "(HTTP 404)")); /* the text was there, and did not decide */
  assert_non_null(strstr(msg, "(HTTP 400"));
  fakezoom_script(f->z.fz, "GET", "/v2/webinars/78/registrants", 0, quoting);
  assert_int_equal(read_code(f, "zoom://webinars/78/registrants", msg, sizeof msg),
                   MCP_INTERNAL_ERROR);
  fakezoom_script(f->z.fz, "GET", "/v2/users", 0, quoting);
  assert_int_equal(read_code(f, "zoom://users", msg, sizeof msg), MCP_INTERNAL_ERROR);
  fakezoom_script(f->z.fz, "GET", "/v2/past_webinars/78/participants", 0, quoting);
  assert_int_equal(read_code(f, "zoom://past_webinars/78/report", msg, sizeof msg),
                   MCP_INTERNAL_ERROR);
  assert_non_null(strstr(msg, "(HTTP 404)"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(webinar_missing_is_not_found, setup, teardown),
      cmocka_unit_test_setup_teardown(quoted_404_in_text_is_not_not_found, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
