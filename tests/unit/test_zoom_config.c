/* test_zoom_config.c - configuration (.env, environment, validation), URL and UUID encoding,
 * scope hints, error values, Retry-After parsing and time zones: no network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/zoomtest.h"
#include "base/tz.h"
#include "zoom/config.h"
#include "zoom/error.h"
#include "zoom/internal.h"
#include "zoom/scopes.h"
#include "zoom/url.h"

static const char *const zoom_vars[] = {
    "ZOOM_ACCOUNT_ID",         "ZOOM_CLIENT_ID",   "ZOOM_CLIENT_SECRET", "ZOOM_API_BASE_URL",
    "ZOOM_OAUTH_TOKEN_URL",    "ZOOM_TOKEN_CACHE", "ZOOM_TIMEZONE",      "ZOOM_MAX_RETRIES",
    "ZOOM_REQUEST_TIMEOUT_MS", "ZOOM_LOG_LEVEL",   "XDG_CACHE_HOME"};

static int clean_env(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof zoom_vars / sizeof zoom_vars[0]; i++)
    unsetenv(zoom_vars[i]);
  return 0;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void env_file_is_read_and_environment_wins(void **state) {
  (void)state;
  char dir[64], path[128];
  assert_int_equal(zoomtest_tmpdir(dir, sizeof dir), 0);
  snprintf(path, sizeof path, "%s/test.env", dir);
  write_text(path, "# Zoom app\n"
                   "ZOOM_ACCOUNT_ID=acct-file\n"
                   "export ZOOM_CLIENT_ID = \"client file\"\n"
                   "ZOOM_CLIENT_SECRET='s3cr#t'\r\n"
                   "ZOOM_TIMEZONE=Europe/Paris  # where the host lives\n"
                   "UNRELATED=1\n"
                   "\n"
                   "ZOOM_MAX_RETRIES=5\n");
  setenv("ZOOM_ACCOUNT_ID", "acct-env", 1);
  zoom_config *cfg = NULL;
  zoom_error err = {0};
  assert_int_equal(zoom_config_load(&cfg, path, &err), 0);
  assert_string_equal(cfg->account_id, "acct-env");
  assert_string_equal(cfg->client_id, "client file");
  assert_string_equal(cfg->client_secret, "s3cr#t");
  assert_string_equal(cfg->timezone, "Europe/Paris");
  assert_int_equal(cfg->max_retries, 5);
  assert_int_equal(cfg->request_timeout_ms, 30000);
  assert_string_equal(cfg->token_url, ZOOM_DEFAULT_TOKEN_URL);
  assert_null(cfg->api_base_url);
  assert_string_equal(cfg->env_file, path);
  assert_int_equal(zoom_config_credentials(cfg), ZOOM_CREDENTIALS_COMPLETE);
  /* The description never shows the secret. */
  json_t *j = zoom_config_to_json(cfg);
  char *dump = json_dumps(j, 0);
  assert_null(strstr(dump, "s3cr#t"));
  assert_string_equal(json_string_value(json_object_get(j, "ZOOM_CLIENT_SECRET")), "set");
  assert_string_equal(json_string_value(json_object_get(j, "credentials")), "complete");
  free(dump);
  json_decref(j);
  zoom_config_free(cfg);
  /* An env file that was asked for must exist. */
  snprintf(path, sizeof path, "%s/missing.env", dir);
  assert_int_equal(zoom_config_load(&cfg, path, &err), -1);
  assert_null(cfg);
  assert_int_equal(err.kind, ZOOM_ERR_CONFIG);
  assert_non_null(strstr(err.message, "missing.env"));
  /* A malformed line names its line number. */
  snprintf(path, sizeof path, "%s/bad.env", dir);
  write_text(path, "ZOOM_ACCOUNT_ID=a\nthis is not an assignment\n");
  assert_int_equal(zoom_config_load(&cfg, path, &err), -1);
  assert_non_null(strstr(err.message, "line 2"));
  write_text(path, "ZOOM_MAX_RETRIES=many\n");
  assert_int_equal(zoom_config_load(&cfg, path, &err), -1);
  assert_non_null(strstr(err.message, "ZOOM_MAX_RETRIES must be a whole number"));
  zoomtest_rmtree(dir);
}

static void dot_env_in_the_current_directory(void **state) {
  (void)state;
  char dir[64], old[512];
  assert_int_equal(zoomtest_tmpdir(dir, sizeof dir), 0);
  assert_non_null(getcwd(old, sizeof old));
  assert_int_equal(chdir(dir), 0);
  write_text(".env", "ZOOM_CLIENT_ID=from-dot-env\n");
  zoom_config *cfg = NULL;
  zoom_error err = {0};
  assert_int_equal(zoom_config_load(&cfg, NULL, &err), 0);
  assert_string_equal(cfg->client_id, "from-dot-env");
  assert_int_equal(zoom_config_credentials(cfg), ZOOM_CREDENTIALS_PARTIAL);
  zoom_config_free(cfg);
  assert_int_equal(chdir(old), 0);
  zoomtest_rmtree(dir);
}

static void validation_names_what_is_missing(void **state) {
  (void)state;
  zoom_config *cfg = zoom_config_new();
  zoom_error err = {0};
  assert_int_equal(zoom_config_credentials(cfg), ZOOM_CREDENTIALS_NONE);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", "a1", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), -1);
  assert_int_equal(err.kind, ZOOM_ERR_CONFIG);
  assert_non_null(strstr(err.message, "ZOOM_CLIENT_ID is missing"));
  assert_non_null(strstr(err.message, "ZOOM_CLIENT_SECRET is missing"));
  assert_null(strstr(err.message, "ZOOM_ACCOUNT_ID"));
  assert_non_null(strstr(err.hint, ".env"));
  assert_int_equal(zoom_config_set(cfg, "ZOOM_CLIENT_ID", "has space", &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", "ok-secret", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), -1);
  assert_non_null(strstr(err.message, "ZOOM_CLIENT_ID is malformed"));
  assert_null(strstr(err.message, "ok-secret"));
  assert_int_equal(zoom_config_set(cfg, "ZOOM_CLIENT_ID", "c1", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), 0);
  /* Plain http only to loopback; TLS verification cannot be turned off. */
  assert_int_equal(zoom_config_set(cfg, "ZOOM_API_BASE_URL", "http://api.zoom.us/v2", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), -1);
  assert_non_null(strstr(err.message, "ZOOM_API_BASE_URL must be https://"));
  assert_int_equal(zoom_config_set(cfg, "ZOOM_API_BASE_URL", "http://127.0.0.1:8080/v2", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_TIMEZONE", "Mars/Olympus_Mons", &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_LOG_LEVEL", "chatty", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), -1);
  assert_non_null(strstr(err.message, "ZOOM_TIMEZONE is not a known IANA time zone"));
  assert_non_null(strstr(err.message, "ZOOM_LOG_LEVEL must be"));
  assert_int_equal(zoom_config_set(cfg, "ZOOM_TIMEZONE", "America/Sao_Paulo", &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_LOG_LEVEL", "debug", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_RATE_PLAN", "enterprise", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), -1);
  assert_non_null(strstr(err.message, "ZOOM_RATE_PLAN must be pro, business or off"));
  assert_int_equal(zoom_config_set(cfg, "ZOOM_RATE_PLAN", "Business", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_SSL_VERIFY", "0", &err), -1);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_REQUEST_TIMEOUT_MS", "0", &err), -1);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_REQUEST_TIMEOUT_MS", "1500", &err), 0);
  assert_int_equal(cfg->request_timeout_ms, 1500);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_REQUEST_TIMEOUT_MS", "", &err), 0);
  assert_int_equal(cfg->request_timeout_ms, 30000);
  zoom_config *copy = zoom_config_dup(cfg);
  assert_string_equal(copy->client_secret, "ok-secret");
  assert_ptr_not_equal(copy->client_secret, cfg->client_secret);
  zoom_config_free(copy);
  zoom_config_free(cfg);
  zoom_config_free(NULL);
}

/* URLs are judged by what libcurl's parser finds in them, not by their text. */
static void urls_are_judged_by_the_parsed_host(void **state) {
  (void)state;
  static const char *const allowed[] = {
      "https://zoom.us/oauth/token",
      "https://api-us.zoom.us",
      "http://127.0.0.1:8080/v2",
      "http://localhost/v2",
      "http://LOCALHOST:80/v2",
      "http://[::1]:18082/oauth/token",
      "http://127.1/v2",      /* libcurl reads 127.0.0.1 */
      "http://0x7f.1/v2",     /* the same */
      "http://2130706433/v2", /* the same, in decimal */
      "http://127.255.0.9:1/",
  };
  static const char *const refused[] = {
      "http://localhost:x@192.0.2.2:18082/oauth/token", /* the host is 192.0.2.2 */
      "http://127.0.0.1:x@192.0.2.2/",
      "http://127.0.0.1%2f@192.0.2.2/",
      "http://127.0.0.1\\@192.0.2.2/",
      "http://192.0.2.2#@127.0.0.1/",
      "https://user:pw@zoom.us/oauth/token", /* credentials in a URL, even over TLS */
      "https://@zoom.us/oauth/token",
      "http://@127.0.0.1/",
      "http://api.zoom.us/v2",
      "http://localhost./v2",
      "http://localhost.example.com/v2",
      "http://127.0.0.1.nip.io/v2",
      "http://[::ffff:127.0.0.1]/v2",
      "http://[::1%25lo]/v2",
      "http://128.0.0.1/",
      "https://zoom.us/oauth/token?x=1",
      "https://zoom.us/v2#frag",
      "ftp://127.0.0.1/",
      "127.0.0.1/v2",
      "https://",
      "",
      "http://127.0.0.1 /v2",
  };
  for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
    if (!zoom_url_allowed(allowed[i]))
      fail_msg("refused %s", allowed[i]);
  }
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    if (zoom_url_allowed(refused[i]))
      fail_msg("allowed %s", refused[i]);
  }
  assert_false(zoom_url_allowed(NULL));
  /* The same judgement in the configuration, for both URLs. */
  zoom_config *cfg = zoom_config_new();
  zoom_error err = {0};
  assert_int_equal(zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", "a1", &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_CLIENT_ID", "c1", &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", "s1", &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_OAUTH_TOKEN_URL",
                                   "http://localhost:x@192.0.2.2:18082/oauth/token", &err),
                   0);
  assert_int_equal(zoom_config_validate(cfg, &err), -1);
  assert_non_null(strstr(err.message, "ZOOM_OAUTH_TOKEN_URL must be https://"));
  assert_null(strstr(err.message, "ZOOM_API_BASE_URL"));
  assert_int_equal(zoom_config_set(cfg, "ZOOM_OAUTH_TOKEN_URL", NULL, &err), 0);
  assert_int_equal(
      zoom_config_set(cfg, "ZOOM_API_BASE_URL", "http://127.0.0.1:1@192.0.2.2/v2", &err), 0);
  assert_int_equal(zoom_config_validate(cfg, &err), -1);
  assert_non_null(strstr(err.message, "ZOOM_API_BASE_URL must be https://"));
  assert_null(strstr(err.message, "ZOOM_OAUTH_TOKEN_URL"));
  zoom_config_free(cfg);
}

static void cache_path_defaults(void **state) {
  (void)state;
  zoom_config *cfg = zoom_config_new();
  zoom_error err = {0};
  assert_null(zoom_config_cache_path(cfg));
  assert_int_equal(zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", "ab/../c d", &err), 0);
  setenv("XDG_CACHE_HOME", "/x/cache", 1);
  char *p = zoom_config_cache_path(cfg);
  assert_string_equal(p, "/x/cache/zoom-webinar-mcp/token-ab____c_d.json");
  free(p);
  unsetenv("XDG_CACHE_HOME");
  char *home = getenv("HOME");
  if (home && home[0] == '/') {
    char expect[512];
    snprintf(expect, sizeof expect, "%s/.cache/zoom-webinar-mcp/token-ab____c_d.json", home);
    p = zoom_config_cache_path(cfg);
    assert_string_equal(p, expect);
    free(p);
  }
  assert_int_equal(zoom_config_set(cfg, "ZOOM_TOKEN_CACHE", "/y/t.json", &err), 0);
  p = zoom_config_cache_path(cfg);
  assert_string_equal(p, "/y/t.json");
  free(p);
  zoom_config_free(cfg);
}

static void url_and_uuid_encoding(void **state) {
  (void)state;
  static const struct {
    const char *in, *once, *id;
  } cases[] = {
      {"123456789", "123456789", "123456789"},
      {"4444AAAiAAAAAiAiAiiAii==", "4444AAAiAAAAAiAiAiiAii%3D%3D", "4444AAAiAAAAAiAiAiiAii%3D%3D"},
      {"/ajXp112QmuoKj4854875==", "%2FajXp112QmuoKj4854875%3D%3D",
       "%252FajXp112QmuoKj4854875%253D%253D"},
      {"abc//def+g==", "abc%2F%2Fdef%2Bg%3D%3D", "abc%252F%252Fdef%252Bg%253D%253D"},
      {"a/b", "a%2Fb", "a%2Fb"},
      {"e\xc3\xa9 ~._-", "e%C3%A9%20~._-", "e%C3%A9%20~._-"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *once = zoom_url_encode(cases[i].in);
    char *id = zoom_webinar_id_encode(cases[i].in);
    assert_string_equal(once, cases[i].once);
    assert_string_equal(id, cases[i].id);
    free(once);
    free(id);
  }
  assert_null(zoom_webinar_id_encode(""));
  assert_null(zoom_webinar_id_encode(NULL));
  char longid[300];
  memset(longid, 'a', sizeof longid - 1);
  longid[sizeof longid - 1] = '\0';
  assert_null(zoom_webinar_id_encode(longid));
}

static void scopes_for_operations(void **state) {
  (void)state;
  const zoom_scope_need *n = zoom_scopes_for("GET", "/webinars/123/registrants/questions");
  assert_non_null(n);
  assert_string_equal(n->granular, "webinar:read:list_registration_questions:admin");
  n = zoom_scopes_for("GET", "/v2/webinars/123/registrants/abc?occurrence_id=1");
  assert_non_null(n);
  assert_string_equal(n->granular, "webinar:read:registrant:admin");
  n = zoom_scopes_for("delete", "/webinars/1/panelists");
  assert_string_equal(n->granular, "webinar:delete:panelist:admin");
  n = zoom_scopes_for("GET", "/users");
  assert_string_equal(n->classic, "user:read:admin");
  assert_null(n->granular);
  /* a webinar's recordings are under /meetings: Light, not the default Medium */
  n = zoom_scopes_for("GET", "/meetings/%252Fab%3D%3D/recordings");
  assert_non_null(n);
  assert_string_equal(n->classic, "recording:read:admin");
  assert_int_equal(zoom_rate_category_for("GET", "/v2/meetings/123/recordings"), ZOOM_RATE_LIGHT);
  assert_null(zoom_scopes_for("GET", "/webinars"));
  assert_null(zoom_scopes_for("GET", "/webinars/1/extra/stuff/here"));
  assert_null(zoom_scopes_for("GET", "/webinars//registrants"));
}

static void error_values_from_replies(void **state) {
  (void)state;
  zoom_error err = {0};
  zoom_error_clear(&err);
  json_error_t jerr;
  json_t *body = json_loads("{\"code\":1001,\"message\":\"User does not exist: x.\"}", 0, &jerr);
  zoom_error_from_reply(&err, "GET", "/users/x?y=1", 404, body);
  json_decref(body);
  assert_int_equal(err.kind, ZOOM_ERR_HTTP);
  assert_int_equal(err.zoom_code, 1001);
  assert_string_equal(err.path, "/users/x");
  assert_string_equal(err.message, "Zoom answered 404 (code 1001): User does not exist: x.");
  assert_non_null(strstr(err.hint, "list_users_for_selection"));
  body = json_loads("{\"code\":200,\"message\":\"No permission.\"}", 0, &jerr);
  zoom_error_from_reply(&err, "POST", "/users/u1/webinars", 400, body);
  json_decref(body);
  assert_non_null(strstr(err.hint, "webinar:write:admin"));
  assert_non_null(strstr(err.hint, "webinar:write:webinar:admin"));
  zoom_error_from_reply(&err, "GET", "/webinars/1", 502, NULL);
  assert_string_equal(err.message, "Zoom answered HTTP 502");
  assert_true(zoom_error_is_transient(&err));
  json_t *j = zoom_error_to_json(&err);
  assert_int_equal(json_integer_value(json_object_get(j, "http_status")), 502);
  json_decref(j);
  zoom_error_clear(&err);
  assert_int_equal(err.retry_after_s, -1);
  assert_string_equal(zoom_error_kind_name(ZOOM_ERR_OUTCOME_UNKNOWN), "outcome_unknown");
  zoom_error_clear(NULL);
}

static void retry_after_values(void **state) {
  (void)state;
  time_t now = 1764331200; /* 2025-11-28T12:00:00Z */
  assert_int_equal(zoom_retry_after_seconds("7", now), 7);
  assert_int_equal(zoom_retry_after_seconds("2025-11-28T12:01:00Z", now), 60);
  assert_int_equal(zoom_retry_after_seconds("Fri, 28 Nov 2025 12:00:30 GMT", now), 30);
  assert_int_equal(zoom_retry_after_seconds("2025-11-28T11:00:00Z", now), 0);
  assert_int_equal(zoom_retry_after_seconds("soon", now), -1);
  assert_int_equal(zoom_retry_after_seconds("", now), -1);
  assert_int_equal(zoom_retry_after_seconds(NULL, now), -1);
}

static void time_zones(void **state) {
  (void)state;
  char buf[64];
  time_t winter = 1764331200; /* 2025-11-28T12:00:00Z */
  time_t summer = 1751112000; /* 2025-06-28T12:00:00Z */
  assert_int_equal(tz_format(winter, "Europe/Paris", buf, sizeof buf), 0);
  assert_string_equal(buf, "2025-11-28T13:00:00+01:00 (Europe/Paris)");
  assert_int_equal(tz_format(summer, "Europe/Paris", buf, sizeof buf), 0);
  assert_string_equal(buf, "2025-06-28T14:00:00+02:00 (Europe/Paris)");
  assert_int_equal(tz_format(winter, "America/New_York", buf, sizeof buf), 0);
  assert_string_equal(buf, "2025-11-28T07:00:00-05:00 (America/New_York)");
  assert_int_equal(tz_format(winter, "UTC", buf, sizeof buf), 0);
  assert_string_equal(buf, "2025-11-28T12:00:00+00:00 (UTC)");
  assert_int_equal(tz_format(winter, "Not/AZone", buf, sizeof buf), -1);
  assert_int_equal(tz_format(winter, "../etc/passwd", buf, sizeof buf), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(env_file_is_read_and_environment_wins, clean_env),
      cmocka_unit_test_setup(dot_env_in_the_current_directory, clean_env),
      cmocka_unit_test_setup(validation_names_what_is_missing, clean_env),
      cmocka_unit_test_setup(urls_are_judged_by_the_parsed_host, clean_env),
      cmocka_unit_test_setup(cache_path_defaults, clean_env),
      cmocka_unit_test(url_and_uuid_encoding),
      cmocka_unit_test(scopes_for_operations),
      cmocka_unit_test(error_values_from_replies),
      cmocka_unit_test(retry_after_values),
      cmocka_unit_test(time_zones),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
