/* stdio.c - the stdio transport: a reader that frames lines from stdin and a
 * writer thread that coalesces replies onto stdout. */
#include "transport/stdio.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)
#define OUT_HIGH_WATER (16u * 1024 * 1024) /* senders wait above this much unwritten output */

/* The reply queue: senders append, the writer swaps the buffer out and writes it. */
typedef struct out_queue {
  pthread_mutex_t mu;
  pthread_cond_t wake; /* output arrived, or done */
  pthread_cond_t room; /* the buffer was taken */
  char *buf;
  size_t len, cap;
  bool writer_waiting;
  bool done;
  bool broken; /* stdout is gone: drop output */
  int fd;
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

static void stdio_send(void *ctx, void *tag, const char *msg, size_t len) {
  (void)tag;
  out_queue *q = ctx;
  pthread_mutex_lock(&q->mu);
  while (q->len > OUT_HIGH_WATER && !q->broken)
    pthread_cond_wait(&q->room, &q->mu);
  if (q->broken) {
    pthread_mutex_unlock(&q->mu);
    return;
  }
  if (q->len + len + 1 > q->cap) {
    size_t cap = q->cap ? q->cap : 64 * 1024;
    while (cap < q->len + len + 1)
      cap *= 2;
    char *grown = realloc(q->buf, cap);
    if (!grown) {
      pthread_mutex_unlock(&q->mu);
      log_error("stdio", "out of memory queueing a %zu-byte reply: dropped", len);
      return;
    }
    q->buf = grown;
    q->cap = cap;
  }
  memcpy(q->buf + q->len, msg, len);
  q->buf[q->len + len] = '\n';
  q->len += len + 1;
  bool wake = q->writer_waiting;
  pthread_mutex_unlock(&q->mu);
  if (wake)
    pthread_cond_signal(&q->wake);
}

/* Writes all of BUF; returns 0, or -1 when the output is gone. */
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

static void *writer_main(void *arg) {
  out_queue *q = arg;
  char *spare = NULL;
  size_t spare_cap = 0;
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (q->len == 0 && !q->done) {
      q->writer_waiting = true;
      pthread_cond_wait(&q->wake, &q->mu);
      q->writer_waiting = false;
    }
    if (q->len == 0)
      break; /* done and flushed */
    char *out = q->buf;
    size_t len = q->len, cap = q->cap;
    q->buf = spare;
    q->cap = spare_cap;
    q->len = 0;
    pthread_cond_broadcast(&q->room);
    bool broken = q->broken;
    pthread_mutex_unlock(&q->mu);
    if (!broken && write_all(q->fd, out, len) != 0) {
      log_warn("stdio", "stdout closed (%s): dropping further output", strerror(errno));
      broken = true;
    }
    spare = out;
    spare_cap = cap;
    pthread_mutex_lock(&q->mu);
    if (broken) {
      q->broken = true;
      pthread_cond_broadcast(&q->room);
    }
  }
  pthread_mutex_unlock(&q->mu);
  free(spare);
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
static int read_loop(mcp_session *s, int fd, size_t max_frame, bool signals) {
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
  pthread_mutex_init(&q.mu, NULL);
  pthread_cond_init(&q.wake, NULL);
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
  int how = read_loop(s, in_fd, max_frame, signals);
  if (how == 1)
    log_info("stdio", "terminated by a signal: cancelling requests in flight");
  else if (how == 0)
    log_debug("stdio", "end of input: finishing requests in flight");
  mcp_session_drain(s, how != 0);
  result = how < 0 ? -1 : 0;
cleanup:
  mcp_session_free(s);
  if (writer_started) {
    pthread_mutex_lock(&q.mu);
    q.done = true;
    pthread_mutex_unlock(&q.mu);
    pthread_cond_signal(&q.wake);
    pthread_join(writer, NULL);
  }
  free(q.buf);
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
