/* sim_modules.c - the list of resource modules the simulator's router serves, in match order.
 *
 * To add a resource file, declare its module in sim_internal.h and add one line
 * here (see "HOW TO ADD A RESOURCE FILE" in sim_internal.h). */
#include "sim/sim_internal.h"
#include "sim/sim_resources.h"

/* One module per line. */
/* clang-format off */
const sim_module *const sim_modules[] = {
    &sim_module_admin,
    &sim_module_oauth,
    &sim_module_users,
    &sim_module_webinars,
    &sim_module_registrants,
    &sim_module_panelists,
    &sim_module_polls,
    &sim_module_livestream,
    &sim_module_past,
    &sim_module_recordings,
};
/* clang-format on */

const size_t sim_module_count = sizeof sim_modules / sizeof sim_modules[0];
