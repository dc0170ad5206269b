/* cursor.c - opaque, self-checking pagination cursors (see cursor.h). */
#include "mcp/cursor.h"

#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

uint32_t cursor_hash(uint32_t h, const char *s) {
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 16777619u;
  }
  return h;
}

/* The check word: a keyed mix of the offset and the list's salt. */
static uint32_t cursor_check(uint32_t offset, uint32_t salt) {
  uint32_t h = salt ^ 0x9e3779b9u;
  for (int i = 0; i < 4; i++) {
    h ^= (offset >> (8 * i)) & 0xffu;
    h *= 16777619u;
  }
  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  return h;
}

void cursor_encode(size_t offset, uint32_t salt, char out[CURSOR_MAX]) {
  uint32_t off = (uint32_t)offset;
  uint32_t chk = cursor_check(off, salt);
  unsigned char raw[9] = {'c',
                          (unsigned char)(off >> 24),
                          (unsigned char)(off >> 16),
                          (unsigned char)(off >> 8),
                          (unsigned char)off,
                          (unsigned char)(chk >> 24),
                          (unsigned char)(chk >> 16),
                          (unsigned char)(chk >> 8),
                          (unsigned char)chk};
  size_t o = 0;
  for (size_t i = 0; i < sizeof raw; i += 3) {
    uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    out[o++] = alphabet[v & 63];
  }
  out[o] = '\0';
}

int cursor_decode(const char *text, uint32_t salt, size_t limit, size_t *offset) {
  if (!text || strlen(text) != 12)
    return -1;
  unsigned char raw[9];
  for (size_t i = 0, o = 0; i < 12; i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
      const char *pos = strchr(alphabet, text[i + k]);
      if (!pos || text[i + k] == '\0')
        return -1;
      v = v << 6 | (uint32_t)(pos - alphabet);
    }
    raw[o++] = (unsigned char)(v >> 16);
    raw[o++] = (unsigned char)(v >> 8);
    raw[o++] = (unsigned char)v;
  }
  if (raw[0] != 'c')
    return -1;
  uint32_t off = (uint32_t)raw[1] << 24 | (uint32_t)raw[2] << 16 | (uint32_t)raw[3] << 8 | raw[4];
  uint32_t chk = (uint32_t)raw[5] << 24 | (uint32_t)raw[6] << 16 | (uint32_t)raw[7] << 8 | raw[8];
  if (chk != cursor_check(off, salt) || off > limit)
    return -1;
  *offset = off;
  return 0;
}
