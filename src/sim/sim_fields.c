/* sim_fields.c - helpers of the webinar sub-resources: body checks, registration settings, join
 * URLs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_resources.h"

/* Writes the field name (PREFIX.KEY or KEY) into OUT. */
static void field_name(const char *prefix, const char *key, char *out, size_t len) {
  if (prefix && *prefix)
    snprintf(out, len, "%s.%s", prefix, key);
  else
    snprintf(out, len, "%s", key);
}

int sim_field_string(json_t *obj, const char *key, size_t max, bool required, const char *prefix,
                     json_t *errors) {
  char name[128];
  json_t *v = json_object_get(obj, key);
  field_name(prefix, key, name, sizeof name);
  if (!v || json_is_null(v)) {
    if (!required)
      return 0;
    sim_errors_add(errors, name, "This field is required.");
    return -1;
  }
  if (!json_is_string(v)) {
    sim_errors_add(errors, name, "Must be a string.");
    return -1;
  }
  size_t len = json_string_length(v);
  if (required && len == 0) {
    sim_errors_add(errors, name, "This field is required.");
    return -1;
  }
  if (len > max) {
    sim_errors_add(errors, name, "Must be at most %zu characters.", max);
    return -1;
  }
  return 0;
}

int sim_field_bool(json_t *obj, const char *key, const char *prefix, json_t *errors) {
  json_t *v = json_object_get(obj, key);
  if (!v || json_is_boolean(v))
    return 0;
  char name[128];
  field_name(prefix, key, name, sizeof name);
  sim_errors_add(errors, name, "Must be a boolean.");
  return -1;
}

int sim_field_int(json_t *obj, const char *key, long long min, long long max, const char *prefix,
                  json_t *errors) {
  json_t *v = json_object_get(obj, key);
  if (!v)
    return 0;
  char name[128];
  field_name(prefix, key, name, sizeof name);
  if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
    sim_errors_add(errors, name, "Must be an integer from %lld to %lld.", min, max);
    return -1;
  }
  return 0;
}

int sim_field_enum(json_t *obj, const char *key, const char *const *allowed, const char *prefix,
                   json_t *errors) {
  json_t *v = json_object_get(obj, key);
  if (!v)
    return 0;
  if (json_is_string(v))
    for (size_t i = 0; allowed[i]; i++)
      if (strcmp(json_string_value(v), allowed[i]) == 0)
        return 0;
  char name[128];
  field_name(prefix, key, name, sizeof name);
  sim_errors_add(errors, name, "Invalid value.");
  return -1;
}

int sim_field_array(json_t *obj, const char *key, size_t min, size_t max, bool required,
                    const char *prefix, json_t *errors) {
  json_t *v = json_object_get(obj, key);
  char name[128];
  field_name(prefix, key, name, sizeof name);
  if (!v) {
    if (!required)
      return 0;
    sim_errors_add(errors, name, "This field is required.");
    return -1;
  }
  if (!json_is_array(v)) {
    sim_errors_add(errors, name, "Must be an array.");
    return -1;
  }
  if (json_array_size(v) < min || json_array_size(v) > max) {
    sim_errors_add(errors, name, "Must have from %zu to %zu items.", min, max);
    return -1;
  }
  return 0;
}

bool sim_email_valid(const char *text) {
  if (!text || !sim_text_plain(text))
    return false;
  const char *at = strchr(text, '@');
  if (!at || at == text || strchr(at + 1, '@') || strpbrk(text, " \t\r\n,;<>\"") != NULL)
    return false;
  const char *dot = strrchr(at + 1, '.');
  return dot && dot > at + 1 && dot[1] != '\0';
}

bool sim_text_plain(const char *text) {
  for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return false;
  return true;
}

void sim_rows_init(sim_rows *r) {
  buf_init(&r->text, BUF_NO_CAP);
}

void sim_rows_add(sim_rows *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vappendf(&r->text, fmt, ap);
  va_end(ap);
  buf_append(&r->text, "\t", 1);
}

void sim_rows_text(sim_rows *r, const char *text) {
  buf_append_str(&r->text, text);
  buf_append(&r->text, "\t", 1);
}

void sim_rows_end(sim_rows *r) {
  bytebuf *b = &r->text;
  if (b->status == BUF_OK && b->len > 0 && b->data[b->len - 1] == '\t')
    b->data[b->len - 1] = '\n';
}

json_t *sim_rows_take(sim_rows *r) {
  size_t len = 0;
  char *text = buf_take(&r->text, &len);
  json_t *out = text ? json_stringn(text, len) : NULL;
  free(text);
  return out;
}

size_t sim_rows_split(char *record, char **fields, size_t max) {
  size_t n = 0;
  char *p = record;
  while (p && n < max) {
    fields[n++] = p;
    p = strchr(p, '\t');
    if (p)
      *p++ = '\0';
  }
  return p ? max + 1 : n; /* more fields than MAX: report an overflow */
}

char *sim_rows_next(char **cursor) {
  char *rec = *cursor;
  if (!rec || !*rec)
    return NULL;
  char *end = strchr(rec, '\n');
  if (end) {
    *end = '\0';
    *cursor = end + 1;
  } else {
    *cursor = rec + strlen(rec);
  }
  return rec;
}

int sim_webinar_approval_type(const sim_webinar *w) {
  json_t *v = json_object_get(json_object_get(w->obj, "settings"), "approval_type");
  return json_is_integer(v) ? (int)json_integer_value(v) : 2;
}

bool sim_webinar_registration(const sim_webinar *w) {
  int a = sim_webinar_approval_type(w);
  return a == 0 || a == 1;
}

const char *sim_webinar_topic(const sim_webinar *w) {
  const char *t = json_string_value(json_object_get(w->obj, "topic"));
  return t ? t : "";
}

bool sim_webinar_over(const sim_webinar *w, int64_t now) {
  if (w->ended)
    return true;
  if (w->type == 6)
    return false;
  if (w->nocc > 0) {
    const sim_occurrence *last = &w->occ[w->nocc - 1];
    return last->start + (int64_t)last->duration * 60 <= now;
  }
  return w->start > 0 && w->start + (int64_t)w->duration * 60 <= now;
}

static json_t *ext_get(sim_webinar *w, const char *key, bool array) {
  json_t *v = json_object_get(w->ext, key);
  if (v && (array ? json_is_array(v) : json_is_object(v)))
    return v;
  v = array ? json_array() : json_object();
  if (!v || json_object_set_new(w->ext, key, v) != 0)
    return NULL;
  return v;
}

json_t *sim_ext_array(sim_webinar *w, const char *key) {
  return ext_get(w, key, true);
}

json_t *sim_ext_object(sim_webinar *w, const char *key) {
  return ext_get(w, key, false);
}

void sim_join_url(const sim_webinar *w, const char *tk, char *out, size_t len) {
  snprintf(out, len, "%s/w/%lld?tk=%s", SIM_JOIN_HOST, (long long)w->id, tk);
}

sim_webinar *sim_webinar_param(sim *s, sim_req *rq, sim_resp *rs) {
  const char *id = sim_req_param(rq, "webinarId");
  sim_webinar *w = sim_webinar_find(s, id);
  if (!w)
    sim_reply_webinar_not_found(rs, id);
  return w;
}
