/* zoomtest.h - shared set-up for the Zoom client's unit tests: a config aimed at a fakezoom. */
#ifndef TESTS_ZOOMTEST_H
#define TESTS_ZOOMTEST_H

#include "fakezoom.h"
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

#endif
