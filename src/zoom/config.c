/* config.c - loading, validating and describing zoom_config (environment wins over .env). */
#include "zoom/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/num.h"
#include "base/tz.h"
#include "zoom/internal.h"

#define ENV_FILE_MAX (64 * 1024)

static int url_check(const char *url);

typedef enum { SETTING_STRING, SETTING_LONG } setting_type;

/* One setting: its environment name, where it lives, and its bounds and default. */
typedef struct setting {
  const char *name;
  setting_type type;
  size_t offset;
  long min, max, def;
  const char *def_str;
  int secret;
} setting;

#define STR(field, def) SETTING_STRING, offsetof(zoom_config, field), 0, 0, 0, def
#define NUM(field, lo, hi, d) SETTING_LONG, offsetof(zoom_config, field), lo, hi, d, NULL

static const setting settings[] = {
    {"ZOOM_ACCOUNT_ID", STR(account_id, NULL), 0},
    {"ZOOM_CLIENT_ID", STR(client_id, NULL), 0},
    {"ZOOM_CLIENT_SECRET", STR(client_secret, NULL), 1},
    {"ZOOM_API_BASE_URL", STR(api_base_url, NULL), 0},
    {"ZOOM_OAUTH_TOKEN_URL", STR(token_url, ZOOM_DEFAULT_TOKEN_URL), 0},
    {"ZOOM_TOKEN_CACHE", STR(token_cache, NULL), 0},
    {"ZOOM_CA_BUNDLE", STR(ca_bundle, NULL), 0},
    {"ZOOM_TIMEZONE", STR(timezone, NULL), 0},
    {"ZOOM_LOG_FILE", STR(log_file, NULL), 0},
    {"ZOOM_LOG_LEVEL", STR(log_level, NULL), 0},
    {"ZOOM_CONNECT_TIMEOUT_MS", NUM(connect_timeout_ms, 1, 600000, 10000), 0},
    {"ZOOM_REQUEST_TIMEOUT_MS", NUM(request_timeout_ms, 1, 3600000, 30000), 0},
    {"ZOOM_TOKEN_RENEW_BEFORE_S", NUM(token_renew_before_s, 0, 3000, 300), 0},
    {"ZOOM_MAX_RETRIES", NUM(max_retries, 0, 10, 3), 0},
    {"ZOOM_RETRY_BASE_MS", NUM(retry_base_ms, 1, 60000, 500), 0},
    {"ZOOM_RETRY_MAX_WAIT_S", NUM(retry_max_wait_s, 0, 3600, 60), 0},
    {"ZOOM_MAX_RESPONSE_BYTES", NUM(max_response_bytes, 1024, 1L << 30, 16L << 20), 0},
    {"ZOOM_RATE_PLAN", STR(rate_plan, NULL), 0},
    {"ZOOM_READ_ONLY", STR(read_only, NULL), 0},
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

const char *zoom_config_setting_name(size_t i) {
  return i < NSETTINGS ? settings[i].name : NULL;
}

static char **string_field(zoom_config *cfg, const setting *s) {
  return (char **)(void *)((char *)cfg + s->offset);
}

static long *long_field(zoom_config *cfg, const setting *s) {
  return (long *)(void *)((char *)cfg + s->offset);
}

/* Frees a string, wiping it first. */
static void free_wiped(char *s) {
  if (!s)
    return;
  buf_wipe(s, strlen(s));
  free(s);
}

static const setting *setting_find(const char *name) {
  for (size_t i = 0; i < NSETTINGS; i++)
    if (strcmp(settings[i].name, name) == 0)
      return &settings[i];
  return NULL;
}

zoom_config *zoom_config_new(void) {
  zoom_config *cfg = calloc(1, sizeof *cfg);
  if (!cfg)
    return NULL;
  for (size_t i = 0; i < NSETTINGS; i++) {
    const setting *s = &settings[i];
    if (s->type == SETTING_LONG) {
      *long_field(cfg, s) = s->def;
    } else if (s->def_str) {
      char *copy = strdup(s->def_str);
      if (!copy) {
        zoom_config_free(cfg);
        return NULL;
      }
      *string_field(cfg, s) = copy;
    }
  }
  return cfg;
}

void zoom_config_free(zoom_config *cfg) {
  if (!cfg)
    return;
  for (size_t i = 0; i < NSETTINGS; i++)
    if (settings[i].type == SETTING_STRING)
      free_wiped(*string_field(cfg, &settings[i]));
  free(cfg->env_file);
  buf_wipe(cfg, sizeof *cfg);
  free(cfg);
}

zoom_config *zoom_config_dup(const zoom_config *cfg) {
  if (!cfg)
    return NULL;
  zoom_config *copy = calloc(1, sizeof *copy);
  if (!copy)
    return NULL;
  *copy = *cfg;
  for (size_t i = 0; i < NSETTINGS; i++)
    if (settings[i].type == SETTING_STRING)
      *string_field(copy, &settings[i]) = NULL;
  copy->env_file = NULL;
  int failed = 0;
  for (size_t i = 0; i < NSETTINGS; i++) {
    if (settings[i].type != SETTING_STRING)
      continue;
    const char *v = *string_field((zoom_config *)cfg, &settings[i]);
    if (v && !(*string_field(copy, &settings[i]) = strdup(v)))
      failed = 1;
  }
  if (cfg->env_file && !(copy->env_file = strdup(cfg->env_file)))
    failed = 1;
  if (failed) {
    zoom_config_free(copy);
    return NULL;
  }
  return copy;
}

int zoom_config_set(zoom_config *cfg, const char *name, const char *value, zoom_error *err) {
  if (!cfg || !name)
    return zoom_error_set(err, ZOOM_ERR_INVALID, "no configuration or no setting name");
  const setting *s = setting_find(name);
  if (!s)
    return zoom_error_set(err, ZOOM_ERR_CONFIG, "unknown setting %.64s", name);
  if (value && strlen(value) > 4096)
    return zoom_error_set(err, ZOOM_ERR_CONFIG, "%s is too long (at most 4096 bytes)", name);
  if (s->type == SETTING_LONG) {
    long v = s->def;
    if (value && *value) {
      long long n;
      if (num_parse_ll(value, s->min, s->max, &n) != 0)
        return zoom_error_set(err, ZOOM_ERR_CONFIG, "%s must be a whole number from %ld to %ld",
                              name, s->min, s->max);
      v = (long)n;
    }
    *long_field(cfg, s) = v;
    return 0;
  }
  const char *text = value && *value ? value : s->def_str;
  char *copy = NULL;
  if (text && !(copy = strdup(text)))
    return zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
  char **field = string_field(cfg, s);
  free_wiped(*field);
  *field = copy;
  return 0;
}

/* Unquotes VALUE in place: "double" (with \n \" \\ escapes), 'single', or bare (a " #"
 * starts a comment; surrounding blanks go). */
static void env_unquote(char *value) {
  char *r = value, *w = value;
  if (*r == '"') {
    r++;
    while (*r && *r != '"') {
      if (*r == '\\' && r[1]) {
        r++;
        *w++ = *r == 'n' ? '\n' : *r;
        r++;
      } else {
        *w++ = *r++;
      }
    }
    *w = '\0';
  } else if (*r == '\'') {
    r++;
    while (*r && *r != '\'')
      *w++ = *r++;
    *w = '\0';
  } else {
    char *hash = strstr(value, " #");
    if (hash)
      *hash = '\0';
    size_t n = strlen(value);
    while (n > 0 && isspace((unsigned char)value[n - 1]))
      value[--n] = '\0';
  }
}

int zoom_config_read_env_file(zoom_config *cfg, const char *path, zoom_error *err) {
  int result = -1;
  char *buf = NULL;
  FILE *f = NULL;
  if (!cfg || !path)
    return zoom_error_set(err, ZOOM_ERR_INVALID, "no configuration or no .env path");
  f = fopen(path, "re");
  if (!f) {
    zoom_error_set(err, ZOOM_ERR_CONFIG, "cannot read the env file %.200s: %s", path,
                   strerror(errno));
    goto cleanup;
  }
  buf = malloc(ENV_FILE_MAX + 1);
  if (!buf) {
    zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
    goto cleanup;
  }
  /* One fread larger than the stream's buffer: glibc reads straight into BUF (wiped below),
   * and the stdio buffer that fclose frees never holds the file (test_secmem checks). */
  size_t n = fread(buf, 1, ENV_FILE_MAX + 1, f);
  if (n > ENV_FILE_MAX) {
    zoom_error_set(err, ZOOM_ERR_CONFIG, "the env file %.200s is larger than 64 KiB", path);
    goto cleanup;
  }
  buf[n] = '\0';
  size_t lineno = 0;
  for (char *line = buf, *next; line && *line; line = next) {
    lineno++;
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    while (isspace((unsigned char)*line))
      line++;
    if (*line == '\0' || *line == '#')
      continue;
    if (strncmp(line, "export ", 7) == 0)
      line += 7;
    char *eq = strchr(line, '=');
    if (!eq) {
      zoom_error_set(err, ZOOM_ERR_CONFIG, "%.200s line %zu: expected NAME=VALUE", path, lineno);
      goto cleanup;
    }
    char *name_end = eq;
    while (name_end > line && isspace((unsigned char)name_end[-1]))
      name_end--;
    *name_end = '\0';
    char *value = eq + 1;
    while (isspace((unsigned char)*value))
      value++;
    size_t vlen = strlen(value);
    if (vlen && value[vlen - 1] == '\r')
      value[vlen - 1] = '\0';
    env_unquote(value);
    if (!setting_find(line))
      continue;
    if (zoom_config_set(cfg, line, value, err) != 0) {
      char msg[sizeof err->message];
      snprintf(msg, sizeof msg, "%s", err->message);
      zoom_error_set(err, ZOOM_ERR_CONFIG, "%.200s line %zu: %s", path, lineno, msg);
      goto cleanup;
    }
  }
  free(cfg->env_file);
  cfg->env_file = strdup(path);
  result = 0;
cleanup:
  if (buf) {
    buf_wipe(buf, ENV_FILE_MAX + 1);
    free(buf);
  }
  if (f)
    fclose(f);
  return result;
}

int zoom_config_read_environment(zoom_config *cfg, zoom_error *err) {
  for (size_t i = 0; i < NSETTINGS; i++) {
    const char *v = getenv(settings[i].name);
    if (v && zoom_config_set(cfg, settings[i].name, v, err) != 0)
      return -1;
  }
  return 0;
}

int zoom_config_load(zoom_config **out, const char *env_file, zoom_error *err) {
  *out = NULL;
  zoom_config *cfg = zoom_config_new();
  if (!cfg)
    return zoom_error_set(err, ZOOM_ERR_NOMEM, "out of memory");
  struct stat st;
  if (env_file) {
    if (zoom_config_read_env_file(cfg, env_file, err) != 0)
      goto fail;
  } else if (stat(".env", &st) == 0 && S_ISREG(st.st_mode)) {
    if (zoom_config_read_env_file(cfg, ".env", err) != 0)
      goto fail;
  }
  if (zoom_config_read_environment(cfg, err) != 0)
    goto fail;
  *out = cfg;
  return 0;
fail:
  zoom_config_free(cfg);
  return -1;
}

zoom_credentials_state zoom_config_credentials(const zoom_config *cfg) {
  if (!cfg)
    return ZOOM_CREDENTIALS_NONE;
  int n = (cfg->account_id != NULL) + (cfg->client_id != NULL) + (cfg->client_secret != NULL);
  return n == 0   ? ZOOM_CREDENTIALS_NONE
         : n == 3 ? ZOOM_CREDENTIALS_COMPLETE
                  : ZOOM_CREDENTIALS_PARTIAL;
}

/* True when every byte of S is printable ASCII other than space. */
static int is_token_text(const char *s) {
  for (; *s; s++)
    if (*s <= ' ' || *s >= 0x7f)
      return 0;
  return 1;
}

bool zoom_url_allowed(const char *url) {
  return url && url_check(url) == 0;
}

/* True when HOST, as libcurl's URL parser gave it (IPv4 forms such as 127.1 or 0x7f.1
 * already normalised to dotted quads, IPv6 in brackets), names this machine: "localhost"
 * exactly (no trailing dot, no subdomain), an address in 127.0.0.0/8, or [::1]. Other
 * spellings (IPv4-mapped IPv6, zone ids) are not loopback here. */
static bool host_is_loopback(const char *host) {
  unsigned char addr[16];
  if (strcasecmp(host, "localhost") == 0)
    return true;
  if (inet_pton(AF_INET, host, addr) == 1)
    return addr[0] == 127;
  size_t n = strlen(host);
  char inner[64];
  if (n < 3 || n - 2 >= sizeof inner || host[0] != '[' || host[n - 1] != ']')
    return false;
  memcpy(inner, host + 1, n - 2);
  inner[n - 2] = '\0';
  return inet_pton(AF_INET6, inner, addr) == 1 &&
         IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)(const void *)addr);
}

/* True when libcurl finds PART in U (an empty user name counts as present). */
static bool url_has(CURLU *u, CURLUPart part) {
  char *value = NULL;
  CURLUcode rc = curl_url_get(u, part, &value, 0);
  curl_free(value);
  return rc == CURLUE_OK;
}

/* Judges URL by what libcurl's URL parser finds in it, never by its text: the scheme must
 * be https, or http with a loopback host; no user name or password (curl would send them,
 * or mistake them for the host), no query, fragment or zone id. Returns 0 or -1. */
static int url_check(const char *url) {
  int result = -1;
  char *scheme = NULL, *host = NULL;
  CURLU *u = NULL;
  if (strlen(url) > 2048 || !(u = curl_url()))
    goto cleanup;
  if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0])
    goto cleanup;
  if (url_has(u, CURLUPART_USER) || url_has(u, CURLUPART_PASSWORD) ||
      url_has(u, CURLUPART_OPTIONS) || url_has(u, CURLUPART_QUERY) ||
      url_has(u, CURLUPART_FRAGMENT) || url_has(u, CURLUPART_ZONEID))
    goto cleanup;
  if (strcmp(scheme, "https") == 0 || (strcmp(scheme, "http") == 0 && host_is_loopback(host)))
    result = 0;
cleanup:
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(u);
  return result;
}

bool zoom_url_is_loopback(const char *url) {
  bool loopback = false;
  char *host = NULL;
  CURLU *u = url && strlen(url) <= 2048 ? curl_url() : NULL;
  if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
    loopback = host_is_loopback(host);
  curl_free(host);
  curl_url_cleanup(u);
  return loopback;
}

/* Appends TEXT to the problem list in BUF. */
static void problem_add(char *buf, size_t size, const char *text) {
  size_t used = strlen(buf);
  snprintf(buf + used, size - used, "%s%s", used ? "; " : "", text);
}

int zoom_config_validate(const zoom_config *cfg, zoom_error *err) {
  char problems[460] = "";
  if (!cfg)
    return zoom_error_set(err, ZOOM_ERR_INVALID, "no configuration");
  static const struct {
    size_t offset;
    const char *name;
  } creds[] = {{offsetof(zoom_config, account_id), "ZOOM_ACCOUNT_ID"},
               {offsetof(zoom_config, client_id), "ZOOM_CLIENT_ID"},
               {offsetof(zoom_config, client_secret), "ZOOM_CLIENT_SECRET"}};
  char line[200];
  for (size_t i = 0; i < sizeof creds / sizeof creds[0]; i++) {
    const char *v = *(char *const *)(const void *)((const char *)cfg + creds[i].offset);
    if (!v)
      snprintf(line, sizeof line, "%s is missing", creds[i].name);
    else if (strlen(v) > 256 || !is_token_text(v))
      snprintf(line, sizeof line,
               "%s is malformed (expected up to 256 printable characters "
               "without spaces)",
               creds[i].name);
    else
      continue;
    problem_add(problems, sizeof problems, line);
  }
  if (cfg->api_base_url && url_check(cfg->api_base_url) != 0)
    problem_add(problems, sizeof problems,
                "ZOOM_API_BASE_URL must be https:// (http:// only to a loopback host), "
                "without user name, password, query or fragment");
  if (!cfg->token_url || url_check(cfg->token_url) != 0)
    problem_add(problems, sizeof problems,
                "ZOOM_OAUTH_TOKEN_URL must be https:// (http:// only to a loopback host), "
                "without user name, password, query or fragment");
  log_level level;
  if (cfg->log_level && log_level_parse(cfg->log_level, &level) != 0)
    problem_add(problems, sizeof problems,
                "ZOOM_LOG_LEVEL must be debug, info, notice, warning, error or off");
  zoom_rate_plan plan;
  if (cfg->rate_plan && zoom_rate_plan_parse(cfg->rate_plan, &plan) != 0)
    problem_add(problems, sizeof problems, "ZOOM_RATE_PLAN must be pro, business or off");
  char when[80];
  struct stat zoneinfo;
  if (cfg->timezone && tz_format(0, cfg->timezone, when, sizeof when) != 0 &&
      stat("/usr/share/zoneinfo", &zoneinfo) == 0)
    problem_add(problems, sizeof problems,
                "ZOOM_TIMEZONE is not a known IANA time zone (e.g. America/New_York)");
  if (problems[0] == '\0')
    return 0;
  zoom_error_set(err, ZOOM_ERR_CONFIG, "Zoom configuration incomplete: %s", problems);
  zoom_error_hint(err, "Set them in the environment or in a .env file (the current directory, "
                       "or --env-file FILE); the values come from the Server-to-Server OAuth "
                       "app in the Zoom App Marketplace.");
  return -1;
}

char *zoom_config_cache_path(const zoom_config *cfg) {
  if (!cfg)
    return NULL;
  if (cfg->token_cache)
    return strdup(cfg->token_cache);
  if (!cfg->account_id)
    return NULL;
  char account[128];
  size_t n = 0;
  for (const char *s = cfg->account_id; *s && n < sizeof account - 1; s++)
    account[n++] = (isalnum((unsigned char)*s) || *s == '-' || *s == '_') ? *s : '_';
  account[n] = '\0';
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  char *path = NULL;
  int rc;
  if (xdg && xdg[0] == '/')
    rc = asprintf(&path, "%s/zoom-webinar-mcp/token-%s.json", xdg, account);
  else if (home && home[0] == '/')
    rc = asprintf(&path, "%s/.cache/zoom-webinar-mcp/token-%s.json", home, account);
  else
    return NULL;
  return rc < 0 ? NULL : path;
}

/* A new JSON string holding S; when S is not valid UTF-8 (jansson refuses it),
 * a copy whose non-ASCII bytes read '?', so the setting is still described. */
static json_t *json_text_lossy(const char *s) {
  json_t *j = json_string(s);
  if (j)
    return j;
  char *copy = strdup(s);
  if (!copy)
    return NULL;
  for (char *p = copy; *p; p++)
    if ((unsigned char)*p >= 0x80)
      *p = '?';
  j = json_string(copy);
  free(copy);
  return j;
}

json_t *zoom_config_to_json(const zoom_config *cfg) {
  json_t *o = json_object();
  if (!o || !cfg)
    return o;
  for (size_t i = 0; i < NSETTINGS; i++) {
    const setting *s = &settings[i];
    if (s->type == SETTING_LONG) {
      json_object_set_new(o, s->name, json_integer(*long_field((zoom_config *)cfg, s)));
      continue;
    }
    const char *v = *string_field((zoom_config *)cfg, s);
    if (s->secret)
      json_object_set_new(o, s->name, json_string(v ? "set" : "missing"));
    else
      json_object_set_new(o, s->name, v ? json_text_lossy(v) : json_null());
  }
  char *cache = zoom_config_cache_path(cfg);
  json_object_set_new(o, "token_cache_path", cache ? json_text_lossy(cache) : json_null());
  free(cache);
  json_object_set_new(o, "env_file", cfg->env_file ? json_text_lossy(cfg->env_file) : json_null());
  static const char *const cred_states[] = {"none", "partial", "complete"};
  json_object_set_new(o, "credentials", json_string(cred_states[zoom_config_credentials(cfg)]));
  return o;
}
