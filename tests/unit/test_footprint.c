/* test_footprint.c - what every thread of the server pays before it does anything: the static
 * thread-local storage of build/zoom-webinar-mcp (the C library zeroes a copy of it for each
 * thread it creates, so each kilobyte there is a kilobyte per thread, idle or not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The budget: a few flags and pointers per thread, never buffers. */
#define TLS_BUDGET 1024

/* The server binary next to this test's build directory (BUILD/tests/test_footprint ->
 * BUILD/zoom-webinar-mcp) into PATH. */
static void server_path(char *path, size_t size) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  assert_true(n > 0);
  self[n] = '\0';
  char *tests_dir = dirname(self);
  snprintf(path, size, "%s/../zoom-webinar-mcp", tests_dir);
}

/* The memory size of PATH's PT_TLS segment (0 when it has none). */
static uint64_t tls_size(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  Elf64_Ehdr eh;
  assert_int_equal(fread(&eh, sizeof eh, 1, f), 1);
  assert_memory_equal(eh.e_ident, ELFMAG, SELFMAG);
  assert_int_equal(eh.e_ident[EI_CLASS], ELFCLASS64);
  uint64_t size = 0;
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    assert_int_equal(fseek(f, (long)(eh.e_phoff + (uint64_t)i * eh.e_phentsize), SEEK_SET), 0);
    assert_int_equal(fread(&ph, sizeof ph, 1, f), 1);
    if (ph.p_type == PT_TLS)
      size = ph.p_memsz;
  }
  fclose(f);
  return size;
}

static void server_threads_carry_little_tls(void **state) {
  (void)state;
  char path[PATH_MAX + 32];
  server_path(path, sizeof path);
  uint64_t size = tls_size(path);
  if (size > TLS_BUDGET)
    fail_msg("%s has %llu bytes of static TLS, over the %d-byte budget: a buffer declared "
             "_Thread_local costs every thread its size",
             path, (unsigned long long)size, TLS_BUDGET);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(server_threads_carry_little_tls),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
