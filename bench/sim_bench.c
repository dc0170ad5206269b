/* sim_bench.c - the sandbox's figures: GET /v2/webinars/{id} requests per second over
 * keep-alive connections on loopback, and the memory of a seeded account.
 *
 * usage: sim_bench [--seconds N] [--threads N] [--webinars N] [--scale N]
 * The memory figure is for N webinars that take registration with SCALE
 * registrants each (default 100 x 10,000); "webinars" in its output counts
 * every seeded webinar, those without registration too.
 * Prints one JSON object per figure on stdout. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "base/log.h"
#include "base/num.h"
#include "sim/sim.h"
#include "sim/sim_resources.h"

#define LAT_BUCKETS 20000 /* latency histogram in 10 us steps: up to 200 ms */

typedef struct bench_ctx {
  const char *base;
  char token[128];
  long long webinar_id;
  double seconds;
  atomic_llong ok, failed;
  atomic_llong hist[LAT_BUCKETS];
} bench_ctx;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t size, size_t n, void *ud) {
  (void)p;
  (void)ud;
  return size * n;
}

typedef struct growbuf {
  char data[65536];
  size_t len;
} growbuf;

static size_t keep(char *p, size_t size, size_t n, void *ud) {
  growbuf *b = ud;
  size_t add = size * n;
  if (b->len + add >= sizeof b->data)
    return 0;
  memcpy(b->data + b->len, p, add);
  b->len += add;
  b->data[b->len] = '\0';
  return add;
}

/* Fetches a token and the first webinar's id. 0 or -1. */
static int bench_prepare(bench_ctx *c) {
  int result = -1;
  CURL *h = curl_easy_init();
  growbuf *b = calloc(1, sizeof *b);
  json_t *j = NULL;
  char url[512];
  if (!h || !b)
    goto cleanup;
  snprintf(url, sizeof url, "%s/oauth/token", c->base);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_USERPWD, "sandbox:sandbox");
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, "grant_type=account_credentials&account_id=sandbox");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
  if (curl_easy_perform(h) != CURLE_OK || !(j = json_loads(b->data, 0, NULL)))
    goto cleanup;
  snprintf(c->token, sizeof c->token, "%s", json_string_value(json_object_get(j, "access_token")));
  json_decref(j);
  j = NULL;
  curl_easy_reset(h);
  b->len = 0;
  char auth[200];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
  struct curl_slist *hdr = curl_slist_append(NULL, auth);
  snprintf(url, sizeof url, "%s/v2/users/me/webinars?page_size=1", c->base);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
  CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(hdr);
  if (rc != CURLE_OK || !(j = json_loads(b->data, 0, NULL)))
    goto cleanup;
  c->webinar_id = (long long)json_integer_value(
      json_object_get(json_array_get(json_object_get(j, "webinars"), 0), "id"));
  result = c->webinar_id > 0 ? 0 : -1;
cleanup:
  json_decref(j);
  free(b);
  if (h)
    curl_easy_cleanup(h);
  return result;
}

/* One client thread: GET the webinar again and again on one connection. */
static void *bench_worker(void *arg) {
  bench_ctx *c = arg;
  CURL *h = curl_easy_init();
  char url[512], auth[200];
  snprintf(url, sizeof url, "%s/v2/webinars/%lld", c->base, c->webinar_id);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
  struct curl_slist *hdr = curl_slist_append(NULL, auth);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  double end = now_s() + c->seconds;
  for (;;) {
    double t0 = now_s();
    if (t0 >= end)
      break;
    long status = 0;
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    double dt = now_s() - t0;
    if (rc == CURLE_OK && status == 200) {
      atomic_fetch_add(&c->ok, 1);
      long b = (long)(dt * 1e5);
      atomic_fetch_add(&c->hist[b < LAT_BUCKETS ? b : LAT_BUCKETS - 1], 1);
    } else {
      atomic_fetch_add(&c->failed, 1);
    }
  }
  curl_slist_free_all(hdr);
  curl_easy_cleanup(h);
  return NULL;
}

static double percentile_ms(bench_ctx *c, double p) {
  long long total = atomic_load(&c->ok), seen = 0;
  for (int i = 0; i < LAT_BUCKETS; i++) {
    seen += atomic_load(&c->hist[i]);
    if (seen >= (long long)(p * (double)total))
      return (i + 1) * 0.01;
  }
  return LAT_BUCKETS * 0.01;
}

/* A "VmRSS:"-style field of /proc/self/status in KiB (-1 when absent). */
static long status_kib(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  size_t n = strlen(field);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0)
      kib = strtol(line + n, NULL, 10);
  if (f)
    fclose(f);
  return kib;
}

static long rss_kib(void) {
  return status_kib("VmRSS:");
}

/* Registrants and past participants actually seeded (read from the model). */
static void seeded_counts(sim *s, long long *registrants, long long *with_registration) {
  *registrants = *with_registration = 0;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->acct.nwebinars; i++) {
    const sim_webinar *w = s->acct.webinars[i];
    if (w->registrants && w->registrants->n > 0) {
      *registrants += (long long)w->registrants->n;
      (*with_registration)++;
    }
  }
  pthread_mutex_unlock(&s->lock);
}

/* The number of seeded webinars that gives WANT of them with registration
 * (the seed templates include webinars without registration): found by
 * seeding at scale 1, which costs little, before the measured run. */
static int seeds_for_registration(int want) {
  int n = want;
  for (int tries = 0; tries < 8; tries++) {
    sim_options opt;
    sim_options_init(&opt);
    opt.seed_webinars = n;
    opt.scale = 1;
    opt.request_log_max = 0;
    sim *s = NULL;
    if (sim_start(&s, &opt) != 0)
      return want;
    long long regs, with;
    seeded_counts(s, &regs, &with);
    sim_stop(s);
    if (with >= want)
      return n;
    n += (int)(want - with) + 1;
  }
  return n;
}

/* Parses TEXT, a whole number in [MIN, MAX], into *OUT. Returns 0, or -1. */
static int parse_int(const char *text, int min, int max, int *out) {
  long long v;
  if (num_parse_ll(text, min, max, &v) != 0)
    return -1;
  *out = (int)v;
  return 0;
}

int main(int argc, char **argv) {
  double seconds = 3;
  int threads = 4, webinars = 100, scale = 10000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *v = argv[i + 1];
    int bad;
    if (strcmp(argv[i], "--seconds") == 0)
      bad = num_parse_double(v, 0.001, 86400, &seconds);
    else if (strcmp(argv[i], "--threads") == 0)
      bad = parse_int(v, 1, 256, &threads);
    else if (strcmp(argv[i], "--webinars") == 0)
      bad = parse_int(v, 1, INT_MAX, &webinars);
    else if (strcmp(argv[i], "--scale") == 0)
      bad = parse_int(v, 0, INT_MAX, &scale);
    else
      bad = 1;
    if (bad) {
      fprintf(stderr, "usage: sim_bench [--seconds N] [--threads N] [--webinars N] [--scale N]\n");
      return 2;
    }
  }
  log_set_level(LOG_WARNING);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  /* 1. Throughput on the default account. */
  sim_options opt;
  sim_options_init(&opt);
  opt.request_log_max = 1000;
  sim *s = NULL;
  if (sim_start(&s, &opt) != 0)
    return 1;
  bench_ctx *c = calloc(1, sizeof *c);
  if (c) {
    c->base = sim_base_url(s);
    c->seconds = seconds;
  }
  if (!c || bench_prepare(c) != 0) {
    fprintf(stderr, "sim_bench: cannot prepare\n");
    free(c);
    return 1;
  }
  pthread_t tid[256];
  double t0 = now_s();
  for (int i = 0; i < threads; i++)
    pthread_create(&tid[i], NULL, bench_worker, c);
  for (int i = 0; i < threads; i++)
    pthread_join(tid[i], NULL);
  double elapsed = now_s() - t0;
  printf("{\"figure\":\"sandbox GET /v2/webinars/{id}\",\"threads\":%d,\"seconds\":%.2f,"
         "\"requests\":%lld,\"failed\":%lld,\"requests_per_second\":%.0f,"
         "\"p50_ms\":%.2f,\"p99_ms\":%.2f}\n",
         threads, elapsed, (long long)atomic_load(&c->ok), (long long)atomic_load(&c->failed),
         (double)atomic_load(&c->ok) / elapsed, percentile_ms(c, 0.5), percentile_ms(c, 0.99));
  sim_stop(s);
  free(c);

  /* 2. Memory of a seeded account: WEBINARS webinars with registration, SCALE
   * registrants each (plus the seeded webinars that take no registration). */
  int seeds = seeds_for_registration(webinars);
  long before = rss_kib();
  sim_options_init(&opt);
  opt.seed_webinars = seeds;
  opt.scale = scale;
  opt.request_log_max = 0;
  double t1 = now_s();
  if (sim_start(&s, &opt) != 0)
    return 1;
  double seed_s = now_s() - t1;
  long after = rss_kib();
  long long regs = 0, reg_webinars = 0;
  seeded_counts(s, &regs, &reg_webinars);
  long growth = after - before;
  printf("{\"figure\":\"sandbox memory\",\"webinars\":%d,\"registrants_per_webinar\":%d,"
         "\"webinars_with_registration\":%lld,\"registrants\":%lld,"
         "\"rss_growth_kib\":%ld,\"bytes_per_registrant\":%.0f,\"vm_rss_kib\":%ld,"
         "\"vm_hwm_kib\":%ld,\"seed_seconds\":%.2f}\n",
         seeds, scale, reg_webinars, regs, growth,
         regs > 0 ? (double)growth * 1024.0 / (double)regs : 0.0, after, status_kib("VmHWM:"),
         seed_s);
  sim_stop(s);
  curl_global_cleanup();
  return 0;
}
