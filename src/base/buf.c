/* buf.c - the growable, capped byte buffer of buf.h. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_FIRST_CAP 256

void buf_init(bytebuf *b, size_t max) {
  *b = (bytebuf){.max = max > BUF_NO_CAP ? BUF_NO_CAP : max};
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
  char *grown = realloc(b->data, cap);
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
    b->len = len;
    b->data[len] = '\0';
  }
}

void buf_clear(bytebuf *b) {
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
  if (out != b->data)
    free(b->data);
  buf_init(b, b->max);
  if (len)
    *len = out ? n : 0;
  return out;
}

void buf_free(bytebuf *b) {
  free(b->data);
  buf_init(b, b->max);
}
