/* sim_past.c - the simulator's past webinars: instances (UUIDs), participants, absentees, Q&A, poll
 * answers, under /past_webinars/{webinarId}/... and /report/webinars/{webinarId}/...
 *
 * A webinar gets one instance per occurrence whose time is over (or one when it
 * was ended); seeded held webinars get two (a false start, then the session),
 * whose UUIDs start with "/" and contain "//", so that they must arrive
 * double-encoded as Zoom requires. Participants who registered point at their
 * registrant by serial; only guests carry their own name and e-mail. The first
 * panelist attends each held instance from start to end, the others do not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/pct.h"
#include "sim/sim_resources.h"

#define PAST_INSTANCES_MAX 64
#define PAST_PARTICIPANTS_MAX 100000
#define PAST_POLL_ANSWERS_MAX 200
#define PAST_USER_ID_BASE 16778240

enum { PART_REJOINED = 1u << 0 };

typedef struct sim_past_participant {
  uint32_t serial; /* registrant serial; 0 for a guest */
  uint32_t guest;  /* guests: arena offset of "name\0email\0" */
  int32_t join;    /* seconds from the instance start */
  int32_t leave;
  char id[23];
  uint8_t flags;
} sim_past_participant;

typedef struct sim_past_instance {
  char uuid[32];
  int64_t start;
  int duration; /* minutes */
  sim_past_participant *parts;
  size_t nparts;
  json_t *qa;    /* owned array: {name, email, question_details[{question, answer}]} */
  json_t *polls; /* owned array: {name, email, first_name, last_name, question_details[]} */
} sim_past_instance;

struct sim_past {
  sim_past_instance *inst; /* in start order */
  size_t n;
  char *arena;
  size_t arena_len, arena_cap;
};

/* ---- storage ---------------------------------------------------------------------- */

static void past_free(struct sim_past *p) {
  if (!p)
    return;
  for (size_t i = 0; i < p->n; i++) {
    free(p->inst[i].parts);
    json_decref(p->inst[i].qa);
    json_decref(p->inst[i].polls);
  }
  free(p->inst);
  free(p->arena);
  free(p);
}

/* Stores "name\0email\0"; returns the offset or UINT32_MAX. */
static uint32_t past_guest_add(struct sim_past *p, const char *name, const char *email) {
  size_t ln = strlen(name) + 1, le = strlen(email) + 1;
  if (p->arena_len + ln + le > 0xfffffff0u)
    return UINT32_MAX;
  if (p->arena_len + ln + le > p->arena_cap) {
    size_t cap = p->arena_cap ? p->arena_cap : 1024;
    while (cap < p->arena_len + ln + le)
      cap *= 2;
    char *grown = realloc(p->arena, cap);
    if (!grown)
      return UINT32_MAX;
    p->arena = grown;
    p->arena_cap = cap;
  }
  uint32_t off = (uint32_t)p->arena_len;
  memcpy(p->arena + p->arena_len, name, ln);
  memcpy(p->arena + p->arena_len + ln, email, le);
  p->arena_len += ln + le;
  return off;
}

/* Name and e-mail of participant PT (borrowed). */
static void part_identity(const sim_webinar *w, const struct sim_past *p,
                          const sim_past_participant *pt, const char **name, const char **email,
                          const char **first, const char **last) {
  static const char *const none = "";
  *name = *email = *first = *last = none;
  if (pt->serial) {
    const sim_registrant *r = sim_reg_by_serial(w->registrants, pt->serial);
    if (r) {
      *first = sim_reg_str(w->registrants, r->first);
      *last = sim_reg_str(w->registrants, r->last);
      *email = sim_reg_str(w->registrants, r->email);
    } else {
      *first = "Former registrant";
    }
    return;
  }
  if (pt->guest < p->arena_len) {
    *name = *first = p->arena + pt->guest;
    *email = *name + strlen(*name) + 1;
  }
}

/* Display name "First Last" of PT into OUT. */
static void part_name(const sim_webinar *w, const struct sim_past *p,
                      const sim_past_participant *pt, char *out, size_t len, const char **email) {
  const char *name, *first, *last;
  part_identity(w, p, pt, &name, email, &first, &last);
  if (pt->serial)
    snprintf(out, len, "%s%s%s", first, *last ? " " : "", last);
  else
    snprintf(out, len, "%s", name);
}

/* ---- generation ------------------------------------------------------------------------ */

static const char *const guest_names[] = {"Morgan Blake", "Riley Chen", "Sasha Ivanova",
                                          "Tomás Ruiz",   "Noor Aziz",  "Jamie Fox",
                                          "Lena Park",    "Omar Said"};
static const char *const qa_questions[] = {
    "Will the recording be shared afterwards?", "Is there a trial for the new features?",
    "How does this work with single sign-on?",  "Can we get the slides?",
    "What is on the roadmap for next quarter?", "Does this support more than 1,000 attendees?"};
static const char *const qa_answers[] = {
    "Yes, within 24 hours to every registrant.", "A 30-day trial starts from the admin console.",
    "It uses your existing SAML configuration.", "They will be in the follow-up e-mail.",
    "We will publish it on the blog next week.", "Yes, up to 10,000 with the large add-on."};

static int part_add(sim_past_instance *in, size_t *cap, const sim_past_participant *pt) {
  if (in->nparts >= PAST_PARTICIPANTS_MAX)
    return -1;
  if (in->nparts == *cap) {
    size_t c = *cap ? *cap * 2 : 32;
    sim_past_participant *grown = realloc(in->parts, c * sizeof *grown);
    if (!grown)
      return -1;
    in->parts = grown;
    *cap = c;
  }
  in->parts[in->nparts++] = *pt;
  return 0;
}

/* Registered-for bit of the occurrence starting at START (all bits otherwise). */
static uint64_t occ_bit_at(const sim_webinar *w, int64_t start) {
  for (size_t i = 0; i < w->nocc && i < 64; i++)
    if (w->occ[i].start == start)
      return (uint64_t)1 << i;
  return ~(uint64_t)0;
}

/* Fills IN's participants, Q&A and poll answers. SMALL: a false start with a
 * handful of people for a few minutes. */
static void instance_fill(sim *s, sim_webinar *w, struct sim_past *p, sim_past_instance *in,
                          bool small) {
  size_t cap = 0;
  int32_t span = in->duration > 0 ? in->duration * 60 : 3600;
  const sim_registrants *st = w->registrants;
  uint64_t bit = occ_bit_at(w, in->start);
  size_t taken = 0;
  for (size_t i = 0; st && i < st->n; i++) {
    const sim_registrant *r = &st->items[i];
    uint64_t roll = sim_rand(s);
    if (r->status != SIM_REG_APPROVED || !(r->occ & bit) || roll % 100 >= 65)
      continue;
    if (small && taken >= 4)
      break;
    sim_past_participant pt = {0};
    pt.serial = r->serial;
    sim_new_user_id(s, pt.id);
    pt.join = (int32_t)((roll >> 8) % 600);
    int32_t stay = (int32_t)(span * (30 + (int)((roll >> 20) % 71)) / 100);
    pt.leave = pt.join + stay > span + 600 ? span + 600 : pt.join + stay;
    if (pt.leave <= pt.join)
      pt.leave = pt.join + 60;
    if (part_add(in, &cap, &pt) != 0)
      break;
    taken++;
    if ((roll >> 40) % 20 == 0 && pt.leave + 120 < span) { /* left and came back */
      sim_past_participant again = pt;
      again.join = pt.leave + 60;
      again.leave = span;
      again.flags = PART_REJOINED;
      part_add(in, &cap, &again);
    }
  }
  size_t nguests = small ? 1 : (sim_webinar_registration(w) ? 3 : 8 + (size_t)(sim_rand(s) % 8));
  for (size_t g = 0; g < nguests; g++) {
    char email[96] = "";
    const char *name = guest_names[g % (sizeof guest_names / sizeof guest_names[0])];
    if (g % 3 != 2) /* some guests give no e-mail */
      snprintf(email, sizeof email, "guest%zu.%lld@example.net", g + 1,
               (long long)(in->start % 997));
    sim_past_participant pt = {0};
    pt.guest = past_guest_add(p, name, email);
    if (pt.guest == UINT32_MAX)
      break;
    sim_new_user_id(s, pt.id);
    uint64_t roll = sim_rand(s);
    pt.join = (int32_t)(roll % 300);
    pt.leave = pt.join + (int32_t)(span / 4 + (int32_t)((roll >> 16) % (uint64_t)(span / 2 + 1)));
    if (part_add(in, &cap, &pt) != 0)
      break;
  }
  /* the first panelist is there from start to end (the others stay away), so a
   * report can tell panelists present from panelists invited */
  json_t *panelist = json_array_get(json_object_get(w->ext, "panelists"), 0);
  const char *pname = json_string_value(json_object_get(panelist, "name"));
  const char *pmail = json_string_value(json_object_get(panelist, "email"));
  if (!small && pname && pmail) {
    sim_past_participant pt = {0};
    pt.guest = past_guest_add(p, pname, pmail);
    sim_new_user_id(s, pt.id);
    pt.leave = span;
    if (pt.guest != UINT32_MAX)
      part_add(in, &cap, &pt);
  }
  if (small) {
    for (size_t i = 0; i < in->nparts; i++) {
      in->parts[i].join %= 60;
      in->parts[i].leave = in->parts[i].join + 60 + (int32_t)(i * 17 % 120);
    }
  }
  /* Q&A: a few questions from attendees, most answered */
  in->qa = json_array();
  size_t nq = small || in->nparts == 0 ? 0 : 3 + (size_t)(sim_rand(s) % 4);
  for (size_t q = 0; in->qa && q < nq; q++) {
    const sim_past_participant *pt = &in->parts[sim_rand(s) % in->nparts];
    char name[160];
    const char *email;
    part_name(w, p, pt, name, sizeof name, &email);
    size_t k = q % (sizeof qa_questions / sizeof qa_questions[0]);
    json_t *detail = json_pack("{s:s,s:s}", "question", qa_questions[k], "answer",
                               q == nq - 1 ? "" : qa_answers[k]);
    json_array_append_new(in->qa, json_pack("{s:s,s:s,s:[o]}", "name", name, "email", email,
                                            "question_details", detail));
  }
  /* poll answers: a share of the attendees answered each seeded poll */
  in->polls = json_array();
  json_t *polls = json_object_get(w->ext, "polls");
  for (size_t i = 0; in->polls && !small && i < in->nparts; i++) {
    if (json_array_size(in->polls) >= PAST_POLL_ANSWERS_MAX || sim_rand(s) % 100 >= 40)
      continue;
    const sim_past_participant *pt = &in->parts[i];
    const char *name, *email, *first, *last;
    part_identity(w, p, pt, &name, &email, &first, &last);
    char full[160];
    part_name(w, p, pt, full, sizeof full, &email);
    json_t *details = json_array();
    size_t pi;
    json_t *poll;
    json_array_foreach(polls, pi, poll) {
      size_t qi;
      json_t *q;
      json_array_foreach(json_object_get(poll, "questions"), qi, q) {
        json_t *answers = json_object_get(q, "answers");
        size_t na = json_array_size(answers);
        const char *answer =
            na ? json_string_value(json_array_get(answers, sim_rand(s) % na)) : "4";
        char when[21];
        sim_time_format(in->start + pt->join + 300 + (int64_t)qi * 30, when);
        json_array_append_new(details,
                              json_pack("{s:s,s:s,s:s,s:s}", "question",
                                        json_string_value(json_object_get(q, "name")), "answer",
                                        answer ? answer : "", "date_time", when, "polling_id",
                                        json_string_value(json_object_get(poll, "id"))));
      }
    }
    if (json_array_size(details) == 0) {
      json_decref(details);
      continue;
    }
    json_array_append_new(in->polls, json_pack("{s:s,s:s,s:s,s:s,s:o}", "name", full, "email",
                                               email, "first_name", first, "last_name", last,
                                               "question_details", details));
  }
}

static struct sim_past *past_get(sim_webinar *w) {
  if (!w->past)
    w->past = calloc(1, sizeof *w->past);
  return w->past;
}

/* Adds an instance starting at START unless one exists; returns it or NULL. */
static sim_past_instance *instance_add(sim *s, sim_webinar *w, int64_t start, int duration,
                                       int uuid_kind, bool small) {
  struct sim_past *p = past_get(w);
  if (!p || p->n >= PAST_INSTANCES_MAX)
    return NULL;
  for (size_t i = 0; i < p->n; i++)
    if (p->inst[i].start == start)
      return NULL;
  sim_past_instance *grown = realloc(p->inst, (p->n + 1) * sizeof *grown);
  if (!grown)
    return NULL;
  p->inst = grown;
  size_t at = p->n;
  while (at > 0 && p->inst[at - 1].start > start) /* keep start order */
    at--;
  memmove(&p->inst[at + 1], &p->inst[at], (p->n - at) * sizeof *grown);
  sim_past_instance *in = &p->inst[at];
  memset(in, 0, sizeof *in);
  p->n++;
  char uuid[25];
  sim_new_uuid(s, uuid);
  if (uuid_kind == 1)
    uuid[0] = '/'; /* starts with "/" */
  else if (uuid_kind == 2)
    uuid[6] = uuid[7] = '/'; /* contains "//" */
  snprintf(in->uuid, sizeof in->uuid, "%s", uuid);
  in->start = start;
  in->duration = duration;
  instance_fill(s, w, p, in, small);
  return in;
}

void sim_past_refresh(sim *s, sim_webinar *w, int64_t now) {
  int64_t base = w->start > 0 ? w->start : w->created_at;
  if (w->type == 9 && w->nocc > 0) {
    for (size_t i = 0; i < w->nocc; i++) {
      const sim_occurrence *o = &w->occ[i];
      if (!o->deleted &&
          (o->start + (int64_t)o->duration * 60 <= now || (w->ended && o->start <= now)))
        instance_add(s, w, o->start, o->duration, 0, false);
    }
    return;
  }
  if (sim_webinar_over(w, now) && (!w->past || w->past->n == 0))
    instance_add(s, w, base, w->duration, 0, false);
}

/* ---- lookups ------------------------------------------------------------------------ */

/* The instance RAW (a path parameter) names at NOW: a numeric id gives the
 * webinar's latest instance; a UUID (decoded once by the router, once more
 * here) gives that instance. *W_OUT receives its webinar. NULL when none. */
static sim_past_instance *instance_lookup(sim *s, const char *raw, int64_t now,
                                          sim_webinar **w_out) {
  bool digits = raw && *raw && strlen(raw) <= 19;
  for (const char *c = raw; digits && *c; c++)
    digits = *c >= '0' && *c <= '9';
  if (digits) {
    sim_webinar *w = sim_webinar_by_id(s, strtoll(raw, NULL, 10));
    if (w)
      sim_past_refresh(s, w, now);
    if (w && w->past && w->past->n > 0) {
      *w_out = w;
      return &w->past->inst[w->past->n - 1];
    }
  } else if (raw && raw[0] != '/' && !strstr(raw, "//")) {
    /* a UUID that starts with "/" or holds "//" must come double-encoded:
     * decoded once it still holds "%2F" */
    char *uuid = pct_decode(raw, strlen(raw), false);
    for (size_t i = 0; uuid && i < s->acct.nwebinars; i++) {
      sim_webinar *w = s->acct.webinars[i];
      sim_past_refresh(s, w, now);
      for (size_t k = 0; w->past && k < w->past->n; k++) {
        if (strcmp(w->past->inst[k].uuid, uuid) == 0) {
          free(uuid);
          *w_out = w;
          return &w->past->inst[k];
        }
      }
    }
    free(uuid);
  }
  return NULL;
}

/* The instance the request's webinarId names (see instance_lookup). NULL after
 * replying 404 3001. */
static sim_past_instance *instance_param(sim *s, sim_req *rq, sim_resp *rs, sim_webinar **w_out) {
  sim_past_instance *in = instance_lookup(s, sim_req_param(rq, "webinarId"), rq->now, w_out);
  if (!in)
    sim_reply_error(rs, 404, 3001, "Webinar ID is invalid or not end.");
  return in;
}

int sim_past_find(sim *s, const char *raw, int64_t now, sim_past_ref *out) {
  sim_webinar *w = NULL;
  sim_past_instance *in = instance_lookup(s, raw, now, &w);
  if (!in)
    return -1;
  out->w = w;
  out->uuid = in->uuid;
  out->start = in->start;
  out->duration = in->duration;
  out->latest = in == &w->past->inst[w->past->n - 1];
  return 0;
}

/* ---- handlers ------------------------------------------------------------------------ */

/* GET /past_webinars/{webinarId}/instances (numeric id only). */
static void instances_list(sim *s, sim_req *rq, sim_resp *rs) {
  const char *raw = sim_req_param(rq, "webinarId");
  bool digits = raw && *raw && strlen(raw) <= 19;
  for (const char *c = raw; digits && *c; c++)
    digits = *c >= '0' && *c <= '9';
  sim_webinar *w = digits ? sim_webinar_by_id(s, strtoll(raw, NULL, 10)) : NULL;
  if (!w) {
    sim_reply_webinar_not_found(rs, raw);
    return;
  }
  sim_past_refresh(s, w, rq->now);
  json_t *arr = json_array();
  for (size_t i = 0; w->past && i < w->past->n; i++) {
    char start[21];
    sim_time_format(w->past->inst[i].start, start);
    json_array_append_new(
        arr, json_pack("{s:s,s:s}", "uuid", w->past->inst[i].uuid, "start_time", start));
  }
  sim_reply_json(rs, 200, json_pack("{s:o}", "webinars", arr));
}

/* Participants of the instance, paginated; REPORT adds the report's fields. */
static void participants_common(sim *s, sim_req *rq, sim_resp *rs, bool report) {
  sim_webinar *w = NULL;
  sim_past_instance *in = instance_param(s, rq, rs, &w);
  if (!in)
    return;
  char scope[96];
  snprintf(scope, sizeof scope, "%s/%s/participants", report ? "report" : "past", in->uuid);
  sim_page pg;
  if (sim_page_begin(s, rq, rs, scope, &pg) != 0)
    return;
  json_t *items = json_array();
  for (size_t i = pg.offset; i < in->nparts && i < pg.offset + pg.size; i++) {
    const sim_past_participant *pt = &in->parts[i];
    char name[160], join[21], leave[21], uid[16];
    const char *email;
    part_name(w, w->past, pt, name, sizeof name, &email);
    sim_time_format(in->start + pt->join, join);
    sim_time_format(in->start + pt->leave, leave);
    snprintf(uid, sizeof uid, "%lu", (unsigned long)(PAST_USER_ID_BASE + i));
    const sim_registrant *r = pt->serial ? sim_reg_by_serial(w->registrants, pt->serial) : NULL;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:s}", "id", pt->id, "name", name,
                          "user_id", uid, "registrant_id", r ? r->id : "", "user_email", email,
                          "join_time", join, "leave_time", leave, "duration",
                          (int)(pt->leave - pt->join), "failover", 0, "status", "in_meeting");
    if (o && report) {
      json_object_set_new(o, "customer_key", json_string(""));
      json_object_set_new(o, "participant_user_id", json_string(pt->id));
    }
    json_array_append_new(items, o);
  }
  json_t *out = json_object();
  json_object_set_new(out, "page_count",
                      json_integer((json_int_t)((in->nparts + pg.size - 1) / pg.size)));
  sim_page_end(s, out, scope, &pg, in->nparts);
  json_object_set_new(out, "participants", items);
  sim_reply_json(rs, 200, out);
}

static void participants_list(sim *s, sim_req *rq, sim_resp *rs) {
  participants_common(s, rq, rs, false);
}

static void report_participants(sim *s, sim_req *rq, sim_resp *rs) {
  participants_common(s, rq, rs, true);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* GET /past_webinars/{webinarId}/absentees: approved registrants who did not attend. */
static void absentees_list(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = NULL;
  sim_past_instance *in = instance_param(s, rq, rs, &w);
  if (!in)
    return;
  if (!sim_webinar_registration(w)) {
    sim_reply_error(rs, 400, 3000, "This webinar does not have registration as required: %lld.",
                    (long long)w->id);
    return;
  }
  const char *occ = sim_req_query(rq, "occurrence_id");
  if (occ && *occ) {
    sim_past_instance *found = NULL;
    for (size_t i = 0; i < w->nocc && !found; i++)
      if (strcmp(w->occ[i].id, occ) == 0)
        for (size_t k = 0; k < w->past->n; k++)
          if (w->past->inst[k].start == w->occ[i].start)
            found = &w->past->inst[k];
    if (!found) {
      char clip[41];
      sim_reply_error(rs, 400, 300,
                      "The request could not be completed because you have provided an invalid "
                      "occurrence ID: %s",
                      sim_text_clip(clip, sizeof clip, occ));
      return;
    }
    in = found;
  }
  char scope[96];
  snprintf(scope, sizeof scope, "past/%s/absentees", in->uuid);
  sim_page pg;
  if (sim_page_begin(s, rq, rs, scope, &pg) != 0)
    return;
  uint32_t *seen = malloc((in->nparts + 1) * sizeof *seen);
  if (!seen) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  size_t nseen = 0;
  for (size_t i = 0; i < in->nparts; i++)
    if (in->parts[i].serial)
      seen[nseen++] = in->parts[i].serial;
  qsort(seen, nseen, sizeof *seen, cmp_u32);
  uint64_t bit = occ_bit_at(w, in->start);
  json_t *items = json_array();
  size_t total = 0;
  const sim_registrants *st = w->registrants;
  for (size_t i = 0; st && i < st->n; i++) {
    const sim_registrant *r = &st->items[i];
    if (r->status != SIM_REG_APPROVED || !(r->occ & bit) ||
        bsearch(&r->serial, seen, nseen, sizeof *seen, cmp_u32))
      continue;
    if (total >= pg.offset && total < pg.offset + pg.size)
      json_array_append_new(items, sim_reg_json(w, st, r, false));
    total++;
  }
  free(seen);
  json_t *out = json_object();
  sim_page_numbers(out, &pg, total);
  sim_page_end(s, out, scope, &pg, total);
  json_object_set_new(out, "registrants", items);
  sim_reply_json(rs, 200, out);
}

/* {id, uuid, start_time, questions} from the instance's array ARR (copied);
 * REPORT_NAMES keeps first_name/last_name (report polls), else drops them. */
static json_t *instance_questions(const sim_webinar *w, const sim_past_instance *in, json_t *arr,
                                  bool report_names) {
  char start[21];
  sim_time_format(in->start, start);
  json_t *copy = arr ? json_deep_copy(arr) : json_array();
  size_t i;
  json_t *q;
  json_array_foreach(copy, i, q) {
    if (!report_names) {
      json_object_del(q, "first_name");
      json_object_del(q, "last_name");
    }
  }
  return json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)w->id, "uuid", in->uuid, "start_time",
                   start, "questions", copy);
}

static void qa_list(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = NULL;
  sim_past_instance *in = instance_param(s, rq, rs, &w);
  if (in)
    sim_reply_json(rs, 200, instance_questions(w, in, in->qa, false));
}

static void polls_list(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = NULL;
  sim_past_instance *in = instance_param(s, rq, rs, &w);
  if (in)
    sim_reply_json(rs, 200, instance_questions(w, in, in->polls, false));
}

static void report_polls(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = NULL;
  sim_past_instance *in = instance_param(s, rq, rs, &w);
  if (in)
    sim_reply_json(rs, 200, instance_questions(w, in, in->polls, true));
}

/* ---- hooks ------------------------------------------------------------------------------ */

static void hook_free(sim_webinar *w) {
  past_free(w->past);
  w->past = NULL;
}

static int hook_save(const sim_webinar *w, json_t *out) {
  const struct sim_past *p = w->past;
  if (!p || p->n == 0)
    return 0;
  json_t *arr = json_array();
  if (!arr || json_object_set_new(out, "past", arr) != 0)
    return -1;
  for (size_t i = 0; i < p->n; i++) {
    const sim_past_instance *in = &p->inst[i];
    sim_rows rows;
    sim_rows_init(&rows);
    for (size_t k = 0; k < in->nparts; k++) {
      const sim_past_participant *pt = &in->parts[k];
      const char *gname = "", *gmail = "";
      if (!pt->serial && pt->guest < p->arena_len) {
        gname = p->arena + pt->guest;
        gmail = gname + strlen(gname) + 1;
      }
      sim_rows_text(&rows, pt->id);
      sim_rows_add(&rows, "%lu", (unsigned long)pt->serial);
      sim_rows_text(&rows, gname);
      sim_rows_text(&rows, gmail);
      sim_rows_add(&rows, "%ld", (long)pt->join);
      sim_rows_add(&rows, "%ld", (long)pt->leave);
      sim_rows_add(&rows, "%u", (unsigned)pt->flags);
      sim_rows_end(&rows);
    }
    json_t *parts = sim_rows_take(&rows);
    json_t *o = parts ? json_pack("{s:s,s:I,s:i,s:o,s:O,s:O}", "uuid", in->uuid, "start",
                                  (json_int_t)in->start, "duration", in->duration, "participants",
                                  parts, "qa", in->qa, "polls", in->polls)
                      : NULL;
    if (!o || json_array_append_new(arr, o) != 0)
      return -1;
  }
  return 0;
}

/* Reads saved participant rows (id, serial, guest name, guest e-mail, join,
 * leave, flags) into IN. Returns 0 or -1. */
static int load_participants(struct sim_past *p, sim_past_instance *in, const char *saved) {
  int result = -1;
  size_t cap = 0;
  char *text = strdup(saved);
  char *cursor = text, *rec;
  if (!text)
    return -1;
  while ((rec = sim_rows_next(&cursor))) {
    char *f[7], *end = NULL;
    if (sim_rows_split(rec, f, 7) != 7 || strlen(f[0]) >= sizeof in->parts[0].id)
      goto cleanup;
    sim_past_participant pt = {0};
    snprintf(pt.id, sizeof pt.id, "%s", f[0]);
    unsigned long long serial = strtoull(f[1], &end, 10);
    if (*end || serial > UINT32_MAX)
      goto cleanup;
    long join = strtol(f[4], &end, 10);
    if (*end)
      goto cleanup;
    long leave = strtol(f[5], &end, 10);
    if (*end || join < -86400 || leave < join || leave > 30L * 86400)
      goto cleanup;
    pt.serial = (uint32_t)serial;
    pt.join = (int32_t)join;
    pt.leave = (int32_t)leave;
    pt.flags = (uint8_t)strtoul(f[6], NULL, 10);
    if (!pt.serial && (pt.guest = past_guest_add(p, f[2], f[3])) == UINT32_MAX)
      goto cleanup;
    if (part_add(in, &cap, &pt) != 0)
      goto cleanup;
  }
  result = 0;
cleanup:
  free(text);
  return result;
}

static int hook_load(sim *s, sim_webinar *w, json_t *in) {
  (void)s;
  json_t *arr = json_object_get(in, "past");
  if (!arr)
    return 0;
  if (!json_is_array(arr) || json_array_size(arr) > PAST_INSTANCES_MAX)
    return -1;
  struct sim_past *p = past_get(w);
  if (!p)
    return -1;
  p->inst = calloc(json_array_size(arr) + 1, sizeof *p->inst);
  if (!p->inst)
    return -1;
  size_t i;
  json_t *o;
  json_array_foreach(arr, i, o) {
    const char *uuid;
    json_int_t start;
    int duration;
    json_t *parts, *qa, *polls;
    if (json_unpack(o, "{s:s,s:I,s:i,s:o,s:o,s:o}", "uuid", &uuid, "start", &start, "duration",
                    &duration, "participants", &parts, "qa", &qa, "polls", &polls) != 0 ||
        strlen(uuid) >= sizeof p->inst[0].uuid || !json_is_string(parts) || !json_is_array(qa) ||
        !json_is_array(polls))
      return -1;
    sim_past_instance *ins = &p->inst[p->n++];
    snprintf(ins->uuid, sizeof ins->uuid, "%s", uuid);
    ins->start = start;
    ins->duration = duration;
    ins->qa = json_incref(qa);
    ins->polls = json_incref(polls);
    if (load_participants(p, ins, json_string_value(parts)) != 0)
      return -1;
  }
  return 0;
}

/* Seeded held webinars: a false start 15 minutes early (UUID starting with
 * "/"), then the session (UUID holding "//"). */
static void hook_seed(sim *s, sim_webinar *w) {
  if (!w->ended)
    return;
  int64_t base = w->start > 0 ? w->start : w->created_at;
  instance_add(s, w, base - 15 * 60, 5, 1, true);
  instance_add(s, w, base, w->duration, 2, false);
}

static const sim_route routes[] = {
    {"GET", "/v2/past_webinars/{webinarId}/instances", SIM_CAT_LIGHT, instances_list, 0},
    {"GET", "/v2/past_webinars/{webinarId}/participants", SIM_CAT_MEDIUM, participants_list, 0},
    {"GET", "/v2/past_webinars/{webinarId}/absentees", SIM_CAT_HEAVY, absentees_list, 0},
    {"GET", "/v2/past_webinars/{webinarId}/qa", SIM_CAT_MEDIUM, qa_list, 0},
    {"GET", "/v2/past_webinars/{webinarId}/polls", SIM_CAT_MEDIUM, polls_list, 0},
    {"GET", "/v2/report/webinars/{webinarId}/participants", SIM_CAT_HEAVY, report_participants, 0},
    {"GET", "/v2/report/webinars/{webinarId}/qa", SIM_CAT_HEAVY, qa_list, 0},
    {"GET", "/v2/report/webinars/{webinarId}/polls", SIM_CAT_HEAVY, report_polls, 0},
};

const sim_module sim_module_past = {
    "past", routes, sizeof routes / sizeof routes[0], hook_free, hook_save, hook_load, hook_seed,
};
