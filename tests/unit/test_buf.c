/* test_buf.c - the growable, capped byte buffer (base/buf.h): growth, the NUL, the cap and its
 * sticky failure, formatted appends, handing the bytes over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static void appends_grow_and_stay_terminated(void **state) {
  (void)state;
  bytebuf b;
  buf_init(&b, BUF_NO_CAP);
  assert_null(b.data); /* nothing allocated before the first append */
  assert_int_equal(buf_append(&b, NULL, 0), BUF_OK);
  assert_string_equal(b.data, "");
  char chunk[100];
  memset(chunk, 'x', sizeof chunk);
  for (int i = 0; i < 100; i++) { /* 10,000 bytes: several doublings */
    assert_int_equal(buf_append(&b, chunk, sizeof chunk), BUF_OK);
    assert_int_equal(b.len, (size_t)(i + 1) * sizeof chunk);
    assert_int_equal(b.data[b.len], '\0');
    assert_true(b.cap > b.len);
  }
  assert_int_equal(b.cap, 16384); /* doubled from 256 */
  assert_int_equal(strspn(b.data, "x"), 10000);
  /* bytes, not strings: a NUL inside is kept */
  buf_clear(&b);
  assert_int_equal(b.cap, 16384); /* the allocation stays */
  assert_int_equal(buf_append(&b, "a\0b", 3), BUF_OK);
  assert_int_equal(b.len, 3);
  assert_memory_equal(b.data, "a\0b", 4);
  buf_truncate(&b, 1); /* cut back, still terminated */
  assert_int_equal(b.len, 1);
  assert_memory_equal(b.data, "a\0", 2);
  buf_truncate(&b, 5); /* longer than it is: nothing changes */
  assert_int_equal(b.len, 1);
  buf_free(&b);
  assert_null(b.data);
  assert_int_equal(b.max, BUF_NO_CAP);
}

static void the_cap_is_hard_and_the_failure_sticks(void **state) {
  (void)state;
  bytebuf b;
  buf_init(&b, 10);
  assert_int_equal(buf_append_str(&b, "0123456"), BUF_OK);
  assert_int_equal(buf_append_str(&b, "789"), BUF_OK); /* exactly the cap */
  assert_int_equal(buf_append(&b, "!", 1), BUF_FULL);
  assert_int_equal(b.len, 10); /* nothing of it appended */
  assert_string_equal(b.data, "0123456789");
  assert_int_equal(buf_append(&b, NULL, 0), BUF_FULL); /* sticks */
  assert_int_equal(buf_appendf(&b, "%d", 1), BUF_FULL);
  assert_null(buf_take(&b, NULL)); /* a failed build is not handed over */
  assert_null(b.data);

  buf_init(&b, 10);
  assert_int_equal(buf_append_str(&b, "abc"), BUF_OK);
  assert_int_equal(buf_append_str(&b, "defghijk"), BUF_FULL); /* all or nothing */
  assert_string_equal(b.data, "abc");
  buf_clear(&b); /* forgets the failure */
  assert_int_equal(b.status, BUF_OK);
  assert_int_equal(buf_append_str(&b, "0123456789"), BUF_OK);
  buf_free(&b);

  /* a length that would overflow is refused by the cap, not wrapped */
  buf_init(&b, BUF_NO_CAP);
  assert_int_equal(buf_append_str(&b, "x"), BUF_OK);
  assert_int_equal(buf_append(&b, "y", (size_t)-1), BUF_FULL);
  assert_int_equal(b.len, 1);
  buf_free(&b);
}

static void formatted_appends(void **state) {
  (void)state;
  bytebuf b;
  buf_init(&b, 4096);
  assert_int_equal(buf_appendf(&b, "%s-%d", "id", 42), BUF_OK);
  char big[1000];
  memset(big, 'z', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  assert_int_equal(buf_appendf(&b, "[%s]", big), BUF_OK); /* longer than the first try */
  assert_int_equal(b.len, 5 + 1001);
  assert_int_equal(strncmp(b.data, "id-42[zzz", 9), 0);
  assert_int_equal(b.data[b.len - 1], ']');
  assert_int_equal(b.data[b.len], '\0');
  /* over the cap: refused whole */
  assert_int_equal(buf_appendf(&b, "%s%s%s%s", big, big, big, big), BUF_FULL);
  assert_int_equal(b.len, 1006);
  buf_free(&b);
}

static void take_hands_the_bytes_over(void **state) {
  (void)state;
  bytebuf b;
  size_t len = 99;
  buf_init(&b, 64);
  char *empty = buf_take(&b, &len); /* nothing appended: still a string */
  assert_non_null(empty);
  assert_string_equal(empty, "");
  assert_int_equal(len, 0);
  free(empty);
  assert_int_equal(buf_append_str(&b, "hello"), BUF_OK);
  char *s = buf_take(&b, &len);
  assert_string_equal(s, "hello");
  assert_int_equal(len, 5);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.max, 64); /* ready for more, with its cap */
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(appends_grow_and_stay_terminated),
      cmocka_unit_test(the_cap_is_hard_and_the_failure_sticks),
      cmocka_unit_test(formatted_appends),
      cmocka_unit_test(take_hands_the_bytes_over),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
