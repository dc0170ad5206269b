/* fuzz_jsonrpc.c - fuzz target for the MCP core: one frame into a fresh
 * session of a server with schema-checked tools, resources, a template and a
 * prompt; every message the core sends must be well-formed JSON-RPC.
 *
 * The first byte may pick a handshake sent before the frame: '!' initializes
 * at 2025-11-25, '@' at 2025-03-26 (batches allowed), '#' at 2024-11-05. Any
 * other first byte is part of the frame, which then meets a session that has
 * not been initialized (where the stateless 2026-07-28 era is served). A '%'
 * (after the handshake selector, if any) makes the rest several frames, one
 * per line, handed over in one burst: requests, cancellations, log levels. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "fuzz.h"
#include "mcp/mcp.h"

#define JSONRPC_MAX_INPUT (256u * 1024)
#define JSONRPC_WAIT_MS 5000
#define JSONRPC_MAX_FRAMES 64

/* ---- the server ----------------------------------------------------------------- */

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  const char *text = json_string_value(json_object_get(args, "text"));
  return mcp_tool_text("%s", text ? text : "");
}

static json_t *tool_chatty(mcp_call *call, json_t *args) {
  (void)args;
  mcp_call_progress(call, 1, 2, "half");
  mcp_call_progress(call, 2, 2, NULL);
  mcp_call_log(call, MCP_LOG_WARNING, "fuzz", json_string("a warning"));
  return mcp_tool_text("%s", mcp_call_protocol_version(call));
}

/* Returns structuredContent {"count": n} for its output schema (minimum 0):
 * a negative n makes the tool break its own contract, which the core logs. */
static json_t *tool_count(mcp_call *call, json_t *args) {
  (void)call;
  json_int_t n = json_integer_value(json_object_get(args, "n"));
  if (n == 13)
    return mcp_tool_error("unlucky");
  return mcp_tool_structured(json_pack("{s:I}", "count", n));
}

static json_t *read_static(mcp_call *call, const char *uri, json_t *vars) {
  (void)call, (void)vars;
  return json_pack("[{s:s,s:s,s:s}]", "uri", uri, "mimeType", "text/plain", "text", "static");
}

static json_t *read_webinar(mcp_call *call, const char *uri, json_t *vars) {
  const char *id = json_string_value(json_object_get(vars, "webinarId"));
  if (!id || strcmp(id, "404") == 0)
    return mcp_call_fail(call, MCP_RESOURCE_NOT_FOUND, "no such webinar");
  return json_pack("[{s:s,s:s}]", "uri", uri, "text", id);
}

static json_t *complete_ids(mcp_call *call, const char *name, const char *value, json_t *ctx) {
  (void)call, (void)ctx;
  json_t *out = json_array();
  static const char *const ids[] = {"81000000001", "81000000002", "82000000003", "404"};
  for (size_t i = 0; strcmp(name, "webinarId") == 0 && i < sizeof ids / sizeof ids[0]; i++)
    if (strncmp(ids[i], value, strlen(value)) == 0)
      json_array_append_new(out, json_string(ids[i]));
  return out;
}

static json_t *prompt_get(mcp_call *call, json_t *args) {
  (void)call;
  const char *topic = json_string_value(json_object_get(args, "topic"));
  return json_pack("{s:[{s:s,s:{s:s,s:s}}]}", "messages", "role", "user", "content", "type", "text",
                   "text", topic ? topic : "");
}

static const mcp_tool fuzz_tools[] = {
    {.name = "echo",
     .input_schema =
         "{\"type\":\"object\",\"required\":[\"text\"],\"additionalProperties\":false,"
         "\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":64},"
         "\"mode\":{\"enum\":[\"plain\",\"loud\"]},"
         "\"topic\":{\"type\":\"string\",\"pattern\":\"^[A-Za-z][A-Za-z0-9 _-]{0,20}$\"},"
         "\"repeat\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},"
         "\"settings\":{\"type\":\"object\",\"properties\":{"
         "\"approval_type\":{\"enum\":[0,1,2]},"
         "\"emails\":{\"type\":\"array\",\"maxItems\":3,\"uniqueItems\":true,"
         "\"items\":{\"type\":\"string\",\"minLength\":3}}}}}}",
     .hints = MCP_HINT_READ_ONLY | MCP_HINT_IDEMPOTENT,
     .fn = tool_echo},
    {.name = "chatty", .fn = tool_chatty},
    {.name = "count",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}",
     .output_schema = "{\"type\":\"object\",\"required\":[\"count\"],"
                      "\"properties\":{\"count\":{\"type\":\"integer\",\"minimum\":0}}}",
     .fn = tool_count},
};
static const mcp_resource fuzz_resources[] = {
    {.uri = "test://static", .name = "static", .mime_type = "text/plain", .read = read_static}};
static const mcp_resource_template fuzz_templates[] = {
    {.uri_template = "zoom://webinars/{webinarId}",
     .name = "webinar",
     .read = read_webinar,
     .complete = complete_ids}};
static const mcp_prompt_arg fuzz_prompt_args[] = {{.name = "topic", .required = true},
                                                  {.name = NULL}};
static const mcp_prompt fuzz_prompts[] = {
    {.name = "plan", .args = fuzz_prompt_args, .get = prompt_get, .complete = complete_ids}};

static mcp_server *fuzz_server;

/* Builds the one server every input shares (the first call). */
static void fuzz_server_init(void) {
  log_set_level(LOG_OFF); /* the core logs every bad frame; the fuzzer wants quiet */
  mcp_server_config cfg = {.name = "fuzz", .version = "0", .workers = 1, .max_workers = 2};
  fuzz_server = mcp_server_new(&cfg);
  FUZZ_CHECK(fuzz_server != NULL, "mcp_server_new");
  FUZZ_CHECK(mcp_server_add_tools(fuzz_server, fuzz_tools, 3) == 0, "tools");
  FUZZ_CHECK(mcp_server_add_resources(fuzz_server, fuzz_resources, 1) == 0, "resources");
  FUZZ_CHECK(mcp_server_add_templates(fuzz_server, fuzz_templates, 1) == 0, "templates");
  FUZZ_CHECK(mcp_server_add_prompts(fuzz_server, fuzz_prompts, 1) == 0, "prompts");
}

/* ---- checking what the core sends ------------------------------------------------- */

typedef struct fuzz_sink {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t count;
} fuzz_sink;

/* True when M (borrowed) is one JSON-RPC 2.0 message a server may send: a
 * response (id and exactly one of result/error, a well-formed error) or a
 * notification or request (a string method). */
static bool jsonrpc_message_ok(json_t *m) {
  if (!json_is_object(m) || !json_is_string(json_object_get(m, "jsonrpc")) ||
      strcmp(json_string_value(json_object_get(m, "jsonrpc")), "2.0") != 0)
    return false;
  json_t *method = json_object_get(m, "method");
  json_t *id = json_object_get(m, "id");
  json_t *result = json_object_get(m, "result");
  json_t *error = json_object_get(m, "error");
  if (method)
    return json_is_string(method) && !result && !error &&
           (!id || json_is_string(id) || json_is_integer(id));
  if (!id || !(json_is_string(id) || json_is_integer(id) || json_is_null(id)))
    return false;
  if ((result != NULL) == (error != NULL))
    return false;
  if (result)
    return json_is_object(result) && !json_is_null(id);
  return json_is_integer(json_object_get(error, "code")) &&
         json_is_string(json_object_get(error, "message"));
}

static void fuzz_send(void *ctx, void *tag, const char *msg, size_t len) {
  (void)tag;
  fuzz_sink *sink = ctx;
  json_error_t jerr;
  json_t *doc = json_loadb(msg, len, JSON_REJECT_DUPLICATES, &jerr);
  FUZZ_CHECK(doc != NULL, "the core sent text that is not JSON");
  FUZZ_CHECK(memchr(msg, '\n', len) == NULL,
             "a message holds a raw newline (breaks stdio framing)");
  if (json_is_array(doc)) {
    FUZZ_CHECK(json_array_size(doc) > 0, "an empty batch response");
    size_t i;
    json_t *m;
    json_array_foreach(doc, i, m) {
      FUZZ_CHECK(jsonrpc_message_ok(m), "a batch member is not a JSON-RPC response");
      FUZZ_CHECK(json_object_get(m, "method") == NULL, "a batch response holds a request");
    }
  } else {
    FUZZ_CHECK(jsonrpc_message_ok(doc), "not a JSON-RPC message");
  }
  json_decref(doc);
  if (getenv("FUZZ_ECHO")) /* to see what a corpus input gets back */
    fprintf(stderr, "< %.*s\n", (int)len, msg);
  pthread_mutex_lock(&sink->mu);
  sink->count++;
  pthread_cond_broadcast(&sink->cv);
  pthread_mutex_unlock(&sink->mu);
}

/* Waits (at most JSONRPC_WAIT_MS) until SINK has seen N messages. */
static void fuzz_sink_wait(fuzz_sink *sink, size_t n) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += JSONRPC_WAIT_MS / 1000;
  pthread_mutex_lock(&sink->mu);
  while (sink->count < n)
    if (pthread_cond_timedwait(&sink->cv, &sink->mu, &deadline) != 0)
      break;
  FUZZ_CHECK(sink->count >= n, "no answer to initialize");
  pthread_mutex_unlock(&sink->mu);
}

/* ---- the target ----------------------------------------------------------------- */

static const struct {
  char selector;
  const char *version;
} handshakes[] = {{'!', "2025-11-25"}, {'@', "2025-03-26"}, {'#', "2024-11-05"}};

/* Initializes S at VERSION and waits for the answer before notifications/initialized. */
static void fuzz_handshake(mcp_session *s, fuzz_sink *sink, const char *version) {
  char frame[512];
  int n = snprintf(frame, sizeof frame,
                   "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                   "\"protocolVersion\":\"%s\",\"capabilities\":{\"sampling\":{},"
                   "\"elicitation\":{},\"roots\":{}},\"clientInfo\":{\"name\":\"fuzz\","
                   "\"version\":\"1\"}}}",
                   version);
  mcp_session_handle(s, frame, (size_t)n, NULL);
  fuzz_sink_wait(sink, 1);
  static const char initialized[] =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  mcp_session_handle(s, initialized, sizeof initialized - 1, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, fuzz_server_init);
  if (size > JSONRPC_MAX_INPUT)
    return 0;
  fuzz_sink sink = {.count = 0};
  pthread_mutex_init(&sink.mu, NULL);
  pthread_cond_init(&sink.cv, NULL);
  mcp_session *s = mcp_session_new(fuzz_server, fuzz_send, &sink);
  FUZZ_CHECK(s != NULL, "mcp_session_new");
  const char *frame = (const char *)data;
  for (size_t i = 0; size > 0 && i < sizeof handshakes / sizeof handshakes[0]; i++)
    if (data[0] == (uint8_t)handshakes[i].selector) {
      fuzz_handshake(s, &sink, handshakes[i].version);
      frame++, size--;
      break;
    }
  if (size > 0 && frame[0] == '%') {
    /* Several frames, one per line, handed over as one burst. */
    frame++, size--;
    mcp_session_burst_begin(s);
    for (int n = 0; n < JSONRPC_MAX_FRAMES && size > 0; n++) {
      const char *nl = memchr(frame, '\n', size);
      size_t len = nl ? (size_t)(nl - frame) : size;
      mcp_session_handle(s, frame, len, NULL);
      frame += len + (nl != NULL);
      size -= len + (nl != NULL);
    }
    mcp_session_burst_end(s);
  } else {
    mcp_session_handle(s, frame, size, NULL);
  }
  mcp_session_drain(s, false);
  mcp_session_free(s);
  pthread_cond_destroy(&sink.cv);
  pthread_mutex_destroy(&sink.mu);
  return 0;
}
