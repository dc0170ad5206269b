/* test_sim_time.c - the simulator's start_time parsing: UTC with Z, local time in a zone without.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/tz.h"
#include "sim/sim_internal.h"

static void time_parse(void **state) {
  (void)state;
  int64_t t;
  assert_int_equal(sim_time_parse("2026-12-01T15:00:00Z", "Asia/Tokyo", &t), 0);
  char buf[21];
  sim_time_format(t, buf);
  assert_string_equal(buf, "2026-12-01T15:00:00Z");
  assert_int_equal(sim_time_parse("2026-12-01T15:00:00", "Asia/Tokyo", &t), 0);
  sim_time_format(t, buf);
  assert_string_equal(buf, "2026-12-01T06:00:00Z");
  assert_int_equal(sim_time_parse("2026-02-30T10:00:00Z", NULL, &t), -1);
  assert_int_equal(sim_time_parse("2026-12-01 10:00", NULL, &t), -1);
  assert_int_equal(sim_time_parse("2026-12-01T10:00:00", "Bad/Zone", &t), -1);
  tz_cache_clear();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(time_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
