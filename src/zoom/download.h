/* download.h - zoom_download: a file Zoom serves outside the REST API (a cloud recording's
 * download_url), fetched with the account's token, redirects followed, size-capped. */
#ifndef ZOOM_DOWNLOAD_H
#define ZOOM_DOWNLOAD_H

#include <stddef.h>

#include "zoom/cancel.h"
#include "zoom/client.h"
#include "zoom/error.h"

/* Redirects followed at most. */
#define ZOOM_DOWNLOAD_MAX_HOPS 5

/* GETs URL with the access token and stores the body in *OUT (new, NUL-terminated; free it)
 * and its length in *OUT_LEN. Returns 0, or -1 with ERR set (ERR may be NULL).
 *
 * - URL and every redirect target are judged by libcurl's URL parser, never by their text:
 *   https, or http to a loopback host, with no user name or password (zoom_url_allowed; a
 *   query is allowed, since storage URLs are signed in theirs).
 * - The token goes only to URL itself, and only when URL is on a Zoom host (zoom.us,
 *   zoomgov.com or a subdomain, over https) or on the API base in use (same scheme, host and
 *   port); anything else is refused before a byte is sent. It is sent as an Authorization
 *   header, never in a URL, and never to a redirect target on another scheme, host or port
 *   (Zoom redirects to a storage host whose URL carries its own signature).
 * - Redirects are followed by hand, at most ZOOM_DOWNLOAD_MAX_HOPS.
 * - A body larger than MAX_BYTES fails with ZOOM_ERR_BAD_REPLY as soon as it is known.
 * - A 401 from URL gets a new token and one more try.
 * - CANCEL (may be NULL) is polled during the transfer.
 * Errors name the host and path, never a query (a signed URL's query is a credential). */
int zoom_download(zoom_client *c, const char *url, size_t max_bytes, const zoom_cancel *cancel,
                  char **out, size_t *out_len, zoom_error *err);

#endif
