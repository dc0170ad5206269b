/* auth.c - the access token: in memory, in a shared cache file, and from Zoom's token URL. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"
#include "base/log.h"
#include "base/tz.h"
#include "zoom/internal.h"
#include "zoom/url.h"

#define CACHE_FORMAT "zoom-webinar-mcp token cache"
#define CACHE_MAX (64 * 1024)
#define TOKEN_MAX 4096

struct zoom_auth {
  zoom_http *http;
  zoom_http_policy pol;
  char *account_id, *client_id, *client_secret, *token_url, *cache_path, *ca_bundle, *timezone;
  long renew_before_s;
  pthread_mutex_t state_lock; /* the fields below */
  pthread_mutex_t fetch_lock; /* one token request at a time in this process */
  char *token;                /* secret; NULL when none */
  long long expires_at;
  char scopes[2048];
  char api_base[256];
  bool from_cache;
  uint64_t rejected; /* FNV-1a of the last token Zoom refused, 0 none */
};

/* A token read from the cache file or the token reply. */
typedef struct token_record {
  char *token; /* secret */
  long long expires_at;
  long long obtained_at; /* when Zoom issued it (cache files: 0 when absent) */
  char scopes[2048];
  char api_base[256];
} token_record;

void zoom_secret_free(char *s) {
  if (!s)
    return;
  explicit_bzero(s, strlen(s));
  free(s);
}

static void record_clear(token_record *r) {
  zoom_secret_free(r->token);
  memset(r, 0, sizeof *r);
}

static uint64_t token_hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h ? h : 1;
}

static bool token_text_ok(const char *s) {
  size_t n = 0;
  for (; s[n]; n++)
    if (s[n] <= ' ' || s[n] >= 0x7f)
      return false;
  return n > 0 && n <= TOKEN_MAX;
}

/* API base from a token reply's api_url ("https://api-us.zoom.us" -> ".../v2"). */
static void api_base_from(const char *api_url, char *out, size_t size) {
  out[0] = '\0';
  if (!api_url || !zoom_url_allowed(api_url) || strlen(api_url) > 200)
    return;
  size_t n = strlen(api_url);
  while (n > 0 && api_url[n - 1] == '/')
    n--;
  snprintf(out, size, "%.*s/v2", (int)n, api_url);
}

static char *dup_or_null(const char *s, bool *failed) {
  if (!s)
    return NULL;
  char *d = strdup(s);
  if (!d)
    *failed = true;
  return d;
}

zoom_auth *zoom_auth_new(const zoom_config *cfg, zoom_http *http, zoom_error *err) {
  zoom_auth *a = calloc(1, sizeof *a);
  if (!a) {
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&a->state_lock, NULL);
  pthread_mutex_init(&a->fetch_lock, NULL);
  bool failed = false;
  a->http = http;
  a->account_id = dup_or_null(cfg->account_id, &failed);
  a->client_id = dup_or_null(cfg->client_id, &failed);
  a->client_secret = dup_or_null(cfg->client_secret, &failed);
  a->token_url = dup_or_null(cfg->token_url, &failed);
  a->ca_bundle = dup_or_null(cfg->ca_bundle, &failed);
  a->timezone = dup_or_null(cfg->timezone, &failed);
  a->cache_path = zoom_config_cache_path(cfg);
  a->renew_before_s = cfg->token_renew_before_s;
  a->pol = (zoom_http_policy){
      cfg->connect_timeout_ms, cfg->request_timeout_ms, cfg->max_retries, cfg->retry_base_ms,
      cfg->retry_max_wait_s,   (size_t)CACHE_MAX,       a->ca_bundle};
  if (failed) {
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
    zoom_auth_free(a);
    return NULL;
  }
  if (!a->cache_path) {
    zoom_error_set(err, ZOOM_ERR_CONFIG,
                   "no token cache path: set ZOOM_TOKEN_CACHE, XDG_CACHE_HOME or HOME");
    zoom_auth_free(a);
    return NULL;
  }
  return a;
}

void zoom_auth_free(zoom_auth *a) {
  if (!a)
    return;
  zoom_secret_free(a->token);
  zoom_secret_free(a->client_secret);
  free(a->account_id);
  free(a->client_id);
  free(a->token_url);
  free(a->cache_path);
  free(a->ca_bundle);
  free(a->timezone);
  pthread_mutex_destroy(&a->state_lock);
  pthread_mutex_destroy(&a->fetch_lock);
  explicit_bzero(a, sizeof *a);
  free(a);
}

/* True when a token expiring at EXPIRES_AT may still be handed out. */
static bool still_good(const zoom_auth *a, long long expires_at) {
  return (long long)time(NULL) + a->renew_before_s < expires_at;
}

/* ---- the cache file ---- */

/* Reads the cache file into R. Returns 0 when it holds a token for this account, client
 * and token URL; -1 when missing, unreadable, corrupted or foreign (said at debug level). */
static int cache_read(zoom_auth *a, token_record *r) {
  int result = -1;
  char *buf = NULL;
  json_t *doc = NULL;
  memset(r, 0, sizeof *r);
  int fd = open(a->cache_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno != ENOENT)
      log_debug("zoom", "token cache %s unreadable (%s); ignoring it", a->cache_path,
                strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 077) != 0 || st.st_size > CACHE_MAX) {
    log_debug("zoom", "token cache %s is not a private file of this user; ignoring it",
              a->cache_path);
    goto cleanup;
  }
  buf = malloc((size_t)st.st_size + 1);
  if (!buf)
    goto cleanup;
  ssize_t n = read(fd, buf, (size_t)st.st_size);
  if (n < 0)
    goto cleanup;
  json_error_t jerr;
  doc = json_loadb(buf, (size_t)n, 0, &jerr);
  explicit_bzero(buf, (size_t)st.st_size);
  const char *why = NULL;
  const char *token = json_string_value(json_object_get(doc, "access_token"));
  json_t *exp = json_object_get(doc, "expires_at");
  const char *fmt = json_string_value(json_object_get(doc, "format"));
  const char *acct = json_string_value(json_object_get(doc, "account_id"));
  const char *cid = json_string_value(json_object_get(doc, "client_id"));
  const char *turl = json_string_value(json_object_get(doc, "token_url"));
  if (!doc)
    why = "not valid JSON";
  else if (!fmt || strcmp(fmt, CACHE_FORMAT) != 0 ||
           json_integer_value(json_object_get(doc, "version")) != 1)
    why = "not a token cache of this program";
  else if (!acct || strcmp(acct, a->account_id) != 0 || !cid || strcmp(cid, a->client_id) != 0 ||
           !turl || strcmp(turl, a->token_url) != 0)
    why = "for another account, app or token URL";
  else if (!token || !token_text_ok(token) || !json_is_integer(exp))
    why = "missing or malformed token fields";
  if (why) {
    log_debug("zoom", "token cache %s ignored and to be replaced: %s", a->cache_path, why);
    goto cleanup;
  }
  if (!(r->token = strdup(token)))
    goto cleanup;
  r->expires_at = (long long)json_integer_value(exp);
  r->obtained_at = (long long)json_integer_value(json_object_get(doc, "obtained_at"));
  snprintf(r->scopes, sizeof r->scopes, "%s",
           json_string_value(json_object_get(doc, "scope")) ?: "");
  snprintf(r->api_base, sizeof r->api_base, "%s",
           json_string_value(json_object_get(doc, "api_base")) ?: "");
  result = 0;
cleanup:
  if (doc) {
    /* Wipe the token text held by the parsed document before releasing it. */
    json_t *t = json_object_get(doc, "access_token");
    if (json_is_string(t))
      explicit_bzero((char *)json_string_value(t), json_string_length(t));
    json_decref(doc);
  }
  free(buf);
  close(fd);
  return result;
}

/* Creates the directories of PATH's parent with mode 0700 (existing ones are left as
 * they are; the last one, when we create it, is 0700). Returns 0 or -1. */
static int cache_dir_make(const char *path) {
  char dir[1024];
  if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
    return -1;
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir)
    return 0;
  *slash = '\0';
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  if (mkdir(dir, 0700) == 0)
    return chmod(dir, 0700);
  return errno == EEXIST ? 0 : -1;
}

/* Writes R atomically: a 0600 temp file in the same directory, fsync, rename, fsync of
 * the directory. The client secret is never part of it. Returns 0 or -1 (logged). */
static int cache_write(zoom_auth *a, const token_record *r) {
  int result = -1;
  char *text = NULL;
  json_t *doc = NULL;
  if (cache_dir_make(a->cache_path) != 0) {
    log_warn("zoom", "cannot create the directory of the token cache %s: %s", a->cache_path,
             strerror(errno));
    return -1;
  }
  time_t exp = (time_t)r->expires_at;
  struct tm tm;
  char iso[32];
  gmtime_r(&exp, &tm);
  strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  doc =
      json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:s}", "format",
                CACHE_FORMAT, "version", 1, "account_id", a->account_id, "client_id", a->client_id,
                "token_url", a->token_url, "access_token", r->token, "token_type", "bearer",
                "expires_at", (json_int_t)r->expires_at, "expires_at_iso", iso, "obtained_at",
                (json_int_t)time(NULL), "scope", r->scopes, "api_base", r->api_base);
  if (!doc || !(text = json_dumps(doc, JSON_INDENT(2))))
    goto cleanup;
  if (file_write_atomic(a->cache_path, text, strlen(text), 0600) != 0)
    goto cleanup;
  result = 0;
cleanup:
  if (result != 0)
    log_warn("zoom", "could not write the token cache %s: %s", a->cache_path, strerror(errno));
  if (text) {
    explicit_bzero(text, strlen(text));
    free(text);
  }
  if (doc) {
    json_t *t = json_object_get(doc, "access_token");
    if (json_is_string(t))
      explicit_bzero((char *)json_string_value(t), json_string_length(t));
    json_decref(doc);
  }
  return result;
}

/* Opens and locks (exclusively) the lock file next to the cache, waiting while another
 * process holds it, at most as long as that process's token request can take. Returns
 * the descriptor; -1 when there is no lock to be had (then the caller goes on without
 * cross-process coordination); -2 when CANCEL fired while waiting. */
static int cache_lock(zoom_auth *a, const zoom_cancel *cancel) {
  char path[1100];
  if (cache_dir_make(a->cache_path) != 0)
    return -1;
  snprintf(path, sizeof path, "%s.lock", a->cache_path);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return -1;
  long budget_ms =
      (a->pol.connect_timeout_ms + a->pol.request_timeout_ms) * (a->pol.max_retries + 1) + 5000;
  for (long waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 20) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      close(fd);
      return -1;
    }
    if (waited >= budget_ms) {
      log_warn("zoom", "the token cache lock %s is held too long; going on without it", path);
      close(fd);
      return -1;
    }
    if (zoom_sleep_ms(20, cancel) != 0) {
      close(fd);
      return -2;
    }
  }
  return fd;
}

static void cache_unlock(int fd) {
  if (fd < 0)
    return;
  flock(fd, LOCK_UN);
  close(fd);
}

/* ---- the token request ---- */

static char *base64(const char *in, size_t len) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = malloc((len + 2) / 3 * 4 + 1);
  if (!out)
    return NULL;
  char *w = out;
  for (size_t i = 0; i < len; i += 3) {
    unsigned v = (unsigned char)in[i] << 16;
    if (i + 1 < len)
      v |= (unsigned char)in[i + 1] << 8;
    if (i + 2 < len)
      v |= (unsigned char)in[i + 2];
    *w++ = tbl[(v >> 18) & 63];
    *w++ = tbl[(v >> 12) & 63];
    *w++ = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
    *w++ = i + 2 < len ? tbl[v & 63] : '=';
  }
  *w = '\0';
  return out;
}

/* Maps a refused token request to ERR. */
static void token_refused(zoom_error *err, long status, json_t *body) {
  const char *code = json_string_value(json_object_get(body, "error"));
  const char *reason = json_string_value(json_object_get(body, "reason"));
  if (!reason)
    reason = json_string_value(json_object_get(body, "message"));
  err->http_status = status;
  snprintf(err->method, sizeof err->method, "POST");
  snprintf(err->path, sizeof err->path, "oauth/token");
  if (code && strcmp(code, "invalid_client") == 0) {
    zoom_error_set(err, ZOOM_ERR_AUTH, "Zoom rejected the credentials (invalid_client): %.200s",
                   reason ? reason : "client id or secret is wrong");
    zoom_error_hint(err, "Check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET against the "
                         "Server-to-Server OAuth app in the Zoom App Marketplace (and that the "
                         "app is activated).");
  } else if (code && strcmp(code, "invalid_request") == 0) {
    zoom_error_set(err, ZOOM_ERR_AUTH, "Zoom rejected the token request (invalid_request): %.200s",
                   reason ? reason : "no reason given");
    zoom_error_hint(err, "Check ZOOM_ACCOUNT_ID (the app's Account ID).");
  } else if (status == 429) {
    zoom_error_set(err, ZOOM_ERR_RATE_LIMIT, "Zoom rate-limited the token request");
    zoom_error_hint(err, "Too many token requests; wait a minute.");
  } else {
    zoom_error_set(err, ZOOM_ERR_AUTH, "the token request failed with HTTP %ld%s%.200s", status,
                   reason ? ": " : "", reason ? reason : "");
  }
}

/* POSTs the token request and fills R. Returns 0 or -1 with ERR set. */
static int token_request(zoom_auth *a, const zoom_cancel *cancel, token_record *r,
                         zoom_error *err) {
  int result = -1;
  char *pair = NULL, *b64 = NULL, *auth_line = NULL, *account = NULL, *body = NULL;
  json_t *doc = NULL;
  zoom_http_reply rep = {0};
  if (asprintf(&pair, "%s:%s", a->client_id, a->client_secret) < 0) {
    pair = NULL;
    goto oom;
  }
  if (!(b64 = base64(pair, strlen(pair))))
    goto oom;
  if (asprintf(&auth_line, "Authorization: Basic %s", b64) < 0) {
    auth_line = NULL;
    goto oom;
  }
  if (!(account = zoom_url_encode(a->account_id)))
    goto oom;
  if (asprintf(&body, "grant_type=account_credentials&account_id=%s", account) < 0) {
    body = NULL;
    goto oom;
  }
  const char *headers[] = {auth_line, "Content-Type: application/x-www-form-urlencoded",
                           "Accept: application/json", NULL};
  zoom_http_request req = {"POST", a->token_url, headers, body, strlen(body), cancel, false};
  log_debug("zoom", "requesting an access token from %s", a->token_url);
  if (zoom_http_send(a->http, &a->pol, &req, true, &rep, err) != 0) {
    if (err && err->kind != ZOOM_ERR_CANCELLED) {
      char msg[sizeof err->message];
      snprintf(msg, sizeof msg, "%s", err->message);
      zoom_error_set(err, err->kind, "token request: %s", msg);
    }
    goto cleanup;
  }
  json_error_t jerr;
  doc = json_loadb(rep.body, rep.len, 0, &jerr);
  if (rep.status != 200) {
    token_refused(err, rep.status, doc);
    goto cleanup;
  }
  const char *token = json_string_value(json_object_get(doc, "access_token"));
  json_t *expires_in = json_object_get(doc, "expires_in");
  if (!token || !token_text_ok(token) || !json_is_integer(expires_in) ||
      json_integer_value(expires_in) <= 0 || json_integer_value(expires_in) > 31536000) {
    zoom_error_set(err, ZOOM_ERR_BAD_REPLY,
                   "the token reply lacks a usable access_token or expires_in");
    goto cleanup;
  }
  if (!(r->token = strdup(token)))
    goto oom;
  r->expires_at = (long long)time(NULL) + (long long)json_integer_value(expires_in);
  snprintf(r->scopes, sizeof r->scopes, "%s",
           json_string_value(json_object_get(doc, "scope")) ?: "");
  api_base_from(json_string_value(json_object_get(doc, "api_url")), r->api_base,
                sizeof r->api_base);
  log_debug("zoom", "got an access token valid for %lld s",
            (long long)json_integer_value(expires_in));
  result = 0;
  goto cleanup;
oom:
  zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
cleanup:
  if (doc) {
    json_t *t = json_object_get(doc, "access_token");
    if (json_is_string(t))
      explicit_bzero((char *)json_string_value(t), json_string_length(t));
    json_decref(doc);
  }
  if (rep.body)
    explicit_bzero(rep.body, rep.len);
  zoom_http_reply_clear(&rep);
  zoom_secret_free(pair);
  zoom_secret_free(b64);
  zoom_secret_free(auth_line);
  free(account);
  free(body);
  return result;
}

/* Makes R the current token (stealing r->token). Call with state_lock held. */
static void adopt(zoom_auth *a, token_record *r, bool from_cache) {
  zoom_secret_free(a->token);
  a->token = r->token;
  r->token = NULL;
  a->expires_at = r->expires_at;
  snprintf(a->scopes, sizeof a->scopes, "%s", r->scopes);
  snprintf(a->api_base, sizeof a->api_base, "%s", r->api_base);
  a->from_cache = from_cache;
}

/* Copies the current token out when it is usable: outside the renewal margin, or, when
 * FRESH (just issued by Zoom, so the best there is), merely unexpired. Call with state_lock
 * held. */
static int current_copy(zoom_auth *a, bool fresh, char **out, char *api_base, size_t size) {
  if (!a->token || token_hash(a->token) == a->rejected)
    return -1;
  if (fresh ? (long long)time(NULL) >= a->expires_at : !still_good(a, a->expires_at))
    return -1;
  if (!(*out = strdup(a->token)))
    return -1;
  if (api_base)
    snprintf(api_base, size, "%s", a->api_base);
  return 0;
}

/* True when a cached record may be used instead of asking Zoom. */
static bool record_usable(zoom_auth *a, const token_record *r) {
  return r->token && still_good(a, r->expires_at) && token_hash(r->token) != a->rejected;
}

int zoom_auth_token(zoom_auth *a, const zoom_cancel *cancel, bool force, char **out_token,
                    char *out_api_base, size_t size, zoom_error *err) {
  int result = -1;
  token_record r = {0};
  long long started = (long long)time(NULL);
  *out_token = NULL;
  pthread_mutex_lock(&a->state_lock);
  int rc = force ? -1 : current_copy(a, false, out_token, out_api_base, size);
  pthread_mutex_unlock(&a->state_lock);
  if (rc == 0)
    return 0;

  pthread_mutex_lock(&a->fetch_lock);
  /* Another thread may have fetched one while we waited. */
  pthread_mutex_lock(&a->state_lock);
  rc = force ? -1 : current_copy(a, false, out_token, out_api_base, size);
  pthread_mutex_unlock(&a->state_lock);
  if (rc == 0) {
    result = 0;
    goto cleanup;
  }
  if (!force && cache_read(a, &r) == 0 && record_usable(a, &r))
    goto use_cache;
  record_clear(&r);
  int lock_fd = cache_lock(a, cancel);
  if (lock_fd == -2) {
    zoom_error_set(err, ZOOM_ERR_CANCELLED, "cancelled while waiting for the token");
    goto cleanup;
  }
  if (lock_fd < 0)
    log_debug("zoom", "no lock file next to %s; requesting a token without it", a->cache_path);
  /* Another process may have written a fresh one while we waited for the lock. A forced
   * refresh takes it only when it was issued after this call began. */
  if (cache_read(a, &r) == 0 && record_usable(a, &r) && (!force || r.obtained_at > started)) {
    cache_unlock(lock_fd);
    goto use_cache;
  }
  record_clear(&r);
  if (token_request(a, cancel, &r, err) != 0) {
    cache_unlock(lock_fd);
    goto cleanup;
  }
  cache_write(a, &r);
  cache_unlock(lock_fd);
  pthread_mutex_lock(&a->state_lock);
  adopt(a, &r, false);
  a->rejected = 0;
  rc = current_copy(a, true, out_token, out_api_base, size);
  pthread_mutex_unlock(&a->state_lock);
  if (rc != 0) {
    zoom_error_set(err, ZOOM_ERR_AUTH, "Zoom's new token has already expired");
    goto cleanup;
  }
  result = 0;
  goto cleanup;
use_cache:
  log_debug("zoom", "using the access token from the cache %s", a->cache_path);
  pthread_mutex_lock(&a->state_lock);
  adopt(a, &r, true);
  rc = current_copy(a, false, out_token, out_api_base, size);
  pthread_mutex_unlock(&a->state_lock);
  result = rc == 0 ? 0 : zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
cleanup:
  pthread_mutex_unlock(&a->fetch_lock);
  record_clear(&r);
  return result;
}

void zoom_auth_reject(zoom_auth *a, const char *token) {
  if (!a || !token)
    return;
  uint64_t h = token_hash(token);
  pthread_mutex_lock(&a->state_lock);
  a->rejected = h;
  if (a->token && token_hash(a->token) == h) {
    zoom_secret_free(a->token);
    a->token = NULL;
  }
  pthread_mutex_unlock(&a->state_lock);
  log_debug("zoom", "Zoom refused the access token (code 124); a new one will be requested");
}

void zoom_auth_status(zoom_auth *a, zoom_token_status *out) {
  memset(out, 0, sizeof *out);
  token_record r = {0};
  pthread_mutex_lock(&a->state_lock);
  if (!a->token && cache_read(a, &r) == 0 && token_hash(r.token) != a->rejected)
    adopt(a, &r, true);
  record_clear(&r);
  snprintf(out->cache_path, sizeof out->cache_path, "%s", a->cache_path);
  snprintf(out->timezone, sizeof out->timezone, "%s", a->timezone ? a->timezone : "UTC");
  if (!a->token) {
    snprintf(out->state, sizeof out->state, "missing");
    pthread_mutex_unlock(&a->state_lock);
    return;
  }
  long long now = (long long)time(NULL);
  out->expires_at = a->expires_at;
  out->from_cache = a->from_cache;
  snprintf(out->scopes, sizeof out->scopes, "%s", a->scopes);
  snprintf(out->api_base, sizeof out->api_base, "%s", a->api_base);
  pthread_mutex_unlock(&a->state_lock);
  snprintf(out->state, sizeof out->state, "%s", now < out->expires_at ? "valid" : "expired");
  out->minutes_left = now < out->expires_at ? (long)((out->expires_at - now) / 60) : 0;
  out->renew_due = now + a->renew_before_s >= out->expires_at;
  time_t exp = (time_t)out->expires_at;
  struct tm tm;
  gmtime_r(&exp, &tm);
  strftime(out->expires_utc, sizeof out->expires_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (tz_format((int64_t)exp, a->timezone ? a->timezone : "UTC", out->expires_local,
                sizeof out->expires_local) != 0)
    snprintf(out->expires_local, sizeof out->expires_local, "%s (unknown time zone %s)",
             out->expires_utc, a->timezone ? a->timezone : "UTC");
}

json_t *zoom_token_status_to_json(const zoom_token_status *st) {
  json_t *o = json_object();
  if (!o || !st)
    return o;
  json_object_set_new(o, "state", json_string(st->state));
  json_object_set_new(o, "from_cache", json_boolean(st->from_cache));
  if (st->expires_at) {
    json_object_set_new(o, "expires_at", json_integer(st->expires_at));
    json_object_set_new(o, "expires_utc", json_string(st->expires_utc));
    json_object_set_new(o, "expires_local", json_string(st->expires_local));
    json_object_set_new(o, "minutes_left", json_integer(st->minutes_left));
    json_object_set_new(o, "renew_due", json_boolean(st->renew_due));
  }
  json_object_set_new(o, "timezone", json_string(st->timezone));
  json_t *scopes = json_array();
  for (const char *p = st->scopes; *p;) {
    size_t n = strcspn(p, " ,");
    if (n)
      json_array_append_new(scopes, json_stringn(p, n));
    p += n;
    while (*p == ' ' || *p == ',')
      p++;
  }
  json_object_set_new(o, "scopes", scopes);
  json_object_set_new(o, "api_base", json_string(st->api_base));
  json_object_set_new(o, "cache_path", json_string(st->cache_path));
  json_t *rl = json_object();
  if (st->rate.seen_at) {
    json_object_set_new(rl, "category", json_string(st->rate.category));
    json_object_set_new(rl, "type", json_string(st->rate.type));
    if (st->rate.limit >= 0)
      json_object_set_new(rl, "limit", json_integer(st->rate.limit));
    if (st->rate.remaining >= 0)
      json_object_set_new(rl, "remaining", json_integer(st->rate.remaining));
    json_object_set_new(rl, "seen_at", json_integer(st->rate.seen_at));
  }
  json_object_set_new(o, "rate_limit", rl);
  return o;
}
