/* config_tools.c - configuration and the OAuth token: the handlers of
 * catalog/config.json (get_token_status, refresh_token, configure_zoom,
 * auto_configure_zoom) and the resources zoom://config, zoom://token-status
 * and zoom://env-status. */
#include "tools/app.h"

#include <stdlib.h>
#include <string.h>

#include "zoom/config.h"

/* True when CFG sends requests to the built-in sandbox. */
static bool on_sandbox(const app *a, const zoom_config *cfg) {
  return a->sandbox_url && cfg && cfg->api_base_url &&
         strncmp(cfg->api_base_url, a->sandbox_url, strlen(a->sandbox_url)) == 0;
}

/* A new object describing the mode and the configuration, without secrets. */
static json_t *config_describe(app *a) {
  zoom_config *cfg = zoom_client_config(a->zoom);
  bool sandbox = on_sandbox(a, cfg);
  json_t *out = json_object();
  json_object_set_new(out, "mode", json_string(sandbox ? "sandbox" : "zoom"));
  json_object_set_new(out, "read_only", json_boolean(a->read_only));
  if (sandbox) {
    json_object_set_new(out, "sandbox_url", json_string(a->sandbox_url));
    json_object_set_new(
        out, "note",
        json_string("No Zoom credentials are configured, so every call goes to "
                    "the built-in Zoom simulator. Set ZOOM_ACCOUNT_ID, "
                    "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET to use a real account."));
  }
  if (cfg)
    json_object_set_new(out, "config", zoom_config_to_json(cfg));
  zoom_config_free(cfg);
  return out;
}

static json_t *token_status_json(app *a) {
  zoom_token_status st;
  zoom_client_token_status(a->zoom, &st);
  return zoom_token_status_to_json(&st);
}

/* Which settings are set and where from: the environment, or the .env file
 * (a setting the file changes from its default). Never a value. New object. */
static json_t *env_status(app *a) {
  json_t *out = json_object(), *settings = json_object();
  zoom_config *defaults = zoom_config_new(), *from_file = zoom_config_new();
  const char *file = a->env_file ? a->env_file : ".env";
  zoom_error err = {0};
  bool file_read = defaults && from_file && zoom_config_read_env_file(from_file, file, &err) == 0;
  json_t *dj = defaults ? zoom_config_to_json(defaults) : NULL;
  json_t *fj = file_read ? zoom_config_to_json(from_file) : NULL;
  const char *name;
  for (size_t i = 0; (name = zoom_config_setting_name(i)); i++) {
    const char *source = "unset";
    const char *v = getenv(name);
    if (v && *v) {
      source = "environment";
    } else if (fj) {
      json_t *fv = json_object_get(fj, name), *dv = json_object_get(dj, name);
      if (fv && !json_equal(fv, dv))
        source = "env_file";
    }
    json_object_set_new(settings, name, json_string(source));
  }
  json_object_set_new(out, "settings", settings);
  json_object_set_new(out, "env_file", file_read ? json_string(file) : json_null());
  json_object_set_new(out, "note",
                      json_string("Where each setting comes from; values are never shown. "
                                  "The environment wins over the .env file."));
  json_decref(dj);
  json_decref(fj);
  zoom_config_free(defaults);
  zoom_config_free(from_file);
  zoom_error_clear(&err);
  return out;
}

static json_t *read_config(mcp_call *call, const char *uri, json_t *vars) {
  (void)vars;
  return engine_resource_contents(uri, config_describe(app_of(call)));
}

static json_t *read_token_status(mcp_call *call, const char *uri, json_t *vars) {
  (void)vars;
  return engine_resource_contents(uri, token_status_json(app_of(call)));
}

static json_t *read_env_status(mcp_call *call, const char *uri, json_t *vars) {
  (void)vars;
  return engine_resource_contents(uri, env_status(app_of(call)));
}

static json_t *tool_get_token_status(mcp_call *call, json_t *args) {
  (void)args;
  return mcp_tool_structured(token_status_json(app_of(call)));
}

static json_t *tool_refresh_token(mcp_call *call, json_t *args) {
  (void)args;
  app *a = app_of(call);
  zoom_error err = {0};
  zoom_cancel cancel = app_cancel_of(call);
  if (zoom_client_refresh_token(a->zoom, &cancel, &err) != 0) {
    json_t *res = app_tool_error(&err);
    zoom_error_clear(&err);
    return res;
  }
  return mcp_tool_structured(token_status_json(a));
}

/* Switches to CFG (stolen) once Zoom accepted its credentials. */
static json_t *switch_to(mcp_call *call, zoom_config *cfg, const char *how) {
  app *a = app_of(call);
  zoom_error err = {0};
  zoom_cancel cancel = app_cancel_of(call);
  json_t *res;
  if (zoom_client_reconfigure_checked(a->zoom, cfg, &cancel, &err) != 0) {
    res = app_tool_error(&err);
  } else {
    json_t *out = config_describe(a);
    json_object_set_new(out, "switched", json_true());
    json_object_set_new(out, "how", json_string(how));
    json_object_set_new(out, "token", token_status_json(a));
    res = mcp_tool_structured(out);
  }
  zoom_error_clear(&err);
  zoom_config_free(cfg);
  return res;
}

static json_t *tool_configure_zoom(mcp_call *call, json_t *args) {
  app *a = app_of(call);
  zoom_error err = {0};
  zoom_config *cfg = NULL;
  json_t *res = NULL;
  /* Start from the environment's settings (not the sandbox's URLs). */
  if (zoom_config_load(&cfg, a->env_file, &err) != 0)
    goto fail;
  static const char *const keys[][2] = {{"account_id", "ZOOM_ACCOUNT_ID"},
                                        {"client_id", "ZOOM_CLIENT_ID"},
                                        {"client_secret", "ZOOM_CLIENT_SECRET"}};
  for (size_t i = 0; i < 3; i++)
    if (zoom_config_set(cfg, keys[i][1], json_string_value(json_object_get(args, keys[i][0])),
                        &err) != 0)
      goto fail;
  if (zoom_config_validate(cfg, &err) != 0)
    goto fail;
  zoom_error_clear(&err);
  return switch_to(call, cfg,
                   "configure_zoom: Zoom accepted the new credentials; they are kept in this "
                   "process only (not written to .env).");
fail:
  res = app_tool_error(&err);
  zoom_error_clear(&err);
  zoom_config_free(cfg);
  return res;
}

static json_t *tool_auto_configure_zoom(mcp_call *call, json_t *args) {
  (void)args;
  app *a = app_of(call);
  zoom_error err = {0};
  zoom_config *cfg = NULL;
  json_t *res;
  if (zoom_config_load(&cfg, a->env_file, &err) != 0) {
    res = app_tool_error(&err);
    goto done;
  }
  zoom_credentials_state creds = zoom_config_credentials(cfg);
  if (creds != ZOOM_CREDENTIALS_COMPLETE) {
    zoom_config_validate(cfg, &err);
    res = mcp_tool_error(
        "%s: the environment and .env hold %s Zoom credentials, so nothing was changed%s%s. "
        "Set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (or call configure_zoom).",
        creds == ZOOM_CREDENTIALS_NONE ? "No credentials" : "Incomplete credentials",
        creds == ZOOM_CREDENTIALS_NONE ? "no" : "only some", err.message[0] ? ": " : "",
        err.message);
    goto done;
  }
  zoom_error_clear(&err);
  res = switch_to(call, cfg, "auto_configure_zoom: reloaded from the environment and .env");
  cfg = NULL;
done:
  zoom_error_clear(&err);
  zoom_config_free(cfg);
  return res;
}

static const mcp_resource resources[] = {
    {"zoom://config", "config", "Zoom configuration",
     "Where requests go (Zoom or the built-in sandbox) and the settings in force; "
     "secrets are shown only as set or missing.",
     "application/json", read_config},
    {"zoom://token-status", "token-status", "OAuth token status",
     "Whether the Server-to-Server OAuth token is valid, when it expires (UTC and "
     "ZOOM_TIMEZONE), its scopes and the last rate-limit headers. Never the token itself.",
     "application/json", read_token_status},
    {"zoom://env-status", "env-status", "Where each setting comes from",
     "Which ZOOM_* settings are set, and whether from the environment or the .env file. "
     "Never a value.",
     "application/json", read_env_status},
};

const app_handler config_handlers[] = {
    {"get_token_status", tool_get_token_status},
    {"refresh_token", tool_refresh_token},
    {"configure_zoom", tool_configure_zoom},
    {"auto_configure_zoom", tool_auto_configure_zoom},
    {NULL, NULL},
};

int config_resources_register(mcp_server *srv) {
  return mcp_server_add_resources(srv, resources, sizeof resources / sizeof resources[0]);
}
