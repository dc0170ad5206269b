/* catalog.c - the tool catalogue: each tool declared as readable JSON in
 * the JSON files of src/tools/catalog/ (built into the binary), bound here by name to its
 * handler and registered with the MCP core. The README's tool table and
 * `zoom-webinar-mcp tools` come from the same files. */
#include "tools/app.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"

/* The JSON files, built into .rodata with a NUL after each. The list is the
 * listing order of the tools. */
#define CATALOG_FILES(X)                                                                           \
  X(config)                                                                                        \
  X(users)                                                                                         \
  X(webinars)                                                                                      \
  X(panelists)                                                                                     \
  X(registrants)                                                                                   \
  X(polls)                                                                                         \
  X(live)                                                                                          \
  X(past)                                                                                          \
  X(recordings)

#define CATALOG_EMBED(name)                                                                        \
  __asm__(".pushsection .rodata\n"                                                                 \
          ".global zwm_catalog_" #name "\n"                                                        \
          ".hidden zwm_catalog_" #name "\n"                                                        \
          ".type zwm_catalog_" #name ", @object\n"                                                 \
          "zwm_catalog_" #name ":\n"                                                               \
          ".incbin \"src/tools/catalog/" #name ".json\"\n"                                         \
          ".byte 0\n"                                                                              \
          ".popsection\n");                                                                        \
  extern const char zwm_catalog_##name[];
CATALOG_FILES(CATALOG_EMBED)

typedef struct catalog_file {
  const char *name;
  const char *text;
} catalog_file;

#define CATALOG_ENTRY(name) {#name, zwm_catalog_##name},
static const catalog_file catalog_files[] = {CATALOG_FILES(CATALOG_ENTRY)};

static const app_handler *const handler_tables[] = {
    engine_handlers,     config_handlers,   user_handlers,   webinar_handlers,
    registrant_handlers, panelist_handlers, poll_handlers,   live_handlers,
    past_handlers,       schedule_handlers, report_handlers, recording_handlers,
};

json_t *catalog_load(void) {
  json_t *all = json_array();
  for (size_t i = 0; all && i < sizeof catalog_files / sizeof catalog_files[0]; i++) {
    json_error_t jerr;
    json_t *arr = json_loads(catalog_files[i].text, 0, &jerr);
    if (!json_is_array(arr)) {
      log_error("tools", "catalog/%s.json: %s (line %d)", catalog_files[i].name,
                arr ? "not an array" : jerr.text, jerr.line);
      json_decref(arr);
      json_decref(all);
      return NULL;
    }
    json_array_extend(all, arr);
    json_decref(arr);
  }
  return all;
}

static mcp_tool_fn handler_find(const char *name) {
  for (size_t t = 0; t < sizeof handler_tables / sizeof handler_tables[0]; t++)
    for (const app_handler *h = handler_tables[t]; h->name; h++)
      if (!strcmp(h->name, name))
        return h->fn;
  return NULL;
}

/* The tools' declarations, kept for the life of the process: the core borrows
 * every string. Registered once, at the tools' first use. */
static struct {
  bool installed; /* catalog_register ran */
  bool read_only;
  json_t *catalog;
  mcp_tool *tools;
  json_t **entries; /* entries[i] (borrowed from catalog) declares tools[i] */
  size_t ntools;
  char **strings;
  size_t nstrings;
} reg;

static const char *keep(char *s) {
  char **grown = s ? realloc(reg.strings, (reg.nstrings + 1) * sizeof *grown) : NULL;
  if (!grown) {
    free(s);
    return NULL;
  }
  reg.strings = grown;
  reg.strings[reg.nstrings++] = s;
  return s;
}

static unsigned hints_of(json_t *entry) {
  unsigned hints = 0;
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(entry, "hints"), i, h) {
    const char *s = json_string_value(h);
    if (!s)
      continue;
    if (!strcmp(s, "readOnly"))
      hints |= MCP_HINT_READ_ONLY;
    else if (!strcmp(s, "destructive"))
      hints |= MCP_HINT_DESTRUCTIVE;
    else if (!strcmp(s, "idempotent"))
      hints |= MCP_HINT_IDEMPOTENT;
    else if (!strcmp(s, "openWorld"))
      hints |= MCP_HINT_OPEN_WORLD;
  }
  return hints;
}

/* True when the tool sends anything but GETs to Zoom: it takes dry_run. */
static bool writes_to_zoom(json_t *entry) {
  size_t i;
  json_t *op;
  json_array_foreach(json_object_get(entry, "zoom"), i, op) {
    const char *s = json_string_value(op);
    if (s && strncmp(s, "GET ", 4) != 0)
      return true;
  }
  return false;
}

/* The description a client sees: the entry's words, then the Zoom operations
 * and the scope. New string. */
static char *description_of(json_t *entry) {
  const char *desc = json_string_value(json_object_get(entry, "description"));
  json_t *ops = json_object_get(entry, "zoom");
  const char *scope = json_string_value(json_object_get(entry, "scopes"));
  size_t cap = strlen(desc) + 64 + (scope ? strlen(scope) : 0);
  size_t i;
  json_t *op;
  json_array_foreach(ops, i, op) cap +=
      strlen(json_string_value(op) ? json_string_value(op) : "") + 8;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  size_t n = (size_t)snprintf(out, cap, "%s", desc);
  if (json_array_size(ops)) {
    n += (size_t)snprintf(out + n, cap - n, "\n\nZoom API: ");
    json_array_foreach(ops, i, op) {
      n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", then " : "", json_string_value(op));
    }
    n += (size_t)snprintf(out + n, cap - n, ".");
  }
  if (scope)
    snprintf(out + n, cap - n, " Scope: %s.", scope);
  return out;
}

/* Adds dry_run to the input schema of ENTRY (a write tool), in place. */
static void add_dry_run(json_t *entry) {
  json_t *schema = json_object_get(entry, "input");
  json_t *props = json_object_get(schema, "properties");
  if (!props) {
    props = json_object();
    json_object_set_new(schema, "properties", props);
  }
  json_object_set_new(props, "dry_run",
                      json_pack("{s:s, s:s, s:b}", "type", "boolean", "description",
                                "Only show the Zoom request(s) that would be sent "
                                "(method, URL, body); send nothing.",
                                "default", 0));
}

/* Checks what every entry must say. Returns NULL when fine, else the problem. */
static const char *entry_problem(json_t *e) {
  static const char *const required_strings[] = {"name", "title", "description"};
  for (size_t i = 0; i < sizeof required_strings / sizeof required_strings[0]; i++)
    if (!json_is_string(json_object_get(e, required_strings[i])))
      return "name, title and description must be strings";
  json_t *in = json_object_get(e, "input");
  if (!json_is_object(in) || !json_is_false(json_object_get(in, "additionalProperties")))
    return "input must be an object schema with additionalProperties false";
  if (!json_is_object(json_object_get(e, "output")))
    return "output must be an object schema";
  if (!json_is_array(json_object_get(e, "hints")))
    return "hints must be an array";
  json_t *zoom = json_object_get(e, "zoom");
  if (zoom && !json_is_array(zoom))
    return "zoom must be an array of \"METHOD /path\" strings";
  if (json_array_size(zoom) && !json_is_string(json_object_get(e, "scopes")))
    return "a tool that calls Zoom must name its scopes";
  return NULL;
}

static bool handler_bound(const char *name, json_t *catalog) {
  size_t i;
  json_t *e;
  json_array_foreach(catalog, i, e) {
    const char *h = json_string_value(json_object_get(e, "handler"));
    if (!strcmp(h ? h : "zoom_call", name))
      return true;
  }
  return false;
}

/* The core's tools loader: parses the catalogue and registers its tools. */
static int catalog_load_tools(mcp_server *srv, void *ctx) {
  (void)ctx;
  bool read_only = reg.read_only;
  reg.catalog = catalog_load();
  if (!reg.catalog)
    return -1;
  size_t n = json_array_size(reg.catalog);
  reg.tools = calloc(n ? n : 1, sizeof *reg.tools);
  reg.entries = calloc(n ? n : 1, sizeof *reg.entries);
  json_t **inputs = calloc(n ? n : 1, sizeof *inputs);
  json_t **outputs = calloc(n ? n : 1, sizeof *outputs);
  int rc = -1;
  if (!reg.tools || !reg.entries || !inputs || !outputs)
    goto done;

  for (size_t t = 0; t < sizeof handler_tables / sizeof handler_tables[0]; t++)
    for (const app_handler *h = handler_tables[t]; h->name; h++)
      if (!handler_bound(h->name, reg.catalog)) {
        log_error("tools", "handler %s is bound to no tool of the catalogue", h->name);
        goto done;
      }

  size_t i;
  json_t *e;
  json_array_foreach(reg.catalog, i, e) {
    const char *name = json_string_value(json_object_get(e, "name"));
    const char *problem = entry_problem(e);
    if (problem) {
      log_error("tools", "catalogue entry %s: %s", name ? name : "#?", problem);
      goto done;
    }
    const char *hname = json_string_value(json_object_get(e, "handler"));
    mcp_tool_fn fn = handler_find(hname ? hname : "zoom_call");
    if (!fn) {
      log_error("tools", "tool %s: no handler named %s", name, hname ? hname : "zoom_call");
      goto done;
    }
    unsigned hints = hints_of(e);
    if (read_only && !(hints & MCP_HINT_READ_ONLY))
      continue;
    mcp_tool *tool = &reg.tools[reg.ntools];
    tool->name = name;
    tool->title = json_string_value(json_object_get(e, "title"));
    tool->description = keep(description_of(e));
    tool->hints = hints;
    tool->fn = fn;
    if (writes_to_zoom(e))
      add_dry_run(e);
    inputs[reg.ntools] = json_object_get(e, "input");
    outputs[reg.ntools] = json_object_get(e, "output");
    reg.entries[reg.ntools] = e;
    if (!tool->description)
      goto done;
    reg.ntools++;
  }
  /* Compiled at each tool's first call, not here. */
  rc = mcp_server_add_tools_parsed(srv, reg.tools, reg.ntools, inputs, outputs);
done:
  free(inputs);
  free(outputs);
  return rc;
}

int catalog_register(mcp_server *srv, bool read_only) {
  if (reg.installed) {
    log_error("tools", "the catalogue is registered once per process");
    return -1;
  }
  reg.installed = true;
  reg.read_only = read_only;
  /* Parsing 99 KB of JSON is most of the start-up: it waits for the first
   * request that needs a tool. */
  mcp_server_set_tools_loader(srv, catalog_load_tools, NULL);
  return 0;
}

json_t *catalog_entry_of(const mcp_call *call) {
  const mcp_tool *t = mcp_call_tool(call);
  if (!t || t < reg.tools || t >= reg.tools + reg.ntools)
    return NULL;
  return reg.entries[t - reg.tools];
}

void catalog_free(void) {
  for (size_t i = 0; i < reg.nstrings; i++)
    free(reg.strings[i]);
  free(reg.strings);
  free(reg.tools);
  free(reg.entries);
  json_decref(reg.catalog);
  memset(&reg, 0, sizeof reg);
}
