/* app.h - what every tool handler reaches through mcp_call_userdata: the Zoom
 * client, the mode (live Zoom or the built-in sandbox), and the registration
 * of every tool, resource and prompt table of src/tools. */
#ifndef TOOLS_APP_H
#define TOOLS_APP_H

#include <stdbool.h>

#include "mcp/mcp.h"
#include "zoom/client.h"

typedef struct app {
  zoom_client *zoom;       /* borrowed; shared by every worker thread */
  bool sandbox;            /* true: requests go to the built-in simulator */
  const char *sandbox_url; /* the simulator's base URL when sandbox, else NULL */
} app;

/* The app of the running call (the server's userdata). Borrowed. */
app *app_of(const mcp_call *call);

/* A zoom_cancel that asks CALL whether the client cancelled it. */
zoom_cancel app_cancel_of(mcp_call *call);

/* A tool result for a failed Zoom call: isError true, with the error's message,
 * HTTP status, Zoom code and hint as text for the model. New reference. */
json_t *app_tool_error(const zoom_error *err);

/* Registers every table of src/tools on SRV. Returns 0, or -1 (logged). */
int app_register_all(mcp_server *srv);

/* The tables, one pair per domain file. */
int config_tools_register(mcp_server *srv);

#endif
