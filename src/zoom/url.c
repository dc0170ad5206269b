/* url.c - percent-encoding of path segments, query values and past-webinar UUIDs. */
#include "zoom/url.h"

#include <stdlib.h>
#include <string.h>

static int is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

char *zoom_url_encode(const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  if (!s)
    return NULL;
  size_t len = strlen(s);
  if (len > 4096)
    return NULL;
  char *out = malloc(len * 3 + 1);
  if (!out)
    return NULL;
  char *w = out;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (is_unreserved(*p)) {
      *w++ = (char)*p;
    } else {
      *w++ = '%';
      *w++ = hex[*p >> 4];
      *w++ = hex[*p & 15];
    }
  }
  *w = '\0';
  return out;
}

char *zoom_webinar_id_encode(const char *id) {
  if (!id || !*id || strlen(id) > 256)
    return NULL;
  char *once = zoom_url_encode(id);
  if (!once || !(id[0] == '/' || strstr(id, "//")))
    return once;
  char *twice = zoom_url_encode(once);
  free(once);
  return twice;
}
