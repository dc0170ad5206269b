/* test_stdio.c - the stdio transport over real pipes: framing (CRLF, empty
 * lines, a last line without newline), the frame cap (an oversized line is
 * refused and skipped, with or without its newline), replies under a
 * pipelined load, a clean end on end of input with every reply flushed, and
 * bad input from the operating system: SIGTERM while stdout is unread or
 * during the end-of-input grace, O_NONBLOCK on an inherited stdout, a client
 * that never reads its replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcp/mcp.h"
#include "transport/stdio.h"

static json_t *tool_echo(mcp_call *call, json_t *args) {
  (void)call;
  return mcp_tool_text("%s", json_string_value(json_object_get(args, "text")));
}

static atomic_int hang_cancelled;
static int hang_started[2] = {-1, -1}; /* a byte each time "hang" begins, when a test opened it */

/* Runs until cancelled (an hour at most). */
static json_t *tool_hang(mcp_call *call, json_t *args) {
  (void)args;
  if (hang_started[1] >= 0 && write(hang_started[1], "h", 1) != 1)
    return NULL;
  for (int i = 0; i < 3600000 && !mcp_call_cancelled(call); i++) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  if (mcp_call_cancelled(call))
    atomic_fetch_add(&hang_cancelled, 1);
  return mcp_tool_text("stopped");
}

/* Replies with a text of "bytes" bytes: output faster than a pipe takes it. */
static json_t *tool_big(mcp_call *call, json_t *args) {
  (void)call;
  size_t n = (size_t)json_integer_value(json_object_get(args, "bytes"));
  char *text = malloc(n + 1);
  if (!text)
    return NULL;
  memset(text, 'x', n);
  text[n] = '\0';
  json_t *result = mcp_tool_text("%s", text);
  free(text);
  return result;
}

static int eof_seen[2] = {-1, -1}; /* a byte once ask_then_hang saw the input end */

/* Asks the client, which never answers: the ask fails when the transport
 * drains at end of input, which tells the test the grace has begun. Then it
 * runs until cancelled. */
static json_t *tool_ask_then_hang(mcp_call *call, json_t *args) {
  json_t *answer = mcp_call_ask(call, "q", "sampling/createMessage",
                                json_pack("{s:[],s:i}", "messages", "maxTokens", 1));
  json_decref(answer);
  if (write(eof_seen[1], "e", 1) != 1)
    return NULL;
  return tool_hang(call, args);
}

static const mcp_tool tools[] = {{.name = "echo", .fn = tool_echo},
                                 {.name = "hang", .fn = tool_hang},
                                 {.name = "big", .fn = tool_big},
                                 {.name = "ask_then_hang", .fn = tool_ask_then_hang}};

typedef struct served {
  mcp_server *srv;
  int to_server;   /* we write requests here */
  int from_server; /* we read replies here */
  pthread_t thread;
  stdio_options opt;
  int rc;
  char *buf; /* what we have read so far */
  size_t len, cap;
  int returned[2]; /* a byte once stdio_serve returned */
  bool joined;
} served;

static void *serve_main(void *arg) {
  served *sv = arg;
  sv->rc = stdio_serve(sv->srv, &sv->opt);
  close(sv->opt.out_fd);
  if (write(sv->returned[1], "r", 1) != 1)
    abort();
  return NULL;
}

/* Serves on fresh pipes. SIGNALS: stdio_serve handles SIGTERM itself (the
 * tests then send it to this process); NONBLOCK_OUT: the server's stdout
 * has O_NONBLOCK, as when inherited from a parent that set it. */
static void start_ex(served *sv, size_t max_frame, long eof_grace_ms, bool signals,
                     bool nonblock_out) {
  memset(sv, 0, sizeof *sv);
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  sv->srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(sv->srv, tools, sizeof tools / sizeof tools[0]), 0);
  int in[2], out[2];
  assert_int_equal(pipe(in), 0);
  assert_int_equal(pipe(out), 0);
  assert_int_equal(pipe(sv->returned), 0);
  if (nonblock_out)
    assert_int_equal(fcntl(out[1], F_SETFL, fcntl(out[1], F_GETFL) | O_NONBLOCK), 0);
  sv->opt = (stdio_options){.in_fd = in[0],
                            .out_fd = out[1],
                            .max_frame = max_frame,
                            .keep_signals = !signals,
                            .eof_grace_ms = eof_grace_ms};
  sv->to_server = in[1];
  sv->from_server = out[0];
  assert_int_equal(pthread_create(&sv->thread, NULL, serve_main, sv), 0);
}

static void start(served *sv, size_t max_frame, long eof_grace_ms) {
  start_ex(sv, max_frame, eof_grace_ms, false, false);
}

/* Waits for stdio_serve to return: true when it did within MS. A guard
 * against a hang (the bugs it catches never return), generous for valgrind
 * on a loaded machine. */
static bool returns_within(served *sv, int ms) {
  struct pollfd p = {.fd = sv->returned[0], .events = POLLIN};
  if (poll(&p, 1, ms) != 1)
    return false;
  pthread_join(sv->thread, NULL);
  sv->joined = true;
  return true;
}

static void put(served *sv, const char *text) {
  size_t len = strlen(text);
  while (len > 0) {
    ssize_t n = write(sv->to_server, text, len);
    assert_true(n > 0);
    text += n;
    len -= (size_t)n;
  }
}

/* Reads until N lines have arrived (10 s at most). Returns the line count. */
static size_t read_lines(served *sv, size_t n) {
  size_t lines = 0;
  for (;;) {
    lines = 0;
    for (size_t i = 0; i < sv->len; i++)
      lines += sv->buf[i] == '\n';
    if (lines >= n)
      return lines;
    struct pollfd p = {.fd = sv->from_server, .events = POLLIN};
    if (poll(&p, 1, 10000) <= 0)
      return lines;
    if (sv->cap - sv->len < 65536) {
      sv->cap = sv->cap ? sv->cap * 2 : 1 << 20;
      sv->buf = realloc(sv->buf, sv->cap);
    }
    ssize_t got = read(sv->from_server, sv->buf + sv->len, sv->cap - sv->len - 1);
    if (got <= 0)
      return lines;
    sv->len += (size_t)got;
  }
}

/* Returns a new reference to line I (0-based) of the output. */
static json_t *line(served *sv, size_t i) {
  const char *p = sv->buf, *end = sv->buf + sv->len;
  for (size_t k = 0; k < i && p < end; k++) {
    const char *skip = memchr(p, '\n', (size_t)(end - p));
    assert_non_null(skip);
    p = skip + 1;
  }
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  assert_non_null(nl);
  json_t *doc = json_loadb(p, (size_t)(nl - p), 0, NULL);
  assert_non_null(doc);
  return doc;
}

/* Closes our end of stdin and waits for the server to return. */
static int finish(served *sv) {
  close(sv->to_server);
  pthread_join(sv->thread, NULL);
  sv->joined = true;
  return sv->rc;
}

static void cleanup(served *sv) {
  close(sv->from_server);
  close(sv->opt.in_fd);
  close(sv->returned[0]);
  close(sv->returned[1]);
  mcp_server_free(sv->srv);
  free(sv->buf);
}

static const char INIT[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                           "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                           "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n";

static void framing(void **state) {
  (void)state;
  served sv;
  start(&sv, 0, 0);
  put(&sv, INIT);
  put(&sv, "\n\r\n   \n");                                            /* empty lines are skipped */
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r\n"); /* CRLF */
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":2,");                         /* split across writes */
  put(&sv, "\"method\":\"ping\"}\n");
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}"); /* no newline, then EOF */
  assert_int_equal(finish(&sv), 0);
  assert_int_equal(read_lines(&sv, 4), 4);
  for (size_t i = 1; i < 4; i++) {
    json_t *r = line(&sv, i);
    assert_int_equal(json_integer_value(json_object_get(r, "id")), (json_int_t)i);
    assert_non_null(json_object_get(r, "result"));
    json_decref(r);
  }
  cleanup(&sv);
}

static void oversized_frame_is_refused_and_skipped(void **state) {
  (void)state;
  served sv;
  start(&sv, 1024, 0);
  put(&sv, INIT);
  /* 200 KiB on one line: far past the cap and past the read buffer */
  size_t big = 200 * 1024;
  char *frame = malloc(big + 64);
  strcpy(frame, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"x\":\"");
  size_t n = strlen(frame);
  memset(frame + n, 'a', big);
  strcpy(frame + n + big, "\"}}\n");
  put(&sv, frame);
  free(frame);
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}\n");
  assert_int_equal(read_lines(&sv, 3), 3);
  json_t *err = line(&sv, 1);
  assert_true(json_is_null(json_object_get(err, "id")));
  assert_int_equal(json_integer_value(json_object_get(json_object_get(err, "error"), "code")),
                   MCP_INVALID_REQUEST);
  json_decref(err);
  json_t *ok = line(&sv, 2);
  assert_int_equal(json_integer_value(json_object_get(ok, "id")), 6);
  json_decref(ok);
  assert_int_equal(finish(&sv), 0);
  cleanup(&sv);
}

static void pipelined_calls_all_answered_before_exit(void **state) {
  (void)state;
  served sv;
  start(&sv, 0, 0);
  put(&sv, INIT);
  enum { N = 5000 };
  /* write from a second thread: the replies must be read meanwhile */
  char *reqs = malloc((size_t)N * 128);
  size_t off = 0;
  for (int i = 1; i <= N; i++)
    off += (size_t)sprintf(reqs + off,
                           "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"echo\",\"arguments\":{\"text\":\"t%d\"}}}\n",
                           i, i);
  pid_t pid = fork();
  if (pid == 0) { /* the writer */
    close(sv.from_server);
    put(&sv, reqs);
    _exit(0);
  }
  free(reqs);
  close(sv.to_server); /* the child holds the write end now */
  assert_int_equal(read_lines(&sv, N + 1), N + 1);
  pthread_join(sv.thread, NULL);
  assert_int_equal(sv.rc, 0);
  char *seen = calloc(N + 1, 1);
  for (size_t i = 1; i <= N; i++) {
    json_t *r = line(&sv, i);
    json_int_t id = json_integer_value(json_object_get(r, "id"));
    assert_true(id >= 1 && id <= N);
    char want[16];
    snprintf(want, sizeof want, "t%d", (int)id);
    json_t *text = json_object_get(
        json_array_get(json_object_get(json_object_get(r, "result"), "content"), 0), "text");
    assert_string_equal(json_string_value(text), want);
    seen[id]++;
    json_decref(r);
  }
  for (int i = 1; i <= N; i++)
    assert_int_equal(seen[i], 1);
  free(seen);
  cleanup(&sv);
}

/* A call still running when the grace after end of input ends is cancelled, and gets no
 * reply. The input ends only once "hang" runs and "echo" was answered: a slow machine may
 * reach the end of the 50 ms grace before either (then "echo" would be cancelled too, and
 * "hang" never start). */
static void end_of_input_cancels_after_the_grace(void **state) {
  (void)state;
  served sv;
  start(&sv, 0, 50);
  atomic_store(&hang_cancelled, 0);
  assert_int_equal(pipe(hang_started), 0);
  put(&sv, INIT);
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
           "\"hang\"}}\n");
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
           "\"echo\",\"arguments\":{\"text\":\"done\"}}}\n");
  struct pollfd p = {.fd = hang_started[0], .events = POLLIN};
  assert_int_equal(poll(&p, 1, 30000), 1); /* "hang" runs (a guard of 30 s) */
  assert_int_equal(read_lines(&sv, 2), 2); /* initialize and echo answered */
  assert_int_equal(finish(&sv), 0);        /* returns although "hang" never ends by itself */
  close(hang_started[0]);
  close(hang_started[1]);
  hang_started[0] = hang_started[1] = -1;
  assert_int_equal(atomic_load(&hang_cancelled), 1);
  assert_int_equal(read_lines(&sv, 3), 2); /* initialize and echo; no reply for "hang" */
  json_t *r = line(&sv, 1);
  assert_int_equal(json_integer_value(json_object_get(r, "id")), 2);
  json_decref(r);
  cleanup(&sv);
}

/* Sends N calls of "big" (BYTES each) after the initialize reply was read. */
static void put_big_calls(served *sv, int n, int bytes) {
  for (int i = 1; i <= n; i++) {
    char req[192];
    snprintf(req, sizeof req,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
             "{\"name\":\"big\",\"arguments\":{\"bytes\":%d}}}\n",
             i, bytes);
    put(sv, req);
  }
}

/* Waits until the server has written something we did not read (a guard of
 * 30 s against a hang: valgrind on a loaded machine is slow). */
static void wait_for_output(served *sv) {
  struct pollfd p = {.fd = sv->from_server, .events = POLLIN};
  assert_int_equal(poll(&p, 1, 30000), 1);
}

/* 4 MiB of replies nobody reads: the writer is stuck on a full pipe.
 * SIGTERM still ends serving. (Senders waiting for room past the 16 MiB
 * high-water mark: stdio_signals.test.mjs, too slow under valgrind.) */
static void sigterm_with_stdout_unread(void **state) {
  (void)state;
  served sv;
  start_ex(&sv, 0, 0, true, false);
  put(&sv, INIT);
  assert_int_equal(read_lines(&sv, 1), 1); /* the handlers are installed */
  put_big_calls(&sv, 4, 1 << 20);
  wait_for_output(&sv);
  assert_int_equal(kill(getpid(), SIGTERM), 0);
  assert_true(returns_within(&sv, 30000)); /* before the fix: never */
  assert_int_equal(sv.rc, 0);
  close(sv.to_server);
  cleanup(&sv);
}

static const char INIT_SAMPLING[] =
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
    "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"sampling\":{}},"
    "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n";

/* stdin closed with a call in flight, then SIGTERM: the call is cancelled at
 * once, not after the (60 s) grace. */
static void sigterm_during_the_eof_grace(void **state) {
  (void)state;
  served sv;
  start_ex(&sv, 0, 60000, true, false);
  atomic_store(&hang_cancelled, 0);
  assert_int_equal(pipe(eof_seen), 0);
  put(&sv, INIT_SAMPLING);
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
           "\"ask_then_hang\"}}\n");
  assert_int_equal(read_lines(&sv, 2), 2); /* initialize, and the tool's question */
  close(sv.to_server);                     /* end of input: the grace begins */
  struct pollfd p = {.fd = eof_seen[0], .events = POLLIN};
  assert_int_equal(poll(&p, 1, 10000), 1); /* the server is in its grace now */
  assert_int_equal(kill(getpid(), SIGTERM), 0);
  assert_true(returns_within(&sv, 30000)); /* before the fix: after the 60 s grace */
  assert_int_equal(sv.rc, 0);
  assert_int_equal(atomic_load(&hang_cancelled), 1);
  close(eof_seen[0]);
  close(eof_seen[1]);
  cleanup(&sv);
}

enum { NONBLOCK_CALLS = 5000 };

/* Sends NONBLOCK_CALLS echo calls, then ends the input. */
static void *put_echo_calls(void *arg) {
  served *sv = arg;
  for (int i = 1; i <= NONBLOCK_CALLS; i++) {
    char req[160];
    snprintf(req, sizeof req,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
             "{\"name\":\"echo\",\"arguments\":{\"text\":\"reply %d\"}}}\n",
             i, i);
    put(sv, req);
  }
  close(sv->to_server);
  return NULL;
}

/* O_NONBLOCK inherited on stdout: a full pipe is EAGAIN, which means "wait",
 * not "stdout closed". Every reply arrives. */
static void nonblocking_stdout_loses_no_reply(void **state) {
  (void)state;
  served sv;
  start_ex(&sv, 0, 0, false, true);
  put(&sv, INIT);
  pthread_t writer;
  assert_int_equal(pthread_create(&writer, NULL, put_echo_calls, &sv), 0);
  pthread_join(writer, NULL); /* the server took every request while nobody read */
  assert_int_equal(read_lines(&sv, NONBLOCK_CALLS + 1),
                   NONBLOCK_CALLS + 1); /* before the fix: a few hundred */
  assert_true(returns_within(&sv, 30000));
  assert_int_equal(sv.rc, 0);
  cleanup(&sv);
}

/* Writes a ping of exactly LEN bytes (id ID), then TAIL. */
static void put_ping_of(served *sv, int id, size_t len, const char *tail) {
  char frame[256];
  int base =
      snprintf(frame, sizeof frame,
               "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\",\"params\":{\"p\":\"\"}}", id);
  assert_true(base > 0 && (size_t)base <= len && len < sizeof frame - 8);
  size_t pad = len - (size_t)base;
  snprintf(frame, sizeof frame,
           "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\",\"params\":{\"p\":\"%.*s\"}}%s", id,
           (int)pad,
           "......................................................................................."
           "......................................................................................."
           "..................",
           tail);
  assert_int_equal(strlen(frame), len + strlen(tail));
  put(sv, frame);
}

static int error_code_of_line(served *sv, size_t i) {
  json_t *r = line(sv, i);
  int code = (int)json_integer_value(json_object_get(json_object_get(r, "error"), "code"));
  json_decref(r);
  return code;
}

/* A last line without newline obeys the same cap as any other line. */
static void last_line_at_the_frame_cap(void **state) {
  (void)state;
  enum { CAP = 100 };
  served sv;
  start(&sv, CAP, 0);
  put(&sv, INIT);
  put_ping_of(&sv, 1, CAP, "\n");     /* at the cap: served */
  put_ping_of(&sv, 2, CAP + 1, "\n"); /* one over: refused */
  put_ping_of(&sv, 3, CAP + 1, "");   /* one over, then EOF: refused too */
  assert_int_equal(finish(&sv), 0);
  assert_int_equal(read_lines(&sv, 4), 4);
  assert_int_equal(error_code_of_line(&sv, 1), 0);
  assert_int_equal(error_code_of_line(&sv, 2), MCP_INVALID_REQUEST);
  assert_int_equal(error_code_of_line(&sv, 3), MCP_INVALID_REQUEST); /* before the fix: served */
  cleanup(&sv);

  start(&sv, CAP, 0);
  put(&sv, INIT);
  put_ping_of(&sv, 4, CAP, "\r"); /* at the cap with a CR, then EOF: served */
  assert_int_equal(finish(&sv), 0);
  assert_int_equal(read_lines(&sv, 2), 2);
  json_t *r = line(&sv, 1);
  assert_int_equal(json_integer_value(json_object_get(r, "id")), 4);
  assert_non_null(json_object_get(r, "result"));
  json_decref(r);
  cleanup(&sv);
}

/* End of input, and a client that never reads its replies: the output it
 * leaves unread for the grace is dropped, and serving ends. */
static void eof_with_stdout_never_read(void **state) {
  (void)state;
  served sv;
  start(&sv, 0, 200);
  put(&sv, INIT);
  assert_int_equal(read_lines(&sv, 1), 1);
  put_big_calls(&sv, 4, 1 << 20);
  close(sv.to_server);
  assert_true(returns_within(&sv, 30000)); /* before the fix: never */
  assert_int_equal(sv.rc, 0);
  cleanup(&sv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(framing),
      cmocka_unit_test(oversized_frame_is_refused_and_skipped),
      cmocka_unit_test(pipelined_calls_all_answered_before_exit),
      cmocka_unit_test(end_of_input_cancels_after_the_grace),
      cmocka_unit_test(sigterm_with_stdout_unread),
      cmocka_unit_test(sigterm_during_the_eof_grace),
      cmocka_unit_test(nonblocking_stdout_loses_no_reply),
      cmocka_unit_test(last_line_at_the_frame_cap),
      cmocka_unit_test(eof_with_stdout_never_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
