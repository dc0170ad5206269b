/* mcp_http_bench.c - drives an MCP Streamable HTTP server for `make bench`:
 * CLIENTS threads, each with its own keep-alive connection and session,
 * making CALLS trivial tools/call requests one at a time (calls per second,
 * p50 and p99 latency); or, with --idle-sessions N --pid PID, opens N
 * sessions and leaves them idle, reporting the server's RSS before and
 * after. Prints "key value" lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_CAP (256 * 1024)

typedef struct conn {
  int fd;
  char buf[BUF_CAP];
  size_t len;
  char session[128];
} conn;

static char host[64] = "127.0.0.1";
static int port;
static char path[256] = "/mcp";
static const char *tool = "test_simple_text";
static bool modern;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int conn_open(conn *c) {
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
    return -1;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0)
    return -1;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  c->len = 0;
  c->session[0] = '\0';
  return 0;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads more into c->buf. Returns 0, or -1 at the end or on error. */
static int fill(conn *c) {
  if (c->len == sizeof c->buf)
    return -1;
  ssize_t n;
  do
    n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return -1;
  c->len += (size_t)n;
  return 0;
}

/* Finds header NAME in HEAD (up to the blank line). Copies its value. */
static bool header_value(const char *head, size_t head_len, const char *name, char *out,
                         size_t outlen) {
  size_t nlen = strlen(name);
  const char *p = head, *end = head + head_len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
      break;
    if ((size_t)(eol - p) > nlen + 1 && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
      const char *v = p + nlen + 1;
      while (*v == ' ')
        v++;
      size_t n = (size_t)(eol - v);
      if (n > 0 && v[n - 1] == '\r')
        n--;
      if (n >= outlen)
        n = outlen - 1;
      memcpy(out, v, n);
      out[n] = '\0';
      return true;
    }
    p = eol + 1;
  }
  return false;
}

/* Reads one response and drops it from the buffer. Returns its status, or
 * -1. The body is not kept: the benchmark checks statuses only. */
static int read_response(conn *c) {
  char *hend;
  while (!(hend = memmem(c->buf, c->len, "\r\n\r\n", 4)))
    if (fill(c) != 0)
      return -1;
  size_t head_len = (size_t)(hend - c->buf) + 4;
  int status = atoi(c->buf + 9); // NOLINT(cert-err34-c): "HTTP/1.1 NNN"
  char v[128];
  if (header_value(c->buf, head_len, "Mcp-Session-Id", v, sizeof v))
    snprintf(c->session, sizeof c->session, "%s", v);
  size_t total = head_len;
  if (header_value(c->buf, head_len, "Content-Length", v, sizeof v)) {
    total = head_len + (size_t)strtoull(v, NULL, 10);
    while (c->len < total)
      if (fill(c) != 0)
        return -1;
  } else if (header_value(c->buf, head_len, "Transfer-Encoding", v, sizeof v)) {
    for (;;) { /* chunks: SIZE CRLF DATA CRLF, up to a zero-size one */
      char *crlf;
      while (!(crlf = memmem(c->buf + total, c->len - total, "\r\n", 2)))
        if (fill(c) != 0)
          return -1;
      size_t n = (size_t)strtoull(c->buf + total, NULL, 16);
      size_t next = (size_t)(crlf - c->buf) + 2 + n + 2;
      while (c->len < next)
        if (fill(c) != 0)
          return -1;
      total = next;
      if (n == 0)
        break;
    }
  }
  memmove(c->buf, c->buf + total, c->len - total);
  c->len -= total;
  return status;
}

/* Sends a POST of BODY; returns the status, or -1. */
static int post(conn *c, const char *body, const char *method, const char *name) {
  char req[4096];
  size_t n =
      (size_t)snprintf(req, sizeof req,
                       "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                       "Accept: application/json, text/event-stream\r\n"
                       "Content-Length: %zu\r\n",
                       path, host, port, strlen(body));
  if (c->session[0] && n < sizeof req)
    n += (size_t)snprintf(req + n, sizeof req - n, "Mcp-Session-Id: %s\r\n", c->session);
  if (modern && n < sizeof req)
    n += (size_t)snprintf(req + n, sizeof req - n,
                          "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: %s\r\n", method);
  if (modern && name && n < sizeof req)
    n += (size_t)snprintf(req + n, sizeof req - n, "Mcp-Name: %s\r\n", name);
  if (n < sizeof req)
    n += (size_t)snprintf(req + n, sizeof req - n, "\r\n%s", body);
  if (n >= sizeof req || write_all(c->fd, req, n) != 0)
    return -1;
  return read_response(c);
}

static int session_open(conn *c) {
  if (modern)
    return 0;
  if (post(
          c,
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":"
          "\"1\"}}}",
          "initialize", NULL) != 200 ||
      !c->session[0])
    return -1;
  int s = post(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
               "notifications/initialized", NULL);
  return s == 202 || s == 200 ? 0 : -1;
}

typedef struct worker {
  pthread_t th;
  int calls;
  double *lat;
  int errors;
  pthread_barrier_t *start;
} worker;

static void *worker_main(void *arg) {
  worker *w = arg;
  conn *c = malloc(sizeof *c);
  char body[1024];
  bool ok = c && conn_open(c) == 0 && session_open(c) == 0;
  pthread_barrier_wait(w->start);
  for (int i = 0; ok && i < w->calls; i++) {
    if (modern)
      snprintf(
          body, sizeof body,
          "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
          "\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
          "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
          i + 1, tool);
    else
      snprintf(
          body, sizeof body,
          "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
          "\"arguments\":{}}}",
          i + 1, tool);
    double t0 = now_us();
    int status = post(c, body, "tools/call", tool);
    w->lat[i] = now_us() - t0;
    if (status != 200)
      w->errors++;
  }
  if (!ok)
    w->errors += w->calls;
  if (c && c->fd >= 0)
    close(c->fd);
  free(c);
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static long rss_kb(int pid) {
  char p[64], line[256];
  snprintf(p, sizeof p, "/proc/%d/status", pid);
  FILE *f = fopen(p, "r");
  long kb = -1;
  if (!f)
    return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) {
      kb = strtol(line + 6, NULL, 10);
      break;
    }
  fclose(f);
  return kb;
}

/* "http://HOST:PORT/PATH" into host, port and path. */
static int parse_url(const char *url) {
  if (strncmp(url, "http://", 7) != 0)
    return -1;
  const char *h = url + 7, *colon = strchr(h, ':');
  if (!colon || (size_t)(colon - h) >= sizeof host)
    return -1;
  memcpy(host, h, (size_t)(colon - h));
  host[colon - h] = '\0';
  char *end;
  long p = strtol(colon + 1, &end, 10);
  if (p <= 0 || p > 65535)
    return -1;
  port = (int)p;
  if (*end)
    snprintf(path, sizeof path, "%s", end);
  if (strcmp(host, "localhost") == 0)
    snprintf(host, sizeof host, "127.0.0.1");
  return 0;
}

int main(int argc, char **argv) {
  int clients = 1, calls = 1000, idle = 0, pid = 0;
  const char *url = NULL;
  for (int i = 1; i < argc; i++) {
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(argv[i], "--clients") && next)
      clients = atoi(argv[++i]); // NOLINT(cert-err34-c): a benchmark's own flags
    else if (!strcmp(argv[i], "--calls") && next)
      calls = atoi(argv[++i]); // NOLINT(cert-err34-c): a benchmark's own flags
    else if (!strcmp(argv[i], "--idle-sessions") && next)
      idle = atoi(argv[++i]); // NOLINT(cert-err34-c): a benchmark's own flags
    else if (!strcmp(argv[i], "--pid") && next)
      pid = atoi(argv[++i]); // NOLINT(cert-err34-c): a benchmark's own flags
    else if (!strcmp(argv[i], "--modern"))
      modern = true;
    else if (!strcmp(argv[i], "--tool") && next)
      tool = argv[++i];
    else
      url = argv[i];
  }
  if (!url || parse_url(url) != 0 || clients < 1 || clients > 1024 || calls < 1) {
    fprintf(stderr, "usage: mcp_http_bench URL [--clients N] [--calls N] [--modern] "
                    "[--idle-sessions N --pid PID]\n");
    return 2;
  }
  if (idle > 0) {
    long before = rss_kb(pid);
    conn *c = malloc(sizeof *c);
    int opened = 0;
    if (c && conn_open(c) == 0) {
      for (int i = 0; i < idle; i++) {
        c->session[0] = '\0';
        if (session_open(c) == 0)
          opened++;
      }
      close(c->fd);
    }
    free(c);
    usleep(300 * 1000); /* let the server settle (a benchmark, not a test) */
    long after = rss_kb(pid);
    printf("sessions %d\nrss_before_kb %ld\nrss_after_kb %ld\nkb_per_session %.2f\n", opened,
           before, after, opened ? (double)(after - before) / opened : 0.0);
    return opened == idle ? 0 : 1;
  }
  worker *w = calloc((size_t)clients, sizeof *w);
  double *all = calloc((size_t)clients * (size_t)calls, sizeof *all);
  pthread_barrier_t start;
  if (!w || !all)
    return 1;
  pthread_barrier_init(&start, NULL, (unsigned)clients + 1);
  for (int i = 0; i < clients; i++) {
    w[i].calls = calls;
    w[i].lat = all + (size_t)i * (size_t)calls;
    w[i].start = &start;
    pthread_create(&w[i].th, NULL, worker_main, &w[i]);
  }
  pthread_barrier_wait(&start);
  double t0 = now_us();
  int errors = 0;
  for (int i = 0; i < clients; i++) {
    pthread_join(w[i].th, NULL);
    errors += w[i].errors;
  }
  double wall = now_us() - t0;
  size_t n = (size_t)clients * (size_t)calls;
  qsort(all, n, sizeof *all, cmp_double);
  printf("clients %d\ncalls %zu\nerrors %d\ncalls_per_s %.0f\np50_us %.1f\np99_us %.1f\n", clients,
         n, errors, (double)n / (wall / 1e6), all[n / 2], all[(size_t)((double)n * 0.99)]);
  pthread_barrier_destroy(&start);
  free(all);
  free(w);
  return errors ? 1 : 0;
}
