/* app.c - the glue every tool shares: the app context, cancellation, errors,
 * and the registration of the catalogue and the resource tables. */
#include "tools/app.h"

#include <stdio.h>

app *app_of(const mcp_call *call) {
  return mcp_call_userdata(call);
}

static bool call_cancelled(void *ctx) {
  return mcp_call_cancelled(ctx);
}

zoom_cancel app_cancel_of(mcp_call *call) {
  zoom_cancel c = {call_cancelled, call};
  return c;
}

void app_error_text(const zoom_error *err, char *buf, size_t size) {
  char codes[96] = "";
  if (err->http_status && err->zoom_code)
    snprintf(codes, sizeof codes, " (HTTP %ld, Zoom code %ld)", err->http_status, err->zoom_code);
  else if (err->http_status)
    snprintf(codes, sizeof codes, " (HTTP %ld)", err->http_status);
  if (err->hint[0])
    snprintf(buf, size, "%s%s\nHint: %s", err->message, codes, err->hint);
  else
    snprintf(buf, size, "%s%s", err->message, codes);
}

json_t *app_tool_error(const zoom_error *err) {
  char text[APP_ERROR_TEXT_MAX];
  app_error_text(err, text, sizeof text);
  return mcp_tool_error("%s", text);
}

int app_register_all(mcp_server *srv, const app *a) {
  if (catalog_register(srv, a->read_only) != 0)
    return -1;
  if (config_resources_register(srv) != 0 || prompts_register(srv, a->read_only) != 0)
    return -1;
  if (webinar_resources_register(srv) != 0)
    return -1;
  return past_resources_register(srv);
}
