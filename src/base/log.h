/* log.h - the process log: leveled lines to stderr and, optionally, a file.
 *
 * stdout belongs to the protocol, so nothing here ever writes there. Callers
 * must never pass a secret (client secret, token, Authorization header) as an
 * argument: the log cannot tell one apart from ordinary text. */
#ifndef BASE_LOG_H
#define BASE_LOG_H

#include <stdarg.h>

typedef enum { LOG_DEBUG = 0, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERROR, LOG_OFF } log_level;

/* Sets the lowest level written. Default LOG_INFO. */
void log_set_level(log_level level);
log_level log_get_level(void);

/* Parses "debug", "info", "notice", "warning"/"warn", "error", "off"
 * (case-insensitive). Returns 0 and stores the level in *out, or -1. */
int log_level_parse(const char *name, log_level *out);

/* Also appends every line to PATH (created 0600). Pass NULL to stop.
 * Returns 0, or -1 with errno set when the file cannot be opened. */
int log_set_file(const char *path);

/* Writes one line "2026-11-28T12:00:00.123Z LEVEL component: message".
 * Thread-safe; a line is never interleaved with another. */
void log_write(log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vwrite(log_level level, const char *component, const char *fmt, va_list ap);

#define log_debug(c, ...) log_write(LOG_DEBUG, c, __VA_ARGS__)
#define log_info(c, ...) log_write(LOG_INFO, c, __VA_ARGS__)
#define log_warn(c, ...) log_write(LOG_WARNING, c, __VA_ARGS__)
#define log_error(c, ...) log_write(LOG_ERROR, c, __VA_ARGS__)

#endif
