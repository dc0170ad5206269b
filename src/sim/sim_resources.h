/* sim_resources.h - shared internals of the simulator's webinar sub-resources (registrants, past
 * webinars, polls...).
 *
 * Table of contents (one heading per file):
 *   sim_fields.c       body validation helpers, registration settings, join URLs
 *   sim_registrants.c  registrants (compact store), batch, status, questions, tracking sources
 *   sim_panelists.c    panelists
 *   sim_polls.c        polls and the survey
 *   sim_livestream.c   live stream, live stream status, invite links
 *   sim_past.c         past webinar instances, participants, absentees, Q&A, poll answers, reports
 *   sim_recordings.c   cloud recordings of past instances, the download route and the storage host
 *
 * Everything here runs with s->lock held (see sim_internal.h). */
#ifndef SIM_SIM_RESOURCES_H
#define SIM_SIM_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "sim/sim_internal.h"

/* ---- sim_fields.c ------------------------------------------------------------------- */

#define SIM_JOIN_HOST "https://sandbox.zoom.invalid"

/* Checks OBJ[KEY]: absent is fine unless REQUIRED; present must be a string of
 * at most MAX bytes (and, when REQUIRED, not empty). Appends {field, message} to
 * ERRORS (named PREFIX.KEY when PREFIX is set) and returns -1 on a problem. */
int sim_field_string(json_t *obj, const char *key, size_t max, bool required, const char *prefix,
                     json_t *errors);
/* Checks OBJ[KEY] is absent or a boolean. */
int sim_field_bool(json_t *obj, const char *key, const char *prefix, json_t *errors);
/* Checks OBJ[KEY] is absent or an integer in [MIN, MAX]. */
int sim_field_int(json_t *obj, const char *key, long long min, long long max, const char *prefix,
                  json_t *errors);
/* Checks OBJ[KEY] is absent or a string equal to one of the NULL-terminated ALLOWED. */
int sim_field_enum(json_t *obj, const char *key, const char *const *allowed, const char *prefix,
                   json_t *errors);
/* Checks OBJ[KEY] is absent (unless REQUIRED) or an array of MIN..MAX items. */
int sim_field_array(json_t *obj, const char *key, size_t min, size_t max, bool required,
                    const char *prefix, json_t *errors);
/* True when TEXT looks like an e-mail address (local@domain.tld, no spaces). */
bool sim_email_valid(const char *text);

/* True when TEXT holds no control character (below 0x20 or 0x7f). */
bool sim_text_plain(const char *text);

/* Compact rows for --state files: records separated by "\n", fields by "\t",
 * kept in one JSON string (far cheaper to save and load than one JSON array
 * per record). Fields must be plain text (sim_text_plain). */
typedef struct sim_rows {
  bytebuf text; /* a failure (out of memory) makes the result unusable */
} sim_rows;

/* Starts empty rows (no cap but memory). */
void sim_rows_init(sim_rows *r);

/* Appends one field (printf-style) to the current record. */
void sim_rows_add(sim_rows *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends one text field (faster than sim_rows_add for plain strings). */
void sim_rows_text(sim_rows *r, const char *text);
/* Ends the current record. */
void sim_rows_end(sim_rows *r);
/* The rows as a new JSON string (NULL on failure); frees R's buffer. */
json_t *sim_rows_take(sim_rows *r);
/* Splits RECORD (modified in place) into at most MAX fields; returns the count. */
size_t sim_rows_split(char *record, char **fields, size_t max);
/* Next record of the text at *CURSOR (modified in place), or NULL at the end. */
char *sim_rows_next(char **cursor);

/* settings.approval_type of W: 0 automatic, 1 manual, 2 no registration (default). */
int sim_webinar_approval_type(const sim_webinar *w);
/* True when registration is required (approval_type 0 or 1). */
bool sim_webinar_registration(const sim_webinar *w);
/* The topic (borrowed, "" when unset). */
const char *sim_webinar_topic(const sim_webinar *w);
/* True when the webinar has ended or its (last) scheduled time is over at NOW. */
bool sim_webinar_over(const sim_webinar *w, int64_t now);

/* Borrowed JSON value of W->ext[KEY], created as an empty array/object when absent. */
json_t *sim_ext_array(sim_webinar *w, const char *key);
json_t *sim_ext_object(sim_webinar *w, const char *key);

/* Writes a join URL for webinar W and token TK ("https://.../w/ID?tk=TK"). */
void sim_join_url(const sim_webinar *w, const char *tk, char *out, size_t len);

/* Finds the webinar named by path parameter "webinarId"; on failure replies 404
 * code 3001 and returns NULL. */
sim_webinar *sim_webinar_param(sim *s, sim_req *rq, sim_resp *rs);

/* ---- sim_registrants.c ------------------------------------------------------------ */

enum { SIM_REG_APPROVED = 0, SIM_REG_PENDING = 1, SIM_REG_DENIED = 2 };

/* One registrant in 56 bytes: strings live in the store's arena. */
typedef struct sim_registrant {
  uint64_t occ;   /* bit i: registered for occurrence i (all bits for one-off webinars) */
  uint32_t email; /* arena offsets of NUL-terminated strings */
  uint32_t first;
  uint32_t last;
  uint32_t serial;  /* 1, 2, 3... in creation order, never reused */
  uint32_t created; /* UTC seconds */
  uint16_t source;  /* tracking source index + 1; 0 none */
  uint8_t status;   /* SIM_REG_* */
  char id[23];      /* 22 characters */
} sim_registrant;

/* The registrants of one webinar (w->registrants), in creation order. */
typedef struct sim_registrants {
  sim_registrant *items;
  size_t n, cap;
  char *arena; /* strings, each NUL-terminated */
  size_t arena_len, arena_cap;
  uint32_t next_serial;
  json_t *extra; /* owned object: registrant id -> other fields given at POST */
} sim_registrants;

/* A string of the store (borrowed). */
const char *sim_reg_str(const sim_registrants *rs, uint32_t off);
/* The registrant with SERIAL (binary search), or NULL. */
const sim_registrant *sim_reg_by_serial(const sim_registrants *rs, uint32_t serial);
/* The registrant as Zoom lists it (new reference); FULL adds the fields only
 * GET of one registrant shows. */
json_t *sim_reg_json(const sim_webinar *w, const sim_registrants *st, const sim_registrant *r,
                     bool full);
/* "approved", "pending", "denied". */
const char *sim_reg_status_name(int status);

/* ---- sim_past.c ----------------------------------------------------------------------- */

/* Brings W's past instances up to date at NOW (one per occurrence over, or one
 * when the webinar ended); seeds participants from the approved registrants. */
void sim_past_refresh(sim *s, sim_webinar *w, int64_t now);

/* One past instance, as sim_past_find names it (borrowed; valid while the
 * lock is held and the webinar is not changed). */
typedef struct sim_past_ref {
  sim_webinar *w;
  const char *uuid;
  int64_t start;
  int duration; /* minutes */
  bool latest;  /* the webinar's latest instance */
} sim_past_ref;

/* The instance RAW (a path parameter, decoded once) names at NOW: a numeric id
 * gives the webinar's latest instance, a UUID that instance (a UUID starting
 * with "/" or holding "//" must have come double-encoded). Returns 0 with
 * *OUT filled, or -1 when there is none. */
int sim_past_find(sim *s, const char *raw, int64_t now, sim_past_ref *out);

/* ---- modules --------------------------------------------------------------------------- */

extern const sim_module sim_module_registrants;
extern const sim_module sim_module_panelists;
extern const sim_module sim_module_polls;
extern const sim_module sim_module_livestream;
extern const sim_module sim_module_past;
extern const sim_module sim_module_recordings;

#endif
