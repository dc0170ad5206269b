/* zoom_client_bench.c - the Zoom client's cost per request over bare libcurl, and connections.
 *
 * A loopback HTTP server (libmicrohttpd) plays Zoom: a token URL and GET /v2/users/me with a
 * small JSON reply. Four ways of making the same GET, in alternating rounds so that drift
 * hits all of them alike:
 *   a  bare libcurl: one easy handle, a Bearer header, the body collected in memory;
 *   b  a, plus jansson parsing the body (the client hands back parsed JSON);
 *   c  b, plus the libcurl options the brief requires (a share for DNS and TLS sessions,
 *      compressed replies accepted, a progress hook for cancellation, a header callback);
 *   d  zoom_request (token from memory, URL building, pooled handle, retries armed, parse).
 * For each: the median wall time and the median CPU time of the calling thread per request.
 * Wall time includes the server's threads and the loopback and swings with machine load;
 * the calling thread's CPU time is the steadier measure of the client's own cost. The
 * overhead of d over c, b and a is printed against the target (within 10%), then the TCP
 * connections the server saw for the token request plus 1,000 sequential client requests
 * (target: 1), for 8 threads sharing one client, and for 64 threads sharing it, 2,000
 * requests each (128,000), a reply taking 1 ms so that the threads' transfers overlap
 * (target: about one connection per thread, not one per request).
 *
 * Usage: zoom_client_bench [REQUESTS_PER_ROUND [ROUNDS [WIDE_THREADS [WIDE_REQUESTS]]]]
 *        (defaults 1000, 7, 64 and 2000) */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/num.h"
#include "zoom/client.h"

#define BENCH_TOKEN "bench-token-0123456789abcdef"
#define ME_BODY                                                                                    \
  "{\"id\":\"KDcuGIm1QgePTO8WbOqwIQ\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\","          \
  "\"email\":\"ada@example.com\",\"type\":2,\"pmi\":3542471135,\"timezone\":\"Europe/London\","    \
  "\"verified\":1,\"dept\":\"\",\"created_at\":\"2019-06-01T07:58:03Z\",\"status\":\"active\"}"

static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static int connections;

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode toe) {
  (void)cls, (void)c, (void)socket_ctx;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    pthread_mutex_lock(&conn_lock);
    connections++;
    pthread_mutex_unlock(&conn_lock);
  }
}

static int connections_now(void) {
  pthread_mutex_lock(&conn_lock);
  int n = connections;
  pthread_mutex_unlock(&conn_lock);
  return n;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result rc = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **con_cls) {
  (void)cls, (void)version, (void)data;
  if (!*con_cls) {
    *con_cls = (void *)1;
    return MHD_YES;
  }
  if (*data_size) {
    *data_size = 0;
    return MHD_YES;
  }
  if (strcmp(method, "POST") == 0 && strcmp(url, "/oauth/token") == 0)
    return reply(c, 200,
                 "{\"access_token\":\"" BENCH_TOKEN "\",\"token_type\":\"bearer\","
                 "\"expires_in\":3600,\"scope\":\"user:read:admin\"}");
  const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  if (!auth || strcmp(auth, "Bearer " BENCH_TOKEN) != 0)
    return reply(c, 401, "{\"code\":124,\"message\":\"Invalid access token.\"}");
  if (strcmp(url, "/v2/users/me") == 0)
    return reply(c, 200, ME_BODY);
  if (strcmp(url, "/v2/users/slow") == 0) {
    struct timespec ms = {0, 1000000L};
    nanosleep(&ms, NULL);
    return reply(c, 200, ME_BODY);
  }
  return reply(c, 404, "{\"code\":1001,\"message\":\"User does not exist.\"}");
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* CPU time of the calling thread: the client's own work, without the server's threads or
 * the time spent waiting for the reply. */
static double cpu_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* One measured round: wall and CPU microseconds per request. */
typedef struct cost {
  double wall, cpu;
} cost;

typedef struct body {
  char buf[4096];
  size_t len;
} body;

static size_t collect(char *data, size_t size, size_t n, void *ctx) {
  body *b = ctx;
  size_t len = size * n;
  if (len > sizeof b->buf - b->len)
    return 0;
  memcpy(b->buf + b->len, data, len);
  b->len += len;
  return len;
}

/* N bare libcurl GETs on one handle (parsing each body with jansson when PARSE);
 * returns microseconds per request, or -1. */
static cost round_bare(CURL *h, const char *url, int n, int parse) {
  cost fail = {-1, -1};
  struct curl_slist *hdrs = curl_slist_append(NULL, "Authorization: Bearer " BENCH_TOKEN);
  hdrs = curl_slist_append(hdrs, "Accept: application/json");
  body b = {.len = 0};
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  double t0 = now_us(), c0 = cpu_us();
  for (int i = 0; i < n; i++) {
    b.len = 0;
    long status = 0;
    if (curl_easy_perform(h) != CURLE_OK ||
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200) {
      curl_slist_free_all(hdrs);
      return fail;
    }
    if (parse) {
      json_error_t jerr;
      json_t *doc = json_loadb(b.buf, b.len, 0, &jerr);
      if (!doc) {
        curl_slist_free_all(hdrs);
        return fail;
      }
      json_decref(doc);
    }
  }
  cost per = {(now_us() - t0) / n, (cpu_us() - c0) / n};
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all(hdrs);
  return per;
}

/* N zoom_request GETs of PATH; returns microseconds per request, or -1. */
static cost round_path(zoom_client *c, const char *path, int n) {
  cost fail = {-1, -1};
  double t0 = now_us(), c0 = cpu_us();
  for (int i = 0; i < n; i++) {
    json_t *out = NULL;
    zoom_error err = {0};
    int rc = zoom_request(c, "GET", path, NULL, NULL, NULL, &out, &err);
    json_decref(out);
    zoom_error_clear(&err);
    if (rc != 0)
      return fail;
  }
  return (cost){(now_us() - t0) / n, (cpu_us() - c0) / n};
}

static cost round_client(zoom_client *c, int n) {
  return round_path(c, "/users/me", n);
}

static int no_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d) {
  (void)ctx, (void)a, (void)b, (void)c, (void)d;
  return 0;
}

static size_t no_header(char *data, size_t size, size_t n, void *ctx) {
  (void)data, (void)ctx;
  return size * n;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct worker {
  zoom_client *c;
  const char *path;
  int n;
  int failed;
} worker;

static void *worker_run(void *arg) {
  worker *w = arg;
  if (round_path(w->c, w->path, w->n).wall < 0)
    w->failed = 1;
  return NULL;
}

/* THREADS threads each making N GETs of PATH on one client. Stores the wall time per
 * request and the connections the server saw open; returns 0, or -1 when a request
 * failed or a thread could not start. */
static int threaded(zoom_client *c, const char *path, int threads, int n, double *us_per,
                    int *opened) {
  pthread_t *t = calloc((size_t)threads, sizeof *t);
  worker *w = calloc((size_t)threads, sizeof *w);
  int started = 0, failed = 0;
  int before = connections_now();
  double t0 = now_us();
  for (; t && w && started < threads; started++) {
    w[started] = (worker){c, path, n, 0};
    if (pthread_create(&t[started], NULL, worker_run, &w[started]) != 0)
      break;
  }
  for (int i = 0; i < started; i++) {
    pthread_join(t[i], NULL);
    failed |= w[i].failed;
  }
  *us_per = (now_us() - t0) / ((double)threads * n);
  *opened = connections_now() - before;
  free(t);
  free(w);
  return failed || started < threads ? -1 : 0;
}

int main(int argc, char **argv) {
  long long requests = 1000, round_count = 7, wide_threads = 64, wide_requests = 2000;
  if ((argc > 1 && num_parse_ll(argv[1], 1, 1000000, &requests) != 0) ||
      (argc > 2 && num_parse_ll(argv[2], 1, 101, &round_count) != 0) ||
      (argc > 3 && num_parse_ll(argv[3], 1, 256, &wide_threads) != 0) ||
      (argc > 4 && num_parse_ll(argv[4], 1, 1000000, &wide_requests) != 0)) {
    fprintf(stderr, "usage: zoom_client_bench [REQUESTS_PER_ROUND [ROUNDS [WIDE_THREADS "
                    "[WIDE_REQUESTS]]]]\n");
    return 2;
  }
  int n = (int)requests, rounds = (int)round_count;
  log_set_level(LOG_WARNING);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, handle, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
      NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "zoom_client_bench: cannot start the loopback server\n");
    return 1;
  }
  unsigned port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
  char base[64], token_url[96], me_url[96], cache_dir[] = "/tmp/zwm-bench-XXXXXX", cache[128];
  snprintf(base, sizeof base, "http://127.0.0.1:%u", port);
  snprintf(token_url, sizeof token_url, "%s/oauth/token", base);
  snprintf(me_url, sizeof me_url, "%s/v2/users/me", base);
  if (!mkdtemp(cache_dir))
    return 1;
  snprintf(cache, sizeof cache, "%s/token.json", cache_dir);

  /* Connections for the token request plus N sequential client requests, from cold. */
  int before = connections_now();
  zoom_error err = {0};
  zoom_config *cfg = zoom_config_new();
  char api[96];
  snprintf(api, sizeof api, "%s/v2", base);
  zoom_client *client = NULL;
  if (zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", "bench", &err) ||
      zoom_config_set(cfg, "ZOOM_CLIENT_ID", "bench-client", &err) ||
      zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", "bench-secret", &err) ||
      zoom_config_set(cfg, "ZOOM_OAUTH_TOKEN_URL", token_url, &err) ||
      zoom_config_set(cfg, "ZOOM_API_BASE_URL", api, &err) ||
      zoom_config_set(cfg, "ZOOM_TOKEN_CACHE", cache, &err) ||
      zoom_client_new(&client, cfg, &err) || zoom_client_ensure_token(client, NULL, &err)) {
    fprintf(stderr, "zoom_client_bench: %s\n", err.message);
    return 1;
  }

  if (round_client(client, n).wall < 0) {
    fprintf(stderr, "zoom_client_bench: a request failed\n");
    return 1;
  }
  int sequential_connections = connections_now() - before;
  zoom_client_stats st;
  zoom_client_get_stats(client, &st);

  /* Alternating timed rounds (after the warm-up above). */
  CURL *bare = curl_easy_init();
  /* The same request with the options the client must have (a share for DNS and TLS
   * sessions, compressed replies accepted, a progress hook for cancellation, a header
   * callback for the rate-limit headers): what a hand-written libcurl call meeting the
   * brief costs. */
  CURL *equal = curl_easy_init();
  CURLSH *share = curl_share_init();
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_easy_setopt(equal, CURLOPT_SHARE, share);
  curl_easy_setopt(equal, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(equal, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(equal, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(equal, CURLOPT_XFERINFOFUNCTION, no_progress);
  curl_easy_setopt(equal, CURLOPT_HEADERFUNCTION, no_header);
  curl_easy_setopt(equal, CURLOPT_TIMEOUT_MS, 30000L);
  enum { BARE, PARSED, EQUAL, CLIENT, KINDS };
  double *wall[KINDS], *cpu[KINDS];
  for (int k = 0; k < KINDS; k++) {
    wall[k] = calloc((size_t)rounds, sizeof(double));
    cpu[k] = calloc((size_t)rounds, sizeof(double));
  }
  round_bare(bare, me_url, n / 10 + 1, 0);
  for (int r = 0; r < rounds; r++) {
    cost got[KINDS] = {round_bare(bare, me_url, n, 0), round_bare(bare, me_url, n, 1),
                       round_bare(equal, me_url, n, 1), round_client(client, n)};
    for (int k = 0; k < KINDS; k++) {
      if (got[k].wall < 0) {
        fprintf(stderr, "zoom_client_bench: a timed request failed\n");
        return 1;
      }
      wall[k][r] = got[k].wall;
      cpu[k][r] = got[k].cpu;
    }
  }
  double mw[KINDS], mc[KINDS];
  for (int k = 0; k < KINDS; k++) {
    qsort(wall[k], (size_t)rounds, sizeof(double), cmp_double);
    qsort(cpu[k], (size_t)rounds, sizeof(double), cmp_double);
    mw[k] = wall[k][rounds / 2];
    mc[k] = cpu[k][rounds / 2];
    free(wall[k]);
    free(cpu[k]);
  }

  /* Eight threads sharing the client, then many threads whose transfers overlap. */
  double threaded_us = 0, wide_us = 0;
  int threaded_connections = 0, wide_connections = 0;
  int failed = threaded(client, "/users/me", 8, n / 8 + 1, &threaded_us, &threaded_connections);
  failed |= threaded(client, "/users/slow", (int)wide_threads, (int)wide_requests, &wide_us,
                     &wide_connections);
  zoom_client_get_stats(client, &st);

  printf("zoom_client_bench: %d requests per round, %d rounds, loopback HTTP/1.1 keep-alive\n", n,
         rounds);
  printf("  median per request                        wall us   client-thread CPU us\n");
  printf("  a. bare libcurl GET                       %8.1f   %8.1f\n", mw[BARE], mc[BARE]);
  printf("  b. a + jansson parse of the body          %8.1f   %8.1f\n", mw[PARSED], mc[PARSED]);
  printf("  c. b + the options the brief requires     %8.1f   %8.1f\n", mw[EQUAL], mc[EQUAL]);
  printf("  d. zoom_request GET (parsed JSON)         %8.1f   %8.1f\n", mw[CLIENT], mc[CLIENT]);
  static const struct {
    const char *label;
    int base;
  } vs[] = {{"d over c (the client's own work)", EQUAL},
            {"d over b (same work, minimal libcurl)", PARSED},
            {"d over a (no parse at all)", BARE}};
  for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
    double ow = (mw[CLIENT] - mw[vs[i].base]) / mw[vs[i].base];
    double oc = (mc[CLIENT] - mc[vs[i].base]) / mc[vs[i].base];
    printf("  overhead %-38s %+7.1f%%  %+7.1f%%   within 10%%: wall %s, CPU %s\n", vs[i].label,
           ow * 100.0, oc * 100.0, ow <= 0.10 ? "yes" : "no", oc <= 0.10 ? "yes" : "no");
  }
  printf("  connections, %d sequential  %8d      (target: 1)  %s\n", n, sequential_connections,
         sequential_connections == 1 ? "MET" : "NOT MET");
  printf("  token requests              %8llu\n", (unsigned long long)(st.transfers - st.requests));
  printf("  8 threads sharing a client  %8.1f us/request (wall / total), %d new connections\n",
         threaded_us, threaded_connections);
  printf("  %d threads x %lld requests (1 ms replies): %d new connections for %lld requests "
         "(%.1f us/request wall)  target about %lld: %s\n",
         (int)wide_threads, wide_requests, wide_connections, wide_threads * wide_requests, wide_us,
         wide_threads, wide_connections <= 2 * wide_threads ? "MET" : "NOT MET");
  printf("  client counters             %8llu transfers, %llu connections opened\n",
         (unsigned long long)st.transfers, (unsigned long long)st.connections);
  printf("  failures                    %8s\n", failed ? "SOME" : "none");

  curl_easy_cleanup(bare);
  curl_easy_cleanup(equal);
  curl_share_cleanup(share);
  zoom_client_free(client);
  zoom_config_free(cfg);
  zoom_error_clear(&err);
  MHD_stop_daemon(d);
  unlink(cache);
  char lock[160];
  snprintf(lock, sizeof lock, "%s.lock", cache);
  unlink(lock);
  rmdir(cache_dir);
  return failed ? 1 : 0;
}
