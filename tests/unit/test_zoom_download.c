/* test_zoom_download.c - zoom_download against a scripted fake Zoom on loopback: the token goes
 * to Zoom's URL and never across a redirect to another host, redirect targets are judged by
 * libcurl's parser, hops and size are capped, an expired token is renewed once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fakezoom.h"
#include "../support/zoomtest.h"
#include "zoom/client.h"
#include "zoom/download.h"

typedef struct fixture {
  zoomtest_env z; /* the fake Zoom and the client on it */
  char base[96];  /* http://127.0.0.1:PORT: the API's origin */
  char other[96]; /* http://localhost:PORT: the same fake under another host name */
  char *body;
  size_t len;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  assert_int_equal(zoomtest_env_start(&f->z), 0);
  snprintf(f->base, sizeof f->base, "%s", fakezoom_url(f->z.fz));
  const char *port = strrchr(f->base, ':');
  snprintf(f->other, sizeof f->other, "http://localhost%s", port);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  free(f->body);
  zoomtest_env_stop(&f->z);
  free(f);
  return 0;
}

static int download(fixture *f, const char *url, size_t max) {
  free(f->body);
  f->body = NULL;
  zoom_error_clear(&f->z.err);
  return zoom_download(f->z.client, url, max, NULL, &f->body, &f->len, &f->z.err);
}

/* The logged request for PATH (the last one), into *OUT. */
static void logged(fixture *f, const char *path, fakezoom_request *out) {
  bool found = false;
  for (size_t i = 0; i < fakezoom_request_count(f->z.fz); i++) {
    fakezoom_request r;
    if (fakezoom_request_get(f->z.fz, i, &r) && strcmp(r.path, path) == 0) {
      *out = r;
      found = true;
    }
  }
  assert_true(found);
}

static void token_stays_with_zoom_across_a_redirect(void **state) {
  fixture *f = *state;
  char loc[256], url[256];
  snprintf(loc, sizeof loc, "Location: %s/_open/f1.vtt?sig=abc\n", f->other);
  fakezoom_script(f->z.fz, "GET", "/rec/download/f1", 0, (fakezoom_reply){302, loc, NULL, 0, 0});
  fakezoom_script(
      f->z.fz, "GET", "/_open/f1.vtt", 0,
      (fakezoom_reply){200, NULL, "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nA: hi\n", 0, 0});
  snprintf(url, sizeof url, "%s/rec/download/f1", f->base);
  assert_int_equal(download(f, url, 4096), 0);
  assert_int_equal(strncmp(f->body, "WEBVTT\n", 7), 0);
  assert_int_equal(f->len, strlen(f->body));
  fakezoom_request r;
  logged(f, "/rec/download/f1", &r);
  assert_string_equal(r.auth, "bearer");
  logged(f, "/_open/f1.vtt", &r);
  assert_string_equal(r.auth, "none"); /* another host: no token */
  assert_string_equal(r.query, "sig=abc");
}

static void token_kept_on_the_same_origin(void **state) {
  fixture *f = *state;
  char loc[256], url[256];
  snprintf(loc, sizeof loc, "Location: %s/rec/file/f2\n", f->base);
  fakezoom_script(f->z.fz, "GET", "/rec/download/f2", 0, (fakezoom_reply){302, loc, NULL, 0, 0});
  fakezoom_script(f->z.fz, "GET", "/rec/file/f2", 0, (fakezoom_reply){200, NULL, "data", 0, 0});
  snprintf(url, sizeof url, "%s/rec/download/f2", f->base);
  assert_int_equal(download(f, url, 4096), 0);
  assert_string_equal(f->body, "data");
  fakezoom_request r;
  logged(f, "/rec/file/f2", &r);
  assert_string_equal(r.auth, "bearer");
}

static void refused_targets_are_not_followed(void **state) {
  fixture *f = *state;
  static const char *const targets[] = {
      "Location: ftp://127.0.0.1/f\n",          /* not http(s) */
      "Location: http://192.0.2.7/f\n",         /* plain http to a host that is not loopback */
      "Location: http://u:p@127.0.0.1:1/f\n",   /* a user name and password */
      "Location: http://127.0.0.1.nip.io/f\n"}; /* loopback by name only: not loopback */
  char url[256];
  snprintf(url, sizeof url, "%s/rec/download/bad", f->base);
  for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
    fakezoom_script(f->z.fz, "GET", "/rec/download/bad", 1,
                    (fakezoom_reply){302, targets[i], NULL, 0, 0});
    size_t before = fakezoom_request_count(f->z.fz);
    assert_int_equal(download(f, url, 4096), -1);
    assert_int_equal(f->z.err.kind, ZOOM_ERR_BAD_REPLY);
    assert_non_null(strstr(f->z.err.message, "not followed"));
    /* the redirect was asked for (and maybe a token); nothing went to the target */
    assert_true(fakezoom_request_count(f->z.fz) - before <= 2);
    assert_null(f->body);
  }
}

static void a_url_off_zoom_gets_no_token(void **state) {
  fixture *f = *state;
  char url[256];
  /* the API is on 127.0.0.1: localhost is another host, and not Zoom's */
  snprintf(url, sizeof url, "%s/rec/download/f3", f->other);
  assert_int_equal(download(f, url, 4096), -1);
  assert_int_equal(f->z.err.kind, ZOOM_ERR_INVALID);
  assert_non_null(strstr(f->z.err.message, "localhost"));
  assert_int_equal(fakezoom_request_count(f->z.fz), 0); /* not even a token request */
  assert_int_equal(download(f, "http://192.0.2.7/rec/download/x", 4096), -1);
  assert_int_equal(f->z.err.kind, ZOOM_ERR_INVALID);
  assert_int_equal(fakezoom_request_count(f->z.fz), 0);
}

static void hops_and_size_are_capped(void **state) {
  fixture *f = *state;
  char loc[256], url[256];
  snprintf(loc, sizeof loc, "Location: %s/rec/loop\n", f->base);
  fakezoom_script(f->z.fz, "GET", "/rec/loop", 0, (fakezoom_reply){302, loc, NULL, 0, 0});
  snprintf(url, sizeof url, "%s/rec/loop", f->base);
  assert_int_equal(download(f, url, 4096), -1);
  assert_int_equal(f->z.err.kind, ZOOM_ERR_BAD_REPLY);
  assert_non_null(strstr(f->z.err.message, "more than 5 times"));
  assert_int_equal(fakezoom_count(f->z.fz, "GET", "/rec/loop"), ZOOM_DOWNLOAD_MAX_HOPS + 1);

  static char big[3000];
  memset(big, 'x', sizeof big - 1);
  fakezoom_script(f->z.fz, "GET", "/rec/big", 0, (fakezoom_reply){200, NULL, big, 0, 0});
  snprintf(url, sizeof url, "%s/rec/big", f->base);
  assert_int_equal(download(f, url, 1000), -1);
  assert_int_equal(f->z.err.kind, ZOOM_ERR_BAD_REPLY);
  assert_non_null(strstr(f->z.err.message, "1000-byte cap"));
  assert_int_equal(download(f, url, sizeof big - 1), 0);
  assert_int_equal(f->len, sizeof big - 1);
}

static void an_expired_token_is_renewed_once(void **state) {
  fixture *f = *state;
  char url[256];
  fakezoom_script(f->z.fz, "GET", "/rec/download/f4", 0, (fakezoom_reply){200, NULL, "ok", 0, 0});
  snprintf(url, sizeof url, "%s/rec/download/f4", f->base);
  assert_int_equal(download(f, url, 100), 0);
  fakezoom_revoke_tokens(f->z.fz);
  assert_int_equal(download(f, url, 100), 0);
  assert_string_equal(f->body, "ok");
  assert_int_equal(fakezoom_token_requests(f->z.fz), 2);
  /* an error names host and path, never the query (a signed URL's credential) */
  snprintf(url, sizeof url, "%s/rec/missing?sig=s3cr3t", f->base);
  assert_int_equal(download(f, url, 100), -1);
  assert_int_equal(f->z.err.kind, ZOOM_ERR_HTTP);
  assert_int_equal(f->z.err.http_status, 404);
  assert_non_null(strstr(f->z.err.message, "127.0.0.1"));
  assert_null(strstr(f->z.err.message, "s3cr3t"));
  assert_string_equal(f->z.err.path, "/rec/missing");
  char *token = fakezoom_last_token(f->z.fz);
  assert_null(strstr(f->z.err.message, token));
  free(token);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(token_stays_with_zoom_across_a_redirect, setup, teardown),
      cmocka_unit_test_setup_teardown(token_kept_on_the_same_origin, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_targets_are_not_followed, setup, teardown),
      cmocka_unit_test_setup_teardown(a_url_off_zoom_gets_no_token, setup, teardown),
      cmocka_unit_test_setup_teardown(hops_and_size_are_capped, setup, teardown),
      cmocka_unit_test_setup_teardown(an_expired_token_is_renewed_once, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
