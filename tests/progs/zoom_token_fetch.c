/* zoom_token_fetch.c - test helper: gets a token through the Zoom client and uses it once.
 *
 * Usage: zoom_token_fetch BASE_URL CACHE_FILE
 * Credentials are the fake's defaults. Prints "ok from_cache=0|1" (never the token) and
 * exits 0, or prints the error and exits 1. Started many times at once by test_zoom_auth
 * to show that concurrent processes share one token request. */
#include <stdio.h>
#include <stdlib.h>

#include "zoom/client.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: zoom_token_fetch BASE_URL CACHE_FILE\n");
    return 2;
  }
  int status = 1;
  zoom_error err = {0};
  zoom_client *client = NULL;
  json_t *reply = NULL;
  char token_url[512], api_url[512];
  snprintf(token_url, sizeof token_url, "%s/oauth/token", argv[1]);
  snprintf(api_url, sizeof api_url, "%s/v2", argv[1]);
  zoom_config *cfg = zoom_config_new();
  if (!cfg || zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", "acct-1", &err) ||
      zoom_config_set(cfg, "ZOOM_CLIENT_ID", "client-1", &err) ||
      zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", "fz-secret-1", &err) ||
      zoom_config_set(cfg, "ZOOM_OAUTH_TOKEN_URL", token_url, &err) ||
      zoom_config_set(cfg, "ZOOM_API_BASE_URL", api_url, &err) ||
      zoom_config_set(cfg, "ZOOM_TOKEN_CACHE", argv[2], &err) ||
      zoom_client_new(&client, cfg, &err) || zoom_client_ensure_token(client, NULL, &err) ||
      zoom_request(client, "GET", "/users/me", NULL, NULL, NULL, &reply, &err)) {
    fprintf(stderr, "zoom_token_fetch: %s\n", err.message);
    goto cleanup;
  }
  zoom_token_status st;
  zoom_client_token_status(client, &st);
  printf("ok from_cache=%d\n", st.from_cache ? 1 : 0);
  status = 0;
cleanup:
  json_decref(reply);
  zoom_error_clear(&err);
  zoom_client_free(client);
  zoom_config_free(cfg);
  return status;
}
