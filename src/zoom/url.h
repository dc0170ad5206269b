/* url.h - percent-encoding for Zoom paths and queries, including past-webinar UUIDs. */
#ifndef ZOOM_URL_H
#define ZOOM_URL_H

#include <stddef.h>

/* A new string: S with every byte outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~)
 * written as %XX. NULL when S is NULL, longer than 4096 bytes, or on OOM. */
char *zoom_url_encode(const char *s);

/* A new string: a webinar id or past-webinar UUID ready to be one path segment.
 * Zoom requires a UUID that starts with "/" or contains "//" to be encoded twice;
 * anything else is encoded once. NULL when ID is NULL, empty, longer than 256 bytes,
 * or on OOM. */
char *zoom_webinar_id_encode(const char *id);

#endif
