/* tz.c - an instant in an IANA time zone, read from the TZif file (no TZ/setenv: thread-safe). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zoom/internal.h"

#define TZIF_MAX (256 * 1024)

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) {
  return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* True for names such as "Europe/Paris", "UTC", "America/Argentina/Buenos_Aires". */
static int zone_name_ok(const char *zone) {
  size_t n = strlen(zone);
  if (n == 0 || n > 64 || zone[0] == '/' || strstr(zone, ".."))
    return 0;
  for (const char *p = zone; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
          *p == '/' || *p == '_' || *p == '-' || *p == '+'))
      return 0;
  return 1;
}

/* Finds the UTC offset and abbreviation in effect at T in the TZif data D (LEN bytes). */
static int tzif_lookup(const unsigned char *d, size_t len, time_t t, long *utoff, char *abbr,
                       size_t abbr_size) {
  if (len < 44 || memcmp(d, "TZif", 4) != 0)
    return -1;
  int version = d[4];
  size_t tsize = 4;
  const unsigned char *h = d;
  for (int pass = 0; pass < 2; pass++) {
    uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28);
    uint32_t timecnt = be32(h + 32), typecnt = be32(h + 36), charcnt = be32(h + 40);
    if (timecnt > 10000 || typecnt == 0 || typecnt > 256 || charcnt > 1024 || leap > 1000)
      return -1;
    size_t body =
        timecnt * tsize + timecnt + typecnt * 6 + charcnt + leap * (tsize + 4) + isstd + isut;
    if ((size_t)(h - d) + 44 + body > len)
      return -1;
    if (pass == 0 && version >= '2') {
      h += 44 + body;
      tsize = 8;
      if ((size_t)(h - d) + 44 > len || memcmp(h, "TZif", 4) != 0)
        return -1;
      continue;
    }
    const unsigned char *times = h + 44;
    const unsigned char *idx = times + timecnt * tsize;
    const unsigned char *types = idx + timecnt;
    const unsigned char *chars = types + typecnt * 6;
    unsigned type = 0;
    for (uint32_t i = 0; i < timecnt; i++) {
      int64_t at = tsize == 8 ? be64(times + i * 8) : (int32_t)be32(times + i * 4);
      if (at > (int64_t)t)
        break;
      type = idx[i];
    }
    if (type >= typecnt)
      return -1;
    const unsigned char *tt = types + type * 6;
    *utoff = (long)(int32_t)be32(tt);
    unsigned desig = tt[5];
    if (desig >= charcnt)
      return -1;
    snprintf(abbr, abbr_size, "%.*s", (int)strnlen((const char *)chars + desig, charcnt - desig),
             (const char *)chars + desig);
    return 0;
  }
  return -1;
}

int zoom_tz_format(time_t t, const char *zone, char *buf, size_t size) {
  int result = -1;
  unsigned char *data = NULL;
  FILE *f = NULL;
  if (!zone || !zone_name_ok(zone))
    return -1;
  char path[128];
  snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
  long utoff = 0;
  char abbr[16] = "UTC";
  f = fopen(path, "rbe");
  if (!f) {
    /* No zone database (a minimal container): UTC is still UTC. */
    if (strcmp(zone, "UTC") != 0 && strcmp(zone, "Etc/UTC") != 0)
      goto cleanup;
  } else {
    data = malloc(TZIF_MAX);
    if (!data)
      goto cleanup;
    size_t len = fread(data, 1, TZIF_MAX, f);
    if (tzif_lookup(data, len, t, &utoff, abbr, sizeof abbr) != 0)
      goto cleanup;
  }
  time_t local = t + utoff;
  struct tm tm;
  gmtime_r(&local, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = utoff < 0 ? -utoff : utoff;
  snprintf(buf, size, "%s%c%02ld:%02ld (%s)", stamp, utoff < 0 ? '-' : '+', off / 3600,
           (off % 3600) / 60, abbr);
  result = 0;
cleanup:
  free(data);
  if (f)
    fclose(f);
  return result;
}
