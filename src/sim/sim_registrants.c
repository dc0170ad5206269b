/* sim_registrants.c - the simulator's webinar registrants, batch registration, registrant status,
 * registration questions and tracking sources.
 *
 * Registrants are kept compact (sim_registrant, 56 bytes, strings in one arena
 * per webinar) so that 100 webinars of 10,000 registrants fit in modest memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_resources.h"

#define REG_BATCH_MAX 30 /* batch_registrants and registrants/status */
#define REG_ARENA_MAX 0xfffffff0u
#define REG_SEED_SOURCES 3

/* Memory budget: 100 webinars x 10,000 registrants must stay modest. */
_Static_assert(sizeof(sim_registrant) == 56, "sim_registrant grew beyond 56 bytes");

static const char *const status_names[] = {"approved", "pending", "denied"};

/* Registrant fields other than the compact ones, as POST accepts them, with
 * their length limits (Zoom's when it states one; 255 otherwise). */
typedef struct reg_field {
  const char *name;
  size_t max;
} reg_field;

static const reg_field extra_fields[] = {
    {"address", 255},
    {"city", 255},
    {"state", 255},
    {"zip", 255},
    {"country", 255},
    {"phone", 255},
    {"comments", 2000},
    {"industry", 255},
    {"job_title", 255},
    {"org", 255},
    {"no_of_employees", 64},
    {"purchasing_time_frame", 64},
    {"role_in_purchase_process", 64},
    {"language", 16},
    {"source_id", 64},
};

static const char *const employees_enum[] = {"",
                                             "1-20",
                                             "21-50",
                                             "51-100",
                                             "101-500",
                                             "500-1,000",
                                             "1,001-5,000",
                                             "5,001-10,000",
                                             "More than 10,000",
                                             "101-250",
                                             "251-500",
                                             "501-1,000",
                                             NULL};
static const char *const timeframe_enum[] = {
    "", "Within a month", "1-3 months", "4-6 months", "More than 6 months", "No timeframe", NULL};
static const char *const role_enum[] = {"",           "Decision Maker", "Evaluator/Recommender",
                                        "Influencer", "Not involved",   NULL};
static const char *const language_enum[] = {"en-US", "de-DE", "es-ES", "fr-FR", "jp-JP",
                                            "pt-PT", "ru-RU", "zh-CN", "zh-TW", "ko-KO",
                                            "it-IT", "vi-VN", "pl-PL", "Tr-TR", NULL};
static const char *const list_status_enum[] = {"pending", "approved", "denied", NULL};
static const char *const action_enum[] = {"approve", "deny", "cancel", NULL};
static const char *const question_field_enum[] = {"last_name",
                                                  "address",
                                                  "city",
                                                  "country",
                                                  "zip",
                                                  "state",
                                                  "phone",
                                                  "industry",
                                                  "org",
                                                  "job_title",
                                                  "purchasing_time_frame",
                                                  "role_in_purchase_process",
                                                  "no_of_employees",
                                                  "comments",
                                                  NULL};
static const char *const custom_type_enum[] = {"short", "single_radio", "single_dropdown",
                                               "multiple", NULL};

/* Keys every registrant object carries (empty string when not given). */
static const char *const listed_extra[] = {"address",
                                           "city",
                                           "country",
                                           "zip",
                                           "state",
                                           "phone",
                                           "industry",
                                           "org",
                                           "job_title",
                                           "purchasing_time_frame",
                                           "role_in_purchase_process",
                                           "no_of_employees",
                                           "comments"};

/* ---- the store ------------------------------------------------------------------- */

const char *sim_reg_str(const sim_registrants *st, uint32_t off) {
  return off < st->arena_len ? st->arena + off : "";
}

const char *sim_reg_status_name(int status) {
  return status >= 0 && status <= SIM_REG_DENIED ? status_names[status] : "approved";
}

const sim_registrant *sim_reg_by_serial(const sim_registrants *st, uint32_t serial) {
  size_t lo = 0, hi = st ? st->n : 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (st->items[mid].serial < serial)
      lo = mid + 1;
    else
      hi = mid;
  }
  return st && lo < st->n && st->items[lo].serial == serial ? &st->items[lo] : NULL;
}

static void store_free(sim_registrants *st) {
  if (!st)
    return;
  free(st->items);
  free(st->arena);
  json_decref(st->extra);
  free(st);
}

/* W's store, created on first use (NULL when out of memory). */
static sim_registrants *store_get(sim_webinar *w) {
  if (!w->registrants) {
    w->registrants = calloc(1, sizeof *w->registrants);
    if (w->registrants)
      w->registrants->next_serial = 1;
  }
  return w->registrants;
}

/* Copies TEXT into the arena; returns its offset or UINT32_MAX. */
static uint32_t arena_add(sim_registrants *st, const char *text) {
  size_t len = strlen(text) + 1;
  if (st->arena_len + len > REG_ARENA_MAX)
    return UINT32_MAX;
  if (st->arena_len + len > st->arena_cap) {
    size_t cap = st->arena_cap ? st->arena_cap : 4096;
    while (cap < st->arena_len + len)
      cap *= 2;
    char *grown = realloc(st->arena, cap);
    if (!grown)
      return UINT32_MAX;
    st->arena = grown;
    st->arena_cap = cap;
  }
  memcpy(st->arena + st->arena_len, text, len);
  uint32_t off = (uint32_t)st->arena_len;
  st->arena_len += len;
  return off;
}

/* Appends a registrant (ID given, or a new one drawn when NULL). Returns a
 * borrowed pointer valid until the next change, or NULL. */
static sim_registrant *store_add(sim *s, sim_registrants *st, const char *id, const char *email,
                                 const char *first, const char *last, int status, int64_t created,
                                 uint64_t occ) {
  if (st->n == st->cap) {
    size_t cap = st->cap ? st->cap * 2 : 16;
    sim_registrant *grown = realloc(st->items, cap * sizeof *grown);
    if (!grown)
      return NULL;
    st->items = grown;
    st->cap = cap;
  }
  sim_registrant r = {0};
  r.email = arena_add(st, email);
  r.first = arena_add(st, first);
  r.last = arena_add(st, last ? last : "");
  if (r.email == UINT32_MAX || r.first == UINT32_MAX || r.last == UINT32_MAX)
    return NULL;
  if (id)
    snprintf(r.id, sizeof r.id, "%s", id);
  else
    sim_new_user_id(s, r.id);
  r.serial = st->next_serial++;
  r.created = (uint32_t)(created > 0 ? created : 0);
  r.status = (uint8_t)status;
  r.occ = occ;
  st->items[st->n] = r;
  return &st->items[st->n++];
}

static sim_registrant *store_find_id(sim_registrants *st, const char *id) {
  for (size_t i = 0; st && id && i < st->n; i++)
    if (strcmp(st->items[i].id, id) == 0)
      return &st->items[i];
  return NULL;
}

static sim_registrant *store_find_email(sim_registrants *st, const char *email) {
  for (size_t i = 0; st && email && i < st->n; i++)
    if (strcasecmp(sim_reg_str(st, st->items[i].email), email) == 0)
      return &st->items[i];
  return NULL;
}

static void store_remove(sim_registrants *st, sim_registrant *r) {
  size_t i = (size_t)(r - st->items);
  if (st->extra)
    json_object_del(st->extra, r->id);
  memmove(&st->items[i], &st->items[i + 1], (st->n - i - 1) * sizeof *r);
  st->n--;
}

/* ---- occurrences ------------------------------------------------------------------- */

static uint64_t occ_all(const sim_webinar *w) {
  if (w->nocc == 0)
    return ~(uint64_t)0;
  return w->nocc >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w->nocc) - 1);
}

static int occ_index(const sim_webinar *w, const char *id) {
  for (size_t i = 0; id && i < w->nocc && i < 64; i++)
    if (strcmp(w->occ[i].id, id) == 0)
      return (int)i;
  return -1;
}

/* Parses a comma-separated list of occurrence ids into a mask. Returns 0, or
 * -1 when one is unknown. */
static int occ_mask_parse(const sim_webinar *w, const char *list, uint64_t *out) {
  uint64_t mask = 0;
  char buf[64];
  const char *p = list;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len == 0 || len >= sizeof buf)
      return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    int i = occ_index(w, buf);
    if (i < 0)
      return -1;
    mask |= (uint64_t)1 << i;
    p = comma ? comma + 1 : p + len;
  }
  if (mask == 0)
    return -1;
  *out = mask;
  return 0;
}

/* Reads the occurrence_id query into *BIT (all bits when absent). Returns 0,
 * or -1 after replying 400 code 300. */
static int occ_query(const sim_webinar *w, sim_req *rq, sim_resp *rs, uint64_t *bit) {
  const char *occ = sim_req_query(rq, "occurrence_id");
  *bit = ~(uint64_t)0;
  if (!occ || !*occ)
    return 0;
  int i = occ_index(w, occ);
  if (i < 0) {
    char clip[41];
    sim_reply_error(rs, 400, 300,
                    "The request could not be completed because you have provided an invalid "
                    "occurrence ID: %s",
                    sim_text_clip(clip, sizeof clip, occ));
    return -1;
  }
  *bit = (uint64_t)1 << i;
  return 0;
}

/* ---- JSON -------------------------------------------------------------------------- */

/* The registrant as Zoom lists it (new reference). FULL adds the fields only GET
 * of one registrant shows. */
json_t *sim_reg_json(const sim_webinar *w, const sim_registrants *st, const sim_registrant *r,
                     bool full) {
  char url[160], created[21];
  sim_join_url(w, r->id, url, sizeof url);
  sim_time_format(r->created, created);
  json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "id", r->id, "first_name", sim_reg_str(st, r->first),
                        "last_name", sim_reg_str(st, r->last), "email", sim_reg_str(st, r->email));
  if (!o)
    return NULL;
  json_t *extra = st->extra ? json_object_get(st->extra, r->id) : NULL;
  for (size_t i = 0; i < sizeof listed_extra / sizeof listed_extra[0]; i++) {
    json_t *v = json_object_get(extra, listed_extra[i]);
    json_object_set_new(o, listed_extra[i], v ? json_incref(v) : json_string(""));
  }
  json_t *cq = json_object_get(extra, "custom_questions");
  json_object_set_new(o, "custom_questions", cq ? json_deep_copy(cq) : json_array());
  json_object_set_new(o, "status", json_string(sim_reg_status_name(r->status)));
  json_object_set_new(o, "create_time", json_string(created));
  json_object_set_new(o, "join_url", json_string(url));
  if (full) {
    json_t *lang = json_object_get(extra, "language");
    json_object_set_new(o, "language", lang ? json_incref(lang) : json_string("en-US"));
  }
  return o;
}

/* The occurrences of MASK as the registration reply lists them (new). */
static json_t *occ_json(const sim_webinar *w, uint64_t mask) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < w->nocc && i < 64; i++) {
    if (!(mask & ((uint64_t)1 << i)))
      continue;
    char start[21];
    sim_time_format(w->occ[i].start, start);
    json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:s}", "occurrence_id", w->occ[i].id,
                                         "start_time", start, "duration", w->occ[i].duration,
                                         "status", w->occ[i].deleted ? "deleted" : "available"));
  }
  return arr;
}

/* ---- checks shared by the registration operations -------------------------------- */

static long restrict_number(const sim_webinar *w) {
  json_t *v = json_object_get(json_object_get(w->obj, "settings"), "registrants_restrict_number");
  return json_is_integer(v) ? (long)json_integer_value(v) : 0;
}

static size_t count_status(const sim_registrants *st, int status) {
  size_t n = 0;
  for (size_t i = 0; st && i < st->n; i++)
    n += st->items[i].status == status;
  return n;
}

/* Registration preconditions of POST registrants and batch_registrants.
 * Returns 0, or -1 after replying. */
static int registration_open(sim *s, sim_webinar *w, sim_req *rq, sim_resp *rs) {
  if (!sim_webinar_registration(w)) {
    sim_reply_error(rs, 400, 3000, "This webinar does not have registration as required: %lld.",
                    (long long)w->id);
    return -1;
  }
  if (sim_webinar_over(w, rq->now)) {
    sim_reply_error(rs, 400, 3038,
                    "Webinar is over, you cannot register now. If you have any questions, "
                    "contact the webinar host.");
    return -1;
  }
  (void)s;
  return 0;
}

/* True when EMAIL is the host's address (the host cannot register). */
static bool is_host_email(sim *s, const sim_webinar *w, const char *email) {
  json_t *host = sim_user_find(s, w->host_id);
  const char *he = json_string_value(json_object_get(host, "email"));
  return he && strcasecmp(he, email) == 0;
}

/* Checks the registration questions W requires against BODY. */
static void check_required_questions(sim_webinar *w, json_t *body, json_t *errors) {
  json_t *q = json_object_get(w->ext, "registrant_questions");
  size_t i;
  json_t *item;
  json_array_foreach(json_object_get(q, "questions"), i, item) {
    const char *field = json_string_value(json_object_get(item, "field_name"));
    if (!field || !json_is_true(json_object_get(item, "required")))
      continue;
    const char *v = json_string_value(json_object_get(body, field));
    if (!v || !*v)
      sim_errors_add(errors, field, "This field is required.");
  }
  json_array_foreach(json_object_get(q, "custom_questions"), i, item) {
    const char *title = json_string_value(json_object_get(item, "title"));
    if (!title || !json_is_true(json_object_get(item, "required")))
      continue;
    bool found = false;
    size_t k;
    json_t *ans;
    json_array_foreach(json_object_get(body, "custom_questions"), k, ans) {
      const char *t = json_string_value(json_object_get(ans, "title"));
      const char *v = json_string_value(json_object_get(ans, "value"));
      if (t && strcmp(t, title) == 0 && v && *v)
        found = true;
    }
    char clip[SIM_ECHO_MAX];
    if (!found)
      sim_errors_add(errors, "custom_questions", "An answer to \"%s\" is required.",
                     sim_text_clip(clip, sizeof clip, title));
  }
}

/* Validates a POST registrants body into ERRORS. */
static void check_registrant_body(json_t *body, json_t *errors) {
  if (sim_field_string(body, "first_name", 64, true, NULL, errors) == 0 &&
      !sim_text_plain(json_string_value(json_object_get(body, "first_name"))))
    sim_errors_add(errors, "first_name", "Control characters are not allowed.");
  if (sim_field_string(body, "last_name", 64, false, NULL, errors) == 0 &&
      !sim_text_plain(json_string_value(json_object_get(body, "last_name"))))
    sim_errors_add(errors, "last_name", "Control characters are not allowed.");
  if (sim_field_string(body, "email", 128, true, NULL, errors) == 0 &&
      !sim_email_valid(json_string_value(json_object_get(body, "email"))))
    sim_errors_add(errors, "email", "Invalid email address.");
  for (size_t i = 0; i < sizeof extra_fields / sizeof extra_fields[0]; i++)
    sim_field_string(body, extra_fields[i].name, extra_fields[i].max, false, NULL, errors);
  sim_field_enum(body, "no_of_employees", employees_enum, NULL, errors);
  sim_field_enum(body, "purchasing_time_frame", timeframe_enum, NULL, errors);
  sim_field_enum(body, "role_in_purchase_process", role_enum, NULL, errors);
  sim_field_enum(body, "language", language_enum, NULL, errors);
  if (sim_field_array(body, "custom_questions", 0, 100, false, NULL, errors) == 0) {
    size_t i;
    json_t *cq;
    json_array_foreach(json_object_get(body, "custom_questions"), i, cq) {
      if (!json_is_object(cq)) {
        sim_errors_add(errors, "custom_questions", "Each answer must be an object.");
        break;
      }
      if (sim_field_string(cq, "title", 255, true, "custom_questions", errors) ||
          sim_field_string(cq, "value", 128, false, "custom_questions", errors))
        break;
    }
  }
}

/* Keeps the optional fields of BODY for registrant R. */
static void keep_extra(sim_registrants *st, const sim_registrant *r, json_t *body) {
  json_t *extra = json_object();
  if (!extra)
    return;
  for (size_t i = 0; i < sizeof extra_fields / sizeof extra_fields[0]; i++) {
    json_t *v = json_object_get(body, extra_fields[i].name);
    if (json_is_string(v))
      json_object_set(extra, extra_fields[i].name, v);
  }
  json_t *cq = json_object_get(body, "custom_questions");
  if (json_is_array(cq) && json_array_size(cq) > 0)
    json_object_set(extra, "custom_questions", cq);
  if (json_object_size(extra) == 0) {
    json_decref(extra);
    return;
  }
  if (!st->extra)
    st->extra = json_object();
  json_object_set_new(st->extra, r->id, extra);
}

/* Index + 1 of the tracking source with ID in W, 0 when none. */
static uint16_t source_index(sim_webinar *w, const char *id) {
  size_t i;
  json_t *src;
  json_array_foreach(json_object_get(w->ext, "tracking_sources"), i, src) {
    const char *sid = json_string_value(json_object_get(src, "id"));
    if (id && sid && strcmp(sid, id) == 0 && i < 0xfffe)
      return (uint16_t)(i + 1);
  }
  return 0;
}

/* ---- POST /webinars/{webinarId}/registrants ------------------------------------------ */

static void registrants_create(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  if (!json_is_object(rq->body)) {
    json_t *errors = json_array();
    sim_errors_add(errors, "email", "This field is required.");
    sim_reply_invalid(rs, errors);
    return;
  }
  json_t *errors = json_array();
  check_registrant_body(rq->body, errors);
  uint64_t mask = occ_all(w);
  const char *occ_ids = sim_req_query(rq, "occurrence_ids");
  char clip[SIM_ECHO_MAX];
  if (occ_ids && *occ_ids && occ_mask_parse(w, occ_ids, &mask) != 0)
    sim_errors_add(errors, "occurrence_ids", "Invalid occurrence_ids: %s.",
                   sim_text_clip(clip, sizeof clip, occ_ids));
  if (json_array_size(errors) > 0) {
    sim_reply_invalid(rs, errors);
    return;
  }
  if (registration_open(s, w, rq, rs) != 0) {
    json_decref(errors);
    return;
  }
  const char *email = json_string_value(json_object_get(rq->body, "email"));
  if (is_host_email(s, w, email)) {
    json_decref(errors);
    sim_reply_error(rs, 400, 3027, "Host cannot register.");
    return;
  }
  check_required_questions(w, rq->body, errors);
  if (sim_reply_if_invalid(rs, errors))
    return;
  sim_registrants *st = store_get(w);
  if (!st) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  /* The same e-mail registers once: Zoom answers with the existing registration. */
  sim_registrant *r = store_find_email(st, email);
  if (r) {
    r->occ |= mask;
  } else {
    long cap = restrict_number(w);
    if (cap > 0 &&
        count_status(st, SIM_REG_APPROVED) + count_status(st, SIM_REG_PENDING) >= (size_t)cap) {
      sim_reply_error(rs, 400, 3000,
                      "You have reached the limit for the number of attendees you can add. "
                      "Contact Zoom Support for more information.");
      return;
    }
    int status = sim_webinar_approval_type(w) == 0 ? SIM_REG_APPROVED : SIM_REG_PENDING;
    r = store_add(s, st, NULL, email, json_string_value(json_object_get(rq->body, "first_name")),
                  json_string_value(json_object_get(rq->body, "last_name")), status, rq->now, mask);
    if (!r) {
      sim_reply_error(rs, 500, 500, "Out of memory.");
      return;
    }
    r->source = source_index(w, json_string_value(json_object_get(rq->body, "source_id")));
    keep_extra(st, r, rq->body);
  }
  char url[160], start[21];
  sim_join_url(w, r->id, url, sizeof url);
  int64_t first_start = w->start;
  for (size_t i = 0; i < w->nocc && i < 64; i++) {
    if (r->occ & ((uint64_t)1 << i)) {
      first_start = w->occ[i].start;
      break;
    }
  }
  sim_time_format(first_start, start);
  sim_reply_json(rs, 201,
                 json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)w->id, "join_url", url,
                           "registrant_id", r->id, "start_time", start, "topic",
                           sim_webinar_topic(w), "occurrences", occ_json(w, r->occ)));
}

/* ---- GET /webinars/{webinarId}/registrants ---------------------------------------------- */

static void registrants_list(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  const char *status = sim_req_query(rq, "status");
  if (!status || !*status)
    status = "approved";
  int want = -1;
  for (int i = 0; list_status_enum[i]; i++)
    if (strcmp(status, list_status_enum[i]) == 0)
      want = strcmp(status, "approved") == 0  ? SIM_REG_APPROVED
             : strcmp(status, "pending") == 0 ? SIM_REG_PENDING
                                              : SIM_REG_DENIED;
  if (want < 0) {
    json_t *errors = json_array();
    sim_errors_add(errors, "status", "Invalid field.");
    sim_reply_invalid(rs, errors);
    return;
  }
  uint64_t bit;
  if (occ_query(w, rq, rs, &bit) != 0)
    return;
  const char *source = sim_req_query(rq, "tracking_source_id");
  uint16_t src = 0;
  if (source && *source && (src = source_index(w, source)) == 0) {
    json_t *errors = json_array();
    sim_errors_add(errors, "tracking_source_id", "Invalid field.");
    sim_reply_invalid(rs, errors);
    return;
  }
  char scope[160];
  snprintf(scope, sizeof scope, "registrants/%lld?status=%s&occ=%llx&src=%u", (long long)w->id,
           status, (unsigned long long)bit, (unsigned)src);
  sim_page pg;
  if (sim_page_begin(s, rq, rs, scope, &pg) != 0)
    return;
  json_t *items = json_array();
  size_t total = 0;
  const sim_registrants *st = w->registrants;
  for (size_t i = 0; st && i < st->n; i++) {
    const sim_registrant *r = &st->items[i];
    if (r->status != want || !(r->occ & bit) || (src && r->source != src))
      continue;
    if (total >= pg.offset && total < pg.offset + pg.size)
      json_array_append_new(items, sim_reg_json(w, st, r, false));
    total++;
  }
  json_t *out = json_object();
  sim_page_numbers(out, &pg, total);
  sim_page_end(s, out, scope, &pg, total);
  json_object_set_new(out, "registrants", items);
  sim_reply_json(rs, 200, out);
}

/* ---- GET / DELETE /webinars/{webinarId}/registrants/{registrantId} ---------------------- */

static void registrant_get(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  uint64_t bit;
  if (occ_query(w, rq, rs, &bit) != 0)
    return;
  const char *id = sim_req_param(rq, "registrantId");
  sim_registrant *r = store_find_id(w->registrants, id);
  if (!r || !(r->occ & bit)) {
    char clip[SIM_ECHO_MAX];
    sim_reply_error(rs, 404, 3001, "Registrant does not exist: %s.",
                    sim_text_clip(clip, sizeof clip, id));
    return;
  }
  sim_reply_json(rs, 200, sim_reg_json(w, w->registrants, r, true));
}

static void registrant_delete(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  uint64_t bit;
  if (occ_query(w, rq, rs, &bit) != 0)
    return;
  const char *id = sim_req_param(rq, "registrantId");
  sim_registrant *r = store_find_id(w->registrants, id);
  if (!r || !(r->occ & bit)) {
    char clip[SIM_ECHO_MAX];
    sim_reply_error(rs, 400, 3000, "Registrant %s was not found.",
                    sim_text_clip(clip, sizeof clip, id));
    return;
  }
  r->occ &= ~bit;
  if ((r->occ & occ_all(w)) == 0)
    store_remove(w->registrants, r);
  sim_reply_empty(rs, 204);
}

/* ---- PUT /webinars/{webinarId}/registrants/status ---------------------------------------- */

/* New status of a registrant in state FROM under ACTION, or -1 when unchanged. */
static int status_after(const char *action, int from) {
  if (strcmp(action, "approve") == 0)
    return from != SIM_REG_APPROVED ? SIM_REG_APPROVED : -1;
  if (strcmp(action, "deny") == 0)
    return from == SIM_REG_PENDING ? SIM_REG_DENIED : -1;
  /* cancel: revokes an approved registration */
  return from == SIM_REG_APPROVED ? SIM_REG_DENIED : -1;
}

static void registrants_status(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *body = rq->body;
  json_t *errors = json_array();
  if (!json_is_object(body)) {
    sim_errors_add(errors, "action", "This field is required.");
  } else if (sim_field_string(body, "action", 16, true, NULL, errors) == 0) {
    sim_field_enum(body, "action", action_enum, NULL, errors);
  }
  if (json_is_object(body) &&
      sim_field_array(body, "registrants", 1, REG_BATCH_MAX, true, NULL, errors) == 0) {
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(body, "registrants"), i, item) {
      if (!json_is_object(item) || (!json_is_string(json_object_get(item, "id")) &&
                                    !json_is_string(json_object_get(item, "email")))) {
        sim_errors_add(errors, "registrants", "Each registrant needs an id or an email.");
        break;
      }
    }
  }
  if (sim_reply_if_invalid(rs, errors))
    return;
  uint64_t bit;
  if (occ_query(w, rq, rs, &bit) != 0)
    return;
  const char *action = json_string_value(json_object_get(body, "action"));
  sim_registrants *st = w->registrants;
  long cap = restrict_number(w);
  size_t approved = count_status(st, SIM_REG_APPROVED);
  size_t i;
  json_t *item;
  json_array_foreach(json_object_get(body, "registrants"), i, item) {
    const char *id = json_string_value(json_object_get(item, "id"));
    sim_registrant *r =
        id ? store_find_id(st, id)
           : store_find_email(st, json_string_value(json_object_get(item, "email")));
    if (!r || !(r->occ & bit))
      continue; /* Zoom ignores registrants it does not know */
    int to = status_after(action, r->status);
    if (to < 0)
      continue;
    if (to == SIM_REG_APPROVED && cap > 0 && approved >= (size_t)cap) {
      sim_reply_error(rs, 400, 3035, "Webinar has reached maximum attendee capacity.");
      return;
    }
    approved += to == SIM_REG_APPROVED;
    approved -= r->status == SIM_REG_APPROVED;
    r->status = (uint8_t)to;
  }
  sim_reply_empty(rs, 204);
}

/* ---- POST /webinars/{webinarId}/batch_registrants ------------------------------------------ */

static void registrants_batch(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *body = rq->body;
  json_t *errors = json_array();
  if (!json_is_object(body)) {
    sim_errors_add(errors, "registrants", "This field is required.");
  } else {
    sim_field_bool(body, "auto_approve", NULL, errors);
    if (sim_field_array(body, "registrants", 1, REG_BATCH_MAX, true, NULL, errors) == 0) {
      size_t i;
      json_t *item;
      json_array_foreach(json_object_get(body, "registrants"), i, item) {
        if (!json_is_object(item)) {
          sim_errors_add(errors, "registrants", "Each registrant must be an object.");
          break;
        }
        if (sim_field_string(item, "first_name", 64, true, "registrants", errors) ||
            sim_field_string(item, "last_name", 64, false, "registrants", errors) ||
            sim_field_string(item, "email", 128, true, "registrants", errors))
          break;
        if (!sim_email_valid(json_string_value(json_object_get(item, "email")))) {
          sim_errors_add(errors, "registrants.email", "Invalid email address.");
          break;
        }
        if (!sim_text_plain(json_string_value(json_object_get(item, "first_name"))) ||
            !sim_text_plain(json_string_value(json_object_get(item, "last_name")))) {
          sim_errors_add(errors, "registrants", "Control characters are not allowed in names.");
          break;
        }
      }
    }
  }
  if (sim_reply_if_invalid(rs, errors))
    return;
  if (w->type != 5) {
    sim_reply_error(rs, 400, 300,
                    "This API can only be used for scheduled webinars (type 5). Batch "
                    "registration is not supported for other webinar types.");
    return;
  }
  if (!sim_webinar_registration(w)) {
    sim_reply_error(rs, 400, 3000, "Registration not enabled for this webinar: %lld",
                    (long long)w->id);
    return;
  }
  if (registration_open(s, w, rq, rs) != 0)
    return;
  sim_registrants *st = store_get(w);
  if (!st) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  /* auto_approve is honoured only for manual approval (approval_type 1). */
  int status = SIM_REG_APPROVED;
  if (sim_webinar_approval_type(w) == 1 && !json_is_true(json_object_get(body, "auto_approve")))
    status = SIM_REG_PENDING;
  long cap = restrict_number(w);
  json_t *out = json_array();
  size_t i;
  json_t *item;
  json_array_foreach(json_object_get(body, "registrants"), i, item) {
    const char *email = json_string_value(json_object_get(item, "email"));
    sim_registrant *r = store_find_email(st, email);
    if (!r) {
      if (cap > 0 &&
          count_status(st, SIM_REG_APPROVED) + count_status(st, SIM_REG_PENDING) >= (size_t)cap) {
        json_decref(out);
        sim_reply_error(rs, 400, 3000,
                        "You have reached the limit for the number of attendees you can add. "
                        "Contact Zoom Support for more information.");
        return;
      }
      r = store_add(s, st, NULL, email, json_string_value(json_object_get(item, "first_name")),
                    json_string_value(json_object_get(item, "last_name")), status, rq->now,
                    occ_all(w));
      if (!r) {
        json_decref(out);
        sim_reply_error(rs, 500, 500, "Out of memory.");
        return;
      }
    }
    char url[160];
    sim_join_url(w, r->id, url, sizeof url);
    json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "email", sim_reg_str(st, r->email),
                                         "join_url", url, "registrant_id", r->id));
  }
  sim_reply_json(rs, 201, json_pack("{s:o}", "registrants", out));
}

/* ---- GET / PATCH /webinars/{webinarId}/registrants/questions ------------------------------- */

static void questions_get(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *q = json_object_get(w->ext, "registrant_questions");
  json_t *questions = json_object_get(q, "questions");
  json_t *custom = json_object_get(q, "custom_questions");
  json_t *out = json_object();
  json_object_set_new(out, "questions", questions ? json_deep_copy(questions) : json_array());
  json_object_set_new(out, "custom_questions", custom ? json_deep_copy(custom) : json_array());
  sim_reply_json(rs, 200, out);
}

static void check_questions_body(json_t *body, json_t *errors) {
  size_t i;
  json_t *item;
  if (sim_field_array(body, "questions", 0, 14, false, NULL, errors) == 0) {
    json_array_foreach(json_object_get(body, "questions"), i, item) {
      if (!json_is_object(item) ||
          sim_field_string(item, "field_name", 64, true, "questions", errors) ||
          sim_field_enum(item, "field_name", question_field_enum, "questions", errors) ||
          sim_field_bool(item, "required", "questions", errors)) {
        if (!json_is_object(item))
          sim_errors_add(errors, "questions", "Each question must be an object.");
        break;
      }
    }
  }
  if (sim_field_array(body, "custom_questions", 0, 10, false, NULL, errors) == 0) {
    json_array_foreach(json_object_get(body, "custom_questions"), i, item) {
      if (!json_is_object(item)) {
        sim_errors_add(errors, "custom_questions", "Each question must be an object.");
        break;
      }
      if (sim_field_string(item, "title", 255, true, "custom_questions", errors) ||
          sim_field_enum(item, "type", custom_type_enum, "custom_questions", errors) ||
          sim_field_bool(item, "required", "custom_questions", errors) ||
          sim_field_array(item, "answers", 0, 50, false, "custom_questions", errors))
        break;
      const char *type = json_string_value(json_object_get(item, "type"));
      if (type && strcmp(type, "short") != 0 &&
          json_array_size(json_object_get(item, "answers")) == 0) {
        sim_errors_add(errors, "custom_questions.answers", "Answers are required for type %s.",
                       type);
        break;
      }
      size_t k;
      json_t *a;
      json_array_foreach(json_object_get(item, "answers"), k, a) {
        if (!json_is_string(a)) {
          sim_errors_add(errors, "custom_questions.answers", "Answers must be strings.");
          return;
        }
      }
    }
  }
}

static void questions_patch(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *errors = json_array();
  if (!json_is_object(rq->body))
    sim_errors_add(errors, "questions", "A JSON object is required.");
  else
    check_questions_body(rq->body, errors);
  if (sim_reply_if_invalid(rs, errors))
    return;
  if (!sim_webinar_registration(w)) {
    sim_reply_error(rs, 400, 3000, "This webinar does not have registration as required: %lld.",
                    (long long)w->id);
    return;
  }
  json_t *q = sim_ext_object(w, "registrant_questions");
  if (!q) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  static const char *const keys[] = {"questions", "custom_questions"};
  for (size_t i = 0; i < 2; i++) {
    json_t *v = json_object_get(rq->body, keys[i]);
    if (v)
      json_object_set_new(q, keys[i], json_deep_copy(v));
  }
  sim_reply_empty(rs, 204);
}

/* ---- GET /webinars/{webinarId}/tracking_sources --------------------------------------------- */

static void tracking_sources_list(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  if (!sim_webinar_registration(w)) {
    sim_reply_error(rs, 400, 3000, "This webinar does not have registration as required: %lld.",
                    (long long)w->id);
    return;
  }
  json_t *sources = json_object_get(w->ext, "tracking_sources");
  size_t nsrc = json_array_size(sources);
  size_t counts[64] = {0};
  const sim_registrants *st = w->registrants;
  for (size_t i = 0; st && i < st->n; i++)
    if (st->items[i].source > 0 && st->items[i].source <= 64)
      counts[st->items[i].source - 1]++;
  json_t *arr = json_array();
  for (size_t i = 0; i < nsrc; i++) {
    json_t *src = json_deep_copy(json_array_get(sources, i));
    json_object_set_new(src, "registration_count",
                        json_integer((json_int_t)(i < 64 ? counts[i] : 0)));
    json_array_append_new(arr, src);
  }
  sim_reply_json(
      rs, 200, json_pack("{s:I,s:o}", "total_records", (json_int_t)nsrc, "tracking_sources", arr));
}

/* ---- hooks: free, save, load, seed -------------------------------------------------------------
 */

static void hook_free(sim_webinar *w) {
  store_free(w->registrants);
  w->registrants = NULL;
}

/* State: {"next_serial", "rows" (sim_rows: id, email, first, last, status,
 * created, occurrence mask in hex, serial, source), "extra"}. */
static int hook_save(const sim_webinar *w, json_t *out) {
  const sim_registrants *st = w->registrants;
  if (!st)
    return 0;
  sim_rows rows;
  sim_rows_init(&rows);
  for (size_t i = 0; i < st->n; i++) {
    const sim_registrant *r = &st->items[i];
    sim_rows_text(&rows, r->id);
    sim_rows_text(&rows, sim_reg_str(st, r->email));
    sim_rows_text(&rows, sim_reg_str(st, r->first));
    sim_rows_text(&rows, sim_reg_str(st, r->last));
    sim_rows_add(&rows, "%u", (unsigned)r->status);
    sim_rows_add(&rows, "%lu", (unsigned long)r->created);
    sim_rows_add(&rows, "%llx", (unsigned long long)r->occ);
    sim_rows_add(&rows, "%lu", (unsigned long)r->serial);
    sim_rows_add(&rows, "%u", (unsigned)r->source);
    sim_rows_end(&rows);
  }
  json_t *text = sim_rows_take(&rows);
  if (!text)
    return -1;
  json_t *o = json_pack("{s:I,s:o,s:O?}", "next_serial", (json_int_t)st->next_serial, "rows", text,
                        "extra", st->extra);
  return o ? json_object_set_new(out, "registrants", o) : -1;
}

/* Parses an unsigned number of BASE in [0, MAX]; returns 0 or -1. */
static int parse_u64(const char *text, int base, unsigned long long max, unsigned long long *out) {
  char *end = NULL;
  if (!*text || *text == '-')
    return -1;
  unsigned long long v = strtoull(text, &end, base);
  if (*end || v > max)
    return -1;
  *out = v;
  return 0;
}

/* Adds one saved record (fields as hook_save writes them). Returns 0 or -1. */
static int load_row(sim *s, sim_registrants *st, char *rec) {
  char *f[9];
  unsigned long long status, created, occ, serial, source;
  if (sim_rows_split(rec, f, 9) != 9 || strlen(f[0]) != 22 ||
      parse_u64(f[4], 10, SIM_REG_DENIED, &status) || parse_u64(f[5], 10, UINT32_MAX, &created) ||
      parse_u64(f[6], 16, UINT64_MAX, &occ) || parse_u64(f[7], 10, UINT32_MAX, &serial) ||
      parse_u64(f[8], 10, 0xffff, &source) || serial == 0 ||
      (st->n > 0 && serial <= st->items[st->n - 1].serial))
    return -1; /* serials must increase: participants find registrants by binary search */
  sim_registrant *r =
      store_add(s, st, f[0], f[1], f[2], f[3], (int)status, (int64_t)created, (uint64_t)occ);
  if (!r)
    return -1;
  r->serial = (uint32_t)serial;
  r->source = (uint16_t)source;
  return 0;
}

static int hook_load(sim *s, sim_webinar *w, json_t *in) {
  json_t *o = json_object_get(in, "registrants");
  if (!o)
    return 0;
  json_t *rows = json_object_get(o, "rows");
  json_t *extra = json_object_get(o, "extra");
  json_t *next = json_object_get(o, "next_serial");
  if (json_is_null(extra))
    extra = NULL;
  if (!json_is_string(rows) || (extra && !json_is_object(extra)) || !json_is_integer(next) ||
      json_integer_value(next) <= 0 || json_integer_value(next) > UINT32_MAX)
    return -1;
  sim_registrants *st = store_get(w);
  char *text = strdup(json_string_value(rows));
  if (!st || !text) {
    free(text);
    return -1;
  }
  int result = 0;
  char *cursor = text, *rec;
  while (result == 0 && (rec = sim_rows_next(&cursor)))
    result = load_row(s, st, rec);
  free(text);
  if (result != 0)
    return -1;
  st->next_serial = (uint32_t)json_integer_value(next);
  if (extra)
    st->extra = json_incref(extra);
  return 0;
}

static const char *const seed_first[] = {
    "Ada",  "Ben",  "Chloe", "Diego",  "Elena", "Farid", "Grace", "Hiro",  "Ines",  "Jonas",
    "Kara", "Liam", "Maya",  "Noah",   "Olga",  "Pedro", "Quinn", "Rosa",  "Sven",  "Tara",
    "Umar", "Vera", "Wei",   "Ximena", "Yusuf", "Zoe",   "Amara", "Bruno", "Carla", "Dev"};
static const char *const seed_last[] = {
    "Adams",    "Brown",  "Chen",  "Dubois", "Evans", "Fischer",  "Garcia", "Haddad",
    "Ito",      "Jensen", "Kowal", "Lopez",  "Meyer", "Nakamura", "Okoro",  "Patel",
    "Quintero", "Rossi",  "Silva", "Tanaka", "Usman", "Varga",    "Walsh",  "Xu",
    "Yilmaz",   "Zhang",  "Novak", "Moreau", "Khan",  "Berg"};
static const char *const seed_sources[REG_SEED_SOURCES] = {"Newsletter", "LinkedIn",
                                                           "Partner site"};

/* Lower-case ASCII copy of TEXT with non-letters dropped (for e-mail addresses). */
static void email_part(const char *text, char *out, size_t len) {
  size_t o = 0;
  for (const char *p = text; *p && o + 1 < len; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z')
      out[o++] = (char)(c - 'A' + 'a');
    else if (c >= 'a' && c <= 'z')
      out[o++] = c;
  }
  out[o] = '\0';
}

static void hook_seed(sim *s, sim_webinar *w) {
  if (!sim_webinar_registration(w))
    return;
  json_t *sources = sim_ext_array(w, "tracking_sources");
  for (size_t i = 0; sources && i < REG_SEED_SOURCES; i++) {
    char id[23], url[200];
    sim_new_user_id(s, id);
    snprintf(url, sizeof url, "%s/webinar/register/%s?ts=%s", SIM_JOIN_HOST, w->uuid, id);
    json_array_append_new(sources, json_pack("{s:s,s:s,s:s,s:i}", "id", id, "source_name",
                                             seed_sources[i], "tracking_url", url, "visitor_count",
                                             40 + (int)(sim_rand(s) % 400)));
  }
  sim_registrants *st = store_get(w);
  if (!st || s->opt.scale <= 0)
    return;
  size_t n = (size_t)s->opt.scale;
  sim_registrant *grown = realloc(st->items, n * sizeof *grown);
  if (!grown)
    return;
  st->items = grown;
  st->cap = n;
  int approval = sim_webinar_approval_type(w);
  size_t nf = sizeof seed_first / sizeof seed_first[0];
  size_t nl = sizeof seed_last / sizeof seed_last[0];
  for (size_t i = 0; i < n; i++) {
    uint64_t r = sim_rand(s);
    const char *first = seed_first[r % nf];
    const char *last = seed_last[(r >> 8) % nl];
    char email[128], a[32], b[32];
    email_part(first, a, sizeof a);
    email_part(last, b, sizeof b);
    snprintf(email, sizeof email, "%s.%s.%zu@example.com", a, b, i + 1);
    int status = SIM_REG_APPROVED;
    if (approval == 1) {
      unsigned roll = (unsigned)((r >> 16) % 10);
      status = roll < 6 ? SIM_REG_APPROVED : roll < 9 ? SIM_REG_PENDING : SIM_REG_DENIED;
    }
    int64_t created = w->created_at + (int64_t)((r >> 24) % (20 * 86400));
    sim_registrant *reg = store_add(s, st, NULL, email, first, last, status, created, occ_all(w));
    if (!reg)
      return;
    reg->source = (uint16_t)((r >> 48) % (REG_SEED_SOURCES + 1));
  }
}

static const sim_route routes[] = {
    {"GET", "/v2/webinars/{webinarId}/registrants/questions", SIM_CAT_LIGHT, questions_get, 0},
    {"PATCH", "/v2/webinars/{webinarId}/registrants/questions", SIM_CAT_LIGHT, questions_patch, 0},
    {"PUT", "/v2/webinars/{webinarId}/registrants/status", SIM_CAT_MEDIUM, registrants_status, 0},
    {"GET", "/v2/webinars/{webinarId}/registrants/{registrantId}", SIM_CAT_LIGHT, registrant_get,
     0},
    {"DELETE", "/v2/webinars/{webinarId}/registrants/{registrantId}", SIM_CAT_LIGHT,
     registrant_delete, 0},
    {"GET", "/v2/webinars/{webinarId}/registrants", SIM_CAT_MEDIUM, registrants_list, 0},
    {"POST", "/v2/webinars/{webinarId}/registrants", SIM_CAT_LIGHT, registrants_create, 0},
    {"POST", "/v2/webinars/{webinarId}/batch_registrants", SIM_CAT_HEAVY, registrants_batch, 0},
    {"GET", "/v2/webinars/{webinarId}/tracking_sources", SIM_CAT_MEDIUM, tracking_sources_list, 0},
};

const sim_module sim_module_registrants = {
    "registrants", routes,    sizeof routes / sizeof routes[0], hook_free, hook_save,
    hook_load,     hook_seed,
};
