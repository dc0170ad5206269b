/* test_zoom_auth.c - the token cache file: modes, atomic replacement, sharing between clients
 * and between processes, corrupted and foreign files, renewal, and the token status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/fakezoom.h"
#include "../support/zoomtest.h"
#include "base/log.h"
#include "zoom/client.h"
#include "zoom/internal.h"

extern char **environ;

typedef struct fixture {
  fakezoom *fz;
  char dir[64];
  char cache[160]; /* two directory levels below dir, which do not exist yet */
  zoom_config *cfg;
  zoom_error err;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  assert_non_null(f->fz = fakezoom_start());
  assert_int_equal(zoomtest_tmpdir(f->dir, sizeof f->dir), 0);
  snprintf(f->cache, sizeof f->cache, "%s/cache/zoom-webinar-mcp/token-acct-1.json", f->dir);
  assert_non_null(f->cfg = zoomtest_config(f->fz, f->cache));
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  zoom_config_free(f->cfg);
  zoom_error_clear(&f->err);
  fakezoom_stop(f->fz);
  zoomtest_rmtree(f->dir);
  free(f);
  return 0;
}

/* Makes a client, gets a token, frees the client. */
static void fetch_once(fixture *f) {
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_free(c);
}

static void write_file(const char *path, const char *text, mode_t mode) {
  char dir[256];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  *slash = '\0';
  char parent[256];
  snprintf(parent, sizeof parent, "%s", dir);
  mkdir(dirname(parent), 0700);
  mkdir(dir, 0700);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  fchmod(fd, mode);
  close(fd);
}

static void cache_is_private_atomic_and_secret_free(void **state) {
  fixture *f = *state;
  fetch_once(f);
  struct stat st;
  assert_int_equal(stat(f->cache, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  char dir[200];
  snprintf(dir, sizeof dir, "%s", f->cache);
  assert_int_equal(stat(dirname(dir), &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
  char *text = zoomtest_slurp(f->cache);
  assert_non_null(text);
  char *token = fakezoom_last_token(f->fz);
  assert_non_null(strstr(text, token));
  assert_null(strstr(text, "fz-secret-1"));
  assert_non_null(strstr(text, "\"account_id\": \"acct-1\""));
  assert_non_null(strstr(text, "\"expires_at_iso\""));
  free(text);
  free(token);
  /* Nothing but the cache and its lock file is left in the directory (no temp file). */
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  int files = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    files++;
    assert_true(strcmp(e->d_name, "token-acct-1.json") == 0 ||
                strcmp(e->d_name, "token-acct-1.json.lock") == 0);
  }
  closedir(d);
  assert_int_equal(files, 2);
}

static void cache_is_reused_by_the_next_client(void **state) {
  fixture *f = *state;
  fetch_once(f);
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  zoom_token_status st;
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "valid");
  assert_true(st.from_cache);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_free(c);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
}

static void corrupted_cache_is_replaced(void **state) {
  fixture *f = *state;
  write_file(f->cache, "{\"format\": \"zoom-webinar-mcp token cache\", \"access_tok", 0600);
  char logpath[160];
  snprintf(logpath, sizeof logpath, "%s/debug.log", f->dir);
  assert_int_equal(log_set_file(logpath), 0);
  log_set_level(LOG_DEBUG);
  fetch_once(f);
  log_set_level(LOG_ERROR);
  assert_int_equal(log_set_file(NULL), 0);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  char *text = zoomtest_slurp(f->cache);
  json_error_t jerr;
  json_t *doc = json_loads(text, 0, &jerr);
  assert_non_null(doc);
  char *token = fakezoom_last_token(f->fz);
  assert_string_equal(json_string_value(json_object_get(doc, "access_token")), token);
  json_decref(doc);
  free(text);
  char *log = zoomtest_slurp(logpath);
  assert_non_null(strstr(log, "not valid JSON"));
  assert_null(strstr(log, token));
  free(log);
  free(token);
}

static void foreign_or_exposed_cache_is_ignored(void **state) {
  fixture *f = *state;
  /* A well-formed cache for another account: not used. */
  write_file(f->cache,
             "{\"format\":\"zoom-webinar-mcp token cache\",\"version\":1,\"account_id\":\"other\","
             "\"client_id\":\"client-1\",\"token_url\":\"x\",\"access_token\":\"foreign-token\","
             "\"expires_at\":4102444800}",
             0600);
  fetch_once(f);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  char *text = zoomtest_slurp(f->cache);
  assert_null(strstr(text, "foreign-token"));
  free(text);
  /* Our own cache, but readable by others: not trusted, replaced by a private one. */
  assert_int_equal(chmod(f->cache, 0644), 0);
  fetch_once(f);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
  struct stat st;
  assert_int_equal(stat(f->cache, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
}

/* Path of a helper program next to this test binary: build/tests/progs/NAME. */
static void prog_path(char *buf, size_t size, const char *name) {
  char self[512];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  assert_true(n > 0);
  self[n] = '\0';
  snprintf(buf, size, "%s/progs/%s", dirname(self), name);
}

static void eight_processes_share_one_token_request(void **state) {
  fixture *f = *state;
  char prog[600];
  prog_path(prog, sizeof prog, "zoom_token_fetch");
  if (access(prog, X_OK) != 0) {
    print_message("missing %s (build it with make programs)\n", prog);
    fail();
  }
  /* A slow token reply makes the eight overlap: all but one wait on the file lock. */
  fakezoom_set_token_delay(f->fz, 300);
  fakezoom_script(f->fz, "GET", "/v2/users/me", 0, (fakezoom_reply){200, NULL, "{}", 0, 0});
  enum { N = 8 };
  pid_t pids[N];
  char outs[N][200];
  for (int i = 0; i < N; i++) {
    snprintf(outs[i], sizeof outs[i], "%s/out-%d.txt", f->dir, i);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, outs[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *argv[] = {prog, (char *)fakezoom_url(f->fz), f->cache, NULL};
    assert_int_equal(posix_spawn(&pids[i], prog, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
  }
  int from_cache = 0;
  for (int i = 0; i < N; i++) {
    int status = 0;
    assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char *text = zoomtest_slurp(outs[i]);
    assert_non_null(text);
    assert_non_null(strstr(text, "ok from_cache="));
    from_cache += strstr(text, "from_cache=1") != NULL;
    free(text);
  }
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  assert_int_equal(from_cache, N - 1);
  /* Each process used the one token on an API call, and the fake accepted it. */
  assert_int_equal(fakezoom_count(f->fz, "GET", "/v2/users/me"), N);
  for (size_t i = 0; i < fakezoom_request_count(f->fz); i++) {
    fakezoom_request r;
    assert_true(fakezoom_request_get(f->fz, i, &r));
    assert_true(r.auth_ok);
  }
}

static void token_is_renewed_inside_the_margin(void **state) {
  fixture *f = *state;
  /* Tokens that live 200 s, renewed 300 s before expiry: every call needs a new one. */
  fakezoom_set_token_expiry(f->fz, 200);
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
  zoom_token_status st;
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "valid");
  assert_true(st.renew_due);
  zoom_client_free(c);
  /* With a 60 s margin the same token serves again. */
  assert_int_equal(zoom_config_set(f->cfg, "ZOOM_TOKEN_RENEW_BEFORE_S", "60", &f->err), 0);
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_free(c);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
}

static void refresh_forces_a_new_token(void **state) {
  fixture *f = *state;
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  assert_int_equal(zoom_client_refresh_token(c, NULL, &f->err), 0);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
  char *text = zoomtest_slurp(f->cache);
  char *token = fakezoom_last_token(f->fz);
  assert_non_null(strstr(text, token));
  free(text);
  free(token);
  zoom_client_free(c);
}

static void expired_cache_shows_expired_then_is_renewed(void **state) {
  fixture *f = *state;
  char text[1024];
  snprintf(text, sizeof text,
           "{\"format\":\"zoom-webinar-mcp token cache\",\"version\":1,\"account_id\":"
           "\"acct-1\",\"client_id\":\"client-1\",\"token_url\":\"%s\",\"access_token\":"
           "\"old-token\",\"expires_at\":%lld,\"scope\":\"user:read:admin\"}",
           f->cfg->token_url, (long long)time(NULL) - 60);
  write_file(f->cache, text, 0600);
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  zoom_token_status st;
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "expired");
  assert_true(st.from_cache);
  assert_int_equal(st.minutes_left, 0);
  assert_true(st.renew_due);
  assert_int_equal(fakezoom_token_requests(f->fz), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "valid");
  assert_false(st.from_cache);
  zoom_client_free(c);
}

static void unwritable_cache_still_gives_a_token(void **state) {
  fixture *f = *state;
  /* No directory can be made under /proc, not even by root. */
  assert_int_equal(
      zoom_config_set(f->cfg, "ZOOM_TOKEN_CACHE", "/proc/zwm-no-such-dir/token.json", &f->err), 0);
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_free(c);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
}

static void status_missing_then_valid_in_timezone(void **state) {
  fixture *f = *state;
  assert_int_equal(zoom_config_set(f->cfg, "ZOOM_TIMEZONE", "Asia/Kolkata", &f->err), 0);
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  zoom_token_status st;
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "missing");
  assert_false(st.from_cache);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "valid");
  assert_false(st.from_cache);
  assert_true(st.minutes_left >= 58 && st.minutes_left <= 60);
  assert_false(st.renew_due);
  assert_string_equal(st.timezone, "Asia/Kolkata");
  assert_non_null(strstr(st.expires_local, "+05:30 (Asia/Kolkata)"));
  assert_int_equal(strlen(st.expires_utc), 20);
  assert_string_equal(st.cache_path, f->cache);
  json_t *j = zoom_token_status_to_json(&st);
  json_t *scopes = json_object_get(j, "scopes");
  assert_int_equal(json_array_size(scopes), 3);
  assert_string_equal(json_string_value(json_array_get(scopes, 1)), "webinar:read:admin");
  assert_string_equal(json_string_value(json_object_get(j, "state")), "valid");
  json_decref(j);
  zoom_client_free(c);
}

/* ---- what sits at the cache path: URLs inside it, files that are not regular files ---- */

/* A well-formed cache for the fixture's account holding TOKEN, with API_BASE. */
static void write_cache(fixture *f, const char *token, const char *api_base, mode_t mode) {
  char text[1024];
  snprintf(text, sizeof text,
           "{\"format\":\"zoom-webinar-mcp token cache\",\"version\":1,\"account_id\":"
           "\"acct-1\",\"client_id\":\"client-1\",\"token_url\":\"%s\",\"access_token\":"
           "\"%s\",\"expires_at\":%lld,\"scope\":\"user:read:admin\",\"api_base\":\"%s\"}",
           f->cfg->token_url, token, (long long)time(NULL) + 3000, api_base);
  write_file(f->cache, text, mode);
}

static void api_urls_from_the_reply_and_the_cache_are_checked(void **state) {
  fixture *f = *state;
  assert_int_equal(zoom_config_set(f->cfg, "ZOOM_API_BASE_URL", NULL, &f->err), 0);
  /* The token reply names a host behind a user name: not used, the default stands. */
  fakezoom_set_api_url(f->fz, "http://localhost:x@192.0.2.2:18082");
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_token_status st;
  zoom_client_token_status(c, &st);
  assert_string_equal(st.api_base, "https://api.zoom.us/v2");
  zoom_client_free(c);
  char *text = zoomtest_slurp(f->cache);
  assert_null(strstr(text, "192.0.2.2"));
  free(text);
  /* A cache file whose api_base was edited to such a URL is not trusted at all. */
  write_cache(f, "planted-token", "http://127.0.0.1:1@192.0.2.2:18082/v2", 0600);
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "missing");
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_false(st.from_cache);
  assert_string_equal(st.api_base, "https://api.zoom.us/v2");
  zoom_client_free(c);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
  /* The same file with a loopback api_base is used (the check is not a blanket refusal). */
  char base[128];
  snprintf(base, sizeof base, "%s/v2", fakezoom_url(f->fz));
  write_cache(f, "planted-token", base, 0600);
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_true(st.from_cache);
  assert_string_equal(st.api_base, base);
  zoom_client_free(c);
}

typedef struct status_call {
  zoom_client *client;
  zoom_token_status st;
  pthread_mutex_t lock;
  pthread_cond_t done_cv;
  bool done;
} status_call;

static void *status_run(void *arg) {
  status_call *s = arg;
  zoom_client_token_status(s->client, &s->st);
  pthread_mutex_lock(&s->lock);
  s->done = true;
  pthread_cond_signal(&s->done_cv);
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

static void fifo_at_the_cache_path_blocks_nothing(void **state) {
  fixture *f = *state;
  write_file(f->cache, "x", 0600); /* makes the directories */
  assert_int_equal(unlink(f->cache), 0);
  assert_int_equal(mkfifo(f->cache, 0600), 0);
  zoom_client *c = NULL;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  /* get_token_status in a thread, awaited with a generous bound (no writer ever comes). */
  status_call s = {.client = c};
  pthread_mutex_init(&s.lock, NULL);
  pthread_cond_init(&s.done_cv, NULL);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, status_run, &s), 0);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10;
  pthread_mutex_lock(&s.lock);
  while (!s.done && pthread_cond_timedwait(&s.done_cv, &s.lock, &until) == 0) {
  }
  bool done = s.done;
  pthread_mutex_unlock(&s.lock);
  if (!done) {
    /* Release the blocked reader (a writer appears, then leaves) before failing. */
    int w = open(f->cache, O_WRONLY | O_NONBLOCK);
    if (w >= 0)
      close(w);
  }
  pthread_join(th, NULL);
  pthread_cond_destroy(&s.done_cv);
  pthread_mutex_destroy(&s.lock);
  assert_true(done);
  assert_string_equal(s.st.state, "missing");
  /* A token is still had, and the FIFO is replaced by a private regular file. */
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_free(c);
  struct stat st;
  assert_int_equal(lstat(f->cache, &st), 0);
  assert_true(S_ISREG(st.st_mode));
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
}

static void cache_that_is_not_a_private_regular_file_is_not_used(void **state) {
  fixture *f = *state;
  char target[200];
  snprintf(target, sizeof target, "%s/elsewhere.json", f->dir);
  zoom_client *c = NULL;
  zoom_token_status st;
  /* A symbolic link to a good cache file; a cache owned by another user; one readable by the
   * group: none is read (each is replaced by a private file at the next write). */
  int requests = 0;
  for (int kind = 0; kind < 3; kind++) {
    write_cache(f, "planted-token", "", 0600);
    if (kind == 0) {
      assert_int_equal(rename(f->cache, target), 0);
      assert_int_equal(symlink(target, f->cache), 0);
    } else if (kind == 1) {
      if (geteuid() != 0) /* only root can give a file away */
        continue;
      assert_int_equal(chown(f->cache, 65534, 65534), 0); /* nobody */
    } else {
      assert_int_equal(chmod(f->cache, 0640), 0);
    }
    assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
    zoom_client_token_status(c, &st);
    assert_string_equal(st.state, "missing");
    assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
    zoom_client_token_status(c, &st);
    assert_false(st.from_cache);
    zoom_client_free(c);
    assert_int_equal(fakezoom_token_requests(f->fz), ++requests);
    struct stat ls;
    assert_int_equal(lstat(f->cache, &ls), 0);
    assert_true(S_ISREG(ls.st_mode));
    assert_int_equal(ls.st_uid, geteuid());
    assert_int_equal(ls.st_mode & 0777, 0600);
  }
  /* The link's target was left alone. */
  char *text = zoomtest_slurp(target);
  assert_non_null(strstr(text, "planted-token"));
  free(text);
  /* A directory at the cache path, and a FIFO at the lock path: a token all the same. */
  assert_int_equal(unlink(f->cache), 0);
  assert_int_equal(mkdir(f->cache, 0700), 0);
  char lock[200];
  snprintf(lock, sizeof lock, "%s.lock", f->cache);
  unlink(lock);
  assert_int_equal(mkfifo(lock, 0600), 0);
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "missing");
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_string_equal(st.state, "valid");
  zoom_client_free(c);
  assert_int_equal(fakezoom_token_requests(f->fz), requests + 1);
  assert_int_equal(rmdir(f->cache), 0);
}

/* A cache directory that is a symbolic link leads nowhere: the cache behind it is not read
 * and nothing is written there; the token comes from Zoom all the same. So is a directory
 * others may write to. */
static void cache_directory_that_is_a_link_is_not_followed(void **state) {
  fixture *f = *state;
  char elsewhere[200], parent[200], planted[260];
  snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", f->dir);
  snprintf(parent, sizeof parent, "%s/cache/zoom-webinar-mcp", f->dir);
  snprintf(planted, sizeof planted, "%s/token-acct-1.json", elsewhere);
  /* A good cache for this account, in a directory moved elsewhere and linked back. */
  write_cache(f, "planted-token", "", 0600);
  assert_int_equal(rename(parent, elsewhere), 0);
  assert_int_equal(symlink(elsewhere, parent), 0);
  zoom_client *c = NULL;
  zoom_token_status st;
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_false(st.from_cache);
  zoom_client_free(c);
  assert_int_equal(fakezoom_token_requests(f->fz), 1);
  /* What lies behind the link is as it was: one file, with the planted token. */
  char *text = zoomtest_slurp(planted);
  assert_non_null(strstr(text, "planted-token"));
  free(text);
  DIR *d = opendir(elsewhere);
  assert_non_null(d);
  int entries = 0;
  for (struct dirent *e; (e = readdir(d));)
    entries += e->d_name[0] != '.';
  closedir(d);
  assert_int_equal(entries, 1);
  /* A real directory that others may write to: not used either. */
  assert_int_equal(unlink(parent), 0);
  assert_int_equal(rename(elsewhere, parent), 0);
  assert_int_equal(chmod(parent, 0777), 0);
  assert_int_equal(zoom_client_new(&c, f->cfg, &f->err), 0);
  assert_int_equal(zoom_client_ensure_token(c, NULL, &f->err), 0);
  zoom_client_token_status(c, &st);
  assert_false(st.from_cache);
  zoom_client_free(c);
  assert_int_equal(fakezoom_token_requests(f->fz), 2);
  text = zoomtest_slurp(f->cache);
  assert_non_null(strstr(text, "planted-token"));
  free(text);
  assert_int_equal(chmod(parent, 0700), 0);
}

/* ---- refused tokens ---- */

static void every_refused_token_stays_refused(void **state) {
  fixture *f = *state;
  zoom_http *http = zoom_http_new();
  assert_non_null(http);
  zoom_auth *a = zoom_auth_new(f->cfg, http, &f->err);
  assert_non_null(a);
  char *first = NULL, *second = NULL, *third = NULL;
  assert_int_equal(zoom_auth_token(a, NULL, false, &first, NULL, 0, &f->err), 0);
  assert_int_equal(zoom_auth_token(a, NULL, true, &second, NULL, 0, &f->err), 0);
  assert_string_not_equal(first, second);
  /* The cache file holds the second token. Zoom refuses it, then (a late answer to an older
   * call) the first: neither may be handed out again, from memory or from the file. */
  zoom_auth_reject(a, second);
  zoom_auth_reject(a, first);
  assert_int_equal(zoom_auth_token(a, NULL, false, &third, NULL, 0, &f->err), 0);
  assert_string_not_equal(third, second);
  assert_string_not_equal(third, first);
  assert_int_equal(fakezoom_token_requests(f->fz), 3);
  /* Status reads no refused token back from the file either. */
  zoom_auth_reject(a, third);
  char *in_file = zoomtest_slurp(f->cache);
  assert_non_null(strstr(in_file, third));
  free(in_file);
  zoom_token_status st;
  zoom_auth_status(a, &st);
  assert_string_equal(st.state, "missing");
  zoom_secret_free(first);
  zoom_secret_free(second);
  zoom_secret_free(third);
  zoom_auth_free(a);
  zoom_http_free(http);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(cache_is_private_atomic_and_secret_free, setup, teardown),
      cmocka_unit_test_setup_teardown(cache_is_reused_by_the_next_client, setup, teardown),
      cmocka_unit_test_setup_teardown(corrupted_cache_is_replaced, setup, teardown),
      cmocka_unit_test_setup_teardown(foreign_or_exposed_cache_is_ignored, setup, teardown),
      cmocka_unit_test_setup_teardown(eight_processes_share_one_token_request, setup, teardown),
      cmocka_unit_test_setup_teardown(token_is_renewed_inside_the_margin, setup, teardown),
      cmocka_unit_test_setup_teardown(refresh_forces_a_new_token, setup, teardown),
      cmocka_unit_test_setup_teardown(expired_cache_shows_expired_then_is_renewed, setup, teardown),
      cmocka_unit_test_setup_teardown(unwritable_cache_still_gives_a_token, setup, teardown),
      cmocka_unit_test_setup_teardown(status_missing_then_valid_in_timezone, setup, teardown),
      cmocka_unit_test_setup_teardown(api_urls_from_the_reply_and_the_cache_are_checked, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(fifo_at_the_cache_path_blocks_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(cache_that_is_not_a_private_regular_file_is_not_used, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(cache_directory_that_is_a_link_is_not_followed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(every_refused_token_stays_refused, setup, teardown),
  };
  log_set_level(LOG_ERROR);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
