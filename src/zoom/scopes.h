/* scopes.h - which OAuth scopes each Zoom operation used by this server needs (from Zoom's spec).
 */
#ifndef ZOOM_SCOPES_H
#define ZOOM_SCOPES_H

/* The scopes a Server-to-Server app needs for one operation. */
typedef struct zoom_scope_need {
  const char *method;   /* "GET", "POST", ... */
  const char *pattern;  /* path under /v2, "{x}" matches one segment */
  const char *classic;  /* classic admin scope, e.g. "webinar:read:admin" */
  const char *granular; /* granular admin scope, or NULL when the spec names none */
} zoom_scope_need;

/* The entry for METHOD and PATH (a concrete path such as "/webinars/123/polls", with or
 * without a "/v2" prefix or a query), or NULL when the operation is not in the table.
 * The result is static. */
const zoom_scope_need *zoom_scopes_for(const char *method, const char *path);

#endif
