/* mcp_stdio_bench.c - drives an MCP server over stdio pipes and measures its cold start, per-call
 * latency, pipelined throughput and peak RSS. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The longest reply line accepted; a longer one is a failure of the run. */
#define BENCH_LINE_MAX (16u * 1024u * 1024u)
#define BENCH_READ_CHUNK (256u * 1024u)
#define BENCH_WARMUP_CALLS 500u

static const char BENCH_INIT[] =
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
    "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"mcp_stdio_bench\","
    "\"version\":\"1.0\"}}}\n";
static const char BENCH_INITIALIZED[] =
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

typedef struct bench_options {
  size_t cold;      /* spawns measured for cold start */
  size_t calls;     /* one-at-a-time calls measured for latency */
  size_t rss_calls; /* calls made in the warm session before VmHWM is read */
  size_t pipeline;  /* pipelined calls */
  size_t window;    /* bound on pipelined calls in flight; 0 = none */
  const char *tool;
  const char *args; /* the tool's arguments: JSON object text */
  int timeout_ms;
  bool kill_after_pipeline; /* SIGKILL the server after the pipelined run */
  const char *stderr_path;
  char **argv; /* the server command */
} bench_options;

/* Buffered reader of newline-delimited lines from a pipe, with a timeout. */
typedef struct bench_reader {
  int fd;
  int timeout_ms;
  char *buf;
  size_t cap, start, end;
} bench_reader;

/* One running server. */
typedef struct bench_proc {
  pid_t pid;
  int to_fd; /* the server's stdin (our write end); -1 once closed */
  bench_reader rd;
} bench_proc;

/* What a reply line is. */
typedef enum { BENCH_LINE_OTHER = 0, BENCH_LINE_RESULT, BENCH_LINE_ERROR } bench_line_kind;

static int bench_errfd = -1; /* the servers' stderr */

static double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile P (0..1) of the N values in V, which it sorts. */
static double bench_percentile(double *v, size_t n, double p) {
  size_t rank;
  if (n == 0)
    return 0.0;
  qsort(v, n, sizeof *v, bench_cmp_double);
  rank = (size_t)(p * (double)n + 0.999999);
  if (rank < 1)
    rank = 1;
  if (rank > n)
    rank = n;
  return v[rank - 1];
}

/* Writes all LEN bytes of BUF to FD. Returns 0, or -1 (errno set). */
static int bench_write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, buf, len);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    buf += w;
    len -= (size_t)w;
  }
  return 0;
}

static int bench_reader_init(bench_reader *r, int fd, int timeout_ms) {
  r->fd = fd;
  r->timeout_ms = timeout_ms;
  r->cap = BENCH_READ_CHUNK * 2;
  r->start = r->end = 0;
  r->buf = malloc(r->cap);
  return r->buf ? 0 : -1;
}

static void bench_reader_free(bench_reader *r) {
  free(r->buf);
  r->buf = NULL;
  if (r->fd >= 0)
    close(r->fd);
  r->fd = -1;
}

/* Reads more bytes into R, waiting at most its timeout. Returns the number of
 * bytes read, 0 at end of file, or -1 on timeout or error (with a message). */
static ssize_t bench_reader_fill(bench_reader *r) {
  struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
  ssize_t got;
  if (r->start > 0 && (r->cap - r->end < BENCH_READ_CHUNK)) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
  if (r->cap - r->end < BENCH_READ_CHUNK) {
    size_t cap = r->cap * 2;
    char *nb;
    if (cap > BENCH_LINE_MAX + BENCH_READ_CHUNK) {
      fprintf(stderr, "mcp_stdio_bench: a reply line is longer than %u bytes\n", BENCH_LINE_MAX);
      return -1;
    }
    nb = realloc(r->buf, cap);
    if (!nb)
      return -1;
    r->buf = nb;
    r->cap = cap;
  }
  for (;;) {
    int pr = poll(&pfd, 1, r->timeout_ms);
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr <= 0) {
      fprintf(stderr, "mcp_stdio_bench: no reply within %d ms\n", r->timeout_ms);
      return -1;
    }
    got = read(r->fd, r->buf + r->end, r->cap - r->end);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      perror("mcp_stdio_bench: read");
      return -1;
    }
    r->end += (size_t)got;
    return got;
  }
}

/* Returns the next complete line of R in *LINE (borrowed, valid until the next
 * call; without its newline) and *LEN. Returns 0, or -1 at end of file, on
 * timeout or error. */
static int bench_reader_line(bench_reader *r, const char **line, size_t *len) {
  for (;;) {
    char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
    if (nl) {
      *line = r->buf + r->start;
      *len = (size_t)(nl - *line);
      r->start = (size_t)(nl - r->buf) + 1;
      if (r->start == r->end)
        r->start = r->end = 0;
      return 0;
    }
    if (bench_reader_fill(r) <= 0)
      return -1;
  }
}

/* Classifies a reply line and stores its numeric id in *ID when it is a
 * response. Cheap on purpose: substring matches, no JSON parse. */
static bench_line_kind bench_line_classify(const char *line, size_t len, unsigned long *id) {
  const char *p = memmem(line, len, "\"id\"", 4);
  const char *end = line + len;
  if (!p || memmem(line, len, "\"method\"", 8))
    return BENCH_LINE_OTHER;
  p += 4;
  while (p < end && (*p == ' ' || *p == ':'))
    p++;
  *id = 0;
  while (p < end && *p >= '0' && *p <= '9')
    *id = *id * 10 + (unsigned long)(*p++ - '0');
  if (memmem(line, len, "\"error\"", 7))
    return BENCH_LINE_ERROR;
  return BENCH_LINE_RESULT;
}

/* Starts ARGV with pipes on its stdin and stdout (no shell). Returns 0, or -1. */
static int bench_proc_spawn(bench_proc *p, char **argv, int timeout_ms) {
  int in[2] = {-1, -1}, out[2] = {-1, -1};
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
    goto fail;
  p->pid = fork();
  if (p->pid < 0)
    goto fail;
  if (p->pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    if (bench_errfd >= 0)
      dup2(bench_errfd, 2);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  p->to_fd = in[1];
  if (bench_reader_init(&p->rd, out[0], timeout_ms) != 0) {
    close(out[0]);
    close(in[1]);
    return -1;
  }
  return 0;
fail:
  perror("mcp_stdio_bench: spawn");
  for (int i = 0; i < 2; i++) {
    if (in[i] >= 0)
      close(in[i]);
    if (out[i] >= 0)
      close(out[i]);
  }
  return -1;
}

/* Closes the server's stdin, waits for its stdout to close and for it to
 * exit (killing it after the timeout). Stores the seconds from closing stdin to
 * end of file on stdout in *EXIT_S when not NULL. Frees P's buffers. Returns
 * the exit status, or -1 when it had to be killed. */
static int bench_proc_finish(bench_proc *p, double *exit_s) {
  double t0 = bench_now();
  int status = 0, rc = -1;
  bool killed = false;
  if (p->to_fd >= 0)
    close(p->to_fd);
  p->to_fd = -1;
  for (;;) {
    ssize_t got;
    p->rd.start = p->rd.end = 0;
    got = bench_reader_fill(&p->rd);
    if (got == 0)
      break;
    if (got < 0) {
      kill(p->pid, SIGKILL);
      killed = true;
      break;
    }
  }
  if (exit_s)
    *exit_s = bench_now() - t0;
  while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!killed && WIFEXITED(status))
    rc = WEXITSTATUS(status);
  if (rc != 0)
    fprintf(stderr, "mcp_stdio_bench: server %s (status %d)\n",
            killed ? "killed after the timeout" : "did not exit cleanly", status);
  bench_reader_free(&p->rd);
  return rc;
}

/* Kills P without a word, reaps it and frees its buffers. */
static void bench_proc_kill(bench_proc *p) {
  int status;
  kill(p->pid, SIGKILL);
  if (p->to_fd >= 0)
    close(p->to_fd);
  p->to_fd = -1;
  while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
    ;
  bench_reader_free(&p->rd);
}

/* Reads /proc/PID/status and returns the number after FIELD ("VmHWM:", in kB;
 * "Threads:"), or -1. */
static long bench_proc_status_kb(pid_t pid, const char *field) {
  char path[64], line[256];
  long kb = -1;
  size_t flen = strlen(field);
  FILE *f;
  snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
  f = fopen(path, "r");
  if (!f)
    return -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, flen) == 0) {
      kb = strtol(line + flen, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kb;
}

/* Returns the CPU seconds (user + system, all threads) PID has used so far,
 * or -1. Resolution: one clock tick (10 ms). */
static double bench_proc_cpu_s(pid_t pid) {
  char path[64], buf[1024];
  unsigned long long ut = 0, st = 0;
  const char *p;
  size_t n;
  FILE *f;
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  f = fopen(path, "r");
  if (!f)
    return -1.0;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  p = strrchr(buf, ')'); /* the command name may hold spaces */
  // NOLINTNEXTLINE(cert-err34-c): the kernel writes these numbers; a short read fails the count
  if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
    return -1.0;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Reads lines until the response with id ID. Returns its kind, or -1. */
static int bench_await_id(bench_proc *p, unsigned long id) {
  const char *line;
  size_t len;
  unsigned long got;
  while (bench_reader_line(&p->rd, &line, &len) == 0) {
    bench_line_kind k = bench_line_classify(line, len, &got);
    if (k != BENCH_LINE_OTHER && got == id)
      return (int)k;
  }
  return -1;
}

/* Sends initialize and waits for its reply. Returns 0, or -1. */
static int bench_initialize(bench_proc *p) {
  if (bench_write_all(p->to_fd, BENCH_INIT, sizeof BENCH_INIT - 1) != 0)
    return -1;
  if (bench_await_id(p, 0) != BENCH_LINE_RESULT) {
    fprintf(stderr, "mcp_stdio_bench: initialize failed\n");
    return -1;
  }
  return 0;
}

/* Formats one tools/call request for ID into BUF. Returns its length, or 0
 * when it does not fit. */
static size_t bench_format_call(char *buf, size_t cap, unsigned long id, const bench_options *o) {
  int n = snprintf(buf, cap,
                   "{\"jsonrpc\":\"2.0\",\"id\":%lu,\"method\":\"tools/call\",\"params\":{\"name\":"
                   "\"%s\",\"arguments\":%s}}\n",
                   id, o->tool, o->args);
  return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* Cold start: spawn to initialize reply, O->cold times. Prints the figures. */
static int bench_run_cold(const bench_options *o) {
  double *start = calloc(o->cold, sizeof *start);
  double *exits = calloc(o->cold, sizeof *exits);
  double *rss = calloc(o->cold, sizeof *rss);
  int rc = -1;
  size_t i;
  if (!start || !exits || !rss)
    goto cleanup;
  for (i = 0; i < o->cold; i++) {
    bench_proc p;
    double t0 = bench_now();
    int ok;
    if (bench_proc_spawn(&p, o->argv, o->timeout_ms) != 0)
      goto cleanup;
    ok = bench_initialize(&p);
    start[i] = bench_now() - t0;
    rss[i] = (double)bench_proc_status_kb(p.pid, "VmHWM:");
    if (ok == 0)
      ok = bench_write_all(p.to_fd, BENCH_INITIALIZED, sizeof BENCH_INITIALIZED - 1);
    if (bench_proc_finish(&p, &exits[i]) != 0 || ok != 0)
      goto cleanup;
  }
  printf("cold_n %zu\n", o->cold);
  printf("cold_median_ms %.3f\n", bench_percentile(start, o->cold, 0.5) * 1e3);
  printf("cold_p90_ms %.3f\n", bench_percentile(start, o->cold, 0.9) * 1e3);
  printf("cold_min_ms %.3f\n", start[0] * 1e3);
  printf("exit_median_ms %.3f\n", bench_percentile(exits, o->cold, 0.5) * 1e3);
  printf("init_hwm_kb %.0f\n", bench_percentile(rss, o->cold, 0.5));
  rc = 0;
cleanup:
  free(start);
  free(exits);
  free(rss);
  return rc;
}

/* The warm session: one call at a time; a warm-up, O->calls timed calls, then
 * more calls up to O->rss_calls in all, then VmHWM. Prints the figures. */
static int bench_run_sequential(const bench_options *o) {
  size_t total = o->rss_calls, timed = o->calls, i;
  double *lat = NULL;
  bench_proc p;
  char req[1536];
  long hwm;
  double cpu0 = -1.0, cpu1 = -1.0;
  int rc = -1, errors = 0;
  if (total < BENCH_WARMUP_CALLS + timed)
    total = BENCH_WARMUP_CALLS + timed;
  lat = calloc(timed ? timed : 1, sizeof *lat);
  if (!lat)
    return -1;
  if (bench_proc_spawn(&p, o->argv, o->timeout_ms) != 0) {
    free(lat);
    return -1;
  }
  if (bench_initialize(&p) != 0 ||
      bench_write_all(p.to_fd, BENCH_INITIALIZED, sizeof BENCH_INITIALIZED - 1) != 0)
    goto cleanup;
  for (i = 0; i < total; i++) {
    unsigned long id = (unsigned long)i + 1;
    if (i == BENCH_WARMUP_CALLS)
      cpu0 = bench_proc_cpu_s(p.pid);
    if (i == BENCH_WARMUP_CALLS + timed)
      cpu1 = bench_proc_cpu_s(p.pid);
    size_t len = bench_format_call(req, sizeof req, id, o);
    double t0 = bench_now();
    int k;
    if (len == 0 || bench_write_all(p.to_fd, req, len) != 0)
      goto cleanup;
    k = bench_await_id(&p, id);
    if (k < 0)
      goto cleanup;
    if (k == BENCH_LINE_ERROR)
      errors++;
    if (i >= BENCH_WARMUP_CALLS && i < BENCH_WARMUP_CALLS + timed)
      lat[i - BENCH_WARMUP_CALLS] = bench_now() - t0;
  }
  hwm = bench_proc_status_kb(p.pid, "VmHWM:");
  if (cpu1 < 0.0)
    cpu1 = bench_proc_cpu_s(p.pid);
  if (timed > 0) {
    if (cpu0 >= 0.0 && cpu1 >= 0.0)
      printf("lat_cpu_us %.2f\n", (cpu1 - cpu0) / (double)timed * 1e6);
    printf("lat_n %zu\n", timed);
    printf("lat_p50_us %.1f\n", bench_percentile(lat, timed, 0.5) * 1e6);
    printf("lat_p99_us %.1f\n", bench_percentile(lat, timed, 0.99) * 1e6);
  }
  printf("rss_calls %zu\n", total);
  printf("rss_hwm_kb %ld\n", hwm);
  printf("seq_threads %ld\n", bench_proc_status_kb(p.pid, "Threads:"));
  printf("seq_errors %d\n", errors);
  rc = 0;
cleanup:
  if (bench_proc_finish(&p, NULL) != 0)
    rc = -1;
  free(lat);
  return rc;
}

/* The writer side of the pipelined run. */
typedef struct bench_writer {
  int fd;
  const char *buf;
  const size_t *offs; /* offs[i] = start of request i; offs[n] = end */
  size_t n;
  size_t window;
  atomic_size_t answered;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  atomic_bool waiting;   /* the writer sleeps on CV until WAKE_AT replies came */
  atomic_size_t wake_at; /* set before WAITING: half the window answered */
  int err;
} bench_writer;

/* Writes every request, keeping at most W->window in flight when it is set.
 * When the window is full it sleeps until half of it is answered, then refills
 * it with one write: one wake-up per half window, not one per reply. */
static void *bench_writer_main(void *arg) {
  bench_writer *w = arg;
  size_t sent = 0;
  while (sent < w->n) {
    size_t upto = w->n;
    if (w->window > 0) {
      size_t done = atomic_load(&w->answered);
      if (done < sent && sent - done >= w->window) {
        size_t wake_at = sent - w->window / 2;
        pthread_mutex_lock(&w->mu);
        atomic_store(&w->wake_at, wake_at);
        atomic_store(&w->waiting, true);
        while (atomic_load(&w->answered) < wake_at)
          pthread_cond_wait(&w->cv, &w->mu);
        atomic_store(&w->waiting, false);
        pthread_mutex_unlock(&w->mu);
        done = atomic_load(&w->answered);
      }
      upto = done + w->window < w->n ? done + w->window : w->n;
    }
    if (bench_write_all(w->fd, w->buf + w->offs[sent], w->offs[upto] - w->offs[sent]) != 0) {
      w->err = errno;
      break;
    }
    sent = upto;
  }
  return NULL;
}

/* Pipelined throughput: O->pipeline calls written by a thread while this one
 * reads the replies. Prints the figures. */
static int bench_run_pipelined(const bench_options *o) {
  size_t n = o->pipeline, i, answered = 0, errors = 0, dups = 0;
  size_t *offs = calloc(n + 1, sizeof *offs);
  unsigned char *seen = calloc(n + 1, 1);
  char *buf = NULL;
  size_t cap = 0, len = 0;
  bench_writer w = {0};
  pthread_t th;
  bool started = false;
  bench_proc p = {.pid = -1};
  double t0, t1, cpu0 = -1.0, cpu1 = -1.0;
  int rc = -1;
  if (!offs || !seen)
    goto cleanup;
  cap = n * (strlen(o->tool) + strlen(o->args) + 128);
  buf = malloc(cap);
  if (!buf)
    goto cleanup;
  for (i = 0; i < n; i++) {
    size_t l = bench_format_call(buf + len, cap - len, (unsigned long)i + 1, o);
    if (l == 0)
      goto cleanup;
    offs[i] = len;
    len += l;
  }
  offs[n] = len;
  if (bench_proc_spawn(&p, o->argv, o->timeout_ms) != 0) {
    p.pid = -1;
    goto cleanup;
  }
  if (bench_initialize(&p) != 0 ||
      bench_write_all(p.to_fd, BENCH_INITIALIZED, sizeof BENCH_INITIALIZED - 1) != 0)
    goto cleanup;
  w.fd = p.to_fd;
  w.buf = buf;
  w.offs = offs;
  w.n = n;
  w.window = o->window;
  atomic_init(&w.answered, 0);
  atomic_init(&w.waiting, false);
  atomic_init(&w.wake_at, 0);
  pthread_mutex_init(&w.mu, NULL);
  pthread_cond_init(&w.cv, NULL);
  cpu0 = bench_proc_cpu_s(p.pid);
  t0 = bench_now();
  if (pthread_create(&th, NULL, bench_writer_main, &w) != 0)
    goto cleanup;
  started = true;
  while (answered < n) {
    const char *line;
    size_t ll;
    unsigned long id;
    bench_line_kind k;
    if (bench_reader_line(&p.rd, &line, &ll) != 0)
      goto cleanup;
    k = bench_line_classify(line, ll, &id);
    if (k == BENCH_LINE_OTHER)
      continue;
    if (id == 0 || id > n || seen[id]) {
      dups++;
      continue;
    }
    seen[id] = 1;
    answered++;
    if (k == BENCH_LINE_ERROR)
      errors++;
    if (w.window > 0) {
      /* Publish, then look: the writer sets WAITING before it re-checks. */
      atomic_store(&w.answered, answered);
      if (atomic_load(&w.waiting) && answered >= atomic_load(&w.wake_at)) {
        pthread_mutex_lock(&w.mu);
        pthread_cond_signal(&w.cv);
        pthread_mutex_unlock(&w.mu);
      }
    }
  }
  t1 = bench_now();
  cpu1 = bench_proc_cpu_s(p.pid);
  printf("pipe_n %zu\n", n);
  printf("pipe_window %zu\n", o->window);
  printf("pipe_calls_per_s %.0f\n", (double)n / (t1 - t0));
  if (cpu0 >= 0.0 && cpu1 >= 0.0)
    printf("pipe_cpu_us %.2f\n", (cpu1 - cpu0) / (double)n * 1e6);
  printf("pipe_errors %zu\n", errors);
  printf("pipe_bad_ids %zu\n", dups);
  printf("pipe_hwm_kb %ld\n", bench_proc_status_kb(p.pid, "VmHWM:"));
  printf("pipe_threads %ld\n", bench_proc_status_kb(p.pid, "Threads:"));
  rc = 0;
cleanup:
  if (rc != 0 && p.pid > 0) {
    fprintf(stderr, "mcp_stdio_bench: pipelined run stopped after %zu of %zu replies\n", answered,
            n);
    kill(p.pid, SIGKILL); /* the writer, if blocked, then fails with EPIPE */
  }
  if (started) {
    pthread_mutex_lock(&w.mu);
    atomic_store(&w.answered, n);
    pthread_cond_signal(&w.cv);
    pthread_mutex_unlock(&w.mu);
    pthread_join(th, NULL);
  }
  if (w.fd > 0) {
    pthread_mutex_destroy(&w.mu);
    pthread_cond_destroy(&w.cv);
  }
  if (p.pid > 0 && rc == 0 && o->kill_after_pipeline) {
    bench_proc_kill(&p);
  } else if (p.pid > 0) {
    double exit_s = 0.0;
    if (bench_proc_finish(&p, &exit_s) != 0)
      rc = -1;
    else if (rc == 0)
      printf("pipe_exit_ms %.3f\n", exit_s * 1e3);
  }
  free(buf);
  free(offs);
  free(seen);
  return rc;
}

static void bench_usage(void) {
  fputs("usage: mcp_stdio_bench [options] -- COMMAND [ARG...]\n"
        "  --cold N       spawns timed to the initialize reply (default 50; 0 skips)\n"
        "  --calls N      one-at-a-time tools/call timed for latency (default 5000)\n"
        "  --rss-calls N  calls in the warm session before VmHWM is read (default 10000;\n"
        "                 with --calls 0 and --rss-calls 0 the warm session is skipped)\n"
        "  --pipeline N   pipelined tools/call (default 100000; 0 skips)\n"
        "  --window N     at most N pipelined calls in flight (default 0: no bound)\n"
        "  --tool NAME    the trivial tool (default test_simple_text)\n"
        "  --args JSON    its arguments, a JSON object on one line (default {})\n"
        "  --timeout MS   longest wait for a reply (default 10000)\n"
        "  --kill         SIGKILL the server after the pipelined run instead of closing\n"
        "                 its stdin and timing its exit\n"
        "  --stderr FILE  where the server's stderr goes (default /dev/null)\n"
        "Prints \"key value\" lines on stdout.\n",
        stderr);
}

/* Parses a count option value. Returns 0, or -1. */
static int bench_parse_size(const char *s, size_t *out) {
  char *end;
  unsigned long long v;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || end == s || *end || v > 100000000ull)
    return -1;
  *out = (size_t)v;
  return 0;
}

int main(int argc, char **argv) {
  bench_options o = {.cold = 50,
                     .calls = 5000,
                     .rss_calls = 10000,
                     .pipeline = 100000,
                     .tool = "test_simple_text",
                     .args = "{}",
                     .timeout_ms = 10000,
                     .stderr_path = "/dev/null"};
  int i, rc = 0;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    size_t v = 0;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "--kill") == 0) {
      o.kill_after_pipeline = true;
      continue;
    }
    if (i + 1 >= argc)
      goto usage;
    if (strcmp(a, "--tool") == 0)
      o.tool = argv[++i];
    else if (strcmp(a, "--args") == 0)
      o.args = argv[++i];
    else if (strcmp(a, "--stderr") == 0)
      o.stderr_path = argv[++i];
    else if (bench_parse_size(argv[i + 1], &v) != 0)
      goto usage; // NOLINT(bugprone-branch-clone): a bad number here, an unknown flag last
    else if (strcmp(a, "--cold") == 0)
      o.cold = v, i++;
    else if (strcmp(a, "--calls") == 0)
      o.calls = v, i++;
    else if (strcmp(a, "--rss-calls") == 0)
      o.rss_calls = v, i++;
    else if (strcmp(a, "--pipeline") == 0)
      o.pipeline = v, i++;
    else if (strcmp(a, "--window") == 0)
      o.window = v, i++;
    else if (strcmp(a, "--timeout") == 0 && v > 0 && v <= INT_MAX)
      o.timeout_ms = (int)v, i++;
    else
      goto usage;
  }
  if (i >= argc || strlen(o.tool) > 128 || strlen(o.args) > 1024 || o.args[0] != '{' ||
      strchr(o.args, '\n'))
    goto usage;
  o.argv = argv + i;
  signal(SIGPIPE, SIG_IGN);
  bench_errfd = open(o.stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (bench_errfd < 0) {
    perror(o.stderr_path);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (o.cold > 0 && bench_run_cold(&o) != 0)
    rc = 1;
  if (rc == 0 && (o.calls > 0 || o.rss_calls > 0) && bench_run_sequential(&o) != 0)
    rc = 1;
  if (rc == 0 && o.pipeline > 0 && bench_run_pipelined(&o) != 0)
    rc = 1;
  close(bench_errfd);
  return rc;
usage:
  bench_usage();
  return 2;
}
