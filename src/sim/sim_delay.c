/* sim_delay.c - injected latency without a sleeping thread: parked connections and their timer. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "base/log.h"
#include "sim/sim_internal.h"

#define COMPONENT "zoomsim"

/* How long sim_delay_stop waits for libmicrohttpd to take back the
 * connections it resumed (an escape: it normally takes microseconds). */
#define DELAY_STOP_WAIT_MS 5000

/* CLOCK_MONOTONIC in milliseconds. */
static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timespec mono_at(int64_t ms) {
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  return ts;
}

/* Takes IT off the queue and resumes its connection. d->lock held. */
static void delay_resume_locked(sim_delay *d, sim_delay_item *it) {
  sim_delay_item **pp = &d->head;
  while (*pp && *pp != it)
    pp = &(*pp)->next;
  if (*pp)
    *pp = it->next;
  it->next = NULL;
  it->queued = false;
  MHD_resume_connection(it->conn); /* only flags it: libmicrohttpd calls us back later */
}

/* The timer thread: resumes each parked connection when its time comes, and
 * every one of them when the sim stops. */
static void *delay_main(void *arg) {
  sim_delay *d = arg;
  pthread_mutex_lock(&d->lock);
  while (!d->stopping) {
    int64_t now = mono_ms();
    while (d->head && d->head->due_ms <= now)
      delay_resume_locked(d, d->head);
    if (d->head) {
      struct timespec at = mono_at(d->head->due_ms);
      pthread_cond_timedwait(&d->cond, &d->lock, &at);
    } else {
      pthread_cond_wait(&d->cond, &d->lock);
    }
  }
  while (d->head)
    delay_resume_locked(d, d->head);
  pthread_mutex_unlock(&d->lock);
  return NULL;
}

int sim_delay_start(sim_delay *d) {
  int result = -1;
  pthread_condattr_t attr;
  memset(d, 0, sizeof *d);
  if (pthread_condattr_init(&attr) != 0)
    return -1;
  if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
      pthread_cond_init(&d->cond, &attr) != 0)
    goto cleanup;
  if (pthread_mutex_init(&d->lock, NULL) != 0) {
    pthread_cond_destroy(&d->cond);
    goto cleanup;
  }
  if (pthread_create(&d->thread, NULL, delay_main, d) != 0) {
    pthread_mutex_destroy(&d->lock);
    pthread_cond_destroy(&d->cond);
    goto cleanup;
  }
  d->started = true;
  result = 0;
cleanup:
  pthread_condattr_destroy(&attr);
  return result;
}

bool sim_delay_park(sim_delay *d, sim_delay_item *it, struct MHD_Connection *conn, int ms) {
  bool parked = false;
  if (ms <= 0 || !d->started)
    return false;
  pthread_mutex_lock(&d->lock);
  if (d->stopping)
    goto done; /* stopping: answer now */
  it->conn = conn;
  it->due_ms = mono_ms() + ms;
  MHD_suspend_connection(conn); /* before the timer can see it: resume follows suspend */
  sim_delay_item **pp = &d->head;
  while (*pp && (*pp)->due_ms <= it->due_ms) /* keep the queue in due order, FIFO on ties */
    pp = &(*pp)->next;
  it->next = *pp;
  *pp = it;
  it->queued = true;
  it->parked = true;
  d->parked++;
  if (d->head == it)
    pthread_cond_broadcast(&d->cond); /* a new earliest deadline */
  parked = true;
done:
  pthread_mutex_unlock(&d->lock);
  return parked;
}

bool sim_delay_done(sim_delay *d, sim_delay_item *it) {
  if (!it->parked)
    return false;
  pthread_mutex_lock(&d->lock);
  if (it->queued) { /* ended while parked (libmicrohttpd closed it): never resume it later */
    sim_delay_item **pp = &d->head;
    while (*pp && *pp != it)
      pp = &(*pp)->next;
    if (*pp)
      *pp = it->next;
    it->queued = false;
  }
  it->parked = false;
  d->parked--;
  pthread_cond_broadcast(&d->cond);
  pthread_mutex_unlock(&d->lock);
  return true;
}

void sim_delay_stop(sim_delay *d) {
  if (!d->started || d->joined)
    return;
  pthread_mutex_lock(&d->lock);
  d->stopping = true;
  pthread_cond_broadcast(&d->cond);
  pthread_mutex_unlock(&d->lock);
  pthread_join(d->thread, NULL); /* it resumed every queued connection on its way out */
  d->joined = true;
  /* libmicrohttpd refuses to stop with connections still suspended: wait until
   * it has called back for each one resumed (bounded). */
  pthread_mutex_lock(&d->lock);
  struct timespec at = mono_at(mono_ms() + DELAY_STOP_WAIT_MS);
  while (d->parked > 0) {
    int rc = pthread_cond_timedwait(&d->cond, &d->lock, &at);
    if (rc == ETIMEDOUT) {
      log_warn(COMPONENT, "%zu delayed connections still parked at stop", d->parked);
      break;
    }
  }
  pthread_mutex_unlock(&d->lock);
}

void sim_delay_free(sim_delay *d) {
  if (!d->started)
    return;
  sim_delay_stop(d);
  pthread_mutex_destroy(&d->lock);
  pthread_cond_destroy(&d->cond);
  d->started = false;
}
