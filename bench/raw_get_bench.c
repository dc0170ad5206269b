/* raw_get_bench.c - the floor under a read tool: one keep-alive libcurl handle
 * GETting a webinar from a running sandbox (build/zoomsim), one request at a
 * time, with a token it fetched itself and nothing else. scripts/bench times
 * tools/call get_webinar of zoom-webinar-mcp against the same sandbox and the
 * same path, and prints the ratio.
 *
 * Usage: raw_get_bench BASE_URL ACCOUNT CLIENT SECRET [REQUESTS]
 * Prints "key value" lines: webinar_id (the first upcoming webinar of user
 * "me", the one timed), raw_n, raw_p50_us, raw_p99_us. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/num.h"

typedef struct buf {
  char *data;
  size_t len;
} buf;

static size_t on_body(char *p, size_t size, size_t n, void *ctx) {
  buf *b = ctx;
  char *grown = realloc(b->data, b->len + size * n + 1);
  if (!grown)
    return 0;
  b->data = grown;
  memcpy(b->data + b->len, p, size * n);
  b->len += size * n;
  b->data[b->len] = '\0';
  return size * n;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One transfer on H; the parsed body in *OUT (new reference) when it is JSON. */
static long perform(CURL *h, const char *url, json_t **out) {
  buf b = {0};
  long status = 0;
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
  if (curl_easy_perform(h) == CURLE_OK)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (out)
    *out = b.data ? json_loads(b.data, 0, NULL) : NULL;
  free(b.data);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: raw_get_bench BASE_URL ACCOUNT CLIENT SECRET [REQUESTS]\n");
    return 2;
  }
  long long n = 2000;
  if (argc > 5 && num_parse_ll(argv[5], 10, 10000000, &n) != 0) {
    fprintf(stderr, "raw_get_bench: REQUESTS wants 10..10000000\n");
    return 2;
  }
  const char *base = argv[1];
  int status = 1;
  char url[1024], auth[512], creds[512];
  json_t *tok = NULL, *list = NULL;
  struct curl_slist *hdr = NULL;
  double *lat = calloc((size_t)n, sizeof *lat);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *h = curl_easy_init();
  if (!h || !lat)
    goto done;

  /* The token, as the server gets it. */
  snprintf(url, sizeof url, "%s/oauth/token?grant_type=account_credentials&account_id=%s", base,
           argv[2]);
  snprintf(creds, sizeof creds, "%s:%s", argv[3], argv[4]);
  curl_easy_setopt(h, CURLOPT_USERPWD, creds);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
  if (perform(h, url, &tok) != 200 || !json_string_value(json_object_get(tok, "access_token"))) {
    fprintf(stderr, "raw_get_bench: no token from %s\n", base);
    goto done;
  }
  curl_easy_reset(h);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s",
           json_string_value(json_object_get(tok, "access_token")));
  hdr = curl_slist_append(NULL, auth);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);

  snprintf(url, sizeof url, "%s/v2/users/me/webinars?type=upcoming&page_size=1", base);
  json_t *first = NULL;
  if (perform(h, url, &list) != 200 ||
      !(first = json_array_get(json_object_get(list, "webinars"), 0))) {
    fprintf(stderr, "raw_get_bench: the sandbox has no upcoming webinar\n");
    goto done;
  }
  json_int_t id = json_integer_value(json_object_get(first, "id"));
  printf("webinar_id %" JSON_INTEGER_FORMAT "\n", id);
  snprintf(url, sizeof url, "%s/v2/webinars/%" JSON_INTEGER_FORMAT, base, id);

  for (long long i = 0; i < n / 4; i++) /* warm-up */
    perform(h, url, NULL);
  for (long long i = 0; i < n; i++) {
    double t0 = now_s();
    json_t *w = NULL;
    long st = perform(h, url, &w); /* parsed, as the server parses it */
    lat[i] = now_s() - t0;
    json_decref(w);
    if (st != 200) {
      fprintf(stderr, "raw_get_bench: HTTP %ld\n", st);
      goto done;
    }
  }
  qsort(lat, (size_t)n, sizeof *lat, cmp_double);
  printf("raw_n %lld\n", n);
  printf("raw_p50_us %.1f\n", lat[n / 2] * 1e6);
  printf("raw_p99_us %.1f\n", lat[(n * 99) / 100] * 1e6);
  status = 0;
done:
  curl_slist_free_all(hdr);
  json_decref(list);
  json_decref(tok);
  curl_easy_cleanup(h);
  curl_global_cleanup();
  free(lat);
  return status;
}
