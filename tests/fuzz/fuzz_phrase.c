/* fuzz_phrase.c - fuzz target for tools/phrase: any text as a time phrase in
 * a few zones and as a time-zone name. Nothing overruns, and an accepted
 * phrase always resolves to a future instant whose UTC and local forms agree
 * with the zone's offset at that instant. */
#include <stdbool.h>
#include <string.h>

#include "base/tz.h"
#include "fuzz.h"
#include "tools/phrase.h"

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
  return 0;
}
