/* test_secmem.c - secrets leave no copy in the memory the code gives back: the secret bytebuf,
 * the token request and its reply, the token cache file (written and read), the Bearer header,
 * and the .env file.
 *
 * The Makefile links this test with -Wl,--wrap=free,--wrap=realloc,--wrap=fclose: every free,
 * realloc and fclose that src/ calls comes here first. jansson's allocations are routed here
 * too (json_set_alloc_funcs, in this test process only), and so are libcurl's
 * (curl_global_init_mem). While the checker is armed, a block given back that still holds a
 * piece of a watched secret (PIECE bytes of it) is counted and named; a realloc counts as
 * giving the old block back (the C library may move it and leave the old bytes behind). Every
 * block is then zeroed before it is really freed, so no later allocation can find a stale
 * copy and blame the wrong code. libcurl's own blocks are zeroed but not judged: the copies
 * libcurl makes (its request and receive buffers) are a limit src/zoom/README.md states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/memcheck.h>

#include "../support/fakezoom.h"
#include "../support/zoomtest.h"
#include "base/buf.h"
#include "zoom/client.h"
#include "zoom/config.h"

/* ---- the checker ----------------------------------------------------------------------------- */

/* NOLINTBEGIN(bugprone-reserved-identifier): the names ld --wrap gives the wrapped functions */
void __real_free(void *p);
void *__real_realloc(void *p, size_t n);
int __real_fclose(FILE *f);
void __wrap_free(void *p);
void *__wrap_realloc(void *p, size_t n);
int __wrap_fclose(FILE *f);
/* NOLINTEND(bugprone-reserved-identifier) */

/* A leftover of PIECE + STEP - 1 bytes of a secret (or all of a shorter one) is always found. */
#define PIECE 12
#define STEP 4
#define WATCH_MAX 4

static const char *watched[WATCH_MAX];
static size_t nwatched;
static atomic_bool armed;
static atomic_int found;      /* blocks given back holding a piece of a secret */
static char found_where[128]; /* who gave back the first one */

static void watch(const char *secret) {
  assert_true(nwatched < WATCH_MAX);
  watched[nwatched++] = secret;
}

static void arm(void) {
  atomic_store(&found, 0);
  found_where[0] = '\0';
  atomic_store(&armed, true);
}

/* Disarms and forgets the secrets; returns the count of blocks found. */
static int disarm(void) {
  atomic_store(&armed, false);
  nwatched = 0;
  return atomic_load(&found);
}

static bool holds_piece(const void *p, size_t n) {
  for (size_t w = 0; w < nwatched; w++) {
    size_t len = strlen(watched[w]);
    size_t piece = len < PIECE ? len : PIECE;
    for (size_t i = 0; i + piece <= len; i += STEP)
      if (memmem(p, n, watched[w] + i, piece))
        return true;
  }
  return false;
}

/* Judges the N bytes at P given back by WHO (when JUDGE and armed), then zeroes them. */
static void judge(void *p, size_t n, const char *who, bool judge_it) {
  if (!p || !n)
    return;
  /* The bytes past what was written are undefined to valgrind, not secret. */
  VALGRIND_MAKE_MEM_DEFINED(p, n);
  if (judge_it && atomic_load(&armed) && holds_piece(p, n) && atomic_fetch_add(&found, 1) == 0)
    snprintf(found_where, sizeof found_where, "%s", who);
  buf_wipe(p, n);
}

static void give_back(void *p, const char *who, bool judge_it) {
  if (!p)
    return;
  judge(p, malloc_usable_size(p), who, judge_it);
  __real_free(p);
}

/* A realloc that never leaves the old block behind unjudged. */
static void *realloc_judged(void *p, size_t n, const char *who, bool judge_it) {
  if (!p)
    return malloc(n);
  if (n == 0) {
    give_back(p, who, judge_it);
    return NULL;
  }
  void *q = malloc(n);
  if (!q)
    return NULL;
  size_t old = malloc_usable_size(p);
  memcpy(q, p, old < n ? old : n);
  give_back(p, who, judge_it);
  return q;
}

/* NOLINTBEGIN(bugprone-reserved-identifier): as above */
void __wrap_free(void *p) {
  give_back(p, "free() in src/ or tests/", true);
}

void *__wrap_realloc(void *p, size_t n) {
  return realloc_judged(p, n, "realloc() in src/ or tests/", true);
}

/* A stdio stream's buffer is freed by fclose, unwiped: judge it first (written bytes are
 * flushed before it is zeroed). */
int __wrap_fclose(FILE *f) {
  if (f)
    fflush(f);
  if (f && f->_IO_buf_base && f->_IO_buf_end > f->_IO_buf_base)
    judge(f->_IO_buf_base, (size_t)(f->_IO_buf_end - f->_IO_buf_base), "a stdio buffer", true);
  return __real_fclose(f);
}
/* NOLINTEND(bugprone-reserved-identifier) */

static void jansson_free(void *p) {
  give_back(p, "jansson", true);
}

static void curl_free_cb(void *p) {
  give_back(p, "libcurl", false);
}

static void *curl_realloc_cb(void *p, size_t n) {
  return realloc_judged(p, n, "libcurl", false);
}

static char *curl_strdup_cb(const char *s) {
  return strdup(s);
}

/* ---- the secrets ----------------------------------------------------------------------------- */

#define ACCOUNT "acct-secmem"
#define CLIENT_ID "client-secmem"
#define CLIENT_SECRET "secmem-client-secret-7Hq2Lx9Vb4Nw8Rt6Yp3Zk5"
/* Base64 of CLIENT_ID ":" CLIENT_SECRET, as the Basic header carries it. */
#define BASIC_B64 "Y2xpZW50LXNlY21lbTpzZWNtZW0tY2xpZW50LXNlY3JldC03SHEyTHg5VmI0Tnc4UnQ2WXAzWms1"
#define TOKEN "secmem-token-Qx7Wv2Bn9Mk4Jh6Gf3Ds8Ap1Lz5Xc0Vb7Nm2Kj9Hg4Fd6Sa3Pq8Wr1Ety5Ui0Op"

/* ---- the secret bytebuf ---------------------------------------------------------------------- */

/* Fills B with the secret through many appends (growing it from 256 bytes to 16 KiB), plain
 * and formatted, cuts it, clears it, takes it and frees it. */
static void buffer_workout(bytebuf *b) {
  for (int i = 0; i < 200; i++)
    assert_int_equal(buf_append_str(b, TOKEN), BUF_OK);
  assert_int_equal(buf_appendf(b, "[%s]", TOKEN), BUF_OK);
  char wide[600]; /* formatted text over vappendf's 256-byte scratch */
  memset(wide, 'w', sizeof wide - 1);
  wide[sizeof wide - 1] = '\0';
  assert_int_equal(buf_appendf(b, "%s%s", wide, TOKEN), BUF_OK);
  assert_true(b->cap >= 16384);
  size_t len = b->len;
  buf_truncate(b, 100);
  if (b->secret)
    for (size_t i = 100; i < len; i++)
      assert_int_equal(b->data[i], 0);
  size_t kept = b->len;
  buf_clear(b);
  if (b->secret)
    for (size_t i = 0; i < kept; i++)
      assert_int_equal(b->data[i], 0);
  assert_int_equal(buf_append_str(b, TOKEN), BUF_OK);
  size_t n = 0;
  char *s = buf_take(b, &n);
  assert_non_null(s);
  assert_string_equal(s, TOKEN);
  buf_wipe(s, n);
  free(s);
  for (int i = 0; i < 20; i++)
    assert_int_equal(buf_append_str(b, TOKEN), BUF_OK);
  buf_free(b);
}

static void secret_buffer_gives_back_no_copy(void **state) {
  (void)state;
  bytebuf b;
  buf_init_secret(&b, BUF_NO_CAP);
  watch(TOKEN);
  arm();
  buffer_workout(&b);
  int n = disarm();
  if (n)
    fail_msg("%d blocks given back held the secret (first: %s)", n, found_where);
  assert_true(b.secret); /* still secret after take and free */
}

/* The checker's control: a plain buffer's growth gives back blocks holding the bytes. */
static void plain_buffer_is_seen_giving_back_copies(void **state) {
  (void)state;
  bytebuf b;
  buf_init(&b, BUF_NO_CAP);
  watch(TOKEN);
  arm();
  buffer_workout(&b);
  assert_true(disarm() > 0);
}

static void wipe_zeroes_and_accepts_null(void **state) {
  (void)state;
  char s[] = "not for long";
  buf_wipe(s, sizeof s);
  for (size_t i = 0; i < sizeof s; i++)
    assert_int_equal(s[i], 0);
  buf_wipe(NULL, 0);
}

/* ---- the token, end to end ------------------------------------------------------------------- */

/* A fake Zoom in a child process (its own copies of the token are not this process's memory):
 * the token URL answers a scripted reply, and paths under /_open/ (no token check) answer {}. */
typedef struct fake_child {
  pid_t pid;
  int ctl; /* closing it stops the child */
  char url[128];
} fake_child;

static void fake_start(fake_child *f, const char *token_reply) {
  int up[2], ctl[2];
  assert_int_equal(pipe(up), 0);
  assert_int_equal(pipe(ctl), 0);
  f->pid = fork();
  assert_true(f->pid >= 0);
  if (f->pid == 0) {
    close(up[0]);
    close(ctl[1]);
    fakezoom *fz = fakezoom_start();
    if (fz) {
      fakezoom_set_credentials(fz, ACCOUNT, CLIENT_ID, CLIENT_SECRET);
      fakezoom_script(fz, "POST", "/oauth/token", 0, (fakezoom_reply){.body = token_reply});
      fakezoom_script(fz, "GET", "/_open/*", 0, (fakezoom_reply){.body = "{}"});
      dprintf(up[1], "%s", fakezoom_url(fz));
    }
    close(up[1]);
    char c;
    /* Until the parent closes its end (or dies). */
    while (read(ctl[0], &c, 1) > 0 || errno == EINTR) {
    }
    fakezoom_stop(fz);
    _exit(0);
  }
  close(up[1]);
  close(ctl[0]);
  f->ctl = ctl[1];
  size_t got = 0;
  for (;;) {
    ssize_t n = read(up[0], f->url + got, sizeof f->url - 1 - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  f->url[got] = '\0';
  close(up[0]);
  assert_true(got > 0);
}

static void fake_stop(fake_child *f) {
  int status = 0;
  close(f->ctl);
  while (waitpid(f->pid, &status, 0) < 0 && errno == EINTR) {
  }
}

static zoom_config *config_for(const char *url, const char *cache) {
  zoom_config *cfg = zoom_config_new();
  zoom_error err = {0};
  char text[256];
  assert_non_null(cfg);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", ACCOUNT, &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_CLIENT_ID", CLIENT_ID, &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", CLIENT_SECRET, &err), 0);
  snprintf(text, sizeof text, "%s/oauth/token", url);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_OAUTH_TOKEN_URL", text, &err), 0);
  snprintf(text, sizeof text, "%s/_open/v2", url);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_API_BASE_URL", text, &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_TOKEN_CACHE", cache, &err), 0);
  assert_int_equal(zoom_config_set(cfg, "ZOOM_REQUEST_TIMEOUT_MS", "5000", &err), 0);
  zoom_error_clear(&err);
  return cfg;
}

/* The token request (Basic header, form body), a token reply of 32 KiB (its body grows through
 * several blocks, the token first in it), the cache file written, an API call with the Bearer
 * header, then a second client reading the token back from the cache file: nothing given
 * back holds the client secret, its Base64 or the token. */
static void token_paths_give_back_no_copy(void **state) {
  (void)state;
  char *reply = NULL;
  bytebuf scope;
  buf_init(&scope, BUF_NO_CAP);
  for (int i = 0; i < 2600; i++)
    assert_int_equal(buf_appendf(&scope, "%sscope:%d", i ? " " : "", i), BUF_OK);
  assert_true(asprintf(&reply,
                       "{\"access_token\": \"%s\", \"token_type\": \"bearer\", "
                       "\"expires_in\": 3599, \"scope\": \"%s\"}",
                       TOKEN, scope.data) > 0);
  buf_free(&scope);
  assert_true(strlen(reply) > 16384);
  fake_child f;
  fake_start(&f, reply);
  free(reply);
  char dir[64], cache[128];
  assert_int_equal(zoomtest_tmpdir(dir, sizeof dir), 0);
  snprintf(cache, sizeof cache, "%s/cache/token.json", dir);
  zoom_config *cfg = config_for(f.url, cache);
  zoom_client *c = NULL;
  zoom_error err = {0};
  json_t *out = NULL;
  zoom_token_status st;

  watch(CLIENT_SECRET);
  watch(BASIC_B64);
  watch(TOKEN);
  arm();
  assert_int_equal(zoom_client_new(&c, cfg, &err), 0);
  if (zoom_client_ensure_token(c, NULL, &err) != 0)
    fail_msg("token: %s", err.message);
  if (zoom_request(c, "GET", "/users/me", NULL, NULL, NULL, &out, &err) != 0)
    fail_msg("GET /users/me: %s", err.message);
  json_decref(out);
  zoom_client_free(c);
  c = NULL;
  /* A second client finds the token in the cache file. */
  assert_int_equal(zoom_client_new(&c, cfg, &err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &err), 0);
  zoom_client_token_status(c, &st);
  zoom_client_free(c);
  zoom_config_free(cfg);
  zoom_error_clear(&err);
  int n = disarm();

  fake_stop(&f);
  zoomtest_rmtree(dir);
  assert_true(st.from_cache);
  if (n)
    fail_msg("%d blocks given back held a secret (first: %s)", n, found_where);
}

/* ---- the .env file --------------------------------------------------------------------------- */

static void env_file_leaves_no_copy(void **state) {
  (void)state;
  char dir[64], path[128];
  assert_int_equal(zoomtest_tmpdir(dir, sizeof dir), 0);
  snprintf(path, sizeof path, "%s/.env", dir);
  FILE *w = fopen(path, "w");
  assert_non_null(w);
  fprintf(w, "# the app\nZOOM_ACCOUNT_ID=%s\nZOOM_CLIENT_ID=%s\nZOOM_CLIENT_SECRET=\"%s\"\n",
          ACCOUNT, CLIENT_ID, CLIENT_SECRET);
  assert_int_equal(fclose(w), 0); /* judged too, but not armed yet */
  zoom_config *cfg = zoom_config_new();
  assert_non_null(cfg);
  zoom_error err = {0};
  watch(CLIENT_SECRET);
  arm();
  int rc = zoom_config_read_env_file(cfg, path, &err);
  bool read = rc == 0 && cfg->client_secret && strcmp(cfg->client_secret, CLIENT_SECRET) == 0;
  zoom_config_free(cfg);
  int n = disarm();
  unlink(path);
  rmdir(dir);
  if (!read)
    fail_msg("the .env file was not read: %s", rc ? err.message : "wrong secret");
  zoom_error_clear(&err);
  if (n)
    fail_msg("%d blocks given back held the secret (first: %s)", n, found_where);
}

int main(void) {
  /* Before anything starts libcurl, and for this test process only. */
  json_set_alloc_funcs(malloc, jansson_free);
  if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, curl_free_cb, curl_realloc_cb,
                           curl_strdup_cb, calloc) != CURLE_OK)
    return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(secret_buffer_gives_back_no_copy),
      cmocka_unit_test(plain_buffer_is_seen_giving_back_copies),
      cmocka_unit_test(wipe_zeroes_and_accepts_null),
      cmocka_unit_test(token_paths_give_back_no_copy),
      cmocka_unit_test(env_file_leaves_no_copy),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
