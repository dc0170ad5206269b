/* test_tz.c - the TZif reader agrees with the C library's localtime, and formats local times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/tz.h"

static const char *const zones[] = {
    "America/New_York", "Europe/London",     "Europe/Berlin",     "Asia/Tokyo",
    "Australia/Sydney", "Asia/Kolkata",      "America/Sao_Paulo", "Pacific/Auckland",
    "America/Santiago", "Africa/Casablanca", "Asia/Tehran",       "America/St_Johns",
};

/* Offset from the C library (single-threaded test: setenv is fine here). */
static long libc_offset(const char *zone, time_t t) {
  setenv("TZ", zone, 1);
  tzset();
  struct tm tm;
  localtime_r(&t, &tm);
  return tm.tm_gmtoff;
}

/* Samples about once a week (shifting through the hours) from 1990 to 2060,
 * well past the last entry of each transition table, so the POSIX footer rule
 * is checked too. */
static void offsets_match_libc(void **state) {
  (void)state;
  for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
    int64_t from = 631152000; /* 1990-01-01 */
    int64_t to = 2871763200;  /* 2061-01-01 */
    for (int64_t t = from; t < to; t += 7 * 86400 + 3 * 3600 + 17 * 60) {
      int off = 99999;
      assert_int_equal(tz_offset_at(zones[z], t, &off), 0);
      long want = libc_offset(zones[z], (time_t)t);
      if (off != want)
        fail_msg("%s at %lld: got %d want %ld", zones[z], (long long)t, off, want);
    }
  }
  unsetenv("TZ");
}

/* Local -> UTC round-trips, and a spring-forward gap resolves forward. */
static void local_to_utc(void **state) {
  (void)state;
  int64_t utc;
  /* 2026-07-01 09:00 in New York (EDT, -4) is 13:00 UTC. */
  int64_t local = tz_days_from_civil(2026, 7, 1) * 86400 + 9 * 3600;
  assert_int_equal(tz_local_to_utc("America/New_York", local, &utc), 0);
  assert_int_equal(utc, local + 4 * 3600);
  /* 2026-01-15 09:00 in New York (EST, -5). */
  local = tz_days_from_civil(2026, 1, 15) * 86400 + 9 * 3600;
  assert_int_equal(tz_local_to_utc("America/New_York", local, &utc), 0);
  assert_int_equal(utc, local + 5 * 3600);
  /* 2026-03-08 02:30 does not exist in New York: 07:30 UTC (03:30 EDT). */
  local = tz_days_from_civil(2026, 3, 8) * 86400 + 2 * 3600 + 1800;
  assert_int_equal(tz_local_to_utc("America/New_York", local, &utc), 0);
  assert_int_equal(utc, local + 5 * 3600);
  /* Tokyo has no DST: always +9. */
  local = tz_days_from_civil(2040, 8, 1) * 86400;
  assert_int_equal(tz_local_to_utc("Asia/Tokyo", local, &utc), 0);
  assert_int_equal(utc, local - 9 * 3600);
  /* Sydney in January (AEDT, +11), far beyond the transition table. */
  local = tz_days_from_civil(2055, 1, 10) * 86400 + 12 * 3600;
  assert_int_equal(tz_local_to_utc("Australia/Sydney", local, &utc), 0);
  assert_int_equal(utc, local - 11 * 3600);
}

static void bad_zone_names(void **state) {
  (void)state;
  int64_t utc;
  assert_false(tz_valid("Mars/Olympus_Mons"));
  assert_false(tz_valid("../../etc/passwd"));
  assert_false(tz_valid("/etc/passwd"));
  assert_false(tz_valid(""));
  assert_true(tz_valid("UTC"));
  assert_true(tz_valid("Europe/Paris"));
  assert_int_equal(tz_local_to_utc("Nowhere/City", 0, &utc), -1);
}

static void format_local(void **state) {
  (void)state;
  char buf[64];
  /* 2026-11-28T14:00:00Z */
  assert_int_equal(tz_format(1795874400, "America/New_York", buf, sizeof buf), 0);
  assert_string_equal(buf, "2026-11-28T09:00:00-05:00 (America/New_York)");
  assert_int_equal(tz_format(1795874400, "Asia/Kolkata", buf, sizeof buf), 0);
  assert_string_equal(buf, "2026-11-28T19:30:00+05:30 (Asia/Kolkata)");
  assert_int_equal(tz_format(1795874400, "UTC", buf, sizeof buf), 0);
  assert_string_equal(buf, "2026-11-28T14:00:00+00:00 (UTC)");
  assert_int_equal(tz_format(1795874400, "Not/AZone", buf, sizeof buf), -1);
  assert_int_equal(tz_format(1795874400, "UTC", buf, 10), -1);
  tz_cache_clear();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(offsets_match_libc),
      cmocka_unit_test(local_to_utc),
      cmocka_unit_test(bad_zone_names),
      cmocka_unit_test(format_local),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
