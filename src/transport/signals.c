/* signals.c - the self-pipe that turns SIGTERM and SIGINT into a readable
 * descriptor (a latch every thread can poll), installed once per process. */
#include "transport/signals.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t signals_mu = PTHREAD_MUTEX_INITIALIZER;
static int signals_users;                            /* under signals_mu */
static int signals_pipe[2] = {-1, -1};               /* under signals_mu */
static atomic_int signals_read_end = -1;             /* what transport_signals_fd returns */
static atomic_int signals_write_end = -1;            /* what the handler writes to */
static struct sigaction old_term, old_int, old_pipe; /* under signals_mu */

static void signals_on_signal(int sig) {
  (void)sig;
  int saved = errno;
  int fd = atomic_load(&signals_write_end);
  if (fd >= 0 && write(fd, "s", 1) < 0) {
    /* the pipe is full: it is readable already */
  }
  errno = saved;
}

int transport_signals_acquire(void) {
  int rc = 0;
  pthread_mutex_lock(&signals_mu);
  if (signals_users > 0) {
    signals_users++;
    goto done;
  }
  if (pipe2(signals_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    log_error("transport", "cannot make the signal pipe: %s", strerror(errno));
    rc = -1;
    goto done;
  }
  atomic_store(&signals_write_end, signals_pipe[1]);
  atomic_store(&signals_read_end, signals_pipe[0]);
  struct sigaction sa = {.sa_handler = signals_on_signal};
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART; /* poll still returns EINTR; other calls carry on */
  sigaction(SIGTERM, &sa, &old_term);
  sigaction(SIGINT, &sa, &old_int);
  struct sigaction ign = {.sa_handler = SIG_IGN};
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &old_pipe);
  signals_users = 1;
done:
  pthread_mutex_unlock(&signals_mu);
  return rc;
}

void transport_signals_release(void) {
  pthread_mutex_lock(&signals_mu);
  if (signals_users > 0 && --signals_users == 0) {
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    atomic_store(&signals_write_end, -1);
    atomic_store(&signals_read_end, -1);
    close(signals_pipe[0]);
    close(signals_pipe[1]);
    signals_pipe[0] = signals_pipe[1] = -1;
  }
  pthread_mutex_unlock(&signals_mu);
}

int transport_signals_fd(void) {
  return atomic_load(&signals_read_end);
}
