/* config_tools.c - configuration and the OAuth token: zoom://config,
 * zoom://token-status, get_token_status (no Zoom call) and refresh_token. */
#include "tools/app.h"

#include <stdlib.h>

#include "zoom/config.h"

/* A new object describing the mode and the configuration, without secrets. */
static json_t *config_describe(app *a) {
  zoom_config *cfg = zoom_client_config(a->zoom);
  json_t *out = json_object();
  json_object_set_new(out, "mode", json_string(a->sandbox ? "sandbox" : "zoom"));
  if (a->sandbox) {
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

/* One text content item of a resource, holding JSON. */
static json_t *json_contents(const char *uri, json_t *value) {
  char *text = json_dumps(value, JSON_INDENT(2) | JSON_SORT_KEYS);
  json_decref(value);
  json_t *item = json_pack("{s:s, s:s, s:s}", "uri", uri, "mimeType", "application/json", "text",
                           text ? text : "{}");
  free(text);
  return json_pack("[o]", item);
}

static json_t *read_config(mcp_call *call, const char *uri, json_t *vars) {
  (void)vars;
  return json_contents(uri, config_describe(app_of(call)));
}

static json_t *read_token_status(mcp_call *call, const char *uri, json_t *vars) {
  (void)vars;
  return json_contents(uri, token_status_json(app_of(call)));
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

static const mcp_resource resources[] = {
    {"zoom://config", "config", "Zoom configuration",
     "Where requests go (Zoom or the built-in sandbox) and the settings in force; "
     "secrets are shown only as set or missing.",
     "application/json", read_config},
    {"zoom://token-status", "token-status", "OAuth token status",
     "Whether the Server-to-Server OAuth token is valid, when it expires (UTC and "
     "ZOOM_TIMEZONE), its scopes and the last rate-limit headers. Never the token itself.",
     "application/json", read_token_status},
};

static const mcp_tool tools[] = {
    {"get_token_status", "Get token status",
     "Report the Zoom OAuth token's state (valid, expired or missing), its expiry in UTC and "
     "in the configured timezone, minutes left, scopes, whether it came from the cache, and "
     "the last rate-limit headers. Makes no Zoom call.",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", NULL,
     MCP_HINT_READ_ONLY | MCP_HINT_IDEMPOTENT, tool_get_token_status},
    {"refresh_token", "Refresh the OAuth token",
     "Ask Zoom for a new Server-to-Server OAuth access token now, even if the current one is "
     "still valid, store it in the token cache, and report the new token's status (never the "
     "token itself).",
     "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}", NULL,
     MCP_HINT_IDEMPOTENT | MCP_HINT_OPEN_WORLD, tool_refresh_token},
};

int config_tools_register(mcp_server *srv) {
  if (mcp_server_add_resources(srv, resources, sizeof resources / sizeof resources[0]) != 0)
    return -1;
  return mcp_server_add_tools(srv, tools, sizeof tools / sizeof tools[0]);
}
