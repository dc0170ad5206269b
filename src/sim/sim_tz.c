/* sim_tz.c - IANA time zones for the simulator (placeholder: UTC only until the TZif reader). */
#include <string.h>

#include "sim/sim_internal.h"

bool sim_tz_valid(const char *zone) {
  return zone && (strcmp(zone, "UTC") == 0 || strcmp(zone, "GMT") == 0);
}

int sim_tz_offset_at(const char *zone, int64_t utc, int *offset) {
  (void)utc;
  if (!sim_tz_valid(zone))
    return -1;
  *offset = 0;
  return 0;
}

int sim_tz_local_to_utc(const char *zone, int64_t local_seconds, int64_t *out) {
  if (!sim_tz_valid(zone))
    return -1;
  *out = local_seconds;
  return 0;
}

void sim_tz_cache_clear(void) {}
