/* main.c - the zoom-webinar-mcp command line: serve MCP on stdio, list the
 * tools, or call one tool; on the built-in sandbox when no Zoom credentials
 * are configured. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "base/num.h"
#include "mcp/mcp.h"
#include "sim/sim.h"
#include "tools/app.h"
#include "transport/http.h"
#include "transport/stdio.h"
#include "zoom/client.h"
#include "zoom/config.h"

#define ZWM_VERSION "0.1.0"

static const char usage[] =
    "usage: zoom-webinar-mcp [serve] [options]\n"
    "       zoom-webinar-mcp tools [options]\n"
    "       zoom-webinar-mcp call TOOL [ARGUMENTS_JSON] [options]\n"
    "\n"
    "An MCP server for Zoom webinars. `serve` (the default) speaks MCP on stdin and\n"
    "stdout: the handshake revisions 2024-11-05 to 2025-11-25 and the stateless\n"
    "2026-07-28 revision. `tools` prints the tool list as JSON; `call` runs one tool\n"
    "and prints its result as JSON (exit status 1 when the tool reports an error).\n"
    "\n"
    "With no Zoom credentials configured, or with --sandbox, every request goes to a\n"
    "built-in Zoom simulator on a private loopback port.\n"
    "\n"
    "options:\n"
    "  --sandbox              use the built-in Zoom simulator even if credentials are set\n"
    "  --sandbox-state FILE   keep the sandbox's account in FILE across restarts\n"
    "  --read-only            offer and allow only the tools that change nothing\n"
    "                         (also ZOOM_READ_ONLY=1)\n"
    "  --env-file FILE        read ZOOM_* settings from FILE (default: ./.env when present;\n"
    "                         the environment wins over the file)\n"
    "  --max-frame BYTES      longest accepted stdio message (default 4194304)\n"
    "  --log-level LEVEL      debug, info, notice, warning, error or off (default info)\n"
    "  --log-file FILE        also append log lines to FILE (mode 0600)\n"
    "  --version              print the version and exit\n"
    "  -h, --help             print this help and exit\n"
    "\n"
    "environment (also read from .env):\n"
    "  ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET   Server-to-Server OAuth app\n"
    "  ZOOM_API_BASE_URL     default https://api.zoom.us/v2 (or the token's api_url)\n"
    "  ZOOM_OAUTH_TOKEN_URL  default https://zoom.us/oauth/token\n"
    "  ZOOM_TOKEN_CACHE      token cache file (default $XDG_CACHE_HOME, else ~/.cache,\n"
    "                        then zoom-webinar-mcp/token-ACCOUNT.json)\n"
    "  ZOOM_TIMEZONE         IANA zone for times shown to people, and for times in\n"
    "                        words when a call names no timezone (default: the host's)\n"
    "  ZOOM_RATE_PLAN        pro, business or off: Zoom's rate limits requests are paced to\n"
    "                        (default pro; off when ZOOM_API_BASE_URL is a loopback host)\n"
    "  ZOOM_LOG_FILE, ZOOM_LOG_LEVEL   as --log-file and --log-level (the options win)\n"
    "  ZOOM_CA_BUNDLE        a CA file for TLS (verification is always on)\n"
    "  ZOOM_CONNECT_TIMEOUT_MS, ZOOM_REQUEST_TIMEOUT_MS   default 10000 and 30000\n"
    "  ZOOM_MAX_RETRIES, ZOOM_RETRY_BASE_MS, ZOOM_RETRY_MAX_WAIT_S   retries of 429, 5xx\n"
    "                        and transport failures (default 3, 500 ms, 60 s)\n"
    "  ZOOM_TOKEN_RENEW_BEFORE_S   renew the token this long before it expires (default 300)\n"
    "  ZOOM_MAX_RESPONSE_BYTES     cap on a Zoom reply (default 16777216)\n"
    "  ZOOM_READ_ONLY        1, true, yes or on: as --read-only (0, false, no, off: not)\n"
    "\n"
    "environment only (not .env):\n"
    "  ZOOMSIM_*             sandbox fault injection (see README)\n"
    "  MCP_HTTP_AUTH_TOKEN   as --auth-token\n"
    "\n"
    "Logs go to stderr (and ZOOM_LOG_FILE); stdout carries only MCP messages.\n";

static const char base_instructions[] =
    "This server manages Zoom webinars through Zoom's REST API: scheduling (one-off and "
    "recurring), panelists, registrants and approvals, polls, surveys, live streams, invite "
    "links, and after the event participants, absentees, Q&A and attendance. Times without a "
    "trailing Z are local to the webinar's timezone. Read zoom://config to see where requests go.";

static const char sandbox_instructions[] =
    "\n\nSANDBOX MODE: no Zoom credentials are configured, so every call goes to a built-in "
    "Zoom simulator holding a demo account in memory. Nothing reaches a real Zoom account.";

typedef enum { CMD_SERVE, CMD_TOOLS, CMD_CALL } command;

typedef struct options {
  command cmd;
  const char *tool;      /* CMD_CALL */
  const char *tool_args; /* CMD_CALL, JSON text or NULL */
  bool sandbox;
  bool read_only;
  const char *env_file;
  const char *sandbox_state;
  size_t max_frame;
  const char *log_level;
  const char *log_file;
  http_options http; /* http.enabled: serve over HTTP instead of stdio */
} options;

/* Parses argv into *o. Returns 0, 1 when the program should exit 0 (help,
 * version), or -1 after printing why the arguments are wrong. */
static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  int positional = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(usage, stdout);
      fputs("\nStreamable HTTP (instead of stdio):\n", stdout);
      fputs(http_usage_text, stdout);
      return 1;
    } else if (!strcmp(a, "--version")) {
      printf("zoom-webinar-mcp %s\n", ZWM_VERSION);
      return 1;
    } else if (!strcmp(a, "--sandbox")) {
      o->sandbox = true;
    } else if (!strcmp(a, "--read-only")) {
      o->read_only = true;
    } else if (!strncmp(a, "--http", 6) || !strcmp(a, "--auth-token") ||
               !strcmp(a, "--allow-origin")) {
      int used = http_parse_option(&o->http, a, next);
      if (used == 0)
        fprintf(stderr, "zoom-webinar-mcp: unknown option %s (see --help)\n", a);
      if (used <= 0)
        return -1;
      i++;
    } else if (!strcmp(a, "--env-file") || !strcmp(a, "--sandbox-state") ||
               !strcmp(a, "--max-frame") || !strcmp(a, "--log-level") || !strcmp(a, "--log-file")) {
      if (!next) {
        fprintf(stderr, "zoom-webinar-mcp: %s needs a value\n", a);
        return -1;
      }
      i++;
      if (!strcmp(a, "--env-file")) {
        o->env_file = next;
      } else if (!strcmp(a, "--sandbox-state")) {
        o->sandbox_state = next;
      } else if (!strcmp(a, "--log-level")) {
        o->log_level = next;
      } else if (!strcmp(a, "--log-file")) {
        o->log_file = next;
      } else {
        long long v;
        if (num_parse_ll(next, 1024, 1LL << 30, &v) != 0) {
          fprintf(stderr, "zoom-webinar-mcp: --max-frame wants 1024..1073741824 bytes\n");
          return -1;
        }
        o->max_frame = (size_t)v;
      }
    } else if (a[0] == '-') {
      fprintf(stderr, "zoom-webinar-mcp: unknown option %s (see --help)\n", a);
      return -1;
    } else if (positional == 0 &&
               (!strcmp(a, "serve") || !strcmp(a, "tools") || !strcmp(a, "call"))) {
      o->cmd = !strcmp(a, "serve") ? CMD_SERVE : !strcmp(a, "tools") ? CMD_TOOLS : CMD_CALL;
      positional++;
    } else if (o->cmd == CMD_CALL && positional == 1) {
      o->tool = a;
      positional++;
    } else if (o->cmd == CMD_CALL && positional == 2) {
      o->tool_args = a;
      positional++;
    } else {
      fprintf(stderr, "zoom-webinar-mcp: unexpected argument %s (see --help)\n", a);
      return -1;
    }
  }
  if (o->cmd == CMD_CALL && !o->tool) {
    fprintf(stderr, "zoom-webinar-mcp: call needs a tool name (see --help)\n");
    return -1;
  }
  return 0;
}

/* ---- `tools` and `call`: one in-process session ------------------------- */

typedef struct collector {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  json_int_t want_id;
  json_t *reply; /* the response to want_id, once it came */
} collector;

static void collector_send(void *ctx, void *tag, const char *msg, size_t len) {
  (void)tag;
  collector *c = ctx;
  json_t *m = json_loadb(msg, len, 0, NULL);
  json_t *id = m ? json_object_get(m, "id") : NULL;
  if (!json_is_integer(id) || json_object_get(m, "method")) {
    json_decref(m); /* notifications (logs, progress) are not part of the answer */
    return;
  }
  pthread_mutex_lock(&c->mu);
  if (json_integer_value(id) == c->want_id && !c->reply) {
    c->reply = m;
    m = NULL;
    pthread_cond_signal(&c->cv);
  }
  pthread_mutex_unlock(&c->mu);
  json_decref(m);
}

/* Sends REQUEST (stolen) with id ID and waits for its response. New reference. */
static json_t *collector_request(collector *c, mcp_session *s, json_int_t id, json_t *request) {
  json_object_set_new(request, "jsonrpc", json_string("2.0"));
  json_object_set_new(request, "id", json_integer(id));
  char *text = json_dumps(request, JSON_COMPACT);
  json_decref(request);
  pthread_mutex_lock(&c->mu);
  c->want_id = id;
  c->reply = NULL;
  pthread_mutex_unlock(&c->mu);
  if (text)
    mcp_session_handle(s, text, strlen(text), NULL);
  free(text);
  pthread_mutex_lock(&c->mu);
  while (!c->reply)
    pthread_cond_wait(&c->cv, &c->mu);
  json_t *reply = c->reply;
  c->reply = NULL;
  pthread_mutex_unlock(&c->mu);
  return reply;
}

/* tools/list with every page: the first page's reply with the tools of the pages after it
 * appended (nextCursor followed, at most 100 pages). New reference. */
static json_t *collector_tools(collector *c, mcp_session *s) {
  json_t *reply =
      collector_request(c, s, 2, json_pack("{s:s, s:{}}", "method", "tools/list", "params"));
  json_t *result = json_object_get(reply, "result");
  json_t *tools = json_object_get(result, "tools");
  for (json_int_t id = 3; id < 103 && json_is_array(tools); id++) {
    const char *cursor = json_string_value(json_object_get(result, "nextCursor"));
    if (!cursor)
      break;
    json_t *page = collector_request(
        c, s, id, json_pack("{s:s, s:{s:s}}", "method", "tools/list", "params", "cursor", cursor));
    json_t *more = json_object_get(json_object_get(page, "result"), "tools");
    json_t *next = json_object_get(json_object_get(page, "result"), "nextCursor");
    bool ok = json_is_array(more) && json_array_extend(tools, more) == 0;
    if (ok && next)
      json_object_set(result, "nextCursor", next);
    else
      json_object_del(result, "nextCursor");
    json_decref(page);
  }
  return reply;
}

static int run_oneshot(mcp_server *srv, const options *o) {
  int status = 1;
  json_t *args = NULL, *init = NULL, *reply = NULL;
  collector c = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
  mcp_session *s = mcp_session_new(srv, collector_send, &c);
  if (!s)
    goto cleanup;

  if (o->cmd == CMD_CALL) {
    json_error_t jerr;
    args = o->tool_args ? json_loads(o->tool_args, 0, &jerr) : json_object();
    if (!json_is_object(args)) {
      fprintf(stderr, "zoom-webinar-mcp: the arguments must be a JSON object%s%s\n",
              args ? "" : ": ", args ? "" : jerr.text);
      goto cleanup;
    }
  }

  init = collector_request(&c, s, 1,
                           json_pack("{s:s, s:{s:s, s:{}, s:{s:s, s:s}}}", "method", "initialize",
                                     "params", "protocolVersion", "2025-11-25", "capabilities",
                                     "clientInfo", "name", "zoom-webinar-mcp-cli", "version",
                                     ZWM_VERSION));
  if (!json_object_get(init, "result")) {
    fprintf(stderr, "zoom-webinar-mcp: initialize failed\n");
    goto cleanup;
  }
  const char *note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  mcp_session_handle(s, note, strlen(note), NULL);

  if (o->cmd == CMD_TOOLS)
    reply = collector_tools(&c, s);
  else
    reply = collector_request(&c, s, 2,
                              json_pack("{s:s, s:{s:s, s:O}}", "method", "tools/call", "params",
                                        "name", o->tool, "arguments", args));

  json_t *result = json_object_get(reply, "result");
  json_t *out = result ? result : json_object_get(reply, "error");
  char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (text)
    printf("%s\n", text);
  free(text);
  status = result && !json_is_true(json_object_get(result, "isError")) ? 0 : 1;

cleanup:
  json_decref(reply);
  json_decref(init);
  json_decref(args);
  mcp_session_free(s);
  return status;
}

/* Printed on stderr when a person starts the server on a terminal: what it
 * is and how to connect a client, then it serves as usual. */
static void terminal_guide(const char *argv0) {
  char self[PATH_MAX];
  const char *path = realpath(argv0, self) ? self : argv0;
  fprintf(stderr,
          "\nzoom-webinar-mcp %s - an MCP server for Zoom webinars.\n"
          "It talks MCP (JSON-RPC) on stdin/stdout, so it is usually started by an MCP client,\n"
          "not by hand.\n\n"
          "Claude Desktop (claude_desktop_config.json):\n"
          "  {\"mcpServers\": {\"zoom-webinars\": {\"command\": \"%s\",\n"
          "    \"env\": {\"ZOOM_ACCOUNT_ID\": \"...\", \"ZOOM_CLIENT_ID\": \"...\",\n"
          "            \"ZOOM_CLIENT_SECRET\": \"...\"}}}}\n"
          "  (leave env out to try it on the built-in sandbox)\n\n"
          "MCP Inspector:\n"
          "  npx @modelcontextprotocol/inspector %s\n\n"
          "Try a tool without a client:\n"
          "  %s tools\n"
          "  %s call list_webinars '{\"user_id\":\"me\"}'\n\n"
          "Serving now: type JSON-RPC messages one per line, Ctrl-D ends.\n\n",
          ZWM_VERSION, path, path, path, path);
}

/* ---- start-up -------------------------------------------------------------- */

typedef struct runtime {
  zoom_config *cfg;
  zoom_client *zoom;
  sim *sandbox;
  char cache_dir[PATH_MAX]; /* private token cache dir of a sandbox run, "" when none */
  char *instructions;
} runtime;

/* Points CFG at a freshly started simulator. Returns 0 or -1 (logged). */
static int start_sandbox(runtime *rt, const char *state_file) {
  zoom_error err = {0};
  char url[PATH_MAX + 64];
  sim_options so;
  sim_options_init(&so);
  so.state_file = state_file;
  if (sim_options_from_env(&so) != 0 || sim_start(&rt->sandbox, &so) != 0) {
    log_error("main", "the built-in Zoom sandbox could not start");
    return -1;
  }
  const char *base = sim_base_url(rt->sandbox);
  int rc = 0;
  rc |= zoom_config_set(rt->cfg, "ZOOM_ACCOUNT_ID", so.account_id, &err);
  rc |= zoom_config_set(rt->cfg, "ZOOM_CLIENT_ID", so.client_id, &err);
  rc |= zoom_config_set(rt->cfg, "ZOOM_CLIENT_SECRET", so.client_secret, &err);
  snprintf(url, sizeof url, "%s/oauth/token", base);
  rc |= zoom_config_set(rt->cfg, "ZOOM_OAUTH_TOKEN_URL", url, &err);
  snprintf(url, sizeof url, "%s/v2", base);
  rc |= zoom_config_set(rt->cfg, "ZOOM_API_BASE_URL", url, &err);
  if (!rt->cfg->token_cache) {
    /* Sandbox tokens die with the process: keep them out of the user's cache. */
    snprintf(rt->cache_dir, sizeof rt->cache_dir, "%s/zoom-webinar-mcp-sandbox-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(rt->cache_dir)) {
      rt->cache_dir[0] = '\0';
      log_error("main", "cannot make a private token cache directory: %s", strerror(errno));
      return -1;
    }
    snprintf(url, sizeof url, "%s/token.json", rt->cache_dir);
    rc |= zoom_config_set(rt->cfg, "ZOOM_TOKEN_CACHE", url, &err);
  }
  if (rc) {
    log_error("main", "sandbox configuration failed: %s", err.message);
    zoom_error_clear(&err);
    return -1;
  }
  fprintf(stderr,
          "zoom-webinar-mcp: SANDBOX MODE - no Zoom credentials are configured, so requests "
          "go to the built-in Zoom simulator at %s. Set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and "
          "ZOOM_CLIENT_SECRET to use a real Zoom account.\n",
          base);
  return 0;
}

static void runtime_free(runtime *rt) {
  zoom_client_free(rt->zoom);
  zoom_config_free(rt->cfg);
  sim_stop(rt->sandbox);
  if (rt->cache_dir[0]) {
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/token.json", rt->cache_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/token.json.lock", rt->cache_dir);
    unlink(path);
    rmdir(rt->cache_dir);
  }
  free(rt->instructions);
}

/* Loads the configuration, starts the sandbox when needed, makes the client.
 * Returns 0, or -1 after saying why on stderr. */
static int runtime_start(runtime *rt, const options *o) {
  zoom_error err = {0};
  if (zoom_config_load(&rt->cfg, o->env_file, &err) != 0) {
    fprintf(stderr, "zoom-webinar-mcp: %s\n", err.message);
    goto fail;
  }
  const char *level_name = o->log_level ? o->log_level : rt->cfg->log_level;
  if (level_name) {
    log_level level;
    if (log_level_parse(level_name, &level) != 0) {
      fprintf(stderr, "zoom-webinar-mcp: unknown log level \"%s\"\n", level_name);
      goto fail;
    }
    log_set_level(level);
  }
  const char *log_file = o->log_file ? o->log_file : rt->cfg->log_file;
  if (log_file && log_set_file(log_file) != 0) {
    fprintf(stderr, "zoom-webinar-mcp: cannot open log file %s: %s\n", log_file, strerror(errno));
    goto fail;
  }

  zoom_credentials_state creds = zoom_config_credentials(rt->cfg);
  if (creds == ZOOM_CREDENTIALS_PARTIAL && !o->sandbox) {
    zoom_config_validate(rt->cfg, &err);
    fprintf(stderr, "zoom-webinar-mcp: incomplete Zoom credentials: %s\n", err.message);
    goto fail;
  }
  bool sandbox = o->sandbox || creds == ZOOM_CREDENTIALS_NONE;
  if (sandbox && start_sandbox(rt, o->sandbox_state) != 0)
    goto fail;
  if (zoom_client_new(&rt->zoom, rt->cfg, &err) != 0) {
    fprintf(stderr, "zoom-webinar-mcp: %s\n", err.message);
    goto fail;
  }
  size_t n = sizeof base_instructions + sizeof sandbox_instructions;
  rt->instructions = malloc(n);
  if (!rt->instructions)
    goto fail;
  snprintf(rt->instructions, n, "%s%s", base_instructions, sandbox ? sandbox_instructions : "");
  zoom_error_clear(&err);
  return 0;
fail:
  zoom_error_clear(&err);
  return -1;
}

/* Reads ZOOM_READ_ONLY's VALUE (NULL: not set) into *ON: 1, true, yes or on turn read-only
 * on; 0, false, no, off or empty leave it off (any case). Returns -1 for anything else: a
 * value meant as "yes" must never quietly serve the tools that change things. */
static int read_only_value(const char *value, bool *on) {
  static const char *const yes[] = {"1", "true", "yes", "on"};
  static const char *const no[] = {"", "0", "false", "no", "off"};
  *on = false;
  if (!value)
    return 0;
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    if (!strcasecmp(value, yes[i]))
      return *on = true, 0;
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    if (!strcasecmp(value, no[i]))
      return 0;
  return -1;
}

int main(int argc, char **argv) {
  options o;
  int rc = parse_args(argc, argv, &o);
  if (rc != 0)
    return rc > 0 ? 0 : 2;

  int status = 1;
  runtime rt = {0};
  mcp_server *srv = NULL;
  if (runtime_start(&rt, &o) != 0) {
    status = 2;
    goto cleanup;
  }
  bool ro = false; /* ZOOM_READ_ONLY: the environment, else the .env file */
  if (read_only_value(rt.cfg->read_only, &ro) != 0) {
    char shown[32]; /* printable, cut short: the value came from a file */
    size_t n = 0;
    for (const char *c = rt.cfg->read_only; *c && n + 1 < sizeof shown; c++)
      shown[n++] = *c >= ' ' && *c < 0x7f ? *c : '?';
    shown[n] = '\0';
    log_error("main",
              "ZOOM_READ_ONLY is \"%s\": use 1, true, yes or on (read-only), or 0, "
              "false, no or off",
              shown);
    status = 2;
    goto cleanup;
  }
  app a = {.zoom = rt.zoom,
           .sandbox = rt.sandbox != NULL,
           .sandbox_url = rt.sandbox ? sim_base_url(rt.sandbox) : NULL,
           .read_only = o.read_only || ro,
           .env_file = o.env_file};
  mcp_server_config sc = {.name = "zoom-webinar-mcp",
                          .title = "Zoom Webinars",
                          .version = ZWM_VERSION,
                          .instructions = rt.instructions,
                          .userdata = &a};
  srv = mcp_server_new(&sc);
  if (!srv || app_register_all(srv, &a) != 0) {
    log_error("main", "the MCP server could not be set up");
    goto cleanup;
  }
  if (o.cmd == CMD_SERVE) {
    if (!o.http.enabled && isatty(STDIN_FILENO))
      terminal_guide(argv[0]);
    if (o.http.enabled) {
      status = http_serve(srv, &o.http) == 0 ? 0 : 1;
    } else {
      stdio_options so = {.max_frame = o.max_frame};
      status = stdio_serve(srv, &so) == 0 ? 0 : 1;
    }
  } else {
    status = run_oneshot(srv, &o);
  }

cleanup:
  mcp_server_free(srv);
  catalog_free();
  runtime_free(&rt);
  return status;
}
