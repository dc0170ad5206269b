/* past.c - after the event (catalog/past.json): participants, absentees, Q&A, instances. */
#include "tools/app.h"

const app_handler past_handlers[] = {
    {NULL, NULL},
};

int past_resources_register(mcp_server *srv) {
  (void)srv;
  return 0;
}
