/* stdio.c - the stdio transport: a reader that frames lines from stdin and a
 * writer thread that coalesces replies onto stdout. */
#include "transport/stdio.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)
#define OUT_HIGH_WATER (16u * 1024 * 1024) /* senders wait above this much unwritten output */
#define OUT_COALESCE (64u * 1024)          /* replies held back while more are coming */
#define OUT_GRACE_NS (500 * 1000l)         /* the longest a held-back reply waits */

/* How the output can be written without blocking. */
typedef enum { OUT_FILE, OUT_PIPE, OUT_SOCKET } out_kind;

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
 * replies that came before it. */
typedef struct out_queue {
  pthread_mutex_t mu;
  pthread_cond_t wake; /* output is waiting and nobody writes it, or done */
  pthread_cond_t room; /* the queue was taken */
  char *buf;
  size_t len, cap;
  char *spare;
  size_t spare_cap;
  bool busy;
  bool writer_waiting; /* in its untimed wait: senders signal `wake` */
  mcp_session *session;
  atomic_bool reader_burst;
  bool done;
  bool broken; /* stdout is gone: drop output */
  int fd;
  out_kind kind;
  size_t pipe_size;
} out_queue;

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  int saved = errno;
  char c = (char)sig;
  if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
    /* nothing to do: the pipe is full, so a wake-up is already pending */
  }
  errno = saved;
}

static void out_init_kind(out_queue *q) {
  struct stat st;
  q->kind = OUT_FILE;
  if (fstat(q->fd, &st) != 0)
    return;
  if (S_ISSOCK(st.st_mode)) {
    q->kind = OUT_SOCKET;
  } else if (S_ISFIFO(st.st_mode)) {
    int size = fcntl(q->fd, F_GETPIPE_SZ);
    if (size > 0) {
      q->kind = OUT_PIPE;
      q->pipe_size = (size_t)size;
    }
  }
}

/* Writes IOV without blocking as far as can be told. Returns the bytes
 * written (0 when it would block), or -1 when the output is gone. */
static ssize_t out_try_write(out_queue *q, struct iovec *iov, int n) {
  size_t total = 0;
  for (int i = 0; i < n; i++)
    total += iov[i].iov_len;
  ssize_t w;
  if (q->kind == OUT_SOCKET) {
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    do
      w = sendmsg(q->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return 0;
    return w;
  }
  if (q->kind == OUT_PIPE) {
    int unread = 0;
    /* leave slack: the pipe fills by pages, not bytes */
    if (ioctl(q->fd, FIONREAD, &unread) != 0 || (size_t)unread + total + 8192 > q->pipe_size)
      return 0;
  }
  do
    w = writev(q->fd, iov, n);
  while (w < 0 && errno == EINTR);
  return w;
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
  if (n == 0 || out_reserve(q, n) != 0)
    return;
  memmove(q->buf + n, q->buf, q->len);
  memcpy(q->buf, data, n);
  q->len += n;
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
    pthread_mutex_lock(&q->mu);
    if (w < 0)
      q->broken = true;
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
    pthread_mutex_lock(&q->mu);
    if (w < 0) {
      q->broken = true;
      log_warn("stdio", "stdout closed (%s): dropping further output", strerror(errno));
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

/* Writes all of BUF, blocking; returns 0, or -1 when the output is gone. */
static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* The writer thread: writes, blocking, whatever the senders could not. */
static void *writer_main(void *arg) {
  out_queue *q = arg;
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (q->busy || (q->len == 0 && !q->done)) {
      q->writer_waiting = true;
      pthread_cond_wait(&q->wake, &q->mu);
      q->writer_waiting = false;
    }
    if (q->len == 0)
      break; /* done and flushed */
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
    if (!broken && write_all(q->fd, out, len) != 0) {
      log_warn("stdio", "stdout closed (%s): dropping further output", strerror(errno));
      broken = true;
    }
    pthread_mutex_lock(&q->mu);
    q->spare = out;
    q->spare_cap = cap;
    if (broken) {
      q->broken = true;
      q->len = 0;
    }
    q->busy = false;
    pthread_cond_broadcast(&q->room);
  }
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

/* Reads frames until end of input, a signal, or a read error. Returns 1 after
 * a signal, 0 at end of input, -1 on error. */
static int read_loop(mcp_session *s, out_queue *q, int fd, size_t max_frame, bool signals) {
  size_t limit = max_frame + 2; /* the frame, a CR, and one byte to see it is too long */
  size_t cap = READ_CHUNK < limit ? READ_CHUNK : limit;
  char *buf = malloc(cap);
  if (!buf)
    return -1;
  size_t len = 0, scanned = 0;
  bool skipping = false;
  int result = 0;
  for (;;) {
    struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = sig_pipe[0], .events = POLLIN}};
    int r = poll(fds, signals ? 2 : 1, -1);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      log_error("stdio", "poll: %s", strerror(errno));
      result = -1;
      break;
    }
    if (signals && fds[1].revents) {
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
    if (n == 0)
      break;
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
  if (result == 0 && !skipping && len > 0 && len <= max_frame + 1)
    stdio_frame(s, buf, len); /* a last line with no newline */
  free(buf);
  return result;
}

int stdio_serve(mcp_server *srv, const stdio_options *opt) {
  stdio_options defaults = {0};
  if (!opt)
    opt = &defaults;
  int in_fd = opt->in_fd;
  size_t max_frame = opt->max_frame ? opt->max_frame : STDIO_DEFAULT_MAX_FRAME;
  bool signals = !opt->keep_signals;
  out_queue q = {.fd = opt->out_fd ? opt->out_fd : STDOUT_FILENO};
  out_init_kind(&q);
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

  struct sigaction old_term, old_int, old_pipe;
  if (signals) {
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
      log_error("stdio", "pipe: %s", strerror(errno));
      return -1;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGINT, &sa, &old_int);
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);
  }

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
  int how = read_loop(s, &q, in_fd, max_frame, signals);
  if (how == 1)
    log_info("stdio", "terminated by a signal: cancelling requests in flight");
  else if (how == 0)
    log_debug("stdio", "end of input: finishing requests in flight");
  long grace = opt->eof_grace_ms ? opt->eof_grace_ms : STDIO_DEFAULT_EOF_GRACE_MS;
  if (!mcp_session_drain_for(s, how != 0 ? 0 : grace))
    log_warn("stdio", "requests still running %ld ms after end of input were cancelled", grace);
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
    pthread_join(writer, NULL);
  }
  free(q.buf);
  free(q.spare);
  pthread_mutex_destroy(&q.mu);
  pthread_cond_destroy(&q.wake);
  pthread_cond_destroy(&q.room);
  if (signals) {
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    close(sig_pipe[0]);
    close(sig_pipe[1]);
    sig_pipe[0] = sig_pipe[1] = -1;
  }
  return result;
}
