/* internal.h - private to src/zoom: the pooled libcurl layer, the token keeper, helpers.
 *
 * Table of contents:
 *   http.c  - a pool of easy handles, each owning its connection; one transfer; retries
 *   pace.c  - pacing to Zoom's per-category rate limits
 *   auth.c  - the token: memory, the cache file, the file lock, the token request
 */
#ifndef ZOOM_INTERNAL_H
#define ZOOM_INTERNAL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "zoom/auth.h"
#include "zoom/cancel.h"
#include "zoom/config.h"
#include "zoom/error.h"
#include "zoom/scopes.h"

/* ---- pace.c ---------------------------------------------------------------- */

/* Which of Zoom's per-account limits to pace to (ZOOM_RATE_PLAN). */
typedef enum { ZOOM_PLAN_OFF = 0, ZOOM_PLAN_PRO, ZOOM_PLAN_BUSINESS } zoom_rate_plan;

/* "pro", "business" or "off" (any case) into *OUT. Returns 0, or -1 for anything else. */
int zoom_rate_plan_parse(const char *text, zoom_rate_plan *out);

/* The pacer: for each category, at most LIMIT requests in any window (1 s; 60 s for
 * Resource-intensive), shared by every thread. A request takes a slot when sent and gives
 * it back when its transfer ends; the slot is usable again one window later. */
typedef struct zoom_pacer zoom_pacer;

/* A pacer with PLAN's limits (Pro: Light 30/s, Medium 20/s, Heavy 10/s, Resource-intensive
 * 10/min; Business: 80, 60, 40, 20/min). NULL for ZOOM_PLAN_OFF or on OOM. */
zoom_pacer *zoom_pacer_new(zoom_rate_plan plan);
void zoom_pacer_free(zoom_pacer *p); /* no request may be using it; accepts NULL */

/* The clock-free core (tests drive it with their own times). With a NULL pacer or
 * ZOOM_RATE_NONE every call is a no-op that never waits.
 * zoom_pacer_try: takes a slot at NOW_MS and returns 0, or returns the milliseconds until
 *   one may be free (> 0), or -1 when every slot is held by a transfer still running.
 * zoom_pacer_done: the transfer holding a slot ended at NOW_MS. */
long zoom_pacer_try(zoom_pacer *p, zoom_rate_category cat, int64_t now_ms);
void zoom_pacer_done(zoom_pacer *p, zoom_rate_category cat, int64_t now_ms);

/* Adopts LIMIT (from X-RateLimit-Limit of a QPS reply; clamped to 1..1000) for CAT. */
void zoom_pacer_learn(zoom_pacer *p, zoom_rate_category cat, long limit);

/* No slot of CAT is handed out before UNTIL_MS (after a per-second 429). */
void zoom_pacer_hold(zoom_pacer *p, zoom_rate_category cat, int64_t until_ms);

long zoom_pacer_limit(zoom_pacer *p, zoom_rate_category cat);
uint64_t zoom_pacer_waits(zoom_pacer *p); /* requests that had to wait for a slot */
int64_t zoom_pacer_now_ms(void);          /* the clock the blocking calls use (monotonic) */

/* Blocking forms on that clock: waits for a slot of CAT (woken by releases, looking at
 * CANCEL at least every 50 ms). Returns 0 holding a slot, or -1 when cancelled. */
int zoom_pacer_acquire(zoom_pacer *p, zoom_rate_category cat, const zoom_cancel *cancel);
void zoom_pacer_release(zoom_pacer *p, zoom_rate_category cat);

/* ---- http.c ---------------------------------------------------------------- */

typedef struct zoom_http zoom_http;

/* Where libcurl puts a reply's body (http.c's transfers and download.c's hops): a capped
 * buffer, secret for a reply that carries a secret (the token reply), and the cancel hook
 * libcurl's progress callback polls. */
typedef struct zoom_sink {
  bytebuf body;              /* owned; capped at the largest reply taken */
  bool too_large;            /* the body passed the cap: the transfer was stopped */
  const zoom_cancel *cancel; /* borrowed; may be NULL */
} zoom_sink;

/* An empty sink taking at most MAX bytes (secret: see buf_init_secret). Allocates nothing. */
void zoom_sink_init(zoom_sink *k, size_t max, bool secret, const zoom_cancel *cancel);

/* Points C's write and progress callbacks at K (K must outlive the transfer). */
void zoom_sink_attach(CURL *c, zoom_sink *k);

/* One request. Everything is borrowed. HEADERS is a NULL-terminated list of
 * "Name: value" lines (may hold an Authorization line: the layer never logs headers). */
typedef struct zoom_http_request {
  const char *method; /* "GET", "POST", "PUT", "PATCH", "DELETE" */
  const char *url;
  const char *const *headers;
  const char *body; /* NULL: no body */
  size_t body_len;
  const zoom_cancel *cancel;
  bool fresh_connection;            /* a new connection, never a kept one (see http.c) */
  zoom_rate_category rate_category; /* paced by the policy's pacer; NONE: not paced */
  bool secret_reply; /* the reply carries a secret (the token): collected in a secret bytebuf,
                      * and the reply's body is wiped by zoom_http_reply_clear */
} zoom_http_request;

/* How a transfer ended, as far as repeating it is concerned. */
typedef enum {
  ZOOM_SENT_NO = 0, /* the request surely did not reach the server: safe to send again */
  ZOOM_SENT_MAYBE,  /* bytes went out and no full reply came back */
  ZOOM_SENT_YES     /* a full reply arrived */
} zoom_sent;

/* What came back. body is owned (NUL-terminated); free with zoom_http_reply_clear. */
typedef struct zoom_http_reply {
  CURLcode code;
  long status;
  char *body;
  size_t len;
  bool secret; /* body is wiped when cleared (the request's secret_reply) */
  zoom_sent sent;
  bool too_large;
  long connects;         /* connections this transfer opened */
  bool after_lost_reply; /* zoom_http_send: an earlier attempt went out and got no reply */
  char retry_after[80];
  time_t received_at; /* when the head came: a dated Retry-After is counted from this one
                         clock reading (0 until a head came) */
  char rate_category[32];
  char rate_type[32];
  long rate_limit;     /* -1 when absent */
  long rate_remaining; /* -1 when absent */
} zoom_http_reply;

/* Limits and policy, copied from the config. */
typedef struct zoom_http_policy {
  long connect_timeout_ms;
  long request_timeout_ms;
  long max_retries;
  long retry_base_ms;
  long retry_max_wait_s;
  size_t max_response_bytes;
  const char *ca_bundle; /* borrowed; NULL: the system store */
  zoom_pacer *pacer;     /* borrowed; NULL: no pacing */
} zoom_http_policy;

/* Starts libcurl (curl_global_init) once per process: at the first transfer, not at start-up.
 * Returns 0, or -1 when libcurl cannot start. */
int zoom_curl_start(void);

/* A new transfer pool, or NULL. libcurl itself starts at the first transfer. */
zoom_http *zoom_http_new(void);
void zoom_http_free(zoom_http *h);

/* One transfer, no retry. Fills REP (clear it afterwards). Returns 0 when a complete
 * reply arrived (any status), -1 otherwise (REP->code tells why). */
int zoom_http_perform(zoom_http *h, const zoom_http_policy *pol, const zoom_http_request *req,
                      zoom_http_reply *rep);

/* The transfer with retries: 5xx and transport failures when SAFE_TO_REPEAT (or when
 * nothing was sent), per-second 429s for every method (Zoom did not act on them), waiting
 * Retry-After or an exponential backoff with jitter, at most pol->max_retries times.
 * Each attempt first waits for a slot of req->rate_category from pol->pacer; a QPS reply's
 * X-RateLimit-Limit is adopted, and a per-second 429 holds the category for its wait.
 * Daily-limit 429s are returned at once. Stops with ZOOM_ERR_CANCELLED when cancelled.
 * Returns 0 with REP holding the last complete reply (any status), or -1 with ERR set
 * (transport, timeout, outcome_unknown, cancelled, bad_reply for too large). */
int zoom_http_send(zoom_http *h, const zoom_http_policy *pol, const zoom_http_request *req,
                   bool safe_to_repeat, zoom_http_reply *rep, zoom_error *err);

void zoom_http_reply_clear(zoom_http_reply *rep);

/* Seconds to wait from a Retry-After value (seconds, HTTP date or ISO 8601 UTC), or -1. */
long zoom_retry_after_seconds(const char *value, time_t now);

/* Seconds REP's Retry-After asks to wait, counted from when the reply came; -1 when it
 * has none or it cannot be read. */
long zoom_reply_retry_after(const zoom_http_reply *rep);

/* Sleeps MS milliseconds in short slices; returns -1 early when CANCEL fires, else 0. */
int zoom_sleep_ms(long ms, const zoom_cancel *cancel);

/* Connections opened and transfers made by this pool so far. */
void zoom_http_counters(zoom_http *h, uint64_t *transfers, uint64_t *connects);

/* ---- auth.c ---------------------------------------------------------------- */

typedef struct zoom_auth zoom_auth;

/* A new token keeper for CFG's credentials (copied). NULL with ERR set when the cache path
 * cannot be determined or on OOM. */
zoom_auth *zoom_auth_new(const zoom_config *cfg, zoom_http *http, zoom_error *err);

/* Wipes the token and the secret and frees. Accepts NULL. */
void zoom_auth_free(zoom_auth *a);

/* Stores in *OUT_TOKEN a new copy of a valid access token (free with zoom_secret_free)
 * and, when OUT_API_BASE is non-NULL, the API base the token reply named ("" when none)
 * in the SIZE-byte buffer. FORCE asks Zoom for a new one even if a valid token is known.
 * Returns 0 or -1 with ERR set. */
int zoom_auth_token(zoom_auth *a, const zoom_cancel *cancel, bool force, char **out_token,
                    char *out_api_base, size_t size, zoom_error *err);

/* Marks TOKEN as refused by Zoom (401 code 124): neither memory nor the cache file will
 * hand it out again. */
void zoom_auth_reject(zoom_auth *a, const char *token);

/* Fills OUT from memory, or from the cache file when memory has nothing. */
void zoom_auth_status(zoom_auth *a, zoom_token_status *out);

/* Wipes and frees a secret string. Accepts NULL. */
void zoom_secret_free(char *s);

/* ---- client.c, for download.c -------------------------------------------------- */

struct zoom_client; /* client.h */

/* Stores in *LINE a new "Authorization: Bearer <token>" header line with a valid access
 * token of the configuration in use (free with zoom_secret_free), asking Zoom for a token
 * when needed or when FORCE. 0 or -1 (ERR set; it may be NULL). */
int zoom_client_bearer(struct zoom_client *c, const zoom_cancel *cancel, bool force, char **line,
                       zoom_error *err);

/* ---- config.c -------------------------------------------------------------- */

/* True when libcurl's URL parser finds in URL the scheme https, or http with a loopback
 * host (localhost, 127.0.0.0/8, [::1]), and no user name, password, query, fragment or
 * zone id. The one check for ZOOM_OAUTH_TOKEN_URL, ZOOM_API_BASE_URL, the token reply's
 * api_url and the api_base read back from the token cache. */
bool zoom_url_allowed(const char *url);

/* True when libcurl's URL parser finds in URL a loopback host (as zoom_url_allowed judges
 * one). */
bool zoom_url_is_loopback(const char *url);

#endif
