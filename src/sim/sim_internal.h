/* sim_internal.h - the simulator's internals: account model, routes, request/reply helpers.
 *
 * Table of contents (one heading per file):
 *   sim_core.c      server (libmicrohttpd), router, request log, faults, rate limits, admin
 *   sim_util.c      ids, PRNG, time formatting and parsing, pagination, replies
 *   sim_state.c     account model: webinar/user lookups, daily quota, seed data, --state files
 *   sim_delay.c     injected latency: parked (suspended) connections and their timer thread
 *   sim_modules.c   THE LIST of resource modules the router serves
 *   sim_oauth.c     POST /oauth/token, token checks
 *   sim_users.c     /users, /users/{userId}
 *   sim_webinars.c  /users/{userId}/webinars, /webinars/{webinarId}, status; recurrence;
 *                   sim_webinar_create, sim_webinar_to_json
 *   (sim_resources.h lists the sub-resource files: registrants, panelists, polls, past...)
 *
 * Tests: tests/support/simtest.h starts a sandbox in-process and talks to it
 * with libcurl (simtest_start, simtest_call, simtest_reply_free); the clock
 * can be moved with sim_advance_clock, faults set with sim_set_faults.
 *
 * HOW TO ADD A RESOURCE FILE (e.g. src/sim/sim_registrants.c)
 *   1. Write handlers with the signature sim_handler:
 *        static void registrants_list(sim *s, sim_req *rq, sim_resp *rs) { ... }
 *      The router has already: checked the bearer token, applied faults and
 *      rate limits, parsed the JSON body (rq->body, NULL when absent; a body
 *      that is not JSON was already answered 400), split path params.
 *      Read path params with sim_req_param(rq, "webinarId") (decoded once),
 *      query values with sim_req_query(rq, "status"). Find the webinar with
 *      sim_webinar_find(s, id_text) and answer 404 3001 with
 *      sim_reply_webinar_not_found(rs, id_text) when it is NULL.
 *      Answer with sim_reply_json / sim_reply_empty / sim_reply_error /
 *      sim_reply_invalid (400 code 300 with errors[]).
 *   2. Declare the routes as data, most specific patterns first when two could
 *      match ("/v2/webinars/{webinarId}/registrants/questions" before
 *      "/v2/webinars/{webinarId}/registrants/{registrantId}"):
 *        static const sim_route routes[] = {
 *          {"GET", "/v2/webinars/{webinarId}/registrants", SIM_CAT_MEDIUM, registrants_list, 0},
 *        };
 *      The category is the spec's "Rate Limit Label" (see ZOOM-ENDPOINTS.md).
 *   3. Export one module and add it to the list in sim_modules.c (one line):
 *        const sim_module sim_module_registrants = {"registrants", routes,
 *          sizeof routes / sizeof routes[0], free_hook, save_hook, load_hook, seed_hook};
 *      Per-webinar data lives either in w->ext (a JSON object: put small
 *      collections under your own key, e.g. "polls"; it is saved, loaded and
 *      freed for you) or behind a typed pointer you own (w->registrants,
 *      w->past: free it in webinar_free, write it in webinar_save, read it in
 *      webinar_load). webinar_seed is called for every seeded webinar; honour
 *      s->opt.scale (registrants per seeded webinar).
 *   4. Locking: the router holds s->lock around every handler and hook, so
 *      handlers touch the model freely and must never take the lock, sleep or
 *      do I/O. A handler also runs on one of the server's SIM_THREADS
 *      threads, each serving many connections: blocking there stalls them
 *      all (injected latency parks the connection instead, see sim_delay.c).
 *      All randomness comes from sim_rand(s) (deterministic by seed).
 *
 * Ownership words follow jansson: "new" reference (caller owns), "borrowed"
 * (valid while the lock is held / the object lives), "steals" (callee owns). */
#ifndef SIM_SIM_INTERNAL_H
#define SIM_SIM_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/sim.h"

struct MHD_Daemon;
struct MHD_Connection;

/* ---- limits -------------------------------------------------------------- */

#define SIM_BODY_MAX (4u * 1024u * 1024u) /* request bodies larger: 413 */
#define SIM_URI_MAX 4096u                 /* longer request targets: 414 */
#define SIM_LOG_BODY_MAX 65536u           /* bytes of a body kept in the request log */
#define SIM_ECHO_MAX 65                   /* bytes + NUL of an input echoed in a message */
#define SIM_PARAMS_MAX 4                  /* path params per pattern */
#define SIM_THREADS 4                     /* server threads; each serves many connections */
#define SIM_IDLE_TIMEOUT_S 10             /* default: a connection silent this long is closed */
#define SIM_CONNECTIONS_MAX 4096          /* open connections (also below RLIMIT_NOFILE) */
#define SIM_QUERY_MAX 32                  /* query pairs kept per request */
#define SIM_TOKENS_MAX 256                /* access tokens remembered (oldest evicted) */
#define SIM_PAGE_TOKENS_MAX 1024          /* next_page_tokens remembered */
#define SIM_PAGE_TOKEN_TTL 900            /* seconds: Zoom's 15 minutes */
#define SIM_PAGE_SIZE_DEFAULT 30
#define SIM_PAGE_SIZE_MAX 300
#define SIM_OCCURRENCES_MAX 50
#define SIM_HOST_DAILY_WRITES 100                  /* webinar creates + updates per host per day */
#define SIM_CLOCK_OFFSET_MAX (100LL * 366 * 86400) /* seconds the clock may move ahead in all */
#define SIM_FAULT_COUNT_MAX 1000000                /* burst_429_every and burst_429_length */

/* ---- rate-limit categories ------------------------------------------------ */

typedef enum {
  SIM_CAT_NONE = 0, /* not rate limited (OAuth, admin) */
  SIM_CAT_LIGHT,
  SIM_CAT_MEDIUM,
  SIM_CAT_HEAVY,
  SIM_CAT_RESOURCE, /* Resource-intensive */
  SIM_CAT_COUNT
} sim_category;

/* "Light", "Medium", "Heavy", "Resource-intensive" (static). */
const char *sim_category_name(sim_category c);

/* ---- account model --------------------------------------------------------- */

/* One occurrence of a recurring webinar (types 6 and 9). */
typedef struct sim_occurrence {
  char id[24];       /* occurrence_id: start time in epoch milliseconds, as Zoom */
  int64_t start;     /* UTC seconds */
  int duration;      /* minutes */
  bool deleted;      /* status "deleted" (still listed with show_previous_occurrences) */
  json_t *overrides; /* owned: per-occurrence agenda / settings, or NULL */
} sim_occurrence;

struct sim_registrants; /* owned by the registrants module */
struct sim_past;        /* owned by the past-webinars module */

typedef struct sim_webinar {
  int64_t id;          /* 11 digits */
  char uuid[32];       /* 24 chars base64, e.g. "k9zq...==" */
  char host_id[32];    /* sim user id */
  int type;            /* 5, 6 or 9 */
  int64_t start;       /* UTC seconds (type 6: creation time) */
  int duration;        /* minutes */
  int64_t created_at;  /* UTC seconds */
  bool ended;          /* PUT status end, or the seed marks it as held */
  json_t *obj;         /* owned object: every other Zoom field (topic, agenda, timezone,
                          password, settings, recurrence, tracking_fields, ...) */
  sim_occurrence *occ; /* owned array, in start order */
  size_t nocc;
  /* resource modules' data: */
  json_t *ext; /* owned object, by module key; saved/loaded/freed by the core */
  struct sim_registrants *registrants; /* registrants module (hooks) */
  struct sim_past *past;               /* past-webinars module (hooks) */
} sim_webinar;

/* Per host, per UTC day: webinar creates + updates. */
typedef struct sim_quota {
  char host_id[32];
  int64_t day;
  int count;
} sim_quota;

typedef struct sim_account {
  json_t *users;          /* owned array of Zoom user objects; [0] is the owner ("me") */
  sim_webinar **webinars; /* owned array, creation order */
  size_t nwebinars, capwebinars;
  sim_quota *quotas; /* owned */
  size_t nquotas;
  json_t *ext; /* owned object: account-level data of resource modules */
} sim_account;

/* ---- requests and replies ------------------------------------------------------ */

typedef struct sim_req {
  const char *method;    /* "GET", "POST", ... */
  const char *path;      /* raw path as sent (percent-encoding kept) */
  const char *query;     /* raw query string without '?', "" when none */
  const char *body_text; /* raw body, NUL-terminated, or NULL */
  size_t body_len;
  json_t *body; /* borrowed: parsed JSON body, NULL when there is none */
  const char *param_names[SIM_PARAMS_MAX];
  char *params[SIM_PARAMS_MAX]; /* decoded once, owned by the router */
  size_t nparams;
  char *qkeys[SIM_QUERY_MAX]; /* decoded query pairs, owned by the router */
  char *qvals[SIM_QUERY_MAX];
  size_t nquery;
  struct MHD_Connection *conn;
  const char *user_id; /* always NULL for now (account-level app) */
  int64_t now;         /* sim clock at arrival */
} sim_req;

#define SIM_RESP_HEADERS_MAX 8

typedef struct sim_resp {
  int status;               /* 0 until a reply helper ran */
  json_t *body;             /* owned, NULL for an empty body; a string is sent as it is */
  const char *content_type; /* static; default application/json */
  char *hnames[SIM_RESP_HEADERS_MAX];
  char *hvalues[SIM_RESP_HEADERS_MAX];
  size_t nheaders;
} sim_resp;

typedef void (*sim_handler)(sim *s, sim_req *rq, sim_resp *rs);

enum {
  SIM_ROUTE_NO_AUTH = 1u << 0, /* no bearer token needed (OAuth) */
  SIM_ROUTE_ADMIN = 1u << 1,   /* /_sim: no auth, no faults, not logged */
  SIM_ROUTE_FORM = 1u << 2,    /* body is form-encoded, not JSON */
};

typedef struct sim_route {
  const char *method;
  const char *pattern; /* "/v2/webinars/{webinarId}/polls": {name} matches one segment */
  sim_category category;
  sim_handler handler;
  unsigned flags;
} sim_route;

typedef struct sim_module {
  const char *name;
  const sim_route *routes;
  size_t nroutes;
  /* Optional hooks (NULL when unused), all called with s->lock held. */
  void (*webinar_free)(sim_webinar *w);                    /* free w->registrants / w->past */
  int (*webinar_save)(const sim_webinar *w, json_t *out);  /* add own keys to OUT; 0 or -1 */
  int (*webinar_load)(sim *s, sim_webinar *w, json_t *in); /* read own keys of IN; 0 or -1 */
  void (*webinar_seed)(sim *s, sim_webinar *w);            /* fill seed data (s->opt.scale) */
} sim_module;

/* sim_modules.c: the modules the router serves, in match order. */
extern const sim_module *const sim_modules[];
extern const size_t sim_module_count;

extern const sim_module sim_module_admin;
extern const sim_module sim_module_oauth;
extern const sim_module sim_module_users;
extern const sim_module sim_module_webinars;

/* ---- sim_delay.c: injected latency ---------------------------------------------------- */

/* The server's few threads each serve many connections, so a reply is never
 * delayed by sleeping: the connection is suspended (parked) and a timer
 * thread resumes it when its time comes; libmicrohttpd then calls the access
 * handler again and the reply is made. */
typedef struct sim_delay_item {
  struct sim_delay_item *next; /* in the queue, by due time */
  struct MHD_Connection *conn;
  int64_t due_ms; /* CLOCK_MONOTONIC */
  bool queued;    /* in the queue, not resumed yet */
  bool parked;    /* suspended and not yet called back */
} sim_delay_item;

typedef struct sim_delay {
  pthread_mutex_t lock; /* guards everything below */
  pthread_cond_t cond;  /* CLOCK_MONOTONIC */
  pthread_t thread;
  bool started, stopping, joined;
  sim_delay_item *head;
  size_t parked; /* items parked and not yet called back */
} sim_delay;

/* Starts the timer thread. 0 or -1. */
int sim_delay_start(sim_delay *d);
/* From the access handler: suspends CONN and queues IT (borrowed until
 * sim_delay_done) to be resumed in MS milliseconds. Returns true when parked
 * (the handler returns MHD_YES and is called again once resumed), false when
 * MS <= 0 or the sim is stopping (reply now). */
bool sim_delay_park(sim_delay *d, sim_delay_item *it, struct MHD_Connection *conn, int ms);
/* When the access handler runs again for IT, or its request ends: forgets IT.
 * Returns true when IT had been parked. */
bool sim_delay_done(sim_delay *d, sim_delay_item *it);
/* Resumes every parked connection now and waits (at most 5 s) until
 * libmicrohttpd has called back for each; stops the thread. Call before
 * MHD_stop_daemon, which refuses suspended connections. Once only: a
 * second call does nothing. */
void sim_delay_stop(sim_delay *d);
/* Stops (when not done yet) and frees. Accepts a sim_delay never started. */
void sim_delay_free(sim_delay *d);

/* ---- the simulator ------------------------------------------------------------- */

typedef struct sim_token {
  char value[48];
  int64_t expires; /* sim clock seconds */
} sim_token;

typedef struct sim_page_token {
  char value[40];
  char scope[160];
  size_t offset;
  int64_t expires;
} sim_page_token;

typedef struct sim_log_entry {
  char *method, *path, *query, *body; /* owned, valid UTF-8 */
  int status;
  size_t bytes; /* counted against opt.request_log_bytes */
} sim_log_entry;

typedef struct sim_rate {
  int64_t second; /* window start (sim clock) */
  int count;      /* requests in the window */
  int64_t day;    /* UTC day of the daily count */
  int daily;      /* requests this day (Heavy + Resource-intensive share it) */
} sim_rate;

struct sim {
  sim_options opt; /* strings point into the owned copies below */
  char *listen_host, *account_id, *client_id, *client_secret, *state_file;
  char base_url[80];
  uint16_t port;
  struct MHD_Daemon *daemon;
  sim_delay delay;      /* parked connections (its own lock) */
  pthread_mutex_t lock; /* guards everything below */
  uint64_t rng;         /* data PRNG (ids, seed data) */
  uint64_t fault_rng;   /* fault PRNG, separate so faults do not shift ids */
  int64_t clock_offset; /* added to the real clock */
  sim_faults faults;
  uint64_t request_seq; /* faultable requests seen */
  int burst_left;       /* 429s left in the current burst */
  bool rate_limits;
  sim_rate rates[SIM_CAT_COUNT];
  sim_token tokens[SIM_TOKENS_MAX];
  size_t ntokens, next_token;
  sim_page_token page_tokens[SIM_PAGE_TOKENS_MAX];
  size_t next_page_token;
  sim_log_entry *log; /* ring of opt.request_log_max */
  size_t log_start, log_len;
  size_t log_bytes;     /* sum of the entries' bytes, at most opt.request_log_bytes */
  uint64_t log_dropped; /* entries dropped to stay in bounds since the last clear */
  sim_account acct;
};

/* ---- sim_util.c -------------------------------------------------------------- */

int64_t sim_now(sim *s);                           /* sim clock, UTC seconds (lock not needed) */
uint64_t sim_rand(sim *s);                         /* data PRNG; lock held */
uint64_t sim_prng_next(uint64_t *state);           /* splitmix64 step */
double sim_prng_unit(uint64_t *state);             /* uniform in [0,1) */
void sim_new_user_id(sim *s, char out[23]);        /* 22 chars [A-Za-z0-9_-] */
void sim_new_uuid(sim *s, char out[25]);           /* 24 chars base64 ending "==" */
int64_t sim_new_webinar_id(sim *s);                /* 11 digits, unused in the account */
void sim_new_token(sim *s, char *out, size_t len); /* len-1 chars [A-Za-z0-9] */

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). */
void sim_time_format(int64_t t, char out[21]);
/* Parses "YYYY-MM-DDTHH:MM:SS" with optional "Z" (or ".sss" and "Z"). With Z
 * the time is UTC; without, local time in ZONE (IANA name; NULL or "" = UTC).
 * Returns 0 and stores UTC seconds in *out, or -1 (bad text or unknown zone). */
int sim_time_parse(const char *text, const char *zone, int64_t *out);

/* Text echoed from a request into a reply or the log must be valid UTF-8
 * (jansson refuses any other string). sim_utf8_copy copies IN[0..INLEN) into
 * OUT (CAP bytes, NUL-terminated) with each byte that does not start a
 * well-formed character (NUL included) replaced by U+FFFD, stopping at a
 * character boundary when OUT is full; returns the bytes written. */
size_t sim_utf8_copy(char *out, size_t cap, const char *in, size_t inlen);
/* The same into a new string of at most MAX bytes (NULL when out of memory). */
char *sim_utf8_dup(const char *in, size_t inlen, size_t max);
/* TEXT (NULL: "") made valid UTF-8 and clipped to CAP-1 bytes at a character
 * boundary, in BUF; returns BUF. For "%s" in an error message. */
const char *sim_text_clip(char *buf, size_t cap, const char *text);

/* Reply helpers: each replaces any earlier reply. Messages are made valid
 * UTF-8 (see sim_utf8_copy), so an error reply always has Zoom's
 * {"code","message"} body. */
void sim_reply_json(sim_resp *rs, int status, json_t *body); /* steals BODY */
void sim_reply_empty(sim_resp *rs, int status);
void sim_reply_error(sim_resp *rs, int status, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 400 {"code":300,"message":"Validation Failed.","errors":ERRORS}; steals ERRORS. */
void sim_reply_invalid(sim_resp *rs, json_t *errors);
/* Steals ERRORS: when it holds any, answers as sim_reply_invalid and returns
 * true (the handler returns); when empty, frees it and returns false. */
bool sim_reply_if_invalid(sim_resp *rs, json_t *errors);
void sim_reply_webinar_not_found(sim_resp *rs, const char *id);
void sim_reply_user_not_found(sim_resp *rs, const char *id);
/* Adds a header (copied). Silently ignored beyond SIM_RESP_HEADERS_MAX. */
void sim_reply_header(sim_resp *rs, const char *name, const char *value);
void sim_resp_clear(sim_resp *rs);

/* Appends {"field":FIELD,"message":...} to the array ERRORS. */
void sim_errors_add(json_t *errors, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Request accessors (borrowed strings or NULL). */
const char *sim_req_param(const sim_req *rq, const char *name);
const char *sim_req_query(const sim_req *rq, const char *name);
/* A request header (sim_core.c), or NULL. */
const char *sim_req_header(const sim_req *rq, const char *name);
/* Reads an integer query value: absent -> DEF; returns 0, or -1 when it is not
 * an integer in [MIN, MAX]. */
int sim_req_query_int(const sim_req *rq, const char *name, long def, long min, long max, long *out);

/* Parses "a=1&b=2" into up to MAX decoded pairs (new strings); returns the count. */
size_t sim_parse_pairs(const char *text, char **keys, char **vals, size_t max);

/* Pagination by next_page_token (Zoom: page_size default 30, max 300, token
 * valid 15 minutes, "" on the last page). SCOPE names the listing (e.g.
 * "users?status=active") so a token only works for the list it came from. */
typedef struct sim_page {
  size_t offset;
  size_t size;
} sim_page;
/* Reads page_size and next_page_token. Returns 0, or -1 after replying 400
 * code 300 (bad page_size, unknown or expired token). */
int sim_page_begin(sim *s, sim_req *rq, sim_resp *rs, const char *scope, sim_page *pg);
/* Adds page_size, total_records, next_page_token to OBJ (a new token when
 * items remain after this page). */
void sim_page_end(sim *s, json_t *obj, const char *scope, const sim_page *pg, size_t total);
/* Adds page_count (pages of PG's size that hold TOTAL items) and page_number
 * (1-based, of PG's page) to OBJ. PG comes from sim_page_begin, whose size is
 * at least 1 (a zero size counts as 1 all the same). */
void sim_page_numbers(json_t *obj, const sim_page *pg, size_t total);

/* ---- sim_state.c ---------------------------------------------------------------- */

/* Builds the deterministic seed account into s->acct. Returns 0 or -1. */
int sim_account_seed(sim *s);
void sim_account_free(sim *s);
/* Loads s->state_file into s->acct (replacing it). Returns 0, 1 when the file
 * does not exist, -1 on a bad file. */
int sim_state_load(sim *s);
/* Saves atomically (temp + fsync + rename). Lock held. Returns 0 or -1. */
int sim_state_save_locked(sim *s);

sim_webinar *sim_webinar_new(void);
void sim_webinar_free(sim_webinar *w); /* runs every module's webinar_free; NULL ok */
/* Adds W to the account (stolen). Returns 0 or -1. */
int sim_webinar_add(sim *s, sim_webinar *w);
/* Removes and frees the webinar with ID. */
void sim_webinar_remove(sim *s, int64_t id);
/* Finds a webinar by numeric id or by uuid text as a path parameter gives it
 * (decoded once; a UUID starting with "/" or holding "//" must have been
 * double-encoded, as Zoom requires). Borrowed, NULL when absent. */
sim_webinar *sim_webinar_find(sim *s, const char *id_or_uuid);
sim_webinar *sim_webinar_by_id(sim *s, int64_t id);

/* Users: by "me", id or email (case-insensitive). Borrowed, NULL when absent. */
json_t *sim_user_find(sim *s, const char *user_id);
const char *sim_user_id_of(json_t *user);

/* Webinar JSON as GET /webinars/{id} returns it (new reference). OCC_ID
 * selects one occurrence (NULL: all); SHOW_PREVIOUS keeps past occurrences. */
json_t *sim_webinar_to_json(sim *s, const sim_webinar *w, const char *occ_id, bool show_previous);

/* sim_webinars.c: validates BODY (a POST /users/{userId}/webinars body,
 * borrowed) for host HOST_ID and adds the new webinar to the account. Returns
 * 0 and stores a borrowed pointer in *out, or -1 with the problems appended to
 * ERRORS as {field, message}. Does not count the daily quota. */
int sim_webinar_create(sim *s, const char *host_id, json_t *body, json_t *errors,
                       sim_webinar **out);

/* Counts a create/update for HOST on the day of NOW (the request's clock reading, so the
 * quota and the 429's reset time agree); returns 0, or -1 when the host has reached
 * SIM_HOST_DAILY_WRITES (the caller replies 429). */
int sim_quota_take(sim *s, const char *host_id, int64_t now);

/* ---- sim_oauth.c ---------------------------------------------------------------- */

/* Checks AUTHORIZATION ("Bearer X"): 0 when it carries a token valid now,
 * -1 when the token is unknown or missing, -2 when it has expired. Lock held. */
int sim_oauth_check(sim *s, const char *authorization);

#endif
