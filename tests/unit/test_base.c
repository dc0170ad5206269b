/* test_base.c - percent-encoding, atomic file replacement, range-checked numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/num.h"
#include "base/pct.h"

static void decode_paths_and_forms(void **state) {
  (void)state;
  char *s = pct_decode("a%2Fb%2fc+d", 11, false);
  assert_string_equal(s, "a/b/c+d");
  free(s);
  s = pct_decode("a%2Fb+d", 7, true);
  assert_string_equal(s, "a/b d");
  free(s);
  /* Decoding a double-encoded UUID once leaves it encoded once. */
  s = pct_decode("%252Fab%252F%252Fc", 18, false);
  assert_string_equal(s, "%2Fab%2F%2Fc");
  free(s);
  /* Only the first LEN bytes count. */
  s = pct_decode("abc%41", 3, false);
  assert_string_equal(s, "abc");
  free(s);
  assert_null(pct_decode("%4", 2, false));
  assert_null(pct_decode("%zz", 3, false));
  assert_null(pct_decode("a%00b", 5, false));
  assert_null(pct_decode("abc%41", 5, false)); /* escape cut by LEN */
}

static void encode_round_trips(void **state) {
  (void)state;
  char *e = pct_encode("/ab//c d+é~");
  assert_string_equal(e, "%2Fab%2F%2Fc%20d%2B%C3%A9~");
  char *d = pct_decode(e, strlen(e), false);
  assert_string_equal(d, "/ab//c d+é~");
  free(e);
  free(d);
  e = pct_encode("");
  assert_string_equal(e, "");
  free(e);
}

static void atomic_write_replaces_and_keeps_mode(void **state) {
  (void)state;
  char dir[] = "/tmp/zwm-file-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/state.json", dir);

  assert_int_equal(file_write_atomic(path, "first", 5, 0600), 0);
  mode_t old = umask(077);
  assert_int_equal(file_write_atomic(path, "second!", 7, 0644), 0);
  umask(old);

  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0644);
  assert_int_equal(st.st_size, 7);
  FILE *f = fopen(path, "r");
  char buf[16] = {0};
  assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 7);
  fclose(f);
  assert_string_equal(buf, "second!");

  /* No temporary file is left behind. */
  DIR *d = opendir(dir);
  int entries = 0;
  for (struct dirent *e; (e = readdir(d));)
    if (e->d_name[0] != '.')
      entries++;
  closedir(d);
  assert_int_equal(entries, 1);

  unlink(path);
  rmdir(dir);
}

static void atomic_write_failure_leaves_target(void **state) {
  (void)state;
  errno = 0;
  assert_int_equal(file_write_atomic("/nonexistent-dir-zwm/x.json", "x", 1, 0600), -1);
  assert_int_equal(errno, ENOENT);
}

static void numbers_in_range_only(void **state) {
  (void)state;
  long long v = 7;
  assert_int_equal(num_parse_ll("42", 0, 100, &v), 0);
  assert_int_equal(v, 42);
  assert_int_equal(num_parse_ll("-3", -5, 5, &v), 0);
  assert_int_equal(v, -3);
  const char *bad[] = {"",  " 1", "+1", "1 ", "1x", "0x10", "101", "-6", "99999999999999999999",
                       NULL};
  for (int i = 0; bad[i]; i++) {
    v = 7;
    assert_int_equal(num_parse_ll(bad[i], -5, 100, &v), -1);
    assert_int_equal(v, 7);
  }
  assert_int_equal(num_parse_ll(NULL, 0, 1, &v), -1);

  unsigned long long u;
  assert_int_equal(num_parse_ull("18446744073709551615", UINT64_MAX, &u), 0);
  assert_true(u == UINT64_MAX);
  assert_int_equal(num_parse_ull("-1", UINT64_MAX, &u), -1);
  assert_int_equal(num_parse_ull("11", 10, &u), -1);

  double d;
  assert_int_equal(num_parse_double("0.25", 0, 1, &d), 0);
  assert_true(d == 0.25);
  assert_int_equal(num_parse_double(".5", 0, 1, &d), 0);
  assert_int_equal(num_parse_double("1.5", 0, 1, &d), -1);
  assert_int_equal(num_parse_double("nan", 0, 1, &d), -1);
  assert_int_equal(num_parse_double("inf", 0, 1e300, &d), -1);
  assert_int_equal(num_parse_double("0.5x", 0, 1, &d), -1);

  const char *text = "2026-1x", *p = text;
  int part = -1;
  assert_int_equal(num_digits(&p, 4, &part), 0); /* exactly four digits, and past them */
  assert_int_equal(part, 2026);
  assert_ptr_equal(p, text + 4);
  p++;
  assert_int_equal(num_digits(&p, 2, &part), -1); /* "1x": too few digits, nothing moved */
  assert_ptr_equal(p, text + 5);
  assert_int_equal(part, 2026);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decode_paths_and_forms),
      cmocka_unit_test(encode_round_trips),
      cmocka_unit_test(atomic_write_replaces_and_keeps_mode),
      cmocka_unit_test(atomic_write_failure_leaves_target),
      cmocka_unit_test(numbers_in_range_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
