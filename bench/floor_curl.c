/* floor_curl.c - the start-up floor of build/zoom-webinar-mcp: a program that does no work but is
 * linked like it (libcurl, libmicrohttpd, jansson) and answers one initialize, so mcp_stdio_bench
 * can time what loading those libraries alone costs.
 *
 *   floor_curl              load the libraries only
 *   floor_curl --curl-init  also run curl_global_init (TLS library set-up)
 *
 * It reads one line from stdin, answers it with a canned InitializeResult
 * carrying the request's id, then reads until end of file and exits 0. */
#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOOR_LINE_MAX (1u << 20)

/* Answers the initialize request in LINE on stdout. Returns 0, or -1. */
static int floor_answer(const char *line, size_t len) {
  json_error_t err;
  json_t *req = json_loadb(line, len, 0, &err);
  json_t *id = req ? json_object_get(req, "id") : NULL;
  json_t *reply = NULL;
  char *text = NULL;
  int rc = -1;
  if (!id)
    goto cleanup;
  reply = json_pack("{s:s, s:O, s:{s:s, s:{}, s:{s:s, s:s}}}", "jsonrpc", "2.0", "id", id, "result",
                    "protocolVersion", "2025-11-25", "capabilities", "serverInfo", "name",
                    "floor_curl", "version", "1.0");
  text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
  if (!text)
    goto cleanup;
  if (printf("%s\n", text) < 0 || fflush(stdout) != 0)
    goto cleanup;
  rc = 0;
cleanup:
  free(text);
  json_decref(reply);
  json_decref(req);
  return rc;
}

int main(int argc, char **argv) {
  static char line[FLOOR_LINE_MAX];
  bool init = argc > 1 && strcmp(argv[1], "--curl-init") == 0;
  int rc = 1;
  /* Touch each library so none is dropped by --as-needed or left unloaded. */
  if (!MHD_get_version() || !curl_easy_strerror(CURLE_OK))
    return 1;
  if (init && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 1;
  if (!fgets(line, sizeof line, stdin))
    goto cleanup;
  if (floor_answer(line, strcspn(line, "\n")) != 0)
    goto cleanup;
  while (getchar() != EOF)
    ;
  rc = 0;
cleanup:
  if (init)
    curl_global_cleanup();
  return rc;
}
