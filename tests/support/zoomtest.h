/* zoomtest.h - shared set-up for the Zoom client's unit tests: a config aimed at a fakezoom, and
 * a fake Zoom with a client on it. */
#ifndef TESTS_ZOOMTEST_H
#define TESTS_ZOOMTEST_H

#include "fakezoom.h"
#include "zoom/client.h"
#include "zoom/config.h"

/* A new config for FZ's default credentials: token URL and API base on FZ, the token
 * cache at CACHE_PATH, retries fast (5 ms steps, at most 2 s waits), 2 s request timeout. */
zoom_config *zoomtest_config(const fakezoom *fz, const char *cache_path);

/* Makes a fresh private temporary directory; writes its path into BUF. 0 or -1. */
int zoomtest_tmpdir(char *buf, size_t size);

/* Removes DIR and everything in it (one level of subdirectories deep is enough here). */
void zoomtest_rmtree(const char *dir);

/* A new string holding the whole file at PATH, or NULL. */
char *zoomtest_slurp(const char *path);

/* A fake Zoom, a private directory holding the token cache, the config zoomtest_config makes
 * for them, and a client on that config. All owned; zoomtest_env_stop releases them. */
typedef struct zoomtest_env {
  fakezoom *fz;
  char dir[64];
  char cache[128]; /* DIR/token.json */
  zoom_config *cfg;
  zoom_client *client;
  zoom_error err; /* what zoom_client_new said; tests reuse it */
} zoomtest_env;

/* Starts Z (zeroed first). Returns 0, or -1 (said on stderr) with what did start left for
 * zoomtest_env_stop. */
int zoomtest_env_start(zoomtest_env *z);

/* Frees the client and config, stops the fake, removes the directory. Z may be partly
 * started. */
void zoomtest_env_stop(zoomtest_env *z);

#endif
