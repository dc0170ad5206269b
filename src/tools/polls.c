/* polls.c - the poll and survey tools (catalog/polls.json). */
#include "tools/app.h"

const app_handler poll_handlers[] = {
    {NULL, NULL},
};
