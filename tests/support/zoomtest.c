/* zoomtest.c - shared set-up for the Zoom client's unit tests: config, fake Zoom, client. */
#include "zoomtest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

zoom_config *zoomtest_config(const fakezoom *fz, const char *cache_path) {
  zoom_config *cfg = zoom_config_new();
  char url[256];
  zoom_error err = {0};
  int bad = !cfg;
  bad = bad || zoom_config_set(cfg, "ZOOM_ACCOUNT_ID", "acct-1", &err);
  bad = bad || zoom_config_set(cfg, "ZOOM_CLIENT_ID", "client-1", &err);
  bad = bad || zoom_config_set(cfg, "ZOOM_CLIENT_SECRET", "fz-secret-1", &err);
  snprintf(url, sizeof url, "%s/oauth/token", fakezoom_url(fz));
  bad = bad || zoom_config_set(cfg, "ZOOM_OAUTH_TOKEN_URL", url, &err);
  snprintf(url, sizeof url, "%s/v2", fakezoom_url(fz));
  bad = bad || zoom_config_set(cfg, "ZOOM_API_BASE_URL", url, &err);
  bad = bad || zoom_config_set(cfg, "ZOOM_TOKEN_CACHE", cache_path, &err);
  bad = bad || zoom_config_set(cfg, "ZOOM_RETRY_BASE_MS", "5", &err);
  bad = bad || zoom_config_set(cfg, "ZOOM_RETRY_MAX_WAIT_S", "2", &err);
  bad = bad || zoom_config_set(cfg, "ZOOM_REQUEST_TIMEOUT_MS", "2000", &err);
  if (bad) {
    fprintf(stderr, "zoomtest_config: %s\n", err.message);
    zoom_config_free(cfg);
    return NULL;
  }
  return cfg;
}

int zoomtest_tmpdir(char *buf, size_t size) {
  snprintf(buf, size, "/tmp/zwm-zoomtest-XXXXXX");
  return mkdtemp(buf) ? 0 : -1;
}

void zoomtest_rmtree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  char path[1024];
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
      zoomtest_rmtree(path);
    else
      unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

char *zoomtest_slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len < 2) {
      char *grown = realloc(buf, cap * 2);
      if (!grown) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf)
    buf[len] = '\0';
  return buf;
}

int zoomtest_env_start(zoomtest_env *z) {
  *z = (zoomtest_env){0};
  if (!(z->fz = fakezoom_start()) || zoomtest_tmpdir(z->dir, sizeof z->dir) != 0) {
    z->dir[0] = '\0';
    fprintf(stderr, "zoomtest_env_start: no fake Zoom or no temporary directory\n");
    return -1;
  }
  snprintf(z->cache, sizeof z->cache, "%s/token.json", z->dir);
  if (!(z->cfg = zoomtest_config(z->fz, z->cache)))
    return -1;
  if (zoom_client_new(&z->client, z->cfg, &z->err) != 0) {
    fprintf(stderr, "zoomtest_env_start: %s\n", z->err.message);
    return -1;
  }
  return 0;
}

void zoomtest_env_stop(zoomtest_env *z) {
  zoom_client_free(z->client);
  zoom_config_free(z->cfg);
  zoom_error_clear(&z->err);
  fakezoom_stop(z->fz);
  if (z->dir[0])
    zoomtest_rmtree(z->dir);
  *z = (zoomtest_env){0};
}
