/* test_stdio.c - the stdio transport over real pipes: framing (CRLF, empty
 * lines, a last line without newline), the frame cap (an oversized line is
 * refused and skipped), replies under a pipelined load, and a clean end on
 * end of input with every reply flushed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
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

/* Runs until cancelled (an hour at most). */
static json_t *tool_hang(mcp_call *call, json_t *args) {
  (void)args;
  for (int i = 0; i < 3600000 && !mcp_call_cancelled(call); i++) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  if (mcp_call_cancelled(call))
    atomic_fetch_add(&hang_cancelled, 1);
  return mcp_tool_text("stopped");
}

static const mcp_tool tools[] = {{.name = "echo", .fn = tool_echo},
                                 {.name = "hang", .fn = tool_hang}};

typedef struct served {
  mcp_server *srv;
  int to_server;   /* we write requests here */
  int from_server; /* we read replies here */
  pthread_t thread;
  stdio_options opt;
  int rc;
  char *buf; /* what we have read so far */
  size_t len, cap;
} served;

static void *serve_main(void *arg) {
  served *sv = arg;
  sv->rc = stdio_serve(sv->srv, &sv->opt);
  close(sv->opt.out_fd);
  return NULL;
}

static void start(served *sv, size_t max_frame, long eof_grace_ms) {
  memset(sv, 0, sizeof *sv);
  mcp_server_config cfg = {.name = "unit", .version = "1"};
  sv->srv = mcp_server_new(&cfg);
  assert_int_equal(mcp_server_add_tools(sv->srv, tools, 2), 0);
  int in[2], out[2];
  assert_int_equal(pipe(in), 0);
  assert_int_equal(pipe(out), 0);
  sv->opt = (stdio_options){.in_fd = in[0],
                            .out_fd = out[1],
                            .max_frame = max_frame,
                            .keep_signals = true,
                            .eof_grace_ms = eof_grace_ms};
  sv->to_server = in[1];
  sv->from_server = out[0];
  assert_int_equal(pthread_create(&sv->thread, NULL, serve_main, sv), 0);
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
  return sv->rc;
}

static void cleanup(served *sv) {
  close(sv->from_server);
  close(sv->opt.in_fd);
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

static void end_of_input_cancels_after_the_grace(void **state) {
  (void)state;
  served sv;
  start(&sv, 0, 50);
  atomic_store(&hang_cancelled, 0);
  put(&sv, INIT);
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
           "\"hang\"}}\n");
  put(&sv, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
           "\"echo\",\"arguments\":{\"text\":\"done\"}}}\n");
  assert_int_equal(finish(&sv), 0); /* returns although "hang" never ends by itself */
  assert_int_equal(atomic_load(&hang_cancelled), 1);
  assert_int_equal(read_lines(&sv, 3), 2); /* initialize and echo; no reply for "hang" */
  json_t *r = line(&sv, 1);
  assert_int_equal(json_integer_value(json_object_get(r, "id")), 2);
  json_decref(r);
  cleanup(&sv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(framing),
      cmocka_unit_test(oversized_frame_is_refused_and_skipped),
      cmocka_unit_test(pipelined_calls_all_answered_before_exit),
      cmocka_unit_test(end_of_input_cancels_after_the_grace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
