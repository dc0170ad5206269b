/* simtest.h - tests of the Zoom simulator: start one in-process, talk to it over HTTP (libcurl). */
#ifndef TESTS_SIMTEST_H
#define TESTS_SIMTEST_H

#include <stdbool.h>

#include <jansson.h>

#include "sim/sim.h"

typedef struct simtest {
  sim *s;
  char base[96];   /* http://127.0.0.1:PORT */
  char token[128]; /* bearer token fetched by simtest_start ("" when none) */
  void *curl;      /* one keep-alive easy handle */
} simtest;

typedef struct simtest_reply {
  long status;   /* 0 when the transfer failed (see curl_code) */
  int curl_code; /* CURLcode of the transfer */
  char *text;    /* the body as received (owned) */
  json_t *json;  /* the body parsed, or NULL (owned) */
  char *headers; /* raw header lines (owned) */
} simtest_reply;

/* The instant a test's simulator clock holds (sim_options.clock_at) unless the test sets
 * its own: 2026-11-18T14:00:00Z, a Wednesday in mid-month in every zone, ten hours before
 * midnight UTC (when the sandbox's daily limits reset) and weeks from any daylight-saving
 * change. The clock moves only when the test advances it, so no outcome depends on the day
 * the test runs or on a second ticking between two requests. */
#define SIMTEST_NOW 1795010400

/* Starts a simulator on 127.0.0.1:0 with OPT (NULL: defaults, rate limits and
 * faults off; the clock held at SIMTEST_NOW unless OPT sets clock_at) and fetches a
 * token with the default credentials. 0 or -1. */
int simtest_start(simtest *t, const sim_options *opt);
void simtest_stop(simtest *t);

/* Sends METHOD BASE+TARGET (target = path and query, sent as given) with the
 * bearer token, and BODY (JSON text or NULL). Fills *out; free it with
 * simtest_reply_free. Returns 0 when an HTTP reply arrived, else -1. */
int simtest_call(simtest *t, const char *method, const char *target, const char *body,
                 simtest_reply *out);
/* Same, with AUTH as the whole Authorization header value (NULL: none) and
 * CONTENT_TYPE for the body, and a transfer timeout (0: none). */
int simtest_call_ex(simtest *t, const char *method, const char *target, const char *body,
                    const char *auth, const char *content_type, long timeout_ms,
                    simtest_reply *out);
void simtest_reply_free(simtest_reply *r);

/* The value of header NAME in R (case-insensitive), copied into BUF; NULL when absent. */
const char *simtest_header(const simtest_reply *r, const char *name, char *buf, size_t len);

/* POST /oauth/token with Basic ID:SECRET and grant_type/account_id in the form. */
int simtest_token(simtest *t, const char *id, const char *secret, const char *account,
                  simtest_reply *out);

/* simtest_model.c: the id of the first webinar whose topic starts with
 * TOPIC_PREFIX (-1 when none), read from the in-process model. */
long long simtest_webinar_id(simtest *t, const char *topic_prefix);
/* Copies up to MAX occurrence ids of the webinar into IDS; returns the count. */
size_t simtest_occurrence_ids(simtest *t, long long webinar_id, char ids[][24], size_t max);

#endif
