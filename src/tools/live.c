/* live.c - live stream, invite links and tracking sources (catalog/live.json). */
#include "tools/app.h"

const app_handler live_handlers[] = {
    {NULL, NULL},
};
