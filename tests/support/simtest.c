/* simtest.c - tests of the Zoom simulator: in-process start and a small libcurl client. */
#include "simtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

typedef struct buf {
  char *data;
  size_t len;
} buf;

static size_t on_data(char *ptr, size_t size, size_t n, void *ud) {
  buf *b = ud;
  size_t add = size * n;
  char *grown = realloc(b->data, b->len + add + 1);
  if (!grown)
    return 0;
  memcpy(grown + b->len, ptr, add);
  b->len += add;
  grown[b->len] = '\0';
  b->data = grown;
  return add;
}

int simtest_start(simtest *t, const sim_options *opt) {
  sim_options held;
  memset(t, 0, sizeof *t);
  if (opt)
    held = *opt;
  else
    sim_options_init(&held);
  if (held.clock_at <= 0)
    held.clock_at = SIMTEST_NOW;
  if (sim_start(&t->s, &held) != 0)
    return -1;
  opt = &held;
  snprintf(t->base, sizeof t->base, "%s", sim_base_url(t->s));
  t->curl = curl_easy_init();
  if (!t->curl)
    return -1;
  simtest_reply r;
  if (simtest_token(t, opt->client_id ? opt->client_id : "sandbox",
                    opt->client_secret ? opt->client_secret : "sandbox",
                    opt->account_id ? opt->account_id : "sandbox", &r) == 0 &&
      r.status == 200) {
    const char *tok = json_string_value(json_object_get(r.json, "access_token"));
    snprintf(t->token, sizeof t->token, "%s", tok ? tok : "");
  }
  simtest_reply_free(&r);
  return 0;
}

void simtest_stop(simtest *t) {
  if (t->curl)
    curl_easy_cleanup(t->curl);
  t->curl = NULL;
  sim_stop(t->s);
  t->s = NULL;
}

int simtest_call_ex(simtest *t, const char *method, const char *target, const char *body,
                    const char *auth, const char *content_type, long timeout_ms,
                    simtest_reply *out) {
  CURL *c = t->curl;
  buf data = {0}, head = {0};
  struct curl_slist *hdrs = NULL;
  char line[512], url[4096];
  memset(out, 0, sizeof *out);
  snprintf(url, sizeof url, "%s%s", t->base, target);
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &data);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &head);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  if (timeout_ms > 0)
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (auth) {
    snprintf(line, sizeof line, "Authorization: %s", auth);
    hdrs = curl_slist_append(hdrs, line);
  }
  if (body) {
    snprintf(line, sizeof line, "Content-Type: %s",
             content_type ? content_type : "application/json");
    hdrs = curl_slist_append(hdrs, line);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  }
  if (strcmp(method, "HEAD") == 0)
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(hdrs);
  out->curl_code = (int)rc;
  out->text = data.data ? data.data : strdup("");
  out->headers = head.data ? head.data : strdup("");
  if (rc != CURLE_OK)
    return -1;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
  if (data.len > 0)
    out->json = json_loadb(data.data, data.len, 0, NULL);
  return 0;
}

int simtest_call(simtest *t, const char *method, const char *target, const char *body,
                 simtest_reply *out) {
  char auth[160];
  snprintf(auth, sizeof auth, "Bearer %s", t->token);
  return simtest_call_ex(t, method, target, body, auth, NULL, 0, out);
}

void simtest_reply_free(simtest_reply *r) {
  free(r->text);
  free(r->headers);
  json_decref(r->json);
  memset(r, 0, sizeof *r);
}

const char *simtest_header(const simtest_reply *r, const char *name, char *out, size_t len) {
  size_t n = strlen(name);
  const char *p = r->headers;
  const char *found = NULL;
  while (p && *p) {
    if (strncasecmp(p, name, n) == 0 && p[n] == ':')
      found = p + n + 1; /* the last block wins (after redirects / 100-continue) */
    p = strchr(p, '\n');
    if (p)
      p++;
  }
  if (!found)
    return NULL;
  while (*found == ' ')
    found++;
  size_t i = 0;
  while (found[i] && found[i] != '\r' && found[i] != '\n' && i + 1 < len) {
    out[i] = found[i];
    i++;
  }
  out[i] = '\0';
  return out;
}

/* Standard base64 of SRC (new string). */
static char *b64(const char *src) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t n = strlen(src), o = 0;
  char *out = malloc(4 * ((n + 2) / 3) + 1);
  if (!out)
    return NULL;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned char)src[i] << 16;
    if (i + 1 < n)
      v |= (unsigned char)src[i + 1] << 8;
    if (i + 2 < n)
      v |= (unsigned char)src[i + 2];
    out[o++] = tbl[(v >> 18) & 63];
    out[o++] = tbl[(v >> 12) & 63];
    out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? tbl[v & 63] : '=';
  }
  out[o] = '\0';
  return out;
}

int simtest_token(simtest *t, const char *id, const char *secret, const char *account,
                  simtest_reply *out) {
  char pair[256], auth[400], form[256];
  snprintf(pair, sizeof pair, "%s:%s", id, secret);
  char *enc = b64(pair);
  snprintf(auth, sizeof auth, "Basic %s", enc ? enc : "");
  free(enc);
  snprintf(form, sizeof form, "grant_type=account_credentials&account_id=%s", account);
  return simtest_call_ex(t, "POST", "/oauth/token", form, auth, "application/x-www-form-urlencoded",
                         0, out);
}
