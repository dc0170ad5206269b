/* panelists.c - the panelist tools (catalog/panelists.json): batches of 30, the remove-and-add
 * update. */
#include "tools/app.h"

const app_handler panelist_handlers[] = {
    {NULL, NULL},
};
