/* server.c - the MCP server object: configuration, the tool/resource/prompt
 * registries built from static tables, and the worker pool. */
#include "mcp/core.h"

#include "base/log.h"
#include "base/pct.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKER_STACK (512 * 1024) /* room for libcurl + TLS + resolver in handlers */

static char *copy_str(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

mcp_server *mcp_server_new(const mcp_server_config *config) {
  mcp_server *srv = calloc(1, sizeof *srv);
  if (!srv)
    return NULL;
  srv->name = copy_str(config && config->name ? config->name : "mcp-server");
  srv->title = copy_str(config && config->title ? config->title : NULL);
  srv->version = copy_str(config && config->version ? config->version : "0.0.0");
  srv->instructions = copy_str(config ? config->instructions : NULL);
  srv->workers = config && config->workers ? config->workers : 2;
  srv->max_workers = config && config->max_workers ? config->max_workers : 32;
  srv->queue_limit = config && config->queue_limit ? config->queue_limit : 256;
  srv->max_depth = config && config->max_depth ? config->max_depth : 64;
  srv->userdata = config ? config->userdata : NULL;
  if (srv->max_workers > 256)
    srv->max_workers = 256;
  if (srv->workers > srv->max_workers)
    srv->max_workers = srv->workers;
  if (srv->max_depth > 1000)
    srv->max_depth = 1000; /* jansson's own limit is 2048 */
  core_mutex_init(&srv->mu);
  core_mutex_init(&srv->qmu);
  pthread_mutex_init(&srv->subs_mu, NULL);
  pthread_mutex_init(&srv->tools_mu, NULL);
  atomic_init(&srv->tools_state, TOOLS_READY);
  pthread_cond_init(&srv->qcv, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&srv->sup_cv, &attr);
  pthread_condattr_destroy(&attr);
  if (!srv->name || !srv->version) {
    mcp_server_free(srv);
    return NULL;
  }
  return srv;
}

void mcp_server_free(mcp_server *srv) {
  if (!srv)
    return;
  pthread_mutex_lock(&srv->qmu);
  srv->stopping = true;
  pthread_cond_broadcast(&srv->qcv);
  pthread_cond_broadcast(&srv->sup_cv);
  pthread_mutex_unlock(&srv->qmu);
  if (srv->sup_started)
    pthread_join(srv->supervisor, NULL);
  for (size_t i = 0; i < srv->nthreads; i++)
    pthread_join(srv->threads[i], NULL);
  free(srv->threads);
  for (size_t i = 0; i < srv->ntools; i++) {
    json_decref(srv->tools[i].listing);
    schema_free(srv->tools[i].input);
    schema_free(srv->tools[i].output);
  }
  free(srv->tools);
  for (size_t i = 0; i < srv->nresources; i++)
    json_decref(srv->resources[i].listing);
  free(srv->resources);
  for (size_t i = 0; i < srv->ntemplates; i++)
    json_decref(srv->templates[i].listing);
  free(srv->templates);
  for (size_t i = 0; i < srv->nprompts; i++)
    json_decref(srv->prompts[i].listing);
  free(srv->prompts);
  pthread_mutex_destroy(&srv->mu);
  pthread_mutex_destroy(&srv->qmu);
  pthread_mutex_destroy(&srv->subs_mu);
  pthread_mutex_destroy(&srv->tools_mu);
  pthread_cond_destroy(&srv->qcv);
  pthread_cond_destroy(&srv->sup_cv);
  free(srv->name);
  free(srv->title);
  free(srv->version);
  free(srv->instructions);
  free(srv);
}

void mcp_server_set_instructions(mcp_server *srv, const char *instructions) {
  char *copy = copy_str(instructions);
  pthread_mutex_lock(&srv->mu);
  free(srv->instructions);
  srv->instructions = copy;
  pthread_mutex_unlock(&srv->mu);
}

char *server_instructions(mcp_server *srv) {
  pthread_mutex_lock(&srv->mu);
  char *copy = copy_str(srv->instructions);
  pthread_mutex_unlock(&srv->mu);
  return copy;
}

/* ---- registration --------------------------------------------------------- */

static void set_optional(json_t *obj, const char *key, const char *value) {
  if (value)
    json_object_set_new(obj, key, json_string(value));
}

static bool tool_name_ok(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > 128)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    if (!isalnum(c) && c != '_' && c != '-' && c != '.')
      return false;
  }
  return true;
}

static json_t *parse_schema_text(const char *text, const char *tool, const char *which) {
  json_error_t error;
  json_t *doc = json_loads(text, 0, &error);
  if (!doc || !json_is_object(doc)) {
    log_error("mcp", "tool %s: %s is not a JSON object (%s)", tool, which,
              doc ? "wrong type" : error.text);
    json_decref(doc);
    return NULL;
  }
  return doc;
}

static json_t *tool_listing(const mcp_tool *t, json_t *input, json_t *output) {
  json_t *obj = json_object();
  json_object_set_new(obj, "name", json_string(t->name));
  set_optional(obj, "title", t->title);
  set_optional(obj, "description", t->description);
  json_object_set(obj, "inputSchema", input);
  if (output)
    json_object_set(obj, "outputSchema", output);
  json_t *ann = json_object();
  if (t->title)
    json_object_set_new(ann, "title", json_string(t->title));
  json_object_set_new(ann, "readOnlyHint", json_boolean(t->hints & MCP_HINT_READ_ONLY));
  json_object_set_new(ann, "destructiveHint", json_boolean(t->hints & MCP_HINT_DESTRUCTIVE));
  json_object_set_new(ann, "idempotentHint", json_boolean(t->hints & MCP_HINT_IDEMPOTENT));
  json_object_set_new(ann, "openWorldHint", json_boolean(t->hints & MCP_HINT_OPEN_WORLD));
  json_object_set_new(obj, "annotations", ann);
  return obj;
}

/* Compiles INPUT and OUTPUT (borrowed; OUTPUT may be NULL) into *IN and *OUT.
 * Returns 0, or -1 with the reason in ERR. */
static int compile_tool(json_t *input, json_t *output, schema **in, schema **out, char *err,
                        size_t errlen) {
  char why[256];
  *in = schema_compile(input, why, sizeof why);
  if (!*in) {
    snprintf(err, errlen, "input schema: %s", why);
    return -1;
  }
  *out = NULL;
  if (output && !(*out = schema_compile(output, why, sizeof why))) {
    snprintf(err, errlen, "output schema: %s", why);
    schema_free(*in);
    *in = NULL;
    return -1;
  }
  return 0;
}

int server_tool_ready(mcp_server *srv, const tool_entry *t, char *err, size_t errlen) {
  tool_entry *e = (tool_entry *)t; /* the lookups hand out const entries */
  if (atomic_load_explicit(&e->ready, memory_order_acquire))
    return 0;
  int rc = 0;
  pthread_mutex_lock(&srv->mu);
  if (!atomic_load_explicit(&e->ready, memory_order_relaxed)) {
    rc = compile_tool(json_object_get(e->listing, "inputSchema"),
                      json_object_get(e->listing, "outputSchema"), &e->input, &e->output, err,
                      errlen);
    if (rc == 0)
      atomic_store_explicit(&e->ready, true, memory_order_release);
  }
  pthread_mutex_unlock(&srv->mu);
  return rc;
}

/* Registers T with its schema documents INPUT and OUTPUT (stolen; OUTPUT may be
 * NULL), compiled now unless LAZY. Returns 0 or -1 (logged). */
static int add_tool(mcp_server *srv, const mcp_tool *t, json_t *input, json_t *output, bool lazy) {
  int result = -1;
  schema *compiled = NULL, *compiled_out = NULL;
  char err[300];
  if (!tool_name_ok(t->name) || !t->fn) {
    log_error("mcp", "tool %s: bad name or no handler", t->name ? t->name : "(null)");
    goto cleanup;
  }
  if (server_find_tool(srv, t->name)) {
    log_error("mcp", "tool %s: name already registered", t->name);
    goto cleanup;
  }
  if (!input || !json_is_object(input) || (output && !json_is_object(output))) {
    log_error("mcp", "tool %s: a schema is not a JSON object", t->name);
    goto cleanup;
  }
  if (!lazy && compile_tool(input, output, &compiled, &compiled_out, err, sizeof err) != 0) {
    log_error("mcp", "tool %s: %s", t->name, err);
    goto cleanup;
  }
  tool_entry *e = &srv->tools[srv->ntools];
  e->def = t;
  e->input = compiled;
  e->output = compiled_out;
  e->listing = tool_listing(t, input, output);
  atomic_init(&e->ready, !lazy);
  srv->ntools++;
  result = 0;
cleanup:
  json_decref(input);
  json_decref(output);
  return result;
}

int mcp_server_add_tools(mcp_server *srv, const mcp_tool *tools, size_t n) {
  tool_entry *grown = realloc(srv->tools, (srv->ntools + n + 1) * sizeof *grown);
  if (!grown)
    return -1;
  srv->tools = grown;
  for (size_t i = 0; i < n; i++) {
    const mcp_tool *t = &tools[i];
    json_t *input = t->input_schema ? parse_schema_text(t->input_schema, t->name, "input_schema")
                                    : json_pack("{s:s}", "type", "object");
    json_t *output =
        t->output_schema ? parse_schema_text(t->output_schema, t->name, "output_schema") : NULL;
    if (!input || (t->output_schema && !output)) {
      json_decref(input);
      json_decref(output);
      return -1;
    }
    if (add_tool(srv, t, input, output, false) != 0)
      return -1;
  }
  return 0;
}

int mcp_server_add_tools_parsed(mcp_server *srv, const mcp_tool *tools, size_t n,
                                json_t *const *inputs, json_t *const *outputs) {
  tool_entry *grown = realloc(srv->tools, (srv->ntools + n + 1) * sizeof *grown);
  if (!grown)
    return -1;
  srv->tools = grown;
  for (size_t i = 0; i < n; i++)
    if (add_tool(srv, &tools[i], json_incref(inputs[i]), outputs ? json_incref(outputs[i]) : NULL,
                 true) != 0)
      return -1;
  return 0;
}

void mcp_server_set_tools_loader(mcp_server *srv, mcp_tools_loader load, void *ctx) {
  srv->tools_loader = load;
  srv->tools_loader_ctx = ctx;
  atomic_store(&srv->tools_state, load ? TOOLS_PENDING : TOOLS_READY);
}

int server_load_tools(mcp_server *srv) {
  int state = atomic_load_explicit(&srv->tools_state, memory_order_acquire);
  if (state == TOOLS_PENDING) {
    pthread_mutex_lock(&srv->tools_mu);
    state = atomic_load_explicit(&srv->tools_state, memory_order_relaxed);
    if (state == TOOLS_PENDING) {
      size_t before = srv->ntools;
      state = srv->tools_loader(srv, srv->tools_loader_ctx) == 0 ? TOOLS_READY : TOOLS_FAILED;
      if (state == TOOLS_READY)
        log_debug("mcp", "%zu tools registered at their first use", srv->ntools - before);
      else
        log_error("mcp", "the tools could not be registered: tools/list and tools/call will fail");
      atomic_store_explicit(&srv->tools_state, state, memory_order_release);
    }
    pthread_mutex_unlock(&srv->tools_mu);
  }
  return state == TOOLS_READY ? 0 : -1;
}

int mcp_server_check_tools(mcp_server *srv) {
  if (server_load_tools(srv) != 0)
    return -1;
  for (size_t i = 0; i < srv->ntools; i++) {
    char err[300];
    if (server_tool_ready(srv, &srv->tools[i], err, sizeof err) != 0) {
      log_error("mcp", "tool %s: %s", srv->tools[i].def->name, err);
      return -1;
    }
  }
  return 0;
}

int mcp_server_add_resources(mcp_server *srv, const mcp_resource *res, size_t n) {
  resource_entry *grown = realloc(srv->resources, (srv->nresources + n + 1) * sizeof *grown);
  if (!grown)
    return -1;
  srv->resources = grown;
  for (size_t i = 0; i < n; i++) {
    const mcp_resource *r = &res[i];
    if (!r->uri || !r->name || !r->read || server_find_resource(srv, r->uri)) {
      log_error("mcp", "resource %s: missing uri/name/read, or uri taken",
                r->uri ? r->uri : "(null)");
      return -1;
    }
    json_t *obj = json_object();
    json_object_set_new(obj, "uri", json_string(r->uri));
    json_object_set_new(obj, "name", json_string(r->name));
    set_optional(obj, "title", r->title);
    set_optional(obj, "description", r->description);
    set_optional(obj, "mimeType", r->mime_type);
    srv->resources[srv->nresources].def = r;
    srv->resources[srv->nresources].listing = obj;
    srv->nresources++;
  }
  return 0;
}

int mcp_server_add_templates(mcp_server *srv, const mcp_resource_template *t, size_t n) {
  template_entry *grown = realloc(srv->templates, (srv->ntemplates + n + 1) * sizeof *grown);
  if (!grown)
    return -1;
  srv->templates = grown;
  for (size_t i = 0; i < n; i++) {
    const mcp_resource_template *r = &t[i];
    if (!r->uri_template || !r->name || !r->read || server_find_template(srv, r->uri_template)) {
      log_error("mcp", "template %s: missing fields, or taken",
                r->uri_template ? r->uri_template : "(null)");
      return -1;
    }
    json_t *obj = json_object();
    json_object_set_new(obj, "uriTemplate", json_string(r->uri_template));
    json_object_set_new(obj, "name", json_string(r->name));
    set_optional(obj, "title", r->title);
    set_optional(obj, "description", r->description);
    set_optional(obj, "mimeType", r->mime_type);
    srv->templates[srv->ntemplates].def = r;
    srv->templates[srv->ntemplates].listing = obj;
    srv->ntemplates++;
    if (r->complete)
      srv->has_completions = true;
  }
  return 0;
}

int mcp_server_add_prompts(mcp_server *srv, const mcp_prompt *prompts, size_t n) {
  prompt_entry *grown = realloc(srv->prompts, (srv->nprompts + n + 1) * sizeof *grown);
  if (!grown)
    return -1;
  srv->prompts = grown;
  for (size_t i = 0; i < n; i++) {
    const mcp_prompt *p = &prompts[i];
    if (!p->name || !p->get || server_find_prompt(srv, p->name)) {
      log_error("mcp", "prompt %s: missing name/get, or name taken", p->name ? p->name : "(null)");
      return -1;
    }
    json_t *obj = json_object();
    json_object_set_new(obj, "name", json_string(p->name));
    set_optional(obj, "title", p->title);
    set_optional(obj, "description", p->description);
    if (p->args) {
      json_t *args = json_array();
      for (const mcp_prompt_arg *a = p->args; a->name; a++) {
        json_t *arg = json_object();
        json_object_set_new(arg, "name", json_string(a->name));
        set_optional(arg, "description", a->description);
        json_object_set_new(arg, "required", json_boolean(a->required));
        json_array_append_new(args, arg);
      }
      json_object_set_new(obj, "arguments", args);
    }
    srv->prompts[srv->nprompts].def = p;
    srv->prompts[srv->nprompts].listing = obj;
    srv->nprompts++;
    if (p->complete)
      srv->has_completions = true;
  }
  return 0;
}

/* ---- lookups -------------------------------------------------------------- */

const tool_entry *server_find_tool(mcp_server *srv, const char *name) {
  for (size_t i = 0; i < srv->ntools; i++)
    if (strcmp(srv->tools[i].def->name, name) == 0)
      return &srv->tools[i];
  return NULL;
}

json_t *mcp_server_tool_input_schema(mcp_server *srv, const char *name) {
  if (!srv || !name || server_load_tools(srv) != 0)
    return NULL;
  const tool_entry *t = server_find_tool(srv, name);
  return t ? json_object_get(t->listing, "inputSchema") : NULL;
}

const prompt_entry *server_find_prompt(mcp_server *srv, const char *name) {
  for (size_t i = 0; i < srv->nprompts; i++)
    if (strcmp(srv->prompts[i].def->name, name) == 0)
      return &srv->prompts[i];
  return NULL;
}

const resource_entry *server_find_resource(mcp_server *srv, const char *uri) {
  for (size_t i = 0; i < srv->nresources; i++)
    if (strcmp(srv->resources[i].def->uri, uri) == 0)
      return &srv->resources[i];
  return NULL;
}

const template_entry *server_find_template(mcp_server *srv, const char *uri_template) {
  for (size_t i = 0; i < srv->ntemplates; i++)
    if (strcmp(srv->templates[i].def->uri_template, uri_template) == 0)
      return &srv->templates[i];
  return NULL;
}

/* Matches URI against one RFC 6570 level-1 template. Returns a new object of
 * variables, or NULL when it does not match. A variable matches one or more
 * characters up to the next literal text and never crosses '/', '?' or '#'. */
static json_t *template_match(const char *tmpl, const char *uri) {
  json_t *vars = json_object();
  const char *t = tmpl, *u = uri;
  while (*t) {
    if (*t != '{') {
      if (*t != *u)
        goto fail;
      t++, u++;
      continue;
    }
    const char *close = strchr(t, '}');
    if (!close)
      goto fail;
    char name[64];
    size_t nlen = (size_t)(close - t - 1);
    if (nlen == 0 || nlen >= sizeof name)
      goto fail;
    memcpy(name, t + 1, nlen);
    name[nlen] = '\0';
    t = close + 1;
    /* the literal that follows, up to the next variable or the end */
    size_t lit = strcspn(t, "{");
    const char *end = u;
    while (*end && !strchr("/?#", *end) && (lit == 0 || strncmp(end, t, lit) != 0))
      end++;
    if (end == u)
      goto fail;
    if (lit == 0 && *t == '\0' && *end != '\0')
      goto fail;
    char *value = pct_decode(u, (size_t)(end - u), false);
    json_t *str = value ? json_string(value) : NULL;
    free(value);
    if (!str)
      goto fail;
    json_object_set_new(vars, name, str);
    u = end;
  }
  if (*u != '\0')
    goto fail;
  return vars;
fail:
  json_decref(vars);
  return NULL;
}

const template_entry *server_match_template(mcp_server *srv, const char *uri, json_t **vars) {
  for (size_t i = 0; i < srv->ntemplates; i++) {
    json_t *found = template_match(srv->templates[i].def->uri_template, uri);
    if (found) {
      *vars = found;
      return &srv->templates[i];
    }
  }
  return NULL;
}

/* ---- resource subscriptions ------------------------------------------------------ */

void server_add_subscriber(mcp_server *srv, mcp_session *s) {
  pthread_mutex_lock(&srv->subs_mu);
  if (!s->subscribed) {
    s->subscribed = true;
    s->next_subscriber = srv->subscribers;
    srv->subscribers = s;
  }
  pthread_mutex_unlock(&srv->subs_mu);
}

void server_remove_subscriber(mcp_server *srv, mcp_session *s) {
  pthread_mutex_lock(&srv->subs_mu);
  if (s->subscribed) {
    mcp_session **pp = &srv->subscribers;
    while (*pp && *pp != s)
      pp = &(*pp)->next_subscriber;
    if (*pp)
      *pp = s->next_subscriber;
    s->subscribed = false;
  }
  pthread_mutex_unlock(&srv->subs_mu);
}

void mcp_server_notify_resource_updated(mcp_server *srv, const char *uri) {
  if (!srv || !uri)
    return;
  /* subs_mu keeps every listed session alive (mcp_session_free leaves the
   * list first); sending takes the session's own locks, never subs_mu */
  pthread_mutex_lock(&srv->subs_mu);
  for (mcp_session *s = srv->subscribers; s; s = s->next_subscriber) {
    pthread_mutex_lock(&s->mu);
    bool legacy = json_object_get(s->subs, uri) != NULL;
    json_t *listen_id = json_object_get(s->listen_uris, uri) ? json_incref(s->listen_id) : NULL;
    void *tag = s->listen_tag;
    pthread_mutex_unlock(&s->mu);
    if (legacy)
      session_send(s,
                   json_pack("{s:s,s:s,s:{s:s}}", "jsonrpc", "2.0", "method",
                             "notifications/resources/updated", "params", "uri", uri),
                   NULL);
    if (listen_id)
      session_send(s,
                   json_pack("{s:s,s:s,s:{s:s,s:{s:o}}}", "jsonrpc", "2.0", "method",
                             "notifications/resources/updated", "params", "uri", uri, "_meta",
                             META_SUBSCRIPTION_ID, listen_id),
                   tag);
  }
  pthread_mutex_unlock(&srv->subs_mu);
}

/* ---- capabilities ----------------------------------------------------------- */

json_t *server_capabilities(mcp_server *srv, mcp_era era) {
  json_t *caps = json_object();
  if (srv->tools_loader || srv->ntools) /* ntools is the loader's while it runs */
    json_object_set_new(caps, "tools", json_pack("{s:b}", "listChanged", 0));
  if (srv->nresources || srv->ntemplates) {
    json_t *res = json_pack("{s:b}", "listChanged", 0);
    (void)era; /* both eras: resources/subscribe, or subscriptions/listen */
    json_object_set_new(res, "subscribe", json_true());
    json_object_set_new(caps, "resources", res);
  }
  if (srv->nprompts)
    json_object_set_new(caps, "prompts", json_pack("{s:b}", "listChanged", 0));
  if (srv->nprompts || srv->ntemplates)
    json_object_set_new(caps, "completions", json_object());
  json_object_set_new(caps, "logging", json_object());
  return caps;
}

json_t *server_info(mcp_server *srv) {
  json_t *info = json_object();
  json_object_set_new(info, "name", json_string(srv->name));
  if (srv->title)
    json_object_set_new(info, "title", json_string(srv->title));
  json_object_set_new(info, "version", json_string(srv->version));
  return info;
}

/* ---- the worker pool --------------------------------------------------------

 * A few workers start with the pool, and one at a time is woken for new
 * work. A supervisor thread watches the queue while anything is in flight:
 * when calls are queued but no call has started for POOL_STALL_NS (every
 * awake worker is busy with something slow), it wakes the sleeping workers,
 * or starts more, up to max_workers. Trivial calls keep starting, so a
 * pipelined load runs on one worker without lock contention or switching. */

#define POOL_STALL_NS (2 * 1000 * 1000ull)
#define POOL_BUSY_NS (200 * 1000ull) /* no call started for this long: the workers are busy */
#define POOL_TICK_NS (1 * 1000 * 1000l)

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void core_mutex_init(pthread_mutex_t *m) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
  pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
}

static void *worker_main(void *arg) {
  mcp_server *srv = arg;
  pthread_mutex_lock(&srv->qmu);
  for (;;) {
    while (!srv->qhead && !srv->stopping) {
      srv->sleepers++;
      pthread_cond_wait(&srv->qcv, &srv->qmu);
      srv->sleepers--;
    }
    if (!srv->qhead)
      break; /* stopping and nothing left */
    mcp_call *call = srv->qhead;
    srv->qhead = call->next_job;
    if (!srv->qhead)
      srv->qtail = NULL;
    atomic_fetch_sub_explicit(&srv->qlen, 1, memory_order_relaxed);
    srv->running++;
    srv->last_start_ns = now_ns();
    pthread_mutex_unlock(&srv->qmu);
    atomic_fetch_sub_explicit(&call->s->backlog, 1, memory_order_relaxed);
    session_run_call(call);
    pthread_mutex_lock(&srv->qmu);
    srv->running--;
  }
  pthread_mutex_unlock(&srv->qmu);
  return NULL;
}

/* Starts up to N more workers. Called with qmu held. Returns how many started. */
static size_t pool_grow(mcp_server *srv, size_t n) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, WORKER_STACK);
  size_t started = 0;
  while (started < n && srv->nthreads < srv->max_workers) {
    if (pthread_create(&srv->threads[srv->nthreads], &attr, worker_main, srv) != 0) {
      log_error("mcp", "cannot start worker thread %zu", srv->nthreads);
      break;
    }
    srv->nthreads++;
    started++;
  }
  pthread_attr_destroy(&attr);
  return started;
}

static void *supervisor_main(void *arg) {
  mcp_server *srv = arg;
  pthread_mutex_lock(&srv->qmu);
  while (!srv->stopping) {
    if (!srv->qhead) { /* nothing waits: nothing to watch until the next enqueue */
      srv->sup_sleeping = true;
      pthread_cond_wait(&srv->sup_cv, &srv->qmu);
      srv->sup_sleeping = false;
      continue;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += POOL_TICK_NS;
    if (ts.tv_nsec >= 1000000000l) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000l;
    }
    pthread_cond_timedwait(&srv->sup_cv, &srv->qmu, &ts);
    uint64_t now = now_ns();
    if (srv->qhead && now - srv->qhead->queued_ns > POOL_STALL_NS &&
        now - srv->last_start_ns > POOL_STALL_NS) {
      size_t waiting = 0;
      for (mcp_call *c = srv->qhead; c && waiting < srv->max_workers; c = c->next_job)
        waiting++;
      /* the running calls are slow: put every worker on the queue, and
       * start more when none is left asleep */
      if (srv->sleepers > 0) {
        pthread_cond_broadcast(&srv->qcv);
      } else {
        /* a few at a time: a worker merely preempted for a while on a busy
         * machine looks the same as a slow call */
        size_t started = pool_grow(srv, waiting < 4 ? waiting + 1 : 4);
        if (started)
          log_debug("mcp", "all workers busy: started %zu more (%zu in all)", started,
                    srv->nthreads);
      }
    }
  }
  pthread_mutex_unlock(&srv->qmu);
  return NULL;
}

/* Starts the first workers and the supervisor. Called with qmu held. */
static int pool_start(mcp_server *srv) {
  srv->threads = calloc(srv->max_workers, sizeof *srv->threads);
  if (!srv->threads)
    return -1;
  pool_grow(srv, srv->workers);
  if (!srv->nthreads)
    return -1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  srv->sup_started = pthread_create(&srv->supervisor, &attr, supervisor_main, srv) == 0;
  pthread_attr_destroy(&attr);
  if (!srv->sup_started)
    log_warn("mcp", "cannot start the pool supervisor: the pool will not grow");
  return 0;
}

int server_enqueue(mcp_server *srv, mcp_call *first, mcp_call *last, size_t n) {
  uint64_t now = now_ns();
  for (mcp_call *c = first; c; c = c->next_job)
    c->queued_ns = now;
  pthread_mutex_lock(&srv->qmu);
  if (!srv->nthreads && pool_start(srv) != 0) {
    pthread_mutex_unlock(&srv->qmu);
    return -1;
  }
  if (srv->qtail)
    srv->qtail->next_job = first;
  else
    srv->qhead = first;
  srv->qtail = last;
  atomic_fetch_add_explicit(&srv->qlen, n, memory_order_relaxed);
  bool wake_sup = srv->sup_sleeping;
  /* One worker at a time takes a burst of quick calls: more workers on trivial
   * calls only contend for the same locks. When the running calls are slow
   * (none started lately), a sleeping worker takes the new call at once; the
   * supervisor covers the rest. */
  bool wake = srv->sleepers > 0 && (srv->running == 0 || now - srv->last_start_ns > POOL_BUSY_NS);
  pthread_mutex_unlock(&srv->qmu);
  if (wake)
    pthread_cond_signal(&srv->qcv);
  if (wake_sup)
    pthread_cond_signal(&srv->sup_cv);
  return 0;
}
