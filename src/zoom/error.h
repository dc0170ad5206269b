/* error.h - the one error value of the Zoom client: what failed, Zoom's code and words, a hint. */
#ifndef ZOOM_ERROR_H
#define ZOOM_ERROR_H

#include <jansson.h>
#include <stdbool.h>

/* What kind of failure; each kind has a stable snake_case name (zoom_error_kind_name). */
typedef enum {
  ZOOM_OK = 0,
  ZOOM_ERR_CONFIG,          /* configuration missing or malformed */
  ZOOM_ERR_AUTH,            /* the token request failed or the credentials were rejected */
  ZOOM_ERR_HTTP,            /* Zoom answered with an error status (4xx/5xx) */
  ZOOM_ERR_RATE_LIMIT,      /* 429: daily limit, or per-second limit still hit after retries */
  ZOOM_ERR_TRANSPORT,       /* Zoom could not be reached (DNS, connect, TLS, reset) */
  ZOOM_ERR_TIMEOUT,         /* no complete reply within the request timeout */
  ZOOM_ERR_OUTCOME_UNKNOWN, /* a non-repeatable request may have reached Zoom; not re-sent */
  ZOOM_ERR_BAD_REPLY,       /* reply not JSON, truncated, or larger than the cap */
  ZOOM_ERR_CANCELLED,       /* the caller's cancellation hook said stop */
  ZOOM_ERR_INVALID,         /* bad argument from the caller */
  ZOOM_ERR_NOMEM,
  ZOOM_ERR_KIND_COUNT
} zoom_error_kind;

/* One failure. Fixed-size text so it can live on the stack; field_errors is the
 * only owned pointer (release with zoom_error_clear). Never holds a secret. */
typedef struct zoom_error {
  zoom_error_kind kind;
  long http_status;       /* HTTP status of Zoom's reply, 0 when there was none */
  long zoom_code;         /* "code" of Zoom's error body, 0 when none */
  char message[512];      /* what happened, for a person */
  char hint[512];         /* what to do about it, "" when nothing specific */
  char method[8];         /* the request that failed, "" when not a request */
  char path[256];         /* path only: never the query, never a token */
  json_t *field_errors;   /* Zoom's "errors" array ({field, message} objects), or NULL; owned */
  char rate_category[32]; /* X-RateLimit-Category of a 429, "" otherwise */
  char rate_type[32];     /* X-RateLimit-Type of a 429 ("QPS", "Daily-limit") */
  long retry_after_s;     /* seconds until a retry makes sense, -1 when unknown */
} zoom_error;

/* Zeroes ERR (after releasing field_errors) and sets retry_after_s to -1. ERR may be NULL.
 * A zoom_error must start zeroed (`zoom_error err = {0};`); clear it once done with it. */
void zoom_error_clear(zoom_error *err);

/* Sets kind and a printf-style message, keeping other fields. Returns -1 so
 * callers can write `return zoom_error_set(err, ...)`. ERR may be NULL. */
int zoom_error_set(zoom_error *err, zoom_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets the hint (printf-style). ERR may be NULL. */
void zoom_error_hint(zoom_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "config", "auth", "http", "rate_limit", "transport", "timeout", "outcome_unknown",
 * "bad_reply", "cancelled", "invalid", "nomem"; "ok" for ZOOM_OK. Static string. */
const char *zoom_error_kind_name(zoom_error_kind kind);

/* True for kinds where trying again later may succeed (rate_limit, transport, timeout,
 * and 5xx http). */
bool zoom_error_is_transient(const zoom_error *err);

/* A new JSON object: {kind, message, hint?, http_status?, zoom_code?, method?, path?,
 * field_errors?, rate_limit?{category,type,retry_after_seconds}}. NULL on OOM. */
json_t *zoom_error_to_json(const zoom_error *err);

/* Fills ERR from a Zoom error reply: status, body {code, message, errors[]}, and the
 * hint for well-known codes. METHOD and PATH name the request (the scope hint comes
 * from them). BODY is borrowed and may be NULL (non-JSON reply). */
void zoom_error_from_reply(zoom_error *err, const char *method, const char *path, long status,
                           json_t *body);

/* Replaces in BUF (SIZE bytes, NUL-terminated) every occurrence of SECRET with
 * "[redacted]", and a tail of BUF that is the start of SECRET (text cut inside it) too.
 * Text from Zoom may quote what it was sent; no secret may reach an error or a log.
 * A SECRET shorter than 4 characters, or NULL, is left alone. */
void zoom_text_redact(char *buf, size_t size, const char *secret);

/* zoom_text_redact over ERR's message, hint, rate-limit category and type (header values),
 * and every string in its field_errors. */
void zoom_error_redact(zoom_error *err, const char *secret);

#endif
