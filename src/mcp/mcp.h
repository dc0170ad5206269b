/* mcp.h - the MCP core: a library that serves the Model Context Protocol,
 * both the handshake revisions (2024-11-05 .. 2025-11-25) and the stateless
 * 2026-07-28 revision, with no knowledge of Zoom or of any transport.
 *
 * A program declares its tools, resources, resource templates and prompts as
 * static tables, creates one mcp_server, and lets a transport feed it
 * messages through an mcp_session. Replies leave through the session's send
 * callback, possibly from a worker thread and possibly out of order.
 *
 * Ownership follows jansson's words: "new reference" means the caller owns
 * what comes back; "borrowed" means it does not; "stolen" means the callee
 * takes the caller's reference. */
#ifndef MCP_MCP_H
#define MCP_MCP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* JSON-RPC and MCP error codes. */
enum {
  MCP_PARSE_ERROR = -32700,
  MCP_INVALID_REQUEST = -32600,
  MCP_METHOD_NOT_FOUND = -32601,
  MCP_INVALID_PARAMS = -32602,
  MCP_INTERNAL_ERROR = -32603,
  MCP_RESOURCE_NOT_FOUND = -32002,  /* legacy era; the modern era uses -32602 */
  MCP_HEADER_MISMATCH = -32020,     /* 2026-07-28, HTTP only */
  MCP_MISSING_CAPABILITY = -32021,  /* 2026-07-28 */
  MCP_UNSUPPORTED_VERSION = -32022, /* 2026-07-28 */
  MCP_SERVER_BUSY = -32000,         /* the work queue is full */
  MCP_REQUEST_CANCELLED = -32800    /* used internally; never sent for a cancelled request */
};

typedef enum { MCP_ERA_LEGACY = 0, MCP_ERA_MODERN = 1 } mcp_era;

/* Log levels of notifications/message (RFC 5424 names, lowest first). */
typedef enum {
  MCP_LOG_DEBUG = 0,
  MCP_LOG_INFO,
  MCP_LOG_NOTICE,
  MCP_LOG_WARNING,
  MCP_LOG_ERROR,
  MCP_LOG_CRITICAL,
  MCP_LOG_ALERT,
  MCP_LOG_EMERGENCY
} mcp_log_level;

typedef struct mcp_server mcp_server;
typedef struct mcp_session mcp_session;
typedef struct mcp_call mcp_call; /* one request being served; valid during its handler */

/* ---- Declarations: tools, resources, templates, prompts ---------------- */

/* Tool annotation hints. Every hint is sent explicitly (true or false). */
enum {
  MCP_HINT_READ_ONLY = 1u << 0,
  MCP_HINT_DESTRUCTIVE = 1u << 1,
  MCP_HINT_IDEMPOTENT = 1u << 2,
  MCP_HINT_OPEN_WORLD = 1u << 3
};

/* A tool handler. ARGS (borrowed) has already been validated against the
 * tool's input schema. Returns a new reference to a CallToolResult object
 * (build it with mcp_tool_text, mcp_tool_error, mcp_tool_structured), or NULL
 * when the call failed at the protocol level (see mcp_call_fail) or needs
 * input from the client (see mcp_call_ask). Runs on a worker thread. */
typedef json_t *(*mcp_tool_fn)(mcp_call *call, json_t *args);

typedef struct mcp_tool {
  const char *name;  /* unique; [A-Za-z0-9_.-], 1..128 chars */
  const char *title; /* human-readable, optional */
  const char *description;
  const char *input_schema;  /* JSON text of a JSON Schema object; NULL = {"type":"object"} */
  const char *output_schema; /* JSON text, or NULL when the tool returns no structuredContent */
  unsigned hints;            /* MCP_HINT_* */
  mcp_tool_fn fn;
} mcp_tool;

/* Reads a resource. URI is the concrete URI asked for; VARS (borrowed) holds
 * the variables a template matched ({} for a static resource). Returns a new
 * reference to the "contents" array of a ReadResourceResult, or NULL after
 * mcp_call_fail (use MCP_RESOURCE_NOT_FOUND for an unknown item: the core
 * translates it for the era). */
typedef json_t *(*mcp_resource_fn)(mcp_call *call, const char *uri, json_t *vars);

/* Completes an argument. NAME is the argument, VALUE its partial value,
 * CONTEXT (borrowed, may be NULL) the other arguments already chosen. Returns
 * a new reference to an array of strings (the core caps it at 100 and sets
 * total/hasMore). */
typedef json_t *(*mcp_complete_fn)(mcp_call *call, const char *name, const char *value,
                                   json_t *context);

typedef struct mcp_resource {
  const char *uri;
  const char *name;
  const char *title;
  const char *description;
  const char *mime_type;
  mcp_resource_fn read;
} mcp_resource;

typedef struct mcp_resource_template {
  const char *uri_template; /* RFC 6570 level 1: "zoom://webinars/{webinarId}" */
  const char *name;
  const char *title;
  const char *description;
  const char *mime_type;
  mcp_resource_fn read;
  mcp_complete_fn complete; /* optional */
} mcp_resource_template;

typedef struct mcp_prompt_arg {
  const char *name;
  const char *description;
  bool required;
} mcp_prompt_arg;

/* Builds a prompt. ARGS (borrowed) is an object of string values whose
 * required members are present. Returns a new reference to a GetPromptResult
 * ({description?, messages}), or NULL after mcp_call_fail. */
typedef json_t *(*mcp_prompt_fn)(mcp_call *call, json_t *args);

typedef struct mcp_prompt {
  const char *name;
  const char *title;
  const char *description;
  const mcp_prompt_arg *args; /* terminated by an entry whose name is NULL; may be NULL */
  mcp_prompt_fn get;
  mcp_complete_fn complete; /* optional */
} mcp_prompt;

/* ---- The server ---------------------------------------------------------- */

typedef struct mcp_server_config {
  const char *name;         /* serverInfo.name */
  const char *title;        /* serverInfo.title */
  const char *version;      /* serverInfo.version */
  const char *instructions; /* may be NULL; copied */
  size_t workers;           /* worker threads started with the pool; 0 = default (2) */
  size_t max_workers;       /* the pool grows to this when requests wait on busy
                               workers for more than a few ms; 0 = default (32) */
  size_t queue_limit;       /* requests queued or running per session; 0 = default (256) */
  size_t max_depth;         /* JSON nesting limit; 0 = default (64) */
  void *userdata;           /* handed back by mcp_call_userdata */
} mcp_server_config;

/* Returns a new server, or NULL when out of memory. Copies what CONFIG points to. */
mcp_server *mcp_server_new(const mcp_server_config *config);

/* Frees the server. Accepts NULL. Every session must be freed first. */
void mcp_server_free(mcp_server *srv);

/* Registers tables. The tables and their strings are borrowed and must outlive
 * the server (static tables do). Schemas are parsed here: returns 0, or -1
 * and logs why when a schema is not valid JSON or a name is taken. Call
 * before the first session is created. */
int mcp_server_add_tools(mcp_server *srv, const mcp_tool *tools, size_t n);

/* Like mcp_server_add_tools, but the schemas come parsed: INPUTS[i] and
 * OUTPUTS[i] (borrowed; OUTPUTS may be NULL, an element NULL for no output
 * schema) replace the text members of TOOLS[i]. They are compiled at the
 * tool's first call, not here, so start-up stays cheap however many tools
 * there are; mcp_server_check_tools compiles them all at once (tests). */
int mcp_server_add_tools_parsed(mcp_server *srv, const mcp_tool *tools, size_t n,
                                json_t *const *inputs, json_t *const *outputs);

/* Registers tools on demand. LOAD(SRV, CTX) runs once, on the thread of the
 * first request that needs the tools (tools/list, tools/call,
 * mcp_server_tool_input_schema, mcp_server_check_tools), while the others
 * wait for it; it registers tools with mcp_server_add_tools or
 * mcp_server_add_tools_parsed and returns 0, or -1 (logged): tools/list and
 * tools/call then answer -32603 saying the tools could not be loaded, and the
 * rest of the server keeps serving. The tools capability is offered from the
 * start. Call before the first session is created. */
typedef int (*mcp_tools_loader)(mcp_server *srv, void *ctx);
void mcp_server_set_tools_loader(mcp_server *srv, mcp_tools_loader load, void *ctx);

/* Compiles every registered tool's schemas now (the loader runs first). Returns 0, or -1 (logged)
 * naming the first tool whose schema does not compile. */
int mcp_server_check_tools(mcp_server *srv);
int mcp_server_add_resources(mcp_server *srv, const mcp_resource *res, size_t n);
int mcp_server_add_templates(mcp_server *srv, const mcp_resource_template *t, size_t n);
int mcp_server_add_prompts(mcp_server *srv, const mcp_prompt *prompts, size_t n);

/* Tells the clients that follow resource URI that it changed: a legacy
 * session that sent resources/subscribe for URI gets
 * notifications/resources/updated with no request tag (a transport's channel
 * for server messages: stdout, or the HTTP GET stream), and a 2026-07-28
 * subscriptions/listen whose resourceSubscriptions name URI gets it on its
 * stream, tagged with its subscriptionId. Thread-safe; a tool that changed
 * something calls it. */
void mcp_server_notify_resource_updated(mcp_server *srv, const char *uri);

/* The inputSchema of tool NAME as tools/list shows it (borrowed; lives as
 * long as the server), or NULL for an unknown tool. Lets a transport check
 * what it needs of the arguments (HTTP: parameters mirrored in headers).
 * Thread-safe once the tables are registered. */
json_t *mcp_server_tool_input_schema(mcp_server *srv, const char *name);

/* Replaces the instructions sent in initialize and server/discover. Thread-safe. */
void mcp_server_set_instructions(mcp_server *srv, const char *instructions);

/* ---- Sessions: what a transport drives ----------------------------------- */

/* Sends one JSON-RPC message (compact JSON, no trailing newline). TAG is the
 * tag given to mcp_session_handle for the message this one answers or was
 * caused by (NULL for messages with no such origin). Called from any thread,
 * never concurrently for the same session. */
typedef void (*mcp_send_fn)(void *ctx, void *tag, const char *msg, size_t len);

/* Returns a new session that sends through SEND(CTX, ...), or NULL. */
mcp_session *mcp_session_new(mcp_server *srv, mcp_send_fn send, void *ctx);

/* Handles one incoming frame: a JSON-RPC request, notification, response, or
 * (for 2025-03-26 sessions) a batch. MSG need not be NUL-terminated. Returns
 * at once; replies come later through the send callback. Thread-safe. */
void mcp_session_handle(mcp_session *s, const char *msg, size_t len, void *tag);

/* Brackets a burst of mcp_session_handle calls made by one thread (say, all
 * the frames of one read): requests for the workers are handed over together
 * at the end, which saves a wake-up per request under a pipelined load.
 * Bursts nest; every begin needs its end, on the same thread, and a burst
 * must be closed before the session is drained. */
void mcp_session_burst_begin(mcp_session *s);
void mcp_session_burst_end(mcp_session *s);

/* Like mcp_session_handle, but a request in MSG runs on the calling thread
 * instead of the worker pool, and this returns once its reply has been
 * sent. For a transport that gives each request a thread of its own (HTTP,
 * a thread per connection): it saves two thread switches per call. Only for
 * requests that will not wait on the client (a legacy mcp_call_ask waits for
 * an answer that this thread would have to deliver), and whose progress or
 * log messages may arrive together with the reply. */
void mcp_session_handle_inline(mcp_session *s, const char *msg, size_t len, void *tag);

/* The number of this session's requests waiting for a worker, not started
 * yet: more replies will follow soon, so a transport may hold a reply back
 * briefly to write several at once. Thread-safe. */
size_t mcp_session_backlog(mcp_session *s);

/* Answers a frame the transport could not hand over (too large, say) with a
 * JSON-RPC error whose id is null. Thread-safe. */
void mcp_session_reject(mcp_session *s, int code, const char *message, void *tag);

/* Stops taking requests, cancels what is in flight when CANCEL is true, and
 * waits until every handler has returned and its reply has been sent. A
 * handler waiting for the client's answer (mcp_call_ask) fails at once: no
 * more input will come. Call it once input has stopped (after the last
 * mcp_session_handle). */
void mcp_session_drain(mcp_session *s, bool cancel);

/* Like mcp_session_drain, but lets the requests in flight run for GRACE_MS
 * milliseconds (negative: no limit; 0: cancel at once) and cancels those
 * still running then. Returns true when all finished within the grace. */
bool mcp_session_drain_for(mcp_session *s, long grace_ms);

/* Drains (cancelling) and frees the session. Accepts NULL. */
void mcp_session_free(mcp_session *s);

/* ---- Inside a handler ---------------------------------------------------- */

void *mcp_call_userdata(const mcp_call *call);

/* The declaration of the tool this call runs (borrowed: an element of the
 * table given to mcp_server_add_tools), or NULL when the call is not a
 * tools/call. Lets one handler serve several tools. */
const mcp_tool *mcp_call_tool(const mcp_call *call);
/* The server serving CALL (for mcp_server_notify_resource_updated). */
mcp_server *mcp_call_server(const mcp_call *call);
mcp_era mcp_call_era(const mcp_call *call);
const char *mcp_call_protocol_version(const mcp_call *call);

/* True once the client cancelled the request (or the session is closing).
 * Long handlers poll it; the Zoom client polls it to abort transfers. */
bool mcp_call_cancelled(const mcp_call *call);

/* True when the client declared CAPABILITY ("sampling", "elicitation",
 * "roots", or a dotted path such as "elicitation.form"). */
bool mcp_call_client_has(const mcp_call *call, const char *capability);

/* Sends notifications/progress when the request carried a progressToken;
 * does nothing otherwise. TOTAL < 0 means unknown. MESSAGE may be NULL.
 * Progress values must increase: a value not above the last one is dropped. */
void mcp_call_progress(mcp_call *call, double progress, double total, const char *message);

/* Sends notifications/message at LEVEL when the session's (legacy) or the
 * request's (modern) log level lets it through. DATA is stolen. */
void mcp_call_log(mcp_call *call, mcp_log_level level, const char *logger, json_t *data);

/* Asks the client something ("sampling/createMessage", "elicitation/create",
 * "roots/list"); PARAMS is stolen. KEY names the question within this call.
 * Legacy era: sends the request and waits for the answer. Modern era: returns
 * the client's answer from inputResponses[KEY] when the client sent one;
 * otherwise records inputRequests[KEY] and returns NULL, and the handler must
 * return NULL so the core answers with resultType "input_required".
 * Returns a new reference to the client's result (an object), or NULL. When
 * the ask itself failed (the client answered with an error or with something
 * malformed, did not answer within 60 s, or its input ended) and the handler
 * returns NULL, a tool call answers with a tool error (isError) saying so and
 * any other method with -32603: never with the client's own error code. A
 * handler may return a result of its own instead. A missing capability or a
 * cancelled call is a protocol error as with mcp_call_fail. */
json_t *mcp_call_ask(mcp_call *call, const char *key, const char *method, json_t *params);

/* 2026-07-28: the requestState the client echoed back with its
 * inputResponses (params.requestState), borrowed; NULL when absent or in the
 * legacy era. The client cannot be trusted with it: a handler that keeps
 * anything there protects it (a MAC) and checks it. */
const char *mcp_call_request_state(const mcp_call *call);

/* 2026-07-28: sets the requestState sent with this call's InputRequiredResult
 * (STATE is copied; NULL clears it). Ignored in the legacy era. */
void mcp_call_set_request_state(mcp_call *call, const char *state);

/* Records a JSON-RPC error for this call and returns NULL, so a handler can
 * write `return mcp_call_fail(call, MCP_INVALID_PARAMS, "...")`. */
json_t *mcp_call_fail(mcp_call *call, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- Building results ---------------------------------------------------- */

/* A CallToolResult with one text block. New reference. */
json_t *mcp_tool_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A CallToolResult with isError true and one text block. New reference. */
json_t *mcp_tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A CallToolResult whose structuredContent is DATA (stolen, an object) and
 * whose one text block is the same JSON serialized. DATA must not change
 * afterwards: the reply to a tools/call writes that text for it rather than
 * serializing it a second time. New reference. */
json_t *mcp_tool_structured(json_t *data);

#endif
