/* fakezoom.c - the scripted fake Zoom of the unit tests, on libmicrohttpd over loopback. */
#include "fakezoom.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_BODY (1024 * 1024)
#define MAX_TOKENS 4096
#define MAX_LOG 20000

typedef struct script {
  char method[8];
  char path[512];
  int times; /* left; 0 forever */
  int status;
  char *headers;
  char *body;
  int delay_ms;
  fakezoom_action action;
  bool used_up;
} script;

struct fakezoom {
  struct MHD_Daemon *daemon;
  char url[64];
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stopping;
  script *scripts;
  size_t nscripts;
  char account[64], client_id[64], secret[64];
  int expires_in;
  int token_delay_ms;
  char api_url[128];
  char *tokens[MAX_TOKENS];
  int ntokens;
  int revoked_upto;
  int token_requests;
  int api_arrivals; /* API requests received whole, counted before any scripted delay */
  int connections;
  fakezoom_request *log;
  size_t nlog;
};

/* Per-request state while the body arrives. */
typedef struct upload {
  char *data;
  size_t len;
  bool too_big;
} upload;

static void fz_base64(const char *in, char *out) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t len = strlen(in);
  for (size_t i = 0; i < len; i += 3) {
    unsigned v = (unsigned char)in[i] << 16;
    if (i + 1 < len)
      v |= (unsigned char)in[i + 1] << 8;
    if (i + 2 < len)
      v |= (unsigned char)in[i + 2];
    *out++ = tbl[(v >> 18) & 63];
    *out++ = tbl[(v >> 12) & 63];
    *out++ = i + 1 < len ? tbl[(v >> 6) & 63] : '=';
    *out++ = i + 2 < len ? tbl[v & 63] : '=';
  }
  *out = '\0';
}

/* Keeps the URL and arguments exactly as sent (no unescaping), so tests see the wire. */
static size_t fz_unescape(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls, (void)c;
  return strlen(s);
}

static void fz_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
                      enum MHD_ConnectionNotificationCode toe) {
  (void)c, (void)socket_ctx;
  fakezoom *fz = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    pthread_mutex_lock(&fz->lock);
    fz->connections++;
    pthread_mutex_unlock(&fz->lock);
  }
}

static void fz_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  upload *u = *con_cls;
  if (u) {
    free(u->data);
    free(u);
  }
  *con_cls = NULL;
}

typedef struct query_acc {
  char *buf;
  size_t size;
} query_acc;

static enum MHD_Result fz_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
  (void)kind;
  query_acc *q = cls;
  size_t used = strlen(q->buf);
  snprintf(q->buf + used, q->size - used, "%s%s=%s", used ? "&" : "", key, value ? value : "");
  return MHD_YES;
}

/* Waits MS milliseconds or until the fake stops. */
static void fz_delay(fakezoom *fz, int ms) {
  if (ms <= 0)
    return;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += ms / 1000;
  until.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L)
    until.tv_sec++, until.tv_nsec -= 1000000000L;
  pthread_mutex_lock(&fz->lock);
  while (!fz->stopping && pthread_cond_timedwait(&fz->wake, &fz->lock, &until) != ETIMEDOUT) {
  }
  pthread_mutex_unlock(&fz->lock);
}

static enum MHD_Result fz_send(struct MHD_Connection *c, int status, const char *headers,
                               const char *body) {
  const char *text = body ? body : "";
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
  if (!r)
    return MHD_NO;
  for (const char *h = headers; h && *h;) {
    const char *end = strchr(h, '\n');
    size_t n = end ? (size_t)(end - h) : strlen(h);
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)n, h);
    char *colon = strchr(line, ':');
    if (colon) {
      *colon = '\0';
      const char *v = colon + 1;
      while (*v == ' ')
        v++;
      MHD_add_response_header(r, line, v);
    }
    h += n;
    if (*h == '\n')
      h++;
  }
  if (body && (body[0] == '{' || body[0] == '['))
    MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)(status ? status : 200), r);
  MHD_destroy_response(r);
  return rc;
}

typedef struct truncated {
  char *body;
  size_t len;
} truncated;

static ssize_t fz_truncate_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  truncated *t = cls;
  size_t half = t->len / 2;
  if (pos >= half)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  size_t n = half - (size_t)pos < max ? half - (size_t)pos : max;
  memcpy(buf, t->body + pos, n);
  return (ssize_t)n;
}

static void fz_truncate_free(void *cls) {
  truncated *t = cls;
  free(t->body);
  free(t);
}

static enum MHD_Result fz_send_truncated(struct MHD_Connection *c, int status, const char *body) {
  truncated *t = calloc(1, sizeof *t);
  t->body = strdup(body ? body : "");
  t->len = strlen(t->body);
  struct MHD_Response *r =
      MHD_create_response_from_callback(t->len, 1024, fz_truncate_reader, t, fz_truncate_free);
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)(status ? status : 200), r);
  MHD_destroy_response(r);
  return rc;
}

static bool path_match(const char *pattern, const char *path) {
  size_t n = strlen(pattern);
  if (n > 0 && pattern[n - 1] == '*')
    return strncmp(pattern, path, n - 1) == 0;
  return strcmp(pattern, path) == 0;
}

/* The token endpoint. */
static enum MHD_Result fz_token(fakezoom *fz, struct MHD_Connection *c, fakezoom_request *log,
                                const char *authz, const char *body) {
  char pair[160], expect[256] = "Basic ";
  pthread_mutex_lock(&fz->lock);
  fz->token_requests++;
  snprintf(pair, sizeof pair, "%s:%s", fz->client_id, fz->secret);
  char account_arg[128];
  snprintf(account_arg, sizeof account_arg, "account_id=%s", fz->account);
  int delay = fz->token_delay_ms;
  pthread_mutex_unlock(&fz->lock);
  fz_base64(pair, expect + 6);
  fz_delay(fz, delay);
  bool creds = authz && strcmp(authz, expect) == 0;
  bool grant = body && strstr(body, "grant_type=account_credentials") && strstr(body, account_arg);
  log->auth_ok = creds;
  if (!creds)
    return fz_send(
        c, 400, NULL,
        "{\"reason\":\"Invalid client_id or client_secret\",\"error\":\"invalid_client\"}");
  if (!grant)
    return fz_send(c, 400, NULL,
                   "{\"reason\":\"Invalid account_id\",\"error\":\"invalid_request\"}");
  char token[96], reply[512];
  pthread_mutex_lock(&fz->lock);
  if (fz->ntokens >= MAX_TOKENS) {
    pthread_mutex_unlock(&fz->lock);
    return fz_send(c, 500, NULL, "{\"reason\":\"too many tokens\"}");
  }
  snprintf(token, sizeof token, "fzt-%d-%08lx%08lx", fz->ntokens + 1, (unsigned long)random(),
           (unsigned long)random());
  fz->tokens[fz->ntokens++] = strdup(token);
  snprintf(reply, sizeof reply,
           "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":%d,"
           "\"scope\":\"user:read:admin webinar:read:admin webinar:write:admin\","
           "\"api_url\":\"%s\"}",
           token, fz->expires_in, fz->api_url[0] ? fz->api_url : fz->url);
  pthread_mutex_unlock(&fz->lock);
  return fz_send(c, 200, NULL, reply);
}

/* True when a script not used up matches METHOD and PATH (a scripted token reply
 * replaces the fake's own). */
static bool script_pending(fakezoom *fz, const char *method, const char *path) {
  bool found = false;
  pthread_mutex_lock(&fz->lock);
  for (size_t i = 0; i < fz->nscripts && !found; i++) {
    const script *sc = &fz->scripts[i];
    found = !sc->used_up && (!sc->method[0] || strcmp(sc->method, method) == 0) &&
            path_match(sc->path, path);
  }
  pthread_mutex_unlock(&fz->lock);
  return found;
}

static bool bearer_ok(fakezoom *fz, const char *authz) {
  if (!authz || strncmp(authz, "Bearer ", 7) != 0)
    return false;
  bool ok = false;
  pthread_mutex_lock(&fz->lock);
  for (int i = fz->revoked_upto; i < fz->ntokens && !ok; i++)
    ok = strcmp(fz->tokens[i], authz + 7) == 0;
  pthread_mutex_unlock(&fz->lock);
  return ok;
}

static enum MHD_Result fz_handle(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *data,
                                 size_t *data_size, void **con_cls) {
  (void)version;
  fakezoom *fz = cls;
  upload *u = *con_cls;
  if (!u) {
    u = calloc(1, sizeof *u);
    if (!u)
      return MHD_NO;
    *con_cls = u;
    return MHD_YES;
  }
  if (*data_size) {
    if (u->len + *data_size > MAX_BODY) {
      u->too_big = true;
    } else {
      char *grown = realloc(u->data, u->len + *data_size + 1);
      if (!grown)
        return MHD_NO;
      u->data = grown;
      memcpy(u->data + u->len, data, *data_size);
      u->len += *data_size;
      u->data[u->len] = '\0';
    }
    *data_size = 0;
    return MHD_YES;
  }

  fakezoom_request rec = {0};
  snprintf(rec.method, sizeof rec.method, "%s", method);
  snprintf(rec.path, sizeof rec.path, "%s", url);
  query_acc q = {rec.query, sizeof rec.query};
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, fz_query_arg, &q);
  const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  snprintf(rec.auth, sizeof rec.auth, "%s",
           !authz                                  ? "none"
           : strncasecmp(authz, "Basic ", 6) == 0  ? "basic"
           : strncasecmp(authz, "Bearer ", 7) == 0 ? "bearer"
                                                   : "other");
  const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  snprintf(rec.content_type, sizeof rec.content_type, "%s", ctype ? ctype : "");
  if (u->data)
    snprintf(rec.body, sizeof rec.body, "%s", u->data);

  enum MHD_Result rc;
  bool token_url = strcmp(url, "/oauth/token") == 0 && strcmp(method, "POST") == 0;
  if (token_url && !script_pending(fz, method, url)) {
    rc = fz_token(fz, c, &rec, authz, u->data);
  } else if (!token_url && strncmp(url, "/_open/", 7) != 0 &&
             !(rec.auth_ok = bearer_ok(fz, authz))) {
    rc = fz_send(c, 401, NULL, "{\"code\":124,\"message\":\"Invalid access token.\"}");
  } else {
    script s = {.status = 404};
    bool found = false;
    pthread_mutex_lock(&fz->lock);
    fz->api_arrivals++;
    for (size_t i = 0; i < fz->nscripts && !found; i++) {
      script *sc = &fz->scripts[i];
      if (sc->used_up || (sc->method[0] && strcmp(sc->method, method) != 0) ||
          !path_match(sc->path, url))
        continue;
      found = true;
      s = *sc;
      s.headers = sc->headers ? strdup(sc->headers) : NULL;
      s.body = sc->body ? strdup(sc->body) : NULL;
      if (sc->times > 0 && --sc->times == 0)
        sc->used_up = true;
    }
    pthread_mutex_unlock(&fz->lock);
    if (!found) {
      char msg[700];
      snprintf(msg, sizeof msg, "{\"code\":404,\"message\":\"fakezoom: no script for %s %s\"}",
               method, url);
      s.body = strdup(msg);
    }
    fz_delay(fz, s.delay_ms);
    if (s.action == FAKEZOOM_DROP)
      rc = MHD_NO;
    else if (s.action == FAKEZOOM_TRUNCATE)
      rc = fz_send_truncated(c, s.status, s.body);
    else
      rc = fz_send(c, s.status, s.headers, s.body);
    free(s.headers);
    free(s.body);
  }
  pthread_mutex_lock(&fz->lock);
  if (fz->nlog < MAX_LOG)
    fz->log[fz->nlog++] = rec;
  pthread_mutex_unlock(&fz->lock);
  return rc;
}

fakezoom *fakezoom_start(void) {
  fakezoom *fz = calloc(1, sizeof *fz);
  if (!fz)
    return NULL;
  pthread_mutex_init(&fz->lock, NULL);
  pthread_cond_init(&fz->wake, NULL);
  fz->log = calloc(MAX_LOG, sizeof *fz->log);
  fz->expires_in = 3600;
  fakezoom_set_credentials(fz, "acct-1", "client-1", "fz-secret-1");
  srandom((unsigned)time(NULL) ^ (unsigned)(uintptr_t)fz);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  fz->daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, fz_handle, fz,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_CONNECTION, fz_notify, fz,
      MHD_OPTION_NOTIFY_COMPLETED, fz_completed, fz, MHD_OPTION_UNESCAPE_CALLBACK, fz_unescape, fz,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
  if (!fz->log || !fz->daemon) {
    fakezoom_stop(fz);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(fz->daemon, MHD_DAEMON_INFO_BIND_PORT);
  snprintf(fz->url, sizeof fz->url, "http://127.0.0.1:%u", info ? info->port : 0);
  return fz;
}

void fakezoom_stop(fakezoom *fz) {
  if (!fz)
    return;
  pthread_mutex_lock(&fz->lock);
  fz->stopping = true;
  pthread_cond_broadcast(&fz->wake);
  pthread_mutex_unlock(&fz->lock);
  if (fz->daemon)
    MHD_stop_daemon(fz->daemon);
  for (size_t i = 0; i < fz->nscripts; i++) {
    free(fz->scripts[i].headers);
    free(fz->scripts[i].body);
  }
  free(fz->scripts);
  for (int i = 0; i < fz->ntokens; i++)
    free(fz->tokens[i]);
  free(fz->log);
  pthread_cond_destroy(&fz->wake);
  pthread_mutex_destroy(&fz->lock);
  free(fz);
}

const char *fakezoom_url(const fakezoom *fz) {
  return fz->url;
}

void fakezoom_script(fakezoom *fz, const char *method, const char *path, int times,
                     fakezoom_reply reply) {
  pthread_mutex_lock(&fz->lock);
  script *grown = realloc(fz->scripts, (fz->nscripts + 1) * sizeof *grown);
  if (grown) {
    fz->scripts = grown;
    script *s = &fz->scripts[fz->nscripts++];
    memset(s, 0, sizeof *s);
    snprintf(s->method, sizeof s->method, "%s", method ? method : "");
    snprintf(s->path, sizeof s->path, "%s", path);
    s->times = times;
    s->status = reply.status;
    s->headers = reply.headers ? strdup(reply.headers) : NULL;
    s->body = reply.body ? strdup(reply.body) : NULL;
    s->delay_ms = reply.delay_ms;
    s->action = reply.action;
  }
  pthread_mutex_unlock(&fz->lock);
}

void fakezoom_set_credentials(fakezoom *fz, const char *account, const char *client_id,
                              const char *secret) {
  pthread_mutex_lock(&fz->lock);
  snprintf(fz->account, sizeof fz->account, "%s", account);
  snprintf(fz->client_id, sizeof fz->client_id, "%s", client_id);
  snprintf(fz->secret, sizeof fz->secret, "%s", secret);
  pthread_mutex_unlock(&fz->lock);
}

void fakezoom_set_token_expiry(fakezoom *fz, int expires_in) {
  pthread_mutex_lock(&fz->lock);
  fz->expires_in = expires_in;
  pthread_mutex_unlock(&fz->lock);
}

void fakezoom_set_token_delay(fakezoom *fz, int delay_ms) {
  pthread_mutex_lock(&fz->lock);
  fz->token_delay_ms = delay_ms;
  pthread_mutex_unlock(&fz->lock);
}

void fakezoom_set_api_url(fakezoom *fz, const char *api_url) {
  pthread_mutex_lock(&fz->lock);
  snprintf(fz->api_url, sizeof fz->api_url, "%s", api_url ? api_url : "");
  pthread_mutex_unlock(&fz->lock);
}

void fakezoom_revoke_tokens(fakezoom *fz) {
  pthread_mutex_lock(&fz->lock);
  fz->revoked_upto = fz->ntokens;
  pthread_mutex_unlock(&fz->lock);
}

int fakezoom_token_requests(fakezoom *fz) {
  pthread_mutex_lock(&fz->lock);
  int n = fz->token_requests;
  pthread_mutex_unlock(&fz->lock);
  return n;
}

int fakezoom_api_arrivals(fakezoom *fz) {
  pthread_mutex_lock(&fz->lock);
  int n = fz->api_arrivals;
  pthread_mutex_unlock(&fz->lock);
  return n;
}

int fakezoom_connections(fakezoom *fz) {
  pthread_mutex_lock(&fz->lock);
  int n = fz->connections;
  pthread_mutex_unlock(&fz->lock);
  return n;
}

size_t fakezoom_request_count(fakezoom *fz) {
  pthread_mutex_lock(&fz->lock);
  size_t n = fz->nlog;
  pthread_mutex_unlock(&fz->lock);
  return n;
}

bool fakezoom_request_get(fakezoom *fz, size_t i, fakezoom_request *out) {
  pthread_mutex_lock(&fz->lock);
  bool ok = i < fz->nlog;
  if (ok)
    *out = fz->log[i];
  pthread_mutex_unlock(&fz->lock);
  return ok;
}

int fakezoom_count(fakezoom *fz, const char *method, const char *path) {
  int n = 0;
  pthread_mutex_lock(&fz->lock);
  for (size_t i = 0; i < fz->nlog; i++)
    if (strcmp(fz->log[i].method, method) == 0 && strcmp(fz->log[i].path, path) == 0)
      n++;
  pthread_mutex_unlock(&fz->lock);
  return n;
}

char *fakezoom_last_token(fakezoom *fz) {
  pthread_mutex_lock(&fz->lock);
  char *t = fz->ntokens ? strdup(fz->tokens[fz->ntokens - 1]) : NULL;
  pthread_mutex_unlock(&fz->lock);
  return t;
}
