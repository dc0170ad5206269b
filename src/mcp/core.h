/* core.h - the MCP core's private structures, shared by server.c (registries
 * and the worker pool), session.c (dispatch, in-flight table, calls) and
 * methods.c (one function per MCP method). Not part of the public API. */
#ifndef MCP_CORE_H
#define MCP_CORE_H

#include "mcp/mcp.h"
#include "mcp/schema.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define MCP_MODERN_VERSION "2026-07-28"
#define MCP_LATEST_LEGACY "2025-11-25"
#define META_VERSION "io.modelcontextprotocol/protocolVersion"
#define META_CAPS "io.modelcontextprotocol/clientCapabilities"
#define META_LOG_LEVEL "io.modelcontextprotocol/logLevel"
#define META_SERVER_INFO "io.modelcontextprotocol/serverInfo"
#define META_SUBSCRIPTION_ID "io.modelcontextprotocol/subscriptionId"

#define MCP_PAGE_SIZE 50
#define MCP_MAX_SUBSCRIPTIONS 1024 /* resources one session may follow */
#define MCP_ASK_TIMEOUT_MS 60000
#define MCP_INFLIGHT_BUCKETS 256
#define MCP_LOG_NONE (-1)
#define MCP_ROOM_WAIT_MS 100 /* a full queue: how long a new request waits for room */

/* Which eras a method belongs to. */
enum { ERA_LEGACY_BIT = 1, ERA_MODERN_BIT = 2, ERA_BOTH = 3 };

/* A method handler: returns a new reference to the result object, or NULL
 * after call_fail (or, modern era, after mcp_call_ask recorded input). */
typedef json_t *(*method_fn)(mcp_call *call, json_t *params);

typedef struct method_def {
  const char *name;
  unsigned eras;  /* ERA_*_BIT */
  bool on_worker; /* runs on the pool (may be slow); else inline on the caller */
  method_fn fn;
} method_def;

/* Looks a method up by name. Returns NULL for an unknown method. */
const method_def *methods_find(const char *name);

typedef struct tool_entry {
  const mcp_tool *def;
  json_t *listing;   /* the Tool object sent by tools/list (holds both schema documents) */
  schema *input;     /* compiled at registration, or at first use (lazy entries) */
  schema *output;    /* NULL when the tool declares no outputSchema */
  atomic_bool ready; /* input (and output) compiled */
} tool_entry;

typedef struct resource_entry {
  const mcp_resource *def;
  json_t *listing;
} resource_entry;

typedef struct template_entry {
  const mcp_resource_template *def;
  json_t *listing;
} template_entry;

typedef struct prompt_entry {
  const mcp_prompt *def;
  json_t *listing;
} prompt_entry;

/* A batch (2025-03-26 sessions): replies are gathered into one array. */
typedef struct batch {
  size_t pending; /* members not answered yet, plus one while dispatching */
  json_t *replies;
  void *tag;
} batch;

struct mcp_call {
  mcp_session *s;
  const method_def *method;
  json_t *msg;    /* the request (owned) */
  json_t *id;     /* borrowed from msg */
  json_t *params; /* borrowed from msg; an object, or NULL */
  void *tag;
  batch *batch;
  mcp_era era;
  const char *version;    /* static string */
  json_t *client_caps;    /* borrowed: from _meta (modern) or the session (legacy) */
  json_t *progress_token; /* borrowed, or NULL */
  double last_progress;
  bool progressed;
  int log_level; /* modern: per-request level, MCP_LOG_NONE when absent */
  atomic_bool cancelled;
  bool registered; /* in the session's in-flight table */
  int err_code;    /* 0 = no error recorded */
  char *err_msg;
  json_t *err_data;
  char *ask_failure;       /* why an ask failed (client error, bad answer, no answer), or NULL:
                              a handler that then returns NULL answers with it */
  json_t *input_requests;  /* modern: questions recorded by mcp_call_ask */
  json_t *input_responses; /* modern: borrowed from params */
  char *request_state;     /* modern: sent with input_required (owned), or NULL */
  struct mcp_call *next_inflight;
  struct mcp_call *next_job; /* in the pool's queue, then in the session's garbage */
  uint64_t queued_ns;        /* when it entered the pool's queue */
  char key[96];              /* canonical id key in the in-flight table */
  const mcp_tool *tool;      /* tools/call: the tool being run, else NULL */
  bool detached;             /* answered later, or never (subscriptions/listen) */
  /* tools/call: the data of the handler's last mcp_tool_structured and its
   * text block's string (references held, so neither pointer is reused): the
   * reply writes that text for the data instead of serializing it again */
  json_t *structured, *structured_text;
};

/* A server->client request waiting for its answer (legacy era). */
typedef struct pending_ask {
  json_int_t id;
  json_t *result;        /* new reference once answered */
  json_t *error;         /* new reference once answered with an error */
  const char *malformed; /* static: what was wrong with a malformed answer, or NULL */
  bool done;
  struct pending_ask *next;
} pending_ask;

struct mcp_server {
  char *name, *title, *version;
  size_t workers, queue_limit, max_depth;
  void *userdata;
  pthread_mutex_t mu; /* instructions */
  char *instructions;

  tool_entry *tools;
  size_t ntools;
  resource_entry *resources;
  size_t nresources;
  template_entry *templates;
  size_t ntemplates;
  prompt_entry *prompts;
  size_t nprompts;
  bool has_completions;
  /* tools registered on demand (mcp_server_set_tools_loader) */
  mcp_tools_loader tools_loader;
  void *tools_loader_ctx;
  pthread_mutex_t tools_mu; /* held while the loader runs */
  atomic_int tools_state;   /* TOOLS_READY, TOOLS_PENDING or TOOLS_FAILED */

  /* the worker pool, shared by every session */
  pthread_mutex_t qmu;
  pthread_cond_t qcv;
  mcp_call *qhead, *qtail;
  atomic_size_t qlen;    /* queued calls, readable without qmu */
  size_t sleepers;       /* workers waiting on qcv */
  bool spinner;          /* a worker is spinning for the next call */
  pthread_cond_t sup_cv; /* wakes the supervisor out of its idle sleep */
  pthread_t *threads;
  size_t nthreads, max_workers;
  size_t running;         /* calls being run by a worker */
  uint64_t last_start_ns; /* when a worker last started a call */
  bool sup_started, sup_sleeping;
  pthread_t supervisor; /* grows the pool when calls wait behind busy workers */
  bool stopping;

  /* sessions following resources (resources/subscribe, subscriptions/listen) */
  pthread_mutex_t subs_mu;
  mcp_session *subscribers;
};

struct mcp_session {
  mcp_server *srv;
  mcp_send_fn send;
  void *ctx;
  pthread_mutex_t send_mu; /* one message on the wire at a time */
  pthread_mutex_t mu;      /* everything below */
  pthread_cond_t cv;       /* in-flight count dropped; an ask was answered; cancellation */
  atomic_bool initialized; /* legacy: initialize answered (read without mu) */
  atomic_bool closing;     /* read without mu */
  bool input_closed;       /* no more input will arrive: asks fail at once */
  char version[16];        /* legacy: negotiated version, "" before initialize */
  json_t *client_caps;     /* legacy: capabilities from initialize */
  int log_level;           /* legacy: notifications/message threshold */
  size_t inflight;         /* registered calls (queued or running) */
  size_t room_waiters;     /* dispatchers waiting for room below the queue limit */
  bool saturated;          /* a wait for room timed out: refuse at once until room frees */
  mcp_call *table[MCP_INFLIGHT_BUCKETS];
  pending_ask *asks;
  json_int_t next_ask_id;
  /* Calls finished by workers, freed later by the thread that parsed them
   * (memory goes back where it came from: no cross-thread malloc traffic). */
  _Atomic(mcp_call *) garbage;
  atomic_size_t backlog; /* calls staged or queued for the pool, not started */
  /* Resource subscriptions, under s->mu; the session is in srv->subscribers
   * (under srv->subs_mu) from its first subscription until it is freed. */
  json_t *subs;        /* legacy: uri -> true */
  json_t *listen_id;   /* modern: the subscriptions/listen request's id, or NULL */
  void *listen_tag;    /* its tag */
  json_t *listen_uris; /* its resourceSubscriptions: uri -> true */
  bool subscribed;     /* in srv->subscribers (under srv->subs_mu) */
  mcp_session *next_subscriber;
};

/* server.c */
/* Initializes M as a mutex that spins a little before sleeping (the locks
 * here are held for a few instructions). */
void core_mutex_init(pthread_mutex_t *m);
/* Queues the N calls FIRST..LAST (chained by next_job, LAST's next_job NULL)
 * for the workers, starting the pool on first use. Returns 0, or -1 when no
 * worker could be started (the calls are then not queued). */
int server_enqueue(mcp_server *srv, mcp_call *first, mcp_call *last, size_t n);
/* Puts S in the server's list of sessions following resources (once). */
void server_add_subscriber(mcp_server *srv, mcp_session *s);
/* Takes S out of that list; called when S is freed. */
void server_remove_subscriber(mcp_server *srv, mcp_session *s);
/* Returns a new reference to the ServerCapabilities object for ERA. */
json_t *server_capabilities(mcp_server *srv, mcp_era era);
/* Returns a new reference to {name, title, version}. */
json_t *server_info(mcp_server *srv);
/* Returns a copy of the instructions (caller frees), or NULL. */
char *server_instructions(mcp_server *srv);
const tool_entry *server_find_tool(mcp_server *srv, const char *name);

enum { TOOLS_READY, TOOLS_PENDING, TOOLS_FAILED };
/* Runs the tools loader once, when there is one and it has not run (the first
 * caller runs it; the others wait for it). Returns 0 once the tools are
 * registered, -1 when the loader failed (then and every time after). Every
 * path that reads the tool registry calls it first. */
int server_load_tools(mcp_server *srv);

/* Compiles T's schemas when that has not happened yet (thread-safe). Returns
 * 0, or -1 with the reason in ERR. */
int server_tool_ready(mcp_server *srv, const tool_entry *t, char *err, size_t errlen);
const prompt_entry *server_find_prompt(mcp_server *srv, const char *name);
const resource_entry *server_find_resource(mcp_server *srv, const char *uri);
/* Matches URI against the templates; on a match returns the template and
 * stores the variables in *VARS (new reference). */
const template_entry *server_match_template(mcp_server *srv, const char *uri, json_t **vars);
const template_entry *server_find_template(mcp_server *srv, const char *uri_template);

/* session.c */
/* Runs CALL's method and sends its reply (or drops it when cancelled), then
 * frees the call. Used by the workers and for inline methods. */
void session_run_call(mcp_call *call);
/* Sends MSG (stolen) on the session, serialized. */
void session_send(mcp_session *s, json_t *msg, void *tag);
/* Records the legacy handshake. Returns 0, or -1 if already initialized. */
int session_initialize(mcp_session *s, const char *version, json_t *caps);
void session_set_log_level(mcp_session *s, int level);

/* methods.c helpers used by session.c */
/* Copies client-supplied TEXT (may be NULL) for a log line: cut to OUTLEN,
 * control characters replaced, so a client cannot forge log lines. */
void log_safe(char *out, size_t outlen, const char *text);
int log_level_from_name(const char *name);
const char *log_level_name(int level);
/* True when VERSION is a legacy version this server negotiates. */
bool legacy_version_supported(const char *version);
/* Returns a new reference to the list of every supported version. */
json_t *supported_versions(void);

/* Records an error with DATA (stolen, may be NULL) on CALL; returns NULL. */
json_t *call_fail_data(mcp_call *call, int code, json_t *data, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
