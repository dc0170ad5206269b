/* sim.h - the Zoom simulator ("sandbox"): public API used by the server and by zoomsim.
 *
 * A sim is one in-memory Zoom account served over real HTTP on loopback by
 * libmicrohttpd. sim_start() returns a running simulator; its base URL is
 * e.g. "http://127.0.0.1:40123": the OAuth token URL is BASE/oauth/token and
 * the API base is BASE/v2. Admin endpoints for out-of-process tests live under
 * BASE/_sim/ (see sim_core.c): GET/DELETE /_sim/requests, POST /_sim/expire_tokens,
 * POST /_sim/faults, POST /_sim/clock.
 *
 * All functions are thread-safe unless said otherwise. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

typedef struct sim sim;

/* Fault injection. Every random choice comes from the simulator's PRNG seeded
 * by sim_options.seed, drawn once per request in arrival order, so a run with
 * the same seed and the same request sequence sees the same faults. Faults
 * apply to /oauth and /v2 requests, never to /_sim. */
typedef struct sim_faults {
  int latency_min_ms;   /* delay before each reply: fixed when max <= min */
  int latency_max_ms;   /* random in [min, max] when max > min */
  double rate_5xx;      /* probability 0..1 of a 5xx reply (status_5xx) */
  int status_5xx;       /* 500..599; 0 means 503 */
  int burst_429_every;  /* 0 = off; else every N-th request starts a burst */
  int burst_429_length; /* requests answered 429 in each burst (>= 1) */
  double rate_drop;     /* probability 0..1 of closing the connection unanswered */
  double rate_truncate; /* probability 0..1 of a body cut short (connection closed) */
} sim_faults;

typedef struct sim_options {
  const char *listen_host;   /* default "127.0.0.1" (numeric IPv4 only) */
  uint16_t port;             /* 0 = a free port */
  const char *account_id;    /* default "sandbox" */
  const char *client_id;     /* default "sandbox" */
  const char *client_secret; /* default "sandbox"; never logged */
  int token_lifetime_s;      /* default 3600 */
  uint64_t seed;             /* default 1: ids, uuids, faults are deterministic under it */
  int scale;                 /* registrants per seeded webinar; default 20 */
  int seed_webinars;         /* seeded webinars per account; default 6; 0 = none */
  bool rate_limits;          /* Zoom's per-category limits; default off */
  int daily_limit;           /* Heavy + Resource-intensive requests a day; 0 = Zoom's 30000 */
  const char *state_file;    /* NULL: memory only; else load at start, save on change/stop */
  size_t request_log_max;    /* entries kept in the request log (ring); default 10000 */
  int idle_timeout_s;        /* close a connection silent this long (headers unfinished, or
                               idle between requests); 0 = 10 s */
  size_t request_log_bytes;  /* bytes the request log may hold (oldest dropped); 0 = 8 MiB */
  sim_faults faults;         /* default all off */
  int64_t clock_at;          /* 0 (default): the real clock; else the clock starts at this
                                instant (UTC seconds, > 0) and stands still, moving only when
                                advanced (sim_advance_clock, POST /_sim/clock): tests that
                                must not depend on when they run, or on a second ticking */
} sim_options;

/* Fills *opt with the defaults above. */
void sim_options_init(sim_options *opt);

/* Overrides fault fields of *opt from the environment: ZOOMSIM_LATENCY_MS
 * ("N" or "MIN-MAX"), ZOOMSIM_5XX_RATE, ZOOMSIM_5XX_STATUS, ZOOMSIM_429_EVERY,
 * ZOOMSIM_429_LENGTH, ZOOMSIM_DROP_RATE, ZOOMSIM_TRUNCATE_RATE, and
 * ZOOMSIM_SEED, ZOOMSIM_RATE_LIMITS (0/1). Returns 0, or -1 naming the bad
 * variable through the log (the options keep the values parsed so far). */
int sim_options_from_env(sim_options *opt);

/* Parses a latency spec "N" or "MIN-MAX" (milliseconds, 0..600000) into *f.
 * Returns 0 or -1. */
int sim_faults_parse_latency(sim_faults *f, const char *spec);

/* Starts a simulator. On success returns 0 and stores a new sim in *out; the
 * caller frees it with sim_stop(). Borrowed strings in *opt are copied. */
int sim_start(sim **out, const sim_options *opt);

/* Stops serving, saves state when a state file is set, frees everything.
 * Accepts NULL. */
void sim_stop(sim *s);

/* "http://127.0.0.1:PORT" (borrowed, valid until sim_stop). */
const char *sim_base_url(const sim *s);
uint16_t sim_port(const sim *s);

/* Replaces the fault settings (copied). */
void sim_set_faults(sim *s, const sim_faults *f);

/* Turns rate limiting on or off at run time. */
void sim_set_rate_limits(sim *s, bool on);

/* Makes every access token issued so far invalid (the next /v2 request with
 * one of them gets 401 code 124). */
void sim_expire_tokens(sim *s);

/* Moves the simulator's clock forward by SECONDS. Tokens, page tokens, daily
 * quotas and webinar times all follow this clock. Returns 0, or -1 (clock
 * unchanged) when SECONDS is negative or would take the clock more than 100
 * years ahead of where it started (the real clock, or clock_at) in all. */
int sim_advance_clock(sim *s, int64_t seconds);

/* The request log, oldest first: a new reference to an array of objects
 * {"method","path","query","body","status"} (path and query raw as sent,
 * body as text or null; bytes that are not UTF-8 shown as U+FFFD). Admin
 * requests are not logged. The body is kept (its first 64 KiB) only for a
 * request that carried credentials the sandbox accepts: a valid bearer token,
 * or client credentials it issued a token for. The log holds at most
 * request_log_max entries and request_log_bytes bytes: the oldest entries
 * are dropped to make room. GET BASE/_sim/requests serves the same array as
 * "requests", with "dropped", "bytes", "max_bytes" and "max_entries". */
json_t *sim_requests(sim *s);

/* The bytes the request log holds now, and the entries dropped to stay in
 * bounds since it was last cleared. */
void sim_request_log_usage(sim *s, size_t *bytes, uint64_t *dropped);

/* Number of logged requests, and clearing the log. */
size_t sim_request_count(sim *s);
void sim_requests_clear(sim *s);

/* Saves the state file now (no-op without one). Returns 0 or -1. */
int sim_save(sim *s);

#endif
