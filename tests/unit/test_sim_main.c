/* test_sim_main.c - the zoomsim program: flags, base URL on stdout, credentials, clean stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../support/simtest.h"
#include "base/num.h"

static char zoomsim_path[PATH_MAX];

/* build/tests/test_sim_main -> build/zoomsim (works for build-asan too). */
static int setup(void **state) {
  (void)state;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return -1;
  exe[n] = '\0';
  char *dir = dirname(dirname(exe));
  snprintf(zoomsim_path, sizeof zoomsim_path, "%s/zoomsim", dir);
  return access(zoomsim_path, X_OK) == 0 ? 0 : -1;
}

typedef struct child {
  pid_t pid;
  FILE *out;
} child;

/* Starts zoomsim with ARGV (NULL-terminated, argv[0] ignored), stdout on a pipe. */
static void spawn(child *c, char *const *argv) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  c->pid = fork();
  assert_true(c->pid >= 0);
  if (c->pid == 0) {
    dup2(fds[1], 1);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0)
      dup2(null, 2); /* usage text and log lines stay out of the test output */
    close(fds[0]);
    close(fds[1]);
    execv(zoomsim_path, argv);
    _exit(127);
  }
  close(fds[1]);
  c->out = fdopen(fds[0], "r");
}

static int finish(child *c) {
  int st = 0;
  waitpid(c->pid, &st, 0);
  fclose(c->out);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void help_and_bad_flags(void **state) {
  (void)state;
  child c;
  char *help[] = {"zoomsim", "--help", NULL};
  spawn(&c, help);
  char line[256];
  assert_non_null(fgets(line, sizeof line, c.out));
  assert_non_null(strstr(line, "usage: zoomsim"));
  assert_int_equal(finish(&c), 0);
  char *bad[] = {"zoomsim", "--fail-5xx", "7", NULL};
  spawn(&c, bad);
  assert_int_equal(finish(&c), 2);
  char *bad_listen[] = {"zoomsim", "--listen", "nowhere", NULL};
  spawn(&c, bad_listen);
  assert_int_equal(finish(&c), 2);
}

static void serves_until_sigterm_and_saves_state(void **state) {
  (void)state;
  char dir[] = "/tmp/zoomsim-main-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/state.json", dir);
  child c;
  char *argv[] = {"zoomsim",     "--listen",
                  "127.0.0.1:0", "--client-id",
                  "app",         "--client-secret",
                  "pw",          "--account-id",
                  "acc",         "--state",
                  path,          "--log-level",
                  "warning",     NULL};
  spawn(&c, argv);
  char base[90];
  assert_non_null(fgets(base, sizeof base, c.out));
  base[strcspn(base, "\n")] = '\0';
  assert_int_equal(strncmp(base, "http://127.0.0.1:", 17), 0);
  long long port;
  assert_int_equal(num_parse_ll(base + 17, 1, 65535, &port), 0);

  /* Talk to it with the simtest client (no in-process sim). */
  simtest t;
  memset(&t, 0, sizeof t);
  snprintf(t.base, sizeof t.base, "%s", base);
  t.curl = curl_easy_init();
  simtest_reply r;
  assert_int_equal(simtest_token(&t, "sandbox", "sandbox", "sandbox", &r), 0);
  assert_int_equal(r.status, 400); /* the defaults were replaced */
  simtest_reply_free(&r);
  assert_int_equal(simtest_token(&t, "app", "pw", "acc", &r), 0);
  assert_int_equal(r.status, 200);
  snprintf(t.token, sizeof t.token, "%s",
           json_string_value(json_object_get(r.json, "access_token")));
  simtest_reply_free(&r);
  assert_int_equal(simtest_call(&t, "POST", "/v2/users/me/webinars", "{\"topic\":\"Saved\"}", &r),
                   0);
  assert_int_equal(r.status, 201);
  simtest_reply_free(&r);
  /* SIGUSR1 expires every token; the signal is handled asynchronously, so
   * poll until the token is refused (bounded by count, not by time). */
  kill(c.pid, SIGUSR1);
  long st = 200;
  for (int i = 0; i < 10000 && st == 200; i++) {
    assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
    st = r.status;
    simtest_reply_free(&r);
    if (st == 200)
      usleep(1000);
  }
  assert_int_equal(st, 401);
  curl_easy_cleanup(t.curl);

  kill(c.pid, SIGTERM);
  assert_int_equal(finish(&c), 0);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  assert_non_null(strstr(buf, "\"version\":1"));
  unlink(path);
  rmdir(dir);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(help_and_bad_flags),
      cmocka_unit_test(serves_until_sigterm_and_saves_state),
  };
  int rc = cmocka_run_group_tests(tests, setup, NULL);
  curl_global_cleanup();
  return rc;
}
