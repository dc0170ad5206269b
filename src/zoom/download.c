/* download.c - zoom_download: a file outside the REST API (a recording's download_url) with the
 * token sent only to Zoom, redirects followed by hand with each target checked, a size cap. */
#include "zoom/download.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/log.h"
#include "zoom/internal.h"

#define DOWNLOAD_URL_MAX 4096

/* ---- URLs, as libcurl's parser sees them ---------------------------------------------- */

/* What this file needs of a URL: its origin, and host and path for messages. */
typedef struct url_parts {
  char scheme[16];
  char host[256];
  char port[8];
  char path[256]; /* for messages and errors: never the query */
  bool allowed;   /* https, or http to loopback; no user or password */
} url_parts;

static void part_copy(CURLU *u, CURLUPart what, unsigned flags, char *dst, size_t size) {
  char *v = NULL;
  dst[0] = '\0';
  if (curl_url_get(u, what, &v, flags) == CURLUE_OK && v)
    snprintf(dst, size, "%s", v);
  curl_free(v);
}

/* Parses URL into *P. Returns 0, or -1 when libcurl cannot parse it. */
static int url_split(const char *url, url_parts *p) {
  memset(p, 0, sizeof *p);
  CURLU *u = url && strlen(url) <= DOWNLOAD_URL_MAX ? curl_url() : NULL;
  char *bare = NULL;
  int rc = -1;
  if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
    goto done;
  part_copy(u, CURLUPART_SCHEME, 0, p->scheme, sizeof p->scheme);
  part_copy(u, CURLUPART_HOST, 0, p->host, sizeof p->host);
  part_copy(u, CURLUPART_PORT, CURLU_DEFAULT_PORT, p->port, sizeof p->port);
  part_copy(u, CURLUPART_PATH, 0, p->path, sizeof p->path);
  /* The one URL check of src/zoom, on the URL without its query and fragment (a signed
   * storage URL carries its signature in the query). */
  if (curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_URL, &bare, 0) == CURLUE_OK)
    p->allowed = zoom_url_allowed(bare);
  rc = 0;
done:
  curl_free(bare);
  curl_url_cleanup(u);
  return rc;
}

static bool same_origin(const url_parts *a, const url_parts *b) {
  return strcasecmp(a->scheme, b->scheme) == 0 && strcasecmp(a->host, b->host) == 0 &&
         strcmp(a->port, b->port) == 0;
}

/* HOST is DOMAIN or one of its subdomains. */
static bool host_under(const char *host, const char *domain) {
  size_t h = strlen(host), d = strlen(domain);
  return strcasecmp(host, domain) == 0 ||
         (h > d + 1 && host[h - d - 1] == '.' && strcasecmp(host + h - d, domain) == 0);
}

/* True when the token may be sent to P: a Zoom host over https, or the API base in use. */
static bool token_welcome(zoom_client *c, const url_parts *p) {
  if (strcmp(p->scheme, "https") == 0 &&
      (host_under(p->host, "zoom.us") || host_under(p->host, "zoomgov.com")))
    return true;
  zoom_token_status st;
  memset(&st, 0, sizeof st);
  zoom_client_token_status(c, &st);
  url_parts api;
  return url_split(st.api_base, &api) == 0 && same_origin(&api, p);
}

/* ---- one transfer ------------------------------------------------------------------------ */

/* The options every hop shares. */
static void handle_setup(CURL *h, const zoom_config *cfg, zoom_sink *k) {
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* by hand: each target is checked */
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (cfg->ca_bundle)
    curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_bundle);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, cfg->request_timeout_ms);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)k->body.max);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "zoom-webinar-mcp/0.1");
  zoom_sink_attach(h, k);
}

/* GETs URL, with AUTH_LINE ("Authorization: Bearer ...") when not NULL. Stores the status
 * and, for a redirect, a new copy of its absolute target in *LOCATION. Returns the
 * CURLcode. */
static CURLcode hop_get(CURL *h, const char *url, const char *auth_line, zoom_sink *k, long *status,
                        char **location) {
  struct curl_slist *headers = NULL, *grown;
  *status = 0;
  *location = NULL;
  buf_clear(&k->body);
  k->too_large = false;
  if ((grown = curl_slist_append(headers, "Accept: */*")))
    headers = grown;
  if (auth_line && (grown = curl_slist_append(headers, auth_line)))
    headers = grown;
  CURLcode code = CURLE_OUT_OF_MEMORY;
  if (headers && (!auth_line || headers->next)) {
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    code = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    char *target = NULL;
    if (code == CURLE_OK && *status >= 300 && *status < 400 &&
        curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &target) == CURLE_OK && target)
      *location = strdup(target);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
  for (struct curl_slist *node = headers; node; node = node->next)
    buf_wipe(node->data, strlen(node->data));
  curl_slist_free_all(headers);
  return code;
}

/* Fills ERR for a transfer of P that ended with CODE. */
static void transfer_error(zoom_error *err, const url_parts *p, CURLcode code, const zoom_sink *k) {
  if (code == CURLE_ABORTED_BY_CALLBACK)
    zoom_error_set(err, ZOOM_ERR_CANCELLED, "the download was cancelled");
  else if (k->too_large || code == CURLE_FILESIZE_EXCEEDED)
    zoom_error_set(err, ZOOM_ERR_BAD_REPLY, "the file at %s%s is larger than the %zu-byte cap",
                   p->host, p->path, k->body.max);
  else if (code == CURLE_OPERATION_TIMEDOUT)
    zoom_error_set(err, ZOOM_ERR_TIMEOUT, "the download from %s did not finish in time (%s)",
                   p->host, curl_easy_strerror(code));
  else
    zoom_error_set(err, ZOOM_ERR_TRANSPORT, "could not download from %s: %s", p->host,
                   curl_easy_strerror(code));
  if (code == CURLE_OPERATION_TIMEDOUT)
    zoom_error_hint(err, "Try again later, or raise ZOOM_REQUEST_TIMEOUT_MS.");
}

/* Fills ERR for an error status from P (the body, when JSON, is Zoom's error). */
static void status_error(zoom_error *err, const url_parts *p, long status, const zoom_sink *k) {
  json_error_t jerr;
  json_t *body = k->body.len ? json_loadb(k->body.data, k->body.len, 0, &jerr) : NULL;
  zoom_error_from_reply(err, "GET", p->path, status, json_is_object(body) ? body : NULL);
  json_decref(body);
  char said[sizeof err->message];
  snprintf(said, sizeof said, "%s", err->message);
  zoom_error_set(err, ZOOM_ERR_HTTP, "the download from %s failed (HTTP %ld): %.300s", p->host,
                 status, said);
}

/* ---- the download ------------------------------------------------------------------------- */

static int download_run(zoom_client *c, const char *url, size_t max_bytes,
                        const zoom_cancel *cancel, char **out, size_t *out_len, zoom_error *err) {
  int result = -1;
  zoom_config *cfg = NULL;
  CURL *h = NULL;
  char *auth_line = NULL, *next = NULL, *here = NULL;
  zoom_sink k;
  zoom_sink_init(&k, max_bytes, false, cancel);
  url_parts first, at;
  if (url_split(url, &first) != 0 || !first.allowed) {
    zoom_error_set(err, ZOOM_ERR_INVALID,
                   "the download URL is not an https URL (or http to a loopback host) without "
                   "a user name or password");
    goto cleanup;
  }
  if (!token_welcome(c, &first)) {
    zoom_error_set(err, ZOOM_ERR_INVALID,
                   "the download URL's host %s is not Zoom's: the access token is sent only to "
                   "zoom.us, zoomgov.com or the API base in use",
                   first.host);
    goto cleanup;
  }
  if (zoom_curl_start() != 0 || !(cfg = zoom_client_config(c)) || !(h = curl_easy_init()) ||
      !(here = strdup(url))) {
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory, or libcurl could not start");
    goto cleanup;
  }
  handle_setup(h, cfg, &k);
  at = first;
  bool renewed = false;
  for (int hop = 0; hop <= ZOOM_DOWNLOAD_MAX_HOPS;) {
    bool with_token = same_origin(&at, &first);
    if (with_token && !auth_line && zoom_client_bearer(c, cancel, renewed, &auth_line, err) != 0)
      goto cleanup;
    long status = 0;
    CURLcode code = hop_get(h, here, with_token ? auth_line : NULL, &k, &status, &next);
    if (code != CURLE_OK) {
      transfer_error(err, &at, code, &k);
      goto cleanup;
    }
    if (status == 401 && with_token && !renewed) { /* the token expired: one more try */
      renewed = true;
      zoom_secret_free(auth_line);
      auth_line = NULL;
      continue;
    }
    if (status >= 200 && status < 300) {
      if (!(*out = buf_take(&k.body, out_len))) {
        zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
        goto cleanup;
      }
      result = 0;
      goto cleanup;
    }
    if (status < 300 || status >= 400) {
      status_error(err, &at, status, &k);
      goto cleanup;
    }
    url_parts to;
    if (url_split(next, &to) != 0 || !to.allowed) { /* no target leaves TO empty */
      zoom_error_set(err, ZOOM_ERR_BAD_REPLY,
                     "the download from %s redirected (HTTP %ld) to %s://%s, which is not an "
                     "https URL (or http to a loopback host) without a user name; not followed",
                     at.host, status, to.scheme[0] ? to.scheme : "?", to.host);
      goto cleanup;
    }
    if (++hop > ZOOM_DOWNLOAD_MAX_HOPS) {
      zoom_error_set(err, ZOOM_ERR_BAD_REPLY, "the download from %s redirected more than %d times",
                     first.host, ZOOM_DOWNLOAD_MAX_HOPS);
      goto cleanup;
    }
    log_debug("zoom", "download: %s%s redirects to %s%s", at.host, at.path, to.host, to.path);
    free(here);
    here = next;
    next = NULL;
    at = to;
  }
cleanup:
  if (result != 0 && err) {
    snprintf(err->method, sizeof err->method, "GET");
    snprintf(err->path, sizeof err->path, "%s", first.path);
  }
  if (h)
    curl_easy_cleanup(h);
  zoom_config_free(cfg);
  zoom_secret_free(auth_line);
  free(next);
  free(here);
  buf_free(&k.body);
  return result;
}

int zoom_download(zoom_client *c, const char *url, size_t max_bytes, const zoom_cancel *cancel,
                  char **out, size_t *out_len, zoom_error *err) {
  zoom_error scratch = {0};
  *out = NULL;
  *out_len = 0;
  int rc =
      download_run(c, url, max_bytes ? max_bytes : 1, cancel, out, out_len, err ? err : &scratch);
  zoom_error_clear(&scratch);
  return rc;
}
