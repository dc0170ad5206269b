/* fuzz_http.c - fuzz target for the Streamable HTTP transport: the bytes go as
 * one raw request (or several, pipelined) over a loopback socket to an
 * in-process http_serve of a small MCP server (tools, one with an argument
 * mirrored in an Mcp-Param header). The transport must answer with HTTP or
 * close, never crash, never send the bearer token back, give JSON where it says
 * JSON, and keep serving.
 *
 * Placeholders in the input: "@BEARER@" becomes the server's bearer token (it
 * has one, so every request must carry it), "@SESSION@" the id of a legacy
 * session opened for this input (and deleted after it), so inputs do not
 * depend on each other. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/log.h"
#include "fuzz.h"
#include "fuzz_net.h"
#include "mcp/mcp.h"
#include "transport/http.h"

#define HTTPF_MAX_INPUT 16384
#define HTTPF_MAX_REPLY (256u * 1024)
#define HTTPF_TIMEOUT_MS 3000
#define HTTPF_QUIET_MS 8000 /* under libFuzzer's -timeout=10 */
#define HTTPF_BEARER "fuzz-bearer-9e1d4c"
#define HTTPF_BEARER_MARK "@BEARER@"
#define HTTPF_SESSION_MARK "@SESSION@"

/* ---- the server ----------------------------------------------------------------- */

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  const char *text = json_string_value(json_object_get(args, "text"));
  return mcp_tool_text("%s", text ? text : "");
}

/* Progress and a log message before the result: the POST's answer is an SSE stream. */
static json_t *tool_chatty(mcp_call *call, json_t *args) {
  (void)args;
  mcp_call_progress(call, 1, 2, "half");
  mcp_call_log(call, MCP_LOG_WARNING, "fuzz", json_string("a warning"));
  return mcp_tool_text("%s", mcp_call_protocol_version(call));
}

static const mcp_tool httpf_tools[] = {
    {.name = "echo",
     .input_schema = "{\"type\":\"object\",\"required\":[\"text\"],"
                     "\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":256},"
                     "\"region\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},"
                     "\"n\":{\"type\":\"integer\",\"x-mcp-header\":\"N\"}}}",
     .hints = MCP_HINT_READ_ONLY,
     .fn = tool_echo},
    {.name = "chatty", .fn = tool_chatty},
};

static struct {
  mcp_server *mcp;
  pthread_t thread;
  int port;
  atomic_int served; /* http_serve's result; 1 while it runs */
  atomic_int open;   /* connections the server has not finished with (open_connections) */
} httpf;

/* Waits (at most HTTPF_QUIET_MS) until the server has finished with every connection. An
 * input returns only then: a pipelined request the reply check did not wait for would
 * otherwise still run on a server thread while libFuzzer counts the input's allocations and
 * looks for leaks, and it reports the half-done request as leaked. */
static void httpf_quiet(void) {
  struct timespec deadline, pause = {0, 200 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += HTTPF_QUIET_MS / 1000;
  while (atomic_load(&httpf.open) > 0 && fuzz_ms_left(&deadline) > 0)
    nanosleep(&pause, NULL);
  FUZZ_CHECK(atomic_load(&httpf.open) == 0,
             "the server still holds a connection the client closed");
}

static void *httpf_serve(void *arg) {
  http_options *opt = arg;
  httpf.served = http_serve(httpf.mcp, opt);
  return NULL;
}

/* ---- talking to it ---------------------------------------------------------------- */

/* OUT's head (up to its empty line) in lower case into LOWER (NUL-terminated, cut at
 * SIZE-1); returns the head's length with the empty line, or 0 when the head is not whole. */
static size_t head_lower(const char *out, size_t got, char *lower, size_t size) {
  const char *end = memmem(out, got, "\r\n\r\n", 4);
  if (!end)
    return 0;
  size_t head = (size_t)(end - out) + 4;
  size_t n = head < size - 1 ? head : size - 1;
  for (size_t i = 0; i < n; i++)
    lower[i] = (char)((out[i] >= 'A' && out[i] <= 'Z') ? out[i] + 32 : out[i]);
  lower[n] = '\0';
  return head;
}

/* True when OUT[0..GOT) holds a whole reply: a head, and then the body its
 * Content-Length promises, the last chunk of a chunked body, or (an SSE stream,
 * which stays open) nothing more. */
static bool reply_complete(const char *out, size_t got) {
  char lower[2048];
  size_t head = head_lower(out, got, lower, sizeof lower);
  if (!head)
    return false;
  if (strstr(lower, "\r\ncontent-type: text/event-stream"))
    return true;
  const char *cl = strstr(lower, "\r\ncontent-length:");
  if (cl)
    return got - head >= strtoul(cl + 17, NULL, 10);
  if (strstr(lower, "\r\ntransfer-encoding: chunked"))
    return got - head >= 5 && memcmp(out + got - 5, "0\r\n\r\n", 5) == 0;
  return false;
}

/* Sends REQ[0..LEN) to the server and reads its reply into OUT until it is
 * whole (an SSE stream: its head) or closed (fuzz_exchange). */
static long httpf_exchange(const char *req, size_t len, char *out, size_t outmax) {
  return fuzz_exchange(httpf.port, req, len, out, outmax, HTTPF_TIMEOUT_MS / 1000, reply_complete);
}

/* The status of the reply OUT, or 0 when it has no status line. */
static int reply_status(const char *out) {
  if (strncmp(out, "HTTP/1.", 7) != 0 || strlen(out) < 12)
    return 0;
  return (int)strtol(out + 9, NULL, 10);
}

/* POSTs BODY with EXTRA headers (each ending "\r\n") and the bearer token; the reply in OUT.
 * Returns its status, 0 for a reply that is not HTTP, -1 without a connection. */
static int httpf_post(const char *body, const char *extra, char *out, size_t outmax) {
  char req[4096];
  int n = snprintf(req, sizeof req,
                   "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " HTTPF_BEARER
                   "\r\nContent-Type: application/json\r\n"
                   "Accept: application/json, text/event-stream\r\n%sContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n%s",
                   extra, strlen(body), body);
  FUZZ_CHECK(n > 0 && (size_t)n < sizeof req, "a probe too long");
  if (httpf_exchange(req, (size_t)n, out, outmax) < 0)
    return -1; /* no connection */
  return reply_status(out);
}

/* Opens a legacy session into SID (33 bytes); false when the server refuses (its table is full). */
static bool session_open(char sid[33]) {
  static char reply[8192];
  static const char init[] =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
      "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"0\"}}}";
  if (httpf_post(init, "", reply, sizeof reply) != 200)
    return false;
  const char *h = strcasestr(reply, "\r\nMcp-Session-Id: ");
  FUZZ_CHECK(h != NULL, "an initialize without a session id");
  h += 18;
  size_t n = strcspn(h, "\r\n");
  FUZZ_CHECK(n == 32, "a session id of 32 hex digits");
  memcpy(sid, h, 32);
  sid[32] = '\0';
  char extra[128];
  snprintf(extra, sizeof extra, "Mcp-Session-Id: %s\r\nMCP-Protocol-Version: 2025-11-25\r\n", sid);
  int st = httpf_post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", extra,
                      reply, sizeof reply);
  FUZZ_CHECK(st == 202, "notifications/initialized accepted");
  return true;
}

static void session_close(const char *sid) {
  static char reply[4096];
  char req[256];
  int n = snprintf(req, sizeof req,
                   "DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " HTTPF_BEARER
                   "\r\nMcp-Session-Id: %s\r\nConnection: close\r\n\r\n",
                   sid);
  httpf_exchange(req, (size_t)n, reply, sizeof reply); /* the input may have ended it */
}

/* A port free a moment ago on loopback, for the server to take. */
static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  FUZZ_CHECK(fd >= 0, "socket");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof a;
  FUZZ_CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0, "bind");
  FUZZ_CHECK(getsockname(fd, (struct sockaddr *)&a, &alen) == 0, "getsockname");
  close(fd);
  return ntohs(a.sin_port);
}

static void httpf_init(void) {
  log_set_level(getenv("FUZZ_LOG") ? LOG_DEBUG : LOG_OFF);
  mcp_server_config cfg = {.name = "fuzz", .version = "0", .workers = 1, .max_workers = 2};
  httpf.mcp = mcp_server_new(&cfg);
  FUZZ_CHECK(httpf.mcp != NULL, "mcp_server_new");
  FUZZ_CHECK(mcp_server_add_tools(httpf.mcp, httpf_tools, 2) == 0, "tools");
  static http_options opt = {.token = HTTPF_BEARER,
                             .origins = {"https://app.example"},
                             .norigins = 1,
                             .max_body = 8192,
                             .max_sessions = 32,
                             .max_streams = 64,
                             .header_timeout_ms = 2000,
                             .session_idle_s = 5,
                             .drain_ms = 500,
                             .open_connections = &httpf.open};
  static char ready[8192];
  for (int attempt = 0; attempt < 20 && !httpf.port; attempt++) {
    opt.port = (unsigned)free_port();
    httpf.port = (int)opt.port;
    httpf.served = 1;
    FUZZ_CHECK(pthread_create(&httpf.thread, NULL, httpf_serve, &opt) == 0, "pthread_create");
    /* Ready when a stateless request is answered; the thread ends when the port was taken. */
    struct timespec pause = {0, 10 * 1000 * 1000};
    bool up = false;
    for (int i = 0; i < 500 && !up && httpf.served == 1; i++) {
      up = httpf_post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}", "", ready,
                      sizeof ready) > 0;
      if (!up)
        nanosleep(&pause, NULL);
    }
    if (!up) {
      pthread_join(httpf.thread, NULL);
      httpf.port = 0;
    }
  }
  FUZZ_CHECK(httpf.port != 0, "http_serve did not start");
}

/* At exit: SIGTERM stops http_serve (its handler is installed), which drains and returns. */
__attribute__((destructor)) static void httpf_fini(void) {
  if (!httpf.port)
    return;
  raise(SIGTERM);
  pthread_join(httpf.thread, NULL);
  FUZZ_CHECK(httpf.served == 0, "http_serve ended with an error");
  mcp_server_free(httpf.mcp);
}

/* Returns a new buffer: DATA with the placeholders replaced; its length in *LEN. */
static char *httpf_fill(const uint8_t *data, size_t size, const char *sid, size_t *len) {
  static const struct {
    const char *mark;
    size_t n;
  } marks[] = {{HTTPF_BEARER_MARK, sizeof HTTPF_BEARER_MARK - 1},
               {HTTPF_SESSION_MARK, sizeof HTTPF_SESSION_MARK - 1}};
  const char *with[] = {HTTPF_BEARER, sid};
  char *out = malloc(size * 5 + 1); /* each mark is at least 8 bytes, each value at most 32 */
  FUZZ_CHECK(out != NULL, "out of memory");
  size_t o = 0;
  for (size_t i = 0; i < size;) {
    size_t k = 0;
    while (k < 2 && !(size - i >= marks[k].n && memcmp(data + i, marks[k].mark, marks[k].n) == 0))
      k++;
    if (k < 2) {
      size_t w = strlen(with[k]);
      memcpy(out + o, with[k], w);
      o += w;
      i += marks[k].n;
    } else {
      out[o++] = (char)data[i++];
    }
  }
  *len = o;
  return out;
}

/* True when the JSON text at BODY is a JSON-RPC message or a non-empty array of them. */
static bool jsonrpc_ok(const char *body, size_t n) {
  json_t *doc = json_loadb(body, n, JSON_DECODE_ANY, NULL);
  bool ok = json_is_object(doc) || (json_is_array(doc) && json_array_size(doc) > 0);
  for (size_t i = 0; ok && i < (json_is_array(doc) ? json_array_size(doc) : 1); i++) {
    json_t *m = json_is_array(doc) ? json_array_get(doc, i) : doc;
    const char *v = json_string_value(json_object_get(m, "jsonrpc"));
    ok = v && strcmp(v, "2.0") == 0 &&
         (json_object_get(m, "result") != NULL) + (json_object_get(m, "error") != NULL) +
                 (json_object_get(m, "method") != NULL) ==
             1;
  }
  json_decref(doc);
  return ok;
}

/* Checks what the server sent for one input. */
static void check_reply(const char *reply, size_t got) {
  if (got == 0)
    return;
  FUZZ_CHECK(reply_status(reply) >= 100 && reply_status(reply) <= 599, "a reply that is not HTTP");
  FUZZ_CHECK(!memmem(reply, got, HTTPF_BEARER, sizeof HTTPF_BEARER - 1),
             "the bearer token sent back");
  /* The first reply's JSON body, when it says it is JSON and its length is known. */
  char lower[2048];
  size_t head = head_lower(reply, got, lower, sizeof lower);
  if (!head)
    return;
  const char *cl = strstr(lower, "\r\ncontent-length:");
  if (!strstr(lower, "\r\ncontent-type: application/json") || !cl)
    return;
  size_t len = strtoul(cl + 17, NULL, 10);
  if (len == 0 || got - head < len)
    return;
  FUZZ_CHECK(jsonrpc_ok(reply + head, len), "a JSON reply that is not JSON-RPC");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, httpf_init);
  if (size > HTTPF_MAX_INPUT)
    return 0;
  char sid[33] = "00000000000000000000000000000000";
  bool has_session =
      memmem(data, size, HTTPF_SESSION_MARK, sizeof HTTPF_SESSION_MARK - 1) && session_open(sid);
  size_t len;
  char *req = httpf_fill(data, size, sid, &len);
  static char reply[HTTPF_MAX_REPLY];
  long got = httpf_exchange(req, len, reply, sizeof reply);
  FUZZ_CHECK(got >= 0, "the server stopped accepting connections");
  check_reply(reply, (size_t)got);
  if (getenv("FUZZ_ECHO")) /* to see what a corpus input gets back */
    fprintf(stderr, "< %.*s\n", (int)strcspn(reply, "\r\n"), reply);
  free(req);
  if (has_session)
    session_close(sid);
  /* The server still answers a stateless request. */
  static const char probe[] =
      "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
      "\"arguments\":{\"text\":\"still here\"},\"_meta\":{\"io.modelcontextprotocol/"
      "protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
  int st = httpf_post(probe,
                      "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\n"
                      "Mcp-Name: echo\r\n",
                      reply, sizeof reply);
  FUZZ_CHECK(st == 200 && strstr(reply, "still here"), "the server stopped serving");
  httpf_quiet();
  return 0;
}
