/* simres.c - test support for the sandbox's webinar sub-resources: one-line calls over simtest. */
#include "simres.h"

#include <stdarg.h>
#include <stdio.h>

int simres_callf(simtest *t, const char *method, const char *body, json_t **out, const char *fmt,
                 ...) {
  char target[3072];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(target, sizeof target, fmt, ap);
  va_end(ap);
  simtest_reply r;
  int status = simtest_call(t, method, target, body, &r) == 0 ? (int)r.status : -1;
  if (out)
    *out = r.json ? json_incref(r.json) : NULL;
  simtest_reply_free(&r);
  return status;
}

const char *simres_str(json_t *obj, const char *key) {
  const char *v = json_string_value(json_object_get(obj, key));
  return v ? v : "";
}

long long simres_int(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}
