/* tz.h - IANA time zones without setenv("TZ"): thread-safe offsets, local to
 * UTC conversion and formatting, from the TZif files in /usr/share/zoneinfo. */
#ifndef BASE_TZ_H
#define BASE_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when ZONE is "UTC"/"GMT"/"Etc/UTC" or names a readable TZif file. */
bool tz_valid(const char *zone);

/* Offset of ZONE from UTC, in seconds east, at the instant UTC (epoch
 * seconds). Returns 0, or -1 for an unknown zone. */
int tz_offset_at(const char *zone, int64_t utc, int *offset);

/* Converts a local wall-clock time in ZONE (seconds since the epoch as if the
 * zone were UTC) to UTC. A time in a gap (spring forward) resolves with the
 * offset before the gap, like mktime with tm_isdst = -1 on glibc. Returns 0 or -1. */
int tz_local_to_utc(const char *zone, int64_t local_seconds, int64_t *out);

/* Writes the instant UTC as local time in ZONE, "2026-11-28T09:00:00-05:00
 * (America/New_York)", into BUF. Returns 0, or -1 for an unknown zone or a
 * short buffer. */
int tz_format(int64_t utc, const char *zone, char *buf, size_t size);

/* Days since 1970-01-01 for the civil date Y-M-D (M 1..12), and back. */
int64_t tz_days_from_civil(int y, int m, int d);
void tz_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Drops the parsed zones (they are cached, bounded). For tests and shutdown. */
void tz_cache_clear(void);

#endif
