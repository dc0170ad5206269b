/* buf.c - the growable, capped byte buffer of buf.h, and its secret mode. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_FIRST_CAP 256

void buf_init(bytebuf *b, size_t max) {
  *b = (bytebuf){.max = max > BUF_NO_CAP ? BUF_NO_CAP : max};
}

void buf_init_secret(bytebuf *b, size_t max) {
  buf_init(b, max);
  b->secret = true;
}

void buf_wipe(void *p, size_t n) {
  if (!p || !n)
    return;
#if (defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))) ||        \
    defined(__OpenBSD__) || defined(__FreeBSD__) || defined(__NetBSD__)
  explicit_bzero(p, n);
#else
  volatile unsigned char *v = p;
  while (n--)
    *v++ = 0;
#endif
}

/* Empties B after its block was handed over or freed: keeps the cap and the mode. */
static void buf_forget(bytebuf *b) {
  bool secret = b->secret;
  buf_init(b, b->max);
  b->secret = secret;
}

/* A block of CAP bytes holding the LEN bytes of B (and room to spare): a secret buffer's
 * old block is wiped and freed rather than left to realloc. NULL when out of memory (B
 * unchanged). */
static char *buf_regrow(bytebuf *b, size_t cap) {
  if (!b->secret)
    return realloc(b->data, cap);
  char *grown = malloc(cap);
  if (grown && b->data) {
    memcpy(grown, b->data, b->len + 1);
    buf_wipe(b->data, b->cap);
    free(b->data);
  }
  return grown;
}

/* Makes room for N more bytes and the NUL. Returns BUF_OK or a failure (set). */
static buf_status buf_reserve(bytebuf *b, size_t n) {
  if (b->status != BUF_OK)
    return b->status;
  if (n > b->max - b->len)
    return b->status = BUF_FULL;
  size_t need = b->len + n + 1; /* no overflow: len + n <= max <= BUF_NO_CAP */
  if (need <= b->cap)
    return BUF_OK;
  size_t cap = b->cap ? b->cap : BUF_FIRST_CAP;
  while (cap < need)
    cap *= 2;
  char *grown = buf_regrow(b, cap);
  if (!grown)
    return b->status = BUF_NOMEM;
  b->data = grown;
  b->cap = cap;
  return BUF_OK;
}

buf_status buf_append(bytebuf *b, const void *data, size_t n) {
  buf_status st = buf_reserve(b, n);
  if (st != BUF_OK)
    return st;
  if (n)
    memcpy(b->data + b->len, data, n);
  b->len += n;
  b->data[b->len] = '\0';
  return BUF_OK;
}

buf_status buf_append_str(bytebuf *b, const char *s) {
  return buf_append(b, s, strlen(s));
}

buf_status buf_vappendf(bytebuf *b, const char *fmt, va_list ap) {
  if (b->status != BUF_OK)
    return b->status;
  va_list again;
  va_copy(again, ap);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  buf_status st = BUF_OK;
  if (n < 0)
    st = b->status = BUF_NOMEM; /* vsnprintf fails only on a bad conversion or memory */
  else if ((size_t)n < sizeof small)
    st = buf_append(b, small, (size_t)n);
  else if ((st = buf_reserve(b, (size_t)n)) == BUF_OK) {
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    b->len += (size_t)n;
  }
  va_end(again);
  if (b->secret)
    buf_wipe(small, sizeof small);
  return st;
}

buf_status buf_appendf(bytebuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_status st = buf_vappendf(b, fmt, ap);
  va_end(ap);
  return st;
}

void buf_truncate(bytebuf *b, size_t len) {
  if (len < b->len) {
    if (b->secret)
      buf_wipe(b->data + len, b->len - len);
    b->len = len;
    b->data[len] = '\0';
  }
}

void buf_clear(bytebuf *b) {
  if (b->secret)
    buf_wipe(b->data, b->len);
  b->len = 0;
  b->status = BUF_OK;
  if (b->data)
    b->data[0] = '\0';
}

char *buf_take(bytebuf *b, size_t *len) {
  char *out = b->status == BUF_OK ? b->data : NULL;
  size_t n = b->len;
  if (b->status == BUF_OK && !out)
    out = calloc(1, 1);
  if (out != b->data) {
    if (b->secret)
      buf_wipe(b->data, b->cap);
    free(b->data);
  }
  buf_forget(b);
  if (len)
    *len = out ? n : 0;
  return out;
}

void buf_free(bytebuf *b) {
  if (b->secret)
    buf_wipe(b->data, b->cap);
  free(b->data);
  buf_forget(b);
}
