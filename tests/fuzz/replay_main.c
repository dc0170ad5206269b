/* replay_main.c - runs a fuzz target on its committed corpus with no fuzzer:
 * every file of the directories (or the files) named on the command line, or
 * of tests/fuzz/corpus/NAME when the program is build/fuzz/replay_NAME and is
 * given nothing. Prints one TAP line per input, so scripts/test counts them. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT (4u << 20) /* corpus files are small; refuse anything huge */
#define REPLAY_MAX_FILES 10000

/* A growing list of paths (owned strings). */
typedef struct path_list {
  char **paths;
  size_t n, cap;
} path_list;

static int path_list_add(path_list *l, const char *dir, const char *name) {
  if (l->n >= REPLAY_MAX_FILES)
    return -1;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    char **p = realloc(l->paths, cap * sizeof *p);
    if (!p)
      return -1;
    l->paths = p;
    l->cap = cap;
  }
  size_t len = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
  char *path = malloc(len);
  if (!path)
    return -1;
  if (dir)
    snprintf(path, len, "%s/%s", dir, name);
  else
    snprintf(path, len, "%s", name);
  l->paths[l->n++] = path;
  return 0;
}

static int path_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds ARG: a regular file, or every regular file of a directory (sorted,
 * dot files skipped). Returns 0, or -1 when ARG cannot be read. */
static int path_list_collect(path_list *l, const char *arg) {
  struct stat st;
  if (stat(arg, &st) != 0)
    return -1;
  if (!S_ISDIR(st.st_mode))
    return path_list_add(l, NULL, arg);
  DIR *d = opendir(arg);
  if (!d)
    return -1;
  size_t first = l->n;
  int result = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char full[4096];
    snprintf(full, sizeof full, "%s/%s", arg, e->d_name);
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (path_list_add(l, arg, e->d_name) != 0) {
      result = -1;
      break;
    }
  }
  closedir(d);
  qsort(l->paths + first, l->n - first, sizeof *l->paths, path_cmp);
  return result;
}

/* Reads PATH into a new buffer (the caller frees it) and its size into *SIZE.
 * NULL when it cannot be read or is larger than REPLAY_MAX_INPUT. */
static uint8_t *file_read_all(const char *path, size_t *size) {
  uint8_t *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  buf = malloc(REPLAY_MAX_INPUT + 1);
  if (!buf)
    goto cleanup;
  *size = fread(buf, 1, REPLAY_MAX_INPUT + 1, f);
  if (ferror(f) || *size > REPLAY_MAX_INPUT) {
    free(buf);
    buf = NULL;
  }
cleanup:
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  path_list list = {0};
  int failed = 0;
  if (argc > 1) {
    for (int i = 1; i < argc; i++)
      if (path_list_collect(&list, argv[i]) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", argv[i]);
        failed = 1;
      }
  } else {
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (strncmp(base, "replay_", 7) != 0) {
      fprintf(stderr, "usage: replay_NAME [CORPUS_DIR|FILE]...\n");
      return 2;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", base + 7);
    if (path_list_collect(&list, dir) != 0) {
      fprintf(stderr, "replay: cannot read %s (run from the repository root)\n", dir);
      failed = 1;
    }
  }
  printf("1..%zu\n", list.n);
  fflush(stdout);
  for (size_t i = 0; i < list.n; i++) {
    size_t size = 0;
    uint8_t *data = file_read_all(list.paths[i], &size);
    if (!data) {
      printf("not ok %zu - %s (cannot read)\n", i + 1, list.paths[i]);
      failed = 1;
    } else {
      /* A finding aborts inside the call; reaching the next line is the pass. */
      LLVMFuzzerTestOneInput(data, size);
      printf("ok %zu - %s\n", i + 1, list.paths[i]);
    }
    fflush(stdout);
    free(data);
    free(list.paths[i]);
  }
  free(list.paths);
  return failed || list.n == 0;
}
