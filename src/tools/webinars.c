/* webinars.c - the webinar tools that need more than one declared Zoom call
 * (catalog/webinars.json), and the webinar resources. */
#include "tools/app.h"

const app_handler webinar_handlers[] = {
    {NULL, NULL},
};

int webinar_resources_register(mcp_server *srv) {
  (void)srv;
  return 0;
}
