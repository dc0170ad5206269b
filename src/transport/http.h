/* http.h - the MCP Streamable HTTP transport on libmicrohttpd: both protocol
 * eras at one endpoint, sessions, SSE with resumable event ids, Origin and
 * Host checks, bearer-token authentication, and bounds on everything. */
#ifndef TRANSPORT_HTTP_H
#define TRANSPORT_HTTP_H

#include "mcp/mcp.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define HTTP_DEFAULT_PATH "/mcp"
#define HTTP_DEFAULT_MAX_BODY (4u * 1024 * 1024)
#define HTTP_DEFAULT_MAX_SESSIONS 4096
#define HTTP_DEFAULT_MAX_STREAMS 512
#define HTTP_DEFAULT_HEADER_TIMEOUT_MS 10000
#define HTTP_DEFAULT_SESSION_IDLE_S 1800
#define HTTP_DEFAULT_DRAIN_MS 10000
#define HTTP_MAX_ORIGINS 16
#define HTTP_TOKEN_ENV "MCP_HTTP_AUTH_TOKEN"

typedef struct http_options {
  char host[64];                         /* address to bind; "" = 127.0.0.1 */
  unsigned port;                         /* 0 = any free port (printed on stderr) */
  bool enabled;                          /* --http was given */
  const char *path;                      /* the MCP endpoint; NULL = HTTP_DEFAULT_PATH */
  const char *token;                     /* bearer token; NULL = none (loopback only); borrowed */
  const char *origins[HTTP_MAX_ORIGINS]; /* allowed Origin values besides loopback ones;
                                            "*" allows any; borrowed */
  size_t norigins;
  size_t max_body;        /* bytes; 0 = HTTP_DEFAULT_MAX_BODY (larger: 413) */
  size_t max_sessions;    /* 0 = HTTP_DEFAULT_MAX_SESSIONS (more: 503) */
  size_t max_streams;     /* concurrent connections; 0 = HTTP_DEFAULT_MAX_STREAMS */
  long header_timeout_ms; /* a request's headers must arrive within this (also the
                             keep-alive idle limit); 0 = HTTP_DEFAULT_HEADER_TIMEOUT_MS */
  long session_idle_s;    /* a session unused this long ends; 0 = HTTP_DEFAULT_SESSION_IDLE_S */
  long drain_ms;          /* SIGTERM: how long requests in flight may still run;
                             0 = HTTP_DEFAULT_DRAIN_MS */
  long sse_poll_ms;       /* > 0: a POST whose result takes longer gets an SSE stream
                             that is closed with a retry hint (SSE polling, resumed by
                             GET with Last-Event-ID); 0 = off */
  atomic_int *open_connections; /* when set, kept at the number of client connections whose
                                   thread has not finished with them: 0 means every request
                                   received so far is done (tests wait on it); borrowed */
} http_options;

/* Parses one command-line option of the HTTP transport: "--http",
 * "--http-path", "--auth-token", "--allow-origin", "--http-max-body",
 * "--http-max-sessions", "--http-max-streams", "--http-header-timeout-ms",
 * "--http-session-idle-s", "--http-drain-ms", "--http-sse-poll-ms".
 * VALUE (borrowed, must outlive OPT) is the next argument. Returns 1 when
 * FLAG was one of them and VALUE was good (the caller skips VALUE), 0 when
 * FLAG is not an HTTP option, -1 after printing to stderr why VALUE is bad. */
int http_parse_option(http_options *opt, const char *flag, const char *value);

/* The usage lines of those options, for --help texts. */
extern const char http_usage_text[];

/* Serves SRV over HTTP until SIGTERM/SIGINT (handlers installed here, the
 * previous ones put back on return; SIGPIPE is ignored meanwhile). Binding to an address other
 * than loopback needs a token (opt->token, else the environment variable
 * HTTP_TOKEN_ENV); a token must have 16 to 4096 characters. Prints one line
 * "mcp-http: listening on http://HOST:PORT PATH" on stderr once ready. On a signal: stops
 * accepting, lets requests in flight run up to drain_ms, then cancels the rest and returns 0.
 * Returns -1 when it could not start (logged). */
int http_serve(mcp_server *srv, const http_options *opt);

#endif
