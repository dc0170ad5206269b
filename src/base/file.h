/* file.h - files that are never seen half-written. */
#ifndef BASE_FILE_H
#define BASE_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Replaces PATH with DATA[0..LEN) atomically: writes a new temporary file
 * (mode MODE, O_EXCL, not following links) in PATH's directory, fsyncs it,
 * renames it over PATH, then fsyncs the directory. A reader sees the old
 * content or the new, never a mix; on failure PATH is untouched and the
 * temporary file is removed. Returns 0, or -1 with errno set. */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

#endif
