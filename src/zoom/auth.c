/* auth.c - the access token: in memory, in a shared cache file, and from Zoom's token URL. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
/* Refused tokens remembered (a ring). */
#define REJECTED_MAX 16
/* How often a thread waiting for another thread's token request polls its cancellation. */
#define FETCH_WAIT_SLICE_MS 50

struct zoom_auth {
  zoom_http *http;
  zoom_http_policy pol;
  char *account_id, *client_id, *client_secret, *token_url, *cache_path, *ca_bundle, *timezone;
  char token_path[128]; /* the token URL's path, to name the token request in errors */
  long renew_before_s;
  pthread_mutex_t state_lock; /* the fields below; never held across I/O */
  pthread_cond_t fetch_done;  /* signalled when fetching turns false (CLOCK_MONOTONIC) */
  bool fetching;              /* a thread of this process is reading the cache or asking Zoom */
  char *token;                /* secret; NULL when none */
  long long expires_at;
  char scopes[2048];
  char api_base[256];
  bool from_cache;
  uint64_t rejected[REJECTED_MAX]; /* FNV-1a of tokens Zoom refused; 0 is an empty slot */
  size_t rejected_next;            /* the slot the next refusal overwrites */
};

/* What copying a token out gave. */
typedef enum {
  TAKE_OK = 0,
  TAKE_NONE, /* no token that may be handed out: none, refused, or inside the renewal margin */
  TAKE_NOMEM
} take_result;

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
  buf_wipe(s, strlen(s));
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

/* Printable ASCII without blanks, quotes or backslashes (a token is written into JSON and
 * read back by token_lift, which takes no escapes), 1 to TOKEN_MAX bytes. */
static bool token_text_ok(const char *s) {
  size_t n = 0;
  for (; s[n]; n++)
    if (s[n] <= ' ' || s[n] >= 0x7f || s[n] == '"' || s[n] == '\\')
      return false;
  return n > 0 && n <= TOKEN_MAX;
}

/* ---- the token out of JSON text, before the parser reads it ----
 *
 * jansson's parser copies each string it reads into working buffers that it grows and frees
 * without wiping, so a token it parses leaves pieces of itself in freed memory. The token
 * reply and the cache file are therefore scanned here first: the token is copied out of the
 * text and overwritten there with as many 'x's, and only then does jansson parse the text
 * (for the other fields), checking that it finds the placeholder where the scan found the
 * token. */

#define TOKEN_PLACEHOLDER 'x'

static const char *json_blank(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* P at a '"': the position after the closing quote, or NULL. *ESCAPED tells whether the
 * string holds an escape. */
static const char *json_string_end(const char *p, const char *end, bool *escaped) {
  *escaped = false;
  for (p++; p < end; p++) {
    if (*p == '"')
      return p + 1;
    if (*p == '\\') {
      *escaped = true;
      p++;
    }
  }
  return NULL;
}

/* P at a value: the position after it, or NULL. Objects and arrays are skipped by depth,
 * strings in them included; a number or literal runs to the next delimiter. The scan need
 * not validate: jansson parses the text afterwards and the placeholder check catches a
 * disagreement. */
static const char *json_value_end(const char *p, const char *end) {
  bool escaped;
  if (p >= end)
    return NULL;
  if (*p == '"')
    return json_string_end(p, end, &escaped);
  if (*p != '{' && *p != '[') {
    while (p < end && !strchr(",}] \t\r\n", *p))
      p++;
    return p;
  }
  size_t depth = 0;
  while (p < end) {
    if (*p == '"') {
      if (!(p = json_string_end(p, end, &escaped)))
        return NULL;
      continue;
    }
    if (*p == '{' || *p == '[')
      depth++;
    else if ((*p == '}' || *p == ']') && --depth == 0)
      return p + 1;
    p++;
  }
  return NULL;
}

/* Lifts the string value of the top-level member "access_token" out of the JSON object in
 * TEXT[0..LEN): copies it into *OUT (new; free with zoom_secret_free) and overwrites it in
 * TEXT with as many TOKEN_PLACEHOLDERs. Returns 0; -1 when the text is no object with such a
 * member whose value is a string without escapes (TEXT unchanged); -2 when out of memory. */
static int token_lift(char *text, size_t len, char **out) {
  static const char key[] = "\"access_token\"";
  const char *end = text + len;
  const char *p = json_blank(text, end);
  bool escaped;
  *out = NULL;
  if (p >= end || *p != '{')
    return -1;
  for (p = json_blank(p + 1, end); p < end && *p == '"';) {
    const char *key_end = json_string_end(p, end, &escaped);
    if (!key_end)
      return -1;
    bool is_token = (size_t)(key_end - p) == sizeof key - 1 && !memcmp(p, key, sizeof key - 1);
    p = json_blank(key_end, end);
    if (p >= end || *p != ':')
      return -1;
    p = json_blank(p + 1, end);
    const char *value_end = json_value_end(p, end);
    if (!value_end)
      return -1;
    if (is_token) {
      if (*p != '"' || json_string_end(p, end, &escaped) != value_end || escaped)
        return -1;
      size_t n = (size_t)(value_end - p) - 2;
      if (!(*out = malloc(n + 1)))
        return -2;
      memcpy(*out, p + 1, n);
      (*out)[n] = '\0';
      memset(text + (p + 1 - text), TOKEN_PLACEHOLDER, n);
      return 0;
    }
    p = json_blank(value_end, end);
    if (p < end && *p == ',')
      p = json_blank(p + 1, end);
  }
  return -1;
}

/* True when DOC's access_token is the placeholder token_lift left for TOKEN. */
static bool token_lifted_from(json_t *doc, const char *token) {
  json_t *t = json_object_get(doc, "access_token");
  size_t n = token ? strlen(token) : 0;
  if (!json_is_string(t) || json_string_length(t) != n)
    return false;
  const char *v = json_string_value(t);
  for (size_t i = 0; i < n; i++)
    if (v[i] != TOKEN_PLACEHOLDER)
      return false;
  return true;
}

/* Releases DOC (may be NULL), wiping its access_token string first: jansson may hold a token
 * that was not lifted (a refused reply or file) or one packed for the cache file. */
static void doc_token_decref(json_t *doc) {
  json_t *t = json_object_get(doc, "access_token");
  if (json_is_string(t))
    buf_wipe((char *)json_string_value(t), json_string_length(t));
  json_decref(doc);
}

/* API base from a token reply's api_url ("https://api-us.zoom.us" -> ".../v2"): only a URL
 * zoom_url_allowed accepts, and plain http only when the token URL is plain http itself
 * (a token fetched over TLS is never sent in clear text). "" when there is none. */
static void api_base_from(const zoom_auth *a, const char *api_url, char *out, size_t size) {
  out[0] = '\0';
  if (!api_url || !zoom_url_allowed(api_url) || strlen(api_url) > 200)
    return;
  if (strncasecmp(api_url, "https:", 6) != 0 && strncasecmp(a->token_url, "https:", 6) == 0) {
    log_warn("zoom", "the token reply names a plain-http API URL; using the default instead");
    return;
  }
  size_t n = strlen(api_url);
  while (n > 0 && api_url[n - 1] == '/')
    n--;
  snprintf(out, size, "%.*s/v2", (int)n, api_url);
}

/* Writes the path of URL (as libcurl parses it) into OUT; "/oauth/token" when it has none. */
static void url_path_of(const char *url, char *out, size_t size) {
  char *path = NULL;
  CURLU *u = curl_url();
  if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && strlen(path) > 1)
    snprintf(out, size, "%s", path);
  else
    snprintf(out, size, "/oauth/token");
  curl_free(path);
  curl_url_cleanup(u);
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
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&a->fetch_done, &attr);
  pthread_condattr_destroy(&attr);
  bool failed = false;
  a->http = http;
  a->account_id = dup_or_null(cfg->account_id, &failed);
  a->client_id = dup_or_null(cfg->client_id, &failed);
  a->client_secret = dup_or_null(cfg->client_secret, &failed);
  a->token_url = dup_or_null(cfg->token_url, &failed);
  a->ca_bundle = dup_or_null(cfg->ca_bundle, &failed);
  a->timezone = dup_or_null(cfg->timezone, &failed);
  a->cache_path = zoom_config_cache_path(cfg);
  if (a->token_url)
    url_path_of(a->token_url, a->token_path, sizeof a->token_path);
  a->renew_before_s = cfg->token_renew_before_s;
  a->pol = (zoom_http_policy){
      cfg->connect_timeout_ms, cfg->request_timeout_ms, cfg->max_retries, cfg->retry_base_ms,
      cfg->retry_max_wait_s,   (size_t)CACHE_MAX,       a->ca_bundle,     NULL /* not paced */};
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
  pthread_cond_destroy(&a->fetch_done);
  buf_wipe(a, sizeof *a);
  free(a);
}

/* True when a token expiring at EXPIRES_AT may still be handed out. */
static bool still_good(const zoom_auth *a, long long expires_at) {
  return (long long)time(NULL) + a->renew_before_s < expires_at;
}

/* True when Zoom refused TOKEN (one of the last REJECTED_MAX refusals). Call with
 * state_lock held. */
static bool rejected_has(const zoom_auth *a, const char *token) {
  uint64_t h = token_hash(token);
  for (size_t i = 0; i < REJECTED_MAX; i++)
    if (a->rejected[i] == h)
      return true;
  return false;
}

/* Forgets a refusal of TOKEN (Zoom has just issued it). Call with state_lock held. */
static void rejected_forget(zoom_auth *a, const char *token) {
  uint64_t h = token_hash(token);
  for (size_t i = 0; i < REJECTED_MAX; i++)
    if (a->rejected[i] == h)
      a->rejected[i] = 0;
}

/* ---- the cache file ---- */

/* Reads at most MAX bytes of FD into BUF (retrying EINTR and short reads). Returns the
 * count, or -1. */
static ssize_t read_upto(int fd, char *buf, size_t max) {
  size_t got = 0;
  while (got < max) {
    ssize_t n = read(fd, buf + got, max - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    got += (size_t)n;
  }
  return (ssize_t)got;
}

/* True when the directory holding PATH may hold the cache: a real directory, not a symbolic
 * link (the cache would be read from and written into wherever it points), owned by this
 * user or root, and writable by no one else unless sticky (as /tmp is). Says why not in the
 * log (warning: the cache is then not used at all, and tokens are not shared). */
static bool cache_dir_safe(const char *path) {
  char dir[1024];
  if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
    return false;
  char *slash = strrchr(dir, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
  struct stat st;
  if (lstat(dir, &st) != 0) {
    if (errno == ENOENT)
      return false; /* not made yet: no cache to read */
    log_warn("zoom", "the token cache directory %s cannot be examined (%s); not using the cache",
             dir, strerror(errno));
    return false;
  }
  const char *why = NULL;
  if (S_ISLNK(st.st_mode))
    why = "is a symbolic link";
  else if (!S_ISDIR(st.st_mode))
    why = "is not a directory";
  else if (st.st_uid != geteuid() && st.st_uid != 0)
    why = "belongs to another user";
  else if ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0)
    why = "may be written by other users";
  if (why)
    log_warn("zoom",
             "the token cache directory %s %s; not using the cache (set ZOOM_TOKEN_CACHE "
             "to a file in a private directory)",
             dir, why);
  return why == NULL;
}

/* Reads the cache file into R, with no lock held (it is file I/O). Returns 0 when it holds a
 * token for this account, client and token URL; -1 when missing, unreadable, corrupted or
 * foreign (said at debug level). Only a regular file owned by this user and private to it
 * (mode 0600 or stricter) is read: the open follows no symbolic link and does not block, so
 * a FIFO, a device or a directory at the path is refused at once, not waited on. */
static int cache_read(zoom_auth *a, token_record *r) {
  int result = -1;
  char *buf = NULL, *token = NULL;
  json_t *doc = NULL;
  ssize_t n = 0;
  memset(r, 0, sizeof *r);
  if (!cache_dir_safe(a->cache_path))
    return -1;
  int fd = open(a->cache_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno != ENOENT)
      log_debug("zoom", "token cache %s unreadable (%s); ignoring it", a->cache_path,
                strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & 077) != 0 || st.st_size > CACHE_MAX) {
    log_debug("zoom", "token cache %s is not a private regular file of this user; ignoring it",
              a->cache_path);
    goto cleanup;
  }
  if (!(buf = malloc(CACHE_MAX + 1))) {
    log_debug("zoom", "no memory to read the token cache %s", a->cache_path);
    goto cleanup;
  }
  /* The size may have changed since fstat: read up to the cap, and one byte more. */
  n = read_upto(fd, buf, CACHE_MAX + 1);
  if (n < 0 || n > CACHE_MAX) {
    log_debug("zoom", "token cache %s unreadable or over %d bytes; ignoring it", a->cache_path,
              CACHE_MAX);
    goto cleanup;
  }
  /* The token leaves the text before the JSON parser reads it (token_lift). */
  int lifted = token_lift(buf, (size_t)n, &token);
  if (lifted == -2) {
    log_debug("zoom", "no memory to copy the token from the cache %s", a->cache_path);
    goto cleanup;
  }
  json_error_t jerr;
  doc = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
  const char *why = NULL;
  json_t *exp = json_object_get(doc, "expires_at");
  const char *fmt = json_string_value(json_object_get(doc, "format"));
  const char *acct = json_string_value(json_object_get(doc, "account_id"));
  const char *cid = json_string_value(json_object_get(doc, "client_id"));
  const char *turl = json_string_value(json_object_get(doc, "token_url"));
  const char *api_base = json_string_value(json_object_get(doc, "api_base"));
  if (!doc)
    why = "not valid JSON";
  else if (!fmt || strcmp(fmt, CACHE_FORMAT) != 0 ||
           json_integer_value(json_object_get(doc, "version")) != 1)
    why = "not a token cache of this program";
  else if (!acct || strcmp(acct, a->account_id) != 0 || !cid || strcmp(cid, a->client_id) != 0 ||
           !turl || strcmp(turl, a->token_url) != 0)
    why = "for another account, app or token URL";
  else if (lifted != 0 || !token_lifted_from(doc, token) || !token_text_ok(token) ||
           !json_is_integer(exp))
    why = "missing or malformed token fields";
  else if (api_base && api_base[0] &&
           (strlen(api_base) >= sizeof r->api_base || !zoom_url_allowed(api_base) ||
            (strncasecmp(api_base, "https:", 6) != 0 && strncasecmp(turl, "https:", 6) == 0)))
    why = "its api_base is not an allowed URL";
  if (why) {
    log_debug("zoom", "token cache %s ignored and to be replaced: %s", a->cache_path, why);
    goto cleanup;
  }
  r->token = token;
  token = NULL;
  r->expires_at = (long long)json_integer_value(exp);
  r->obtained_at = (long long)json_integer_value(json_object_get(doc, "obtained_at"));
  snprintf(r->scopes, sizeof r->scopes, "%s",
           json_string_value(json_object_get(doc, "scope")) ?: "");
  /* The scopes are shown (token status): never a secret, whatever the file says. */
  zoom_text_redact(r->scopes, sizeof r->scopes, a->client_secret);
  zoom_text_redact(r->scopes, sizeof r->scopes, r->token);
  snprintf(r->api_base, sizeof r->api_base, "%s", api_base ? api_base : "");
  result = 0;
cleanup:
  doc_token_decref(doc);
  zoom_secret_free(token);
  if (buf) {
    buf_wipe(buf, n > 0 ? (size_t)n : 0);
    free(buf);
  }
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
  if (errno != EEXIST)
    return -1;
  if (!cache_dir_safe(path)) {
    errno = EPERM;
    return -1;
  }
  return 0;
}

/* Writes R atomically: a 0600 temp file in the same directory, fsync, rename, fsync of
 * the directory. The client secret is never part of it. Returns 0 or -1 (logged). */
/* json_dump_callback's sink: appends to the bytebuf DATA. */
static int dump_to_buf(const char *buffer, size_t size, void *data) {
  return buf_append(data, buffer, size) == BUF_OK ? 0 : -1;
}

static int cache_write(zoom_auth *a, const token_record *r) {
  int result = -1;
  bytebuf text; /* the file's text holds the token: secret (json_dumps would grow its own
                 * buffer by realloc and leave copies behind) */
  buf_init_secret(&text, CACHE_MAX);
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
  if (!doc || json_dump_callback(doc, dump_to_buf, &text, JSON_INDENT(2)) != 0)
    goto cleanup;
  if (file_write_atomic(a->cache_path, text.data, text.len, 0600) != 0)
    goto cleanup;
  result = 0;
cleanup:
  if (result != 0)
    log_warn("zoom", "could not write the token cache %s: %s", a->cache_path, strerror(errno));
  buf_free(&text);
  doc_token_decref(doc);
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
  /* Like the cache itself: no link followed, no blocking open, a regular file only. */
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0600);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
    log_debug("zoom", "the token cache lock %s is not a regular file of this user", path);
    close(fd);
    return -1;
  }
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
static void token_refused(const zoom_auth *a, zoom_error *err, long status, json_t *body) {
  const char *code = json_string_value(json_object_get(body, "error"));
  const char *said = json_string_value(json_object_get(body, "reason"));
  if (!said)
    said = json_string_value(json_object_get(body, "message"));
  /* The endpoint's words may quote what it was sent: the secret is redacted before the
   * words are cut to length, so no piece of it is left either. */
  char words[256];
  const char *reason = NULL;
  if (said) {
    snprintf(words, sizeof words, "%s", said);
    zoom_text_redact(words, sizeof words, a->client_secret);
    reason = words;
  }
  err->http_status = status;
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

/* POSTs the token request and fills R. Returns 0 or -1 with ERR set. Every text holding the
 * secret (the "id:secret" pair, its Base64, the Authorization line) or the token (the reply's
 * body) is built in a secret bytebuf or wiped before it is freed. */
static int token_request(zoom_auth *a, const zoom_cancel *cancel, token_record *r,
                         zoom_error *err) {
  int result = -1;
  char *b64 = NULL, *account = NULL, *token = NULL;
  bytebuf pair, auth_line, form;
  buf_init_secret(&pair, BUF_NO_CAP);
  buf_init_secret(&auth_line, BUF_NO_CAP);
  buf_init_secret(&form, BUF_NO_CAP);
  json_t *doc = NULL;
  zoom_http_reply rep = {0};
  if (buf_appendf(&pair, "%s:%s", a->client_id, a->client_secret) != BUF_OK ||
      !(b64 = base64(pair.data, pair.len)) ||
      buf_appendf(&auth_line, "Authorization: Basic %s", b64) != BUF_OK ||
      !(account = zoom_url_encode(a->account_id)) ||
      buf_appendf(&form, "grant_type=account_credentials&account_id=%s", account) != BUF_OK)
    goto oom;
  const char *headers[] = {auth_line.data, "Content-Type: application/x-www-form-urlencoded",
                           "Accept: application/json", NULL};
  zoom_http_request req = {.method = "POST",
                           .url = a->token_url,
                           .headers = headers,
                           .body = form.data,
                           .body_len = form.len,
                           .cancel = cancel,
                           .rate_category = ZOOM_RATE_NONE,
                           .secret_reply = true};
  log_debug("zoom", "requesting an access token from %s", a->token_url);
  if (zoom_http_send(a->http, &a->pol, &req, true, &rep, err) != 0) {
    if (err && err->kind != ZOOM_ERR_CANCELLED) {
      char msg[sizeof err->message];
      snprintf(msg, sizeof msg, "%s", err->message);
      zoom_error_set(err, err->kind, "token request: %s", msg);
    }
    goto cleanup;
  }
  /* The token leaves the text before the JSON parser reads it (token_lift). */
  int lifted = rep.status == 200 ? token_lift(rep.body, rep.len, &token) : -1;
  if (lifted == -2)
    goto oom;
  json_error_t jerr;
  doc = json_loadb(rep.body, rep.len, JSON_REJECT_DUPLICATES, &jerr);
  if (rep.status != 200) {
    token_refused(a, err, rep.status, doc);
    goto cleanup;
  }
  json_t *expires_in = json_object_get(doc, "expires_in");
  if (lifted != 0 || !token_lifted_from(doc, token) || !token_text_ok(token) ||
      !json_is_integer(expires_in) || json_integer_value(expires_in) <= 0 ||
      json_integer_value(expires_in) > 31536000) {
    zoom_error_set(err, ZOOM_ERR_BAD_REPLY,
                   "the token reply lacks a usable access_token or expires_in");
    goto cleanup;
  }
  r->token = token;
  token = NULL;
  r->expires_at = (long long)time(NULL) + (long long)json_integer_value(expires_in);
  snprintf(r->scopes, sizeof r->scopes, "%s",
           json_string_value(json_object_get(doc, "scope")) ?: "");
  /* The scopes are shown (token status): the endpoint's words may not bring a secret there. */
  zoom_text_redact(r->scopes, sizeof r->scopes, a->client_secret);
  zoom_text_redact(r->scopes, sizeof r->scopes, r->token);
  api_base_from(a, json_string_value(json_object_get(doc, "api_url")), r->api_base,
                sizeof r->api_base);
  log_debug("zoom", "got an access token valid for %lld s",
            (long long)json_integer_value(expires_in));
  result = 0;
  goto cleanup;
oom:
  zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory while building the token request");
cleanup:
  /* A failure names the token request, never the API call that needed the token. */
  if (result != 0 && err && err->kind != ZOOM_ERR_CANCELLED) {
    snprintf(err->method, sizeof err->method, "POST");
    snprintf(err->path, sizeof err->path, "%s", a->token_path);
  }
  if (result != 0)
    zoom_error_redact(err, a->client_secret);
  doc_token_decref(doc);
  zoom_http_reply_clear(&rep); /* wipes the body: the request asked for a secret reply */
  zoom_secret_free(token);
  zoom_secret_free(b64);
  free(account);
  buf_free(&pair);
  buf_free(&auth_line);
  buf_free(&form);
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

/* Copies the current token out when it is usable: not refused, and outside the renewal
 * margin or, when FRESH (just issued by Zoom, so the best there is), merely unexpired. Call
 * with state_lock held. */
static take_result current_copy(zoom_auth *a, bool fresh, char **out, char *api_base, size_t size) {
  if (!a->token || rejected_has(a, a->token))
    return TAKE_NONE;
  if (fresh ? (long long)time(NULL) >= a->expires_at : !still_good(a, a->expires_at))
    return TAKE_NONE;
  if (!(*out = strdup(a->token)))
    return TAKE_NOMEM;
  if (api_base)
    snprintf(api_base, size, "%s", a->api_base);
  return TAKE_OK;
}

/* Adopts the record R read from the cache file when it may be handed out (outside the
 * renewal margin, not refused) and copies it out; leaves memory alone otherwise. Call with
 * state_lock held. */
static take_result cache_take(zoom_auth *a, token_record *r, char **out, char *api_base,
                              size_t size) {
  if (!r->token || !still_good(a, r->expires_at) || rejected_has(a, r->token))
    return TAKE_NONE;
  adopt(a, r, true);
  return current_copy(a, false, out, api_base, size);
}

/* Waits until no other thread of this process is fetching a token, then marks this one as
 * the fetcher. The wait polls CANCEL every FETCH_WAIT_SLICE_MS (never with the lock held).
 * Returns 0, or -1 when CANCEL fired while waiting. */
static int fetch_begin(zoom_auth *a, const zoom_cancel *cancel) {
  int result = 0;
  pthread_mutex_lock(&a->state_lock);
  while (a->fetching) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += FETCH_WAIT_SLICE_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&a->fetch_done, &a->state_lock, &until);
    if (!a->fetching || !cancel || !cancel->cancelled)
      continue;
    pthread_mutex_unlock(&a->state_lock);
    bool stop = cancel->cancelled(cancel->ctx);
    pthread_mutex_lock(&a->state_lock);
    if (stop) {
      result = -1;
      goto cleanup;
    }
  }
  a->fetching = true;
cleanup:
  pthread_mutex_unlock(&a->state_lock);
  return result;
}

static void fetch_end(zoom_auth *a) {
  pthread_mutex_lock(&a->state_lock);
  a->fetching = false;
  pthread_cond_broadcast(&a->fetch_done);
  pthread_mutex_unlock(&a->state_lock);
}

int zoom_auth_token(zoom_auth *a, const zoom_cancel *cancel, bool force, char **out_token,
                    char *out_api_base, size_t size, zoom_error *err) {
  int result = -1;
  token_record r = {0};
  long long started = (long long)time(NULL);
  int lock_fd = -1;
  bool fetcher = false;
  take_result took = TAKE_NONE;
  *out_token = NULL;
  if (!force) {
    pthread_mutex_lock(&a->state_lock);
    took = current_copy(a, false, out_token, out_api_base, size);
    pthread_mutex_unlock(&a->state_lock);
    if (took != TAKE_NONE)
      goto done;
  }
  if (fetch_begin(a, cancel) != 0) {
    zoom_error_set(err, ZOOM_ERR_CANCELLED,
                   "cancelled while waiting for another call's token request");
    goto cleanup;
  }
  fetcher = true;
  if (!force) {
    /* Another thread may have fetched one while we waited, or the file may hold one. */
    pthread_mutex_lock(&a->state_lock);
    took = current_copy(a, false, out_token, out_api_base, size);
    pthread_mutex_unlock(&a->state_lock);
    if (took != TAKE_NONE)
      goto done;
    if (cache_read(a, &r) == 0) {
      pthread_mutex_lock(&a->state_lock);
      took = cache_take(a, &r, out_token, out_api_base, size);
      pthread_mutex_unlock(&a->state_lock);
      if (took != TAKE_NONE)
        goto from_cache;
    }
    record_clear(&r);
  }
  lock_fd = cache_lock(a, cancel);
  if (lock_fd == -2) {
    zoom_error_set(err, ZOOM_ERR_CANCELLED,
                   "cancelled while waiting for another process's token request");
    goto cleanup;
  }
  if (lock_fd < 0)
    log_debug("zoom", "no lock file next to %s; requesting a token without it", a->cache_path);
  /* Another process may have written a fresh one while we waited for the lock. A forced
   * refresh takes it only when it was issued after this call began. */
  if (cache_read(a, &r) == 0 && (!force || r.obtained_at > started)) {
    pthread_mutex_lock(&a->state_lock);
    took = cache_take(a, &r, out_token, out_api_base, size);
    pthread_mutex_unlock(&a->state_lock);
    if (took != TAKE_NONE)
      goto from_cache;
  }
  record_clear(&r);
  if (token_request(a, cancel, &r, err) != 0)
    goto cleanup;
  cache_write(a, &r);
  pthread_mutex_lock(&a->state_lock);
  rejected_forget(a, r.token);
  adopt(a, &r, false);
  took = current_copy(a, true, out_token, out_api_base, size);
  pthread_mutex_unlock(&a->state_lock);
  if (took == TAKE_NONE) {
    zoom_error_set(err, ZOOM_ERR_AUTH, "Zoom's new token has already expired");
    goto cleanup;
  }
  goto done;
from_cache:
  log_debug("zoom", "using the access token from the cache %s", a->cache_path);
done:
  if (took == TAKE_NOMEM) {
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory while copying the access token");
    goto cleanup;
  }
  result = 0;
cleanup:
  cache_unlock(lock_fd);
  if (fetcher)
    fetch_end(a);
  record_clear(&r);
  return result;
}

void zoom_auth_reject(zoom_auth *a, const char *token) {
  if (!a || !token)
    return;
  uint64_t h = token_hash(token);
  pthread_mutex_lock(&a->state_lock);
  if (!rejected_has(a, token)) {
    a->rejected[a->rejected_next] = h;
    a->rejected_next = (a->rejected_next + 1) % REJECTED_MAX;
  }
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
  bool known = a->token != NULL;
  pthread_mutex_unlock(&a->state_lock);
  /* The file is read with no lock held: a slow or hostile file delays this call only. */
  if (!known && cache_read(a, &r) == 0) {
    pthread_mutex_lock(&a->state_lock);
    if (!a->token && !rejected_has(a, r.token))
      adopt(a, &r, true);
    pthread_mutex_unlock(&a->state_lock);
  }
  record_clear(&r);
  snprintf(out->cache_path, sizeof out->cache_path, "%s", a->cache_path);
  snprintf(out->timezone, sizeof out->timezone, "%s", a->timezone ? a->timezone : "UTC");
  pthread_mutex_lock(&a->state_lock);
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
