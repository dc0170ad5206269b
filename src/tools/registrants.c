/* registrants.c - the registrant tools (catalog/registrants.json): batching, lookups by email, bulk
 * status changes. */
#include "tools/app.h"

const app_handler registrant_handlers[] = {
    {NULL, NULL},
};
