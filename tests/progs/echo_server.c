/* echo_server.c - a tiny MCP server on the core over stdio, for exercising the
 * core and the stdio transport in tests and benchmarks: tools "echo" (returns
 * its text), "add" (structured output), "slow" (sleeps, honours
 * cancellation, reports progress) and "ask" (asks the client to elicit). */
#include "base/log.h"
#include "mcp/mcp.h"
#include "transport/stdio.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  return mcp_tool_text("%s", json_string_value(json_object_get(args, "text")));
}

static json_t *tool_add(mcp_call *call, json_t *args) {
  (void)call;
  json_int_t a = json_integer_value(json_object_get(args, "a"));
  json_int_t b = json_integer_value(json_object_get(args, "b"));
  return mcp_tool_structured(json_pack("{s:I}", "sum", a + b));
}

static json_t *tool_slow(mcp_call *call, json_t *args) {
  json_int_t ms = json_integer_value(json_object_get(args, "ms"));
  for (json_int_t waited = 0; waited < ms; waited += 10) {
    if (mcp_call_cancelled(call))
      return mcp_tool_error("cancelled");
    mcp_call_progress(call, (double)waited, (double)ms, NULL);
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  mcp_call_log(call, MCP_LOG_INFO, "slow", json_string("done"));
  return mcp_tool_text("slept %lld ms", (long long)ms);
}

static json_t *tool_ask(mcp_call *call, json_t *args) {
  (void)args;
  json_t *params =
      json_pack("{s:s,s:{s:s,s:{s:{s:s}}}}", "message", "Your name?", "requestedSchema", "type",
                "object", "properties", "name", "type", "string");
  json_t *answer = mcp_call_ask(call, "name", "elicitation/create", params);
  if (!answer)
    return NULL;
  const char *name = json_string_value(json_object_get(json_object_get(answer, "content"), "name"));
  json_t *result = mcp_tool_text("hello %s", name ? name : "(none)");
  json_decref(answer);
  return result;
}

static const mcp_tool tools[] = {
    {.name = "echo",
     .description = "Returns its text.",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\","
                     "\"maxLength\":1000}},\"required\":[\"text\"],\"additionalProperties\":false}",
     .hints = MCP_HINT_READ_ONLY | MCP_HINT_IDEMPOTENT,
     .fn = tool_echo},
    {.name = "add",
     .description = "Adds two integers.",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                     "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"]}",
     .output_schema = "{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"integer\"}}}",
     .hints = MCP_HINT_READ_ONLY,
     .fn = tool_add},
    {.name = "slow",
     .description = "Sleeps for ms milliseconds.",
     .input_schema = "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\","
                     "\"minimum\":0,\"maximum\":60000}},\"required\":[\"ms\"]}",
     .fn = tool_slow},
    {.name = "ask", .description = "Asks the client for a name.", .fn = tool_ask},
};

int main(int argc, char **argv) {
  stdio_options opt = {0};
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], "--max-frame") == 0)
      opt.max_frame = (size_t)strtoull(argv[i + 1], NULL, 10);
  const char *level = getenv("ZOOM_LOG_LEVEL");
  log_level lv;
  if (level && log_level_parse(level, &lv) == 0)
    log_set_level(lv);
  mcp_server_config cfg = {
      .name = "echo-server", .title = "Echo", .version = "0.1.0", .instructions = "A test server."};
  mcp_server *srv = mcp_server_new(&cfg);
  if (!srv || mcp_server_add_tools(srv, tools, sizeof tools / sizeof tools[0]) != 0)
    return 1;
  int rc = stdio_serve(srv, &opt);
  mcp_server_free(srv);
  return rc == 0 ? 0 : 1;
}
