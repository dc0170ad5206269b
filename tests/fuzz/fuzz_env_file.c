/* fuzz_env_file.c - fuzz target for zoom/config: the bytes as a .env file
 * (an in-memory file named through /proc/self/fd), then validation and the
 * JSON description. The description must name every setting and must not
 * depend on the client secret's value; validation's words may depend only on
 * whether the secret is well-formed, never on the secret itself. */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/log.h"
#include "fuzz.h"
#include "zoom/config.h"

#define ENV_MAX_INPUT (80 * 1024) /* above the reader's 64 KiB cap, to reach its refusal */

static const char *const setting_names[] = {
    "ZOOM_ACCOUNT_ID",
    "ZOOM_CLIENT_ID",
    "ZOOM_CLIENT_SECRET",
    "ZOOM_API_BASE_URL",
    "ZOOM_OAUTH_TOKEN_URL",
    "ZOOM_TOKEN_CACHE",
    "ZOOM_CA_BUNDLE",
    "ZOOM_TIMEZONE",
    "ZOOM_LOG_FILE",
    "ZOOM_LOG_LEVEL",
    "ZOOM_CONNECT_TIMEOUT_MS",
    "ZOOM_REQUEST_TIMEOUT_MS",
    "ZOOM_TOKEN_RENEW_BEFORE_S",
    "ZOOM_MAX_RETRIES",
    "ZOOM_RETRY_BASE_MS",
    "ZOOM_RETRY_MAX_WAIT_S",
    "ZOOM_MAX_RESPONSE_BYTES",
    "ZOOM_RATE_PLAN",
};

static void env_fuzz_init(void) {
  log_set_level(LOG_OFF);
  /* The cache path is derived from these: keep it the same on every machine. */
  setenv("XDG_CACHE_HOME", "/nonexistent/fuzz-cache", 1);
  setenv("HOME", "/nonexistent/fuzz-home", 1);
}

/* Returns a new string: CFG's JSON description, compact. */
static char *env_describe(const zoom_config *cfg) {
  json_t *o = zoom_config_to_json(cfg);
  FUZZ_CHECK(json_is_object(o), "zoom_config_to_json gave no object");
  for (size_t i = 0; i < sizeof setting_names / sizeof setting_names[0]; i++)
    FUZZ_CHECK(json_object_get(o, setting_names[i]) != NULL, "a setting is missing from the JSON");
  char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  FUZZ_CHECK(text != NULL, "the description cannot be serialized");
  json_decref(o);
  return text;
}

/* Returns a new string: what zoom_config_validate says about CFG ("" when valid). */
static char *env_verdict(const zoom_config *cfg) {
  zoom_error err = {0};
  int rc = zoom_config_validate(cfg, &err);
  FUZZ_CHECK(rc == 0 || rc == -1, "zoom_config_validate returned something else");
  FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL, "unterminated message");
  FUZZ_CHECK(rc == 0 || err.message[0] != '\0', "invalid but no message");
  char *text = NULL;
  FUZZ_CHECK(asprintf(&text, "%d|%s|%s", rc, err.message, err.hint) >= 0, "out of memory");
  zoom_error_clear(&err);
  return text;
}

/* True when SECRET is what validation calls well-formed (mirrors its rule:
 * up to 256 printable ASCII characters, no spaces). */
static int secret_well_formed(const char *secret) {
  size_t n = strlen(secret);
  for (const char *p = secret; *p; p++)
    if (*p <= ' ' || *p >= 0x7f)
      return 0;
  return n <= 256;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, env_fuzz_init);
  if (size > ENV_MAX_INPUT)
    return 0;
  int fd = memfd_create("fuzz.env", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0, "memfd_create");
  FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size, "write to the memfd");
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

  zoom_config *cfg = zoom_config_new();
  FUZZ_CHECK(cfg != NULL, "zoom_config_new");
  zoom_error err = {0};
  int rc = zoom_config_read_env_file(cfg, path, &err);
  FUZZ_CHECK(rc == 0 || (rc == -1 && err.message[0] != '\0'), "a refusal without a message");
  zoom_error_clear(&err);
  close(fd);

  char *described = env_describe(cfg);
  char *verdict = env_verdict(cfg);
  if (cfg->client_secret) {
    /* The same config with another secret of the same form must read the same. */
    const char *stand_in = secret_well_formed(cfg->client_secret) ? "StandInSecret" : "stand in";
    FUZZ_CHECK(zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", stand_in, &err) == 0, "set secret");
    char *described2 = env_describe(cfg);
    char *verdict2 = env_verdict(cfg);
    FUZZ_CHECK(strcmp(described, described2) == 0, "the JSON depends on the secret's value");
    FUZZ_CHECK(strcmp(verdict, verdict2) == 0, "validation's words depend on the secret's value");
    free(described2);
    free(verdict2);
  }
  /* A copy describes itself the same way. */
  zoom_config *copy = zoom_config_dup(cfg);
  FUZZ_CHECK(copy != NULL, "zoom_config_dup");
  char *a = env_describe(cfg), *b = env_describe(copy);
  FUZZ_CHECK(strcmp(a, b) == 0, "a copy describes itself differently");
  free(a);
  free(b);
  zoom_config_free(copy);
  free(described);
  free(verdict);
  zoom_config_free(cfg);
  return 0;
}
