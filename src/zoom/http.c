/* http.c - a pool of libcurl easy handles, each owning its connections, and the retry loop. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/log.h"
#include "zoom/internal.h"

/* Idle handles kept for reuse. A transfer takes one handle and gives it back, so the pool
 * grows to the peak number of concurrent transfers; above this many, the extra handles
 * (and their connections) are closed when given back. */
#define POOL_MAX 128

/* Connections one handle keeps when idle. A handle is used by one transfer at a time, so
 * its connection cache never needs more than the one connection it last used; a fresh
 * connection (a POST) pushes the older one out, which libcurl closes. */
#define HANDLE_KEPT_CONNECTIONS 1L

/* A pooled easy handle and the CA file its fixed options were set with. */
typedef struct pooled {
  CURL *c;
  char *ca_bundle; /* owned; NULL: the system store */
} pooled;

/* Connections are never shared between handles: libcurl does not support one connection
 * cache used by transfers running at the same time on different threads. Each easy handle
 * keeps its own (curl_easy_perform's), and a handle belongs to one thread between
 * pool_take and pool_give, so a connection carries one transfer at a time. Only the DNS
 * cache and TLS session tickets, which libcurl guards with the share's locks, are shared:
 * a new connection resumes a TLS session another handle negotiated. */
struct zoom_http {
  CURLSH *share;
  pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
  pthread_mutex_t pool_lock; /* share creation, pool, npool, counters */
  pooled pool[POOL_MAX];
  size_t npool;
  uint64_t transfers;
  uint64_t connects;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result;

static void global_init(void) {
  global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int zoom_curl_start(void) {
  pthread_once(&global_once, global_init);
  return global_result == CURLE_OK ? 0 : -1;
}

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *ctx) {
  (void)handle, (void)access;
  zoom_http *h = ctx;
  if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
    pthread_mutex_lock(&h->share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *ctx) {
  (void)handle;
  zoom_http *h = ctx;
  if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
    pthread_mutex_unlock(&h->share_locks[data]);
}

zoom_http *zoom_http_new(void) {
  zoom_http *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    pthread_mutex_init(&h->share_locks[i], NULL);
  pthread_mutex_init(&h->pool_lock, NULL);
  return h;
}

/* Initializes libcurl and the share (DNS, TLS sessions) at the first transfer rather than
 * at start-up: loading the TLS and compression back ends costs about a millisecond and
 * 2 MB, which a server that never calls Zoom (or not yet) should not pay. Returns 0, or
 * -1 when libcurl cannot start. */
static int http_ready(zoom_http *h) {
  int rc = 0;
  pthread_mutex_lock(&h->pool_lock);
  if (!h->share) {
    if (zoom_curl_start() != 0 || !(h->share = curl_share_init())) {
      rc = -1;
    } else {
      curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
      curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
      curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
      curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
  }
  pthread_mutex_unlock(&h->pool_lock);
  return rc;
}

void zoom_http_free(zoom_http *h) {
  if (!h)
    return;
  for (size_t i = 0; i < h->npool; i++) {
    curl_easy_cleanup(h->pool[i].c);
    free(h->pool[i].ca_bundle);
  }
  if (h->share)
    curl_share_cleanup(h->share);
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    pthread_mutex_destroy(&h->share_locks[i]);
  pthread_mutex_destroy(&h->pool_lock);
  free(h);
}

void zoom_http_counters(zoom_http *h, uint64_t *transfers, uint64_t *connects) {
  pthread_mutex_lock(&h->pool_lock);
  if (transfers)
    *transfers = h->transfers;
  if (connects)
    *connects = h->connects;
  pthread_mutex_unlock(&h->pool_lock);
}

static bool same_text(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx);

/* Sets the options that are the same for every request. Per-request options are all set
 * again by zoom_http_perform, so a handle is reused without curl_easy_reset (which costs
 * about as much as a small transfer's parsing). */
static void handle_setup(zoom_http *h, CURL *c, const char *ca_bundle) {
  curl_easy_setopt(c, CURLOPT_SHARE, h->share);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ca_bundle)
    curl_easy_setopt(c, CURLOPT_CAINFO, ca_bundle);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_MAXCONNECTS, HANDLE_KEPT_CONNECTIONS);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "zoom-webinar-mcp/0.1");
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
}

/* Takes a handle from the pool (or makes one) set up for CA_BUNDLE; it and its connection
 * belong to the caller until pool_give. The most recently given back comes first: its
 * connection is the likeliest to be alive. Returns 0 or -1. */
static int pool_take(zoom_http *h, const char *ca_bundle, pooled *out) {
  bool found = false;
  if (http_ready(h) != 0)
    return -1;
  pthread_mutex_lock(&h->pool_lock);
  if (h->npool > 0) {
    *out = h->pool[--h->npool];
    found = true;
  }
  pthread_mutex_unlock(&h->pool_lock);
  if (found && same_text(out->ca_bundle, ca_bundle))
    return 0;
  if (found) {
    curl_easy_reset(out->c);
    free(out->ca_bundle);
  } else if (!(out->c = curl_easy_init())) {
    return -1;
  }
  out->ca_bundle = NULL;
  if (ca_bundle && !(out->ca_bundle = strdup(ca_bundle))) {
    curl_easy_cleanup(out->c);
    return -1;
  }
  handle_setup(h, out->c, ca_bundle);
  return 0;
}

/* Returns P to the pool, or frees it (closing its connection) when the pool is full. */
static void pool_give(zoom_http *h, pooled *p, long connects) {
  bool kept = false;
  pthread_mutex_lock(&h->pool_lock);
  h->transfers++;
  h->connects += (uint64_t)(connects > 0 ? connects : 0);
  if (h->npool < POOL_MAX) {
    h->pool[h->npool++] = *p;
    kept = true;
  }
  pthread_mutex_unlock(&h->pool_lock);
  if (!kept) {
    curl_easy_cleanup(p->c);
    free(p->ca_bundle);
  }
}

/* ---- the reply body (shared with download.c) ---- */

static size_t sink_write(char *data, size_t size, size_t nmemb, void *ctx) {
  zoom_sink *k = ctx;
  size_t n = size * nmemb;
  buf_status st = buf_append(&k->body, data, n);
  if (st == BUF_FULL)
    k->too_large = true;
  return st == BUF_OK ? n : 0;
}

static int sink_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un) {
  (void)dt, (void)dn, (void)ut, (void)un;
  const zoom_sink *k = ctx;
  return k->cancel && k->cancel->cancelled && k->cancel->cancelled(k->cancel->ctx) ? 1 : 0;
}

void zoom_sink_init(zoom_sink *k, size_t max, bool secret, const zoom_cancel *cancel) {
  *k = (zoom_sink){.cancel = cancel};
  if (secret)
    buf_init_secret(&k->body, max);
  else
    buf_init(&k->body, max);
}

void zoom_sink_attach(CURL *c, zoom_sink *k) {
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, k);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, sink_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, k);
}

/* ---- one transfer ---- */

/* Copies the header value (trimmed) of LINE into DST when its name is NAME. */
static int header_take(const char *line, size_t len, const char *name, char *dst, size_t size) {
  size_t nlen = strlen(name);
  if (len <= nlen || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
    return 0;
  const char *v = line + nlen + 1;
  const char *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  size_t vlen = (size_t)(end - v);
  if (vlen >= size)
    vlen = size - 1;
  memcpy(dst, v, vlen);
  dst[vlen] = '\0';
  return 1;
}

static long parse_long_or(const char *s, long dflt) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  return (errno || end == s) ? dflt : v;
}

/* Keeps X-RateLimit-Category and X-RateLimit-Type only when they are words Zoom uses, in
 * their usual spelling: they are shown in errors and in the token status, and a reply must
 * not put text of its own choosing there (a header echoing the token, say). */
static void rate_words_normalize(zoom_http_reply *rep) {
  if (rep->rate_category[0]) {
    zoom_rate_category cat = zoom_rate_category_parse(rep->rate_category);
    snprintf(rep->rate_category, sizeof rep->rate_category, "%s",
             cat == ZOOM_RATE_NONE ? "" : zoom_rate_category_name(cat));
  }
  if (strcasecmp(rep->rate_type, "QPS") == 0)
    snprintf(rep->rate_type, sizeof rep->rate_type, "QPS");
  else if (strcasecmp(rep->rate_type, "Daily-limit") == 0)
    snprintf(rep->rate_type, sizeof rep->rate_type, "Daily-limit");
  else
    rep->rate_type[0] = '\0';
}

/* CTX is the reply. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx) {
  zoom_http_reply *rep = ctx;
  size_t n = size * nmemb;
  char num[32];
  /* The headers kept all start with R (Retry-After) or X (X-RateLimit-*). */
  char first = n ? (char)(data[0] | 0x20) : '\0';
  if (first != 'r' && first != 'x' && first != 'h')
    return n;
  if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
    /* A new header block (after a 100 Continue, say): forget the previous one. */
    rep->retry_after[0] = rep->rate_category[0] = rep->rate_type[0] = '\0';
    rep->rate_limit = rep->rate_remaining = -1;
    rep->received_at = time(NULL);
  } else if (header_take(data, n, "Retry-After", rep->retry_after, sizeof rep->retry_after) ||
             header_take(data, n, "X-RateLimit-Category", rep->rate_category,
                         sizeof rep->rate_category) ||
             header_take(data, n, "X-RateLimit-Type", rep->rate_type, sizeof rep->rate_type)) {
    rate_words_normalize(rep);
  } else if (header_take(data, n, "X-RateLimit-Limit", num, sizeof num)) {
    rep->rate_limit = parse_long_or(num, -1);
  } else if (header_take(data, n, "X-RateLimit-Remaining", num, sizeof num)) {
    rep->rate_remaining = parse_long_or(num, -1);
  }
  return n;
}

void zoom_http_reply_clear(zoom_http_reply *rep) {
  if (!rep)
    return;
  if (rep->secret)
    buf_wipe(rep->body, rep->len);
  free(rep->body);
  memset(rep, 0, sizeof *rep);
  rep->rate_limit = rep->rate_remaining = -1;
}

int zoom_http_perform(zoom_http *h, const zoom_http_policy *pol, const zoom_http_request *req,
                      zoom_http_reply *rep) {
  zoom_http_reply_clear(rep);
  rep->code = CURLE_OUT_OF_MEMORY;
  struct curl_slist *headers = NULL;
  pooled p;
  if (pool_take(h, pol->ca_bundle, &p) != 0)
    return -1;
  CURL *c = p.c;
  zoom_sink sink;
  zoom_sink_init(&sink, pol->max_response_bytes, req->secret_reply, req->cancel);
  rep->secret = req->secret_reply;
  for (const char *const *hl = req->headers; hl && *hl; hl++) {
    struct curl_slist *grown = curl_slist_append(headers, *hl);
    if (!grown)
      goto done;
    headers = grown;
  }
  /* No "Expect: 100-continue" round trip for bodies. */
  if (req->body) {
    struct curl_slist *grown = curl_slist_append(headers, "Expect:");
    if (!grown)
      goto done;
    headers = grown;
  }

  curl_easy_setopt(c, CURLOPT_URL, req->url);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, pol->connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, pol->request_timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, rep);
  zoom_sink_attach(c, &sink);
  /* libcurl silently re-sends a request whose reused connection died before any reply
   * byte; for a request that must not run twice (POST) take a fresh connection so that
   * can never happen. */
  curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, req->fresh_connection ? 1L : 0L);
  /* Every request sets its method in full: the handle may last have sent another. */
  bool post = strcmp(req->method, "POST") == 0;
  if (req->body || post) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
                   (post || strcmp(req->method, "GET") == 0) ? NULL : req->method);

  rep->code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rep->status);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &rep->connects);
  long request_size = 0;
  curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_size);
  if (rep->code == CURLE_OK)
    rep->sent = ZOOM_SENT_YES;
  else
    rep->sent = request_size > 0 ? ZOOM_SENT_MAYBE : ZOOM_SENT_NO;
  rep->too_large = sink.too_large;
  if (sink.body.status == BUF_NOMEM)
    rep->code = CURLE_OUT_OF_MEMORY;
  /* The body ("" when none came) is the reply's; NULL after a failure. */
  rep->body = buf_take(&sink.body, &rep->len);
  if (rep->code == CURLE_OK && !rep->body)
    rep->code = CURLE_OUT_OF_MEMORY;
done:
  buf_free(&sink.body);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, NULL);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, NULL);
  /* The list holds copies of the Authorization line: wipe them before freeing. */
  for (struct curl_slist *node = headers; node; node = node->next)
    buf_wipe(node->data, strlen(node->data));
  curl_slist_free_all(headers);
  pool_give(h, &p, rep->connects);
  return rep->code == CURLE_OK ? 0 : -1;
}

long zoom_reply_retry_after(const zoom_http_reply *rep) {
  return zoom_retry_after_seconds(rep->retry_after,
                                  rep->received_at ? rep->received_at : time(NULL));
}

long zoom_retry_after_seconds(const char *value, time_t now) {
  if (!value || !*value)
    return -1;
  char *end;
  errno = 0;
  long secs = strtol(value, &end, 10);
  if (!errno && end != value && *end == '\0')
    return secs < 0 ? 0 : secs;
  struct tm tm = {0};
  time_t when = -1;
  const char *rest = strptime(value, "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest && (*rest == 'Z' || *rest == '\0' || strncmp(rest, "+00:00", 6) == 0))
    when = timegm(&tm);
  else
    when = curl_getdate(value, NULL);
  if (when < 0)
    return -1;
  return when > now ? (long)(when - now) : 0;
}

int zoom_sleep_ms(long ms, const zoom_cancel *cancel) {
  while (ms > 0) {
    if (cancel && cancel->cancelled && cancel->cancelled(cancel->ctx))
      return -1;
    long slice = ms < 50 ? ms : 50;
    struct timespec ts = {slice / 1000, (slice % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    ms -= slice;
  }
  if (cancel && cancel->cancelled && cancel->cancelled(cancel->ctx))
    return -1;
  return 0;
}

/* Transport failures that no retry will fix. */
static const CURLcode permanent_codes[] = {
    CURLE_UNSUPPORTED_PROTOCOL,
    CURLE_URL_MALFORMAT,
    CURLE_PEER_FAILED_VERIFICATION,
    CURLE_SSL_CACERT_BADFILE,
    CURLE_SSL_CERTPROBLEM,
    CURLE_SSL_CIPHER,
    CURLE_OUT_OF_MEMORY,
    CURLE_BAD_CONTENT_ENCODING,
    CURLE_SSL_ISSUER_ERROR,
    CURLE_SSL_PINNEDPUBKEYNOTMATCH,
};

static bool code_is_permanent(CURLcode code) {
  for (size_t i = 0; i < sizeof permanent_codes / sizeof permanent_codes[0]; i++)
    if (permanent_codes[i] == code)
      return true;
  return false;
}

/* The wait before attempt number ATTEMPT+1 (ATTEMPT >= 1): base * 2^(attempt-1), capped,
 * with "equal jitter" (half fixed, half random). */
static long backoff_ms(const zoom_http_policy *pol, long attempt) {
  long cap = pol->retry_max_wait_s * 1000L;
  long wait = pol->retry_base_ms;
  for (long i = 1; i < attempt && wait < cap; i++)
    wait *= 2;
  if (cap > 0 && wait > cap)
    wait = cap;
  long half = wait / 2;
  return half + (half > 0 ? (long)arc4random_uniform((uint32_t)half + 1) : 0);
}

/* Fills ERR for a transfer that produced no complete reply. */
static void transport_error(zoom_error *err, const zoom_http_request *req,
                            const zoom_http_reply *rep, bool safe_to_repeat, size_t max_bytes) {
  const char *what = curl_easy_strerror(rep->code);
  if (rep->code == CURLE_ABORTED_BY_CALLBACK) {
    zoom_error_set(err, ZOOM_ERR_CANCELLED, "the request was cancelled");
    if (!safe_to_repeat && rep->sent != ZOOM_SENT_NO)
      zoom_error_hint(err, "It may have reached Zoom before it was cancelled: check whether it "
                           "took effect before sending it again.");
  } else if (rep->too_large) {
    zoom_error_set(err, ZOOM_ERR_BAD_REPLY, "Zoom's reply was larger than the %zu-byte cap",
                   max_bytes);
    zoom_error_hint(err, "Ask for less (a smaller page_size) or raise ZOOM_MAX_RESPONSE_BYTES.");
  } else if (!safe_to_repeat && rep->sent == ZOOM_SENT_MAYBE) {
    zoom_error_set(err, ZOOM_ERR_OUTCOME_UNKNOWN,
                   "the connection failed after the %s was sent (%s); it may or may not have "
                   "taken effect, so it was not sent again",
                   req->method, what);
    zoom_error_hint(err, "Check whether it took effect (list or get the item it creates) "
                         "before trying again, so nothing is created twice.");
  } else if (rep->code == CURLE_OPERATION_TIMEDOUT) {
    zoom_error_set(err, ZOOM_ERR_TIMEOUT, "Zoom did not answer in time (%s)", what);
    zoom_error_hint(err, "Zoom or the network is slow; try again later, or raise "
                         "ZOOM_REQUEST_TIMEOUT_MS.");
  } else if (rep->code == CURLE_PARTIAL_FILE) {
    /* Zoom was reached and began to answer: blaming the network settings would mislead. */
    zoom_error_set(err, ZOOM_ERR_TRANSPORT, "Zoom's reply was cut short (%s)", what);
    zoom_error_hint(err, "The connection broke while the reply was arriving; try again.");
  } else {
    zoom_error_set(err, ZOOM_ERR_TRANSPORT, "could not reach Zoom: %s", what);
    zoom_error_hint(err, "Check the network and ZOOM_API_BASE_URL / ZOOM_OAUTH_TOKEN_URL.");
  }
}

/* The category a reply speaks of: its X-RateLimit-Category, else the request's. */
static zoom_rate_category reply_category(const zoom_http_request *req, const zoom_http_reply *rep) {
  zoom_rate_category named = zoom_rate_category_parse(rep->rate_category);
  return named != ZOOM_RATE_NONE ? named : req->rate_category;
}

/* One paced attempt: waits for a slot, performs, gives the slot back, and adopts a
 * per-second limit the reply states. Returns zoom_http_perform's result, or -2 when
 * cancelled while waiting (REP cleared). */
static int paced_perform(zoom_http *h, const zoom_http_policy *pol, const zoom_http_request *req,
                         zoom_http_reply *rep) {
  if (zoom_pacer_acquire(pol->pacer, req->rate_category, req->cancel) != 0) {
    zoom_http_reply_clear(rep);
    return -2;
  }
  int rc = zoom_http_perform(h, pol, req, rep);
  zoom_pacer_release(pol->pacer, req->rate_category);
  if (rc == 0 && rep->rate_limit > 0 && strcasecmp(rep->rate_type, "QPS") == 0)
    zoom_pacer_learn(pol->pacer, reply_category(req, rep), rep->rate_limit);
  return rc;
}

int zoom_http_send(zoom_http *h, const zoom_http_policy *pol, const zoom_http_request *req,
                   bool safe_to_repeat, zoom_http_reply *rep, zoom_error *err) {
  bool lost = false;
  for (long attempt = 1;; attempt++) {
    int rc = paced_perform(h, pol, req, rep);
    if (rc == -2)
      return zoom_error_set(err, ZOOM_ERR_CANCELLED, "the request was cancelled");
    rep->after_lost_reply = lost;
    bool retry = false;
    long wait_ms = 0;
    if (rc == 0) {
      if (rep->status == 429) {
        if (strcasecmp(rep->rate_type, "Daily-limit") == 0)
          return 0;
        long after = zoom_reply_retry_after(rep);
        if (after > pol->retry_max_wait_s)
          return 0; /* longer than we may wait: the caller reports it */
        retry = true;
        wait_ms = after >= 0 ? after * 1000L : backoff_ms(pol, attempt);
        /* The other threads wait as well rather than collect 429s of their own. */
        zoom_pacer_hold(pol->pacer, reply_category(req, rep), zoom_pacer_now_ms() + wait_ms);
      } else if (rep->status >= 500 && safe_to_repeat) {
        retry = true;
        wait_ms = backoff_ms(pol, attempt);
      }
      if (!retry || attempt > pol->max_retries)
        return 0;
      log_debug("zoom", "%s reply %ld, retry %ld of %ld in %ld ms", req->method, rep->status,
                attempt, pol->max_retries, wait_ms);
    } else {
      if (rep->code == CURLE_ABORTED_BY_CALLBACK || rep->too_large ||
          code_is_permanent(rep->code) || (!safe_to_repeat && rep->sent != ZOOM_SENT_NO) ||
          attempt > pol->max_retries) {
        transport_error(err, req, rep, safe_to_repeat, pol->max_response_bytes);
        return -1;
      }
      lost = lost || rep->sent != ZOOM_SENT_NO;
      wait_ms = backoff_ms(pol, attempt);
      log_debug("zoom", "%s transport failure (%s), retry %ld of %ld in %ld ms", req->method,
                curl_easy_strerror(rep->code), attempt, pol->max_retries, wait_ms);
    }
    if (zoom_sleep_ms(wait_ms, req->cancel) != 0) {
      zoom_http_reply_clear(rep);
      return zoom_error_set(err, ZOOM_ERR_CANCELLED, "the request was cancelled");
    }
  }
}
