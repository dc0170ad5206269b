/* server.c - the MCP server object: configuration, the tool/resource/prompt
 * registries built from static tables, and the worker pool. */
#include "mcp/core.h"

#include "base/log.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define WORKER_STACK (256 * 1024)

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
  srv->workers = config && config->workers ? config->workers : 4;
  srv->queue_limit = config && config->queue_limit ? config->queue_limit : 256;
  srv->max_depth = config && config->max_depth ? config->max_depth : 64;
  srv->userdata = config ? config->userdata : NULL;
  if (srv->workers > 64)
    srv->workers = 64;
  if (srv->max_depth > 1000)
    srv->max_depth = 1000; /* jansson's own limit is 2048 */
  pthread_mutex_init(&srv->mu, NULL);
  pthread_mutex_init(&srv->qmu, NULL);
  pthread_cond_init(&srv->qcv, NULL);
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
  pthread_mutex_unlock(&srv->qmu);
  for (size_t i = 0; i < srv->nthreads; i++)
    pthread_join(srv->threads[i], NULL);
  free(srv->threads);
  for (size_t i = 0; i < srv->ntools; i++) {
    json_decref(srv->tools[i].listing);
    schema_free(srv->tools[i].input);
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
  pthread_cond_destroy(&srv->qcv);
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

int mcp_server_add_tools(mcp_server *srv, const mcp_tool *tools, size_t n) {
  int result = -1;
  json_t *input = NULL, *output = NULL;
  tool_entry *grown = realloc(srv->tools, (srv->ntools + n + 1) * sizeof *grown);
  if (!grown)
    return -1;
  srv->tools = grown;
  for (size_t i = 0; i < n; i++) {
    const mcp_tool *t = &tools[i];
    if (!tool_name_ok(t->name) || !t->fn) {
      log_error("mcp", "tool %s: bad name or no handler", t->name ? t->name : "(null)");
      goto cleanup;
    }
    if (server_find_tool(srv, t->name)) {
      log_error("mcp", "tool %s: name already registered", t->name);
      goto cleanup;
    }
    input = t->input_schema ? parse_schema_text(t->input_schema, t->name, "input_schema")
                            : json_pack("{s:s}", "type", "object");
    if (!input)
      goto cleanup;
    if (t->output_schema) {
      output = parse_schema_text(t->output_schema, t->name, "output_schema");
      if (!output)
        goto cleanup;
    }
    char err[256];
    schema *compiled = schema_compile(input, err, sizeof err);
    if (!compiled) {
      log_error("mcp", "tool %s: input schema: %s", t->name, err);
      goto cleanup;
    }
    srv->tools[srv->ntools].def = t;
    srv->tools[srv->ntools].input = compiled;
    srv->tools[srv->ntools].listing = tool_listing(t, input, output);
    srv->ntools++;
    json_decref(input);
    json_decref(output);
    input = output = NULL;
  }
  result = 0;
cleanup:
  json_decref(input);
  json_decref(output);
  return result;
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

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Percent-decodes S[0..N) into a new string, or NULL when malformed. */
static char *percent_decode(const char *s, size_t n) {
  char *out = malloc(n + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%') {
      if (i + 2 >= n) {
        free(out);
        return NULL;
      }
      int a = hex_value(s[i + 1]), b = hex_value(s[i + 2]);
      if (a < 0 || b < 0) {
        free(out);
        return NULL;
      }
      out[o++] = (char)(a * 16 + b);
      i += 2;
    } else {
      out[o++] = s[i];
    }
  }
  out[o] = '\0';
  return out;
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
    char *value = percent_decode(u, (size_t)(end - u));
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

/* ---- capabilities ----------------------------------------------------------- */

json_t *server_capabilities(mcp_server *srv, mcp_era era) {
  json_t *caps = json_object();
  if (srv->ntools)
    json_object_set_new(caps, "tools", json_pack("{s:b}", "listChanged", 0));
  if (srv->nresources || srv->ntemplates) {
    json_t *res = json_pack("{s:b}", "listChanged", 0);
    if (era == MCP_ERA_LEGACY)
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

/* ---- the worker pool -------------------------------------------------------- */

static void *worker_main(void *arg) {
  mcp_server *srv = arg;
  pthread_mutex_lock(&srv->qmu);
  for (;;) {
    while (!srv->qhead && !srv->stopping)
      pthread_cond_wait(&srv->qcv, &srv->qmu);
    if (!srv->qhead)
      break; /* stopping and nothing left */
    mcp_call *call = srv->qhead;
    srv->qhead = call->next_job;
    if (!srv->qhead)
      srv->qtail = NULL;
    pthread_mutex_unlock(&srv->qmu);
    session_run_call(call);
    pthread_mutex_lock(&srv->qmu);
  }
  pthread_mutex_unlock(&srv->qmu);
  return NULL;
}

/* Starts the workers. Called with qmu held. */
static int pool_start(mcp_server *srv) {
  srv->threads = calloc(srv->workers, sizeof *srv->threads);
  if (!srv->threads)
    return -1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, WORKER_STACK);
  for (size_t i = 0; i < srv->workers; i++) {
    if (pthread_create(&srv->threads[srv->nthreads], &attr, worker_main, srv) != 0) {
      log_error("mcp", "cannot start worker thread %zu", i);
      break;
    }
    srv->nthreads++;
  }
  pthread_attr_destroy(&attr);
  return srv->nthreads ? 0 : -1;
}

int server_enqueue(mcp_server *srv, mcp_call *call) {
  pthread_mutex_lock(&srv->qmu);
  if (!srv->nthreads && pool_start(srv) != 0) {
    pthread_mutex_unlock(&srv->qmu);
    return -1;
  }
  call->next_job = NULL;
  if (srv->qtail)
    srv->qtail->next_job = call;
  else
    srv->qhead = call;
  srv->qtail = call;
  pthread_mutex_unlock(&srv->qmu);
  pthread_cond_signal(&srv->qcv);
  return 0;
}
