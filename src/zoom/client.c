/* client.c - zoom_request (token, retries, 124 refresh, error mapping) and pagination. */
#include "zoom/client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "zoom/internal.h"
#include "zoom/url.h"

#define PATH_MAX_LEN 2048
#define URL_MAX_LEN 8192
#define BODY_MAX_LEN (1024 * 1024)

/* One configuration and its token keeper; requests hold a reference while they run. */
typedef struct generation {
  int refs;
  zoom_config *cfg;
  zoom_auth *auth;
  zoom_pacer *pacer; /* owned; NULL: not paced. Limits are per account, so per generation */
  zoom_http_policy pol;
} generation;

struct zoom_client {
  zoom_http *http;
  pthread_mutex_t lock; /* gen, rate */
  generation *gen;
  zoom_rate_limit rate;
  uint64_t requests; /* atomic */
};

/* Methods Zoom's API uses, and whether repeating one is harmless. */
static const struct {
  const char *name;
  bool safe_to_repeat;
} methods[] = {
    {"GET", true}, {"PUT", true}, {"DELETE", true}, {"PATCH", true}, {"POST", false},
};

static void generation_release(zoom_client *c, generation *g) {
  if (!g)
    return;
  pthread_mutex_lock(&c->lock);
  int left = --g->refs;
  pthread_mutex_unlock(&c->lock);
  if (left > 0)
    return;
  zoom_auth_free(g->auth);
  zoom_pacer_free(g->pacer);
  zoom_config_free(g->cfg);
  free(g);
}

static generation *generation_acquire(zoom_client *c) {
  pthread_mutex_lock(&c->lock);
  generation *g = c->gen;
  g->refs++;
  pthread_mutex_unlock(&c->lock);
  return g;
}

/* ZOOM_RATE_PLAN, or when unset: Pro, except for an API base on a loopback host, which is
 * not Zoom and has no Zoom limits unless asked to (a sandbox with rate limits on is paced
 * by setting the plan). CFG is validated. */
static zoom_rate_plan plan_of(const zoom_config *cfg) {
  zoom_rate_plan plan = ZOOM_PLAN_PRO;
  if (cfg->rate_plan)
    (void)zoom_rate_plan_parse(cfg->rate_plan, &plan);
  else if (cfg->api_base_url && zoom_url_is_loopback(cfg->api_base_url))
    plan = ZOOM_PLAN_OFF;
  return plan;
}

static generation *generation_new(zoom_client *c, const zoom_config *cfg, zoom_error *err) {
  if (zoom_config_validate(cfg, err) != 0)
    return NULL;
  generation *g = calloc(1, sizeof *g);
  if (!g || !(g->cfg = zoom_config_dup(cfg))) {
    free(g);
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
    return NULL;
  }
  zoom_rate_plan plan = plan_of(g->cfg);
  if (plan != ZOOM_PLAN_OFF && !(g->pacer = zoom_pacer_new(plan))) {
    zoom_config_free(g->cfg);
    free(g);
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
    return NULL;
  }
  if (!(g->auth = zoom_auth_new(g->cfg, c->http, err))) {
    zoom_pacer_free(g->pacer);
    zoom_config_free(g->cfg);
    free(g);
    return NULL;
  }
  g->refs = 1;
  g->pol = (zoom_http_policy){g->cfg->connect_timeout_ms, g->cfg->request_timeout_ms,
                              g->cfg->max_retries,        g->cfg->retry_base_ms,
                              g->cfg->retry_max_wait_s,   (size_t)g->cfg->max_response_bytes,
                              g->cfg->ca_bundle,          g->pacer};
  return g;
}

int zoom_client_new(zoom_client **out, const zoom_config *cfg, zoom_error *err) {
  *out = NULL;
  zoom_client *c = calloc(1, sizeof *c);
  if (!c)
    return zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
  pthread_mutex_init(&c->lock, NULL);
  c->rate.limit = c->rate.remaining = -1;
  if (!(c->http = zoom_http_new())) {
    zoom_client_free(c);
    return zoom_error_set(err, ZOOM_ERR_NOMEM, "libcurl could not be initialised");
  }
  if (!(c->gen = generation_new(c, cfg, err))) {
    zoom_client_free(c);
    return -1;
  }
  *out = c;
  return 0;
}

void zoom_client_free(zoom_client *c) {
  if (!c)
    return;
  if (c->gen)
    generation_release(c, c->gen);
  zoom_http_free(c->http);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

int zoom_client_reconfigure(zoom_client *c, const zoom_config *cfg, zoom_error *err) {
  generation *g = generation_new(c, cfg, err);
  if (!g)
    return -1;
  pthread_mutex_lock(&c->lock);
  generation *old = c->gen;
  c->gen = g;
  pthread_mutex_unlock(&c->lock);
  generation_release(c, old);
  log_info("zoom", "configuration replaced (account %s)", cfg->account_id);
  return 0;
}

int zoom_client_reconfigure_checked(zoom_client *c, const zoom_config *cfg,
                                    const zoom_cancel *cancel, zoom_error *err) {
  generation *g = generation_new(c, cfg, err);
  if (!g)
    return -1;
  /* Forced: a cached token for the same account and client id would prove nothing about
   * the secret. */
  char *token = NULL;
  zoom_error scratch = {0};
  int rc = zoom_auth_token(g->auth, cancel, true, &token, NULL, 0, err ? err : &scratch);
  zoom_error_clear(&scratch);
  if (rc != 0) {
    generation_release(c, g);
    return -1;
  }
  zoom_secret_free(token);
  pthread_mutex_lock(&c->lock);
  generation *old = c->gen;
  c->gen = g;
  pthread_mutex_unlock(&c->lock);
  generation_release(c, old);
  log_info("zoom", "configuration replaced after Zoom accepted it (account %s)", cfg->account_id);
  return 0;
}

zoom_config *zoom_client_config(zoom_client *c) {
  generation *g = generation_acquire(c);
  zoom_config *copy = zoom_config_dup(g->cfg);
  generation_release(c, g);
  return copy;
}

/* ---- building the URL ---- */

/* The URL is built in a bytebuf capped at URL_MAX_LEN with its NUL: these
 * return 0, or -1 when it would grow past that or memory ran out. */
static int sb_add(bytebuf *b, const char *s, size_t n) {
  return buf_append(b, s, n) == BUF_OK ? 0 : -1;
}

static int sb_str(bytebuf *b, const char *s) {
  return sb_add(b, s, strlen(s));
}

/* Appends V (scalar) URL-encoded. Returns 0, 1 when V is skipped (null), -1 on error. */
static int sb_scalar(bytebuf *b, json_t *v) {
  char num[64];
  const char *text = NULL;
  if (json_is_string(v))
    text = json_string_value(v);
  else if (json_is_integer(v))
    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v)), text = num;
  else if (json_is_real(v))
    snprintf(num, sizeof num, "%.17g", json_real_value(v)), text = num;
  else if (json_is_boolean(v))
    text = json_is_true(v) ? "true" : "false";
  else if (json_is_null(v))
    return 1;
  else
    return -1;
  char *enc = zoom_url_encode(text);
  int rc = enc ? sb_str(b, enc) : -1;
  free(enc);
  return rc;
}

/* Appends "?name=value&..." for QUERY (null members are left out). */
static int sb_query(bytebuf *b, json_t *query) {
  const char *key;
  json_t *v;
  bool first = true;
  json_object_foreach(query, key, v) {
    if (json_is_null(v))
      continue;
    char *k = zoom_url_encode(key);
    int rc = k ? (sb_str(b, first ? "?" : "&") || sb_str(b, k) || sb_str(b, "=")) : -1;
    free(k);
    if (rc)
      return -1;
    first = false;
    if (json_is_array(v)) {
      size_t i;
      json_t *item;
      json_array_foreach(v, i, item) {
        if ((i && sb_str(b, "%2C")) || sb_scalar(b, item) < 0)
          return -1;
      }
    } else if (sb_scalar(b, v) < 0) {
      return -1;
    }
  }
  return 0;
}

static bool path_ok(const char *path) {
  if (!path || path[0] != '/' || strlen(path) > PATH_MAX_LEN)
    return false;
  for (const char *p = path; *p; p++)
    if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#')
      return false;
  return true;
}

/* ---- one request ---- */

static void rate_record(zoom_client *c, const zoom_http_reply *rep) {
  if (!rep->rate_category[0] && !rep->rate_type[0] && rep->rate_limit < 0 &&
      rep->rate_remaining < 0)
    return;
  pthread_mutex_lock(&c->lock);
  snprintf(c->rate.category, sizeof c->rate.category, "%s", rep->rate_category);
  snprintf(c->rate.type, sizeof c->rate.type, "%s", rep->rate_type);
  c->rate.limit = rep->rate_limit;
  c->rate.remaining = rep->rate_remaining;
  c->rate.seen_at = (long long)time(NULL);
  pthread_mutex_unlock(&c->lock);
}

/* Fills ERR for a 429 reply. */
static void rate_limited(zoom_error *err, const zoom_http_reply *rep, const zoom_config *cfg) {
  snprintf(err->rate_category, sizeof err->rate_category, "%s", rep->rate_category);
  snprintf(err->rate_type, sizeof err->rate_type, "%s", rep->rate_type);
  /* One clock reading, the reply's: the wait decided on in zoom_http_send and the one told
   * here are the same, and the reset instant printed is the one Zoom sent, even when the
   * second ticks in between. */
  time_t now = rep->received_at ? rep->received_at : time(NULL);
  err->retry_after_s = zoom_reply_retry_after(rep);
  const char *category = rep->rate_category[0] ? rep->rate_category : "unknown";
  if (strcasecmp(rep->rate_type, "Daily-limit") == 0) {
    char when[64] = "at midnight UTC";
    if (err->retry_after_s >= 0) {
      time_t at = now + err->retry_after_s;
      struct tm tm;
      gmtime_r(&at, &tm);
      strftime(when, sizeof when, "at %Y-%m-%dT%H:%M:%SZ", &tm);
    }
    zoom_error_set(err, ZOOM_ERR_RATE_LIMIT,
                   "Zoom's daily rate limit for %s requests (category %s) is used up; it resets "
                   "%s",
                   err->method, category, when);
    zoom_error_hint(err, "Not retried: try again after the reset. Webinar create and update "
                         "are limited to 100 per host per day.");
  } else if (err->retry_after_s > cfg->retry_max_wait_s) {
    zoom_error_set(err, ZOOM_ERR_RATE_LIMIT,
                   "Zoom's rate limit (category %s) asks for a %ld s wait, longer than "
                   "ZOOM_RETRY_MAX_WAIT_S (%ld s), so the request was not retried",
                   category, err->retry_after_s, cfg->retry_max_wait_s);
  } else {
    zoom_error_set(err, ZOOM_ERR_RATE_LIMIT,
                   "Zoom's per-second rate limit (category %s) was still hit after %ld retries",
                   category, cfg->max_retries);
    zoom_error_hint(err, "Wait %ld s and try again, or make fewer calls at once.",
                    err->retry_after_s > 0 ? err->retry_after_s : 1);
  }
}

/* Maps a complete reply REP to *OUT or ERR. Returns 0 or -1. */
/* SECRETS (the access token sent, the client secret; either may be NULL) are redacted from
 * whatever of Zoom's text the error quotes, before it is quoted again. */
static int reply_map(const zoom_http_reply *rep, const char *method, const char *path,
                     bool safe_to_repeat, const zoom_config *cfg, const char *const secrets[2],
                     json_t **out, zoom_error *err) {
  json_error_t jerr;
  if (rep->status >= 200 && rep->status < 300) {
    if (rep->len == 0) {
      *out = json_object();
      return *out ? 0 : zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
    }
    *out = json_loadb(rep->body, rep->len, JSON_DECODE_ANY, &jerr);
    if (*out)
      return 0;
    /* jansson's text quotes the reply ("... near 'x'"): only what went wrong is kept. */
    char why[sizeof jerr.text];
    snprintf(why, sizeof why, "%s", jerr.text);
    why[strcspn(why, "'")] = '\0';
    zoom_error_set(err, ZOOM_ERR_BAD_REPLY,
                   "Zoom's reply (HTTP %ld) is not valid JSON (%.100s at byte %d); it may have "
                   "been cut short",
                   rep->status, why, jerr.position);
    err->http_status = rep->status;
    if (!safe_to_repeat)
      zoom_error_hint(err,
                      "The %s succeeded but its reply was unreadable: check the result "
                      "before trying again.",
                      method);
    return -1;
  }
  json_t *body = json_loadb(rep->body, rep->len, 0, &jerr);
  zoom_error_from_reply(err, method, path, rep->status, body);
  json_decref(body);
  zoom_error_redact(err, secrets[0]);
  zoom_error_redact(err, secrets[1]);
  if (rep->status == 404 && rep->after_lost_reply && strcmp(method, "DELETE") == 0) {
    /* The first attempt went out and its reply was lost; the repeat finds nothing. */
    char zoom_said[sizeof err->message];
    snprintf(zoom_said, sizeof zoom_said, "%s", err->message);
    zoom_error_set(err, ZOOM_ERR_HTTP,
                   "It is gone: the first DELETE was sent but its reply was lost, and the "
                   "repeat was answered \"%.300s\". The first attempt probably removed it.",
                   zoom_said);
    zoom_error_hint(err, "Nothing to repeat. To be sure, get or list it: it should be absent.");
  } else if (rep->status == 429)
    rate_limited(err, rep, cfg);
  else if (rep->status >= 500 && !safe_to_repeat)
    zoom_error_hint(err,
                    "Zoom failed while handling the %s: it may or may not have taken effect; "
                    "check (list or get) before sending it again.",
                    method);
  /* rate_limited quotes the reply's headers. */
  zoom_error_redact(err, secrets[0]);
  zoom_error_redact(err, secrets[1]);
  return -1;
}

/* A new "Authorization: Bearer TOKEN" header line (free with zoom_secret_free), or NULL. */
static char *bearer_line(const char *token) {
  static const char bearer[] = "Authorization: Bearer ";
  size_t token_len = strlen(token);
  char *line = malloc(sizeof bearer + token_len);
  if (line) {
    memcpy(line, bearer, sizeof bearer - 1);
    memcpy(line + sizeof bearer - 1, token, token_len + 1);
  }
  return line;
}

static int request_run(zoom_client *c, const char *method, const char *path, json_t *query,
                       json_t *body, const zoom_cancel *cancel, json_t **out, zoom_error *err) {
  int result = -1;
  generation *g = NULL;
  char *token = NULL, *auth_line = NULL, *body_text = NULL;
  bytebuf url;
  zoom_http_reply rep = {0};
  char api_base[256];
  buf_init(&url, URL_MAX_LEN - 1); /* URL_MAX_LEN with the NUL */
  *out = NULL;
  bool safe = false, known = false, token_failed = false;
  for (size_t i = 0; method && i < sizeof methods / sizeof methods[0]; i++)
    if (strcmp(method, methods[i].name) == 0)
      known = true, safe = methods[i].safe_to_repeat;
  if (!c || !known || !path_ok(path) || (query && !json_is_object(query)))
    return zoom_error_set(err, ZOOM_ERR_INVALID, "bad request: method %s, path %s",
                          known ? method : "(unknown)", path_ok(path) ? path : "(malformed)");
  __atomic_add_fetch(&c->requests, 1, __ATOMIC_RELAXED);
  err->method[0] = err->path[0] = '\0'; /* set below, or by a failed token request */
  g = generation_acquire(c);
  if (body && !(body_text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY))) {
    zoom_error_set(err, ZOOM_ERR_INVALID, "the request body cannot be encoded as JSON");
    goto cleanup;
  }
  if (body_text && strlen(body_text) > BODY_MAX_LEN) {
    zoom_error_set(err, ZOOM_ERR_INVALID, "the request body is larger than %d bytes", BODY_MAX_LEN);
    goto cleanup;
  }
  bool timed = log_get_level() <= LOG_DEBUG;
  struct timespec t0 = {0}, t1 = {0};
  if (timed)
    clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int attempt = 1; attempt <= 2; attempt++) {
    zoom_secret_free(token);
    zoom_secret_free(auth_line);
    token = auth_line = NULL;
    if (zoom_auth_token(g->auth, cancel, false, &token, api_base, sizeof api_base, err) != 0) {
      token_failed = true;
      goto cleanup;
    }
    const char *base = g->cfg->api_base_url ? g->cfg->api_base_url
                       : api_base[0]        ? api_base
                                            : ZOOM_DEFAULT_API_BASE_URL;
    size_t base_len = strlen(base);
    while (base_len > 0 && base[base_len - 1] == '/')
      base_len--;
    buf_clear(&url);
    if (sb_add(&url, base, base_len) || sb_str(&url, path) || (query && sb_query(&url, query))) {
      zoom_error_set(err, ZOOM_ERR_INVALID,
                     "the URL would exceed %d bytes or a query value "
                     "is not a scalar",
                     URL_MAX_LEN);
      goto cleanup;
    }
    if (!(auth_line = bearer_line(token))) {
      zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
      goto cleanup;
    }
    const char *headers[] = {auth_line, "Accept: application/json",
                             body_text ? "Content-Type: application/json" : NULL, NULL};
    /* A fresh connection for a POST, which must never be sent twice, and for a DELETE, so
     * that a reply lost on a kept connection reaches the retry loop (libcurl would otherwise
     * re-send it unseen, and a 404 from the repeat could not be explained). */
    bool fresh = !safe || strcmp(method, "DELETE") == 0;
    zoom_http_request req = {method,
                             url.data,
                             headers,
                             body_text,
                             body_text ? strlen(body_text) : 0,
                             cancel,
                             fresh,
                             zoom_rate_category_for(method, path),
                             false};
    zoom_http_reply_clear(&rep);
    if (zoom_http_send(c->http, &g->pol, &req, safe, &rep, err) != 0)
      goto cleanup;
    rate_record(c, &rep);
    if (rep.status == 401 && attempt == 1) {
      json_error_t jerr;
      json_t *eb = json_loadb(rep.body, rep.len, 0, &jerr);
      long code = (long)json_integer_value(json_object_get(eb, "code"));
      json_decref(eb);
      if (code == 124) {
        zoom_auth_reject(g->auth, token);
        continue;
      }
    }
    break;
  }
  if (timed) {
    clock_gettime(CLOCK_MONOTONIC, &t1);
    log_debug("zoom", "%s %s -> %ld in %ld ms", method, path, rep.status,
              (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
  }
  const char *secrets[2] = {token, g->cfg->client_secret};
  result = reply_map(&rep, method, path, safe, g->cfg, secrets, out, err);
cleanup:
  if (result != 0 && err) {
    zoom_error_redact(err, token);
    if (g)
      zoom_error_redact(err, g->cfg->client_secret);
  }
  if (result != 0 && err && err->kind != ZOOM_ERR_INVALID)
    log_debug("zoom", "%s %s failed: %s: %s", method, path, zoom_error_kind_name(err->kind),
              err->message);
  if (err && result != 0 && token_failed && err->method[0]) {
    /* The token request failed: the error names it (its method, path and HTTP status), and
     * says the API call was never sent. */
    size_t used = strlen(err->message);
    snprintf(err->message + used, sizeof err->message - used, " (so %s %.200s was not sent)",
             method, path);
  } else if (err && result != 0) {
    snprintf(err->method, sizeof err->method, "%s", method);
    snprintf(err->path, sizeof err->path, "%s", path);
  }
  zoom_http_reply_clear(&rep);
  zoom_secret_free(token);
  zoom_secret_free(auth_line);
  free(body_text);
  buf_free(&url);
  generation_release(c, g);
  return result;
}

/* ---- pagination ---- */

static int paginate_run(zoom_client *c, const char *path, json_t *query, const zoom_page_opts *opts,
                        const zoom_cancel *cancel, json_t **out, zoom_error *err) {
  int result = -1;
  json_t *q = NULL, *items = NULL, *page = NULL;
  *out = NULL;
  if (!opts || !opts->items_key || opts->page_size < 0 || opts->page_size > 300 ||
      (query && !json_is_object(query)))
    return zoom_error_set(err, ZOOM_ERR_INVALID,
                          "pagination needs items_key and a page_size from 1 to 300");
  size_t max_pages = opts->max_pages ? opts->max_pages : 100;
  q = query ? json_deep_copy(query) : json_object();
  items = json_array();
  if (!q || !items) {
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  /* A next_page_token in QUERY resumes an earlier, truncated walk. */
  json_object_set_new(q, "page_size", json_integer(opts->page_size ? opts->page_size : 300));
  long total = -1;
  size_t pages = 0;
  bool truncated = false;
  const char *next = NULL;
  while (true) {
    if (opts->use_page_number)
      json_object_set_new(q, "page_number", json_integer((json_int_t)pages + 1));
    json_decref(page);
    page = NULL;
    if (zoom_request(c, "GET", path, q, NULL, cancel, &page, err) != 0)
      goto cleanup;
    pages++;
    if (total < 0 && json_is_integer(json_object_get(page, "total_records")))
      total = (long)json_integer_value(json_object_get(page, "total_records"));
    json_t *arr = json_object_get(page, opts->items_key);
    if (arr && !json_is_array(arr)) {
      zoom_error_set(err, ZOOM_ERR_BAD_REPLY, "Zoom's page has a non-array \"%.64s\"",
                     opts->items_key);
      goto cleanup;
    }
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
      if (opts->max_records && json_array_size(items) >= opts->max_records) {
        truncated = true;
        break;
      }
      json_array_append(items, item);
    }
    bool stop =
        opts->on_page && opts->on_page(opts->ctx, page, pages, json_array_size(items), total) != 0;
    next = json_string_value(json_object_get(page, "next_page_token"));
    bool more;
    if (opts->use_page_number) {
      json_int_t count = json_integer_value(json_object_get(page, "page_count"));
      more = json_array_size(arr) > 0 && (json_int_t)pages < count;
    } else {
      more = next && *next;
      if (more)
        json_object_set_new(q, "next_page_token", json_string(next));
    }
    if (!more) {
      next = NULL;
      break;
    }
    if (stop || truncated || pages >= max_pages ||
        (opts->max_records && json_array_size(items) >= opts->max_records)) {
      truncated = true;
      break;
    }
  }
  *out = json_object();
  json_object_set(*out, opts->items_key, items);
  json_object_set_new(*out, "total_records",
                      json_integer(total >= 0 ? total : (json_int_t)json_array_size(items)));
  json_object_set_new(*out, "pages", json_integer((json_int_t)pages));
  json_object_set_new(*out, "truncated", json_boolean(truncated));
  if (truncated && next && *next && !opts->use_page_number)
    json_object_set_new(*out, "next_page_token", json_string(next));
  result = 0;
cleanup:
  json_decref(page);
  json_decref(items);
  json_decref(q);
  return result;
}

/* ---- entry points: a NULL ERR is allowed ---- */

int zoom_request(zoom_client *c, const char *method, const char *path, json_t *query, json_t *body,
                 const zoom_cancel *cancel, json_t **out, zoom_error *err) {
  zoom_error scratch = {0};
  int rc = request_run(c, method, path, query, body, cancel, out, err ? err : &scratch);
  zoom_error_clear(&scratch);
  return rc;
}

int zoom_paginate(zoom_client *c, const char *path, json_t *query, const zoom_page_opts *opts,
                  const zoom_cancel *cancel, json_t **out, zoom_error *err) {
  zoom_error scratch = {0};
  int rc = paginate_run(c, path, query, opts, cancel, out, err ? err : &scratch);
  zoom_error_clear(&scratch);
  return rc;
}

/* ---- token and stats ---- */

/* A new copy of a valid token in *TOKEN (free with zoom_secret_free). */
static int token_copy(zoom_client *c, const zoom_cancel *cancel, bool force, char **token,
                      zoom_error *err) {
  zoom_error scratch = {0};
  generation *g = generation_acquire(c);
  *token = NULL;
  int rc = zoom_auth_token(g->auth, cancel, force, token, NULL, 0, err ? err : &scratch);
  zoom_error_clear(&scratch);
  generation_release(c, g);
  return rc;
}

static int token_get(zoom_client *c, const zoom_cancel *cancel, bool force, zoom_error *err) {
  char *token = NULL;
  int rc = token_copy(c, cancel, force, &token, err);
  zoom_secret_free(token);
  return rc;
}

int zoom_client_bearer(zoom_client *c, const zoom_cancel *cancel, bool force, char **line,
                       zoom_error *err) {
  char *token = NULL;
  *line = NULL;
  int rc = token_copy(c, cancel, force, &token, err);
  if (rc == 0 && !(*line = bearer_line(token)))
    rc = zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
  zoom_secret_free(token);
  return rc;
}

int zoom_client_ensure_token(zoom_client *c, const zoom_cancel *cancel, zoom_error *err) {
  return token_get(c, cancel, false, err);
}

int zoom_client_refresh_token(zoom_client *c, const zoom_cancel *cancel, zoom_error *err) {
  return token_get(c, cancel, true, err);
}

void zoom_client_token_status(zoom_client *c, zoom_token_status *out) {
  generation *g = generation_acquire(c);
  zoom_auth_status(g->auth, out);
  if (g->cfg->api_base_url)
    snprintf(out->api_base, sizeof out->api_base, "%s", g->cfg->api_base_url);
  else if (!out->api_base[0])
    snprintf(out->api_base, sizeof out->api_base, "%s", ZOOM_DEFAULT_API_BASE_URL);
  pthread_mutex_lock(&c->lock);
  out->rate = c->rate;
  pthread_mutex_unlock(&c->lock);
  generation_release(c, g);
}

void zoom_client_get_stats(zoom_client *c, zoom_client_stats *out) {
  memset(out, 0, sizeof *out);
  out->requests = __atomic_load_n(&c->requests, __ATOMIC_RELAXED);
  zoom_http_counters(c->http, &out->transfers, &out->connections);
  generation *g = generation_acquire(c);
  out->paced_waits = zoom_pacer_waits(g->pacer);
  generation_release(c, g);
}
