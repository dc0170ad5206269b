/* test_sim_server.c - the sandbox's HTTP server against hostile clients: idle connections,
 * unfinished headers, slow replies, a stop with replies still delayed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../support/simtest.h"
#include "sim/sim_internal.h"

#define IDLE_CONNECTIONS 600
#define WAIT_MS 20000 /* the bound on every wait: generous for valgrind on a loaded machine */

/* A new TCP connection to the sandbox of T, or -1. */
static int connect_to(const simtest *t) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(sim_port(t->s));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void send_text(int fd, const char *text) {
  size_t len = strlen(text), off = 0;
  while (off < len) {
    ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    assert_true(n > 0);
    off += (size_t)n;
  }
}

/* Waits (at most WAIT_MS) until FD has something to read or was closed by
 * the peer. Returns true when it did. */
static bool wait_readable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  for (;;) {
    int rc = poll(&p, 1, WAIT_MS);
    if (rc >= 0)
      return rc > 0;
    if (errno != EINTR)
      return false;
  }
}

/* Raises the descriptor limit so that N client sockets and the server's N
 * fit in this one process. */
static void allow_descriptors(rlim_t n) {
  struct rlimit rl;
  assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
  if (rl.rlim_cur < n) {
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > n ? n : rl.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
  }
  assert_true(rl.rlim_cur >= n);
}

/* 600 connections that never finish their headers do not lock anyone out:
 * idle connections cost no thread. */
static void idle_connections_lock_no_one_out(void **state) {
  (void)state;
  allow_descriptors(2 * IDLE_CONNECTIONS + 256);
  sim_options opt;
  sim_options_init(&opt);
  opt.idle_timeout_s = 120; /* this test is about holding them, not timing them out */
  simtest t;
  assert_int_equal(simtest_start(&t, &opt), 0);
  int *fds = malloc(IDLE_CONNECTIONS * sizeof *fds);
  assert_non_null(fds);
  for (int i = 0; i < IDLE_CONNECTIONS; i++) {
    fds[i] = connect_to(&t);
    assert_true(fds[i] >= 0);
    send_text(fds[i], "GET /v2/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n");
  }
  /* A client that comes after them is answered. */
  simtest_reply r;
  char auth[200];
  snprintf(auth, sizeof auth, "Bearer %s", t.token);
  assert_int_equal(simtest_call_ex(&t, "GET", "/v2/users/me", NULL, auth, NULL, WAIT_MS, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  assert_int_equal(simtest_call_ex(&t, "GET", "/_sim/requests", NULL, NULL, NULL, WAIT_MS, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  /* The server holds every one: none is closed to make room (a closed one
   * would become readable; two seconds is plenty for the server to act). */
  struct pollfd *pfds = calloc(IDLE_CONNECTIONS, sizeof *pfds);
  assert_non_null(pfds);
  for (int i = 0; i < IDLE_CONNECTIONS; i++) {
    pfds[i].fd = fds[i];
    pfds[i].events = POLLIN;
  }
  int ready;
  while ((ready = poll(pfds, IDLE_CONNECTIONS, 2000)) < 0 && errno == EINTR) {
  }
  assert_int_equal(ready, 0);
  for (int i = 0; i < IDLE_CONNECTIONS; i++)
    close(fds[i]);
  free(pfds);
  free(fds);
  simtest_stop(&t);
}

/* A connection whose headers never end is closed after the idle timeout. */
static void unfinished_headers_are_closed(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.idle_timeout_s = 1;
  simtest t;
  assert_int_equal(simtest_start(&t, &opt), 0);
  int fd = connect_to(&t);
  assert_true(fd >= 0);
  send_text(fd, "GET /v2/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  assert_true(wait_readable(fd));
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  assert_true(n <= 0 || strncmp(buf, "HTTP/1.1 408", 12) == 0); /* closed (or told why) */
  close(fd);
  /* Still serving. */
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  simtest_stop(&t);
}

/* A client that sends a whole request and then closes its side (shutdown SHUT_WR) is
 * answered, and its connection is closed right after the reply, not at the idle timeout:
 * with epoll, libmicrohttpd 0.9.75 sometimes missed the end of input that came in while it
 * replied, and held the connection until the timeout. Twenty tries, as it was a race. */
static void half_closed_clients_are_let_go(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.idle_timeout_s = 120; /* far beyond the wait below */
  simtest t;
  assert_int_equal(simtest_start(&t, &opt), 0);
  static const char *const requests[] = {
      "GET /_sim/requests HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /v2/users/me/webinars HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Content-Type: application/json\r\n\r\nD\r\n{\"topic\":\"x\"}\r\n0\r\n\r\n",
  };
  for (int i = 0; i < 20; i++) {
    int fd = connect_to(&t);
    assert_true(fd >= 0);
    send_text(fd, requests[i % 2]);
    assert_int_equal(shutdown(fd, SHUT_WR), 0);
    char buf[4096];
    size_t got = 0;
    ssize_t n;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
      int rc = poll(&p, 1, 5000); /* the reply and the close come at once; 5 s is generous */
      if (rc < 0 && errno == EINTR)
        continue;
      assert_int_equal(rc, 1);
      n = recv(fd, buf + (got < 100 ? got : 100), sizeof buf - 101, 0);
      if (n <= 0)
        break;
      got += (size_t)n;
    }
    assert_int_equal(n, 0); /* closed by the server */
    assert_true(got > 12);
    close(fd);
  }
  simtest_stop(&t);
}

/* Connections parked by the injected latency right now. */
static size_t parked(simtest *t) {
  pthread_mutex_lock(&t->s->delay.lock);
  size_t n = t->s->delay.parked;
  pthread_mutex_unlock(&t->s->delay.lock);
  return n;
}

/* Replies delayed by the latency fault hold no thread: more of them than the
 * server has threads wait together while other requests are answered, and
 * stopping the sandbox does not wait for them. */
static void delayed_replies_hold_no_thread(void **state) {
  (void)state;
  enum { DELAYED = 3 * SIM_THREADS };
  simtest t;
  assert_int_equal(simtest_start(&t, NULL), 0);
  sim_faults f = {0};
  f.latency_min_ms = 600000; /* longer than the test: only the stop ends them */
  f.latency_max_ms = 600000;
  sim_set_faults(t.s, &f);
  char req[512];
  snprintf(req, sizeof req,
           "GET /v2/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n",
           t.token);
  int fds[DELAYED];
  for (int i = 0; i < DELAYED; i++) {
    fds[i] = connect_to(&t);
    assert_true(fds[i] >= 0);
    send_text(fds[i], req);
  }
  /* Wait until every one is parked (bounded). */
  struct timespec tick = {0, 10 * 1000000L};
  for (int waited = 0; parked(&t) < DELAYED && waited < WAIT_MS; waited += 10)
    nanosleep(&tick, NULL);
  assert_int_equal(parked(&t), DELAYED);
  /* The admin endpoints (no faults) answer meanwhile; the delayed ones still wait. */
  simtest_reply r;
  assert_int_equal(simtest_call_ex(&t, "GET", "/_sim/requests", NULL, NULL, NULL, WAIT_MS, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  assert_int_equal(parked(&t), DELAYED);
  /* Stopping ends them at once: each connection gets its reply or is closed. */
  simtest_stop(&t);
  for (int i = 0; i < DELAYED; i++) {
    assert_true(wait_readable(fds[i]));
    close(fds[i]);
  }
}

/* A latency longer than the idle timeout: the parked connection is not
 * taken for an idle one. */
static void latency_outlasts_the_idle_timeout(void **state) {
  (void)state;
  sim_options opt;
  sim_options_init(&opt);
  opt.idle_timeout_s = 1;
  simtest t;
  assert_int_equal(simtest_start(&t, &opt), 0);
  sim_faults f = {0};
  f.latency_min_ms = 2500;
  f.latency_max_ms = 2500;
  sim_set_faults(t.s, &f);
  simtest_reply r;
  assert_int_equal(simtest_call(&t, "GET", "/v2/users/me", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  simtest_reply_free(&r);
  simtest_stop(&t);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(idle_connections_lock_no_one_out),
      cmocka_unit_test(unfinished_headers_are_closed),
      cmocka_unit_test(half_closed_clients_are_let_go),
      cmocka_unit_test(delayed_replies_hold_no_thread),
      cmocka_unit_test(latency_outlasts_the_idle_timeout),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
