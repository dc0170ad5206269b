/* fuzz_sim_http.c - fuzz target for the sandbox's HTTP surface: the bytes go
 * as one raw request (or several, pipelined) to an in-process sandbox over a
 * loopback socket. The sandbox must answer with HTTP or close, never crash;
 * a reply that starts must start with an HTTP status line.
 *
 * Every "@TOKEN@" in the input becomes a valid bearer token fetched when the
 * target starts, so /v2 requests get past authentication. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "base/log.h"
#include "fuzz.h"
#include "fuzz_net.h"
#include "sim/sim.h"

#define SIM_MAX_INPUT 16384
#define SIM_MAX_REPLY (1u << 20)
#define SIM_TIMEOUT_S 3
#define SIM_TOKEN_MARK "@TOKEN@"

static sim *fuzz_sim;
static char fuzz_token[512];

/* Sends REQ[0..LEN) to the sandbox and reads its reply into OUT (fuzz_exchange). */
static long sim_exchange(const char *req, size_t len, char *out, size_t outmax) {
  return fuzz_exchange(sim_port(fuzz_sim), req, len, out, outmax, SIM_TIMEOUT_S, NULL);
}

static void sim_fuzz_init(void) {
  log_set_level(getenv("FUZZ_LOG") ? LOG_DEBUG : LOG_OFF);
  sim_options opt;
  sim_options_init(&opt);
  opt.seed_webinars = 2;
  opt.scale = 3;
  opt.request_log_max = 64;
  FUZZ_CHECK(sim_start(&fuzz_sim, &opt) == 0, "sim_start");
  static const char token_req[] =
      "POST /oauth/token?grant_type=account_credentials&account_id=sandbox HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nAuthorization: Basic c2FuZGJveDpzYW5kYm94\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n";
  char reply[8192];
  FUZZ_CHECK(sim_exchange(token_req, sizeof token_req - 1, reply, sizeof reply) > 0, "token");
  const char *body = strstr(reply, "\r\n\r\n");
  json_t *doc = body ? json_loads(body + 4, 0, NULL) : NULL;
  const char *token = json_string_value(json_object_get(doc, "access_token"));
  FUZZ_CHECK(token && strlen(token) < sizeof fuzz_token, "no access token");
  snprintf(fuzz_token, sizeof fuzz_token, "%s", token);
  json_decref(doc);
}

__attribute__((destructor)) static void sim_fuzz_fini(void) {
  sim_stop(fuzz_sim);
}

/* Returns a new buffer: DATA with every SIM_TOKEN_MARK replaced by the token;
 * its length in *LEN. */
static char *sim_with_token(const uint8_t *data, size_t size, size_t *len) {
  size_t mark = strlen(SIM_TOKEN_MARK), tok = strlen(fuzz_token);
  char *out = malloc(size / mark * tok + size + 1);
  FUZZ_CHECK(out != NULL, "out of memory");
  size_t o = 0;
  for (size_t i = 0; i < size;) {
    if (size - i >= mark && memcmp(data + i, SIM_TOKEN_MARK, mark) == 0) {
      for (size_t k = 0; k < tok; k++)
        out[o++] = fuzz_token[k];
      i += mark;
    } else {
      out[o++] = (char)data[i++];
    }
  }
  *len = o;
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sim_fuzz_init);
  if (size > SIM_MAX_INPUT)
    return 0;
  /* The admin endpoints that slow or break later requests on purpose (latency
   * faults, dropped connections, a clock moved past every token) would make
   * runs slow and inputs depend on each other: leave them out. */
  static const char *const skipped[] = {"_sim/faults", "_sim/clock", "_sim/expire_tokens"};
  for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
    if (memmem(data, size, skipped[i], strlen(skipped[i])))
      return 0;
  size_t len;
  char *req = sim_with_token(data, size, &len);
  static char reply[SIM_MAX_REPLY];
  long got = sim_exchange(req, len, reply, sizeof reply);
  FUZZ_CHECK(got >= 0, "the sandbox stopped accepting connections");
  if (got > 0)
    FUZZ_CHECK(strncmp(reply, "HTTP/1.", 7) == 0, "a reply that is not HTTP");
  if (getenv("FUZZ_ECHO")) /* to see what a corpus input gets back */
    fprintf(stderr, "< %.*s\n", (int)strcspn(reply, "\r\n"), reply);
  /* The sandbox still serves a plain request afterwards. */
  static const char probe[] = "GET /_sim/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  got = sim_exchange(probe, sizeof probe - 1, reply, sizeof reply);
  FUZZ_CHECK(got > 0 && strncmp(reply, "HTTP/1.1 200", 12) == 0, "the sandbox stopped serving");
  free(req);
  return 0;
}
