/* zones.c - time-zone names as people write them: IANA names in any case,
 * common abbreviations and city names, each mapped to one IANA zone, and the
 * closest IANA names when a name is unknown. */
#include "tools/phrase.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"

/* Abbreviations and names that are not a zone's own city. Where one
 * abbreviation is used in several places, the most common reading wins and
 * the note says which others there are. */
static const struct {
  const char *name;
  const char *zone;
  const char *others; /* other readings, or NULL */
} aliases[] = {
    {"ist", "Asia/Kolkata", "Israel (Asia/Jerusalem) and Ireland (Europe/Dublin)"},
    {"india", "Asia/Kolkata", NULL},
    {"pt", "America/Los_Angeles", NULL},
    {"pst", "America/Los_Angeles", NULL},
    {"pdt", "America/Los_Angeles", NULL},
    {"pacific", "America/Los_Angeles", NULL},
    {"mt", "America/Denver", NULL},
    {"mst", "America/Denver", "Arizona (America/Phoenix, no daylight saving)"},
    {"mdt", "America/Denver", NULL},
    {"mountain", "America/Denver", NULL},
    {"ct", "America/Chicago", NULL},
    {"cst", "America/Chicago", "China (Asia/Shanghai) and Cuba (America/Havana)"},
    {"cdt", "America/Chicago", NULL},
    {"central", "America/Chicago", NULL},
    {"et", "America/New_York", NULL},
    {"est", "America/New_York", NULL},
    {"edt", "America/New_York", NULL},
    {"eastern", "America/New_York", NULL},
    {"akst", "America/Anchorage", NULL},
    {"hst", "Pacific/Honolulu", NULL},
    {"gmt", "Europe/London", "plain GMT without summer time (Etc/GMT)"},
    {"bst", "Europe/London", "Bangladesh (Asia/Dhaka)"},
    {"uk", "Europe/London", NULL},
    {"wet", "Europe/Lisbon", NULL},
    {"cet", "Europe/Paris", NULL},
    {"cest", "Europe/Paris", NULL},
    {"eet", "Europe/Athens", NULL},
    {"eest", "Europe/Athens", NULL},
    {"msk", "Europe/Moscow", NULL},
    {"gst", "Asia/Dubai", NULL},
    {"pkt", "Asia/Karachi", NULL},
    {"npt", "Asia/Kathmandu", NULL},
    {"sgt", "Asia/Singapore", NULL},
    {"hkt", "Asia/Hong_Kong", NULL},
    {"china", "Asia/Shanghai", NULL},
    {"beijing", "Asia/Shanghai", NULL},
    {"jst", "Asia/Tokyo", NULL},
    {"kst", "Asia/Seoul", NULL},
    {"awst", "Australia/Perth", NULL},
    {"acst", "Australia/Adelaide", NULL},
    {"aest", "Australia/Sydney", NULL},
    {"aedt", "Australia/Sydney", NULL},
    {"nzst", "Pacific/Auckland", NULL},
    {"nzdt", "Pacific/Auckland", NULL},
    {"brt", "America/Sao_Paulo", NULL},
    {"art", "America/Argentina/Buenos_Aires", NULL},
    {"wat", "Africa/Lagos", NULL},
    {"cat", "Africa/Maputo", NULL},
    {"eat", "Africa/Nairobi", NULL},
    {"sast", "Africa/Johannesburg", NULL},
    {"mumbai", "Asia/Kolkata", NULL},
    {"bombay", "Asia/Kolkata", NULL},
    {"delhi", "Asia/Kolkata", NULL},
    {"new delhi", "Asia/Kolkata", NULL},
    {"bangalore", "Asia/Kolkata", NULL},
    {"bengaluru", "Asia/Kolkata", NULL},
    {"chennai", "Asia/Kolkata", NULL},
    {"hyderabad", "Asia/Kolkata", NULL},
    {"san francisco", "America/Los_Angeles", NULL},
    {"seattle", "America/Los_Angeles", NULL},
    {"boston", "America/New_York", NULL},
    {"washington", "America/New_York", NULL},
    {"miami", "America/New_York", NULL},
    {"atlanta", "America/New_York", NULL},
    {"dallas", "America/Chicago", NULL},
    {"houston", "America/Chicago", NULL},
    {"austin", "America/Chicago", NULL},
    {"munich", "Europe/Berlin", NULL},
    {"frankfurt", "Europe/Berlin", NULL},
    {"milan", "Europe/Rome", NULL},
    {"barcelona", "Europe/Madrid", NULL},
    {"geneva", "Europe/Zurich", NULL},
    {"osaka", "Asia/Tokyo", NULL},
    {"melbourne", "Australia/Melbourne", NULL},
    {"canberra", "Australia/Sydney", NULL},
    {"beijing", "Asia/Shanghai", NULL},
    {"shenzhen", "Asia/Shanghai", NULL},
    {"abu dhabi", "Asia/Dubai", NULL},
    {"tel aviv", "Asia/Jerusalem", NULL},
    {"z", "UTC", NULL},
    {"zulu", "UTC", NULL},
};

/* Compares A and B ignoring case, with '_' and ' ' alike. */
static bool name_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = (char)tolower((unsigned char)(*a == '_' ? ' ' : *a));
    char y = (char)tolower((unsigned char)(*b == '_' ? ' ' : *b));
    if (x != y)
      return false;
  }
  return *a == *b;
}

/* Edit distance of A and B (case-insensitive), bounded by 64 characters. */
static int distance(const char *a, const char *b) {
  int la = (int)strlen(a), lb = (int)strlen(b);
  if (la > 64 || lb > 64)
    return 99;
  int row[65];
  for (int j = 0; j <= lb; j++)
    row[j] = j;
  for (int i = 1; i <= la; i++) {
    int prev = row[0];
    row[0] = i;
    for (int j = 1; j <= lb; j++) {
      int cur = row[j];
      int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      int best = prev + cost;
      if (row[j] + 1 < best)
        best = row[j] + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb];
}

/* The city part of an IANA name: "America/New_York" -> "New_York". */
static const char *city_of(const char *zone) {
  const char *slash = strrchr(zone, '/');
  return slash ? slash + 1 : zone;
}

/* The canonical zones of the system's zone1970.tab, read once. */
static struct {
  pthread_once_t once;
  char **names;
  size_t count;
} zone_list = {PTHREAD_ONCE_INIT, NULL, 0};

static void zone_list_load(void) {
  FILE *f = fopen("/usr/share/zoneinfo/zone1970.tab", "re");
  if (!f)
    return;
  char line[512];
  size_t cap = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#')
      continue;
    char *save = NULL, *col = strtok_r(line, "\t\n", &save);
    for (int i = 0; col && i < 2; i++)
      col = strtok_r(NULL, "\t\n", &save);
    if (!col || zone_list.count == 1024)
      continue;
    if (zone_list.count == cap) {
      size_t ncap = cap ? cap * 2 : 512;
      char **grown = realloc(zone_list.names, ncap * sizeof *grown);
      if (!grown)
        break;
      zone_list.names = grown;
      cap = ncap;
    }
    char *copy = strdup(col);
    if (copy)
      zone_list.names[zone_list.count++] = copy;
  }
  fclose(f);
}

/* Calls FN for each canonical zone. Stops when FN returns nonzero and
 * returns that value. */
static int zones_each(int (*fn)(const char *zone, void *ctx), void *ctx) {
  pthread_once(&zone_list.once, zone_list_load);
  int rc = 0;
  for (size_t i = 0; !rc && i < zone_list.count; i++)
    rc = fn(zone_list.names[i], ctx);
  return rc;
}

typedef struct match_ctx {
  const char *name;
  char *out;
  size_t size;
  int best[3];
  char near[3][64];
} match_ctx;

/* Exact match on the full name (any case) or the city part. */
static int match_exact(const char *zone, void *ctx) {
  match_ctx *m = ctx;
  if (name_eq(zone, m->name) || name_eq(city_of(zone), m->name)) {
    snprintf(m->out, m->size, "%s", zone);
    return strcmp(zone, m->name) == 0 ? 1 : 2;
  }
  return 0;
}

static int match_near(const char *zone, void *ctx) {
  match_ctx *m = ctx;
  int d = distance(m->name, city_of(zone));
  int full = distance(m->name, zone);
  if (full < d)
    d = full;
  for (int i = 0; i < 3; i++) {
    if (d < m->best[i]) {
      for (int j = 2; j > i; j--) {
        m->best[j] = m->best[j - 1];
        memcpy(m->near[j], m->near[j - 1], sizeof m->near[j]);
      }
      m->best[i] = d;
      snprintf(m->near[i], sizeof m->near[i], "%s", zone);
      break;
    }
  }
  return 0;
}

int zone_resolve(const char *name, char *out, size_t size, char *note, size_t note_size, char *why,
                 size_t why_size) {
  if (note && note_size)
    note[0] = '\0';
  if (!name || !*name || strlen(name) > 64 || strstr(name, "..")) {
    if (why)
      snprintf(why, why_size, "no time zone name given");
    return -1;
  }
  /* Aliases first: "EST" or "CET" name fixed-offset zones in the database,
   * but people who write them mean a place with its daylight saving. */
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
    if (!name_eq(name, aliases[i].name))
      continue;
    snprintf(out, size, "%s", aliases[i].zone);
    if (note)
      snprintf(note, note_size, "\"%s\" was read as %s%s%s", name, aliases[i].zone,
               aliases[i].others ? "; it can also mean " : "",
               aliases[i].others ? aliases[i].others : "");
    return 1;
  }
  if (name[0] != '/' && tz_valid(name)) {
    snprintf(out, size, "%s", name);
    return 0;
  }
  match_ctx m = {.name = name, .out = out, .size = size, .best = {99, 99, 99}};
  int rc = zones_each(match_exact, &m);
  if (rc == 1)
    return 0;
  if (rc == 2) {
    if (note)
      snprintf(note, note_size, "\"%s\" was read as %s", name, out);
    return 1;
  }
  if (why) { /* the closest names, only when someone reads them */
    zones_each(match_near, &m);
    if (m.best[0] < 99)
      snprintf(why, why_size,
               "unknown time zone \"%s\": use an IANA name such as %s%s%s%s%s, an abbreviation "
               "(IST, PT, CET) or a city",
               name, m.near[0], m.near[1][0] ? ", " : "", m.near[1], m.near[2][0] ? " or " : "",
               m.near[2]);
    else
      snprintf(why, why_size, "unknown time zone \"%s\": use an IANA name such as Europe/London",
               name);
  }
  return -1;
}
