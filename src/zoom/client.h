/* client.h - the Zoom REST client: authenticated JSON requests with retries, and pagination.
 *
 * One zoom_client serves every thread: calls may run concurrently. Connections are kept
 * alive and reused (each carries one transfer at a time); tokens are fetched once and cached
 * (see auth.h). */
#ifndef ZOOM_CLIENT_H
#define ZOOM_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zoom/auth.h"
#include "zoom/cancel.h"
#include "zoom/config.h"
#include "zoom/error.h"

typedef struct zoom_client zoom_client;

/* Validates CFG (zoom_config_validate) and stores a new client using a copy of it in
 * *OUT. No network traffic happens here. Returns 0, or -1 with ERR set. */
int zoom_client_new(zoom_client **out, const zoom_config *cfg, zoom_error *err);

/* Frees the client (wiping secrets). No call may be running. Accepts NULL. */
void zoom_client_free(zoom_client *c);

/* Replaces the configuration (configure_zoom, auto_configure_zoom): validates CFG, then
 * calls that start afterwards use it (and its token cache); calls already running finish
 * with the old one. Kept connections are reused. Returns 0, or -1 with ERR set and the
 * old configuration still in place. CFG is copied. */
int zoom_client_reconfigure(zoom_client *c, const zoom_config *cfg, zoom_error *err);

/* Like zoom_client_reconfigure, but first asks Zoom for a new token with the new
 * credentials (always a request, never the cache):
 * the switch happens only when Zoom accepts them, so a typo in configure_zoom cannot
 * replace working credentials. Returns 0, or -1 with ERR set (ZOOM_ERR_AUTH for rejected
 * credentials) and the old configuration still in place. */
int zoom_client_reconfigure_checked(zoom_client *c, const zoom_config *cfg,
                                    const zoom_cancel *cancel, zoom_error *err);

/* A new copy of the configuration in use (free with zoom_config_free), NULL on OOM. */
zoom_config *zoom_client_config(zoom_client *c);

/* One call to Zoom's API.
 *   METHOD  "GET", "POST", "PUT", "PATCH" or "DELETE".
 *   PATH    under the API base, starting with "/" ("/webinars/123"); segments taken from
 *           input must be encoded by the caller (zoom_url_encode, zoom_webinar_id_encode).
 *   QUERY   borrowed JSON object or NULL: string, integer, real and boolean values are
 *           encoded; arrays of those are joined with ","; nulls are skipped.
 *   BODY    borrowed JSON value sent as application/json (at most 1 MiB encoded), or NULL.
 *   CANCEL  polled during the transfer and between retries, or NULL.
 * ERR may be NULL when the caller wants no details.
 * On success (2xx) stores in *OUT a new reference to the parsed reply (an empty object for
 * an empty reply such as 204) and returns 0. Otherwise returns -1 with ERR set (and *OUT
 * NULL). A 401 with code 124 gets a new token and one more try; 429, 5xx and transport
 * failures are retried as described in internal.h; a POST is never sent twice when the
 * first may have reached Zoom (ZOOM_ERR_OUTCOME_UNKNOWN). */
int zoom_request(zoom_client *c, const char *method, const char *path, json_t *query, json_t *body,
                 const zoom_cancel *cancel, json_t **out, zoom_error *err);

/* Called after each page with the page's reply (borrowed), its number (1-based), the
 * records gathered so far (this page included) and Zoom's total_records (-1 unknown).
 * Return 0 to go on, anything else to stop (the result is then marked truncated). */
typedef int (*zoom_page_fn)(void *ctx, json_t *page, size_t page_no, size_t records,
                            long total_records);

typedef struct zoom_page_opts {
  const char *items_key; /* the array to gather: "registrants", "participants", "users"... */
  int page_size;         /* 1..300; 0 means 300 */
  size_t max_pages;      /* 0 means 100 */
  size_t max_records;    /* 0 means no bound beyond max_pages */
  bool use_page_number;  /* the deprecated page_number instead of next_page_token */
  zoom_page_fn on_page;  /* may be NULL */
  void *ctx;
} zoom_page_opts;

/* GETs PATH page after page (next_page_token, or page_number when asked), gathering the
 * ITEMS_KEY arrays. QUERY (borrowed, may be NULL) is sent with every page; page_size and
 * the page cursor are set here. Stores in *OUT a new object:
 *   { <items_key>: [...], "total_records": N, "pages": N, "truncated": bool,
 *     "next_page_token": "..." (only when truncated and Zoom gave one) }
 * and returns 0, or returns -1 with ERR set. */
int zoom_paginate(zoom_client *c, const char *path, json_t *query, const zoom_page_opts *opts,
                  const zoom_cancel *cancel, json_t **out, zoom_error *err);

/* Makes sure a valid token is held (from memory, the cache file, or Zoom). 0 or -1. */
int zoom_client_ensure_token(zoom_client *c, const zoom_cancel *cancel, zoom_error *err);

/* Asks Zoom for a new token even if the current one is valid (refresh_token). 0 or -1. */
int zoom_client_refresh_token(zoom_client *c, const zoom_cancel *cancel, zoom_error *err);

/* Fills OUT with the token's status and the last rate-limit headers; no network. */
void zoom_client_token_status(zoom_client *c, zoom_token_status *out);

/* Counters since the client was made. */
typedef struct zoom_client_stats {
  uint64_t requests;    /* zoom_request calls */
  uint64_t transfers;   /* HTTP transfers, token requests and retries included */
  uint64_t connections; /* TCP connections opened */
  uint64_t paced_waits; /* requests that waited for a rate-limit slot (this configuration) */
} zoom_client_stats;

void zoom_client_get_stats(zoom_client *c, zoom_client_stats *out);

#endif
