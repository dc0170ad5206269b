/* error.c - building, describing and serialising zoom_error values; hints for Zoom's codes. */
#include "zoom/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zoom/scopes.h"

static const char *const kind_names[ZOOM_ERR_KIND_COUNT] = {
    [ZOOM_OK] = "ok",
    [ZOOM_ERR_CONFIG] = "config",
    [ZOOM_ERR_AUTH] = "auth",
    [ZOOM_ERR_HTTP] = "http",
    [ZOOM_ERR_RATE_LIMIT] = "rate_limit",
    [ZOOM_ERR_TRANSPORT] = "transport",
    [ZOOM_ERR_TIMEOUT] = "timeout",
    [ZOOM_ERR_OUTCOME_UNKNOWN] = "outcome_unknown",
    [ZOOM_ERR_BAD_REPLY] = "bad_reply",
    [ZOOM_ERR_CANCELLED] = "cancelled",
    [ZOOM_ERR_INVALID] = "invalid",
    [ZOOM_ERR_NOMEM] = "nomem",
};

void zoom_error_clear(zoom_error *err) {
  if (!err)
    return;
  json_decref(err->field_errors);
  memset(err, 0, sizeof *err);
  err->retry_after_s = -1;
}

int zoom_error_set(zoom_error *err, zoom_error_kind kind, const char *fmt, ...) {
  if (!err)
    return -1;
  err->kind = kind;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return -1;
}

void zoom_error_hint(zoom_error *err, const char *fmt, ...) {
  if (!err)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->hint, sizeof err->hint, fmt, ap);
  va_end(ap);
}

const char *zoom_error_kind_name(zoom_error_kind kind) {
  if ((int)kind < 0 || kind >= ZOOM_ERR_KIND_COUNT)
    return "unknown";
  return kind_names[kind];
}

bool zoom_error_is_transient(const zoom_error *err) {
  if (!err)
    return false;
  switch (err->kind) {
  case ZOOM_ERR_TRANSPORT:
  case ZOOM_ERR_TIMEOUT:
    return true;
  case ZOOM_ERR_RATE_LIMIT:
    return strcmp(err->rate_type, "Daily-limit") != 0;
  case ZOOM_ERR_HTTP:
    return err->http_status >= 500;
  default:
    return false;
  }
}

json_t *zoom_error_to_json(const zoom_error *err) {
  json_t *o = json_object();
  if (!o || !err)
    return o;
  json_object_set_new(o, "kind", json_string(zoom_error_kind_name(err->kind)));
  json_object_set_new(o, "message", json_string(err->message));
  if (err->hint[0])
    json_object_set_new(o, "hint", json_string(err->hint));
  if (err->http_status)
    json_object_set_new(o, "http_status", json_integer(err->http_status));
  if (err->zoom_code)
    json_object_set_new(o, "zoom_code", json_integer(err->zoom_code));
  if (err->method[0])
    json_object_set_new(o, "method", json_string(err->method));
  if (err->path[0])
    json_object_set_new(o, "path", json_string(err->path));
  if (err->field_errors)
    json_object_set(o, "field_errors", err->field_errors);
  if (err->kind == ZOOM_ERR_RATE_LIMIT) {
    json_t *rl = json_object();
    if (err->rate_category[0])
      json_object_set_new(rl, "category", json_string(err->rate_category));
    if (err->rate_type[0])
      json_object_set_new(rl, "type", json_string(err->rate_type));
    if (err->retry_after_s >= 0)
      json_object_set_new(rl, "retry_after_seconds", json_integer(err->retry_after_s));
    json_object_set_new(o, "rate_limit", rl);
  }
  return o;
}

/* Appends the scope sentence for METHOD PATH to BUF. */
static void hint_scope(char *buf, size_t size, const char *method, const char *path) {
  const zoom_scope_need *need = zoom_scopes_for(method, path);
  if (!need) {
    snprintf(buf, size,
             "The app lacks a permission or scope this operation needs: check the scopes of "
             "the Server-to-Server OAuth app in the Zoom App Marketplace, then get a new token.");
    return;
  }
  if (need->granular)
    snprintf(buf, size,
             "%s %s needs the scope %s (granular: %s). Add it to the Server-to-Server OAuth "
             "app in the Zoom App Marketplace, then get a new token (refresh_token).",
             need->method, need->pattern, need->classic, need->granular);
  else
    snprintf(buf, size,
             "%s %s needs the scope %s. Add it to the Server-to-Server OAuth app in the Zoom "
             "App Marketplace, then get a new token (refresh_token).",
             need->method, need->pattern, need->classic);
}

/* Hints for Zoom's well-known error codes. */
static const struct {
  long code;
  const char *hint; /* NULL: the scope hint */
} code_hints[] = {
    {124, "The access token was invalid or expired; a new one is requested automatically. If "
          "this persists, check the app's credentials (configure_zoom)."},
    {200, NULL},
    {4711, NULL},
    {300, "Zoom rejected a field value; see field_errors for which field and why."},
    {1001, "No such user in this account: list users (list_users_for_selection) and use an id "
           "or email from there."},
    {3001, "No such webinar, or it has expired: list webinars (list_webinars) for current ids; "
           "past webinars are reached through list_past_webinar_instances."},
    {429, "Zoom's rate limit was hit; wait and try again."},
};

void zoom_error_from_reply(zoom_error *err, const char *method, const char *path, long status,
                           json_t *body) {
  if (!err)
    return;
  err->kind = status == 429 ? ZOOM_ERR_RATE_LIMIT : ZOOM_ERR_HTTP;
  err->http_status = status;
  snprintf(err->method, sizeof err->method, "%s", method ? method : "");
  snprintf(err->path, sizeof err->path, "%.*s", (int)(path ? strcspn(path, "?") : 0),
           path ? path : "");
  json_t *code = json_object_get(body, "code");
  const char *msg = json_string_value(json_object_get(body, "message"));
  err->zoom_code = json_is_integer(code) ? (long)json_integer_value(code) : 0;
  if (msg && err->zoom_code)
    snprintf(err->message, sizeof err->message, "Zoom answered %ld (code %ld): %s", status,
             err->zoom_code, msg);
  else if (msg)
    snprintf(err->message, sizeof err->message, "Zoom answered %ld: %s", status, msg);
  else
    snprintf(err->message, sizeof err->message, "Zoom answered HTTP %ld", status);
  json_t *errors = json_object_get(body, "errors");
  if (json_is_array(errors) && json_array_size(errors) > 0) {
    json_decref(err->field_errors);
    err->field_errors = json_deep_copy(errors);
  }
  long key = err->zoom_code ? err->zoom_code : (status == 429 ? 429 : 0);
  if (status == 403 && !err->zoom_code)
    key = 4711;
  for (size_t i = 0; i < sizeof code_hints / sizeof code_hints[0]; i++) {
    if (code_hints[i].code != key)
      continue;
    if (code_hints[i].hint)
      snprintf(err->hint, sizeof err->hint, "%s", code_hints[i].hint);
    else
      hint_scope(err->hint, sizeof err->hint, method, path);
    return;
  }
  if (status >= 500)
    snprintf(err->hint, sizeof err->hint,
             "Zoom had a server-side problem; trying again in a little while may work.");
}

/* ---- redaction ---- */

#define REDACTED "[redacted]"
#define REDACT_MIN 4 /* shorter "secrets" would redact ordinary words */

void zoom_text_redact(char *buf, size_t size, const char *secret) {
  size_t slen = secret ? strlen(secret) : 0;
  if (!buf || size == 0 || slen < REDACT_MIN)
    return;
  char *out = malloc(size); /* owned; the text rebuilt */
  if (!out) {
    if (strstr(buf, secret))
      snprintf(buf, size, "%s", REDACTED); /* no memory: hide the whole text */
    return;
  }
  size_t o = 0;
  for (const char *p = buf; *p && o < size - 1;) {
    if (strncmp(p, secret, slen) == 0) {
      for (const char *r = REDACTED; *r && o < size - 1; r++)
        out[o++] = *r;
      p += slen;
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = '\0';
  /* A tail that is the start of the secret: the text was cut inside it. */
  for (size_t n = slen - 1; n >= REDACT_MIN; n--) {
    if (n <= o && memcmp(out + o - n, secret, n) == 0) {
      snprintf(out + o - n, size - (o - n), "%s", REDACTED);
      break;
    }
  }
  memcpy(buf, out, strlen(out) + 1);
  free(out);
}

/* Redacts SECRET in every string under V, keys included, in place. */
static void json_redact(json_t *v, const char *secret, int depth) {
  if (!v || depth > 64)
    return;
  if (json_is_string(v)) {
    if (!strstr(json_string_value(v), secret))
      return;
    size_t size = json_string_length(v) + sizeof REDACTED;
    char *copy = malloc(size);
    if (!copy)
      return;
    snprintf(copy, size, "%s", json_string_value(v));
    zoom_text_redact(copy, size, secret);
    json_string_set(v, copy);
    free(copy);
  } else if (json_is_array(v)) {
    for (size_t i = 0; i < json_array_size(v); i++)
      json_redact(json_array_get(v, i), secret, depth + 1);
  } else if (json_is_object(v)) {
    const char *key;
    json_t *item;
    void *tmp;
    json_object_foreach_safe(v, tmp, key, item) {
      json_redact(item, secret, depth + 1);
      if (!strstr(key, secret))
        continue;
      /* A key quoting the secret: the entry moves to the redacted key. */
      size_t size = strlen(key) + sizeof REDACTED;
      char *copy = malloc(size);
      if (copy) {
        snprintf(copy, size, "%s", key);
        zoom_text_redact(copy, size, secret);
        json_object_set(v, copy, item);
        free(copy);
      }
      json_object_del(v, key);
    }
  }
}

void zoom_error_redact(zoom_error *err, const char *secret) {
  if (!err || !secret || strlen(secret) < REDACT_MIN)
    return;
  zoom_text_redact(err->message, sizeof err->message, secret);
  zoom_text_redact(err->hint, sizeof err->hint, secret);
  zoom_text_redact(err->rate_category, sizeof err->rate_category, secret); /* header values */
  zoom_text_redact(err->rate_type, sizeof err->rate_type, secret);
  json_redact(err->field_errors, secret, 0);
}
