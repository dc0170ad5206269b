/* pct.h - percent-encoding (RFC 3986): decoding of paths, queries and URI
 * template variables; encoding of path segments and query values. */
#ifndef BASE_PCT_H
#define BASE_PCT_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes SRC[0..LEN) into a new NUL-terminated string (the caller frees it).
 * With FORM, '+' becomes a space (application/x-www-form-urlencoded).
 * Returns NULL for a malformed escape, an escaped NUL (%00), or out of memory. */
char *pct_decode(const char *src, size_t len, bool form);

/* Encodes S into a new string, escaping every byte outside RFC 3986's
 * unreserved set (A-Z a-z 0-9 - . _ ~), so the result is safe as one path
 * segment or one query value. NULL on out of memory. */
char *pct_encode(const char *s);

#endif
