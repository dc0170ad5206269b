/* file.c - atomic file replacement: temporary file, fsync, rename, fsync of the directory. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static void fsync_parent(const char *path) {
  char *copy = strdup(path);
  if (!copy)
    return;
  int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  free(copy);
}

int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode) {
  static atomic_uint counter;
  int result = -1, fd = -1, saved = 0;
  size_t tlen = strlen(path) + 48;
  char *tmp = malloc(tlen);
  if (!tmp)
    return -1;
  snprintf(tmp, tlen, "%s.tmp.%ld.%u", path, (long)getpid(), atomic_fetch_add(&counter, 1) + 1);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    goto cleanup;
  /* open() applies the umask; the caller's mode is the contract. */
  if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0)
    goto cleanup;
  int rc = close(fd);
  fd = -1;
  if (rc != 0 || rename(tmp, path) != 0)
    goto cleanup;
  fsync_parent(path);
  result = 0;
cleanup:
  saved = errno;
  if (fd >= 0)
    close(fd);
  if (result != 0)
    unlink(tmp);
  free(tmp);
  errno = saved;
  return result;
}
