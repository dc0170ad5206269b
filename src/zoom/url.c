/* url.c - percent-encoding of path segments, query values and past-webinar UUIDs. */
#include "zoom/url.h"

#include "base/pct.h"

#include <stdlib.h>
#include <string.h>

char *zoom_url_encode(const char *s) {
  if (!s || strlen(s) > 4096)
    return NULL;
  return pct_encode(s);
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
