/* fuzz_phrase.c - fuzz target for tools/phrase and tools/sentence: any text
 * as a time phrase in a few zones, as a time-zone name and as a one-sentence
 * webinar description. Nothing overruns, an accepted phrase always resolves
 * to a future instant whose UTC and local forms agree with the zone's offset
 * at that instant, and a sentence is taken apart into a titled object whose
 * zone is valid and whose monthly week is one Zoom accepts. */
#include <stdbool.h>
#include <string.h>

#include "base/tz.h"
#include "fuzz.h"
#include "tools/phrase.h"
#include "tools/sentence.h"

#define PHRASE_MAX_INPUT 256
#define NOW 1796047200 /* 2026-11-30T14:00:00Z */

static const char *const zones[] = {"America/New_York", "Europe/London", "Asia/Kolkata",
                                    "Australia/Sydney"};

/* Epoch seconds of "YYYY-MM-DDTHH:MM:SS" (the parser's own output form). */
static int64_t seconds_of(const char *s) {
  int v[6] = {0};
  const int widths[6] = {4, 2, 2, 2, 2, 2};
  const char *p = s;
  for (int i = 0; i < 6; i++) {
    for (int k = 0; k < widths[i]; k++, p++) {
      FUZZ_CHECK(*p >= '0' && *p <= '9', "a resolved time is not in its fixed form");
      v[i] = v[i] * 10 + (*p - '0');
    }
    p++; /* the separator */
  }
  return tz_days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > PHRASE_MAX_INPUT)
    return 0;
  char text[PHRASE_MAX_INPUT + 1];
  memcpy(text, data, size);
  text[size] = '\0';
  for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
    phrase_time t;
    char why[256];
    why[0] = '\0';
    if (phrase_parse(text, zones[z], NOW, &t, why, sizeof why) != 0) {
      FUZZ_CHECK(why[0] != '\0', "a refusal without a reason");
      continue;
    }
    FUZZ_CHECK(t.utc > NOW, "an accepted time is not in the future");
    FUZZ_CHECK(seconds_of(t.utc_text) == t.utc, "utc_text does not match utc");
    int off = 0;
    FUZZ_CHECK(tz_offset_at(zones[z], t.utc, &off) == 0, "no offset for a resolved time");
    FUZZ_CHECK(seconds_of(t.local) == t.utc + off, "the local time does not match the zone");
  }
  char out[64], note[256], why[256];
  int rc = zone_resolve(text, out, sizeof out, note, sizeof note, why, sizeof why);
  FUZZ_CHECK(rc < 0 || tz_valid(out), "a zone name resolved to an invalid zone");

  json_t *parts = NULL;
  if (sentence_parse(text, &parts, why, sizeof why) != 0) {
    FUZZ_CHECK(!parts && why[0] != '\0', "a refused sentence without a reason");
    return 0;
  }
  const char *topic = json_string_value(json_object_get(parts, "topic"));
  FUZZ_CHECK(topic && topic[0], "a sentence taken apart without a title");
  const char *zone = json_string_value(json_object_get(parts, "timezone"));
  FUZZ_CHECK(!json_object_get(parts, "timezone") || (zone && tz_valid(zone)),
             "a sentence's zone is not a valid zone");
  json_t *week = json_object_get(json_object_get(parts, "recurrence"), "monthly_week");
  json_int_t wk = json_integer_value(week);
  FUZZ_CHECK(!week || wk == -1 || (wk >= 1 && wk <= 4), "a monthly week Zoom does not accept");
  const char *when = json_string_value(json_object_get(parts, "when"));
  phrase_time t;
  if (when && phrase_parse(when, zone ? zone : "UTC", NOW, &t, why, sizeof why) == 0)
    FUZZ_CHECK(t.utc > NOW, "a sentence's time is not in the future");
  json_decref(parts);
  return 0;
}
