/* methods.c - the MCP methods, one function each, and the table that maps
 * method names to them (with the eras each belongs to). */
#include "mcp/core.h"
#include "mcp/cursor.h"
#include "mcp/jsonrpc.h"

#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_TTL_MS 300000 /* registries are static tables: cache for 5 minutes */

static const char *const legacy_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                              "2024-11-05"};
#define NLEGACY (sizeof legacy_versions / sizeof legacy_versions[0])

bool legacy_version_supported(const char *version) {
  for (size_t i = 0; i < NLEGACY; i++)
    if (strcmp(legacy_versions[i], version) == 0)
      return true;
  return false;
}

json_t *supported_versions(void) {
  json_t *arr = json_array();
  json_array_append_new(arr, json_string(MCP_MODERN_VERSION));
  for (size_t i = 0; i < NLEGACY; i++)
    json_array_append_new(arr, json_string(legacy_versions[i]));
  return arr;
}

static const char *const level_names[] = {"debug", "info",     "notice", "warning",
                                          "error", "critical", "alert",  "emergency"};

int log_level_from_name(const char *name) {
  for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
    if (strcmp(level_names[i], name) == 0)
      return (int)i;
  return -1;
}

const char *log_level_name(int level) {
  if (level < 0 || level >= (int)(sizeof level_names / sizeof level_names[0]))
    return "info";
  return level_names[level];
}

/* Adds ttlMs and cacheScope, which modern list results and reads carry. */
static void add_cache_hints(mcp_call *call, json_t *result, long ttl_ms, const char *scope) {
  if (call->era != MCP_ERA_MODERN)
    return;
  json_object_set_new(result, "ttlMs", json_integer(ttl_ms));
  json_object_set_new(result, "cacheScope", json_string(scope));
}

void log_safe(char *out, size_t outlen, const char *text) {
  size_t o = 0;
  for (; text && *text && o + 1 < outlen; text++)
    out[o++] = (unsigned char)*text < 0x20 || *text == 0x7f ? '?' : *text;
  if (o == 0)
    o = (size_t)snprintf(out, outlen, "%s", "unnamed");
  out[o < outlen ? o : outlen - 1] = '\0';
}

/* ---- lifecycle ------------------------------------------------------------ */

static json_t *m_initialize(mcp_call *call, json_t *params) {
  mcp_session *s = call->s;
  const char *asked = json_string_value(json_object_get(params, "protocolVersion"));
  if (!asked)
    return mcp_call_fail(call, MCP_INVALID_PARAMS,
                         "Invalid params: protocolVersion is required (a string)");
  json_t *caps = json_object_get(params, "capabilities");
  if (caps && !json_is_object(caps))
    return mcp_call_fail(call, MCP_INVALID_PARAMS,
                         "Invalid params: capabilities must be an object");
  const char *version = legacy_version_supported(asked) ? asked : MCP_LATEST_LEGACY;
  if (session_initialize(s, version, caps) != 0)
    return mcp_call_fail(call, MCP_INVALID_REQUEST,
                         "Invalid Request: the session is already initialized");
  char client[65], asked_text[33];
  log_safe(client, sizeof client,
           json_string_value(json_object_get(json_object_get(params, "clientInfo"), "name")));
  log_safe(asked_text, sizeof asked_text, asked);
  log_info("mcp", "session initialized: protocol %s (asked %s), client %s", version, asked_text,
           client);
  json_t *result = json_object();
  json_object_set_new(result, "protocolVersion", json_string(version));
  json_object_set_new(result, "capabilities", server_capabilities(s->srv, MCP_ERA_LEGACY));
  json_object_set_new(result, "serverInfo", server_info(s->srv));
  char *instructions = server_instructions(s->srv);
  if (instructions)
    json_object_set_new(result, "instructions", jsonrpc_string(instructions));
  free(instructions);
  return result;
}

static json_t *m_ping(mcp_call *call, json_t *params) {
  (void)call, (void)params;
  return json_object();
}

static json_t *m_discover(mcp_call *call, json_t *params) {
  (void)params;
  mcp_server *srv = call->s->srv;
  json_t *result = json_object();
  json_object_set_new(result, "supportedVersions", supported_versions());
  json_object_set_new(result, "capabilities", server_capabilities(srv, MCP_ERA_MODERN));
  char *instructions = server_instructions(srv);
  if (instructions)
    json_object_set_new(result, "instructions", jsonrpc_string(instructions));
  free(instructions);
  add_cache_hints(call, result, LIST_TTL_MS, "public");
  return result;
}

static json_t *m_set_level(mcp_call *call, json_t *params) {
  const char *name = json_string_value(json_object_get(params, "level"));
  int level = name ? log_level_from_name(name) : -1;
  if (level < 0)
    return mcp_call_fail(call, MCP_INVALID_PARAMS,
                         "Invalid params: level must be one of debug, info, notice, warning, "
                         "error, critical, alert, emergency");
  session_set_log_level(call->s, level);
  return json_object();
}

/* ---- lists ------------------------------------------------------------------ */

/* Pages through N listings (each reached by AT(i)) into RESULT[KEY]. */
static json_t *list_page(mcp_call *call, json_t *params, const char *key, size_t n,
                         json_t *(*at)(mcp_server *, size_t)) {
  mcp_server *srv = call->s->srv;
  uint32_t salt = cursor_hash(2166136261u, key);
  for (size_t i = 0; i < n; i++) {
    json_t *item = at(srv, i);
    const char *id = json_string_value(json_object_get(item, "name"));
    salt = cursor_hash(salt, id ? id : "");
  }
  size_t start = 0;
  json_t *cursor = json_object_get(params, "cursor");
  if (cursor && !json_is_null(cursor)) {
    if (!json_is_string(cursor) || cursor_decode(json_string_value(cursor), salt, n, &start) != 0)
      return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: unknown or stale cursor");
  }
  json_t *items = json_array();
  size_t end = start + MCP_PAGE_SIZE < n ? start + MCP_PAGE_SIZE : n;
  for (size_t i = start; i < end; i++)
    json_array_append_new(items, json_deep_copy(at(srv, i)));
  json_t *result = json_object();
  json_object_set_new(result, key, items);
  if (end < n) {
    char next[CURSOR_MAX];
    cursor_encode(end, salt, next);
    json_object_set_new(result, "nextCursor", json_string(next));
  }
  add_cache_hints(call, result, LIST_TTL_MS, "public");
  return result;
}

static json_t *tool_at(mcp_server *srv, size_t i) {
  return srv->tools[i].listing;
}
static json_t *resource_at(mcp_server *srv, size_t i) {
  return srv->resources[i].listing;
}
static json_t *template_at(mcp_server *srv, size_t i) {
  return srv->templates[i].listing;
}
static json_t *prompt_at(mcp_server *srv, size_t i) {
  return srv->prompts[i].listing;
}

/* The tools are registered at their first use (mcp_server_set_tools_loader). */
static json_t *tools_unavailable(mcp_call *call) {
  return mcp_call_fail(call, MCP_INTERNAL_ERROR,
                       "Internal error: the server's tools could not be loaded (its log says why)");
}

static json_t *m_tools_list(mcp_call *call, json_t *params) {
  if (server_load_tools(call->s->srv) != 0)
    return tools_unavailable(call);
  return list_page(call, params, "tools", call->s->srv->ntools, tool_at);
}
static json_t *m_resources_list(mcp_call *call, json_t *params) {
  return list_page(call, params, "resources", call->s->srv->nresources, resource_at);
}
static json_t *m_templates_list(mcp_call *call, json_t *params) {
  return list_page(call, params, "resourceTemplates", call->s->srv->ntemplates, template_at);
}
static json_t *m_prompts_list(mcp_call *call, json_t *params) {
  return list_page(call, params, "prompts", call->s->srv->nprompts, prompt_at);
}

/* ---- tools ---------------------------------------------------------------------- */

/* A tool with an outputSchema must return conforming structuredContent: a
 * mismatch is the tool's bug, so it is logged loudly (the client still gets
 * the result, as the spec leaves the check to it). */
static void check_structured(const char *name, const schema *output, json_t *result) {
  json_t *data = json_object_get(result, "structuredContent");
  char problems[512];
  if (!data)
    log_warn("mcp", "tool %s: has an outputSchema but returned no structuredContent", name);
  else if (schema_validate(output, data, "structuredContent", problems, sizeof problems) != 0)
    log_warn("mcp", "tool %s: structuredContent does not match its outputSchema: %s", name,
             problems);
}

/* The tools/call whose handler runs on this thread, or NULL: mcp_tool_structured
 * tells it what it serialized. */
static _Thread_local mcp_call *tool_call_here;

const mcp_tool *mcp_call_tool(const mcp_call *call) {
  return call->tool;
}

static json_t *m_tools_call(mcp_call *call, json_t *params) {
  const char *name = json_string_value(json_object_get(params, "name"));
  if (!name)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: name is required (a string)");
  if (server_load_tools(call->s->srv) != 0)
    return tools_unavailable(call);
  const tool_entry *tool = server_find_tool(call->s->srv, name);
  if (!tool)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: unknown tool %s", name);
  json_t *args = json_object_get(params, "arguments");
  json_t *empty = NULL;
  if (!args || json_is_null(args))
    args = empty = json_object();
  if (!json_is_object(args))
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: arguments must be an object");
  char problems[1024];
  json_t *result;
  if (server_tool_ready(call->s->srv, tool, problems, sizeof problems) != 0) {
    log_error("mcp", "tool %s: %s", name, problems);
    result = mcp_tool_error("Tool %s cannot run: its declaration is broken (%s)", name, problems);
  } else if (schema_validate(tool->input, args, "arguments", problems, sizeof problems) != 0) {
    result = mcp_tool_error("Invalid arguments for tool %s: %s", name, problems);
  } else {
    call->tool = tool->def;
    mcp_call *outer = tool_call_here; /* a handler may serve a session inline */
    tool_call_here = call;
    result = tool->def->fn(call, args);
    tool_call_here = outer;
    if (!result && call->ask_failure && !call->err_code) /* the failed ask, in the tool's terms */
      result = mcp_tool_error("%s", call->ask_failure);
    if (tool->output && result && !json_is_true(json_object_get(result, "isError")))
      check_structured(name, tool->output, result);
  }
  json_decref(empty);
  return result;
}

/* ---- resources ------------------------------------------------------------------- */

static json_t *m_resources_read(mcp_call *call, json_t *params) {
  const char *uri = json_string_value(json_object_get(params, "uri"));
  if (!uri)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: uri is required (a string)");
  mcp_server *srv = call->s->srv;
  json_t *contents = NULL;
  const resource_entry *r = server_find_resource(srv, uri);
  if (r) {
    json_t *vars = json_object();
    contents = r->def->read(call, uri, vars);
    json_decref(vars);
  } else {
    json_t *vars = NULL;
    const template_entry *t = server_match_template(srv, uri, &vars);
    if (!t) {
      json_t *data = json_pack("{s:s}", "uri", uri);
      return call_fail_data(call, MCP_RESOURCE_NOT_FOUND, data, "Resource not found: %s", uri);
    }
    contents = t->def->read(call, uri, vars);
    json_decref(vars);
  }
  if (!contents)
    return NULL;
  if (!json_is_array(contents)) {
    json_decref(contents);
    return mcp_call_fail(call, MCP_INTERNAL_ERROR,
                         "Internal error: resource contents not an array");
  }
  json_t *result = json_object();
  json_object_set_new(result, "contents", contents);
  add_cache_hints(call, result, 0, "private");
  return result;
}

static json_t *m_subscribe(mcp_call *call, json_t *params) {
  const char *uri = json_string_value(json_object_get(params, "uri"));
  if (!uri)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: uri is required (a string)");
  mcp_session *s = call->s;
  bool subscribe = strcmp(call->method->name, "resources/subscribe") == 0;
  pthread_mutex_lock(&s->mu);
  if (subscribe && json_object_size(s->subs) >= MCP_MAX_SUBSCRIPTIONS) {
    pthread_mutex_unlock(&s->mu);
    return mcp_call_fail(call, MCP_INVALID_PARAMS,
                         "Invalid params: at most %d subscriptions per session",
                         MCP_MAX_SUBSCRIPTIONS);
  }
  if (subscribe) {
    if (!s->subs)
      s->subs = json_object();
    json_object_set_new(s->subs, uri, json_true());
  } else {
    json_object_del(s->subs, uri);
  }
  pthread_mutex_unlock(&s->mu);
  if (subscribe)
    server_add_subscriber(s->srv, s);
  return json_object();
}

/* 2026-07-28: opens the session's notification stream. The request gets no
 * reply while the stream lasts (its transport ends it); the first message is
 * notifications/subscriptions/acknowledged with what is honoured: resource
 * updates (lists never change here). */
static json_t *m_listen(mcp_call *call, json_t *params) {
  json_t *filter = json_object_get(params, "notifications");
  json_t *uris = json_object_get(filter, "resourceSubscriptions");
  if (!json_is_object(filter) || (uris && !json_is_array(uris)))
    return mcp_call_fail(call, MCP_INVALID_PARAMS,
                         "Invalid params: notifications must be an object whose "
                         "resourceSubscriptions is an array of URIs");
  if (json_array_size(uris) > MCP_MAX_SUBSCRIPTIONS)
    return mcp_call_fail(call, MCP_INVALID_PARAMS,
                         "Invalid params: at most %d resourceSubscriptions", MCP_MAX_SUBSCRIPTIONS);
  mcp_session *s = call->s;
  json_t *set = json_object();
  json_t *honoured = json_array();
  size_t i;
  json_t *u;
  json_array_foreach(uris, i, u) {
    if (json_is_string(u) && !json_object_get(set, json_string_value(u))) {
      json_object_set_new(set, json_string_value(u), json_true());
      json_array_append(honoured, u);
    }
  }
  pthread_mutex_lock(&s->mu);
  bool busy = s->listen_id != NULL;
  if (!busy) {
    s->listen_id = json_deep_copy(call->id);
    s->listen_tag = call->tag;
    s->listen_uris = set;
    set = NULL;
  }
  pthread_mutex_unlock(&s->mu);
  json_decref(set);
  if (busy) {
    json_decref(honoured);
    return mcp_call_fail(call, MCP_INVALID_REQUEST,
                         "Invalid Request: this session already has a subscriptions/listen stream");
  }
  server_add_subscriber(s->srv, s);
  json_t *ack =
      json_pack("{s:s,s:s,s:{s:{s:o},s:{s:O}}}", "jsonrpc", "2.0", "method",
                "notifications/subscriptions/acknowledged", "params", "notifications",
                "resourceSubscriptions", honoured, "_meta", META_SUBSCRIPTION_ID, call->id);
  session_send(s, ack, call->tag);
  call->detached = true;
  return json_object();
}

/* ---- prompts ----------------------------------------------------------------------- */

static json_t *m_prompts_get(mcp_call *call, json_t *params) {
  const char *name = json_string_value(json_object_get(params, "name"));
  if (!name)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: name is required (a string)");
  const prompt_entry *p = server_find_prompt(call->s->srv, name);
  if (!p)
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: unknown prompt %s", name);
  json_t *args = json_object_get(params, "arguments");
  if (args && !json_is_null(args) && !json_is_object(args))
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: arguments must be an object");
  const char *key;
  json_t *value;
  json_object_foreach(args, key, value) {
    if (!json_is_string(value))
      return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: argument %s must be a string",
                           key);
  }
  for (const mcp_prompt_arg *a = p->def->args; a && a->name; a++)
    if (a->required && !json_object_get(args, a->name))
      return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: missing required argument %s",
                           a->name);
  json_t *empty = NULL;
  if (!json_is_object(args))
    args = empty = json_object();
  json_t *result = p->def->get(call, args);
  json_decref(empty);
  return result;
}

/* ---- completion -------------------------------------------------------------------- */

static json_t *m_complete(mcp_call *call, json_t *params) {
  mcp_server *srv = call->s->srv;
  json_t *ref = json_object_get(params, "ref");
  json_t *arg = json_object_get(params, "argument");
  const char *type = json_string_value(json_object_get(ref, "type"));
  const char *arg_name = json_string_value(json_object_get(arg, "name"));
  const char *arg_value = json_string_value(json_object_get(arg, "value"));
  if (!type || !arg_name || !arg_value)
    return mcp_call_fail(call, MCP_INVALID_PARAMS,
                         "Invalid params: ref.type, argument.name and argument.value are required");
  mcp_complete_fn fn = NULL;
  if (strcmp(type, "ref/prompt") == 0) {
    const char *name = json_string_value(json_object_get(ref, "name"));
    const prompt_entry *p = name ? server_find_prompt(srv, name) : NULL;
    if (!p)
      return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: unknown prompt %s",
                           name ? name : "(none)");
    fn = p->def->complete;
  } else if (strcmp(type, "ref/resource") == 0) {
    const char *uri = json_string_value(json_object_get(ref, "uri"));
    const template_entry *t = uri ? server_find_template(srv, uri) : NULL;
    if (!t && uri && !server_find_resource(srv, uri))
      return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: unknown resource %s", uri);
    if (!uri)
      return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: ref.uri is required");
    fn = t ? t->def->complete : NULL;
  } else {
    return mcp_call_fail(call, MCP_INVALID_PARAMS, "Invalid params: unknown ref type %s", type);
  }
  json_t *values = NULL;
  if (fn) {
    json_t *context = json_object_get(json_object_get(params, "context"), "arguments");
    values = fn(call, arg_name, arg_value, json_is_object(context) ? context : NULL);
    if (!values && call->err_code)
      return NULL;
  }
  if (!json_is_array(values)) {
    json_decref(values);
    values = json_array();
  }
  size_t total = json_array_size(values);
  while (json_array_size(values) > 100)
    json_array_remove(values, json_array_size(values) - 1);
  json_t *completion = json_object();
  json_object_set_new(completion, "values", values);
  json_object_set_new(completion, "total", json_integer((json_int_t)total));
  json_object_set_new(completion, "hasMore", json_boolean(total > 100));
  json_t *result = json_object();
  json_object_set_new(result, "completion", completion);
  return result;
}

/* ---- the table ----------------------------------------------------------------------- */

static const method_def method_table[] = {
    {"initialize", ERA_LEGACY_BIT, false, m_initialize},
    {"ping", ERA_LEGACY_BIT, false, m_ping},
    {"server/discover", ERA_MODERN_BIT, false, m_discover},
    {"tools/list", ERA_BOTH, false, m_tools_list},
    {"tools/call", ERA_BOTH, true, m_tools_call},
    {"resources/list", ERA_BOTH, false, m_resources_list},
    {"resources/templates/list", ERA_BOTH, false, m_templates_list},
    {"resources/read", ERA_BOTH, true, m_resources_read},
    {"resources/subscribe", ERA_LEGACY_BIT, false, m_subscribe},
    {"resources/unsubscribe", ERA_LEGACY_BIT, false, m_subscribe},
    {"prompts/list", ERA_BOTH, false, m_prompts_list},
    {"prompts/get", ERA_BOTH, true, m_prompts_get},
    {"completion/complete", ERA_BOTH, true, m_complete},
    {"logging/setLevel", ERA_LEGACY_BIT, false, m_set_level},
    {"subscriptions/listen", ERA_MODERN_BIT, false, m_listen},
};

const method_def *methods_find(const char *name) {
  for (size_t i = 0; i < sizeof method_table / sizeof method_table[0]; i++)
    if (strcmp(method_table[i].name, name) == 0)
      return &method_table[i];
  return NULL;
}

/* ---- building results ------------------------------------------------------------------ */

static json_t *text_result(bool is_error, const char *fmt, va_list ap) {
  char stack[1024];
  va_list copy;
  va_copy(copy, ap);
  int n;
  char *text = stack;
  if (strcmp(fmt, "%s") == 0) { /* plain text: no formatting to do */
    text = va_arg(ap, char *);
    n = text ? 0 : -1;
  } else {
    n = vsnprintf(stack, sizeof stack, fmt, ap);
  }
  if (n >= (int)sizeof stack) {
    text = malloc((size_t)n + 1);
    if (text)
      vsnprintf(text, (size_t)n + 1, fmt, copy);
    else
      text = stack;
  }
  va_end(copy);
  json_t *block = json_object();
  json_object_set_new(block, "type", json_string("text"));
  json_object_set_new(block, "text", jsonrpc_string(n < 0 ? "" : text));
  if (text != stack && n >= (int)sizeof stack)
    free(text);
  json_t *content = json_array();
  json_array_append_new(content, block);
  json_t *result = json_object();
  json_object_set_new(result, "content", content);
  if (is_error)
    json_object_set_new(result, "isError", json_true());
  return result;
}

json_t *mcp_tool_text(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_t *result = text_result(false, fmt, ap);
  va_end(ap);
  return result;
}

json_t *mcp_tool_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_t *result = text_result(true, fmt, ap);
  va_end(ap);
  return result;
}

json_t *mcp_tool_structured(json_t *data) {
  char scratch[4096];
  jsonrpc_buf b;
  jsonrpc_buf_init(&b, scratch, sizeof scratch);
  /* The writer checked every string it copied: the text is valid UTF-8. */
  json_t *text = data && jsonrpc_buf_put_json(&b, data, NULL) == 0
                     ? json_stringn_nocheck(b.data, b.len)
                     : NULL;
  bool serialized = text != NULL;
  jsonrpc_buf_release(&b);
  if (!text)
    text = json_string("null");
  if (!data)
    data = json_object();
  json_t *block = json_object();
  json_object_set_new(block, "type", json_string("text"));
  json_object_set(block, "text", text);
  json_t *content = json_array();
  json_array_append_new(content, block);
  json_t *result = json_object();
  json_object_set_new(result, "content", content);
  json_object_set(result, "structuredContent", data);
  mcp_call *call = tool_call_here;
  if (call && serialized) { /* the reply reuses the text for the data */
    json_decref(call->structured);
    json_decref(call->structured_text);
    call->structured = json_incref(data);
    call->structured_text = json_incref(text);
  }
  json_decref(text);
  json_decref(data);
  return result;
}
