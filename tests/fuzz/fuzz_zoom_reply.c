/* fuzz_zoom_reply.c - fuzz target for the Zoom client's handling of replies: the
 * bytes (after a first mode byte) are sent verbatim, status line, headers (Retry-After,
 * X-RateLimit-*, Content-Length...) and body, by a loopback server as the answer to
 * whatever the client asks: an API call (GET, POST, DELETE or pagination) or the token
 * request. The client must end with a result (an object for a pagination) or an error with
 * a message, never show the client secret or the access token in an error, and keep
 * working. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "fuzz.h"
#include "zoom/auth.h"
#include "zoom/client.h"
#include "zoom/config.h"

#define REPLY_MAX_INPUT (256 * 1024)
#define FUZZ_SECRET "FuzzClientSecret0123"
#define FUZZ_TOKEN "fuzz-access-token-4242"

/* The reply the server gives; guarded by lock. */
static struct {
  pthread_mutex_t lock;
  uint8_t *data; /* a copy of the current input: a connection may be answered after the
                  * input is done (one the client gave up on), so it cannot be borrowed */
  size_t size;
  bool token_too; /* the token request gets the fuzzed bytes too (else a good reply) */
  int port;
} srv = {.lock = PTHREAD_MUTEX_INITIALIZER};

static zoom_client *client;
/* True while the client holds FUZZ_TOKEN: a fuzzed token reply (mode 4) replaces it, and
 * its words (a scope, say) may hold FUZZ_TOKEN's text without it being the token. Each input
 * first brings the canned token back, so the checks follow the token the client holds. */
static bool canned_token = true;

static char good_token_reply[512]; /* a 200 with FUZZ_TOKEN, made once */
static char cache_dir[64], cache_file[96];

static void good_token_reply_make(void) {
  static const char body[] = "{\"access_token\":\"" FUZZ_TOKEN "\",\"token_type\":\"bearer\","
                             "\"expires_in\":3599,\"scope\":\"x\"}";
  snprintf(good_token_reply, sizeof good_token_reply,
           "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
           "Connection: close\r\n\r\n%s",
           sizeof body - 1, body);
}

/* The token cache the client wrote, removed when the run ends. */
static void cache_remove(void) {
  unlink(cache_file);
  char lock[112];
  snprintf(lock, sizeof lock, "%s.lock", cache_file);
  unlink(lock);
  rmdir(cache_dir);
}

static void send_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
    if (w <= 0)
      return;
    c += w;
    n -= (size_t)w;
  }
}

/* Reads the request's head and its body (by Content-Length); returns whether it was the
 * token request. */
static bool read_request(int fd) {
  char buf[16384];
  size_t got = 0;
  char *end = NULL;
  while (got < sizeof buf - 1) {
    ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
    if (r <= 0)
      break;
    got += (size_t)r;
    buf[got] = '\0';
    if ((end = strstr(buf, "\r\n\r\n")))
      break;
  }
  buf[got] = '\0';
  bool token = strstr(buf, " /oauth/token") != NULL;
  if (end) {
    const char *cl = strcasestr(buf, "\r\ncontent-length:");
    long want = cl ? strtol(cl + 17, NULL, 10) : 0;
    long have = (long)(got - (size_t)(end + 4 - buf));
    while (have < want && want < 1 << 20) {
      ssize_t r = recv(fd, buf, sizeof buf, 0);
      if (r <= 0)
        break;
      have += r;
    }
  }
  return token;
}

/* Answers each connection's requests, one per connection, then closes it. */
static void *serve(void *arg) {
  int lfd = *(int *)arg;
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
      continue;
    bool token = read_request(fd);
    pthread_mutex_lock(&srv.lock);
    if (token && !srv.token_too)
      send_all(fd, good_token_reply, strlen(good_token_reply));
    else
      send_all(fd, srv.data, srv.size);
    pthread_mutex_unlock(&srv.lock);
    /* The request was read whole: closing now sends no reset, and waiting for the client
     * to close would stall on a connection it keeps for later. */
    shutdown(fd, SHUT_WR);
    close(fd);
  }
  return NULL;
}

static void set(zoom_config *cfg, const char *name, const char *value) {
  zoom_error err = {0};
  FUZZ_CHECK(zoom_config_set(cfg, name, value, &err) == 0, name);
}

static void reply_fuzz_init(void) {
  log_set_level(LOG_OFF);
  static int lfd;
  lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  FUZZ_CHECK(lfd >= 0, "socket");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  FUZZ_CHECK(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0, "bind");
  FUZZ_CHECK(listen(lfd, 64) == 0, "listen");
  FUZZ_CHECK(getsockname(lfd, (struct sockaddr *)&a, &alen) == 0, "getsockname");
  srv.port = ntohs(a.sin_port);
  pthread_t t;
  FUZZ_CHECK(pthread_create(&t, NULL, serve, &lfd) == 0, "pthread_create");
  pthread_detach(t);

  good_token_reply_make();
  char base[64], token_url[80];
  snprintf(base, sizeof base, "http://127.0.0.1:%d/v2", srv.port);
  snprintf(token_url, sizeof token_url, "http://127.0.0.1:%d/oauth/token", srv.port);
  snprintf(cache_dir, sizeof cache_dir, "/tmp/zwm-fuzz-reply-%ld", (long)getpid());
  snprintf(cache_file, sizeof cache_file, "%s/token.json", cache_dir);
  atexit(cache_remove);
  zoom_config *cfg = zoom_config_new();
  FUZZ_CHECK(cfg != NULL, "zoom_config_new");
  set(cfg, "ZOOM_ACCOUNT_ID", "fuzz-account");
  set(cfg, "ZOOM_CLIENT_ID", "fuzz-client");
  set(cfg, "ZOOM_CLIENT_SECRET", FUZZ_SECRET);
  set(cfg, "ZOOM_API_BASE_URL", base);
  set(cfg, "ZOOM_OAUTH_TOKEN_URL", token_url);
  set(cfg, "ZOOM_TOKEN_CACHE", cache_file);
  set(cfg, "ZOOM_MAX_RETRIES", "1");
  set(cfg, "ZOOM_RETRY_BASE_MS", "1");
  set(cfg, "ZOOM_RETRY_MAX_WAIT_S", "0"); /* a Retry-After above 0 is not waited for */
  set(cfg, "ZOOM_CONNECT_TIMEOUT_MS", "2000");
  set(cfg, "ZOOM_REQUEST_TIMEOUT_MS", "2000");
  set(cfg, "ZOOM_MAX_RESPONSE_BYTES", "65536");
  set(cfg, "ZOOM_RATE_PLAN", "off"); /* paced, a run would make 30 requests a second */
  zoom_error err = {0};
  FUZZ_CHECK(zoom_client_new(&client, cfg, &err) == 0, "zoom_client_new");
  zoom_config_free(cfg);
}

/* Asks for a token with the fuzzed bytes set aside, so the client holds FUZZ_TOKEN again.
 * The client may refuse to ask yet (a token endpoint that failed is left alone a while);
 * then the checks that need the canned token wait for a later input. */
static void token_restore(void) {
  pthread_mutex_lock(&srv.lock);
  srv.token_too = false;
  pthread_mutex_unlock(&srv.lock);
  zoom_error err = {0};
  canned_token = zoom_client_refresh_token(client, NULL, &err) == 0;
  zoom_error_clear(&err);
}

/* No error text or JSON may hold the secret, nor the token when it was sent (TOKEN_SENT:
 * an API call; the token endpoint is never sent the token, so its words cannot quote it). */
static void check_error(const zoom_error *err, bool token_sent) {
  FUZZ_CHECK(err->kind > ZOOM_OK && err->kind < ZOOM_ERR_KIND_COUNT, "an error kind");
  FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL, "unterminated message");
  FUZZ_CHECK(err->message[0] != '\0', "an error without a message");
  json_t *j = zoom_error_to_json(err);
  FUZZ_CHECK(json_is_object(j), "zoom_error_to_json");
  char *text = json_dumps(j, JSON_COMPACT);
  FUZZ_CHECK(text != NULL, "the error cannot be serialized");
  FUZZ_CHECK(!strstr(text, FUZZ_SECRET), "the client secret in an error");
  FUZZ_CHECK(!token_sent || !strstr(text, FUZZ_TOKEN), "the access token in an error");
  free(text);
  json_decref(j);
}

/* True when the head of the reply (up to its first empty line) has a line that begins with a
 * space or a tab: an obsolete folded header line. libcurl 7.88.1 (Debian 12) reads freed
 * memory while unfolding one after a status line it did not parse ("HTTP/A\n :\n", this
 * target's finding): a bug inside libcurl that this project cannot fix, so such replies are
 * skipped to let the fuzzer go on to this project's code. */
static bool head_has_folded_line(const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i++) {
    if (p[i] != '\n')
      continue;
    if (p[i + 1] == ' ' || p[i + 1] == '\t')
      return true;
    if (p[i + 1] == '\n' || (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n'))
      return false; /* the empty line: the body starts */
  }
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, reply_fuzz_init);
  if (size < 1 || size > REPLY_MAX_INPUT || head_has_folded_line(data + 1, size - 1))
    return 0;
  uint8_t mode = data[0];
  if (!canned_token && (mode & 7) != 4)
    token_restore();
  uint8_t *copy = malloc(size);
  FUZZ_CHECK(copy != NULL, "out of memory");
  memcpy(copy, data + 1, size - 1);
  pthread_mutex_lock(&srv.lock);
  free(srv.data);
  srv.data = copy;
  srv.size = size - 1;
  srv.token_too = (mode & 7) == 4;
  pthread_mutex_unlock(&srv.lock);

  zoom_error err = {0};
  json_t *out = NULL;
  int rc;
  switch (mode & 7) {
  case 0:
  case 1:
    rc = zoom_request(client, "GET", "/webinars/1", NULL, NULL, NULL, &out, &err);
    break;
  case 2: {
    json_t *body = json_pack("{s:s}", "topic", "fuzz");
    rc = zoom_request(client, "POST", "/users/me/webinars", NULL, body, NULL, &out, &err);
    json_decref(body);
    break;
  }
  case 3:
    rc = zoom_request(client, "DELETE", "/webinars/1", NULL, NULL, NULL, &out, &err);
    break;
  case 4:
    rc = zoom_client_refresh_token(client, NULL, &err);
    break;
  default: {
    zoom_page_opts opts = {.items_key = "registrants", .max_pages = 3};
    rc = zoom_paginate(client, "/webinars/1/registrants", NULL, &opts, NULL, &out, &err);
    break;
  }
  }
  FUZZ_CHECK(rc == 0 || rc == -1, "a result other than 0 or -1");
  if ((mode & 7) == 4)
    canned_token = false;
  if (rc == 0) {
    /* zoom_request gives the parsed reply, whatever JSON it is; a pagination, an object. */
    FUZZ_CHECK((mode & 7) == 4 || out != NULL, "success without a result");
    FUZZ_CHECK((mode & 7) < 5 || json_is_object(out), "a pagination without an object");
  } else {
    FUZZ_CHECK(out == NULL, "an error with a result");
    check_error(&err, canned_token);
  }
  /* The token status never shows the token either. */
  zoom_token_status st;
  zoom_client_token_status(client, &st);
  json_t *sj = zoom_token_status_to_json(&st);
  char *text = json_dumps(sj, JSON_COMPACT);
  FUZZ_CHECK(text && (!canned_token || !strstr(text, FUZZ_TOKEN)) && !strstr(text, FUZZ_SECRET),
             "a secret in the token status");
  free(text);
  json_decref(sj);
  json_decref(out);
  zoom_error_clear(&err);
  return 0;
}
