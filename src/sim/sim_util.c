/* sim_util.c - simulator helpers: PRNG and ids, times, replies, query parsing, pagination. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/pct.h"
#include "sim/sim_internal.h"
#include "base/num.h"
#include "base/tz.h"

/* ---- clock and randomness ---------------------------------------------------- */

int64_t sim_now(sim *s) {
  int64_t base = s->opt.clock_at; /* set at start, never changed: a held clock */
  if (base <= 0) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    base = (int64_t)ts.tv_sec;
  }
  return base + __atomic_load_n(&s->clock_offset, __ATOMIC_SEQ_CST);
}

uint64_t sim_prng_next(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double sim_prng_unit(uint64_t *state) {
  return (double)(sim_prng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t sim_rand(sim *s) {
  return sim_prng_next(&s->rng);
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char idchars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void sim_new_user_id(sim *s, char out[23]) {
  for (int i = 0; i < 22; i++)
    out[i] = idchars[sim_rand(s) % 64];
  out[22] = '\0';
}

void sim_new_uuid(sim *s, char out[25]) {
  for (int i = 0; i < 22; i++)
    out[i] = b64chars[sim_rand(s) % 64];
  /* 16 bytes in base64 end with two padding characters; the last data
   * character carries only 2 bits, so it is one of A, Q, g, w. */
  out[21] = "AQgw"[sim_rand(s) % 4];
  out[22] = '=';
  out[23] = '=';
  out[24] = '\0';
}

int64_t sim_new_webinar_id(sim *s) {
  for (;;) {
    int64_t id = 81000000000LL + (int64_t)(sim_rand(s) % 18999999999ULL);
    if (!sim_webinar_by_id(s, id))
      return id;
  }
}

void sim_new_token(sim *s, char *out, size_t len) {
  if (len == 0)
    return;
  for (size_t i = 0; i + 1 < len; i++)
    out[i] = idchars[sim_rand(s) % 62];
  out[len - 1] = '\0';
}

void sim_time_format(int64_t t, char out[21]) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  int y, m, d;
  tz_civil_from_days(days, &y, &m, &d);
  char buf[64];
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, m, d, (int)(secs / 3600),
           (int)(secs / 60 % 60), (int)(secs % 60));
  memcpy(out, buf, 20);
  out[20] = '\0';
}

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

int sim_time_parse(const char *text, const char *zone, int64_t *out) {
  int y, mo, d, h, mi, se = 0;
  const char *p = text;
  if (!text)
    return -1;
  if (num_digits(&p, 4, &y) || *p++ != '-' || num_digits(&p, 2, &mo) || *p++ != '-' ||
      num_digits(&p, 2, &d) || *p++ != 'T' || num_digits(&p, 2, &h) || *p++ != ':' ||
      num_digits(&p, 2, &mi))
    return -1;
  if (*p == ':') {
    p++;
    if (num_digits(&p, 2, &se))
      return -1;
  }
  if (*p == '.') { /* fractional seconds are accepted and dropped */
    p++;
    if (!isdigit((unsigned char)*p))
      return -1;
    while (isdigit((unsigned char)*p))
      p++;
  }
  bool utc = false;
  if (*p == 'Z') {
    utc = true;
    p++;
  }
  if (*p)
    return -1;
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || se > 59)
    return -1;
  int64_t local = tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  if (utc || !zone || !*zone || strcmp(zone, "UTC") == 0 || strcmp(zone, "GMT") == 0) {
    *out = local;
    return 0;
  }
  return tz_local_to_utc(zone, local, out);
}

/* ---- text ------------------------------------------------------------------- */

static const char utf8_replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Length of the well-formed UTF-8 character at P (N >= 1 bytes readable):
 * 1 to 4, or 0 when the bytes there do not form one (Unicode's table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF, no NUL). */
static size_t utf8_char_len(const unsigned char *p, size_t n) {
  unsigned char c = p[0], lo = 0x80, hi = 0xBF;
  size_t len;
  if (c >= 0x01 && c <= 0x7F)
    return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (n < len || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return len;
}

size_t sim_utf8_copy(char *out, size_t cap, const char *in, size_t inlen) {
  size_t o = 0;
  if (cap == 0)
    return 0;
  const unsigned char *p = (const unsigned char *)in;
  for (size_t i = 0; i < inlen;) {
    size_t n = utf8_char_len(p + i, inlen - i);
    const char *src = n ? in + i : utf8_replacement;
    size_t w = n ? n : sizeof utf8_replacement - 1;
    if (w >= cap - o) /* the character and the NUL must fit: stop at its start */
      break;
    memcpy(out + o, src, w);
    o += w;
    i += n ? n : 1;
  }
  out[o] = '\0';
  return o;
}

char *sim_utf8_dup(const char *in, size_t inlen, size_t max) {
  size_t cap = inlen <= max / 3 ? inlen * 3 : max; /* each byte grows to 3 at most */
  char *out = malloc(cap + 1);
  if (out)
    sim_utf8_copy(out, cap + 1, in, inlen);
  return out;
}

const char *sim_text_clip(char *buf, size_t cap, const char *text) {
  if (!text)
    text = "";
  sim_utf8_copy(buf, cap, text, strlen(text));
  return buf;
}

/* ---- replies ----------------------------------------------------------------- */

void sim_resp_clear(sim_resp *rs) {
  json_decref(rs->body);
  rs->body = NULL;
  for (size_t i = 0; i < rs->nheaders; i++) {
    free(rs->hnames[i]);
    free(rs->hvalues[i]);
  }
  rs->nheaders = 0;
  rs->status = 0;
}

/* Replaces the body and status but keeps headers added so far. */
static void reply_set(sim_resp *rs, int status, json_t *body) {
  json_decref(rs->body);
  rs->body = body;
  rs->status = status;
}

void sim_reply_json(sim_resp *rs, int status, json_t *body) {
  if (!body) {
    reply_set(rs, 500, json_pack("{s:i,s:s}", "code", 500, "message", "Out of memory."));
    return;
  }
  reply_set(rs, status, body);
}

void sim_reply_empty(sim_resp *rs, int status) {
  reply_set(rs, status, NULL);
}

/* Formats FMT into OUT (CAP bytes) as valid UTF-8: input echoed in a message
 * may hold any bytes, and jansson refuses a string that is not UTF-8. */
static void format_utf8(char *out, size_t cap, const char *fmt, va_list ap) {
  char raw[512];
  int n = vsnprintf(raw, sizeof raw, fmt, ap);
  size_t len = n < 0 ? 0 : strlen(raw);
  if (n >= 0 && (size_t)n > len) { /* cut short: drop a character cut in two */
    size_t start = len;
    while (start > 0 && len - start < 4 && ((unsigned char)raw[start - 1] & 0xC0) == 0x80)
      start--;
    if (start > 0 && (unsigned char)raw[start - 1] >= 0xC0 &&
        utf8_char_len((const unsigned char *)raw + start - 1, len - start + 1) == 0)
      len = start - 1;
  }
  sim_utf8_copy(out, cap, raw, len);
}

void sim_reply_error(sim_resp *rs, int status, int code, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  format_utf8(msg, sizeof msg, fmt, ap);
  va_end(ap);
  reply_set(rs, status, json_pack("{s:i,s:s}", "code", code, "message", msg));
}

void sim_reply_invalid(sim_resp *rs, json_t *errors) {
  reply_set(rs, 400,
            json_pack("{s:i,s:s,s:o}", "code", 300, "message", "Validation Failed.", "errors",
                      errors ? errors : json_array()));
}

bool sim_reply_if_invalid(sim_resp *rs, json_t *errors) {
  if (json_array_size(errors) == 0) {
    json_decref(errors);
    return false;
  }
  sim_reply_invalid(rs, errors);
  return true;
}

void sim_reply_webinar_not_found(sim_resp *rs, const char *id) {
  char clip[SIM_ECHO_MAX];
  sim_reply_error(rs, 404, 3001, "Webinar %s not found or has expired.",
                  sim_text_clip(clip, sizeof clip, id));
}

void sim_reply_user_not_found(sim_resp *rs, const char *id) {
  char clip[2 * SIM_ECHO_MAX];
  sim_reply_error(rs, 404, 1001, "User does not exist: %s.", sim_text_clip(clip, sizeof clip, id));
}

void sim_reply_header(sim_resp *rs, const char *name, const char *value) {
  for (size_t i = 0; i < rs->nheaders; i++) {
    if (strcasecmp(rs->hnames[i], name) == 0) {
      char *v = strdup(value);
      if (v) {
        free(rs->hvalues[i]);
        rs->hvalues[i] = v;
      }
      return;
    }
  }
  if (rs->nheaders >= SIM_RESP_HEADERS_MAX)
    return;
  char *n = strdup(name), *v = strdup(value);
  if (!n || !v) {
    free(n);
    free(v);
    return;
  }
  rs->hnames[rs->nheaders] = n;
  rs->hvalues[rs->nheaders] = v;
  rs->nheaders++;
}

void sim_errors_add(json_t *errors, const char *field, const char *fmt, ...) {
  char msg[256], clean_field[SIM_ECHO_MAX];
  va_list ap;
  va_start(ap, fmt);
  format_utf8(msg, sizeof msg, fmt, ap);
  va_end(ap);
  json_array_append_new(errors, json_pack("{s:s,s:s}", "field",
                                          sim_text_clip(clean_field, sizeof clean_field, field),
                                          "message", msg));
}

/* ---- requests ------------------------------------------------------------------ */

const char *sim_req_param(const sim_req *rq, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < rq->nparams; i++) {
    const char *pn = rq->param_names[i]; /* points at "{name}" in the pattern */
    if (pn && pn[0] == '{' && strncmp(pn + 1, name, n) == 0 && pn[n + 1] == '}')
      return rq->params[i];
  }
  return NULL;
}

const char *sim_req_query(const sim_req *rq, const char *name) {
  for (size_t i = 0; i < rq->nquery; i++)
    if (strcmp(rq->qkeys[i], name) == 0)
      return rq->qvals[i];
  return NULL;
}

int sim_req_query_int(const sim_req *rq, const char *name, long def, long min, long max,
                      long *out) {
  const char *v = sim_req_query(rq, name);
  if (!v || !*v) {
    *out = def;
    return 0;
  }
  char *end = NULL;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || *end || n < min || n > max)
    return -1;
  *out = n;
  return 0;
}

size_t sim_parse_pairs(const char *text, char **keys, char **vals, size_t max) {
  size_t n = 0;
  const char *p = text;
  while (p && *p && n < max) {
    const char *amp = strchr(p, '&');
    size_t len = amp ? (size_t)(amp - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    size_t klen = eq ? (size_t)(eq - p) : len;
    if (klen > 0) {
      char *k = pct_decode(p, klen, true);
      char *v = eq ? pct_decode(eq + 1, len - klen - 1, true) : strdup("");
      if (k && v) {
        keys[n] = k;
        vals[n] = v;
        n++;
      } else {
        free(k);
        free(v);
      }
    }
    p = amp ? amp + 1 : NULL;
  }
  return n;
}

/* ---- pagination ----------------------------------------------------------------- */

int sim_page_begin(sim *s, sim_req *rq, sim_resp *rs, const char *scope, sim_page *pg) {
  long size;
  pg->offset = 0;
  /* Zoom answers a page_size above the maximum with the maximum. */
  if (sim_req_query_int(rq, "page_size", SIM_PAGE_SIZE_DEFAULT, 1, 1000000, &size)) {
    json_t *errors = json_array();
    sim_errors_add(errors, "page_size", "Invalid field.");
    sim_reply_invalid(rs, errors);
    return -1;
  }
  pg->size = size > SIM_PAGE_SIZE_MAX ? SIM_PAGE_SIZE_MAX : (size_t)size;
  const char *tok = sim_req_query(rq, "next_page_token");
  if (!tok || !*tok)
    return 0;
  for (size_t i = 0; i < SIM_PAGE_TOKENS_MAX; i++) {
    sim_page_token *t = &s->page_tokens[i];
    if (t->value[0] && strcmp(t->value, tok) == 0 && strcmp(t->scope, scope) == 0) {
      if (t->expires <= rq->now)
        break;
      pg->offset = t->offset;
      return 0;
    }
  }
  sim_reply_error(rs, 400, 300, "The next page token is invalid or expired.");
  return -1;
}

void sim_page_numbers(json_t *obj, const sim_page *pg, size_t total) {
  size_t size = pg->size ? pg->size : 1;
  json_object_set_new(obj, "page_count", json_integer((json_int_t)((total + size - 1) / size)));
  json_object_set_new(obj, "page_number", json_integer((json_int_t)(pg->offset / size + 1)));
}

void sim_page_end(sim *s, json_t *obj, const char *scope, const sim_page *pg, size_t total) {
  const char *next = "";
  size_t end = pg->offset + pg->size;
  if (end < total) {
    sim_page_token *t = &s->page_tokens[s->next_page_token];
    s->next_page_token = (s->next_page_token + 1) % SIM_PAGE_TOKENS_MAX;
    sim_new_token(s, t->value, 33);
    snprintf(t->scope, sizeof t->scope, "%s", scope);
    t->offset = end;
    t->expires = sim_now(s) + SIM_PAGE_TOKEN_TTL;
    next = t->value;
  }
  json_object_set_new(obj, "page_size", json_integer((json_int_t)pg->size));
  json_object_set_new(obj, "total_records", json_integer((json_int_t)total));
  json_object_set_new(obj, "next_page_token", json_string(next));
}
