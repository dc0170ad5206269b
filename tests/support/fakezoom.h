/* fakezoom.h - a small scripted fake of Zoom's API and token URL, over real HTTP on loopback.
 *
 * Tests queue declarative replies (status, headers, body, delay, drop, truncate) for a
 * method and path; the fake answers the token URL itself (checking Basic credentials and
 * counting token requests), checks Bearer tokens on every other path (401 code 124 for a
 * token it did not issue or has revoked) except those under /_open/ (a storage host that
 * takes signed URLs), counts TCP connections, and logs every request
 * it saw (method, path, query, auth scheme, body; never a secret). */
#ifndef TESTS_FAKEZOOM_H
#define TESTS_FAKEZOOM_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  FAKEZOOM_REPLY = 0, /* send the reply */
  FAKEZOOM_DROP,      /* read the request, then close the connection without a reply */
  FAKEZOOM_TRUNCATE   /* announce the whole body, send half of it, close the connection */
} fakezoom_action;

typedef struct fakezoom_reply {
  int status;          /* 0 means 200 */
  const char *headers; /* "Name: value\n" lines, or NULL */
  const char *body;    /* NULL means "" */
  int delay_ms;        /* wait before answering */
  fakezoom_action action;
} fakezoom_reply;

/* One request as the fake saw it. */
typedef struct fakezoom_request {
  char method[8];
  char path[512];
  char query[1024]; /* "a=1&b=2" as received (decoded by the server, re-joined) */
  char auth[8];     /* "basic", "bearer" or "none" */
  bool auth_ok;     /* credentials or token accepted */
  char content_type[64];
  char body[2048]; /* first bytes of the body */
} fakezoom_request;

typedef struct fakezoom fakezoom;

/* Starts a fake on 127.0.0.1 (ephemeral port). Credentials default to account "acct-1",
 * client "client-1", secret "fz-secret-1". NULL on failure. */
fakezoom *fakezoom_start(void);

/* Stops the server (waking delayed replies) and frees. Accepts NULL. */
void fakezoom_stop(fakezoom *fz);

/* "http://127.0.0.1:PORT"; the token URL is that + "/oauth/token", the API base + "/v2". */
const char *fakezoom_url(const fakezoom *fz);

/* Queues REPLY for requests with METHOD (NULL: any) and PATH (exact, query excluded; a
 * trailing '*' makes it a prefix), TIMES times (0: forever). Earlier scripts win. */
void fakezoom_script(fakezoom *fz, const char *method, const char *path, int times,
                     fakezoom_reply reply);

/* Token endpoint settings: accepted credentials, the expires_in it hands out, a delay
 * before each token reply, and whether Bearer tokens are checked at all. A script for POST
 * /oauth/token replaces the fake's own token reply while it lasts. */
void fakezoom_set_credentials(fakezoom *fz, const char *account, const char *client_id,
                              const char *secret);
void fakezoom_set_token_expiry(fakezoom *fz, int expires_in);
void fakezoom_set_token_delay(fakezoom *fz, int delay_ms);
void fakezoom_set_api_url(fakezoom *fz, const char *api_url);

/* Every token issued so far is refused from now on (401 code 124). */
void fakezoom_revoke_tokens(fakezoom *fz);

/* Counters. fakezoom_api_arrivals counts the API requests (not the token requests) that
 * have arrived whole, at once, before any scripted delay: a test can see a delayed request
 * is at the fake, which the log (fakezoom_count) shows only once it was answered. */
int fakezoom_token_requests(fakezoom *fz);
int fakezoom_api_arrivals(fakezoom *fz);
int fakezoom_connections(fakezoom *fz);
size_t fakezoom_request_count(fakezoom *fz);

/* A copy of request I (0-based, in the order they were answered) into *OUT; false when
 * there is none. */
bool fakezoom_request_get(fakezoom *fz, size_t i, fakezoom_request *out);

/* How many logged requests had METHOD and PATH (exact). */
int fakezoom_count(fakezoom *fz, const char *method, const char *path);

/* A new string (free it): the last token issued, so tests can search logs for it. */
char *fakezoom_last_token(fakezoom *fz);

#endif
