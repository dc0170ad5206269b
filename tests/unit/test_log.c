/* test_log.c - the process log: level names and the file sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"

static void level_names_parse(void **state) {
  (void)state;
  log_level l;
  assert_int_equal(log_level_parse("debug", &l), 0);
  assert_int_equal(l, LOG_DEBUG);
  assert_int_equal(log_level_parse("WARN", &l), 0);
  assert_int_equal(l, LOG_WARNING);
  assert_int_equal(log_level_parse("off", &l), 0);
  assert_int_equal(l, LOG_OFF);
  assert_int_equal(log_level_parse("loud", &l), -1);
  assert_int_equal(log_level_parse(NULL, &l), -1);
}

static void file_sink_gets_lines_at_level(void **state) {
  (void)state;
  char path[] = "/tmp/zwm-log-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  unlink(path);

  assert_int_equal(log_set_file(path), 0);
  log_set_level(LOG_WARNING);
  log_info("test", "hidden %d", 1);
  log_warn("test", "shown %d", 2);
  assert_int_equal(log_set_file(NULL), 0);
  log_set_level(LOG_INFO);

  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char buf[512] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  unlink(path);
  assert_true(n > 0);
  assert_null(strstr(buf, "hidden"));
  assert_non_null(strstr(buf, "WARNING test: shown 2\n"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(level_names_parse),
      cmocka_unit_test(file_sink_gets_lines_at_level),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
