/* http.c - the MCP Streamable HTTP transport: one libmicrohttpd daemon
 * (a thread per connection), the session table, SSE streams with resumable
 * event ids, and the checks in front of them (Origin, Host, bearer token,
 * body size, header deadline). */
#include "transport/http.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/num.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SESSION_BUCKETS 1024
#define STANDALONE_STREAM 1 /* every session's stream for messages of no request (GET) */
#define STANDALONE_KEEP 256 /* events the standalone stream keeps for resumption */
#define STREAM_KEEP_BYTES (4u * 1024 * 1024) /* a request stream's replay buffer */
#define MAX_STREAMS_PER_SESSION 64
#define KEEPALIVE_MS 15000 /* an SSE comment this often: a gone client shows up */
#define RETRY_MS 500       /* the SSE retry hint of a stream closed for polling */
#define TICK_MS 250        /* the watchdog's period */
#define KEEPALIVE_HINT_S 5 /* "Keep-Alive: timeout=" clients get */

/* One message queued on a stream. */
typedef struct event {
  struct event *next;
  uint64_t seq;
  bool final; /* the response that ends its stream */
  size_t len;
  char data[];
} event;

/* The messages of one request (or, STANDALONE_STREAM, of none), kept until
 * a client has read the final one, so that a dropped connection can resume. */
typedef struct stream {
  struct stream *next;
  uint64_t id;
  event *head, *tail;
  uint64_t last_seq;
  size_t nevents, bytes;
  uint64_t delivered; /* the highest seq written to a client */
  bool final;         /* the final message is queued */
  bool done;          /* the final message was written: the stream can go */
  int readers;        /* connections attached */
} stream;

typedef struct http_server http_server;

/* One MCP session (legacy era), or one stateless request (2026-07-28). */
typedef struct hsession {
  struct hsession *next_bucket;
  http_server *srv;
  char id[33];
  mcp_session *mcp;
  pthread_mutex_t mu; /* the streams */
  pthread_cond_t cv;  /* a message arrived, or the session ended */
  stream *streams;
  size_t nstreams;
  uint64_t next_stream;
  int refs;     /* under srv->mu: the table, requests and readers using it */
  bool ended;   /* DELETE, expiry or shutdown: readers stop */
  bool askable; /* the client declared sampling, elicitation or roots */
  bool stateless;
  uint64_t last_used_ms; /* under srv->mu */
} hsession;

/* A connection, known from its start: the watchdog cuts off one whose
 * request headers take longer than header_timeout_ms. */
typedef struct conn_rec {
  struct conn_rec *prev, *next;
  const struct http_server *srv;
  int fd;
  bool in_request;   /* headers complete, request being served */
  uint64_t since_ms; /* connection start, or the end of its last request */
  bool cut;          /* already shut down by the watchdog */
} conn_rec;

struct http_server {
  mcp_server *mcp;
  http_options opt;
  const char *path;
  const char *token;
  size_t token_len;
  bool loopback;
  char url[160];
  struct MHD_Daemon *daemon;
  pthread_mutex_t mu; /* the session table, refs, counters, conn list */
  pthread_cond_t cv;  /* active dropped */
  hsession *table[SESSION_BUCKETS];
  size_t nsessions;
  size_t active;  /* requests being served and SSE readers open */
  size_t readers; /* SSE readers open */
  conn_rec *conns;
  bool draining; /* SIGTERM: new requests get 503 */
  bool stopping; /* readers end now */
};

/* The per-request state kept by libmicrohttpd between calls. */
typedef struct req {
  hsession *hs; /* a reference, when the request holds one */
  bytebuf body; /* capped at --http-max-body */
  bool too_large;
  bool counted; /* in srv->active */
} req;

/* An SSE response being written. */
typedef struct sse_reader {
  http_server *srv;
  hsession *hs; /* a reference */
  stream *st;   /* alive while readers > 0 */
  uint64_t sent;
  bytebuf out;    /* the event being written */
  size_t out_off; /* how much of it went out */
  bool got_final;
  bool closing;          /* the poll event went out: end after it */
  uint64_t poll_at_ms;   /* 0: never closed for polling */
  uint64_t keepalive_at; /* next comment */
} sse_reader;

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  int saved = errno;
  char c = (char)sig;
  if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
    /* the pipe is full: a wake-up is pending already */
  }
  errno = saved;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void deadline_in(struct timespec *ts, uint64_t ms) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += (time_t)(ms / 1000);
  ts->tv_nsec += (long)(ms % 1000) * 1000000l;
  if (ts->tv_nsec >= 1000000000l) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000l;
  }
}

/* ---- options ---------------------------------------------------------------- */

const char http_usage_text[] =
    "  --http [HOST:]PORT       serve MCP over Streamable HTTP instead of stdio (HOST\n"
    "                           defaults to 127.0.0.1; PORT 0 picks a free port)\n"
    "  --http-path PATH         the MCP endpoint (default /mcp)\n"
    "  --auth-token TOKEN       require 'Authorization: Bearer TOKEN' (also " HTTP_TOKEN_ENV ");\n"
    "                           required when HOST is not loopback\n"
    "  --allow-origin ORIGIN    also accept this Origin, with CORS (repeatable; '*' = any);\n"
    "                           loopback origins are always accepted\n"
    "  --http-max-body BYTES    largest request body (default 4194304; larger: 413)\n"
    "  --http-max-sessions N    sessions at once (default 4096)\n"
    "  --http-max-streams N     connections at once (default 512)\n"
    "  --http-header-timeout-ms MS  request headers must arrive within MS (default 10000)\n"
    "  --http-session-idle-s S  a session unused for S seconds ends (default 1800)\n"
    "  --http-drain-ms MS       on SIGTERM, requests in flight may run MS more (default 10000)\n"
    "  --http-sse-poll-ms MS    close a POST's SSE stream after MS when its result is not\n"
    "                           ready; the client resumes with Last-Event-ID (default off)\n";

static int parse_host_port(http_options *opt, const char *value) {
  const char *colon = strrchr(value, ':');
  const char *port = colon ? colon + 1 : value;
  unsigned long long p;
  if (num_parse_ull(port, 65535, &p) != 0)
    return -1;
  opt->host[0] = '\0';
  if (colon) {
    size_t n = (size_t)(colon - value);
    if (n >= 2 && value[0] == '[' && value[n - 1] == ']') {
      value++;
      n -= 2;
    }
    if (n == 0 || n >= sizeof opt->host)
      return -1;
    memcpy(opt->host, value, n);
    opt->host[n] = '\0';
  }
  opt->port = (unsigned)p;
  opt->enabled = true;
  return 0;
}

int http_parse_option(http_options *opt, const char *flag, const char *value) {
  static const struct {
    const char *flag;
    unsigned long long min, max;
    size_t off;
    bool is_long;
  } nums[] = {
      {"--http-max-body", 64, 1ull << 30, offsetof(http_options, max_body), false},
      {"--http-max-sessions", 1, 1000000, offsetof(http_options, max_sessions), false},
      {"--http-max-streams", 4, 100000, offsetof(http_options, max_streams), false},
      {"--http-header-timeout-ms", 100, 3600000, offsetof(http_options, header_timeout_ms), true},
      {"--http-session-idle-s", 1, 31 * 86400, offsetof(http_options, session_idle_s), true},
      {"--http-drain-ms", 1, 3600000, offsetof(http_options, drain_ms), true},
      {"--http-sse-poll-ms", 1, 3600000, offsetof(http_options, sse_poll_ms), true},
  };
  bool known = strcmp(flag, "--http") == 0 || strcmp(flag, "--http-path") == 0 ||
               strcmp(flag, "--auth-token") == 0 || strcmp(flag, "--allow-origin") == 0;
  size_t k, n = sizeof nums / sizeof nums[0];
  for (k = 0; k < n && strcmp(flag, nums[k].flag) != 0; k++)
    ;
  if (!known && k == n)
    return 0;
  if (!value) {
    fprintf(stderr, "%s needs a value (see --help)\n", flag);
    return -1;
  }
  if (k < n) {
    unsigned long long v;
    if (num_parse_ull(value, nums[k].max, &v) != 0 || v < nums[k].min) {
      fprintf(stderr, "%s wants a number from %llu to %llu\n", flag, nums[k].min, nums[k].max);
      return -1;
    }
    char *field = (char *)opt + nums[k].off;
    if (nums[k].is_long)
      *(long *)(void *)field = (long)v;
    else
      *(size_t *)(void *)field = (size_t)v;
    return 1;
  }
  if (strcmp(flag, "--http") == 0) {
    if (parse_host_port(opt, value) != 0) {
      fprintf(stderr, "--http wants [HOST:]PORT, PORT from 0 to 65535\n");
      return -1;
    }
  } else if (strcmp(flag, "--http-path") == 0) {
    if (value[0] != '/' || strlen(value) > 256) {
      fprintf(stderr, "--http-path wants an absolute path (starting with /)\n");
      return -1;
    }
    opt->path = value;
  } else if (strcmp(flag, "--auth-token") == 0) {
    if (strlen(value) < 16 || strlen(value) > 4096) {
      fprintf(stderr, "--auth-token wants 16 to 4096 characters\n");
      return -1;
    }
    opt->token = value;
  } else {
    if (opt->norigins == HTTP_MAX_ORIGINS || !*value || strlen(value) > 512) {
      fprintf(stderr, "--allow-origin: at most %d origins, each 1 to 512 characters\n",
              HTTP_MAX_ORIGINS);
      return -1;
    }
    opt->origins[opt->norigins++] = value;
  }
  return 1;
}

/* ---- small helpers ------------------------------------------------------------ */

/* True when the token in AUTH ("Bearer X") equals the server's, compared in
 * time that depends on the server token's length only. */
static bool token_ok(const http_server *srv, const char *auth) {
  if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
    return false;
  const char *t = auth + 7;
  while (*t == ' ')
    t++;
  size_t n = strlen(t);
  while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
    n--;
  volatile unsigned char diff = (unsigned char)(n != srv->token_len);
  for (size_t i = 0; i < srv->token_len; i++)
    diff |= (unsigned char)srv->token[i] ^ (unsigned char)(i < n ? t[i] : 0);
  return diff == 0;
}

/* True when HOST (a Host header's host, or an origin's, port stripped) is a
 * loopback name. */
static bool host_is_loopback(const char *host, size_t n) {
  static const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i]) == n && strncasecmp(host, names[i], n) == 0)
      return true;
  return false;
}

/* The host part of "host[:port]" or "[v6]:port": its length. */
static size_t host_part(const char *hostport) {
  if (hostport[0] == '[') {
    const char *end = strchr(hostport, ']');
    return end ? (size_t)(end - hostport) + 1 : strlen(hostport);
  }
  return strcspn(hostport, ":");
}

static bool origin_allowed(const http_server *srv, const char *origin) {
  for (size_t i = 0; i < srv->opt.norigins; i++)
    if (strcmp(srv->opt.origins[i], "*") == 0 || strcasecmp(srv->opt.origins[i], origin) == 0)
      return true;
  const char *rest = NULL;
  if (strncasecmp(origin, "http://", 7) == 0)
    rest = origin + 7;
  else if (strncasecmp(origin, "https://", 8) == 0)
    rest = origin + 8;
  if (!rest)
    return false;
  size_t n = host_part(rest);
  if (!host_is_loopback(rest, n))
    return false;
  return rest[n] == '\0' || (rest[n] == ':' && strspn(rest + n + 1, "0123456789") > 0 &&
                             rest[n + 1 + strspn(rest + n + 1, "0123456789")] == '\0');
}

/* The Host header of a server bound to loopback must name loopback (or the
 * host of an allowed origin): the defence against DNS rebinding. */
static bool host_allowed(const http_server *srv, const char *host) {
  if (!srv->loopback)
    return true;
  if (!host)
    return false;
  if (host_is_loopback(host, host_part(host)))
    return true;
  for (size_t i = 0; i < srv->opt.norigins; i++) {
    const char *o = srv->opt.origins[i];
    const char *slash = strstr(o, "://");
    if (strcmp(o, "*") == 0)
      return true;
    if (slash && strcasecmp(slash + 3, host) == 0)
      return true;
  }
  return false;
}

/* Copies header NAME's value, spaces and tabs around it removed, into OUT.
 * Returns false when the header is absent or too long. */
static bool header_trimmed(struct MHD_Connection *c, const char *name, char *out, size_t outlen) {
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  if (!v)
    return false;
  while (*v == ' ' || *v == '\t')
    v++;
  size_t n = strlen(v);
  while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  if (n >= outlen)
    return false;
  memcpy(out, v, n);
  out[n] = '\0';
  return true;
}

static bool version_known(const char *v) {
  static const char *const versions[] = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25",
                                         "2026-07-28"};
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
    if (strcmp(v, versions[i]) == 0)
      return true;
  return false;
}

static conn_rec *conn_of(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info ? info->socket_context : NULL;
}

/* CORS: a browser page of an allowed origin may read the reply, and the headers a client
 * needs from it. Nothing is added for a request without an Origin, or with one that is not
 * allowed (that request gets 403 anyway). */
static void cors_add(struct MHD_Connection *c, struct MHD_Response *r) {
  const conn_rec *cr = conn_of(c);
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  if (!cr || !origin || !origin_allowed(cr->srv, origin))
    return;
  MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
  MHD_add_response_header(r, "Access-Control-Expose-Headers",
                          "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate");
  MHD_add_response_header(r, "Vary", "Origin");
}

/* Queues R (borrowed) as the reply, with the CORS headers it needs. */
static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r) {
  cors_add(c, r);
  return MHD_queue_response(c, status, r);
}

/* A CORS preflight (OPTIONS with an Origin, already allowed): browsers send it without
 * credentials before a POST, GET or DELETE with custom headers, so it is answered before the
 * bearer-token check. The headers asked for are allowed when they are plain header names. */
static enum MHD_Result respond_preflight(struct MHD_Connection *c) {
  static const char fallback[] = "Content-Type, Accept, Authorization, Mcp-Session-Id, "
                                 "MCP-Protocol-Version, Last-Event-ID, Mcp-Method, Mcp-Name";
  const char *asked =
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Access-Control-Request-Headers");
  size_t n = asked ? strlen(asked) : 0;
  bool plain =
      n > 0 && n <= 1024 &&
      strspn(asked, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_, ") == n;
  struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, POST, DELETE");
  MHD_add_response_header(r, "Access-Control-Allow-Headers", plain ? asked : fallback);
  MHD_add_response_header(r, "Access-Control-Max-Age", "600");
  MHD_add_response_header(r, "Vary", "Access-Control-Request-Headers");
  enum MHD_Result ret = queue(c, MHD_HTTP_NO_CONTENT, r);
  MHD_destroy_response(r);
  return ret;
}

/* Queues a response: BODY (NUL-terminated, copied; may be NULL) with TYPE. */
static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               const char *body, const hsession *hs) {
  size_t len = body ? strlen(body) : 0;
  struct MHD_Response *r =
      MHD_create_response_from_buffer(len, (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
  if (!r)
    return MHD_NO;
  if (type)
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  if (hs && !hs->stateless)
    MHD_add_response_header(r, "Mcp-Session-Id", hs->id);
  enum MHD_Result ret = queue(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

/* Answers STATUS with a JSON-RPC error body (id null, or ID). */
static enum MHD_Result respond_error(struct MHD_Connection *c, unsigned status, int code,
                                     const char *message, json_t *id) {
  json_t *doc = json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0", "id", id ? id : json_null(),
                          "error", "code", code, "message", message);
  char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
  json_decref(doc);
  enum MHD_Result ret = respond(c, status, "application/json", text, NULL);
  free(text);
  return ret;
}

/* ---- sessions and streams ----------------------------------------------------- */

static size_t bucket_of(const char *id) {
  uint32_t h = 2166136261u;
  for (; *id; id++)
    h = (h ^ (unsigned char)*id) * 16777619u;
  return h % SESSION_BUCKETS;
}

static void event_free_list(event *e) {
  while (e) {
    event *next = e->next;
    free(e);
    e = next;
  }
}

static stream *stream_find(hsession *hs, uint64_t id) {
  for (stream *st = hs->streams; st; st = st->next)
    if (st->id == id)
      return st;
  return NULL;
}

static void stream_remove(hsession *hs, stream *st);

/* Creates a stream. Called with hs->mu held; NULL when there are too many
 * unfinished ones. */
static stream *stream_new(hsession *hs, uint64_t id) {
  if (hs->nstreams >= MAX_STREAMS_PER_SESSION) {
    /* make room: drop answered requests whose client never came back for the
     * answer (a closed connection, SSE polling not resumed) */
    stream *st = hs->streams;
    while (st) {
      stream *next = st->next;
      if (st->id != STANDALONE_STREAM && st->final && st->readers == 0)
        stream_remove(hs, st);
      st = next;
    }
  }
  if (hs->nstreams >= MAX_STREAMS_PER_SESSION)
    return NULL;
  stream *st = calloc(1, sizeof *st);
  if (!st)
    return NULL;
  st->id = id;
  st->next = hs->streams;
  hs->streams = st;
  hs->nstreams++;
  return st;
}

/* Unlinks and frees ST. Called with hs->mu held. */
static void stream_remove(hsession *hs, stream *st) {
  stream **pp = &hs->streams;
  while (*pp && *pp != st)
    pp = &(*pp)->next;
  if (*pp) {
    *pp = st->next;
    hs->nstreams--;
  }
  event_free_list(st->head);
  free(st);
}

/* True when MSG is a response (or a batch of them): the end of its stream. */
static bool msg_is_final(const char *msg, size_t len) {
  if (len > 0 && msg[0] == '[')
    return true;
  if (!memmem(msg, len, "\"method\"", 8))
    return true; /* requests and notifications all carry a method */
  json_t *doc = json_loadb(msg, len, 0, NULL);
  bool final = json_is_object(doc) && json_object_get(doc, "id") && !json_object_get(doc, "method");
  json_decref(doc);
  return final;
}

/* The core's send callback: queues MSG on the stream its tag names. */
static void http_send(void *ctx, void *tag, const char *msg, size_t len) {
  hsession *hs = ctx;
  uint64_t sid = tag ? (uint64_t)(uintptr_t)tag : STANDALONE_STREAM;
  bool final = sid != STANDALONE_STREAM && msg_is_final(msg, len);
  event *ev = malloc(sizeof *ev + len + 1);
  if (!ev) {
    log_error("http", "out of memory queueing a %zu-byte message: dropped", len);
    return;
  }
  ev->next = NULL;
  ev->final = final;
  ev->len = len;
  memcpy(ev->data, msg, len);
  ev->data[len] = '\0';
  pthread_mutex_lock(&hs->mu);
  stream *st = stream_find(hs, sid);
  if (!st || st->final) {
    pthread_mutex_unlock(&hs->mu);
    free(ev);
    return; /* the session or request is gone */
  }
  ev->seq = ++st->last_seq;
  if (st->tail)
    st->tail->next = ev;
  else
    st->head = ev;
  st->tail = ev;
  st->nevents++;
  st->bytes += len;
  st->final = final;
  /* bounded replay: drop what was delivered (or, standalone, the oldest) */
  size_t keep = sid == STANDALONE_STREAM ? STANDALONE_KEEP : SIZE_MAX;
  while (st->head != st->tail && (st->nevents > keep || (st->bytes > STREAM_KEEP_BYTES &&
                                                         st->head->seq <= st->delivered))) {
    event *old = st->head;
    st->head = old->next;
    st->nevents--;
    st->bytes -= old->len;
    free(old);
  }
  pthread_cond_broadcast(&hs->cv);
  pthread_mutex_unlock(&hs->mu);
}

static hsession *session_new(http_server *srv, bool stateless) {
  hsession *hs = calloc(1, sizeof *hs);
  if (!hs)
    return NULL;
  hs->srv = srv;
  hs->stateless = stateless;
  hs->next_stream = STANDALONE_STREAM + 1;
  pthread_mutex_init(&hs->mu, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&hs->cv, &attr);
  pthread_condattr_destroy(&attr);
  if (!stateless) {
    unsigned char raw[16];
    size_t got = 0;
    while (got < sizeof raw) {
      ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof raw; i++)
      snprintf(hs->id + 2 * i, 3, "%02x", raw[i]);
    if (!stream_new(hs, STANDALONE_STREAM))
      goto fail;
  }
  hs->mcp = mcp_session_new(srv->mcp, http_send, hs);
  if (!hs->mcp)
    goto fail;
  hs->refs = 1;
  return hs;
fail:
  while (hs->streams)
    stream_remove(hs, hs->streams);
  pthread_mutex_destroy(&hs->mu);
  pthread_cond_destroy(&hs->cv);
  free(hs);
  return NULL;
}

/* Frees HS: the core session first (it drains, cancelling), then the streams. */
static void session_destroy(hsession *hs) {
  mcp_session_free(hs->mcp);
  while (hs->streams)
    stream_remove(hs, hs->streams);
  pthread_mutex_destroy(&hs->mu);
  pthread_cond_destroy(&hs->cv);
  free(hs);
}

/* Marks HS ended and wakes its readers. */
static void session_end(hsession *hs) {
  pthread_mutex_lock(&hs->mu);
  hs->ended = true;
  pthread_cond_broadcast(&hs->cv);
  pthread_mutex_unlock(&hs->mu);
}

static void session_unref(hsession *hs) {
  http_server *srv = hs->srv;
  pthread_mutex_lock(&srv->mu);
  bool last = --hs->refs == 0;
  pthread_mutex_unlock(&srv->mu);
  if (last)
    session_destroy(hs);
}

/* Takes HS out of the table. Called with srv->mu held; the table's
 * reference passes to the caller. */
static void table_remove(http_server *srv, hsession *hs) {
  hsession **pp = &srv->table[bucket_of(hs->id)];
  while (*pp && *pp != hs)
    pp = &(*pp)->next_bucket;
  if (*pp) {
    *pp = hs->next_bucket;
    srv->nsessions--;
  }
}

/* Finds session ID and takes a reference, or NULL. */
static hsession *session_get(http_server *srv, const char *id) {
  pthread_mutex_lock(&srv->mu);
  hsession *hs = srv->table[bucket_of(id)];
  while (hs && strcmp(hs->id, id) != 0)
    hs = hs->next_bucket;
  if (hs) {
    hs->refs++;
    hs->last_used_ms = now_ms();
  }
  pthread_mutex_unlock(&srv->mu);
  return hs;
}

/* ---- SSE ------------------------------------------------------------------------ */

/* Formats into R->out: FMT_HEAD with SID and SEQ, then LEN bytes of DATA and a
 * blank line when DATA is not NULL. Returns 0, or -1 when out of memory. */
static int reader_put(sse_reader *r, const char *fmt_head, uint64_t sid, uint64_t seq,
                      const char *data, size_t len) {
  buf_clear(&r->out);
  r->out_off = 0;
  buf_appendf(&r->out, fmt_head, (unsigned long long)sid, (unsigned long long)seq);
  if (data) {
    buf_append(&r->out, data, len);
    buf_append(&r->out, "\n\n", 2);
  }
  if (r->out.status == BUF_OK)
    return 0;
  buf_clear(&r->out);
  return -1;
}

static ssize_t reader_copy(sse_reader *r, char *buf, size_t max) {
  size_t n = r->out.len - r->out_off;
  if (n > max)
    n = max;
  memcpy(buf, r->out.data + r->out_off, n);
  r->out_off += n;
  return (ssize_t)n;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  sse_reader *r = cls;
  if (r->out_off < r->out.len)
    return reader_copy(r, buf, max);
  if (r->closing || r->got_final)
    return MHD_CONTENT_READER_END_OF_STREAM;
  hsession *hs = r->hs;
  stream *st = r->st;
  ssize_t result = MHD_CONTENT_READER_END_OF_STREAM;
  pthread_mutex_lock(&hs->mu);
  for (;;) {
    event *ev = st->head;
    while (ev && ev->seq <= r->sent)
      ev = ev->next;
    if (ev) {
      if (reader_put(r, "id: %llu-%llu\nevent: message\ndata: ", st->id, ev->seq, ev->data,
                     ev->len) != 0)
        break;
      r->sent = ev->seq;
      if (ev->seq > st->delivered)
        st->delivered = ev->seq;
      if (ev->final) {
        r->got_final = true;
        st->done = true;
      }
      pthread_mutex_unlock(&hs->mu);
      return reader_copy(r, buf, max);
    }
    if (hs->ended || r->srv->stopping)
      break;
    uint64_t now = now_ms();
    if (r->poll_at_ms && now >= r->poll_at_ms) {
      /* SSE polling: an event with an id to resume from, and the delay */
      if (reader_put(r, "id: %llu-%llu\nretry: " /* NOLINT */ "500\ndata: \n\n", st->id, r->sent,
                     NULL, 0) != 0)
        break;
      r->closing = true;
      pthread_mutex_unlock(&hs->mu);
      return reader_copy(r, buf, max);
    }
    if (now >= r->keepalive_at) {
      r->keepalive_at = now + KEEPALIVE_MS;
      pthread_mutex_unlock(&hs->mu);
      static const char comment[] = ": keep-alive\n\n";
      buf_clear(&r->out);
      r->out_off = 0;
      size_t n = sizeof comment - 1 < max ? sizeof comment - 1 : max;
      memcpy(buf, comment, n);
      return (ssize_t)n;
    }
    uint64_t until = r->keepalive_at;
    if (r->poll_at_ms && r->poll_at_ms < until)
      until = r->poll_at_ms;
    if (until > now + 1000)
      until = now + 1000; /* shutdown is noticed within a second at worst */
    struct timespec ts;
    deadline_in(&ts, until - now);
    pthread_cond_timedwait(&hs->cv, &hs->mu, &ts);
  }
  pthread_mutex_unlock(&hs->mu);
  return result;
}

static void sse_free(void *cls) {
  sse_reader *r = cls;
  hsession *hs = r->hs;
  http_server *srv = r->srv;
  pthread_mutex_lock(&hs->mu);
  r->st->readers--;
  if (r->st->done && r->st->readers == 0 && r->st->id != STANDALONE_STREAM)
    stream_remove(hs, r->st);
  pthread_mutex_unlock(&hs->mu);
  buf_free(&r->out);
  free(r);
  session_unref(hs);
  pthread_mutex_lock(&srv->mu);
  srv->active--;
  srv->readers--;
  pthread_cond_broadcast(&srv->cv);
  pthread_mutex_unlock(&srv->mu);
}

/* Answers with an SSE stream of ST from seq SENT on. Takes over a reference
 * to HS. Called with hs->mu held, ST->readers already counted. */
static enum MHD_Result respond_sse(struct MHD_Connection *c, http_server *srv, hsession *hs,
                                   stream *st, uint64_t sent, bool poll) {
  sse_reader *r = calloc(1, sizeof *r);
  struct MHD_Response *resp = NULL;
  if (r) {
    r->srv = srv;
    r->hs = hs;
    r->st = st;
    r->sent = sent;
    buf_init(&r->out, BUF_NO_CAP);
    r->keepalive_at = now_ms() + KEEPALIVE_MS;
    if (poll && srv->opt.sse_poll_ms > 0)
      r->poll_at_ms = now_ms() + (uint64_t)srv->opt.sse_poll_ms;
    resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, sse_read, r, sse_free);
  }
  if (!resp) {
    free(r);
    st->readers--;
    pthread_mutex_unlock(&hs->mu);
    session_unref(hs);
    return MHD_NO;
  }
  pthread_mutex_unlock(&hs->mu);
  pthread_mutex_lock(&srv->mu);
  srv->active++;
  srv->readers++;
  pthread_mutex_unlock(&srv->mu);
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
  if (!hs->stateless)
    MHD_add_response_header(resp, "Mcp-Session-Id", hs->id);
  enum MHD_Result ret = queue(c, MHD_HTTP_OK, resp);
  MHD_destroy_response(resp); /* sse_free runs when the connection lets go */
  return ret;
}

/* ---- POST ----------------------------------------------------------------------- */

/* 2026-07-28 gives errors HTTP statuses: 404 for an unknown (or removed)
 * method, 400 for a request that is wrong on its face. */
static unsigned modern_status(const char *msg, size_t len) {
  if (!memmem(msg, len, "\"error\"", 7))
    return MHD_HTTP_OK;
  json_t *doc = json_loadb(msg, len, 0, NULL);
  json_t *code = json_object_get(json_object_get(doc, "error"), "code");
  json_int_t n = json_is_integer(code) ? json_integer_value(code) : 0;
  json_decref(doc);
  switch (n) {
  case MCP_METHOD_NOT_FOUND:
    return MHD_HTTP_NOT_FOUND;
  case MCP_PARSE_ERROR:
  case MCP_INVALID_REQUEST:
  case MCP_INVALID_PARAMS:
  case MCP_HEADER_MISMATCH:
  case MCP_MISSING_CAPABILITY:
  case MCP_UNSUPPORTED_VERSION:
    return MHD_HTTP_BAD_REQUEST;
  default:
    return MHD_HTTP_OK;
  }
}

/* Waits for ST's first message and answers: application/json when it is the
 * final one, else an SSE stream. Takes over the reference REQ holds on HS. */
static enum MHD_Result answer_stream(struct MHD_Connection *c, http_server *srv, req *rq,
                                     stream *st) {
  hsession *hs = rq->hs;
  /* SSE polling needs resumption, which needs a session */
  uint64_t poll_at =
      srv->opt.sse_poll_ms > 0 && !hs->stateless ? now_ms() + (uint64_t)srv->opt.sse_poll_ms : 0;
  pthread_mutex_lock(&hs->mu);
  for (;;) {
    if (st->head || hs->ended || srv->stopping)
      break;
    uint64_t now = now_ms();
    if (poll_at && now >= poll_at)
      break;
    uint64_t wait = 1000;
    if (poll_at && poll_at - now < wait)
      wait = poll_at - now;
    struct timespec ts;
    deadline_in(&ts, wait);
    pthread_cond_timedwait(&hs->cv, &hs->mu, &ts);
  }
  if (st->head && st->head->final && st->head == st->tail) {
    event *ev = st->head;
    st->head = st->tail = NULL;
    stream_remove(hs, st);
    pthread_mutex_unlock(&hs->mu);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(ev->len, ev->data, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_NO;
    if (r) {
      MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
      if (!hs->stateless)
        MHD_add_response_header(r, "Mcp-Session-Id", hs->id);
      ret = queue(c, hs->stateless ? modern_status(ev->data, ev->len) : MHD_HTTP_OK, r);
      MHD_destroy_response(r);
    }
    free(ev);
    return ret; /* the request's reference goes in req_done */
  }
  if (!st->head && (hs->ended || srv->stopping)) {
    stream_remove(hs, st);
    pthread_mutex_unlock(&hs->mu);
    return respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, MCP_INTERNAL_ERROR,
                         "Service unavailable: the server is shutting down", NULL);
  }
  st->readers++;
  rq->hs = NULL; /* the reader holds the reference now */
  return respond_sse(c, srv, hs, st, 0, !hs->stateless);
}

/* The JSON-RPC message kinds a POST body holds. */
typedef struct body_kind {
  bool any_request;
  bool initialize;
  json_t *first_id; /* borrowed */
  const char *method;
  json_t *params; /* borrowed */
} body_kind;

static void classify(json_t *doc, body_kind *k) {
  memset(k, 0, sizeof *k);
  json_t *one = doc;
  size_t i = 0;
  if (json_is_array(doc))
    one = json_array_get(doc, 0);
  while (one) {
    json_t *m = json_object_get(one, "method");
    json_t *id = json_object_get(one, "id");
    if (json_is_string(m) && id) {
      if (!k->any_request) {
        k->method = json_string_value(m);
        k->first_id = id;
        k->params = json_object_get(one, "params");
      }
      k->any_request = true;
      if (strcmp(json_string_value(m), "initialize") == 0)
        k->initialize = true;
    } else if (json_is_string(m) && !k->method) {
      k->method = json_string_value(m);
      k->params = json_object_get(one, "params");
    } else if (!json_is_string(m) && !k->first_id) {
      k->first_id = id;
    }
    one = json_is_array(doc) ? json_array_get(doc, ++i) : NULL;
  }
}

/* 2026-07-28: the Mcp-Method and Mcp-Name headers must repeat the body.
 * Returns NULL when they do, else why not. */
static const char *headers_mismatch(struct MHD_Connection *c, const body_kind *k) {
  char value[512];
  if (!k->method)
    return NULL;
  if (!header_trimmed(c, "Mcp-Method", value, sizeof value))
    return "Header mismatch: the Mcp-Method header is required";
  if (strcmp(value, k->method) != 0)
    return "Header mismatch: the Mcp-Method header does not match the body's method";
  const char *field = NULL;
  if (strcmp(k->method, "tools/call") == 0 || strcmp(k->method, "prompts/get") == 0)
    field = "name";
  else if (strcmp(k->method, "resources/read") == 0)
    field = "uri";
  const char *want = field ? json_string_value(json_object_get(k->params, field)) : NULL;
  if (!want)
    return NULL;
  if (!header_trimmed(c, "Mcp-Name", value, sizeof value))
    return "Header mismatch: the Mcp-Name header is required";
  if (strcmp(value, want) != 0)
    return "Header mismatch: the Mcp-Name header does not match the body";
  return NULL;
}

/* Decodes strict base64 (RFC 4648: the standard alphabet, padded to a
 * multiple of 4) of IN[0..N) into OUT (NUL-terminated). Returns the length,
 * or -1 when IN is not valid or OUT is too small. */
static long base64_decode(const char *in, size_t n, char *out, size_t outlen) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (n % 4 != 0 || n / 4 * 3 >= outlen)
    return -1;
  size_t len = 0;
  for (size_t i = 0; i < n; i += 4) {
    unsigned v = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; j++) {
      char ch = in[i + j];
      const char *at = ch ? strchr(alphabet, ch) : NULL;
      if (ch == '=' && i + 4 == n && j >= 2 && (j == 3 || in[i + 3] == '=')) {
        pad++;
        v <<= 6;
      } else if (at && pad == 0) {
        v = (v << 6) | (unsigned)(at - alphabet);
      } else {
        return -1;
      }
    }
    out[len++] = (char)(v >> 16);
    if (pad < 2)
      out[len++] = (char)(v >> 8 & 0xff);
    if (pad < 1)
      out[len++] = (char)(v & 0xff);
  }
  out[len] = '\0';
  return (long)len;
}

/* 2026-07-28 (SEP-2243): a tools/call argument whose schema property names
 * an "x-mcp-header" H travels in the header Mcp-Param-H too, as is or as
 * =?base64?...?=, and the two must agree. Returns NULL, or why not. */
static const char *param_headers_mismatch(struct MHD_Connection *c, mcp_server *mcp,
                                          const body_kind *k) {
  if (!k->method || strcmp(k->method, "tools/call") != 0)
    return NULL;
  json_t *schema =
      mcp_server_tool_input_schema(mcp, json_string_value(json_object_get(k->params, "name")));
  json_t *props = json_object_get(schema, "properties");
  json_t *args = json_object_get(k->params, "arguments");
  const char *prop;
  json_t *def;
  json_object_foreach(props, prop, def) {
    const char *suffix = json_string_value(json_object_get(def, "x-mcp-header"));
    if (!suffix || strlen(suffix) > 100)
      continue;
    char name[128], raw[1024] = "", decoded[1024];
    snprintf(name, sizeof name, "Mcp-Param-%s", suffix);
    json_t *v = json_object_get(args, prop);
    bool has = header_trimmed(c, name, raw, sizeof raw);
    if (!has && (!v || json_is_null(v)))
      continue;
    if (!has)
      return "Header mismatch: an argument mirrored in an Mcp-Param header is missing its header";
    if (!v)
      return "Header mismatch: an Mcp-Param header names an argument the body does not have";
    const char *value = raw;
    size_t n = strlen(raw);
    if (n >= 11 && strncmp(raw, "=?base64?", 9) == 0 && strcmp(raw + n - 2, "?=") == 0) {
      if (base64_decode(raw + 9, n - 11, decoded, sizeof decoded) < 0)
        return "Header mismatch: an Mcp-Param header holds invalid base64";
      value = decoded;
    }
    char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    bool same = strcmp(value, json_is_string(v) ? json_string_value(v) : text ? text : "") == 0;
    free(text);
    if (!same)
      return "Header mismatch: an Mcp-Param header does not match its argument";
  }
  return NULL;
}

static bool body_is_modern(struct MHD_Connection *c, const body_kind *k) {
  char v[32];
  if (header_trimmed(c, "MCP-Protocol-Version", v, sizeof v))
    return strcmp(v, "2026-07-28") == 0;
  if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id") || k->initialize)
    return false;
  json_t *meta = json_object_get(k->params, "_meta");
  return json_object_get(meta, "io.modelcontextprotocol/protocolVersion") != NULL;
}

static enum MHD_Result handle_post(struct MHD_Connection *c, http_server *srv, req *rq) {
  const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  if (!type || strncasecmp(type, "application/json", 16) != 0)
    return respond_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, MCP_INVALID_REQUEST,
                         "Unsupported Media Type: the body must be application/json", NULL);
  json_error_t jerr;
  json_t *doc = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, 0, &jerr);
  if (!doc)
    return respond_error(c, MHD_HTTP_BAD_REQUEST, MCP_PARSE_ERROR, "Parse error: invalid JSON",
                         NULL);
  enum MHD_Result ret;
  if (!json_is_object(doc) && !(json_is_array(doc) && json_array_size(doc) > 0)) {
    ret = respond_error(c, MHD_HTTP_BAD_REQUEST, MCP_INVALID_REQUEST,
                        "Invalid Request: the body must be a JSON-RPC message", NULL);
    goto done;
  }
  body_kind k;
  classify(doc, &k);
  char version[32];
  bool has_version = header_trimmed(c, "MCP-Protocol-Version", version, sizeof version);
  const char *body_version = json_string_value(json_object_get(
      json_object_get(k.params, "_meta"), "io.modelcontextprotocol/protocolVersion"));
  /* an unknown version the body repeats is the core's to refuse (-32022) */
  if (has_version && !version_known(version) &&
      !(body_version && strcmp(body_version, version) == 0)) {
    ret = respond_error(c, MHD_HTTP_BAD_REQUEST, MCP_INVALID_REQUEST,
                        "Bad Request: unsupported MCP-Protocol-Version", k.first_id);
    goto done;
  }
  bool modern = body_is_modern(c, &k) || (has_version && body_version);
  if (modern) {
    const char *why = k.any_request ? headers_mismatch(c, &k) : NULL;
    if (!why && k.any_request)
      why = param_headers_mismatch(c, srv->mcp, &k);
    if (!why && has_version && body_version && strcmp(version, body_version) != 0)
      why = "Header mismatch: MCP-Protocol-Version does not match the body's protocol version";
    if (why) {
      ret = respond_error(c, MHD_HTTP_BAD_REQUEST, MCP_HEADER_MISMATCH, why, k.first_id);
      goto done;
    }
    if (k.initialize) {
      ret = respond_error(c, MHD_HTTP_NOT_FOUND, MCP_METHOD_NOT_FOUND,
                          "Method not found: initialize (protocol 2026-07-28 has no handshake)",
                          k.first_id);
      goto done;
    }
    if (!k.any_request) {
      ret = respond(c, MHD_HTTP_ACCEPTED, NULL, NULL, NULL);
      goto done;
    }
    rq->hs = session_new(srv, true);
  } else if (k.initialize && !json_is_array(doc) &&
             !MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id")) {
    pthread_mutex_lock(&srv->mu);
    bool full = srv->nsessions >= srv->opt.max_sessions;
    pthread_mutex_unlock(&srv->mu);
    if (full) {
      ret = respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, MCP_SERVER_BUSY,
                          "Service unavailable: too many sessions", k.first_id);
      goto done;
    }
    hsession *hs = session_new(srv, false);
    if (hs) {
      json_t *caps = json_object_get(k.params, "capabilities");
      hs->askable = json_object_get(caps, "sampling") || json_object_get(caps, "elicitation") ||
                    json_object_get(caps, "roots");
      pthread_mutex_lock(&srv->mu);
      size_t b = bucket_of(hs->id);
      hs->next_bucket = srv->table[b];
      srv->table[b] = hs;
      srv->nsessions++;
      hs->refs++; /* the table's and the request's */
      hs->last_used_ms = now_ms();
      pthread_mutex_unlock(&srv->mu);
    }
    rq->hs = hs;
  } else {
    const char *sid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
    if (!sid) {
      ret = respond_error(c, MHD_HTTP_BAD_REQUEST, MCP_INVALID_REQUEST,
                          "Bad Request: Mcp-Session-Id header is required", k.first_id);
      goto done;
    }
    rq->hs = session_get(srv, sid);
    if (!rq->hs) {
      ret = respond_error(c, MHD_HTTP_NOT_FOUND, MCP_INVALID_REQUEST,
                          "Session not found: initialize a new session", k.first_id);
      goto done;
    }
  }
  if (!rq->hs) {
    ret = respond_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, MCP_INTERNAL_ERROR,
                        "Internal error: cannot create a session", NULL);
    goto done;
  }
  hsession *hs = rq->hs;
  if (!k.any_request) {
    mcp_session_handle(hs->mcp, rq->body.data, rq->body.len, NULL);
    ret = respond(c, MHD_HTTP_ACCEPTED, NULL, NULL, hs);
    goto done;
  }
  pthread_mutex_lock(&hs->mu);
  uint64_t sid = hs->next_stream++;
  stream *st = stream_new(hs, sid);
  pthread_mutex_unlock(&hs->mu);
  if (!st) {
    ret = respond_error(c, MHD_HTTP_TOO_MANY_REQUESTS, MCP_SERVER_BUSY,
                        "Too many requests in progress on this session", k.first_id);
    goto done;
  }
  /* A request that will not wait on the client runs on this connection's
   * thread (no hand-over to a worker and back); one that may (a legacy client
   * that can be asked) or wants progress as it happens goes to the workers,
   * so that its SSE stream flows while it runs. */
  json_t *meta = json_object_get(k.params, "_meta");
  if (json_is_array(doc) || (!modern && hs->askable) || json_object_get(meta, "progressToken"))
    mcp_session_handle(hs->mcp, rq->body.data, rq->body.len, (void *)(uintptr_t)sid);
  else
    mcp_session_handle_inline(hs->mcp, rq->body.data, rq->body.len, (void *)(uintptr_t)sid);
  ret = answer_stream(c, srv, rq, st);
done:
  json_decref(doc);
  return ret;
}

/* ---- GET and DELETE --------------------------------------------------------------- */

/* GET and DELETE belong to the legacy sessions: returns the request's session id, or NULL
 * after answering *RET (405 in protocol 2026-07-28, 400 without a session id). */
static const char *legacy_session_id(struct MHD_Connection *c, const char *method,
                                     enum MHD_Result *ret) {
  char v[32], why[64];
  if (header_trimmed(c, "MCP-Protocol-Version", v, sizeof v) && strcmp(v, "2026-07-28") == 0) {
    snprintf(why, sizeof why, "%s is not part of protocol 2026-07-28\n", method);
    *ret = respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", why, NULL);
    return NULL;
  }
  const char *sid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
  if (!sid)
    *ret = respond_error(c, MHD_HTTP_BAD_REQUEST, MCP_INVALID_REQUEST,
                         "Bad Request: Mcp-Session-Id header is required", NULL);
  return sid;
}

static enum MHD_Result handle_get(struct MHD_Connection *c, http_server *srv, req *rq) {
  enum MHD_Result ret = MHD_NO;
  const char *sid = legacy_session_id(c, "GET", &ret);
  if (!sid)
    return ret;
  hsession *hs = session_get(srv, sid);
  if (!hs)
    return respond_error(c, MHD_HTTP_NOT_FOUND, MCP_INVALID_REQUEST,
                         "Session not found: initialize a new session", NULL);
  rq->hs = hs;
  uint64_t stream_id = STANDALONE_STREAM, seq = 0;
  bool resume = false;
  char last[64];
  if (header_trimmed(c, "Last-Event-ID", last, sizeof last)) {
    char *dash = strchr(last, '-');
    unsigned long long a, b;
    if (dash) {
      *dash = '\0';
      if (num_parse_ull(last, UINT64_MAX, &a) == 0 &&
          num_parse_ull(dash + 1, UINT64_MAX, &b) == 0) {
        stream_id = a;
        seq = b;
        resume = true;
      }
    }
  }
  pthread_mutex_lock(&hs->mu);
  stream *st = stream_find(hs, stream_id);
  if (!st || (resume && st->done && st->readers == 0 && stream_id != STANDALONE_STREAM)) {
    pthread_mutex_unlock(&hs->mu);
    return respond_error(c, MHD_HTTP_NOT_FOUND, MCP_INVALID_REQUEST,
                         "Not found: no stream for that Last-Event-ID", NULL);
  }
  if (st->readers > 0) {
    pthread_mutex_unlock(&hs->mu);
    return respond_error(c, MHD_HTTP_CONFLICT, MCP_INVALID_REQUEST,
                         "Conflict: a stream is already open for this session", NULL);
  }
  if (!resume)
    seq = st->delivered;
  st->readers++;
  rq->hs = NULL;
  return respond_sse(c, srv, hs, st, seq, false);
}

static enum MHD_Result handle_delete(struct MHD_Connection *c, http_server *srv) {
  enum MHD_Result ret = MHD_NO;
  const char *sid = legacy_session_id(c, "DELETE", &ret);
  if (!sid)
    return ret;
  pthread_mutex_lock(&srv->mu);
  hsession *hs = srv->table[bucket_of(sid)];
  while (hs && strcmp(hs->id, sid) != 0)
    hs = hs->next_bucket;
  if (hs)
    table_remove(srv, hs);
  pthread_mutex_unlock(&srv->mu);
  if (!hs)
    return respond_error(c, MHD_HTTP_NOT_FOUND, MCP_INVALID_REQUEST,
                         "Session not found: initialize a new session", NULL);
  session_end(hs);
  session_unref(hs); /* the table's reference */
  return respond(c, MHD_HTTP_OK, NULL, NULL, NULL);
}

/* ---- libmicrohttpd callbacks ------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  (void)version;
  http_server *srv = cls;
  req *rq = *con_cls;
  if (!rq) {
    conn_rec *cr = conn_of(c);
    if (cr) {
      pthread_mutex_lock(&srv->mu);
      cr->in_request = true;
      pthread_mutex_unlock(&srv->mu);
    }
    rq = calloc(1, sizeof *rq);
    if (!rq)
      return MHD_NO;
    buf_init(&rq->body, srv->opt.max_body);
    *con_cls = rq;
    pthread_mutex_lock(&srv->mu);
    bool draining = srv->draining;
    if (!draining) {
      srv->active++;
      rq->counted = true;
    }
    pthread_mutex_unlock(&srv->mu);
    if (draining)
      return respond_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, MCP_INTERNAL_ERROR,
                           "Service unavailable: the server is shutting down", NULL);
    if (strcmp(url, srv->path) != 0)
      return respond(c, MHD_HTTP_NOT_FOUND, "text/plain", "Not found\n", NULL);
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    if ((origin && !origin_allowed(srv, origin)) || !host_allowed(srv, host))
      return respond_error(c, MHD_HTTP_FORBIDDEN, MCP_INVALID_REQUEST,
                           "Forbidden: Origin or Host not allowed", NULL);
    if (origin && strcmp(method, "OPTIONS") == 0)
      return respond_preflight(c);
    if (srv->token &&
        !token_ok(srv, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"))) {
      struct MHD_Response *r = MHD_create_response_from_buffer(
          sizeof "Unauthorized\n" - 1, (void *)"Unauthorized\n", MHD_RESPMEM_PERSISTENT);
      if (!r)
        return MHD_NO;
      MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                              "Bearer realm=\"mcp\", error=\"invalid_token\"");
      MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
      enum MHD_Result ret = queue(c, MHD_HTTP_UNAUTHORIZED, r);
      MHD_destroy_response(r);
      return ret;
    }
    if (strcmp(method, "POST") == 0) {
      const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
      unsigned long long n;
      if (cl && (num_parse_ull(cl, ULLONG_MAX, &n) != 0 || n > srv->opt.max_body))
        return respond_error(c, MHD_HTTP_CONTENT_TOO_LARGE, MCP_INVALID_REQUEST,
                             "Payload too large", NULL);
      return MHD_YES; /* the body follows */
    }
    if (strcmp(method, "GET") == 0)
      return handle_get(c, srv, rq);
    if (strcmp(method, "DELETE") == 0)
      return handle_delete(c, srv);
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r)
      return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, POST, DELETE");
    enum MHD_Result ret = queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
    MHD_destroy_response(r);
    return ret;
  }
  if (*upload_size > 0) {
    size_t n = *upload_size;
    *upload_size = 0;
    buf_status st = buf_append(&rq->body, upload, n);
    if (st == BUF_FULL)
      rq->too_large = true; /* a chunked body over the cap: the connection is closed */
    return st == BUF_OK ? MHD_YES : MHD_NO;
  }
  return handle_post(c, srv, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why) {
  (void)why;
  http_server *srv = cls;
  req *rq = *con_cls;
  conn_rec *cr = conn_of(c);
  pthread_mutex_lock(&srv->mu);
  if (cr) {
    cr->in_request = false;
    cr->since_ms = now_ms();
  }
  if (rq && rq->counted) {
    srv->active--;
    pthread_cond_broadcast(&srv->cv);
  }
  pthread_mutex_unlock(&srv->mu);
  if (!rq)
    return;
  if (rq->hs)
    session_unref(rq->hs);
  buf_free(&rq->body);
  free(rq);
  *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  http_server *srv = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    conn_rec *cr = calloc(1, sizeof *cr);
    if (!cr)
      return;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    cr->srv = srv;
    cr->fd = info ? info->connect_fd : -1;
    cr->since_ms = now_ms();
    pthread_mutex_lock(&srv->mu);
    cr->next = srv->conns;
    if (srv->conns)
      srv->conns->prev = cr;
    srv->conns = cr;
    pthread_mutex_unlock(&srv->mu);
    *socket_context = cr;
    if (srv->opt.open_connections)
      atomic_fetch_add(srv->opt.open_connections, 1);
  } else {
    conn_rec *cr = *socket_context;
    if (!cr)
      return;
    pthread_mutex_lock(&srv->mu);
    if (cr->prev)
      cr->prev->next = cr->next;
    else
      srv->conns = cr->next;
    if (cr->next)
      cr->next->prev = cr->prev;
    pthread_mutex_unlock(&srv->mu);
    free(cr);
    *socket_context = NULL;
    if (srv->opt.open_connections)
      atomic_fetch_sub(srv->opt.open_connections, 1);
  }
}

/* ---- the watchdog: header deadlines, idle sessions ------------------------------------ */

static void watchdog_tick(http_server *srv) {
  uint64_t now = now_ms();
  hsession *expired = NULL;
  pthread_mutex_lock(&srv->mu);
  for (conn_rec *cr = srv->conns; cr; cr = cr->next)
    if (!cr->in_request && !cr->cut && cr->fd >= 0 &&
        now - cr->since_ms > (uint64_t)srv->opt.header_timeout_ms) {
      shutdown(cr->fd, SHUT_RDWR); /* its thread sees the end and lets go */
      cr->cut = true;
    }
  uint64_t idle = (uint64_t)srv->opt.session_idle_s * 1000u;
  for (size_t b = 0; b < SESSION_BUCKETS; b++) {
    hsession **pp = &srv->table[b];
    while (*pp) {
      hsession *hs = *pp;
      if (hs->refs == 1 && now - hs->last_used_ms > idle) {
        *pp = hs->next_bucket;
        srv->nsessions--;
        hs->next_bucket = expired;
        expired = hs;
      } else {
        pp = &hs->next_bucket;
      }
    }
  }
  pthread_mutex_unlock(&srv->mu);
  while (expired) {
    hsession *next = expired->next_bucket;
    log_debug("http", "a session idle for %ld s ended", srv->opt.session_idle_s);
    session_end(expired);
    session_unref(expired);
    expired = next;
  }
}

/* ---- serving ---------------------------------------------------------------------------- */

static bool address_is_loopback(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)ss;
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)ss;
  return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

/* Wakes every reader and waiting request of every session. */
static void wake_all(http_server *srv) {
  pthread_mutex_lock(&srv->mu);
  for (size_t b = 0; b < SESSION_BUCKETS; b++)
    for (hsession *hs = srv->table[b]; hs; hs = hs->next_bucket) {
      pthread_mutex_lock(&hs->mu);
      pthread_cond_broadcast(&hs->cv);
      pthread_mutex_unlock(&hs->mu);
    }
  pthread_mutex_unlock(&srv->mu);
}

static void log_mhd(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char text[512];
  vsnprintf(text, sizeof text, fmt, ap);
  text[strcspn(text, "\n")] = '\0';
  log_debug("http", "libmicrohttpd: %s", text);
}

/* Stops accepting, lets requests in flight finish within drain_ms, then
 * ends every stream and session. */
static void http_shutdown(http_server *srv) {
  pthread_mutex_lock(&srv->mu);
  srv->draining = true;
  pthread_mutex_unlock(&srv->mu);
  MHD_socket lfd = MHD_quiesce_daemon(srv->daemon);
  if (lfd != MHD_INVALID_SOCKET)
    close(lfd);
  struct timespec deadline;
  deadline_in(&deadline, (uint64_t)srv->opt.drain_ms);
  pthread_mutex_lock(&srv->mu);
  /* requests (not SSE readers, which may stay open for ever) finish first */
  while (srv->active > srv->readers)
    if (pthread_cond_timedwait(&srv->cv, &srv->mu, &deadline) == ETIMEDOUT)
      break;
  bool late = srv->active > srv->readers;
  srv->stopping = true;
  pthread_mutex_unlock(&srv->mu);
  if (late)
    log_warn("http", "requests still running %ld ms after SIGTERM are cancelled",
             srv->opt.drain_ms);
  /* end every session: their requests are cancelled, readers return */
  hsession *all = NULL;
  pthread_mutex_lock(&srv->mu);
  for (size_t b = 0; b < SESSION_BUCKETS; b++) {
    while (srv->table[b]) {
      hsession *hs = srv->table[b];
      srv->table[b] = hs->next_bucket;
      hs->next_bucket = all;
      all = hs;
    }
  }
  srv->nsessions = 0;
  pthread_mutex_unlock(&srv->mu);
  for (hsession *hs = all; hs; hs = hs->next_bucket) {
    session_end(hs);
    mcp_session_drain(hs->mcp, true);
  }
  wake_all(srv);
  MHD_stop_daemon(srv->daemon); /* joins the connection threads */
  srv->daemon = NULL;
  while (all) {
    hsession *next = all->next_bucket;
    session_unref(all);
    all = next;
  }
}

int http_serve(mcp_server *mcp, const http_options *opt) {
  http_server *srv = calloc(1, sizeof *srv);
  if (!srv)
    return -1;
  srv->mcp = mcp;
  srv->opt = *opt;
  if (!srv->opt.max_body)
    srv->opt.max_body = HTTP_DEFAULT_MAX_BODY;
  if (!srv->opt.max_sessions)
    srv->opt.max_sessions = HTTP_DEFAULT_MAX_SESSIONS;
  if (!srv->opt.max_streams)
    srv->opt.max_streams = HTTP_DEFAULT_MAX_STREAMS;
  if (!srv->opt.header_timeout_ms)
    srv->opt.header_timeout_ms = HTTP_DEFAULT_HEADER_TIMEOUT_MS;
  if (!srv->opt.session_idle_s)
    srv->opt.session_idle_s = HTTP_DEFAULT_SESSION_IDLE_S;
  if (!srv->opt.drain_ms)
    srv->opt.drain_ms = HTTP_DEFAULT_DRAIN_MS;
  srv->path = opt->path ? opt->path : HTTP_DEFAULT_PATH;
  srv->token = opt->token;
  if (!srv->token || !*srv->token) {
    const char *env = getenv(HTTP_TOKEN_ENV);
    srv->token = env && *env ? env : NULL;
  }
  srv->token_len = srv->token ? strlen(srv->token) : 0;
  pthread_mutex_init(&srv->mu, NULL);
  pthread_condattr_t cattr;
  pthread_condattr_init(&cattr);
  pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
  pthread_cond_init(&srv->cv, &cattr);
  pthread_condattr_destroy(&cattr);

  int result = -1;
  struct sigaction old_term, old_int, old_pipe;
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  const char *host = srv->opt.host[0] ? srv->opt.host : "127.0.0.1";
  bool v6 = strchr(host, ':') != NULL;
  if (v6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)&ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)srv->opt.port);
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
      goto bad_host;
  } else {
    struct sockaddr_in *in = (struct sockaddr_in *)(void *)&ss;
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)srv->opt.port);
    if (strcmp(host, "localhost") == 0)
      host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
      goto bad_host;
  }
  srv->loopback = address_is_loopback(&ss);
  if (srv->token && (srv->token_len < 16 || srv->token_len > 4096)) {
    /* --auth-token is checked when parsed; the environment's token gets the same bounds */
    log_error("http", "the bearer token (--auth-token or %s) wants 16 to 4096 characters",
              HTTP_TOKEN_ENV);
    goto cleanup;
  }
  if (!srv->loopback && !srv->token) {
    log_error("http", "serving on %s (not loopback) needs --auth-token or %s", host,
              HTTP_TOKEN_ENV);
    goto cleanup;
  }
  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    log_error("http", "pipe: %s", strerror(errno));
    goto cleanup;
  }
  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, &old_term);
  sigaction(SIGINT, &sa, &old_int);
  struct sigaction ign = {.sa_handler = SIG_IGN};
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &old_pipe);
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                   MHD_USE_ITC | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
  srv->daemon = MHD_start_daemon(
      flags, (uint16_t)srv->opt.port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned)srv->opt.max_streams, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)((srv->opt.header_timeout_ms + 999) / 1000 + KEEPALIVE_MS / 1000),
      MHD_OPTION_THREAD_STACK_SIZE, (size_t)256 * 1024, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      (size_t)64 * 1024, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_END);
  if (!srv->daemon) {
    log_error("http", "cannot listen on %s:%u", host, srv->opt.port);
    goto restore;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
  unsigned port = info ? info->port : srv->opt.port;
  snprintf(srv->url, sizeof srv->url, "http://%s%s%s:%u%s", v6 ? "[" : "", host, v6 ? "]" : "",
           port, srv->path);
  fprintf(stderr, "mcp-http: listening on %s\n", srv->url);
  fflush(stderr);
  log_info("http", "serving MCP on %s%s", srv->url, srv->token ? " (bearer token required)" : "");
  for (;;) {
    struct pollfd pfd = {.fd = sig_pipe[0], .events = POLLIN};
    int r = poll(&pfd, 1, TICK_MS);
    if (r < 0 && errno != EINTR) {
      log_error("http", "poll: %s", strerror(errno));
      break;
    }
    if (r > 0)
      break;
    watchdog_tick(srv);
  }
  log_info("http", "terminated by a signal: finishing requests in flight");
  http_shutdown(srv);
  result = 0;
restore:
  sigaction(SIGTERM, &old_term, NULL);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGPIPE, &old_pipe, NULL);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  sig_pipe[0] = sig_pipe[1] = -1;
  goto cleanup;
bad_host:
  log_error("http", "--http: '%s' is not an IP address", host);
cleanup:
  if (srv->daemon)
    MHD_stop_daemon(srv->daemon);
  pthread_mutex_destroy(&srv->mu);
  pthread_cond_destroy(&srv->cv);
  free(srv);
  return result;
}
