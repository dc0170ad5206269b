/* fuzz_token_cache.c - fuzz target for the token-cache reader: the bytes as the cache
 * file (a private regular file), read by a fresh token keeper through its status and
 * its token lookup. A token is taken from the file only when the file names this
 * account, client and token URL; the API base it gives is one the URL rule allows;
 * the status never shows the token. The token URL is a closed loopback port, so a
 * cache that is not used ends in a quick refused token request. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "fuzz.h"
#include "zoom/auth.h"
#include "zoom/config.h"
#include "zoom/internal.h"

#define CACHE_MAX_INPUT (96 * 1024) /* above the reader's cap, to reach its refusal */

static zoom_config *cfg;
static zoom_http *http;
static char dir[64], file[96];

static void cache_remove(void) {
  char lock[112];
  snprintf(lock, sizeof lock, "%s.lock", file);
  unlink(lock);
  unlink(file);
  rmdir(dir);
}

static void set(const char *name, const char *value) {
  zoom_error err = {0};
  FUZZ_CHECK(zoom_config_set(cfg, name, value, &err) == 0, name);
}

static void cache_fuzz_init(void) {
  log_set_level(LOG_OFF);
  snprintf(dir, sizeof dir, "/tmp/zwm-fuzz-cache-%ld", (long)getpid());
  snprintf(file, sizeof file, "%s/token.json", dir);
  FUZZ_CHECK(mkdir(dir, 0700) == 0 || chmod(dir, 0700) == 0, "mkdir");
  atexit(cache_remove);
  FUZZ_CHECK((cfg = zoom_config_new()) != NULL, "zoom_config_new");
  set("ZOOM_ACCOUNT_ID", "acct-1");
  set("ZOOM_CLIENT_ID", "client-1");
  set("ZOOM_CLIENT_SECRET", "FuzzCacheSecret");
  set("ZOOM_OAUTH_TOKEN_URL", "http://127.0.0.1:1/oauth/token");
  set("ZOOM_TOKEN_CACHE", file);
  set("ZOOM_MAX_RETRIES", "0");
  set("ZOOM_CONNECT_TIMEOUT_MS", "1000");
  set("ZOOM_REQUEST_TIMEOUT_MS", "1000");
  FUZZ_CHECK((http = zoom_http_new()) != NULL, "zoom_http_new");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, cache_fuzz_init);
  if (size > CACHE_MAX_INPUT)
    return 0;
  unlink(file);
  int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  FUZZ_CHECK(fd >= 0, "create the cache file");
  FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size, "write the cache file");
  close(fd);

  zoom_error err = {0};
  zoom_auth *a = zoom_auth_new(cfg, http, &err);
  FUZZ_CHECK(a != NULL, "zoom_auth_new");
  zoom_token_status st;
  zoom_auth_status(a, &st);
  char *token = NULL, api_base[256] = "";
  int rc = zoom_auth_token(a, NULL, false, &token, api_base, sizeof api_base, &err);
  FUZZ_CHECK(rc == 0 || rc == -1, "a result other than 0 or -1");
  if (getenv("FUZZ_ECHO"))
    fprintf(stderr, "status %s, token %s: %s\n", st.state, rc == 0 ? "from the cache" : "none",
            rc == 0 ? api_base : err.message);
  if (rc == 0) {
    /* Nothing else can have given it: the token request cannot succeed. */
    FUZZ_CHECK(token && token[0], "an empty token");
    FUZZ_CHECK(memmem(data, size, "acct-1", 6) && memmem(data, size, "client-1", 8),
               "a token from a cache that does not name this account and client");
    FUZZ_CHECK(api_base[0] == '\0' || zoom_url_allowed(api_base), "a refused API base");
    /* The status, now from memory, never shows the token. */
    zoom_auth_status(a, &st);
    json_t *j = zoom_token_status_to_json(&st);
    char *text = json_dumps(j, JSON_COMPACT);
    FUZZ_CHECK(text != NULL, "the status cannot be serialized");
    /* The scopes and API base are the file's own words and may happen to hold the token's
     * text (a finding of the first run): only other places count. */
    FUZZ_CHECK(strlen(token) < 8 || strstr(st.scopes, token) || strstr(st.api_base, token) ||
                   !strstr(text, token),
               "the token in the status");
    free(text);
    json_decref(j);
  } else {
    FUZZ_CHECK(err.message[0] != '\0', "an error without a message");
    FUZZ_CHECK(!strstr(err.message, "FuzzCacheSecret") && !strstr(err.hint, "FuzzCacheSecret"),
               "the secret in an error");
  }
  zoom_secret_free(token);
  zoom_error_clear(&err);
  zoom_auth_free(a);
  return 0;
}
