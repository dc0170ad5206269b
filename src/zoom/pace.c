/* pace.c - pacing requests to Zoom's per-category rate limits, shared by every thread. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "zoom/internal.h"

/* The highest per-window limit adopted from X-RateLimit-Limit. */
#define PACE_MAX_LIMIT 1000
/* The longest wait between two looks at the cancel hook. */
#define PACE_POLL_MS 50

/* One category: LIMIT requests per WINDOW_MS. A request takes a slot when it is sent; the
 * slot is free again WINDOW_MS after its transfer ended. Zoom receives a request before
 * its reply leaves, so two requests on the same slot reach Zoom at least a window apart:
 * with LIMIT slots, no window of that length, however Zoom aligns it, ever sees more than
 * LIMIT. Bursts up to LIMIT go at once. RING holds the release times of ended transfers,
 * oldest first (they are recorded in time order). */
typedef struct pace_bucket {
  long limit;
  long window_ms;
  long in_flight;
  int64_t held_until; /* no slot before this (after a 429) */
  int64_t ring[PACE_MAX_LIMIT];
  size_t head, count;
} pace_bucket;

struct zoom_pacer {
  pthread_mutex_t lock; /* everything below */
  pthread_cond_t freed; /* on CLOCK_MONOTONIC: a slot was released or a limit raised */
  pace_bucket bucket[ZOOM_RATE_COUNT];
  uint64_t waits;
};

/* Zoom's per-account limits by plan (requests per window), from its rate-limit page. */
static const struct {
  long limit, window_ms;
} plan_limits[2][ZOOM_RATE_COUNT] = {
    /* Pro */
    {{0, 0}, {30, 1000}, {20, 1000}, {10, 1000}, {10, 60000}},
    /* Business and up */
    {{0, 0}, {80, 1000}, {60, 1000}, {40, 1000}, {20, 60000}},
};

int zoom_rate_plan_parse(const char *text, zoom_rate_plan *out) {
  static const struct {
    const char *name;
    zoom_rate_plan plan;
  } names[] = {{"pro", ZOOM_PLAN_PRO}, {"business", ZOOM_PLAN_BUSINESS}, {"off", ZOOM_PLAN_OFF}};
  for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(text, names[i].name) == 0) {
      *out = names[i].plan;
      return 0;
    }
  }
  return -1;
}

zoom_pacer *zoom_pacer_new(zoom_rate_plan plan) {
  if (plan != ZOOM_PLAN_PRO && plan != ZOOM_PLAN_BUSINESS)
    return NULL;
  zoom_pacer *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&p->freed, &attr);
  pthread_condattr_destroy(&attr);
  pthread_mutex_init(&p->lock, NULL);
  int row = plan == ZOOM_PLAN_PRO ? 0 : 1;
  for (int c = 0; c < ZOOM_RATE_COUNT; c++) {
    p->bucket[c].limit = plan_limits[row][c].limit;
    p->bucket[c].window_ms = plan_limits[row][c].window_ms;
  }
  return p;
}

void zoom_pacer_free(zoom_pacer *p) {
  if (!p)
    return;
  pthread_cond_destroy(&p->freed);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

static bool paced(const zoom_pacer *p, zoom_rate_category cat) {
  return p && cat > ZOOM_RATE_NONE && cat < ZOOM_RATE_COUNT;
}

/* Lock held. */
static long bucket_try(pace_bucket *b, int64_t now_ms) {
  while (b->count > 0 && b->ring[b->head] <= now_ms) {
    b->head = (b->head + 1) % PACE_MAX_LIMIT;
    b->count--;
  }
  if (b->held_until > now_ms)
    return (long)(b->held_until - now_ms);
  if (b->in_flight + (long)b->count < b->limit) {
    b->in_flight++;
    return 0;
  }
  /* The oldest release frees a slot only when it brings the total under the limit; with
   * a lowered limit it may take several, and with every slot in flight none is known. */
  long excess = b->in_flight + (long)b->count - b->limit; /* >= 0 */
  if (excess >= (long)b->count)
    return -1;
  return (long)(b->ring[(b->head + (size_t)excess) % PACE_MAX_LIMIT] - now_ms);
}

long zoom_pacer_try(zoom_pacer *p, zoom_rate_category cat, int64_t now_ms) {
  if (!paced(p, cat))
    return 0;
  pthread_mutex_lock(&p->lock);
  long rc = bucket_try(&p->bucket[cat], now_ms);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

void zoom_pacer_done(zoom_pacer *p, zoom_rate_category cat, int64_t now_ms) {
  if (!paced(p, cat))
    return;
  pthread_mutex_lock(&p->lock);
  pace_bucket *b = &p->bucket[cat];
  if (b->in_flight > 0)
    b->in_flight--;
  if (b->count == PACE_MAX_LIMIT) { /* cannot happen while limit <= PACE_MAX_LIMIT */
    b->head = (b->head + 1) % PACE_MAX_LIMIT;
    b->count--;
  }
  b->ring[(b->head + b->count) % PACE_MAX_LIMIT] = now_ms + b->window_ms;
  b->count++;
  pthread_cond_broadcast(&p->freed);
  pthread_mutex_unlock(&p->lock);
}

void zoom_pacer_learn(zoom_pacer *p, zoom_rate_category cat, long limit) {
  if (!paced(p, cat) || limit < 1)
    return;
  if (limit > PACE_MAX_LIMIT)
    limit = PACE_MAX_LIMIT;
  pthread_mutex_lock(&p->lock);
  if (p->bucket[cat].limit != limit) {
    p->bucket[cat].limit = limit;
    pthread_cond_broadcast(&p->freed);
  }
  pthread_mutex_unlock(&p->lock);
}

void zoom_pacer_hold(zoom_pacer *p, zoom_rate_category cat, int64_t until_ms) {
  if (!paced(p, cat))
    return;
  pthread_mutex_lock(&p->lock);
  if (until_ms > p->bucket[cat].held_until)
    p->bucket[cat].held_until = until_ms;
  pthread_mutex_unlock(&p->lock);
}

long zoom_pacer_limit(zoom_pacer *p, zoom_rate_category cat) {
  if (!paced(p, cat))
    return 0;
  pthread_mutex_lock(&p->lock);
  long limit = p->bucket[cat].limit;
  pthread_mutex_unlock(&p->lock);
  return limit;
}

uint64_t zoom_pacer_waits(zoom_pacer *p) {
  if (!p)
    return 0;
  pthread_mutex_lock(&p->lock);
  uint64_t n = p->waits;
  pthread_mutex_unlock(&p->lock);
  return n;
}

int64_t zoom_pacer_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_cancelled(const zoom_cancel *cancel) {
  return cancel && cancel->cancelled && cancel->cancelled(cancel->ctx);
}

int zoom_pacer_acquire(zoom_pacer *p, zoom_rate_category cat, const zoom_cancel *cancel) {
  if (!paced(p, cat))
    return 0;
  for (bool waited = false;; waited = true) {
    /* The hook is polled outside the lock: it belongs to the caller and may take others. */
    if (is_cancelled(cancel))
      return -1;
    pthread_mutex_lock(&p->lock);
    int64_t now = zoom_pacer_now_ms();
    long wait = bucket_try(&p->bucket[cat], now);
    if (wait == 0) {
      pthread_mutex_unlock(&p->lock);
      return 0;
    }
    if (!waited)
      p->waits++;
    if (wait < 0 || wait > PACE_POLL_MS)
      wait = PACE_POLL_MS;
    int64_t until = now + wait;
    struct timespec at = {(time_t)(until / 1000), (long)(until % 1000) * 1000000L};
    /* Woken early by a release; a timeout or a spurious wake-up just looks again. */
    (void)pthread_cond_timedwait(&p->freed, &p->lock, &at);
    pthread_mutex_unlock(&p->lock);
  }
}

void zoom_pacer_release(zoom_pacer *p, zoom_rate_category cat) {
  zoom_pacer_done(p, cat, zoom_pacer_now_ms());
}
