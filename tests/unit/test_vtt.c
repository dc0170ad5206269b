/* test_vtt.c - WebVTT transcripts read as speaker turns (vtt_read) and the UTF-8 clean-up of
 * downloaded text (vtt_utf8_clean). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tools/vtt.h"

/* Reads VTT, checks the text is WANT and returns the info (speakers released by the caller). */
static vtt_info read_ok(const char *vtt, const char *want) {
  vtt_info info;
  char *text = vtt_read(vtt, &info);
  assert_non_null(text);
  assert_string_equal(text, want);
  free(text);
  return info;
}

static void zoom_transcript_becomes_turns(void **state) {
  (void)state;
  const char *vtt =
      "WEBVTT\r\n\r\n"
      "1\r\n00:00:02.310 --> 00:00:07.900\r\nAlex Morgan: Welcome to the town hall.\r\n\r\n"
      "2\r\n00:00:08.100 --> 00:00:13.500\r\nAlex Morgan: Today: results.\r\n\r\n"
      "3\r\n00:00:15.000 --> 00:00:21.200\r\nPriya Shah: Revenue grew,\r\nchurn fell.\r\n\r\n"
      "4\r\n01:02:03.000 --> 01:02:05.000\r\nKenji: R&amp;D &lt;3 you&nbsp;all\r\n";
  vtt_info info = read_ok(vtt, "[00:00:02] Alex Morgan: Welcome to the town hall. Today: results.\n"
                               "[00:00:15] Priya Shah: Revenue grew, churn fell.\n"
                               "[01:02:03] Kenji: R&D <3 you all");
  assert_int_equal(info.cues, 4);
  assert_int_equal(info.turns, 3);
  assert_int_equal(info.end_ms, 3725000);
  assert_int_equal(json_array_size(info.speakers), 3);
  assert_string_equal(json_string_value(json_array_get(info.speakers, 1)), "Priya Shah");
  json_decref(info.speakers);
}

static void voices_tags_notes_and_no_speaker(void **state) {
  (void)state;
  const char *vtt = "\xEF\xBB\xBFWEBVTT - a title\nKind: captions\n\n"
                    "NOTE a comment\nthat spans lines --> with an arrow\n\n"
                    "STYLE\n::cue { color: red }\n\n"
                    "00:01.000 --> 00:04.000 align:start position:10%\n"
                    "<v.loud Ana Lima>Hello <i>there</i></v>\n\n"
                    "00:05.000 --> 00:06.000\nno speaker here\n\n"
                    "00:07.000 --> 00:08.000\nnor here\n\n"
                    "bad --> timing\nskipped words\n\n"
                    "00:09.000 --> 00:10.000\n12: not a speaker\n\n"
                    "00:11.000 --> 00:12.000\n<c.x></c>\n";
  vtt_info info = read_ok(vtt, "[00:00:01] Ana Lima: Hello there\n"
                               "[00:00:05] no speaker here\n"
                               "[00:00:07] nor here\n"
                               "[00:00:09] 12: not a speaker");
  assert_int_equal(info.cues, 4);
  assert_int_equal(json_array_size(info.speakers), 1);
  json_decref(info.speakers);
}

static void not_webvtt(void **state) {
  (void)state;
  vtt_info info;
  assert_null(vtt_read("", &info));
  assert_null(vtt_read("WEBVTTX\n", &info));
  assert_null(vtt_read("<html>Sign in</html>", &info));
  /* a header alone is an empty transcript */
  char *text = vtt_read("WEBVTT", &info);
  assert_non_null(text);
  assert_string_equal(text, "");
  assert_int_equal(info.cues, 0);
  free(text);
  json_decref(info.speakers);
}

static void utf8_clean(void **state) {
  (void)state;
  size_t n;
  char *s = vtt_utf8_clean("a\0b\xC3\xA9\xED\xA0\x80\xC0\xAF\xF4\x90\x80\x80\xE2\x82", 16, &n);
  assert_non_null(s);
  /* NUL, a surrogate, an overlong form, above U+10FFFF and a cut sequence: U+FFFD each byte */
  const char *want = "a\xEF\xBF\xBD"
                     "b\xC3\xA9"
                     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                     "\xEF\xBF\xBD\xEF\xBF\xBD"
                     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                     "\xEF\xBF\xBD\xEF\xBF\xBD";
  assert_string_equal(s, want);
  assert_int_equal(n, strlen(want));
  json_t *j = json_string(s);
  assert_non_null(j); /* jansson takes it */
  json_decref(j);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zoom_transcript_becomes_turns),
      cmocka_unit_test(voices_tags_notes_and_no_speaker),
      cmocka_unit_test(not_webvtt),
      cmocka_unit_test(utf8_clean),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
