/* stdio.h - the MCP stdio transport: newline-delimited JSON-RPC frames on
 * stdin, replies on stdout (and nothing else ever goes to stdout). */
#ifndef TRANSPORT_STDIO_H
#define TRANSPORT_STDIO_H

#include "mcp/mcp.h"

#include <stdbool.h>
#include <stddef.h>

#define STDIO_DEFAULT_MAX_FRAME (4u * 1024 * 1024)
#define STDIO_DEFAULT_EOF_GRACE_MS 10000

typedef struct stdio_options {
  int in_fd;         /* frames come from here; 0 (the default) is stdin */
  int out_fd;        /* replies go here; 0 means stdout (1) */
  size_t max_frame;  /* longest accepted line in bytes; 0 = STDIO_DEFAULT_MAX_FRAME */
  bool keep_signals; /* true: leave SIGTERM/SIGINT/SIGPIPE handling to the caller */
  long eof_grace_ms; /* at end of input, how long requests in flight may still run before
                        they are cancelled; 0 = STDIO_DEFAULT_EOF_GRACE_MS; negative = no limit */
} stdio_options;

/* Serves SRV on one stdio session until end of input or SIGTERM/SIGINT.
 *
 * Reading runs on the calling thread; replies are written by a writer thread,
 * so a slow reader of stdout never blocks parsing, and many replies ready at
 * once leave in one write. Empty lines are skipped and a trailing CR is
 * dropped. A line longer than max_frame (with or without its newline) is
 * answered with a -32600 error (id null) and skipped without being held in
 * memory.
 *
 * Output never blocks without an escape: a pipe or terminal on stdout is
 * written through a non-blocking description of its own, a full stdout
 * (EAGAIN, also with O_NONBLOCK inherited from the parent) is waited for in
 * poll, and a client that stops reading only holds up the replies.
 *
 * On end of input the requests in flight are finished (those still running
 * after eof_grace_ms are cancelled) and their replies flushed; output the
 * client leaves unread for eof_grace_ms after end of input is dropped. On
 * SIGTERM or SIGINT, at any time (while reading, during that grace, while
 * stdout is full; also when it comes with end of input), the requests in
 * flight are cancelled at once and unsent output is dropped.
 *
 * Unless keep_signals is set, installs handlers for SIGTERM and SIGINT (see
 * transport/signals.h) and ignores SIGPIPE (a closed stdout shows as EPIPE).
 * OPT may be NULL for the defaults. Returns 0 after a clean end, -1 when the
 * session could not start or reading failed (logged). */
int stdio_serve(mcp_server *srv, const stdio_options *opt);

#endif
