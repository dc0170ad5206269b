/* users.c - the user tools (catalog/users.json): user lookups and the numbered list other tools
 * accept. */
#include "tools/app.h"

const app_handler user_handlers[] = {
    {NULL, NULL},
};
