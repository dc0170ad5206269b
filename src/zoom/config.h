/* config.h - the Zoom client's configuration: environment, .env file, defaults, validation. */
#ifndef ZOOM_CONFIG_H
#define ZOOM_CONFIG_H

#include <jansson.h>

#include "zoom/error.h"

#define ZOOM_DEFAULT_API_BASE_URL "https://api.zoom.us/v2"
#define ZOOM_DEFAULT_TOKEN_URL "https://zoom.us/oauth/token"

/* Every setting, named after its environment variable. Strings are owned (NULL = unset);
 * client_secret is wiped when the config is freed and is never serialised. */
typedef struct zoom_config {
  char *account_id;          /* ZOOM_ACCOUNT_ID */
  char *client_id;           /* ZOOM_CLIENT_ID */
  char *client_secret;       /* ZOOM_CLIENT_SECRET (secret) */
  char *api_base_url;        /* ZOOM_API_BASE_URL; NULL: the token reply's api_url + /v2 */
  char *token_url;           /* ZOOM_OAUTH_TOKEN_URL; default ZOOM_DEFAULT_TOKEN_URL */
  char *token_cache;         /* ZOOM_TOKEN_CACHE; NULL: $XDG_CACHE_HOME or ~/.cache default */
  char *ca_bundle;           /* ZOOM_CA_BUNDLE: CA file for TLS verification (always on) */
  char *timezone;            /* ZOOM_TIMEZONE, an IANA name; NULL: UTC */
  char *log_file;            /* ZOOM_LOG_FILE */
  char *log_level;           /* ZOOM_LOG_LEVEL */
  long connect_timeout_ms;   /* ZOOM_CONNECT_TIMEOUT_MS, default 10000 */
  long request_timeout_ms;   /* ZOOM_REQUEST_TIMEOUT_MS (whole transfer), default 30000 */
  long token_renew_before_s; /* ZOOM_TOKEN_RENEW_BEFORE_S, default 300 */
  long max_retries;          /* ZOOM_MAX_RETRIES (5xx, transport, 429), default 3 */
  long retry_base_ms;        /* ZOOM_RETRY_BASE_MS, first backoff step, default 500 */
  long retry_max_wait_s;     /* ZOOM_RETRY_MAX_WAIT_S, longest single wait, default 60 */
  long max_response_bytes;   /* ZOOM_MAX_RESPONSE_BYTES, default 16 MiB */
  char *rate_plan;           /* ZOOM_RATE_PLAN: pro, business, off; NULL: pro (off on loopback) */
  char *read_only; /* ZOOM_READ_ONLY: "1" or "true" offers only tools that change nothing */
  char *env_file;  /* the .env file that was read, or NULL */
} zoom_config;

typedef enum {
  ZOOM_CREDENTIALS_NONE = 0, /* none of the three is set: run on the sandbox */
  ZOOM_CREDENTIALS_PARTIAL,  /* some but not all: a start-up error */
  ZOOM_CREDENTIALS_COMPLETE
} zoom_credentials_state;

/* The environment name of the I-th setting a config holds ("ZOOM_ACCOUNT_ID",
 * ...), or NULL past the last. Static string. */
const char *zoom_config_setting_name(size_t i);

/* A new config holding the defaults. NULL on OOM. Free with zoom_config_free. */
zoom_config *zoom_config_new(void);

/* Wipes the secret and frees. Accepts NULL. */
void zoom_config_free(zoom_config *cfg);

/* A new deep copy of CFG, or NULL on OOM. */
zoom_config *zoom_config_dup(const zoom_config *cfg);

/* Sets the setting whose environment name is NAME ("ZOOM_CLIENT_ID", ...) from text.
 * VALUE NULL or "" restores the default. Numbers are range-checked. Returns 0, or -1
 * with ERR set (ZOOM_ERR_CONFIG) for an unknown name or a bad value. VALUE is copied. */
int zoom_config_set(zoom_config *cfg, const char *name, const char *value, zoom_error *err);

/* Reads KEY=VALUE lines from PATH (blank lines, "# comments", "export ", single or double
 * quotes allowed; at most 64 KiB) and applies the ZOOM_* settings it knows; other keys are
 * ignored. Returns 0, or -1 with ERR set when the file cannot be read or a value is bad. */
int zoom_config_read_env_file(zoom_config *cfg, const char *path, zoom_error *err);

/* Applies every ZOOM_* setting present in the process environment. 0, or -1 with ERR. */
int zoom_config_read_environment(zoom_config *cfg, zoom_error *err);

/* The usual start-up load: defaults, then ENV_FILE (when non-NULL it must exist;
 * when NULL, ./.env is read if present), then the environment, which wins. Stores a new
 * config in *OUT. Does not require credentials (see zoom_config_validate).
 * Returns 0, or -1 with ERR set. */
int zoom_config_load(zoom_config **out, const char *env_file, zoom_error *err);

/* Whether the three credentials are all, partly or not set. */
zoom_credentials_state zoom_config_credentials(const zoom_config *cfg);

/* Checks that the credentials are complete and well-formed and the URLs usable
 * (https, or http to a loopback host only). Returns 0, or -1 with ERR set to a message
 * naming every missing or malformed setting. */
int zoom_config_validate(const zoom_config *cfg, zoom_error *err);

/* A new string: the token cache file this config uses (ZOOM_TOKEN_CACHE, else
 * $XDG_CACHE_HOME/zoom-webinar-mcp/token-<account>.json, else ~/.cache/...). NULL when no
 * account is set, no home is known, or on OOM. */
char *zoom_config_cache_path(const zoom_config *cfg);

/* A new JSON object describing CFG without secrets (client_secret appears only as
 * "set" or "missing"). */
json_t *zoom_config_to_json(const zoom_config *cfg);

#endif
