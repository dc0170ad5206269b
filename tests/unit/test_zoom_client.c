/* test_zoom_client.c - zoom_request and zoom_paginate against a scripted fake Zoom on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "../support/fakezoom.h"
#include "zoom/client.h"
#include "zoom/url.h"
#include "../support/zoomtest.h"

/* The fake Zoom and the client on it (tests/support/zoomtest.h). */
typedef zoomtest_env fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  assert_int_equal(zoomtest_env_start(f), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  zoomtest_env_stop(f);
  free(f);
  return 0;
}

/* Replaces the fixture's client by one built from f->cfg after a setting changed. */
static void client_remake(fixture *f, const char *name, const char *value) {
  assert_int_equal(zoom_config_set(f->cfg, name, value, &f->err), 0);
  zoom_client_free(f->client);
  assert_int_equal(zoom_client_new(&f->client, f->cfg, &f->err), 0);
}

static int get(fixture *f, const char *path, json_t **out) {
  zoom_error_clear(&f->err);
  return zoom_request(f->client, "GET", path, NULL, NULL, NULL, out, &f->err);
}

static const fakezoom_reply ok_me = {200, NULL, "{\"id\":\"u1\",\"email\":\"a@b.c\"}", 0, 0};

static void one_token_for_many_calls_on_one_connection(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  for (int i = 0; i < 25; i++) {
    json_t *out = NULL;
    assert_int_equal(get(f, "/users/me", &out), 0);
    assert_string_equal(json_string_value(json_object_get(out, "id")), "u1");
    json_decref(out);
  }
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 25);
  assert_int_equal(fakezoom_connections(f->fz), 1);
  fakezoom_request r;
  assert_true(fakezoom_request_get(f->fz, 0, &r));
  assert_string_equal(r.path, "/oauth/token");
  assert_string_equal(r.auth, "basic");
  assert_true(r.auth_ok);
  assert_string_equal(r.content_type, "application/x-www-form-urlencoded");
  assert_string_equal(r.body, "grant_type=account_credentials&account_id=acct-1");
  assert_true(fakezoom_request_get(f->fz, 1, &r));
  assert_string_equal(r.auth, "bearer");
  assert_true(r.auth_ok);
  zoom_client_stats st;
  zoom_client_get_stats(f->client, &st);
  assert_int_equal(st.requests, 25);
  assert_int_equal(st.connections, 1);
}

typedef struct worker {
  fixture *f;
  int ok;
} worker;

static void *worker_run(void *arg) {
  worker *w = arg;
  for (int i = 0; i < 10; i++) {
    json_t *out = NULL;
    zoom_error err = {0};
    if (zoom_request(w->f->client, "GET", "/users/me", NULL, NULL, NULL, &out, &err) == 0)
      w->ok++;
    json_decref(out);
    zoom_error_clear(&err);
  }
  return NULL;
}

static void threads_share_one_token(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  fakezoom_set_token_delay(f->fz, 100);
  pthread_t t[8];
  worker w[8];
  for (int i = 0; i < 8; i++) {
    w[i] = (worker){f, 0};
    assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
  }
  for (int i = 0; i < 8; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(w[i].ok, 10);
  }
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 80);
  /* Kept connections are reused, not re-opened: at most one per thread (80 without). */
  assert_true(fakezoom_connections(f->fz) <= 8);
}

/* Rounds of calls: in each, every worker waits until the main thread has revoked the
 * tokens, then makes five calls at the same time as the others. */
typedef struct revoke_rounds {
  pthread_mutex_t lock;
  pthread_cond_t cv;
  int arrived; /* workers waiting for the current round */
  int round;   /* rounds opened so far */
} revoke_rounds;

typedef struct rejecting_worker {
  fixture *f;
  revoke_rounds *rounds;
  int ok, refused, other;
} rejecting_worker;

enum { REVOKE_WORKERS = 4, REVOKE_ROUNDS = 5 };

static void *rejecting_worker_run(void *arg) {
  rejecting_worker *w = arg;
  for (int r = 1; r <= REVOKE_ROUNDS; r++) {
    pthread_mutex_lock(&w->rounds->lock);
    w->rounds->arrived++;
    pthread_cond_broadcast(&w->rounds->cv);
    while (w->rounds->round < r)
      pthread_cond_wait(&w->rounds->cv, &w->rounds->lock);
    pthread_mutex_unlock(&w->rounds->lock);
    for (int i = 0; i < 5; i++) {
      json_t *out = NULL;
      zoom_error err = {0};
      if (zoom_request(w->f->client, "GET", "/users/me", NULL, NULL, NULL, &out, &err) == 0)
        w->ok++;
      else if (err.kind == ZOOM_ERR_HTTP && err.zoom_code == 124)
        w->refused++; /* its new token was revoked too before it was used */
      else
        w->other++;
      json_decref(out);
      zoom_error_clear(&err);
    }
  }
  return NULL;
}

/* Threads fetch, use and reject tokens while Zoom revokes them (a TSan target too): every
 * call succeeds or reports Zoom's refusal, never anything else. */
static void tokens_revoked_under_concurrent_calls(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  revoke_rounds rounds = {.arrived = 0};
  pthread_mutex_init(&rounds.lock, NULL);
  pthread_cond_init(&rounds.cv, NULL);
  pthread_t t[REVOKE_WORKERS];
  rejecting_worker w[REVOKE_WORKERS];
  for (int i = 0; i < REVOKE_WORKERS; i++) {
    w[i] = (rejecting_worker){.f = f, .rounds = &rounds};
    assert_int_equal(pthread_create(&t[i], NULL, rejecting_worker_run, &w[i]), 0);
  }
  for (int r = 1; r <= REVOKE_ROUNDS; r++) {
    pthread_mutex_lock(&rounds.lock);
    while (rounds.arrived < r * REVOKE_WORKERS)
      pthread_cond_wait(&rounds.cv, &rounds.lock);
    fakezoom_revoke_tokens(f->fz);
    rounds.round = r;
    pthread_cond_broadcast(&rounds.cv);
    pthread_mutex_unlock(&rounds.lock);
  }
  int ok = 0, other = 0;
  for (int i = 0; i < REVOKE_WORKERS; i++) {
    pthread_join(t[i], NULL);
    ok += w[i].ok;
    other += w[i].other;
  }
  pthread_cond_destroy(&rounds.cv);
  pthread_mutex_destroy(&rounds.lock);
  assert_int_equal(other, 0);
  assert_true(ok > 0);
  /* Every round after the first began with refused tokens, so each asked for a new one. */
  assert_true(fakezoom_token_requests(f->fz) >= REVOKE_ROUNDS);
}

/* More threads than libcurl's kept-connection limits and than the old pool: each thread's
 * transfers overlap the others' (the fake answers after 20 ms), and still the connections
 * opened stay at the peak concurrency, one per thread, instead of one per request. */
static void connections_stay_at_peak_concurrency(void **state) {
  fixture *f = *state;
  enum { THREADS = 40 };
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0,
                  (fakezoom_reply){200, NULL, "{\"id\":\"u1\"}", 20, 0});
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0); /* the token, on a connection kept */
  json_decref(out);
  pthread_t t[THREADS];
  worker w[THREADS];
  for (int i = 0; i < THREADS; i++) {
    w[i] = (worker){f, 0};
    assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(w[i].ok, 10);
  }
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 1 + THREADS * 10);
  int connections = fakezoom_connections(f->fz);
  assert_true(connections >= 1);
  assert_true(connections <= THREADS);
  zoom_client_stats st;
  zoom_client_get_stats(f->client, &st);
  assert_int_equal(st.connections, (uint64_t)connections);
}

static void refresh_after_code_124(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  fakezoom_revoke_tokens(f->fz);
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 3);
  /* The cache holds the new token: a second client adopts it without a request. */
  zoom_client *other = NULL;
  assert_int_equal(zoom_client_new(&other, f->cfg, &f->err), 0);
  assert_int_equal(zoom_request(other, "GET", "/users/me", NULL, NULL, NULL, &out, &f->err), 0);
  json_decref(out);
  zoom_client_free(other);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
}

static void persistent_124_is_reported_not_looped(void **state) {
  fixture *f = *state;
  fakezoom_script(
      f->fz, "GET", "/v2/users/me", 0,
      (fakezoom_reply){401, NULL, "{\"code\":124,\"message\":\"Invalid access token.\"}", 0, 0});
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), -1);
  assert_null(out);
  assert_int_equal(f->err.kind, ZOOM_ERR_HTTP);
  assert_int_equal(f->err.http_status, 401);
  assert_int_equal(f->err.zoom_code, 124);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 2);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
}

static void rate_limit_429_waits_retry_after(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 1,
                  (fakezoom_reply){429,
                                   "Retry-After: 1\nX-RateLimit-Type: QPS\n"
                                   "X-RateLimit-Category: Light\nX-RateLimit-Limit: 30\n"
                                   "X-RateLimit-Remaining: 0\n",
                                   "{\"code\":429,\"message\":\"Too many requests.\"}", 0, 0});
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0,
                  (fakezoom_reply){200,
                                   "X-RateLimit-Category: Light\nX-RateLimit-Type: QPS\n"
                                   "X-RateLimit-Limit: 30\nX-RateLimit-Remaining: 29\n",
                                   "{\"id\":\"u1\"}", 0, 0});
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 2);
  zoom_token_status st;
  zoom_client_token_status(f->client, &st);
  assert_string_equal(st.rate.category, "Light");
  assert_int_equal(st.rate.remaining, 29);
  assert_int_equal(st.rate.limit, 30);
}

static void rate_limit_wait_longer_than_max_is_not_waited(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0,
                  (fakezoom_reply){429,
                                   "Retry-After: 30\nX-RateLimit-Type: QPS\n"
                                   "X-RateLimit-Category: Medium\n",
                                   "{\"code\":429,\"message\":\"Too many requests.\"}", 0, 0});
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_RATE_LIMIT);
  assert_string_equal(f->err.rate_type, "QPS");
  assert_int_equal(f->err.retry_after_s, 30);
  assert_non_null(strstr(f->err.message, "ZOOM_RETRY_MAX_WAIT_S"));
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 1);
}

static void daily_limit_is_not_retried(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "POST", "/v2/users/me/webinars", 0,
                  (fakezoom_reply){429,
                                   "Retry-After: 2099-01-01T00:00:00Z\n"
                                   "X-RateLimit-Type: Daily-limit\nX-RateLimit-Category: Light\n",
                                   "{\"code\":429,\"message\":\"You have reached the maximum "
                                   "daily rate limit for this API.\"}",
                                   0, 0});
  json_t *body = json_pack("{s:s}", "topic", "T");
  json_t *out = NULL;
  assert_int_equal(
      zoom_request(f->client, "POST", "/users/me/webinars", NULL, body, NULL, &out, &f->err), -1);
  json_decref(body);
  assert_int_equal(f->err.kind, ZOOM_ERR_RATE_LIMIT);
  assert_string_equal(f->err.rate_type, "Daily-limit");
  assert_string_equal(f->err.rate_category, "Light");
  assert_true(f->err.retry_after_s > 0);
  assert_non_null(strstr(f->err.message, "daily rate limit"));
  assert_non_null(strstr(f->err.message, "2099-01-01T00:00:00Z"));
  assert_false(zoom_error_is_transient(&f->err));
  assert_int_equal(fakezoom_count(f->fz, "POST", "/v2/users/me/webinars"), 1);
}

static void server_errors_500_503_are_retried(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 1,
                  (fakezoom_reply){500, NULL, "{\"code\":500,\"message\":\"oops\"}", 0, 0});
  fakezoom_script(f->fz, "GET", "/v2/users/me", 1, (fakezoom_reply){503, NULL, "busy", 0, 0});
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 3);
}

static void server_errors_give_up_after_max_retries(void **state) {
  fixture *f = *state;
  client_remake(f, "ZOOM_MAX_RETRIES", "2");
  fakezoom_script(f->fz, "DELETE", "/v2/webinars/9", 0,
                  (fakezoom_reply){503, NULL, "{\"code\":503,\"message\":\"down\"}", 0, 0});
  json_t *out = NULL;
  assert_int_equal(
      zoom_request(f->client, "DELETE", "/webinars/9", NULL, NULL, NULL, &out, &f->err), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_HTTP);
  assert_int_equal(f->err.http_status, 503);
  assert_true(zoom_error_is_transient(&f->err));
  assert_int_equal(fakezoom_count(f->fz, "DELETE", "/v2/webinars/9"), 3);
}

static void post_500_is_not_retried(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "POST", "/v2/webinars/9/panelists", 0,
                  (fakezoom_reply){500, NULL, "{\"code\":500,\"message\":\"oops\"}", 0, 0});
  json_t *body = json_pack("{s:[]}", "panelists");
  json_t *out = NULL;
  assert_int_equal(
      zoom_request(f->client, "POST", "/webinars/9/panelists", NULL, body, NULL, &out, &f->err),
      -1);
  json_decref(body);
  assert_int_equal(f->err.http_status, 500);
  assert_non_null(strstr(f->err.hint, "may or may not"));
  assert_int_equal(fakezoom_count(f->fz, "POST", "/v2/webinars/9/panelists"), 1);
}

static void reset_on_get_is_retried(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 1, (fakezoom_reply){.action = FAKEZOOM_DROP});
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 2);
}

static void reset_on_post_is_not_retried(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "POST", "/v2/users/me/webinars", 0,
                  (fakezoom_reply){.action = FAKEZOOM_DROP});
  json_t *body = json_pack("{s:s}", "topic", "Launch");
  json_t *out = NULL;
  assert_int_equal(
      zoom_request(f->client, "POST", "/users/me/webinars", NULL, body, NULL, &out, &f->err), -1);
  json_decref(body);
  assert_int_equal(f->err.kind, ZOOM_ERR_OUTCOME_UNKNOWN);
  assert_non_null(strstr(f->err.message, "may or may not"));
  assert_non_null(strstr(f->err.hint, "before trying again"));
  assert_string_equal(f->err.method, "POST");
  assert_string_equal(f->err.path, "/users/me/webinars");
  assert_int_equal(fakezoom_count(f->fz, "POST", "/v2/users/me/webinars"), 1);
  fakezoom_request r;
  size_t n = fakezoom_request_count(f->fz);
  assert_true(fakezoom_request_get(f->fz, n - 1, &r));
  assert_string_equal(r.body, "{\"topic\":\"Launch\"}");
  assert_string_equal(r.content_type, "application/json");
}

static void slow_reply_past_timeout(void **state) {
  fixture *f = *state;
  assert_int_equal(zoom_config_set(f->cfg, "ZOOM_MAX_RETRIES", "1", &f->err), 0);
  client_remake(f, "ZOOM_REQUEST_TIMEOUT_MS", "300");
  fakezoom_script(f->fz, "GET", "/v2/webinars/5", 0,
                  (fakezoom_reply){200, NULL, "{\"id\":5}", 5000, 0});
  json_t *out = NULL;
  assert_int_equal(get(f, "/webinars/5", &out), -1);
  assert_null(out);
  assert_int_equal(f->err.kind, ZOOM_ERR_TIMEOUT);
  assert_non_null(strstr(f->err.hint, "ZOOM_REQUEST_TIMEOUT_MS"));
}

/* Zoom's words may quote what it was sent: the client secret (token endpoint) or the access
 * token (API). Neither reaches an error, whole or cut (fuzz_zoom_reply's finding). */
static void zoom_text_quoting_a_secret_is_redacted(void **state) {
  fixture *f = *state;
  json_t *out = NULL;
  fakezoom_script(f->fz, "POST", "/oauth/token", 1,
                  (fakezoom_reply){401, NULL,
                                   "{\"error\":\"invalid_client\",\"reason\":\"secret "
                                   "fz-secret-1 refused\"}",
                                   0, 0});
  assert_int_equal(get(f, "/users/me", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_AUTH);
  assert_null(strstr(f->err.message, "fz-secret-1"));
  assert_non_null(strstr(f->err.message, "secret [redacted] refused"));
  /* Now with a token: the API quotes it in its message, its field errors, a non-JSON reply. */
  fakezoom_script(f->fz, "GET", "/v2/users/me", 1, ok_me);
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  out = NULL;
  char *token = fakezoom_last_token(f->fz);
  char bad[1024], cut[1024], raw[512];
  snprintf(bad, sizeof bad,
           "{\"code\":300,\"message\":\"token %s is odd\",\"errors\":[{\"field\":\"x\","
           "\"message\":\"%s\",\"k%s\":1}]}",
           token, token, token);
  /* A message long enough that the error's text is cut inside the token. */
  snprintf(cut, sizeof cut, "{\"code\":300,\"message\":\"%0490d %s\"}", 0, token);
  snprintf(raw, sizeof raw, "%s", token);
  fakezoom_script(f->fz, "GET", "/v2/users/a", 1, (fakezoom_reply){400, NULL, bad, 0, 0});
  fakezoom_script(f->fz, "GET", "/v2/users/b", 1, (fakezoom_reply){400, NULL, cut, 0, 0});
  fakezoom_script(f->fz, "GET", "/v2/users/c", 1, (fakezoom_reply){200, NULL, raw, 0, 0});
  /* A 429 whose rate-limit headers echo the token (shown in errors and the token status). */
  char echo[300];
  snprintf(echo, sizeof echo, "Retry-After: 3600\nX-RateLimit-Category: %s\nX-RateLimit-Type: %s\n",
           token, token);
  fakezoom_script(f->fz, "GET", "/v2/users/d", 1,
                  (fakezoom_reply){429, echo, "{\"code\":429,\"message\":\"slow down\"}", 0, 0});
  const char *paths[] = {"/users/a", "/users/b", "/users/c", "/users/d"};
  char head[9];
  snprintf(head, sizeof head, "%s", token);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(get(f, paths[i], &out), -1);
    json_t *j = zoom_error_to_json(&f->err);
    char *text = json_dumps(j, JSON_COMPACT);
    assert_null(strstr(text, token));
    assert_null(strstr(text, head)); /* not even its first 8 characters */
    free(text);
    json_decref(j);
  }
  zoom_token_status st;
  zoom_client_token_status(f->client, &st);
  json_t *sj = zoom_token_status_to_json(&st);
  char *stext = json_dumps(sj, JSON_COMPACT);
  assert_null(strstr(stext, head));
  free(stext);
  json_decref(sj);
  free(token);
  /* A token reply whose scope quotes the secret: the status shows the scopes, not it. */
  fakezoom_script(f->fz, "POST", "/oauth/token", 1,
                  (fakezoom_reply){200, NULL,
                                   "{\"access_token\":\"tok-scoped-1234\",\"expires_in\":3600,"
                                   "\"scope\":\"webinar:read fz-secret-1 tok-scoped-1234\"}",
                                   0, 0});
  zoom_error_clear(&f->err);
  assert_int_equal(zoom_client_refresh_token(f->client, NULL, &f->err), 0);
  zoom_client_token_status(f->client, &st);
  assert_null(strstr(st.scopes, "fz-secret-1"));
  assert_null(strstr(st.scopes, "tok-scoped-1234"));
  assert_non_null(strstr(st.scopes, "webinar:read"));
  /* The rule itself: whole occurrences, and a tail cut inside the secret. */
  char buf[64] = "a s3cr3t-value b s3cr3t-value c s3cr3t-v";
  zoom_text_redact(buf, sizeof buf, "s3cr3t-value");
  assert_string_equal(buf, "a [redacted] b [redacted] c [redacted]");
}

static void truncated_body(void **state) {
  fixture *f = *state;
  /* Cut off mid-transfer: a transport failure, retried for a GET, then reported. */
  client_remake(f, "ZOOM_MAX_RETRIES", "1");
  fakezoom_script(f->fz, "GET", "/v2/webinars/6", 0,
                  (fakezoom_reply){200, NULL,
                                   "{\"id\":6,\"topic\":\"a long enough topic to cut in half\"}", 0,
                                   FAKEZOOM_TRUNCATE});
  json_t *out = NULL;
  assert_int_equal(get(f, "/webinars/6", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_TRANSPORT);
  /* Zoom was reached: the error says the reply was cut, not that Zoom is unreachable. */
  assert_non_null(strstr(f->err.message, "cut short"));
  assert_null(strstr(f->err.hint, "ZOOM_API_BASE_URL"));
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/webinars/6"), 2);
  /* Complete but cut JSON: a bad reply, not retried. */
  fakezoom_script(f->fz, "GET", "/v2/webinars/7", 0,
                  (fakezoom_reply){200, NULL, "{\"id\":7,\"topic\":\"cut", 0, 0});
  assert_int_equal(get(f, "/webinars/7", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_BAD_REPLY);
  assert_non_null(strstr(f->err.message, "not valid JSON"));
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/webinars/7"), 1);
}

static void reply_over_the_cap_is_refused(void **state) {
  fixture *f = *state;
  client_remake(f, "ZOOM_MAX_RESPONSE_BYTES", "1024");
  char *big = malloc(5000);
  assert_non_null(big);
  memset(big, 'x', 4999);
  big[0] = '"';
  big[4998] = '"';
  big[4999] = '\0';
  fakezoom_script(f->fz, "GET", "/v2/big", 0, (fakezoom_reply){200, NULL, big, 0, 0});
  free(big);
  json_t *out = NULL;
  assert_int_equal(get(f, "/big", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_BAD_REPLY);
  assert_non_null(strstr(f->err.message, "1024"));
}

static void empty_reply_is_an_empty_object(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "PATCH", "/v2/webinars/8", 0, (fakezoom_reply){204, NULL, NULL, 0, 0});
  json_t *body = json_pack("{s:s}", "agenda", "new");
  json_t *out = NULL;
  assert_int_equal(zoom_request(f->client, "PATCH", "/webinars/8", NULL, body, NULL, &out, &f->err),
                   0);
  json_decref(body);
  assert_true(json_is_object(out));
  assert_int_equal(json_object_size(out), 0);
  json_decref(out);
}

static void zoom_errors_carry_code_fields_and_hints(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/webinars/404", 0,
                  (fakezoom_reply){404, NULL,
                                   "{\"code\":3001,\"message\":\"Webinar does not "
                                   "exist: 404.\"}",
                                   0, 0});
  fakezoom_script(f->fz, "GET", "/v2/webinars/77/registrants", 0,
                  (fakezoom_reply){400, NULL,
                                   "{\"code\":4711,\"message\":\"Invalid access token, "
                                   "does not contain scopes.\"}",
                                   0, 0});
  fakezoom_script(f->fz, "PATCH", "/v2/webinars/78", 0,
                  (fakezoom_reply){400, NULL,
                                   "{\"code\":300,\"message\":\"Validation Failed.\",\"errors\":[{"
                                   "\"field\":\"duration\",\"message\":\"Invalid field.\"}]}",
                                   0, 0});
  json_t *out = NULL;
  assert_int_equal(get(f, "/webinars/404", &out), -1);
  assert_int_equal(f->err.http_status, 404);
  assert_int_equal(f->err.zoom_code, 3001);
  assert_non_null(strstr(f->err.message, "Webinar does not exist"));
  assert_non_null(strstr(f->err.hint, "list_webinars"));

  assert_int_equal(get(f, "/webinars/77/registrants", &out), -1);
  assert_int_equal(f->err.zoom_code, 4711);
  assert_non_null(strstr(f->err.hint, "webinar:read:admin"));
  assert_non_null(strstr(f->err.hint, "webinar:read:list_registrants:admin"));

  json_t *body = json_pack("{s:i}", "duration", -1);
  zoom_error_clear(&f->err);
  assert_int_equal(
      zoom_request(f->client, "PATCH", "/webinars/78", NULL, body, NULL, &out, &f->err), -1);
  json_decref(body);
  assert_int_equal(f->err.zoom_code, 300);
  assert_non_null(f->err.field_errors);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(f->err.field_errors, 0), "field")),
      "duration");
  json_t *j = zoom_error_to_json(&f->err);
  assert_string_equal(json_string_value(json_object_get(j, "kind")), "http");
  assert_int_equal(json_integer_value(json_object_get(j, "zoom_code")), 300);
  assert_true(json_is_array(json_object_get(j, "field_errors")));
  json_decref(j);
}

static void query_is_encoded(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/webinars/1/registrants", 0,
                  (fakezoom_reply){200, NULL, "{}", 0, 0});
  json_t *q =
      json_pack("{s:s, s:[s,s], s:i, s:b, s:n, s:s}", "status", "approved", "occurrence_ids", "a1",
                "b 2", "page_size", 30, "x", 1, "skipped", "email", "a+b@c.d");
  json_t *out = NULL;
  assert_int_equal(
      zoom_request(f->client, "GET", "/webinars/1/registrants", q, NULL, NULL, &out, &f->err), 0);
  json_decref(q);
  json_decref(out);
  fakezoom_request r;
  assert_true(fakezoom_request_get(f->fz, fakezoom_request_count(f->fz) - 1, &r));
  assert_non_null(strstr(r.query, "status=approved"));
  assert_non_null(strstr(r.query, "occurrence_ids=a1%2Cb%202"));
  assert_non_null(strstr(r.query, "page_size=30"));
  assert_non_null(strstr(r.query, "x=true"));
  assert_non_null(strstr(r.query, "email=a%2Bb%40c.d"));
  assert_null(strstr(r.query, "skipped"));
}

static void bad_arguments_are_refused_without_traffic(void **state) {
  fixture *f = *state;
  json_t *out = NULL;
  assert_int_equal(zoom_request(f->client, "TRACE", "/users", NULL, NULL, NULL, &out, &f->err), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_INVALID);
  assert_int_equal(get(f, "users", &out), -1);
  assert_int_equal(get(f, "/users?x=1", &out), -1);
  assert_int_equal(get(f, "/users/a b", &out), -1);
  assert_int_equal(fakezoom_request_count(f->fz), 0);
  /* A caller that does not want the details may pass no error value. */
  fakezoom_script(f->fz, "GET", "/v2/webinars/1", 0,
                  (fakezoom_reply){429, "X-RateLimit-Type: Daily-limit\n", "{\"code\":429}", 0, 0});
  assert_int_equal(zoom_request(f->client, "GET", "/webinars/1", NULL, NULL, NULL, &out, NULL), -1);
  assert_int_equal(zoom_request(f->client, "GET", "/nowhere", NULL, NULL, NULL, &out, NULL), -1);
  zoom_page_opts opts = {.items_key = "x"};
  assert_int_equal(zoom_paginate(f->client, "/nowhere", NULL, &opts, NULL, &out, NULL), -1);
  assert_null(out);
}

static void past_webinar_uuid_reaches_zoom_double_encoded(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/past_webinars/*", 0,
                  (fakezoom_reply){200, NULL, "{\"participants\":[]}", 0, 0});
  const char *uuids[] = {"/ajXp112QmuoKj4854875==", "4444AAAiAAAAAiAiAiiAii==", "ab//cd=="};
  const char *wire[] = {"/v2/past_webinars/%252FajXp112QmuoKj4854875%253D%253D/participants",
                        "/v2/past_webinars/4444AAAiAAAAAiAiAiiAii%3D%3D/participants",
                        "/v2/past_webinars/ab%252F%252Fcd%253D%253D/participants"};
  for (size_t i = 0; i < 3; i++) {
    char *seg = zoom_webinar_id_encode(uuids[i]);
    assert_non_null(seg);
    char path[256];
    snprintf(path, sizeof path, "/past_webinars/%s/participants", seg);
    free(seg);
    json_t *out = NULL;
    assert_int_equal(get(f, path, &out), 0);
    json_decref(out);
    fakezoom_request r;
    assert_true(fakezoom_request_get(f->fz, fakezoom_request_count(f->fz) - 1, &r));
    assert_string_equal(r.path, wire[i]);
  }
}

/* ---- pagination ---- */

typedef struct pages_seen {
  size_t calls;
  size_t last_records;
  long total;
  size_t stop_after;
} pages_seen;

static int on_page(void *ctx, json_t *page, size_t page_no, size_t records, long total) {
  pages_seen *p = ctx;
  (void)page;
  p->calls++;
  assert_int_equal(page_no, p->calls);
  p->last_records = records;
  p->total = total;
  return p->stop_after && p->calls >= p->stop_after;
}

/* Queues three pages (3 + 3 + 1 registrants) for GET /v2/webinars/ID/registrants. */
static void script_three_pages(fakezoom *fz, int id) {
  char path[64];
  snprintf(path, sizeof path, "/v2/webinars/%d/registrants", id);
  fakezoom_script(fz, "GET", path, 1,
                  (fakezoom_reply){200, NULL,
                                   "{\"total_records\":7,\"page_size\":3,\"next_page_token\":"
                                   "\"t2\",\"registrants\":[{\"id\":\"r1\"},{\"id\":\"r2\"},{"
                                   "\"id\":\"r3\"}]}",
                                   0, 0});
  fakezoom_script(fz, "GET", path, 1,
                  (fakezoom_reply){200, NULL,
                                   "{\"total_records\":7,\"next_page_token\":\"t3\",\"registrants\""
                                   ":[{\"id\":\"r4\"},{\"id\":\"r5\"},{\"id\":\"r6\"}]}",
                                   0, 0});
  fakezoom_script(fz, "GET", path, 1,
                  (fakezoom_reply){200, NULL,
                                   "{\"total_records\":7,\"next_page_token\":\"\",\"registrants\":"
                                   "[{\"id\":\"r7\"}]}",
                                   0, 0});
}

static void pagination_over_three_pages(void **state) {
  fixture *f = *state;
  script_three_pages(f->fz, 42);
  pages_seen seen = {0};
  zoom_page_opts opts = {
      .items_key = "registrants", .page_size = 3, .on_page = on_page, .ctx = &seen};
  json_t *q = json_pack("{s:s}", "status", "pending");
  json_t *out = NULL;
  assert_int_equal(
      zoom_paginate(f->client, "/webinars/42/registrants", q, &opts, NULL, &out, &f->err), 0);
  json_decref(q);
  json_t *items = json_object_get(out, "registrants");
  assert_int_equal(json_array_size(items), 7);
  assert_string_equal(json_string_value(json_object_get(json_array_get(items, 6), "id")), "r7");
  assert_int_equal(json_integer_value(json_object_get(out, "pages")), 3);
  assert_int_equal(json_integer_value(json_object_get(out, "total_records")), 7);
  assert_true(json_is_false(json_object_get(out, "truncated")));
  json_decref(out);
  assert_int_equal(seen.calls, 3);
  assert_int_equal(seen.last_records, 7);
  assert_int_equal(seen.total, 7);
  /* What went over the wire: page_size and the cursor of the page before. */
  const char *expect_token[] = {NULL, "next_page_token=t2", "next_page_token=t3"};
  size_t n = fakezoom_request_count(f->fz);
  for (size_t i = 0; i < 3; i++) {
    fakezoom_request r;
    assert_true(fakezoom_request_get(f->fz, n - 3 + i, &r));
    assert_non_null(strstr(r.query, "page_size=3"));
    assert_non_null(strstr(r.query, "status=pending"));
    if (expect_token[i])
      assert_non_null(strstr(r.query, expect_token[i]));
    else
      assert_null(strstr(r.query, "next_page_token"));
  }
}

static void pagination_bounded_by_pages_and_callback(void **state) {
  fixture *f = *state;
  script_three_pages(f->fz, 42);
  zoom_page_opts opts = {.items_key = "registrants", .max_pages = 2};
  json_t *out = NULL;
  assert_int_equal(
      zoom_paginate(f->client, "/webinars/42/registrants", NULL, &opts, NULL, &out, &f->err), 0);
  assert_int_equal(json_array_size(json_object_get(out, "registrants")), 6);
  assert_true(json_is_true(json_object_get(out, "truncated")));
  assert_string_equal(json_string_value(json_object_get(out, "next_page_token")), "t3");
  json_decref(out);
  fakezoom_request r;
  assert_true(fakezoom_request_get(f->fz, fakezoom_request_count(f->fz) - 1, &r));
  assert_non_null(strstr(r.query, "page_size=300"));

  script_three_pages(f->fz, 43);
  pages_seen seen = {.stop_after = 1};
  zoom_page_opts stop = {.items_key = "registrants", .on_page = on_page, .ctx = &seen};
  assert_int_equal(
      zoom_paginate(f->client, "/webinars/43/registrants", NULL, &stop, NULL, &out, &f->err), 0);
  assert_int_equal(json_array_size(json_object_get(out, "registrants")), 3);
  assert_true(json_is_true(json_object_get(out, "truncated")));
  json_decref(out);

  /* Resuming the first walk where it stopped. */
  json_t *resume = json_pack("{s:s}", "next_page_token", "t3");
  assert_int_equal(
      zoom_paginate(f->client, "/webinars/42/registrants", resume, &opts, NULL, &out, &f->err), 0);
  json_decref(resume);
  assert_int_equal(json_array_size(json_object_get(out, "registrants")), 1);
  assert_true(json_is_false(json_object_get(out, "truncated")));
  json_decref(out);
  assert_true(fakezoom_request_get(f->fz, fakezoom_request_count(f->fz) - 1, &r));
  assert_non_null(strstr(r.query, "next_page_token=t3"));

  zoom_page_opts bad = {.items_key = "registrants", .page_size = 301};
  assert_int_equal(
      zoom_paginate(f->client, "/webinars/42/registrants", NULL, &bad, NULL, &out, &f->err), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_INVALID);
}

static void pagination_by_page_number(void **state) {
  fixture *f = *state;
  const char *path = "/v2/users/me/webinars";
  fakezoom_script(f->fz, "GET", path, 1,
                  (fakezoom_reply){200, NULL,
                                   "{\"page_count\":3,\"page_number\":1,\"total_records\":5,"
                                   "\"webinars\":[{\"id\":1},{\"id\":2}]}",
                                   0, 0});
  fakezoom_script(f->fz, "GET", path, 1,
                  (fakezoom_reply){200, NULL,
                                   "{\"page_count\":3,\"page_number\":2,\"total_records\":5,"
                                   "\"webinars\":[{\"id\":3},{\"id\":4}]}",
                                   0, 0});
  fakezoom_script(f->fz, "GET", path, 1,
                  (fakezoom_reply){200, NULL,
                                   "{\"page_count\":3,\"page_number\":3,\"total_records\":5,"
                                   "\"webinars\":[{\"id\":5}]}",
                                   0, 0});
  zoom_page_opts opts = {.items_key = "webinars", .page_size = 2, .use_page_number = true};
  json_t *out = NULL;
  assert_int_equal(zoom_paginate(f->client, "/users/me/webinars", NULL, &opts, NULL, &out, &f->err),
                   0);
  assert_int_equal(json_array_size(json_object_get(out, "webinars")), 5);
  assert_int_equal(json_integer_value(json_object_get(out, "pages")), 3);
  json_decref(out);
  fakezoom_request r;
  assert_true(fakezoom_request_get(f->fz, fakezoom_request_count(f->fz) - 1, &r));
  assert_non_null(strstr(r.query, "page_number=3"));
}

/* ---- cancellation, credentials, logs ---- */

static bool cancel_after_polls(void *ctx) {
  int *polls = ctx;
  return ++*polls > 3;
}

static void cancellation_aborts_the_transfer(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/webinars/slow", 0, (fakezoom_reply){200, NULL, "{}", 5000, 0});
  json_t *out = NULL;
  assert_int_equal(zoom_client_ensure_token(f->client, NULL, &f->err), 0);
  int polls = 0;
  zoom_cancel cancel = {cancel_after_polls, &polls};
  assert_int_equal(
      zoom_request(f->client, "GET", "/webinars/slow", NULL, NULL, &cancel, &out, &f->err), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_CANCELLED);
  assert_true(polls > 3);
}

static bool cancel_on_second_look(void *ctx) {
  int *looks = ctx;
  return ++*looks >= 2;
}

/* A GET /users in a thread of its own, with a hook the test fires to cancel it. */
typedef struct users_call {
  zoom_client *client;
  atomic_bool stop;
  int rc;
  zoom_error err;
} users_call;

static bool users_call_stopped(void *ctx) {
  return atomic_load(&((users_call *)ctx)->stop);
}

static void *users_call_run(void *arg) {
  users_call *u = arg;
  zoom_cancel cancel = {users_call_stopped, u};
  json_t *out = NULL;
  u->rc = zoom_request(u->client, "GET", "/users", NULL, NULL, &cancel, &out, &u->err);
  json_decref(out);
  return NULL;
}

/* Polls (10 ms naps, 10 s at most) until the client has waited for a slot N times. */
static uint64_t paced_waits_reach(zoom_client *client, uint64_t n) {
  zoom_client_stats st;
  zoom_client_get_stats(client, &st);
  for (int i = 0; i < 1000 && st.paced_waits < n; i++) {
    usleep(10 * 1000);
    zoom_client_get_stats(client, &st);
  }
  return st.paced_waits;
}

/* Joins TH within 30 s; past that, fires U's hook so that the join cannot hang. */
static bool joined_within(pthread_t th, users_call *u) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 30;
  if (pthread_timedjoin_np(th, NULL, &until) == 0)
    return true;
  atomic_store(&u->stop, true);
  pthread_join(th, NULL);
  return false;
}

/* With pacing on, a per-second limit Zoom states is adopted: the next request of that
 * category waits for a slot rather than being sent at once, such a wait ends when the
 * caller cancels, and other categories are not held up. The one slot is held by a call
 * whose reply never comes until the test cancels it, so every wait below is certain: with
 * back-to-back calls instead, a machine slow enough to let a second pass between two of
 * them found the slot free again (no wait). */
static void stated_limit_paces_and_the_wait_is_cancellable(void **state) {
  fixture *f = *state;
  /* The held call must not time out: only the test ends it. */
  assert_int_equal(zoom_config_set(f->cfg, "ZOOM_REQUEST_TIMEOUT_MS", "600000", &f->err), 0);
  client_remake(f, "ZOOM_RATE_PLAN", "pro");
  const char *one_a_second = "X-RateLimit-Category: Medium\nX-RateLimit-Type: QPS\n"
                             "X-RateLimit-Limit: 1\n";
  fakezoom_script(f->fz, "GET", "/v2/users", 1,
                  (fakezoom_reply){200, one_a_second, "{\"users\":[]}", 0, 0});
  /* The second reply: longer than the test (the fake's stop ends it). */
  fakezoom_script(f->fz, "GET", "/v2/users", 1,
                  (fakezoom_reply){200, one_a_second, "{\"users\":[]}", 600000, 0});
  fakezoom_script(f->fz, "GET", "/v2/users", 0,
                  (fakezoom_reply){200, one_a_second, "{\"users\":[]}", 0, 0});
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  json_t *out = NULL;
  zoom_client_stats st;
  assert_int_equal(get(f, "/users", &out), 0); /* the limit is learnt from this reply */
  json_decref(out);
  out = NULL;
  zoom_client_get_stats(f->client, &st);
  assert_int_equal(st.paced_waits, 0);
  /* The holder takes the slot (waiting first or not: that depends on the clock). */
  users_call holder = {.client = f->client};
  pthread_t holder_th;
  assert_int_equal(pthread_create(&holder_th, NULL, users_call_run, &holder), 0);
  for (int i = 0; i < 1000 && fakezoom_api_arrivals(f->fz) < 2; i++)
    usleep(10 * 1000);
  assert_int_equal(fakezoom_api_arrivals(f->fz), 2);
  zoom_client_get_stats(f->client, &st);
  uint64_t waits = st.paced_waits;
  /* The hook is looked at before the first try for a slot and after each wait. */
  int looks = 0;
  zoom_cancel cancel = {cancel_on_second_look, &looks};
  zoom_error_clear(&f->err);
  assert_int_equal(zoom_request(f->client, "GET", "/users", NULL, NULL, &cancel, &out, &f->err),
                   -1);
  assert_null(out);
  assert_int_equal(f->err.kind, ZOOM_ERR_CANCELLED);
  zoom_client_get_stats(f->client, &st);
  assert_int_equal(st.paced_waits, waits + 1);
  /* A waiter: sent once the holder gives the slot back (and its second has passed). */
  users_call waiter = {.client = f->client};
  pthread_t waiter_th;
  assert_int_equal(pthread_create(&waiter_th, NULL, users_call_run, &waiter), 0);
  assert_int_equal(paced_waits_reach(f->client, waits + 2), waits + 2);
  assert_int_equal(get(f, "/users/me", &out), 0); /* Light: not held up */
  json_decref(out);
  assert_int_equal(fakezoom_api_arrivals(f->fz), 3); /* the first, the held one, /users/me */
  atomic_store(&holder.stop, true);
  assert_true(joined_within(holder_th, &holder));
  assert_int_equal(holder.rc, -1);
  assert_int_equal(holder.err.kind, ZOOM_ERR_CANCELLED);
  zoom_error_clear(&holder.err);
  assert_true(joined_within(waiter_th, &waiter));
  assert_int_equal(waiter.rc, 0);
  zoom_error_clear(&waiter.err);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users"), 2); /* the held one: never answered */
  assert_int_equal(fakezoom_api_arrivals(f->fz), 4);
  zoom_client_get_stats(f->client, &st);
  assert_int_equal(st.paced_waits, waits + 2);
}

static void rejected_credentials_are_clear(void **state) {
  fixture *f = *state;
  client_remake(f, "ZOOM_CLIENT_SECRET", "wrong-secret-value");
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_AUTH);
  assert_non_null(strstr(f->err.message, "rejected the credentials"));
  assert_non_null(strstr(f->err.hint, "ZOOM_CLIENT_SECRET"));
  assert_null(strstr(f->err.message, "wrong-secret-value"));
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
}

static void failed_token_request_names_the_token_request(void **state) {
  fixture *f = *state;
  /* A token URL that answers 401 (code 124, as any API path does without a token). */
  char url[160];
  snprintf(url, sizeof url, "%s/not-a-token-url", fakezoom_url(f->fz));
  client_remake(f, "ZOOM_OAUTH_TOKEN_URL", url);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_AUTH);
  /* The status is the token endpoint's, and the error says so: not "GET /users/me: 401". */
  assert_int_equal(f->err.http_status, 401);
  assert_string_equal(f->err.method, "POST");
  assert_string_equal(f->err.path, "/not-a-token-url");
  assert_non_null(strstr(f->err.message, "token request failed with HTTP 401"));
  assert_non_null(strstr(f->err.message, "GET /users/me was not sent"));
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 0);
  /* Rejected credentials: the same naming. */
  client_remake(f, "ZOOM_OAUTH_TOKEN_URL", NULL);
  snprintf(url, sizeof url, "%s/oauth/token", fakezoom_url(f->fz));
  client_remake(f, "ZOOM_OAUTH_TOKEN_URL", url);
  client_remake(f, "ZOOM_CLIENT_SECRET", "wrong-secret-value");
  assert_int_equal(get(f, "/users/me", &out), -1);
  assert_int_equal(f->err.http_status, 400);
  assert_string_equal(f->err.method, "POST");
  assert_string_equal(f->err.path, "/oauth/token");
  /* A transport failure of the token request is named the same way. */
  client_remake(f, "ZOOM_MAX_RETRIES", "0");
  client_remake(f, "ZOOM_OAUTH_TOKEN_URL", "http://127.0.0.1:1/oauth/token");
  assert_int_equal(get(f, "/users/me", &out), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_TRANSPORT);
  assert_string_equal(f->err.method, "POST");
  assert_string_equal(f->err.path, "/oauth/token");
  assert_null(out);
}

static void delete_repeated_after_a_lost_reply_says_it_is_gone(void **state) {
  fixture *f = *state;
  static const fakezoom_reply gone = {
      404, NULL, "{\"code\":3001,\"message\":\"Webinar does not exist: 9.\"}", 0, 0};
  /* The first DELETE reaches Zoom, whose reply is lost; the repeat finds nothing. */
  fakezoom_script(f->fz, "DELETE", "/v2/webinars/9", 1, (fakezoom_reply){.action = FAKEZOOM_DROP});
  fakezoom_script(f->fz, "DELETE", "/v2/webinars/9", 0, gone);
  assert_int_equal(zoom_client_ensure_token(f->client, NULL, &f->err), 0);
  json_t *out = NULL;
  assert_int_equal(
      zoom_request(f->client, "DELETE", "/webinars/9", NULL, NULL, NULL, &out, &f->err), -1);
  assert_int_equal(fakezoom_count(f->fz, "DELETE", "/v2/webinars/9"), 2);
  assert_int_equal(f->err.http_status, 404);
  assert_int_equal(f->err.zoom_code, 3001);
  assert_non_null(strstr(f->err.message, "It is gone"));
  assert_non_null(strstr(f->err.message, "first attempt probably removed it"));
  assert_non_null(strstr(f->err.message, "Webinar does not exist"));
  assert_non_null(strstr(f->err.hint, "Nothing to repeat"));
  /* A DELETE whose first answer is 404 is simply not found. */
  zoom_error_clear(&f->err);
  fakezoom_script(f->fz, "DELETE", "/v2/webinars/10", 0, gone);
  assert_int_equal(
      zoom_request(f->client, "DELETE", "/webinars/10", NULL, NULL, NULL, &out, &f->err), -1);
  assert_int_equal(f->err.http_status, 404);
  assert_null(strstr(f->err.message, "It is gone"));
  assert_non_null(strstr(f->err.hint, "list_webinars"));
}

/* ---- cancelling a call that waits for another call's token request ---- */

typedef struct fetcher {
  zoom_client *client;
  int rc;
  zoom_error err;
  atomic_bool stop; /* cancels the fetcher itself */
  atomic_bool done;
} fetcher;

static bool fetcher_cancelled(void *ctx) {
  return atomic_load(&((fetcher *)ctx)->stop);
}

static void *fetcher_run(void *arg) {
  fetcher *t = arg;
  zoom_cancel cancel = {fetcher_cancelled, t};
  t->rc = zoom_client_ensure_token(t->client, &cancel, &t->err);
  atomic_store(&t->done, true);
  return NULL;
}

static void call_waiting_for_another_token_request_can_be_cancelled(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  /* The token reply takes 10 s; a second call queues behind that request. */
  fakezoom_set_token_delay(f->fz, 10000);
  fetcher t = {.client = f->client};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, fetcher_run, &t), 0);
  /* Wait (bounded) until the token request is at the fake. */
  for (int i = 0; i < 1000 && fakezoom_token_requests(f->fz) == 0; i++)
    usleep(10 * 1000);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  int polls = 0;
  zoom_cancel cancel = {cancel_after_polls, &polls};
  json_t *out = NULL;
  int rc = zoom_request(f->client, "GET", "/users/me", NULL, NULL, &cancel, &out, &f->err);
  bool other_done = atomic_load(&t.done);
  atomic_store(&t.stop, true);
  pthread_join(th, NULL);
  /* Cancelled while the other call's request was still running, not served after it. */
  assert_int_equal(rc, -1);
  assert_false(other_done);
  assert_int_equal(f->err.kind, ZOOM_ERR_CANCELLED);
  assert_string_equal(f->err.method, "GET");
  assert_string_equal(f->err.path, "/users/me");
  assert_true(polls > 3);
  assert_int_equal(t.rc, -1);
  assert_int_equal(t.err.kind, ZOOM_ERR_CANCELLED);
  zoom_error_clear(&t.err);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 0);
}

static void api_base_comes_from_token_reply(void **state) {
  fixture *f = *state;
  client_remake(f, "ZOOM_API_BASE_URL", NULL);
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  zoom_token_status st;
  zoom_client_token_status(f->client, &st);
  char expect[128];
  snprintf(expect, sizeof expect, "%s/v2", fakezoom_url(f->fz));
  assert_string_equal(st.api_base, expect);
}

static void base_url_with_trailing_slash(void **state) {
  fixture *f = *state;
  char base[128];
  snprintf(base, sizeof base, "%s/v2/", fakezoom_url(f->fz));
  client_remake(f, "ZOOM_API_BASE_URL", base);
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 1);
}

/* The request URL may be 8191 bytes (8192 with its NUL) and no longer; a longer one is
 * refused before anything is sent. (One query value may be 4096 bytes: three make it.) */
static void url_length_is_capped(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  char prefix[160];
  int plen = snprintf(prefix, sizeof prefix, "%s/v2/users/me", fakezoom_url(f->fz));
  static char full[4001], rest[4001];
  memset(full, 'a', sizeof full - 1);
  for (size_t total = 8191; total <= 8192; total++) {
    /* PREFIX ?a=FULL &b=FULL &c=REST */
    size_t rlen = total - (size_t)plen - 3 * 3 - 2 * (sizeof full - 1);
    memset(rest, 'c', rlen);
    rest[rlen] = '\0';
    json_t *q = json_pack("{s:s, s:s, s:s}", "a", full, "b", full, "c", rest), *out = NULL;
    zoom_error_clear(&f->err);
    int rc = zoom_request(f->client, "GET", "/users/me", q, NULL, NULL, &out, &f->err);
    json_decref(q);
    json_decref(out);
    if (total == 8191) {
      assert_int_equal(rc, 0);
    } else {
      assert_int_equal(rc, -1);
      assert_int_equal(f->err.kind, ZOOM_ERR_INVALID);
      assert_non_null(strstr(f->err.message, "exceed 8192 bytes"));
    }
  }
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), 1);
}

static void reconfigure_switches_account(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  fakezoom_set_credentials(f->fz, "acct-2", "client-2", "fz-secret-2");
  zoom_config *next = zoom_config_dup(f->cfg);
  char cache2[160];
  snprintf(cache2, sizeof cache2, "%s/token2.json", f->dir);
  assert_int_equal(zoom_config_set(next, "ZOOM_ACCOUNT_ID", "acct-2", &f->err), 0);
  assert_int_equal(zoom_config_set(next, "ZOOM_CLIENT_ID", "client-2", &f->err), 0);
  assert_int_equal(zoom_config_set(next, "ZOOM_CLIENT_SECRET", "fz-secret-2", &f->err), 0);
  assert_int_equal(zoom_config_set(next, "ZOOM_TOKEN_CACHE", cache2, &f->err), 0);
  /* A bad config is refused and the old one stays. */
  zoom_config *broken = zoom_config_dup(next);
  assert_int_equal(zoom_config_set(broken, "ZOOM_CLIENT_SECRET", NULL, &f->err), 0);
  assert_int_equal(zoom_client_reconfigure(f->client, broken, &f->err), -1);
  assert_non_null(strstr(f->err.message, "ZOOM_CLIENT_SECRET is missing"));
  zoom_config_free(broken);
  assert_int_equal(zoom_client_reconfigure(f->client, next, &f->err), 0);
  zoom_config_free(next);
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
  zoom_config *now = zoom_client_config(f->client);
  assert_string_equal(now->account_id, "acct-2");
  zoom_config_free(now);
}

static void checked_reconfigure_keeps_working_credentials(void **state) {
  fixture *f = *state;
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  zoom_config *typo = zoom_config_dup(f->cfg);
  assert_int_equal(zoom_config_set(typo, "ZOOM_CLIENT_SECRET", "fz-secret-l", &f->err), 0);
  assert_int_equal(zoom_client_reconfigure_checked(f->client, typo, NULL, &f->err), -1);
  assert_int_equal(f->err.kind, ZOOM_ERR_AUTH);
  zoom_config_free(typo);
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  zoom_config *now = zoom_client_config(f->client);
  assert_string_equal(now->client_secret, "fz-secret-1");
  zoom_config_free(now);

  zoom_config *next = zoom_config_dup(f->cfg);
  assert_int_equal(zoom_config_set(next, "ZOOM_TIMEZONE", "Europe/Berlin", &f->err), 0);
  assert_int_equal(zoom_client_reconfigure_checked(f->client, next, NULL, &f->err), 0);
  zoom_config_free(next);
  now = zoom_client_config(f->client);
  assert_string_equal(now->timezone, "Europe/Berlin");
  zoom_config_free(now);
  /* The typo, the first call, and the check of the new config: each asked Zoom. */
  assert_int_equal(fakezoom_token_requests(f->fz), 3);
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(fakezoom_token_requests(f->fz), 3);
}

static void no_secret_in_debug_logs(void **state) {
  fixture *f = *state;
  char logpath[160];
  snprintf(logpath, sizeof logpath, "%s/debug.log", f->dir);
  assert_int_equal(log_set_file(logpath), 0);
  log_level before = log_get_level();
  log_set_level(LOG_DEBUG);
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, ok_me);
  fakezoom_script(f->fz, "POST", "/v2/users/me/webinars", 0,
                  (fakezoom_reply){.action = FAKEZOOM_DROP});
  json_t *out = NULL;
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  char *first = fakezoom_last_token(f->fz);
  fakezoom_revoke_tokens(f->fz);
  assert_int_equal(get(f, "/users/me", &out), 0);
  json_decref(out);
  assert_int_equal(
      zoom_request(f->client, "POST", "/users/me/webinars", NULL, NULL, NULL, &out, &f->err), -1);
  assert_int_equal(zoom_client_refresh_token(f->client, NULL, &f->err), 0);
  char *last = fakezoom_last_token(f->fz);
  log_set_level(before);
  assert_int_equal(log_set_file(NULL), 0);
  char *text = zoomtest_slurp(logpath);
  assert_non_null(text);
  assert_non_null(strstr(text, "DEBUG zoom:"));
  assert_non_null(strstr(text, "code 124"));
  assert_null(strstr(text, "fz-secret-1"));
  assert_null(strstr(text, first));
  assert_null(strstr(text, last));
  assert_null(strstr(text, "fzt-"));
  assert_null(strstr(text, "Bearer"));
  assert_null(strstr(text, "Basic"));
  assert_null(strstr(text, "Y2xpZW50LTE6ZnotZ2VjcmV0LTE")); /* base64 prefix of id:secret */
  /* Nor in error values or the token status. */
  assert_null(strstr(f->err.message, "fzt-"));
  zoom_token_status st;
  zoom_client_token_status(f->client, &st);
  json_t *js = zoom_token_status_to_json(&st);
  char *dump = json_dumps(js, 0);
  assert_null(strstr(dump, "fzt-"));
  free(dump);
  json_decref(js);
  free(text);
  free(first);
  free(last);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(one_token_for_many_calls_on_one_connection, setup, teardown),
      cmocka_unit_test_setup_teardown(url_length_is_capped, setup, teardown),
      cmocka_unit_test_setup_teardown(threads_share_one_token, setup, teardown),
      cmocka_unit_test_setup_teardown(connections_stay_at_peak_concurrency, setup, teardown),
      cmocka_unit_test_setup_teardown(refresh_after_code_124, setup, teardown),
      cmocka_unit_test_setup_teardown(tokens_revoked_under_concurrent_calls, setup, teardown),
      cmocka_unit_test_setup_teardown(persistent_124_is_reported_not_looped, setup, teardown),
      cmocka_unit_test_setup_teardown(rate_limit_429_waits_retry_after, setup, teardown),
      cmocka_unit_test_setup_teardown(rate_limit_wait_longer_than_max_is_not_waited, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(daily_limit_is_not_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(server_errors_500_503_are_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(server_errors_give_up_after_max_retries, setup, teardown),
      cmocka_unit_test_setup_teardown(post_500_is_not_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(reset_on_get_is_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(reset_on_post_is_not_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(slow_reply_past_timeout, setup, teardown),
      cmocka_unit_test_setup_teardown(zoom_text_quoting_a_secret_is_redacted, setup, teardown),
      cmocka_unit_test_setup_teardown(truncated_body, setup, teardown),
      cmocka_unit_test_setup_teardown(reply_over_the_cap_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(empty_reply_is_an_empty_object, setup, teardown),
      cmocka_unit_test_setup_teardown(zoom_errors_carry_code_fields_and_hints, setup, teardown),
      cmocka_unit_test_setup_teardown(query_is_encoded, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_arguments_are_refused_without_traffic, setup, teardown),
      cmocka_unit_test_setup_teardown(past_webinar_uuid_reaches_zoom_double_encoded, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(pagination_over_three_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(pagination_bounded_by_pages_and_callback, setup, teardown),
      cmocka_unit_test_setup_teardown(pagination_by_page_number, setup, teardown),
      cmocka_unit_test_setup_teardown(cancellation_aborts_the_transfer, setup, teardown),
      cmocka_unit_test_setup_teardown(stated_limit_paces_and_the_wait_is_cancellable, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(rejected_credentials_are_clear, setup, teardown),
      cmocka_unit_test_setup_teardown(failed_token_request_names_the_token_request, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(delete_repeated_after_a_lost_reply_says_it_is_gone, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(call_waiting_for_another_token_request_can_be_cancelled,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(api_base_comes_from_token_reply, setup, teardown),
      cmocka_unit_test_setup_teardown(base_url_with_trailing_slash, setup, teardown),
      cmocka_unit_test_setup_teardown(reconfigure_switches_account, setup, teardown),
      cmocka_unit_test_setup_teardown(checked_reconfigure_keeps_working_credentials, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(no_secret_in_debug_logs, setup, teardown),
  };
  log_set_level(LOG_ERROR);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
