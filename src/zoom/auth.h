/* auth.h - the Server-to-Server OAuth token as callers see it: its status, never its value.
 *
 * The token itself is fetched, cached (one 0600 JSON file per account in a 0700
 * directory, written atomically, shared between processes under a file lock) and renewed
 * inside the client; see client.h for zoom_client_token_status, zoom_client_ensure_token
 * and zoom_client_refresh_token. */
#ifndef ZOOM_AUTH_H
#define ZOOM_AUTH_H

#include <jansson.h>
#include <stdbool.h>

/* The rate-limit headers of the last Zoom reply that carried them. */
typedef struct zoom_rate_limit {
  char category[32]; /* X-RateLimit-Category: "Light", "Medium", "Heavy", ... ("" unknown) */
  char type[32];     /* X-RateLimit-Type: "QPS" or "Daily-limit" */
  long limit;        /* X-RateLimit-Limit, -1 unknown */
  long remaining;    /* X-RateLimit-Remaining, -1 unknown */
  long long seen_at; /* epoch seconds of that reply, 0 when never */
} zoom_rate_limit;

/* What get_token_status and zoom://token-status show. Plain data, no secrets. */
typedef struct zoom_token_status {
  char state[8];          /* "valid", "expired" or "missing" */
  long long expires_at;   /* epoch seconds, 0 when missing */
  char expires_utc[32];   /* "2026-11-28T13:00:00Z", "" when missing */
  char expires_local[64]; /* same instant in timezone, "" when missing */
  char timezone[64];      /* ZOOM_TIMEZONE, or "UTC" */
  long minutes_left;      /* whole minutes until expiry, 0 when expired or missing */
  bool renew_due;         /* inside the renewal margin: the next call gets a new token */
  bool from_cache;        /* the token was read from the cache file, not requested */
  char scopes[2048];      /* space-separated, as Zoom sent them ("" when unknown) */
  char api_base[256];     /* the API base URL requests go to */
  char cache_path[512];   /* the cache file */
  zoom_rate_limit rate;   /* last rate-limit headers seen */
} zoom_token_status;

/* A new JSON object: {state, expires_at, expires_utc, expires_local, timezone,
 * minutes_left, renew_due, from_cache, scopes[], api_base, cache_path, rate_limit{...}}.
 * NULL on OOM. */
json_t *zoom_token_status_to_json(const zoom_token_status *st);

#endif
