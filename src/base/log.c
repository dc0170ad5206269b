/* log.c - leveled, thread-safe log lines to stderr and an optional file. */
#include "base/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static log_level log_min = LOG_INFO;
static FILE *log_file;

static const char *const level_names[] = {"DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"};

void log_set_level(log_level level) {
  pthread_mutex_lock(&log_lock);
  log_min = level;
  pthread_mutex_unlock(&log_lock);
}

log_level log_get_level(void) {
  pthread_mutex_lock(&log_lock);
  log_level level = log_min;
  pthread_mutex_unlock(&log_lock);
  return level;
}

int log_level_parse(const char *name, log_level *out) {
  static const struct {
    const char *name;
    log_level level;
  } names[] = {{"debug", LOG_DEBUG},     {"info", LOG_INFO},    {"notice", LOG_NOTICE},
               {"warning", LOG_WARNING}, {"warn", LOG_WARNING}, {"error", LOG_ERROR},
               {"off", LOG_OFF}};
  if (!name)
    return -1;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(name, names[i].name) == 0) {
      *out = names[i].level;
      return 0;
    }
  }
  return -1;
}

int log_set_file(const char *path) {
  FILE *f = NULL;
  if (path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
      return -1;
    f = fdopen(fd, "a");
    if (!f) {
      close(fd);
      return -1;
    }
    setvbuf(f, NULL, _IOLBF, 0);
  }
  pthread_mutex_lock(&log_lock);
  FILE *old = log_file;
  log_file = f;
  pthread_mutex_unlock(&log_lock);
  if (old)
    fclose(old);
  return 0;
}

void log_vwrite(log_level level, const char *component, const char *fmt, va_list ap) {
  if (level >= LOG_OFF || level < log_get_level())
    return;
  char msg[2048];
  vsnprintf(msg, sizeof msg, fmt, ap);

  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

  char line[2200];
  int n = snprintf(line, sizeof line, "%s.%03ldZ %s %s: %s\n", stamp, ts.tv_nsec / 1000000L,
                   level_names[level], component ? component : "-", msg);
  if (n < 0)
    return;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  if (line[len - 1] != '\n')
    line[len - 1] = '\n';

  pthread_mutex_lock(&log_lock);
  fwrite(line, 1, len, stderr);
  fflush(stderr);
  if (log_file)
    fwrite(line, 1, len, log_file);
  pthread_mutex_unlock(&log_lock);
}

void log_write(log_level level, const char *component, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  log_vwrite(level, component, fmt, ap);
  va_end(ap);
}
