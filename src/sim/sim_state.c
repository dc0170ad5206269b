/* sim_state.c - the simulator's account model: lifetime, lookups, seed data, --state files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/pct.h"
#include "base/file.h"
#include "sim/sim_internal.h"

#define COMPONENT "zoomsim"
#define STATE_VERSION 1
#define STATE_MAX_BYTES (1024L * 1024L * 1024L)

/* ---- webinars ------------------------------------------------------------------ */

sim_webinar *sim_webinar_new(void) {
  sim_webinar *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->obj = json_object();
  w->ext = json_object();
  if (!w->obj || !w->ext) {
    sim_webinar_free(w);
    return NULL;
  }
  return w;
}

void sim_webinar_free(sim_webinar *w) {
  if (!w)
    return;
  for (size_t m = 0; m < sim_module_count; m++)
    if (sim_modules[m]->webinar_free)
      sim_modules[m]->webinar_free(w);
  for (size_t i = 0; i < w->nocc; i++)
    json_decref(w->occ[i].overrides);
  free(w->occ);
  json_decref(w->obj);
  json_decref(w->ext);
  free(w);
}

int sim_webinar_add(sim *s, sim_webinar *w) {
  sim_account *a = &s->acct;
  if (a->nwebinars == a->capwebinars) {
    size_t cap = a->capwebinars ? a->capwebinars * 2 : 16;
    sim_webinar **grown = realloc(a->webinars, cap * sizeof *grown);
    if (!grown) {
      sim_webinar_free(w);
      return -1;
    }
    a->webinars = grown;
    a->capwebinars = cap;
  }
  a->webinars[a->nwebinars++] = w;
  return 0;
}

void sim_webinar_remove(sim *s, int64_t id) {
  sim_account *a = &s->acct;
  for (size_t i = 0; i < a->nwebinars; i++) {
    if (a->webinars[i]->id == id) {
      sim_webinar_free(a->webinars[i]);
      memmove(&a->webinars[i], &a->webinars[i + 1], (a->nwebinars - i - 1) * sizeof(void *));
      a->nwebinars--;
      return;
    }
  }
}

sim_webinar *sim_webinar_by_id(sim *s, int64_t id) {
  for (size_t i = 0; i < s->acct.nwebinars; i++)
    if (s->acct.webinars[i]->id == id)
      return s->acct.webinars[i];
  return NULL;
}

sim_webinar *sim_webinar_find(sim *s, const char *id_or_uuid) {
  if (!id_or_uuid || !*id_or_uuid)
    return NULL;
  bool digits = strlen(id_or_uuid) <= 19;
  for (const char *p = id_or_uuid; *p && digits; p++)
    digits = *p >= '0' && *p <= '9';
  if (digits)
    return sim_webinar_by_id(s, strtoll(id_or_uuid, NULL, 10));
  /* Path parameters arrive decoded once. Zoom wants a UUID that starts with
   * "/" or contains "//" encoded twice: such a UUID decoded once still holds
   * "%2F" and is decoded again here; sent encoded only once it would reach
   * Zoom as a broken path, so it is not found. */
  char *twice = NULL;
  const char *uuid = id_or_uuid;
  if (strchr(id_or_uuid, '%')) {
    twice = pct_decode(id_or_uuid, strlen(id_or_uuid), false);
    if (!twice)
      return NULL;
    uuid = twice;
  } else if (id_or_uuid[0] == '/' || strstr(id_or_uuid, "//")) {
    return NULL;
  }
  sim_webinar *found = NULL;
  for (size_t i = 0; i < s->acct.nwebinars && !found; i++)
    if (strcmp(s->acct.webinars[i]->uuid, uuid) == 0)
      found = s->acct.webinars[i];
  free(twice);
  return found;
}

/* ---- users ------------------------------------------------------------------------ */

const char *sim_user_id_of(json_t *user) {
  return json_string_value(json_object_get(user, "id"));
}

json_t *sim_user_find(sim *s, const char *user_id) {
  if (!user_id)
    return NULL;
  if (strcmp(user_id, "me") == 0)
    return json_array_get(s->acct.users, 0);
  size_t i;
  json_t *u;
  json_array_foreach(s->acct.users, i, u) {
    if (strcmp(sim_user_id_of(u), user_id) == 0 ||
        strcasecmp(json_string_value(json_object_get(u, "email")), user_id) == 0)
      return u;
  }
  return NULL;
}

int sim_quota_take(sim *s, const char *host_id, int64_t now) {
  sim_account *a = &s->acct;
  int64_t day = now / 86400;
  sim_quota *q = NULL;
  for (size_t i = 0; i < a->nquotas; i++)
    if (strcmp(a->quotas[i].host_id, host_id) == 0)
      q = &a->quotas[i];
  if (!q) {
    sim_quota *grown = realloc(a->quotas, (a->nquotas + 1) * sizeof *grown);
    if (!grown)
      return -1;
    a->quotas = grown;
    q = &a->quotas[a->nquotas++];
    memset(q, 0, sizeof *q);
    snprintf(q->host_id, sizeof q->host_id, "%s", host_id);
  }
  if (q->day != day) {
    q->day = day;
    q->count = 0;
  }
  if (q->count >= SIM_HOST_DAILY_WRITES)
    return -1;
  q->count++;
  return 0;
}

/* ---- seed data -------------------------------------------------------------------- */

typedef struct seed_user {
  const char *first, *last, *email, *tz, *role, *status;
  int type; /* 1 basic, 2 licensed */
} seed_user;

static const seed_user seed_users[] = {
    {"Alex", "Morgan", "alex.morgan@sandbox.example.com", "America/New_York", "Owner", "active", 2},
    {"Priya", "Shah", "priya.shah@sandbox.example.com", "Europe/London", "Admin", "active", 2},
    {"Kenji", "Watanabe", "kenji.watanabe@sandbox.example.com", "Asia/Tokyo", "Member", "active",
     2},
    {"Lucia", "Fernandez", "lucia.fernandez@sandbox.example.com", "America/Mexico_City", "Member",
     "inactive", 1},
    {"Sam", "Okafor", "sam.okafor@sandbox.example.com", "Africa/Lagos", "Member", "pending", 1},
};

/* The seeded webinars, cycled when more are asked for: start offset from now
 * in hours (negative: already held), and a body as POST would send it. */
typedef struct seed_webinar {
  int hours_from_now;
  const char *body;
} seed_webinar;

static const seed_webinar seed_webinars[] = {
    {7 * 24, "{\"topic\":\"Product launch: spring release\",\"type\":5,\"duration\":60,"
             "\"timezone\":\"America/New_York\",\"agenda\":\"What is new, live demo, Q&A.\","
             "\"settings\":{\"approval_type\":0,\"registration_type\":1,\"question_and_answer\":"
             "{\"enable\":true}}}"},
    {14 * 24, "{\"topic\":\"Customer onboarding clinic\",\"type\":5,\"duration\":45,"
              "\"timezone\":\"Europe/London\",\"settings\":{\"approval_type\":1}}"},
    {3 * 24, "{\"topic\":\"Weekly office hours\",\"type\":9,\"duration\":30,"
             "\"timezone\":\"America/New_York\",\"recurrence\":{\"type\":2,\"repeat_interval\":1,"
             "\"weekly_days\":\"3\",\"end_times\":6},\"settings\":{\"approval_type\":0,"
             "\"registration_type\":1}}"},
    {-3 * 24, "{\"topic\":\"Quarterly town hall\",\"type\":5,\"duration\":90,"
              "\"timezone\":\"UTC\",\"settings\":{\"approval_type\":0}}"},
    {0, "{\"topic\":\"Evergreen training (no fixed time)\",\"type\":6,\"duration\":60,"
        "\"timezone\":\"UTC\",\"recurrence\":{\"type\":1}}"},
    {-30 * 24,
     "{\"topic\":\"Security briefing\",\"type\":5,\"duration\":60,\"timezone\":\"Asia/Tokyo\","
     "\"settings\":{\"approval_type\":2}}"},
};

static json_t *seed_user_json(sim *s, const seed_user *u) {
  char id[23];
  sim_new_user_id(s, id);
  long long pmi = 3000000000LL + (long long)(sim_rand(s) % 6999999999ULL);
  char name[160];
  snprintf(name, sizeof name, "%s %s", u->first, u->last);
  /* Types as Zoom's description gives them: verified is the integer 1 or 0. */
  return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[]}",
                   "id", id, "first_name", u->first, "last_name", u->last, "display_name", name,
                   "email", u->email, "type", u->type, "pmi", (json_int_t)pmi, "timezone", u->tz,
                   "verified", 1, "dept", "", "created_at", "2024-01-15T09:00:00Z",
                   "user_created_at", "2024-01-15T09:00:00Z", "last_login_time",
                   "2026-11-01T08:00:00Z", "language", "en-US", "status", u->status, "role_name",
                   u->role, "role_id", strcmp(u->role, "Owner") == 0 ? "0" : "2", "group_ids");
}

int sim_account_seed(sim *s) {
  sim_account *a = &s->acct;
  a->users = json_array();
  a->ext = json_object();
  if (!a->users || !a->ext)
    return -1;
  for (size_t i = 0; i < sizeof seed_users / sizeof seed_users[0]; i++) {
    json_t *u = seed_user_json(s, &seed_users[i]);
    if (!u || json_array_append_new(a->users, u))
      return -1;
    json_object_set_new(u, "account_id", json_string(s->account_id));
  }
  int64_t now = sim_now(s);
  int64_t hour = now - now % 3600 + 3600;
  const char *host = sim_user_id_of(json_array_get(a->users, 0));
  size_t ntemplates = sizeof seed_webinars / sizeof seed_webinars[0];
  for (int i = 0; i < s->opt.seed_webinars; i++) {
    const seed_webinar *sw = &seed_webinars[(size_t)i % ntemplates];
    json_t *body = json_loads(sw->body, 0, NULL);
    if (!body)
      return -1;
    if (i >= (int)ntemplates) {
      char topic[200];
      snprintf(topic, sizeof topic, "%s #%d", json_string_value(json_object_get(body, "topic")),
               i / (int)ntemplates + 1);
      json_object_set_new(body, "topic", json_string(topic));
    }
    char start[21];
    sim_time_format(hour + (int64_t)sw->hours_from_now * 3600 + (int64_t)(i / ntemplates) * 3600,
                    start);
    json_object_set_new(body, "start_time", json_string(start));
    json_t *errors = json_array();
    sim_webinar *w = NULL;
    int rc = sim_webinar_create(s, host, body, errors, &w);
    json_decref(body);
    json_decref(errors);
    if (rc != 0)
      return -1;
    w->created_at = hour - 30 * 86400;
    if (sw->hours_from_now < 0)
      w->ended = true;
    for (size_t m = 0; m < sim_module_count; m++)
      if (sim_modules[m]->webinar_seed)
        sim_modules[m]->webinar_seed(s, w);
  }
  return 0;
}

void sim_account_free(sim *s) {
  sim_account *a = &s->acct;
  for (size_t i = 0; i < a->nwebinars; i++)
    sim_webinar_free(a->webinars[i]);
  free(a->webinars);
  free(a->quotas);
  json_decref(a->users);
  json_decref(a->ext);
  memset(a, 0, sizeof *a);
}

/* ---- state file ------------------------------------------------------------------------ */

static json_t *webinar_save(const sim_webinar *w) {
  json_t *occ = json_array();
  json_t *out =
      json_pack("{s:I,s:s,s:s,s:i,s:I,s:i,s:I,s:b,s:O,s:O,s:o}", "id", (json_int_t)w->id, "uuid",
                w->uuid, "host_id", w->host_id, "type", w->type, "start", (json_int_t)w->start,
                "duration", w->duration, "created_at", (json_int_t)w->created_at, "ended", w->ended,
                "obj", w->obj, "ext", w->ext, "occurrences", occ);
  if (!out)
    return NULL;
  for (size_t i = 0; i < w->nocc; i++) {
    const sim_occurrence *o = &w->occ[i];
    json_array_append_new(occ, json_pack("{s:s,s:I,s:i,s:b,s:O?}", "id", o->id, "start",
                                         (json_int_t)o->start, "duration", o->duration, "deleted",
                                         o->deleted, "overrides", o->overrides));
  }
  for (size_t m = 0; m < sim_module_count; m++) {
    if (sim_modules[m]->webinar_save && sim_modules[m]->webinar_save(w, out) != 0) {
      json_decref(out);
      return NULL;
    }
  }
  return out;
}

int sim_state_save_locked(sim *s) {
  int result = -1;
  char *text = NULL;
  if (!s->state_file)
    return 0;
  json_t *webinars = json_array();
  json_t *root =
      json_pack("{s:i,s:I,s:O,s:O,s:o}", "version", STATE_VERSION, "rng", (json_int_t)s->rng,
                "users", s->acct.users, "ext", s->acct.ext, "webinars", webinars);
  if (!root)
    goto cleanup;
  for (size_t i = 0; i < s->acct.nwebinars; i++) {
    json_t *w = webinar_save(s->acct.webinars[i]);
    if (!w || json_array_append_new(webinars, w))
      goto cleanup;
  }
  text = json_dumps(root, JSON_COMPACT);
  if (!text || file_write_atomic(s->state_file, text, strlen(text), 0600) != 0)
    goto cleanup;
  result = 0;
cleanup:
  if (result != 0)
    log_error(COMPONENT, "cannot save the state file %s", s->state_file);
  free(text);
  json_decref(root);
  return result;
}

static sim_webinar *webinar_load(sim *s, json_t *in) {
  sim_webinar *w = calloc(1, sizeof *w);
  json_t *obj = NULL, *ext = NULL, *occ = NULL;
  const char *uuid = NULL, *host = NULL;
  json_int_t id = 0, start = 0, created = 0;
  int type = 0, duration = 0, ended = 0;
  if (!w)
    return NULL;
  if (json_unpack(in, "{s:I,s:s,s:s,s:i,s:I,s:i,s:I,s:b,s:o,s:o,s:o}", "id", &id, "uuid", &uuid,
                  "host_id", &host, "type", &type, "start", &start, "duration", &duration,
                  "created_at", &created, "ended", &ended, "obj", &obj, "ext", &ext, "occurrences",
                  &occ) != 0 ||
      !json_is_object(obj) || !json_is_object(ext) || !json_is_array(occ) ||
      strlen(uuid) >= sizeof w->uuid || strlen(host) >= sizeof w->host_id ||
      json_array_size(occ) > SIM_OCCURRENCES_MAX)
    goto fail;
  w->id = id;
  snprintf(w->uuid, sizeof w->uuid, "%s", uuid);
  snprintf(w->host_id, sizeof w->host_id, "%s", host);
  w->type = type;
  w->start = start;
  w->duration = duration;
  w->created_at = created;
  w->ended = ended;
  w->obj = json_incref(obj);
  w->ext = json_incref(ext);
  if (json_array_size(occ) > 0) {
    w->occ = calloc(json_array_size(occ), sizeof *w->occ);
    if (!w->occ)
      goto fail;
  }
  size_t i;
  json_t *o;
  json_array_foreach(occ, i, o) {
    const char *oid = NULL;
    json_int_t ostart = 0;
    int odur = 0, odel = 0;
    json_t *over = NULL;
    if (json_unpack(o, "{s:s,s:I,s:i,s:b,s?o}", "id", &oid, "start", &ostart, "duration", &odur,
                    "deleted", &odel, "overrides", &over) != 0 ||
        strlen(oid) >= sizeof w->occ[i].id)
      goto fail;
    snprintf(w->occ[i].id, sizeof w->occ[i].id, "%s", oid);
    w->occ[i].start = ostart;
    w->occ[i].duration = odur;
    w->occ[i].deleted = odel;
    w->occ[i].overrides = json_is_object(over) ? json_incref(over) : NULL;
    w->nocc++;
  }
  for (size_t m = 0; m < sim_module_count; m++)
    if (sim_modules[m]->webinar_load && sim_modules[m]->webinar_load(s, w, in) != 0)
      goto fail;
  return w;
fail:
  if (!w->obj)
    w->obj = json_object();
  if (!w->ext)
    w->ext = json_object();
  sim_webinar_free(w);
  return NULL;
}

int sim_state_load(sim *s) {
  int result = -1;
  json_error_t err;
  struct stat st;
  if (stat(s->state_file, &st) != 0)
    return errno == ENOENT ? 1 : -1;
  if (st.st_size > STATE_MAX_BYTES)
    return -1;
  json_t *root = json_load_file(s->state_file, 0, &err);
  json_t *users = NULL, *ext = NULL, *webinars = NULL;
  json_int_t rng = 0;
  int version = 0;
  if (!root ||
      json_unpack(root, "{s:i,s:I,s:o,s:o,s:o}", "version", &version, "rng", &rng, "users", &users,
                  "ext", &ext, "webinars", &webinars) != 0 ||
      version != STATE_VERSION || !json_is_array(users) || json_array_size(users) == 0 ||
      !json_is_object(ext) || !json_is_array(webinars))
    goto cleanup;
  sim_account_free(s);
  s->acct.users = json_incref(users);
  size_t k;
  json_t *u;
  json_array_foreach(users, k, u) { /* files written before verified became 1 or 0 */
    json_t *verified = json_object_get(u, "verified");
    if (json_is_boolean(verified))
      json_object_set_new(u, "verified", json_integer(json_is_true(verified) ? 1 : 0));
  }
  s->acct.ext = json_incref(ext);
  s->rng = (uint64_t)rng;
  size_t i;
  json_t *wj;
  json_array_foreach(webinars, i, wj) {
    sim_webinar *w = webinar_load(s, wj);
    if (!w || sim_webinar_add(s, w) != 0) {
      sim_account_free(s);
      goto cleanup;
    }
  }
  log_info(COMPONENT, "loaded %zu webinars from %s", s->acct.nwebinars, s->state_file);
  result = 0;
cleanup:
  json_decref(root);
  return result;
}
