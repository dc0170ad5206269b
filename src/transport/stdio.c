/* stdio.c - the stdio transport: a reader that frames lines from stdin and a
 * writer thread that coalesces replies onto stdout, neither of which ever
 * blocks without an escape (SIGTERM/SIGINT, the stop pipe). */
#include "transport/stdio.h"

#include "base/log.h"
#include "transport/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)
#define OUT_HIGH_WATER (16u * 1024 * 1024) /* senders wait above this much unwritten output */
#define OUT_COALESCE (64u * 1024)          /* replies held back while more are coming */
#define OUT_GRACE_NS (500 * 1000l)         /* the longest a held-back reply waits */

/* How the output is written without blocking. */
typedef enum {
  OUT_NONBLOCK, /* a description with O_NONBLOCK (ours, or inherited): EAGAIN = full */
  OUT_SOCKET,   /* sendmsg with MSG_DONTWAIT */
  OUT_PIPE_BUF, /* a blocking pipe we could not reopen: PIPE_BUF at a time after POLLOUT */
  OUT_FILE      /* a regular file (or anything else): plain writes */
} out_kind;

/* The reply queue. Whoever holds `busy` owns the output fd and the spare
 * buffer. A sender that finds the output idle writes its reply itself (no
 * thread switch); a sender that finds it busy appends to the queue, and the
 * owner flushes the queue before letting go. When a write would block, the
 * writer thread takes over, so a client that is slow to read stdout never
 * stalls the reader or the workers (up to OUT_HIGH_WATER bytes).
 *
 * While more replies are known to be coming (the reader is dispatching a
 * burst of frames, or calls wait for a worker), a reply is held back (up to
 * OUT_COALESCE bytes) so that many leave in one write: fewer system calls,
 * and far fewer wake-ups of the client. The writer thread flushes anything
 * held back longer than OUT_GRACE_NS, so a slow call never delays the
 * replies that came before it.
 *
 * Nothing here blocks without an escape: writes never block (see out_kind),
 * the writer waits for room in poll together with the signal pipe and the
 * stop pipe, and senders waiting for room are woken when output stops. Once
 * it stops (a signal, or a client that read nothing for the stall limit
 * after end of input), the output is dropped. */
typedef struct out_queue {
  pthread_mutex_t mu;
  pthread_cond_t wake; /* output is waiting and nobody writes it, or done */
  pthread_cond_t room; /* the queue was taken, or the output stopped */
  char *buf;
  size_t len, cap;
  char *spare;
  size_t spare_cap;
  bool busy;
  bool writer_waiting; /* in its untimed wait: senders signal `wake` */
  mcp_session *session;
  atomic_bool reader_burst;
  bool done;
  bool broken;          /* stdout is gone or the output stopped: drop output */
  atomic_bool stop;     /* stop writing at once (a signal, a stall) */
  atomic_long stall_ms; /* after end of input: drop output the client leaves unread this
                           long; -1 = wait without limit */
  int fd;               /* where replies go (ours when reopened) */
  bool own_fd;          /* fd was opened here */
  out_kind kind;
  int sig_fd; /* the signal latch, or -1 */
  int ctl[2]; /* the stop pipe: a byte wakes the writer out of poll */
} out_queue;

/* Chooses how to write OUT_FD without ever blocking. A pipe or terminal is
 * reopened through /proc with O_NONBLOCK: a description of our own, so the
 * flag does not leak to the processes sharing stdout. */
static void out_open(out_queue *q, int out_fd) {
  struct stat st;
  q->fd = out_fd;
  q->kind = OUT_FILE;
  if (fstat(out_fd, &st) != 0)
    return;
  int flags = fcntl(out_fd, F_GETFL);
  if (S_ISSOCK(st.st_mode)) {
    q->kind = OUT_SOCKET;
  } else if (flags >= 0 && (flags & O_NONBLOCK)) {
    q->kind = OUT_NONBLOCK;
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", out_fd);
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat again;
    if (fd >= 0 && fstat(fd, &again) == 0 && again.st_dev == st.st_dev &&
        again.st_ino == st.st_ino) {
      q->fd = fd;
      q->own_fd = true;
      q->kind = OUT_NONBLOCK;
    } else {
      if (fd >= 0)
        close(fd);
      q->kind = S_ISFIFO(st.st_mode) ? OUT_PIPE_BUF : OUT_FILE;
    }
  }
}

/* Writes what it can of IOV without blocking. Returns the bytes written (0
 * when the output is full), or -1 when the output is gone (errno says why). */
static ssize_t out_try_write(out_queue *q, struct iovec *iov, int n) {
  ssize_t w;
  if (q->kind == OUT_SOCKET) {
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    do
      w = sendmsg(q->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
  } else if (q->kind == OUT_PIPE_BUF) {
    /* POLLOUT on a pipe means a free page: PIPE_BUF bytes always fit */
    struct pollfd p = {.fd = q->fd, .events = POLLOUT};
    if (poll(&p, 1, 0) <= 0)
      return 0;
    struct iovec part[2];
    size_t room = PIPE_BUF;
    int k = 0;
    for (int i = 0; i < n && room > 0; i++) {
      size_t take = iov[i].iov_len < room ? iov[i].iov_len : room;
      part[k].iov_base = iov[i].iov_base;
      part[k++].iov_len = take;
      room -= take;
      if (k == 2)
        break;
    }
    do
      w = writev(q->fd, part, k);
    while (w < 0 && errno == EINTR);
  } else {
    do
      w = writev(q->fd, iov, n);
    while (w < 0 && errno == EINTR);
  }
  if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return 0;
  return w;
}

/* Waits until the output takes bytes again. Returns true, or false when
 * waiting must end: a signal arrived, the output was stopped, or (after end
 * of input) the client read nothing for stall_ms. Called without mu. */
static bool out_wait_writable(out_queue *q) {
  for (;;) {
    if (atomic_load(&q->stop))
      return false;
    long stall = atomic_load(&q->stall_ms);
    struct pollfd fds[3] = {{.fd = q->fd, .events = POLLOUT},
                            {.fd = q->ctl[0], .events = POLLIN},
                            {.fd = q->sig_fd, .events = POLLIN}};
    int r = poll(fds, 3, stall < 0 ? -1 : stall > INT_MAX ? INT_MAX : (int)stall);
    if (r < 0 && errno != EINTR) {
      log_error("stdio", "poll: %s", strerror(errno));
      return false;
    }
    if (r == 0) {
      log_warn("stdio", "the client read no output for %ld ms after end of input: dropping it",
               stall);
      return false;
    }
    if (r < 0)
      continue;
    if (fds[2].revents)
      return false; /* SIGTERM/SIGINT: unsent output is dropped */
    if (fds[1].revents) {
      char drain[64];
      while (read(q->ctl[0], drain, sizeof drain) > 0) {
      }
      continue; /* stop or stall_ms changed: look again */
    }
    if (fds[0].revents)
      return true; /* room, or an error the next write reports */
  }
}

/* Writes all of BUF, waiting for room as long as the output is wanted.
 * Returns 0; -1 when the output is gone (errno says why); 1 when waiting
 * had to end (a signal, a stop, a stall). Called without mu. */
static int out_write_all(out_queue *q, const char *buf, size_t len) {
  while (len > 0) {
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    ssize_t w = out_try_write(q, &iov, 1);
    if (w < 0)
      return -1;
    buf += w;
    len -= (size_t)w;
    if (w == 0 && !out_wait_writable(q))
      return 1;
  }
  return 0;
}

/* Stops the output at once: what is not written yet is dropped, and every
 * thread waiting on it (senders waiting for room, the writer in poll) goes
 * on. Safe to call more than once. */
static void out_stop(out_queue *q) {
  pthread_mutex_lock(&q->mu);
  atomic_store(&q->stop, true);
  q->broken = true;
  q->len = 0;
  pthread_cond_broadcast(&q->room);
  pthread_cond_signal(&q->wake);
  pthread_mutex_unlock(&q->mu);
  if (write(q->ctl[1], "x", 1) < 0) {
    /* full: the writer has a wake-up pending already */
  }
}

/* Input ended: from now on, output the client leaves unread for STALL_MS
 * (negative: no limit) is dropped. */
static void out_input_closed(out_queue *q, long stall_ms) {
  atomic_store(&q->stall_ms, stall_ms < 0 ? -1 : stall_ms);
  if (write(q->ctl[1], "x", 1) < 0) {
    /* full: the writer has a wake-up pending already */
  }
}

/* Grows the queue to hold N more bytes. Called with mu held. */
static int out_reserve(out_queue *q, size_t n) {
  if (q->len + n <= q->cap)
    return 0;
  size_t cap = q->cap ? q->cap : 64 * 1024;
  while (cap < q->len + n)
    cap *= 2;
  char *grown = realloc(q->buf, cap);
  if (!grown)
    return -1;
  q->buf = grown;
  q->cap = cap;
  return 0;
}

/* Puts back the unwritten tail of the owner's data, ahead of what others
 * queued meanwhile. Called with mu held. */
static void out_unshift(out_queue *q, const char *data, size_t n) {
  if (n == 0 || q->broken || out_reserve(q, n) != 0)
    return;
  memmove(q->buf + n, q->buf, q->len);
  memcpy(q->buf, data, n);
  q->len += n;
}

/* Marks the output gone after a failed write (ERRNO). Called with mu held. */
static void out_mark_gone(out_queue *q, int err) {
  if (!q->broken)
    log_warn("stdio", "stdout closed (%s): dropping further output", strerror(err));
  q->broken = true;
  q->len = 0;
}

/* The owner (busy) writes what is queued, without blocking, a few rounds at
 * most. Called with mu held; returns with it held. */
static void out_flush_owned(out_queue *q) {
  for (int round = 0; round < 4 && q->len > 0 && !q->broken; round++) {
    char *out = q->buf;
    size_t len = q->len, cap = q->cap;
    q->buf = q->spare;
    q->cap = q->spare_cap;
    q->len = 0;
    pthread_cond_broadcast(&q->room);
    pthread_mutex_unlock(&q->mu);
    struct iovec iov = {.iov_base = out, .iov_len = len};
    ssize_t w = out_try_write(q, &iov, 1);
    int err = errno;
    pthread_mutex_lock(&q->mu);
    if (w < 0)
      out_mark_gone(q, err);
    else if ((size_t)w < len)
      out_unshift(q, out + w, len - (size_t)w);
    q->spare = out;
    q->spare_cap = cap;
    if (w >= 0 && (size_t)w < len)
      break; /* would block: leave the rest to the writer thread */
  }
}

/* Lets go of the output. Called with mu held. */
static void out_release(out_queue *q) {
  q->busy = false;
  if (q->broken)
    pthread_cond_broadcast(&q->room);
  if ((q->len > 0 || q->done) && q->writer_waiting)
    pthread_cond_signal(&q->wake);
}

/* Appends MSG and a newline. Called with mu held. */
static void out_append(out_queue *q, const char *msg, size_t len) {
  if (out_reserve(q, len + 1) == 0) {
    memcpy(q->buf + q->len, msg, len);
    q->buf[q->len + len] = '\n';
    q->len += len + 1;
  } else {
    log_error("stdio", "out of memory queueing a %zu-byte reply: dropped", len);
  }
}

/* True when more replies are about to follow. */
static bool out_more_coming(out_queue *q) {
  return atomic_load_explicit(&q->reader_burst, memory_order_relaxed) ||
         (q->session && mcp_session_backlog(q->session) > 0);
}

/* Writes what is held back, unless someone is writing already. */
static void out_kick(out_queue *q) {
  pthread_mutex_lock(&q->mu);
  if (!q->busy && q->len > 0 && !q->broken) {
    q->busy = true;
    out_flush_owned(q);
    out_release(q);
  }
  pthread_mutex_unlock(&q->mu);
}

static void stdio_send(void *ctx, void *tag, const char *msg, size_t len) {
  (void)tag;
  out_queue *q = ctx;
  pthread_mutex_lock(&q->mu);
  bool hold = q->len + len < OUT_COALESCE && out_more_coming(q);
  if (!q->busy && !hold && q->len > 0 && !q->broken) {
    /* earlier replies are held back: they leave first, with this one */
    out_append(q, msg, len);
    q->busy = true;
    out_flush_owned(q);
    out_release(q);
    pthread_mutex_unlock(&q->mu);
    return;
  }
  if (!q->busy && !hold && q->len == 0 && !q->broken) {
    q->busy = true;
    pthread_mutex_unlock(&q->mu);
    struct iovec iov[2] = {{.iov_base = (void *)msg, .iov_len = len},
                           {.iov_base = "\n", .iov_len = 1}};
    ssize_t w = out_try_write(q, iov, 2);
    int err = errno;
    pthread_mutex_lock(&q->mu);
    if (w < 0) {
      out_mark_gone(q, err);
    } else if ((size_t)w < len + 1) {
      size_t done = (size_t)w;
      if (done < len)
        out_unshift(q, "\n", 1), out_unshift(q, msg + done, len - done);
      else
        out_unshift(q, "\n", 1);
    } else {
      out_flush_owned(q);
    }
    out_release(q);
    pthread_mutex_unlock(&q->mu);
    return;
  }
  while (q->len > OUT_HIGH_WATER && !q->broken)
    pthread_cond_wait(&q->room, &q->mu);
  if (!q->broken) {
    out_append(q, msg, len);
    if (!q->busy && q->writer_waiting)
      pthread_cond_signal(&q->wake);
  }
  pthread_mutex_unlock(&q->mu);
}

/* The writer thread: writes whatever the senders could not, waiting for room
 * in poll (with the signal and stop pipes), never in write. */
static void *writer_main(void *arg) {
  out_queue *q = arg;
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (!atomic_load(&q->stop) && (q->busy || (q->len == 0 && !q->done))) {
      q->writer_waiting = true;
      pthread_cond_wait(&q->wake, &q->mu);
      q->writer_waiting = false;
    }
    if (atomic_load(&q->stop) || q->len == 0)
      break; /* stopped, or done and flushed */
    if (!q->done && q->len < OUT_COALESCE) {
      /* held-back replies: give the senders a moment to flush them */
      struct timespec ts;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      ts.tv_nsec += OUT_GRACE_NS;
      if (ts.tv_nsec >= 1000000000l) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000l;
      }
      pthread_cond_timedwait(&q->wake, &q->mu, &ts);
      if (q->busy || q->len == 0)
        continue;
    }
    q->busy = true;
    char *out = q->buf;
    size_t len = q->len, cap = q->cap;
    q->buf = q->spare;
    q->cap = q->spare_cap;
    q->len = 0;
    pthread_cond_broadcast(&q->room);
    bool broken = q->broken;
    pthread_mutex_unlock(&q->mu);
    int rc = broken ? 1 : out_write_all(q, out, len);
    int err = errno;
    pthread_mutex_lock(&q->mu);
    q->spare = out;
    q->spare_cap = cap;
    if (rc < 0)
      out_mark_gone(q, err);
    if (rc != 0) { /* gone, stopped or stalled: nothing more is written */
      atomic_store(&q->stop, true);
      q->broken = true;
      q->len = 0;
    }
    q->busy = false;
    pthread_cond_broadcast(&q->room);
  }
  /* whatever happens next, nobody waits for room any more */
  q->broken = true;
  q->len = 0;
  pthread_cond_broadcast(&q->room);
  pthread_mutex_unlock(&q->mu);
  return NULL;
}

/* Hands one line (without its newline) to the session. */
static void stdio_frame(mcp_session *s, char *line, size_t len) {
  if (len > 0 && line[len - 1] == '\r')
    len--;
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
    i++;
  if (i == len)
    return; /* an empty line */
  mcp_session_handle(s, line, len, NULL);
}

static void reject_oversized(mcp_session *s, size_t max_frame) {
  char msg[128];
  snprintf(msg, sizeof msg, "Invalid Request: frame longer than %zu bytes", max_frame);
  log_warn("stdio", "%s: skipped", msg);
  mcp_session_reject(s, MCP_INVALID_REQUEST, msg, NULL);
}

/* True when the signal latch SIG_FD (-1: none) is set. */
static bool signal_arrived(int sig_fd) {
  struct pollfd p = {.fd = sig_fd, .events = POLLIN};
  return sig_fd >= 0 && poll(&p, 1, 0) > 0;
}

/* Reads frames until end of input, a signal (SIG_FD readable; -1: none), or
 * a read error. Returns 1 after a signal (also one that came with end of
 * input), 0 at end of input, -1 on error. */
static int read_loop(mcp_session *s, out_queue *q, int fd, size_t max_frame, int sig_fd) {
  size_t limit = max_frame + 2; /* the frame, a CR, and one byte to see it is too long */
  size_t cap = READ_CHUNK < limit ? READ_CHUNK : limit;
  char *buf = malloc(cap);
  if (!buf)
    return -1;
  size_t len = 0, scanned = 0;
  bool skipping = false;
  int result = 0;
  for (;;) {
    struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = sig_fd, .events = POLLIN}};
    int r = poll(fds, 2, -1);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      log_error("stdio", "poll: %s", strerror(errno));
      result = -1;
      break;
    }
    if (fds[1].revents) {
      result = 1;
      break;
    }
    if (len == cap) {
      size_t grown_cap = cap * 2 < limit ? cap * 2 : limit;
      char *grown = realloc(buf, grown_cap);
      if (!grown) {
        result = -1;
        break;
      }
      buf = grown;
      cap = grown_cap;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      log_error("stdio", "read: %s", strerror(errno));
      result = -1;
      break;
    }
    if (n == 0) {
      if (signal_arrived(sig_fd))
        result = 1; /* a SIGTERM with end of input is a SIGTERM */
      break;
    }
    len += (size_t)n;
    size_t start = 0;
    char *nl;
    atomic_store_explicit(&q->reader_burst, true, memory_order_relaxed);
    mcp_session_burst_begin(s);
    while ((nl = memchr(buf + scanned, '\n', len - scanned)) != NULL) {
      size_t end = (size_t)(nl - buf);
      if (skipping)
        skipping = false; /* the tail of an oversized line */
      else if (end - start > max_frame + (end > start && buf[end - 1] == '\r'))
        reject_oversized(s, max_frame);
      else
        stdio_frame(s, buf + start, end - start);
      start = end + 1;
      scanned = start;
    }
    mcp_session_burst_end(s);
    atomic_store_explicit(&q->reader_burst, false, memory_order_relaxed);
    if (mcp_session_backlog(s) == 0)
      out_kick(q);
    scanned = len;
    if (start > 0) {
      memmove(buf, buf + start, len - start);
      len -= start;
      scanned -= start;
    }
    if (skipping) {
      len = scanned = 0;
    } else if (len > max_frame + 1) {
      reject_oversized(s, max_frame);
      skipping = true;
      len = scanned = 0;
    }
  }
  if (result == 0 && !skipping && len > 0) { /* a last line with no newline */
    if (len - (buf[len - 1] == '\r') > max_frame)
      reject_oversized(s, max_frame);
    else
      stdio_frame(s, buf, len);
  }
  free(buf);
  return result;
}

/* A thread that waits out the end-of-input grace, so that the caller can
 * watch for a signal meanwhile. */
typedef struct drainer {
  mcp_session *s;
  long grace_ms;
  bool finished; /* every request finished within the grace */
  int done[2];   /* a byte once the drain returned */
} drainer;

static void *drainer_main(void *arg) {
  drainer *d = arg;
  d->finished = mcp_session_drain_for(d->s, d->grace_ms);
  if (write(d->done[1], "x", 1) < 0) {
    /* cannot happen on an empty pipe; the join below does not depend on it */
  }
  return NULL;
}

/* At end of input: lets the requests in flight run for GRACE_MS (see
 * mcp_session_drain_for) while watching the signal latch; SIGTERM or SIGINT
 * cancels them at once and stops the output. Returns 0 when every request
 * finished within the grace, 1 when some were cancelled at its end, 2 when
 * a signal cut it short. */
static int stdio_drain(mcp_session *s, out_queue *q, long grace_ms) {
  if (q->sig_fd < 0 || grace_ms == 0)
    return mcp_session_drain_for(s, grace_ms) ? 0 : 1;
  drainer d = {.s = s, .grace_ms = grace_ms, .done = {-1, -1}};
  pthread_t thread;
  if (pipe2(d.done, O_CLOEXEC) != 0) {
    log_warn("stdio", "pipe: %s: the end-of-input grace cannot watch for signals", strerror(errno));
    return mcp_session_drain_for(s, grace_ms) ? 0 : 1;
  }
  int rc;
  if (pthread_create(&thread, NULL, drainer_main, &d) != 0) {
    log_warn("stdio", "no thread: the end-of-input grace cannot watch for signals");
    rc = mcp_session_drain_for(s, grace_ms) ? 0 : 1;
    goto cleanup;
  }
  struct pollfd fds[2] = {{.fd = d.done[0], .events = POLLIN}, {.fd = q->sig_fd, .events = POLLIN}};
  int r;
  do
    r = poll(fds, 2, -1);
  while (r < 0 && errno == EINTR);
  bool signalled = r > 0 && fds[1].revents && !fds[0].revents;
  if (signalled) {
    log_info("stdio", "terminated by a signal after end of input: cancelling requests in flight");
    out_stop(q);
    mcp_session_drain(s, true);
  }
  pthread_join(thread, NULL);
  rc = signalled ? 2 : d.finished ? 0 : 1;
cleanup:
  close(d.done[0]);
  close(d.done[1]);
  return rc;
}

int stdio_serve(mcp_server *srv, const stdio_options *opt) {
  stdio_options defaults = {0};
  if (!opt)
    opt = &defaults;
  int in_fd = opt->in_fd;
  size_t max_frame = opt->max_frame ? opt->max_frame : STDIO_DEFAULT_MAX_FRAME;
  long grace = opt->eof_grace_ms ? opt->eof_grace_ms : STDIO_DEFAULT_EOF_GRACE_MS;
  bool signals = !opt->keep_signals;
  out_queue q = {.sig_fd = -1, .ctl = {-1, -1}};
  atomic_store(&q.stall_ms, -1);
  if (pipe2(q.ctl, O_CLOEXEC | O_NONBLOCK) != 0) {
    log_error("stdio", "pipe: %s", strerror(errno));
    return -1;
  }
  if (signals) {
    if (transport_signals_acquire() != 0) {
      close(q.ctl[0]);
      close(q.ctl[1]);
      return -1;
    }
    q.sig_fd = transport_signals_fd();
  }
  out_open(&q, opt->out_fd ? opt->out_fd : STDOUT_FILENO);
  pthread_mutexattr_t mattr;
  pthread_mutexattr_init(&mattr);
  pthread_mutexattr_settype(&mattr, PTHREAD_MUTEX_ADAPTIVE_NP);
  pthread_mutex_init(&q.mu, &mattr);
  pthread_mutexattr_destroy(&mattr);
  pthread_condattr_t cattr;
  pthread_condattr_init(&cattr);
  pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
  pthread_cond_init(&q.wake, &cattr);
  pthread_condattr_destroy(&cattr);
  pthread_cond_init(&q.room, NULL);

  int result = -1;
  pthread_t writer;
  bool writer_started = false;
  mcp_session *s = mcp_session_new(srv, stdio_send, &q);
  if (!s) {
    log_error("stdio", "cannot create the session");
    goto cleanup;
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 128 * 1024);
  writer_started = pthread_create(&writer, &attr, writer_main, &q) == 0;
  pthread_attr_destroy(&attr);
  if (!writer_started) {
    log_error("stdio", "cannot start the writer thread");
    goto cleanup;
  }
  log_debug("stdio", "serving MCP on stdio (frames up to %zu bytes)", max_frame);
  q.session = s;
  int how = read_loop(s, &q, in_fd, max_frame, q.sig_fd);
  if (how == 1) {
    log_info("stdio", "terminated by a signal: cancelling requests in flight");
    out_stop(&q);
    mcp_session_drain_for(s, 0);
  } else {
    if (how == 0)
      log_debug("stdio", "end of input: finishing requests in flight");
    out_input_closed(&q, grace);
    if (stdio_drain(s, &q, how == 0 ? grace : 0) == 1 && how == 0)
      log_warn("stdio", "requests still running %ld ms after end of input were cancelled", grace);
  }
  result = how < 0 ? -1 : 0;
cleanup:
  pthread_mutex_lock(&q.mu);
  q.session = NULL;
  pthread_mutex_unlock(&q.mu);
  mcp_session_free(s);
  if (writer_started) {
    pthread_mutex_lock(&q.mu);
    q.done = true;
    pthread_cond_signal(&q.wake);
    pthread_mutex_unlock(&q.mu);
    pthread_join(writer, NULL); /* flushes; a signal or a stall cuts it short */
  }
  free(q.buf);
  free(q.spare);
  pthread_mutex_destroy(&q.mu);
  pthread_cond_destroy(&q.wake);
  pthread_cond_destroy(&q.room);
  if (q.own_fd)
    close(q.fd);
  close(q.ctl[0]);
  close(q.ctl[1]);
  if (signals)
    transport_signals_release();
  return result;
}
