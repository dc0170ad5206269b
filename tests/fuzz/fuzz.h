/* fuzz.h - the libFuzzer entry point every tests/fuzz/fuzz_NAME.c defines, and
 * the check that stops a run when a target sees something wrong. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs one input: DATA[0..SIZE) (borrowed, not NUL-terminated). Returns 0;
 * a finding aborts the process (libFuzzer and the replay driver both report
 * an abort as a failure). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message naming the broken property when COND is false.
 * Unlike assert, it stays on in every build. */
#define FUZZ_CHECK(cond, what)                                                                     \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: fuzz check failed: %s (%s)\n", __FILE__, __LINE__, what, #cond);     \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

#endif
