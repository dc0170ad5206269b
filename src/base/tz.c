/* tz.c - IANA time zones read from /usr/share/zoneinfo TZif files.
 *
 * setenv("TZ") + mktime is not thread-safe, so this module reads the tz
 * database itself: the 64-bit transition table of a TZif (version 2+) file and
 * its POSIX TZ footer for instants past the last transition. Parsed zones are
 * cached (bounded) behind one mutex. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_NAME_MAX 64
#define TZ_FILE_MAX (512 * 1024)
#define TZ_CACHE_MAX 64

/* A POSIX TZ rule date: Mm.w.d, Jn (1..365, no Feb 29) or n (0..365). */
typedef struct tz_date {
  char kind; /* 'M', 'J' or 'N' */
  int month, week, wday, day;
  int time; /* seconds after local midnight (may be negative or > 24 h) */
} tz_date;

typedef struct tz_rule {
  bool valid;
  int std_off; /* seconds east of UTC */
  bool has_dst;
  int dst_off;
  tz_date start, end;
} tz_rule;

typedef struct tz_zone {
  char name[TZ_NAME_MAX];
  int64_t *times; /* transition instants (UTC) */
  int *offsets;   /* offset in effect from times[i] */
  size_t ntimes;
  int first_off; /* before the first transition */
  tz_rule rule;  /* footer, for instants after the last transition */
} tz_zone;

/* ---- civil dates (proleptic Gregorian) ---------------------------------- */

int64_t tz_days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

/* ---- zones ------------------------------------------------------------- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *cache[TZ_CACHE_MAX];
static size_t ncache;

static void zone_free(tz_zone *z) {
  if (!z)
    return;
  free(z->times);
  free(z->offsets);
  free(z);
}

void tz_cache_clear(void) {
  pthread_mutex_lock(&cache_lock);
  for (size_t i = 0; i < ncache; i++)
    zone_free(cache[i]);
  ncache = 0;
  pthread_mutex_unlock(&cache_lock);
}

/* ---- POSIX TZ strings ------------------------------------------------------------ */

/* Skips a zone abbreviation: <...> or letters. Returns the rest or NULL. */
static const char *skip_abbrev(const char *p) {
  if (*p == '<') {
    const char *close = strchr(p, '>');
    return close ? close + 1 : NULL;
  }
  const char *start = p;
  while (isalpha((unsigned char)*p))
    p++;
  return p - start >= 3 ? p : NULL;
}

/* Parses [+-]hh[:mm[:ss]] into seconds. Returns the rest or NULL. */
static const char *parse_hms(const char *p, int *out) {
  int sign = 1, h = 0, m = 0, sec = 0;
  if (*p == '+' || *p == '-')
    sign = *p++ == '-' ? -1 : 1;
  if (!isdigit((unsigned char)*p))
    return NULL;
  while (isdigit((unsigned char)*p))
    h = h * 10 + (*p++ - '0');
  if (*p == ':') {
    p++;
    while (isdigit((unsigned char)*p))
      m = m * 10 + (*p++ - '0');
    if (*p == ':') {
      p++;
      while (isdigit((unsigned char)*p))
        sec = sec * 10 + (*p++ - '0');
    }
  }
  if (h > 167 || m > 59 || sec > 59)
    return NULL;
  *out = sign * (h * 3600 + m * 60 + sec);
  return p;
}

static const char *parse_int_field(const char *p, int *out) {
  if (!isdigit((unsigned char)*p))
    return NULL;
  int v = 0;
  while (isdigit((unsigned char)*p) && v < 10000)
    v = v * 10 + (*p++ - '0');
  *out = v;
  return p;
}

static const char *parse_date(const char *p, tz_date *d) {
  d->time = 7200;
  if (*p == 'M') {
    d->kind = 'M';
    if (!(p = parse_int_field(p + 1, &d->month)) || *p++ != '.' ||
        !(p = parse_int_field(p, &d->week)) || *p++ != '.' || !(p = parse_int_field(p, &d->wday)))
      return NULL;
    if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->wday > 6)
      return NULL;
  } else if (*p == 'J') {
    d->kind = 'J';
    if (!(p = parse_int_field(p + 1, &d->day)) || d->day < 1 || d->day > 365)
      return NULL;
  } else {
    d->kind = 'N';
    if (!(p = parse_int_field(p, &d->day)) || d->day > 365)
      return NULL;
  }
  if (*p == '/' && !(p = parse_hms(p + 1, &d->time)))
    return NULL;
  return p;
}

/* Parses a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0". */
static bool parse_rule(const char *p, tz_rule *r) {
  int off;
  memset(r, 0, sizeof *r);
  if (!(p = skip_abbrev(p)) || !(p = parse_hms(p, &off)))
    return false;
  r->std_off = -off; /* POSIX offsets are west of UTC */
  if (*p) {
    if (!(p = skip_abbrev(p)))
      return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*p && *p != ',') {
      if (!(p = parse_hms(p, &off)))
        return false;
      r->dst_off = -off;
    }
    if (*p != ',' || !(p = parse_date(p + 1, &r->start)) || *p != ',' ||
        !(p = parse_date(p + 1, &r->end)) || *p)
      return false;
  }
  r->valid = true;
  return true;
}

static bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds (since the epoch, local wall clock) at which D happens in Y. */
static int64_t date_local(const tz_date *d, int y) {
  int64_t day;
  if (d->kind == 'J') {
    day = tz_days_from_civil(y, 1, 1) + d->day - 1;
    if (is_leap(y) && d->day >= 60)
      day++;
  } else if (d->kind == 'N') {
    day = tz_days_from_civil(y, 1, 1) + d->day;
  } else {
    int64_t first = tz_days_from_civil(y, d->month, 1);
    int wday_first = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    int delta = (d->wday - wday_first + 7) % 7;
    day = first + delta + (int64_t)(d->week - 1) * 7;
    int mdays = (int)(tz_days_from_civil(y + (d->month == 12), d->month % 12 + 1, 1) - first);
    while (day - first >= mdays)
      day -= 7;
  }
  return day * 86400 + d->time;
}

static int rule_offset(const tz_rule *r, int64_t utc) {
  if (!r->has_dst)
    return r->std_off;
  int64_t local = utc + r->std_off;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int y, m, d;
  tz_civil_from_days(days, &y, &m, &d);
  int64_t start = date_local(&r->start, y) - r->std_off; /* start is given in standard time */
  int64_t end = date_local(&r->end, y) - r->dst_off;     /* end is given in daylight time */
  bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? r->dst_off : r->std_off;
}

/* ---- TZif files ----------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) {
  return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool name_ok(const char *zone) {
  size_t n = zone ? strlen(zone) : 0;
  if (n == 0 || n >= TZ_NAME_MAX || zone[0] == '/' || strstr(zone, ".."))
    return false;
  for (const char *p = zone; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
      return false;
  return true;
}

/* Reads and parses the TZif file of ZONE. New zone or NULL. */
static tz_zone *zone_load(const char *zone) {
  char path[sizeof TZ_DIR + TZ_NAME_MAX];
  unsigned char *buf = NULL;
  tz_zone *z = NULL;
  snprintf(path, sizeof path, "%s%s", TZ_DIR, zone);
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  buf = malloc(TZ_FILE_MAX);
  size_t len = buf ? fread(buf, 1, TZ_FILE_MAX, f) : 0;
  fclose(f);
  if (len < 44 || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2')
    goto fail;
  /* Skip the version 1 block (32-bit times) to the version 2 header. */
  size_t c[6];
  for (int i = 0; i < 6; i++)
    c[i] = be32(buf + 20 + 4 * i);
  size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  if (v1 + 44 > len || memcmp(buf + v1, "TZif", 4) != 0)
    goto fail;
  const unsigned char *h = buf + v1;
  for (int i = 0; i < 6; i++)
    c[i] = be32(h + 20 + 4 * i);
  size_t isutcnt = c[0], isstdcnt = c[1], leapcnt = c[2], timecnt = c[3], typecnt = c[4],
         charcnt = c[5];
  if (typecnt == 0 || typecnt > 256 || timecnt > 100000)
    goto fail;
  const unsigned char *times = h + 44;
  const unsigned char *idx = times + timecnt * 8;
  const unsigned char *types = idx + timecnt;
  const unsigned char *end = types + typecnt * 6 + charcnt + leapcnt * 12 + isstdcnt + isutcnt;
  if ((size_t)(end - buf) > len)
    goto fail;
  z = calloc(1, sizeof *z);
  if (!z)
    goto fail;
  snprintf(z->name, sizeof z->name, "%s", zone);
  if (timecnt) {
    z->times = malloc(timecnt * sizeof *z->times);
    z->offsets = malloc(timecnt * sizeof *z->offsets);
    if (!z->times || !z->offsets)
      goto fail;
  }
  for (size_t i = 0; i < timecnt; i++) {
    if (idx[i] >= typecnt)
      goto fail;
    z->times[i] = be64(times + 8 * i);
    z->offsets[i] = (int32_t)be32(types + 6 * idx[i]);
  }
  z->ntimes = timecnt;
  /* Before the first transition: the first standard-time type, else type 0. */
  z->first_off = (int32_t)be32(types);
  for (size_t t = 0; t < typecnt; t++) {
    if (types[6 * t + 4] == 0) {
      z->first_off = (int32_t)be32(types + 6 * t);
      break;
    }
  }
  /* Footer: "\nTZ\n". */
  if ((size_t)(end - buf) < len && *end == '\n') {
    const unsigned char *nl = memchr(end + 1, '\n', len - (size_t)(end - buf) - 1);
    if (nl && nl - end - 1 < 128) {
      char tz[128];
      memcpy(tz, end + 1, (size_t)(nl - end - 1));
      tz[nl - end - 1] = '\0';
      if (tz[0] && !parse_rule(tz, &z->rule))
        z->rule.valid = false;
    }
  }
  free(buf);
  return z;
fail:
  free(buf);
  zone_free(z);
  return NULL;
}

/* Finds ZONE in the cache or loads it. cache_lock held. Borrowed or NULL. */
static tz_zone *zone_get(const char *zone) {
  if (!name_ok(zone))
    return NULL;
  for (size_t i = 0; i < ncache; i++)
    if (strcmp(cache[i]->name, zone) == 0)
      return cache[i];
  tz_zone *z = zone_load(zone);
  if (!z)
    return NULL;
  if (ncache == TZ_CACHE_MAX) { /* drop the oldest */
    zone_free(cache[0]);
    memmove(cache, cache + 1, (TZ_CACHE_MAX - 1) * sizeof cache[0]);
    ncache--;
  }
  cache[ncache++] = z;
  return z;
}

static int zone_offset(const tz_zone *z, int64_t utc) {
  if (z->ntimes == 0)
    return z->rule.valid ? rule_offset(&z->rule, utc) : z->first_off;
  if (utc < z->times[0])
    return z->first_off;
  if (utc >= z->times[z->ntimes - 1] && z->rule.valid)
    return rule_offset(&z->rule, utc);
  size_t lo = 0, hi = z->ntimes; /* last i with times[i] <= utc */
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (z->times[mid] <= utc)
      lo = mid;
    else
      hi = mid;
  }
  return z->offsets[lo];
}

/* ---- public -------------------------------------------------------------------- */

static bool is_utc_name(const char *zone) {
  return zone &&
         (strcmp(zone, "UTC") == 0 || strcmp(zone, "GMT") == 0 || strcmp(zone, "Etc/UTC") == 0);
}

bool tz_valid(const char *zone) {
  if (is_utc_name(zone))
    return true;
  pthread_mutex_lock(&cache_lock);
  bool ok = zone_get(zone) != NULL;
  pthread_mutex_unlock(&cache_lock);
  return ok;
}

int tz_offset_at(const char *zone, int64_t utc, int *offset) {
  if (is_utc_name(zone)) {
    *offset = 0;
    return 0;
  }
  pthread_mutex_lock(&cache_lock);
  tz_zone *z = zone_get(zone);
  if (z)
    *offset = zone_offset(z, utc);
  pthread_mutex_unlock(&cache_lock);
  return z ? 0 : -1;
}

int tz_local_to_utc(const char *zone, int64_t local_seconds, int64_t *out) {
  if (is_utc_name(zone)) {
    *out = local_seconds;
    return 0;
  }
  pthread_mutex_lock(&cache_lock);
  tz_zone *z = zone_get(zone);
  if (z) {
    /* The offsets a day either side bracket any transition at this time. */
    int before = zone_offset(z, local_seconds - 86400 - 14 * 3600);
    int after = zone_offset(z, local_seconds + 86400 + 14 * 3600);
    if (zone_offset(z, local_seconds - before) != before &&
        zone_offset(z, local_seconds - after) == after)
      *out = local_seconds - after;
    else
      *out = local_seconds - before; /* also in a gap: keep the offset before it */
  }
  pthread_mutex_unlock(&cache_lock);
  return z ? 0 : -1;
}

int tz_format(int64_t utc, const char *zone, char *buf, size_t size) {
  int offset;
  if (!zone || tz_offset_at(zone, utc, &offset) != 0)
    return -1;
  time_t local = (time_t)(utc + offset);
  struct tm tm;
  if (!gmtime_r(&local, &tm))
    return -1;
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  int off = offset < 0 ? -offset : offset;
  int n = snprintf(buf, size, "%s%c%02d:%02d (%s)", stamp, offset < 0 ? '-' : '+', off / 3600,
                   (off % 3600) / 60, zone);
  return n < 0 || (size_t)n >= size ? -1 : 0;
}
