/* zoom_pace_bench.c - the Zoom client's rate-limit pacing against the sandbox with Zoom's
 * per-category limits on (Pro: Light 30/s, Medium 20/s), in process on loopback.
 *
 *   1. Bulk work, one thread, ZOOM_RATE_PLAN=pro: 30 PUT /webinars/{id}/registrants/status of
 *      30 registrants each (900 approvals) and 4 POST /webinars/{id}/panelists (100
 *      panelists), all Medium. Printed: the total time against the least time the limit
 *      allows (20 requests in any second: 34 requests need 1 s between the first and the
 *      last) and against the steady rate (33 intervals of 50 ms), the 429s the sandbox sent
 *      and whether any request reached it twice (its request log). The same work is then
 *      done by 8 threads at once, and once with pacing off (the 429s it draws instead).
 *   2. 32 concurrent GET /webinars/{id} (Light) against a sandbox answering in 200 ms, its
 *      limits off (it knows only the Pro figures): the time until all are done, for the
 *      Pro plan (30 go at once, 2 wait for the window), the Business plan and pacing off.
 *
 * Usage: zoom_pace_bench   (no arguments; about 10 s) */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "sim/sim.h"
#include "zoom/client.h"

#define REGISTRANTS 900
#define PER_STATUS 30
#define PANELISTS 100
#define PER_PANELISTS 30

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A client for the sandbox S with ZOOM_RATE_PLAN PLAN and its token cache in DIR, with a
 * token already held (the token request is not paced and not measured). NULL on failure. */
static zoom_client *client_for(sim *s, const char *plan, const char *dir, int n) {
  char api[128], token_url[128], cache[256];
  snprintf(api, sizeof api, "%s/v2", sim_base_url(s));
  snprintf(token_url, sizeof token_url, "%s/oauth/token", sim_base_url(s));
  snprintf(cache, sizeof cache, "%s/token-%d.json", dir, n);
  zoom_error err = {0};
  zoom_config *cfg = zoom_config_new();
  zoom_client *c = NULL;
  if (!cfg || zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", "sandbox", &err) ||
      zoom_config_set(cfg, "ZOOM_CLIENT_ID", "sandbox", &err) ||
      zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", "sandbox", &err) ||
      zoom_config_set(cfg, "ZOOM_API_BASE_URL", api, &err) ||
      zoom_config_set(cfg, "ZOOM_OAUTH_TOKEN_URL", token_url, &err) ||
      zoom_config_set(cfg, "ZOOM_TOKEN_CACHE", cache, &err) ||
      zoom_config_set(cfg, "ZOOM_RATE_PLAN", plan, &err) || zoom_client_new(&c, cfg, &err) ||
      zoom_client_ensure_token(c, NULL, &err)) {
    fprintf(stderr, "zoom_pace_bench: %s\n", cfg ? err.message : "out of memory");
    zoom_client_free(c);
    c = NULL;
  }
  zoom_config_free(cfg);
  zoom_error_clear(&err);
  return c;
}

/* One request; returns 0 or -1 (reported). Stores the reply in *OUT when OUT is non-NULL. */
static int call(zoom_client *c, const char *method, const char *path, json_t *body, json_t **out) {
  json_t *reply = NULL;
  zoom_error err = {0};
  int rc = zoom_request(c, method, path, NULL, body, NULL, &reply, &err);
  if (rc != 0)
    fprintf(stderr, "zoom_pace_bench: %s %s: %s\n", method, path, err.message);
  zoom_error_clear(&err);
  if (out)
    *out = reply;
  else
    json_decref(reply);
  return rc;
}

/* The bulk work: jobs 0..29 approve 30 registrants each, jobs 30..33 add panelists. */
typedef struct bulk {
  zoom_client *c;
  char webinar[32];
  json_t *ids; /* borrowed: the registrant ids */
  pthread_mutex_t lock;
  int next, failed;
} bulk;

#define STATUS_JOBS (REGISTRANTS / PER_STATUS)
#define PANELIST_JOBS ((PANELISTS + PER_PANELISTS - 1) / PER_PANELISTS)

static int bulk_job(bulk *b, int job) {
  char path[96];
  json_t *body = NULL;
  int rc = -1;
  if (job < STATUS_JOBS) {
    json_t *list = json_array();
    for (int i = 0; i < PER_STATUS; i++)
      json_array_append_new(
          list, json_pack("{s:O}", "id", json_array_get(b->ids, (size_t)(job * PER_STATUS + i))));
    body = json_pack("{s:s,s:o}", "action", "approve", "registrants", list);
    snprintf(path, sizeof path, "/webinars/%s/registrants/status", b->webinar);
    rc = body ? call(b->c, "PUT", path, body, NULL) : -1;
  } else {
    int first = (job - STATUS_JOBS) * PER_PANELISTS;
    json_t *list = json_array();
    for (int i = first; i < first + PER_PANELISTS && i < PANELISTS; i++) {
      char name[32], email[64];
      snprintf(name, sizeof name, "Panelist %d", i);
      snprintf(email, sizeof email, "panelist%d@example.com", i);
      json_array_append_new(list, json_pack("{s:s,s:s}", "name", name, "email", email));
    }
    body = json_pack("{s:o}", "panelists", list);
    snprintf(path, sizeof path, "/webinars/%s/panelists", b->webinar);
    rc = body ? call(b->c, "POST", path, body, NULL) : -1;
  }
  json_decref(body);
  return rc;
}

static void *bulk_worker(void *arg) {
  bulk *b = arg;
  for (;;) {
    pthread_mutex_lock(&b->lock);
    int job = b->next < STATUS_JOBS + PANELIST_JOBS ? b->next++ : -1;
    pthread_mutex_unlock(&b->lock);
    if (job < 0)
      return NULL;
    if (bulk_job(b, job) != 0) {
      pthread_mutex_lock(&b->lock);
      b->failed = 1;
      pthread_mutex_unlock(&b->lock);
    }
  }
}

/* A webinar with manual approval and REGISTRANTS pending registrants, made with the
 * limits off; stores its id in B->webinar and a new array of registrant ids in *IDS. */
static int webinar_setup(zoom_client *c, bulk *b, json_t **ids) {
  json_t *w = NULL;
  json_t *spec =
      json_pack("{s:s,s:i,s:s,s:i,s:{s:i}}", "topic", "Pacing bench", "type", 5, "start_time",
                "2031-01-15T15:00:00Z", "duration", 60, "settings", "approval_type", 1);
  int rc = call(c, "POST", "/users/me/webinars", spec, &w);
  json_decref(spec);
  if (rc != 0)
    return -1;
  snprintf(b->webinar, sizeof b->webinar, "%" JSON_INTEGER_FORMAT,
           json_integer_value(json_object_get(w, "id")));
  json_decref(w);
  *ids = json_array();
  char path[96];
  snprintf(path, sizeof path, "/webinars/%s/registrants", b->webinar);
  for (int i = 0; i < REGISTRANTS && rc == 0; i++) {
    char email[64];
    snprintf(email, sizeof email, "reg%d@example.com", i);
    json_t *r = json_pack("{s:s,s:s}", "email", email, "first_name", "Reg");
    json_t *out = NULL;
    rc = call(c, "POST", path, r, &out);
    json_decref(r);
    json_t *id = json_object_get(out, "registrant_id");
    if (rc == 0 && !json_is_string(id))
      rc = -1;
    if (rc == 0)
      json_array_append(*ids, id);
    json_decref(out);
  }
  return rc;
}

/* The sandbox's request log since the last clear: requests of METHOD whose path ends in
 * SUFFIX, how many of them got STATUS (0: any). */
static int log_count(sim *s, const char *method, const char *suffix, int status) {
  json_t *log = sim_requests(s);
  size_t i;
  json_t *e;
  int n = 0;
  size_t slen = strlen(suffix);
  json_array_foreach(log, i, e) {
    const char *m = json_string_value(json_object_get(e, "method"));
    const char *p = json_string_value(json_object_get(e, "path"));
    size_t plen = p ? strlen(p) : 0;
    if (m && p && strcmp(m, method) == 0 && plen >= slen && strcmp(p + plen - slen, suffix) == 0 &&
        (status == 0 || json_integer_value(json_object_get(e, "status")) == status))
      n++;
  }
  json_decref(log);
  return n;
}

/* Runs the bulk work on THREADS threads with a client of PLAN; prints one line. */
static int bulk_run(sim *s, const char *dir, const char *plan, int threads, int n,
                    const char *label) {
  json_t *ids = NULL;
  bulk b = {.next = 0};
  pthread_mutex_init(&b.lock, NULL);
  sim_set_rate_limits(s, false);
  zoom_client *setup = client_for(s, "off", dir, 100 + n);
  int rc = setup ? webinar_setup(setup, &b, &ids) : -1;
  zoom_client_free(setup);
  if (rc != 0) {
    json_decref(ids);
    return -1;
  }
  b.ids = ids;
  b.c = client_for(s, plan, dir, n);
  if (!b.c) {
    json_decref(ids);
    return -1;
  }
  sim_requests_clear(s);
  sim_set_rate_limits(s, true);
  sleep(1); /* the setup's and the previous run's requests out of every window */
  pthread_t t[16];
  double t0 = now_s();
  int started = 0;
  for (; started < threads && started < 16; started++)
    if (pthread_create(&t[started], NULL, bulk_worker, &b) != 0)
      break;
  for (int i = 0; i < started; i++)
    pthread_join(t[i], NULL);
  double took = now_s() - t0;
  int puts = log_count(s, "PUT", "/registrants/status", 0);
  int posts = log_count(s, "POST", "/panelists", 0);
  int r429 =
      log_count(s, "PUT", "/registrants/status", 429) + log_count(s, "POST", "/panelists", 429);
  int ok_puts = puts - log_count(s, "PUT", "/registrants/status", 429);
  int ok_posts = posts - log_count(s, "POST", "/panelists", 429);
  zoom_client_stats st;
  zoom_client_get_stats(b.c, &st);
  int jobs = STATUS_JOBS + PANELIST_JOBS;
  int whole_windows = (jobs - 1) / 20; /* 20 in any second: whole seconds between */
  double floor_s = whole_windows;
  double steady_s = (jobs - 1) / 20.0;
  printf("  %-34s %6.2f s  %5.2fx of %.2f s  %5.2fx of %.2f s  429s %3d  sent %d PUT + %d POST "
         "(%d + %d accepted), twice: %s  waited %llu%s\n",
         label, took, took / floor_s, floor_s, took / steady_s, steady_s, r429, puts, posts,
         ok_puts, ok_posts, ok_puts > STATUS_JOBS || ok_posts > PANELIST_JOBS ? "YES" : "no",
         (unsigned long long)st.paced_waits, b.failed ? "  FAILURES" : "");
  zoom_client_free(b.c);
  json_decref(ids);
  pthread_mutex_destroy(&b.lock);
  return b.failed ? -1 : 0;
}

typedef struct getter {
  zoom_client *c;
  const char *path;
  double done;
  int failed;
} getter;

static void *getter_run(void *arg) {
  getter *g = arg;
  g->failed = call(g->c, "GET", g->path, NULL, NULL) != 0;
  g->done = now_s();
  return NULL;
}

/* 32 concurrent GETs of one webinar through a client of PLAN, the sandbox answering in
 * 200 ms; prints the time until the last is done. */
static int concurrent_gets(sim *s, const char *dir, const char *plan, int n, const char *webinar) {
  enum { GETS = 32 };
  zoom_client *c = client_for(s, plan, dir, n);
  if (!c)
    return -1;
  char path[64];
  snprintf(path, sizeof path, "/webinars/%s", webinar);
  getter g[GETS];
  pthread_t t[GETS];
  double t0 = now_s(), last = t0;
  int failed = 0, started = 0;
  for (; started < GETS; started++) {
    g[started] = (getter){c, path, 0, 0};
    if (pthread_create(&t[started], NULL, getter_run, &g[started]) != 0)
      break;
  }
  for (int i = 0; i < started; i++) {
    pthread_join(t[i], NULL);
    failed |= g[i].failed;
    if (g[i].done > last)
      last = g[i].done;
  }
  zoom_client_stats st;
  zoom_client_get_stats(c, &st);
  printf("  32 concurrent GETs, plan %-9s %6.0f ms until all done (%llu waited for a slot)%s\n",
         plan, (last - t0) * 1000.0, (unsigned long long)st.paced_waits,
         failed || started < GETS ? "  FAILURES" : "");
  zoom_client_free(c);
  return failed || started < GETS ? -1 : 0;
}

/* Removes DIR and the token cache files in it. */
static void dir_remove(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[512];
  while (d && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  if (d)
    closedir(d);
  rmdir(dir);
}

int main(void) {
  log_set_level(LOG_ERROR);
  char dir[] = "/tmp/zwm-pace-XXXXXX";
  if (!mkdtemp(dir))
    return 1;
  sim_options opt;
  sim_options_init(&opt);
  opt.seed_webinars = 1;
  opt.request_log_max = 100000;
  sim *s = NULL;
  if (sim_start(&s, &opt) != 0) {
    fprintf(stderr, "zoom_pace_bench: cannot start the sandbox\n");
    return 1;
  }
  printf("zoom_pace_bench: sandbox with Zoom's Pro limits on (Medium 20/s, Light 30/s)\n");
  printf("  34 Medium requests (30 x 30 approvals, 4 panelist batches): time, against the least "
         "the limit allows and against the steady rate\n");
  int failed = 0;
  failed |= bulk_run(s, dir, "pro", 1, 1, "paced (pro), one thread") != 0;
  failed |= bulk_run(s, dir, "pro", 8, 2, "paced (pro), 8 threads") != 0;
  failed |= bulk_run(s, dir, "off", 1, 3, "not paced, one thread") != 0;

  sim_set_rate_limits(s, false);
  sim_faults f = {0};
  f.latency_min_ms = f.latency_max_ms = 200;
  sim_set_faults(s, &f);
  zoom_client *setup = client_for(s, "off", dir, 200);
  json_t *w = NULL;
  json_t *spec = json_pack("{s:s,s:i}", "topic", "GET bench", "type", 5);
  if (!setup || call(setup, "POST", "/users/me/webinars", spec, &w) != 0) {
    failed = 1;
  } else {
    char webinar[32];
    snprintf(webinar, sizeof webinar, "%" JSON_INTEGER_FORMAT,
             json_integer_value(json_object_get(w, "id")));
    printf("  the sandbox answering in 200 ms, its limits off:\n");
    failed |= concurrent_gets(s, dir, "pro", 201, webinar) != 0;
    failed |= concurrent_gets(s, dir, "business", 202, webinar) != 0;
    failed |= concurrent_gets(s, dir, "off", 203, webinar) != 0;
  }
  json_decref(spec);
  json_decref(w);
  zoom_client_free(setup);
  sim_stop(s);
  dir_remove(dir);
  printf("  failures: %s\n", failed ? "SOME" : "none");
  return failed;
}
