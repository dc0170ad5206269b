/* sim_core.c - the simulator's HTTP server: libmicrohttpd, router, faults, rate limits, log. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/pct.h"
#include "base/num.h"
#include "sim/sim_internal.h"

#define COMPONENT "zoomsim"

/* What the fault dice decided for one request. */
typedef struct sim_fault_plan {
  int latency_ms;
  bool drop, truncate, fail_5xx, burst_429;
} sim_fault_plan;

/* Per-request state kept by libmicrohttpd between upcalls. */
typedef struct sim_conn_ctx {
  char *uri;    /* raw request target */
  bytebuf body; /* accumulated body, capped at SIM_BODY_MAX */
  bool too_big; /* body beyond SIM_BODY_MAX (and dropped) */
  bool started;
  bool planned;         /* the fault dice were rolled (once per request) */
  sim_fault_plan plan;  /* what they decided */
  sim_delay_item delay; /* parked here while the latency runs */
} sim_conn_ctx;

/* Zoom's per-account limits (Pro plan figures); Heavy and Resource-intensive
 * share one daily budget. */
typedef struct sim_rate_rule {
  int per_window;
  int window_s;
  int daily; /* 0 = none */
} sim_rate_rule;

static const sim_rate_rule rate_rules[SIM_CAT_COUNT] = {
    [SIM_CAT_NONE] = {0, 1, 0},           [SIM_CAT_LIGHT] = {30, 1, 0},
    [SIM_CAT_MEDIUM] = {20, 1, 0},        [SIM_CAT_HEAVY] = {10, 1, 30000},
    [SIM_CAT_RESOURCE] = {10, 60, 30000},
};

static const char *const category_names[SIM_CAT_COUNT] = {
    [SIM_CAT_NONE] = "None",
    [SIM_CAT_LIGHT] = "Light",
    [SIM_CAT_MEDIUM] = "Medium",
    [SIM_CAT_HEAVY] = "Heavy",
    [SIM_CAT_RESOURCE] = "Resource-intensive",
};

const char *sim_category_name(sim_category c) {
  return (c >= 0 && c < SIM_CAT_COUNT) ? category_names[c] : "None";
}

/* ---- options ---------------------------------------------------------------- */

void sim_options_init(sim_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->listen_host = "127.0.0.1";
  opt->account_id = "sandbox";
  opt->client_id = "sandbox";
  opt->client_secret = "sandbox";
  opt->token_lifetime_s = 3600;
  opt->seed = 1;
  opt->scale = 20;
  opt->seed_webinars = 6;
  opt->request_log_max = 10000;
  opt->request_log_bytes = 8u * 1024u * 1024u;
}

/* Parses a decimal number in [MIN, MAX] into a long. Returns 0 or -1. */
static int parse_long(const char *text, long min, long max, long *out) {
  long long v;
  if (num_parse_ll(text, min, max, &v) != 0)
    return -1;
  *out = (long)v;
  return 0;
}

static int parse_rate(const char *text, double *out) {
  return num_parse_double(text, 0.0, 1.0, out);
}

int sim_faults_parse_latency(sim_faults *f, const char *spec) {
  char buf[64];
  if (!spec || strlen(spec) >= sizeof buf)
    return -1;
  strcpy(buf, spec);
  char *dash = strchr(buf, '-');
  long lo, hi;
  if (dash) {
    *dash = '\0';
    if (parse_long(buf, 0, 600000, &lo) || parse_long(dash + 1, 0, 600000, &hi) || hi < lo)
      return -1;
  } else {
    if (parse_long(buf, 0, 600000, &lo))
      return -1;
    hi = lo;
  }
  f->latency_min_ms = (int)lo;
  f->latency_max_ms = (int)hi;
  return 0;
}

/* Reads environment variable NAME, remembering the name for the error message. */
static const char *env_get(const char *name, const char **last) {
  *last = name;
  return getenv(name);
}

int sim_options_from_env(sim_options *opt) {
  const char *v, *name = NULL;
  long n;
  if ((v = env_get("ZOOMSIM_LATENCY_MS", &name)) && sim_faults_parse_latency(&opt->faults, v))
    goto bad_latency;
  if ((v = env_get("ZOOMSIM_5XX_RATE", &name)) && parse_rate(v, &opt->faults.rate_5xx))
    goto bad;
  if ((v = env_get("ZOOMSIM_5XX_STATUS", &name))) {
    if (parse_long(v, 500, 599, &n))
      goto bad;
    opt->faults.status_5xx = (int)n;
  }
  if ((v = env_get("ZOOMSIM_429_EVERY", &name))) {
    if (parse_long(v, 0, 1000000, &n))
      goto bad;
    opt->faults.burst_429_every = (int)n;
  }
  if ((v = env_get("ZOOMSIM_429_LENGTH", &name))) {
    if (parse_long(v, 1, 1000000, &n))
      goto bad;
    opt->faults.burst_429_length = (int)n;
  }
  if ((v = env_get("ZOOMSIM_DROP_RATE", &name)) && parse_rate(v, &opt->faults.rate_drop))
    goto bad;
  if ((v = env_get("ZOOMSIM_TRUNCATE_RATE", &name)) && parse_rate(v, &opt->faults.rate_truncate))
    goto bad;
  if ((v = env_get("ZOOMSIM_SEED", &name))) {
    unsigned long long seed;
    if (num_parse_ull(v, UINT64_MAX, &seed) != 0)
      goto bad;
    opt->seed = seed;
  }
  if ((v = env_get("ZOOMSIM_RATE_LIMITS", &name))) {
    if (parse_long(v, 0, 1, &n))
      goto bad;
    opt->rate_limits = n == 1;
  }
  return 0;
bad_latency:
bad:
  log_error(COMPONENT, "bad value in the environment: %s=%.64s", name, v);
  return -1;
}

/* ---- request log -------------------------------------------------------------- */

static void log_entry_clear(sim_log_entry *e) {
  free(e->method);
  free(e->path);
  free(e->query);
  free(e->body);
  memset(e, 0, sizeof *e);
}

/* Copies BODY[0..LEN) for the log: at most SIM_LOG_BODY_MAX bytes, made valid
 * UTF-8 (the log is served as JSON), any client_secret=... value blanked (a
 * client that wrongly sends it in the form must not see it echoed). New
 * string, or NULL. */
static char *log_body_copy(const char *body, size_t len) {
  if (!body)
    return NULL;
  char *copy = sim_utf8_dup(body, len, SIM_LOG_BODY_MAX); /* bounded: the log holds many entries */
  if (!copy)
    return NULL;
  char *p = copy;
  while ((p = strstr(p, "client_secret="))) {
    p += strlen("client_secret=");
    while (*p && *p != '&')
      *p++ = '*';
  }
  return copy;
}

/* Copies request-line TEXT for the log, bounded and made valid UTF-8. */
static char *log_text_copy(const char *text) {
  return sim_utf8_dup(text, strnlen(text, SIM_URI_MAX), SIM_URI_MAX);
}

/* Bytes an entry holds: the strings and the slot. */
static size_t log_entry_bytes(const sim_log_entry *e) {
  size_t n = sizeof *e;
  const char *parts[] = {e->method, e->path, e->query, e->body};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
    n += parts[i] ? strlen(parts[i]) + 1 : 0;
  return n;
}

/* Drops the oldest entry, counting it as dropped. Lock held; log not empty. */
static void log_drop_oldest(sim *s) {
  sim_log_entry *e = &s->log[s->log_start];
  s->log_bytes -= e->bytes;
  log_entry_clear(e);
  s->log_start = (s->log_start + 1) % s->opt.request_log_max;
  s->log_len--;
  s->log_dropped++;
}

/* Appends one entry, dropping the oldest ones while the log holds
 * opt.request_log_max entries or the new one would take it past
 * opt.request_log_bytes. BODY is kept only when KEEP_BODY. Lock held. */
static void log_append(sim *s, const char *method, const char *path, const char *query,
                       const char *body, size_t body_len, bool keep_body, int status) {
  size_t max = s->opt.request_log_max;
  if (max == 0)
    return;
  sim_log_entry e = {0};
  e.method = log_text_copy(method);
  e.path = log_text_copy(path);
  e.query = log_text_copy(query);
  e.body = keep_body ? log_body_copy(body, body_len) : NULL;
  e.status = status;
  e.bytes = log_entry_bytes(&e);
  if (e.bytes > s->opt.request_log_bytes) { /* alone too big: keep the request line */
    free(e.body);
    e.body = NULL;
    e.bytes = log_entry_bytes(&e);
  }
  if (e.bytes > s->opt.request_log_bytes) {
    log_entry_clear(&e);
    s->log_dropped++;
    return;
  }
  while (s->log_len > 0 && (s->log_len >= max || s->log_bytes + e.bytes > s->opt.request_log_bytes))
    log_drop_oldest(s);
  s->log[(s->log_start + s->log_len) % max] = e;
  s->log_len++;
  s->log_bytes += e.bytes;
}

/* The log's entries, oldest first (new reference or NULL). Lock held. */
static json_t *log_to_json_locked(sim *s) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < s->log_len; i++) {
    const sim_log_entry *e = &s->log[(s->log_start + i) % s->opt.request_log_max];
    if (json_array_append_new(arr, json_pack("{s:s?,s:s?,s:s?,s:s?,s:i}", "method", e->method,
                                             "path", e->path, "query", e->query, "body", e->body,
                                             "status", e->status)) != 0) {
      json_decref(arr);
      arr = NULL;
    }
  }
  return arr;
}

json_t *sim_requests(sim *s) {
  pthread_mutex_lock(&s->lock);
  json_t *arr = log_to_json_locked(s);
  pthread_mutex_unlock(&s->lock);
  return arr;
}

size_t sim_request_count(sim *s) {
  pthread_mutex_lock(&s->lock);
  size_t n = s->log_len;
  pthread_mutex_unlock(&s->lock);
  return n;
}

void sim_request_log_usage(sim *s, size_t *bytes, uint64_t *dropped) {
  pthread_mutex_lock(&s->lock);
  *bytes = s->log_bytes;
  *dropped = s->log_dropped;
  pthread_mutex_unlock(&s->lock);
}

void sim_requests_clear(sim *s) {
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->log_len; i++)
    log_entry_clear(&s->log[(s->log_start + i) % s->opt.request_log_max]);
  s->log_start = 0;
  s->log_len = 0;
  s->log_bytes = 0;
  s->log_dropped = 0;
  pthread_mutex_unlock(&s->lock);
}

/* ---- run-time controls ------------------------------------------------------------ */

void sim_set_faults(sim *s, const sim_faults *f) {
  pthread_mutex_lock(&s->lock);
  s->faults = *f;
  s->burst_left = 0;
  pthread_mutex_unlock(&s->lock);
}

void sim_set_rate_limits(sim *s, bool on) {
  pthread_mutex_lock(&s->lock);
  s->rate_limits = on;
  memset(s->rates, 0, sizeof s->rates);
  pthread_mutex_unlock(&s->lock);
}

void sim_expire_tokens(sim *s) {
  pthread_mutex_lock(&s->lock);
  int64_t now = sim_now(s);
  for (size_t i = 0; i < s->ntokens; i++)
    if (s->tokens[i].expires > now)
      s->tokens[i].expires = now;
  pthread_mutex_unlock(&s->lock);
}

/* Adds SECONDS to the clock offset when the sum stays within
 * [0, SIM_CLOCK_OFFSET_MAX]. Returns 0, or -1 leaving the clock as it was. */
static int clock_advance(sim *s, int64_t seconds) {
  if (seconds < 0 || seconds > SIM_CLOCK_OFFSET_MAX)
    return -1;
  int64_t cur = __atomic_load_n(&s->clock_offset, __ATOMIC_SEQ_CST);
  do {
    if (cur > SIM_CLOCK_OFFSET_MAX - seconds)
      return -1;
  } while (!__atomic_compare_exchange_n(&s->clock_offset, &cur, cur + seconds, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  return 0;
}

int sim_advance_clock(sim *s, int64_t seconds) {
  return clock_advance(s, seconds);
}

int sim_save(sim *s) {
  pthread_mutex_lock(&s->lock);
  int rc = sim_state_save_locked(s);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

const char *sim_base_url(const sim *s) {
  return s->base_url;
}

uint16_t sim_port(const sim *s) {
  return s->port;
}

/* ---- admin endpoints (/_sim) ------------------------------------------------------- */

/* GET /_sim/requests: the log, and how much of it was dropped to stay in bounds. */
static void admin_requests_get(sim *s, sim_req *rq, sim_resp *rs) {
  (void)rq;
  json_t *arr = log_to_json_locked(s);
  sim_reply_json(rs, 200,
                 arr ? json_pack("{s:o,s:I,s:I,s:I,s:I}", "requests", arr, "dropped",
                                 (json_int_t)s->log_dropped, "bytes", (json_int_t)s->log_bytes,
                                 "max_bytes", (json_int_t)s->opt.request_log_bytes, "max_entries",
                                 (json_int_t)s->opt.request_log_max)
                     : NULL);
}

static void admin_requests_delete(sim *s, sim_req *rq, sim_resp *rs) {
  (void)rq;
  pthread_mutex_unlock(&s->lock);
  sim_requests_clear(s);
  pthread_mutex_lock(&s->lock);
  sim_reply_empty(rs, 204);
}

static void admin_expire_tokens(sim *s, sim_req *rq, sim_resp *rs) {
  (void)rq;
  int64_t now = sim_now(s);
  for (size_t i = 0; i < s->ntokens; i++)
    if (s->tokens[i].expires > now)
      s->tokens[i].expires = now;
  sim_reply_empty(rs, 204);
}

/* Reads the number KEY of OBJ, when present, into *OUT: it must lie in
 * [MIN, MAX] and, when INTEGRAL, be a JSON integer. Returns 0, or -1 after
 * answering 400 with a message naming the field and its range. */
static int admin_number(json_t *obj, const char *key, double min, double max, bool integral,
                        double *out, sim_resp *rs) {
  json_t *v = json_object_get(obj, key);
  if (!v)
    return 0;
  double d = json_number_value(v);
  /* The comparisons are false for NaN, which jansson never parses anyway. */
  if ((integral ? !json_is_integer(v) : !json_is_number(v)) || !(d >= min && d <= max)) {
    sim_reply_error(rs, 400, 300, "Bad fault settings: %s must be %s from %g to %g.", key,
                    integral ? "an integer" : "a number", min, max);
    return -1;
  }
  *out = d;
  return 0;
}

/* POST /_sim/faults {"latency_ms":"10-20","rate_5xx":0.1,...}: replaces the
 * faults. Every value is range-checked before it is converted, so the casts
 * below cannot overflow. */
static void admin_faults(sim *s, sim_req *rq, sim_resp *rs) {
  sim_faults f = {0};
  double every = 0, length = 1, status = 0;
  if (!json_is_object(rq->body)) {
    sim_reply_error(rs, 400, 300, "Bad fault settings: the body must be a JSON object.");
    return;
  }
  json_t *lat = json_object_get(rq->body, "latency_ms");
  if (lat && (!json_is_string(lat) || sim_faults_parse_latency(&f, json_string_value(lat)))) {
    sim_reply_error(rs, 400, 300,
                    "Bad fault settings: latency_ms must be \"N\" or \"MIN-MAX\", "
                    "milliseconds from 0 to 600000.");
    return;
  }
  if (admin_number(rq->body, "rate_5xx", 0, 1, false, &f.rate_5xx, rs) ||
      admin_number(rq->body, "status_5xx", 0, 599, true, &status, rs) ||
      admin_number(rq->body, "burst_429_every", 0, SIM_FAULT_COUNT_MAX, true, &every, rs) ||
      admin_number(rq->body, "burst_429_length", 1, SIM_FAULT_COUNT_MAX, true, &length, rs) ||
      admin_number(rq->body, "rate_drop", 0, 1, false, &f.rate_drop, rs) ||
      admin_number(rq->body, "rate_truncate", 0, 1, false, &f.rate_truncate, rs))
    return;
  if (status != 0 && status < 500) {
    sim_reply_error(rs, 400, 300, "Bad fault settings: status_5xx must be 0 or from 500 to 599.");
    return;
  }
  f.status_5xx = (int)status;
  f.burst_429_every = (int)every;
  f.burst_429_length = (int)length;
  s->faults = f;
  s->burst_left = 0;
  sim_reply_empty(rs, 204);
}

/* POST /_sim/clock {"advance": seconds}: at most SIM_CLOCK_OFFSET_MAX in all. */
static void admin_clock(sim *s, sim_req *rq, sim_resp *rs) {
  json_t *adv = json_object_get(rq->body, "advance");
  if (!json_is_integer(adv) || clock_advance(s, (int64_t)json_integer_value(adv)) != 0) {
    sim_reply_error(rs, 400, 300,
                    "advance must be an integer of seconds from 0 to %lld, and the clock can "
                    "move at most %lld seconds in all (now %lld).",
                    (long long)SIM_CLOCK_OFFSET_MAX, (long long)SIM_CLOCK_OFFSET_MAX,
                    (long long)__atomic_load_n(&s->clock_offset, __ATOMIC_SEQ_CST));
    return;
  }
  sim_reply_json(rs, 200, json_pack("{s:I}", "now", (json_int_t)sim_now(s)));
}

static const sim_route admin_routes[] = {
    {"GET", "/_sim/requests", SIM_CAT_NONE, admin_requests_get, SIM_ROUTE_ADMIN},
    {"DELETE", "/_sim/requests", SIM_CAT_NONE, admin_requests_delete, SIM_ROUTE_ADMIN},
    {"POST", "/_sim/expire_tokens", SIM_CAT_NONE, admin_expire_tokens, SIM_ROUTE_ADMIN},
    {"POST", "/_sim/faults", SIM_CAT_NONE, admin_faults, SIM_ROUTE_ADMIN},
    {"POST", "/_sim/clock", SIM_CAT_NONE, admin_clock, SIM_ROUTE_ADMIN},
};

const sim_module sim_module_admin = {
    "admin", admin_routes, sizeof admin_routes / sizeof admin_routes[0], NULL, NULL, NULL, NULL,
};

/* ---- routing -------------------------------------------------------------------- */

/* Matches PATH (raw) against PATTERN; on success fills rq->params (decoded
 * once). Returns 1 on a match, 0 otherwise, -1 on a bad escape. */
static int route_match(const char *pattern, const char *path, sim_req *rq) {
  size_t n = 0;
  const char *p = pattern, *q = path;
  while (*p && *q) {
    if (*p == '{') {
      const char *close = strchr(p, '}');
      const char *seg_end = strchr(q, '/');
      size_t seg_len = seg_end ? (size_t)(seg_end - q) : strlen(q);
      if (!close || seg_len == 0 || n >= SIM_PARAMS_MAX)
        goto nomatch;
      char *val = pct_decode(q, seg_len, false);
      if (!val)
        goto bad;
      rq->params[n] = val;
      rq->param_names[n] = p; /* "{name}..." compared by sim_req_param */
      n++;
      p = close + 1;
      q += seg_len;
      continue;
    }
    if (*p != *q)
      goto nomatch;
    p++;
    q++;
  }
  if (*p || *q)
    goto nomatch;
  rq->nparams = n;
  return 1;
nomatch:
  for (size_t i = 0; i < n; i++) {
    free(rq->params[i]);
    rq->params[i] = NULL;
  }
  return 0;
bad:
  for (size_t i = 0; i < n; i++) {
    free(rq->params[i]);
    rq->params[i] = NULL;
  }
  return -1;
}

/* Finds the route for METHOD + PATH. *path_known tells whether some route
 * matched the path with another method (405). */
static const sim_route *route_find(const char *method, const char *path, sim_req *rq,
                                   bool *path_known) {
  *path_known = false;
  for (size_t m = 0; m < sim_module_count; m++) {
    const sim_module *mod = sim_modules[m];
    for (size_t i = 0; i < mod->nroutes; i++) {
      const sim_route *r = &mod->routes[i];
      sim_req probe = {0};
      int hit = route_match(r->pattern, path, &probe);
      if (hit <= 0)
        continue;
      if (strcmp(r->method, method) != 0) {
        *path_known = true;
        for (size_t k = 0; k < probe.nparams; k++)
          free(probe.params[k]);
        continue;
      }
      for (size_t k = 0; k < probe.nparams; k++) {
        rq->params[k] = probe.params[k];
        rq->param_names[k] = probe.param_names[k];
      }
      rq->nparams = probe.nparams;
      return r;
    }
  }
  return NULL;
}

/* ---- faults and rate limits --------------------------------------------------------- */

/* Rolls the dice for one request. Lock held. Always draws the same number
 * of values so that turning one fault on does not shift the others. */
static sim_fault_plan faults_roll(sim *s) {
  sim_fault_plan plan = {0};
  const sim_faults *f = &s->faults;
  double u_drop = sim_prng_unit(&s->fault_rng);
  double u_trunc = sim_prng_unit(&s->fault_rng);
  double u_5xx = sim_prng_unit(&s->fault_rng);
  uint64_t u_lat = sim_prng_next(&s->fault_rng);
  s->request_seq++;
  plan.latency_ms = f->latency_min_ms;
  if (f->latency_max_ms > f->latency_min_ms)
    plan.latency_ms += (int)(u_lat % (uint64_t)(f->latency_max_ms - f->latency_min_ms + 1));
  if (f->burst_429_every > 0 && s->request_seq % (uint64_t)f->burst_429_every == 0)
    s->burst_left = f->burst_429_length > 0 ? f->burst_429_length : 1;
  if (s->burst_left > 0) {
    s->burst_left--;
    plan.burst_429 = true;
  }
  plan.drop = u_drop < f->rate_drop;
  plan.truncate = u_trunc < f->rate_truncate;
  plan.fail_5xx = u_5xx < f->rate_5xx;
  return plan;
}

static void reply_qps_429(sim_resp *rs, sim_category cat) {
  sim_reply_error(rs, 429, 429,
                  "You have reached the maximum per-second rate limit for this API. Try again "
                  "later.");
  sim_reply_header(rs, "X-RateLimit-Category", sim_category_name(cat));
  sim_reply_header(rs, "X-RateLimit-Type", "QPS");
  sim_reply_header(rs, "Retry-After", "1");
}

/* Applies Zoom's limits for CAT. Returns 0 when the request may proceed, or -1
 * after replying 429. Lock held. */
static int rate_check(sim *s, sim_category cat, int64_t now, sim_resp *rs) {
  if (!s->rate_limits || cat == SIM_CAT_NONE)
    return 0;
  const sim_rate_rule *rule = &rate_rules[cat];
  sim_rate *r = &s->rates[cat];
  int daily_max = rule->daily && s->opt.daily_limit > 0 ? s->opt.daily_limit : rule->daily;
  int64_t window = now - now % rule->window_s;
  if (r->second != window) {
    r->second = window;
    r->count = 0;
  }
  if (daily_max) {
    sim_rate *d = &s->rates[SIM_CAT_HEAVY]; /* shared daily budget */
    int64_t day = now / 86400;
    if (d->day != day) {
      d->day = day;
      d->daily = 0;
    }
    if (d->daily >= daily_max) {
      char limit[16], reset[21];
      snprintf(limit, sizeof limit, "%d", daily_max);
      sim_time_format((day + 1) * 86400, reset);
      sim_reply_error(rs, 429, 429,
                      "You have exceeded the daily rate limit (%d) of %s API requests permitted "
                      "for this particular account. Try again later.",
                      daily_max, sim_category_name(cat));
      sim_reply_header(rs, "X-RateLimit-Category", sim_category_name(cat));
      sim_reply_header(rs, "X-RateLimit-Type", "Daily-limit");
      sim_reply_header(rs, "X-RateLimit-Limit", limit);
      sim_reply_header(rs, "X-RateLimit-Remaining", "0");
      sim_reply_header(rs, "Retry-After", reset);
      return -1;
    }
  }
  if (r->count >= rule->per_window) {
    reply_qps_429(rs, cat);
    if (rule->window_s > 1) {
      char after[16];
      snprintf(after, sizeof after, "%d", (int)(window + rule->window_s - now));
      /* replace the generic 1 s hint */
      free(rs->hvalues[rs->nheaders - 1]);
      rs->hvalues[rs->nheaders - 1] = strdup(after);
    }
    return -1;
  }
  r->count++;
  if (daily_max) {
    sim_rate *d = &s->rates[SIM_CAT_HEAVY];
    d->daily++;
    char limit[16], remaining[16];
    snprintf(limit, sizeof limit, "%d", daily_max);
    snprintf(remaining, sizeof remaining, "%d", daily_max - d->daily);
    sim_reply_header(rs, "X-RateLimit-Limit", limit);
    sim_reply_header(rs, "X-RateLimit-Remaining", remaining);
  }
  sim_reply_header(rs, "X-RateLimit-Category", sim_category_name(cat));
  return 0;
}

const char *sim_req_header(const sim_req *rq, const char *name) {
  return rq->conn ? MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name) : NULL;
}

/* ---- request handling ----------------------------------------------------------------- */

/* A body served in part: the reader gives HALF of the bytes then reports an
 * error, so the connection closes before Content-Length is reached. */
typedef struct trunc_body {
  char *text;
  size_t len, cut;
} trunc_body;

static ssize_t trunc_read(void *cls, uint64_t pos, char *buf, size_t max) {
  trunc_body *t = cls;
  if (pos >= t->cut)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  size_t n = t->cut - (size_t)pos;
  if (n > max)
    n = max;
  memcpy(buf, t->text + pos, n);
  return (ssize_t)n;
}

static void trunc_free(void *cls) {
  trunc_body *t = cls;
  if (t) {
    free(t->text);
    free(t);
  }
}

/* Sends RS on CONN (TRUNCATE: cut the body short). Returns an MHD result. */
static enum MHD_Result send_reply(struct MHD_Connection *conn, sim_resp *rs, bool truncate) {
  char *text = NULL;
  size_t len = 0;
  if (json_is_string(rs->body)) { /* a file (text), sent as it is */
    len = json_string_length(rs->body);
    if (!(text = malloc(len + 1)))
      return MHD_NO;
    memcpy(text, json_string_value(rs->body), len + 1);
  } else if (rs->body) {
    text = json_dumps(rs->body, JSON_COMPACT);
    if (!text)
      return MHD_NO;
    len = strlen(text);
  }
  struct MHD_Response *resp = NULL;
  if (truncate && len > 1) {
    trunc_body *t = malloc(sizeof *t);
    if (!t) {
      free(text);
      return MHD_NO;
    }
    t->text = text;
    t->len = len;
    t->cut = len / 2;
    resp = MHD_create_response_from_callback(len, 4096, trunc_read, t, trunc_free);
    if (!resp) {
      trunc_free(t);
      return MHD_NO;
    }
  } else {
    resp = MHD_create_response_from_buffer(len, text ? text : (char *)"",
                                           text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
      free(text);
      return MHD_NO;
    }
  }
  if (rs->body)
    MHD_add_response_header(resp, "Content-Type",
                            rs->content_type ? rs->content_type : "application/json;charset=UTF-8");
  for (size_t i = 0; i < rs->nheaders; i++)
    MHD_add_response_header(resp, rs->hnames[i], rs->hvalues[i]);
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void req_free_parts(sim_req *rq) {
  for (size_t i = 0; i < rq->nparams; i++)
    free(rq->params[i]);
  for (size_t i = 0; i < rq->nquery; i++) {
    free(rq->qkeys[i]);
    free(rq->qvals[i]);
  }
}

static bool is_faultable(const char *path) {
  return strncmp(path, "/v2/", 4) == 0 || strcmp(path, "/oauth/token") == 0;
}

/* Whether the request log may keep the body of a request to ROUTE (NULL:
 * none matched) answered STATUS (0: dropped unanswered): only when it carried
 * credentials the sandbox accepts, a valid bearer token or, for the OAuth
 * token request, client credentials it issued a token for. Clients that
 * fail authentication cannot fill memory with bodies. Lock held. */
static bool log_keeps_body(sim *s, const sim_route *route, struct MHD_Connection *conn,
                           int status) {
  if (route && (route->flags & SIM_ROUTE_NO_AUTH))
    return status == 200;
  return sim_oauth_check(s, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                        MHD_HTTP_HEADER_AUTHORIZATION)) == 0;
}

/* Handles one complete request. Returns MHD_YES when a reply was queued. */
static enum MHD_Result handle(sim *s, struct MHD_Connection *conn, const char *method,
                              sim_conn_ctx *ctx) {
  sim_req rq = {0};
  sim_resp rs = {0};
  json_t *body = NULL;
  enum MHD_Result ret = MHD_NO;
  char *path = NULL;
  const char *uri = ctx->uri ? ctx->uri : "/";
  const char *qmark = strchr(uri, '?');
  path = qmark ? strndup(uri, (size_t)(qmark - uri)) : strdup(uri);
  if (!path)
    return MHD_NO;
  rq.method = method;
  rq.path = path;
  rq.query = qmark ? qmark + 1 : "";
  rq.body_text = ctx->body.data;
  rq.body_len = ctx->body.len;
  rq.conn = conn;
  rq.nquery = sim_parse_pairs(rq.query, rq.qkeys, rq.qvals, SIM_QUERY_MAX);

  if (is_faultable(path) && !ctx->planned) {
    pthread_mutex_lock(&s->lock);
    ctx->plan = faults_roll(s);
    pthread_mutex_unlock(&s->lock);
    ctx->planned = true;
    if (sim_delay_park(&s->delay, &ctx->delay, conn, ctx->plan.latency_ms)) {
      ret = MHD_YES; /* called again once the latency has run */
      goto done;
    }
  }
  const sim_fault_plan plan = ctx->plan; /* all off for /_sim */

  pthread_mutex_lock(&s->lock);
  rq.now = sim_now(s);
  bool path_known = false;
  int auth = 0;
  const sim_route *route = route_find(method, path, &rq, &path_known);
  bool admin = route ? (route->flags & SIM_ROUTE_ADMIN) != 0 : strncmp(path, "/_sim/", 6) == 0;

  if (plan.drop) {
    log_append(s, method, path, rq.query, ctx->body.data, ctx->body.len,
               ctx->body.data && log_keeps_body(s, route, conn, 0), 0);
    pthread_mutex_unlock(&s->lock);
    goto done; /* MHD_NO closes the connection without a reply */
  }
  if (strlen(uri) > SIM_URI_MAX) {
    sim_reply_error(&rs, 414, 414, "Request-URI Too Long.");
  } else if (ctx->too_big) {
    sim_reply_error(&rs, 413, 413, "Request body too large.");
  } else if (plan.fail_5xx) {
    int st =
        s->faults.status_5xx >= 500 && s->faults.status_5xx <= 599 ? s->faults.status_5xx : 503;
    sim_reply_error(&rs, st, st, "Service is temporarily unavailable. Try again later.");
  } else if (plan.burst_429) {
    reply_qps_429(&rs, route ? route->category : SIM_CAT_LIGHT);
  } else if (!route) {
    if (path_known)
      sim_reply_error(&rs, 405, 405, "Method Not Allowed.");
    else
      sim_reply_error(&rs, 404, 404, "Not Found.");
  } else if (!(route->flags & (SIM_ROUTE_NO_AUTH | SIM_ROUTE_ADMIN)) &&
             (auth = sim_oauth_check(
                  s, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_AUTHORIZATION))) != 0) {
    sim_reply_error(&rs, 401, 124,
                    auth == -2 ? "Access token is expired." : "Invalid access token.");
  } else if (rate_check(s, route->category, rq.now, &rs) == 0) {
    bool ok = true;
    if (!(route->flags & SIM_ROUTE_FORM) && ctx->body.len > 0) {
      json_error_t jerr;
      body = json_loadb(ctx->body.data, ctx->body.len, JSON_REJECT_DUPLICATES, &jerr);
      if (!body) {
        sim_reply_error(&rs, 400, 300, "Request Body should be a valid JSON object.");
        ok = false;
      }
    }
    if (ok) {
      rq.body = body;
      route->handler(s, &rq, &rs);
      if (rs.status == 0)
        sim_reply_error(&rs, 500, 500, "Internal error: no reply.");
      if (s->state_file && strcmp(method, "GET") != 0 && rs.status < 300 && !admin)
        sim_state_save_locked(s);
    }
  }
  if (!admin)
    log_append(s, method, path, rq.query, ctx->body.data, ctx->body.len,
               ctx->body.data && log_keeps_body(s, route, conn, rs.status), rs.status);
  pthread_mutex_unlock(&s->lock);

  ret = send_reply(conn, &rs, plan.truncate && !admin);
done:
  json_decref(body);
  sim_resp_clear(&rs);
  req_free_parts(&rq);
  free(path);
  return ret;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **req_cls) {
  (void)url;
  (void)version;
  sim *s = cls;
  sim_conn_ctx *ctx = *req_cls;
  if (!ctx)
    return MHD_NO;
  if (!ctx->started) {
    ctx->started = true;
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    size_t n = *upload_data_size;
    if (!ctx->too_big) {
      buf_status st = buf_append(&ctx->body, upload_data, n);
      if (st == BUF_NOMEM)
        return MHD_NO;
      if (st == BUF_FULL) {
        ctx->too_big = true;
        buf_free(&ctx->body);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  sim_delay_done(&s->delay, &ctx->delay); /* back from a latency, when parked */
  return handle(s, conn, method, ctx);
}

/* Keeps the raw request target (before any decoding) as the request context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn) {
  (void)cls;
  (void)conn;
  sim_conn_ctx *ctx = calloc(1, sizeof *ctx);
  if (ctx) {
    ctx->uri = strdup(uri ? uri : "/");
    buf_init(&ctx->body, SIM_BODY_MAX);
  }
  return ctx;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
  sim *s = cls;
  (void)conn;
  (void)toe;
  sim_conn_ctx *ctx = *req_cls;
  if (ctx) {
    sim_delay_done(&s->delay, &ctx->delay); /* never resume a request that ended */
    free(ctx->uri);
    buf_free(&ctx->body);
    free(ctx);
  }
  *req_cls = NULL;
}

/* Keeps arguments as sent: the router decodes path segments and queries itself,
 * so a double-encoded UUID arrives decoded exactly once. */
static size_t no_unescape(void *cls, struct MHD_Connection *conn, char *s) {
  (void)cls;
  (void)conn;
  return strlen(s);
}

/* libmicrohttpd's own messages go to the process log at debug level: the
 * injected faults make it report "errors" that are intended. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
    msg[--n] = '\0';
  log_debug(COMPONENT, "libmicrohttpd: %s", msg);
}

/* ---- lifetime ------------------------------------------------------------------------ */

static char *dup_or_null(const char *s) {
  return s ? strdup(s) : NULL;
}

static void sim_free(sim *s) {
  if (!s)
    return;
  sim_delay_free(&s->delay);
  sim_account_free(s);
  if (s->log) {
    for (size_t i = 0; i < s->opt.request_log_max; i++)
      log_entry_clear(&s->log[i]);
    free(s->log);
  }
  free(s->listen_host);
  free(s->account_id);
  free(s->client_id);
  if (s->client_secret) {
    memset(s->client_secret, 0, strlen(s->client_secret));
    free(s->client_secret);
  }
  free(s->state_file);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

/* Open connections allowed: SIM_CONNECTIONS_MAX, or fewer so that they fit
 * under the process's descriptor limit with room for everything else. */
static unsigned int connection_limit(void) {
  struct rlimit rl;
  rlim_t max = SIM_CONNECTIONS_MAX;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    rlim_t room = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : rl.rlim_cur / 2;
    if (room < max)
      max = room;
  }
  return max > 0 ? (unsigned int)max : 1;
}

int sim_start(sim **out, const sim_options *opt) {
  int result = -1;
  sim_options defaults;
  if (!out)
    return -1;
  *out = NULL;
  if (!opt) {
    sim_options_init(&defaults);
    opt = &defaults;
  }
  sim *s = calloc(1, sizeof *s);
  if (!s)
    return -1;
  pthread_mutex_init(&s->lock, NULL);
  s->opt = *opt;
  s->listen_host = strdup(opt->listen_host ? opt->listen_host : "127.0.0.1");
  s->account_id = strdup(opt->account_id ? opt->account_id : "sandbox");
  s->client_id = strdup(opt->client_id ? opt->client_id : "sandbox");
  s->client_secret = strdup(opt->client_secret ? opt->client_secret : "sandbox");
  s->state_file = dup_or_null(opt->state_file);
  if (!s->listen_host || !s->account_id || !s->client_id || !s->client_secret ||
      (opt->state_file && !s->state_file))
    goto cleanup;
  s->opt.listen_host = s->listen_host;
  s->opt.account_id = s->account_id;
  s->opt.client_id = s->client_id;
  s->opt.client_secret = s->client_secret;
  s->opt.state_file = s->state_file;
  if (s->opt.token_lifetime_s <= 0)
    s->opt.token_lifetime_s = 3600;
  if (s->opt.scale < 0)
    s->opt.scale = 0;
  if (s->opt.seed_webinars < 0)
    s->opt.seed_webinars = 0;
  s->rng = opt->seed ^ 0x5a6f6f6d53696dULL;
  s->fault_rng = opt->seed ^ 0x4661756c7473ULL;
  s->faults = opt->faults;
  s->rate_limits = opt->rate_limits;
  if (s->opt.idle_timeout_s <= 0)
    s->opt.idle_timeout_s = SIM_IDLE_TIMEOUT_S;
  if (s->opt.request_log_bytes == 0)
    s->opt.request_log_bytes = 8u * 1024u * 1024u;
  if (s->opt.request_log_max > 0) {
    s->log = calloc(s->opt.request_log_max, sizeof *s->log);
    if (!s->log)
      goto cleanup;
  }

  int loaded = 1;
  if (s->state_file) {
    loaded = sim_state_load(s);
    if (loaded < 0) {
      log_error(COMPONENT, "cannot load state file %s", s->state_file);
      goto cleanup;
    }
  }
  if (loaded == 1 && sim_account_seed(s) != 0)
    goto cleanup;

  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(opt->port);
  if (inet_pton(AF_INET, s->listen_host, &addr.sin_addr) != 1) {
    log_error(COMPONENT, "listen address must be a numeric IPv4 address: %s", s->listen_host);
    goto cleanup;
  }
  if (sim_delay_start(&s->delay) != 0)
    goto cleanup;
  /* A few threads, each polling many connections with poll(2): an idle connection
   * costs memory, not a thread, and is closed after opt.idle_timeout_s. Not epoll:
   * there libmicrohttpd 0.9.75 at times misses a client's end of input that comes
   * while it replies, and holds the connection until the idle timeout. */
  s->daemon = MHD_start_daemon(
      MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
      on_access, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
      (unsigned int)SIM_THREADS, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, s,
      MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned int)s->opt.idle_timeout_s, MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
      MHD_OPTION_END);
  if (!s->daemon) {
    log_error(COMPONENT, "cannot listen on %s:%u", s->listen_host, (unsigned)opt->port);
    goto cleanup;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : opt->port;
  snprintf(s->base_url, sizeof s->base_url, "http://%s:%u", s->listen_host, (unsigned)s->port);
  log_info(COMPONENT, "serving a Zoom sandbox at %s (OAuth %s/oauth/token, API %s/v2)", s->base_url,
           s->base_url, s->base_url);
  *out = s;
  s = NULL;
  result = 0;
cleanup:
  sim_free(s);
  return result;
}

void sim_stop(sim *s) {
  if (!s)
    return;
  sim_delay_stop(&s->delay); /* delayed replies go now: no connection stays suspended */
  if (s->daemon)
    MHD_stop_daemon(s->daemon);
  s->daemon = NULL;
  if (s->state_file) {
    pthread_mutex_lock(&s->lock);
    if (sim_state_save_locked(s) != 0)
      log_error(COMPONENT, "cannot save state file %s", s->state_file);
    pthread_mutex_unlock(&s->lock);
  }
  sim_free(s);
}
