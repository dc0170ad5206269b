/* buf.h - bytebuf, a growable byte buffer with a hard cap: appends double the allocation, the bytes
 * stay NUL-terminated, and an append past the cap fails, changing nothing, with its own status; a
 * secret buffer leaves no copy of its bytes in memory it gives back. */
#ifndef BASE_BUF_H
#define BASE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* What an append did. A failure sticks: later appends do nothing and return it
 * until buf_clear, so a builder may check once at the end. */
typedef enum {
  BUF_OK = 0,
  BUF_NOMEM = -1, /* the allocation could not grow */
  BUF_FULL = -2   /* the bytes would pass the cap (nothing of them was appended) */
} buf_status;

typedef struct bytebuf {
  char *data;        /* owned; NULL until the first append, then LEN bytes and a NUL */
  size_t len;        /* bytes appended; never more than MAX */
  size_t cap;        /* bytes allocated */
  size_t max;        /* the cap on LEN */
  buf_status status; /* BUF_OK, or the first failure */
  bool secret;       /* buf_init_secret: no copy of the bytes is left in memory given back */
} bytebuf;

/* The cap of a buffer that only memory limits. */
#define BUF_NO_CAP ((size_t)-1 / 4)

/* An empty buffer holding at most MAX bytes (BUF_NO_CAP: no cap of its own).
 * Allocates nothing. */
void buf_init(bytebuf *b, size_t max);

/* An empty buffer for secret bytes (a token reply, an Authorization header), holding at most
 * MAX bytes. Growing allocates a new block, copies, and wipes the old block before freeing
 * it (realloc would leave the old bytes behind); buf_truncate and buf_clear wipe the bytes
 * they drop, buf_free wipes the whole block, and buf_vappendf wipes its scratch. The string
 * buf_take hands over is the caller's to wipe (buf_wipe) before freeing. */
void buf_init_secret(bytebuf *b, size_t max);

/* Zeroes N bytes at P in a way the compiler may not drop as a dead store (explicit_bzero,
 * or a volatile loop where there is none). P may be NULL when N is 0. */
void buf_wipe(void *p, size_t n);

/* Appends N bytes at DATA (may be NULL when N is 0). Returns BUF_OK, or the
 * failure (now or an earlier one). */
buf_status buf_append(bytebuf *b, const void *data, size_t n);

/* Appends the string S. */
buf_status buf_append_str(bytebuf *b, const char *s);

/* Appends printf-style text (without its NUL). */
buf_status buf_appendf(bytebuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
buf_status buf_vappendf(bytebuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Keeps the first LEN bytes of B (nothing changes when it holds no more). */
void buf_truncate(bytebuf *b, size_t len);

/* Empties B and forgets a failure; keeps the allocation and the cap. */
void buf_clear(bytebuf *b);

/* Hands the bytes over: a NUL-terminated string the caller frees ("" when
 * nothing was appended), its length in *LEN (may be NULL). NULL after a
 * failure or when out of memory. B is left empty, with its cap (and, when
 * secret, still secret). */
char *buf_take(bytebuf *b, size_t *len);

/* Frees the bytes (wiped first when secret); B is left empty, with its cap. */
void buf_free(bytebuf *b);

#endif
