/* scopes.h - the OAuth scopes and the rate-limit category of each Zoom operation this server
 * uses (from Zoom's spec). */
#ifndef ZOOM_SCOPES_H
#define ZOOM_SCOPES_H

/* Zoom's rate-limit categories (the spec's "Rate Limit Label"). Limits are per account and
 * per category; NONE is for requests outside the API (the token request), never paced. */
typedef enum {
  ZOOM_RATE_NONE = 0,
  ZOOM_RATE_LIGHT,
  ZOOM_RATE_MEDIUM,
  ZOOM_RATE_HEAVY,
  ZOOM_RATE_RESOURCE, /* Resource-intensive */
  ZOOM_RATE_COUNT
} zoom_rate_category;

/* The category assumed for an operation missing from the table. */
#define ZOOM_RATE_DEFAULT ZOOM_RATE_MEDIUM

/* The scopes a Server-to-Server app needs for one operation, and its rate-limit category. */
typedef struct zoom_scope_need {
  const char *method;   /* "GET", "POST", ... */
  const char *pattern;  /* path under /v2, "{x}" matches one segment */
  const char *classic;  /* classic admin scope, e.g. "webinar:read:admin" */
  const char *granular; /* granular admin scope, or NULL when the spec names none */
  zoom_rate_category category;
} zoom_scope_need;

/* The entry for METHOD and PATH (a concrete path such as "/webinars/123/polls", with or
 * without a "/v2" prefix or a query), or NULL when the operation is not in the table.
 * The result is static. */
const zoom_scope_need *zoom_scopes_for(const char *method, const char *path);

/* The rate-limit category of METHOD and PATH (as for zoom_scopes_for); ZOOM_RATE_DEFAULT
 * for an operation not in the table. */
zoom_rate_category zoom_rate_category_for(const char *method, const char *path);

/* "Light", "Medium", "Heavy", "Resource-intensive" ("none" for NONE); static. */
const char *zoom_rate_category_name(zoom_rate_category category);

/* The category named NAME as Zoom spells it in X-RateLimit-Category (any case), or
 * ZOOM_RATE_NONE. */
zoom_rate_category zoom_rate_category_parse(const char *name);

#endif
