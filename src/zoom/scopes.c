/* scopes.c - the scope and rate-limit table of the operations this server calls, and a path
 * matcher. */
#include "zoom/scopes.h"

#include <string.h>
#include <strings.h>

/* From the "security" and "x-granular-scopes" lists of ZoomMeetingAPISpec.json (admin
 * variants, which Server-to-Server apps use) and the "Rate Limit Label" of each operation's
 * description. Literal segments come before
 * "{x}" ones that would also match, because the first match wins. */
static const zoom_scope_need scope_table[] = {
    {"GET", "/users", "user:read:admin", NULL, ZOOM_RATE_MEDIUM},
    {"GET", "/users/{userId}", "user:read:admin", NULL, ZOOM_RATE_LIGHT},
    {"POST", "/users/{userId}/webinars", "webinar:write:admin", "webinar:write:webinar:admin",
     ZOOM_RATE_LIGHT},
    {"GET", "/users/{userId}/webinars", "webinar:read:admin", "webinar:read:list_webinars:admin",
     ZOOM_RATE_MEDIUM},
    {"GET", "/webinars/{webinarId}", "webinar:read:admin", "webinar:read:webinar:admin",
     ZOOM_RATE_LIGHT},
    {"PATCH", "/webinars/{webinarId}", "webinar:write:admin", "webinar:update:webinar:admin",
     ZOOM_RATE_LIGHT},
    {"DELETE", "/webinars/{webinarId}", "webinar:write:admin", "webinar:delete:webinar:admin",
     ZOOM_RATE_LIGHT},
    {"PUT", "/webinars/{webinarId}/status", "webinar:write:admin", "webinar:update:status:admin",
     ZOOM_RATE_LIGHT},
    {"GET", "/webinars/{webinarId}/panelists", "webinar:read:admin",
     "webinar:read:list_panelists:admin", ZOOM_RATE_MEDIUM},
    {"POST", "/webinars/{webinarId}/panelists", "webinar:write:admin",
     "webinar:write:panelist:admin", ZOOM_RATE_MEDIUM},
    {"DELETE", "/webinars/{webinarId}/panelists", "webinar:write:admin",
     "webinar:delete:panelist:admin", ZOOM_RATE_LIGHT},
    {"DELETE", "/webinars/{webinarId}/panelists/{panelistId}", "webinar:write:admin",
     "webinar:delete:panelist:admin", ZOOM_RATE_LIGHT},
    {"GET", "/webinars/{webinarId}/polls", "webinar:read:admin", "webinar:read:list_polls:admin",
     ZOOM_RATE_LIGHT},
    {"POST", "/webinars/{webinarId}/polls", "webinar:write:admin", "webinar:write:poll:admin",
     ZOOM_RATE_LIGHT},
    {"GET", "/webinars/{webinarId}/polls/{pollId}", "webinar:read:admin", "webinar:read:poll:admin",
     ZOOM_RATE_LIGHT},
    {"PUT", "/webinars/{webinarId}/polls/{pollId}", "webinar:write:admin",
     "webinar:update:poll:admin", ZOOM_RATE_LIGHT},
    {"DELETE", "/webinars/{webinarId}/polls/{pollId}", "webinar:write:admin",
     "webinar:delete:poll:admin", ZOOM_RATE_LIGHT},
    {"POST", "/webinars/{webinarId}/invite_links", "webinar:write:admin",
     "webinar:write:invite_links:admin", ZOOM_RATE_LIGHT},
    {"GET", "/webinars/{webinarId}/registrants", "webinar:read:admin",
     "webinar:read:list_registrants:admin", ZOOM_RATE_MEDIUM},
    {"POST", "/webinars/{webinarId}/registrants", "webinar:write:admin",
     "webinar:write:registrant:admin", ZOOM_RATE_LIGHT},
    {"POST", "/webinars/{webinarId}/batch_registrants", "webinar:write:admin",
     "webinar:write:batch_registrants:admin", ZOOM_RATE_HEAVY},
    {"PUT", "/webinars/{webinarId}/registrants/status", "webinar:write:admin",
     "webinar:update:registrant_status:admin", ZOOM_RATE_MEDIUM},
    {"GET", "/webinars/{webinarId}/registrants/questions", "webinar:read:admin",
     "webinar:read:list_registration_questions:admin", ZOOM_RATE_LIGHT},
    {"PATCH", "/webinars/{webinarId}/registrants/questions", "webinar:write:admin",
     "webinar:update:registration_question:admin", ZOOM_RATE_LIGHT},
    {"GET", "/webinars/{webinarId}/registrants/{registrantId}", "webinar:read:admin",
     "webinar:read:registrant:admin", ZOOM_RATE_LIGHT},
    {"DELETE", "/webinars/{webinarId}/registrants/{registrantId}", "webinar:write:admin",
     "webinar:delete:registrant:admin", ZOOM_RATE_LIGHT},
    {"GET", "/webinars/{webinarId}/survey", "webinar:read:admin", "webinar:read:survey:admin",
     ZOOM_RATE_LIGHT},
    {"PATCH", "/webinars/{webinarId}/survey", "webinar:write:admin", "webinar:update:survey:admin",
     ZOOM_RATE_LIGHT},
    {"DELETE", "/webinars/{webinarId}/survey", "webinar:write:admin", "webinar:delete:survey:admin",
     ZOOM_RATE_LIGHT},
    {"GET", "/webinars/{webinarId}/tracking_sources", "webinar:read:admin",
     "webinar:read:list_tracking_sources:admin", ZOOM_RATE_MEDIUM},
    {"GET", "/webinars/{webinarId}/livestream", "webinar:read:admin",
     "webinar:read:livestream:admin", ZOOM_RATE_LIGHT},
    {"PATCH", "/webinars/{webinarId}/livestream", "webinar:write:admin",
     "webinar:update:livestream:admin", ZOOM_RATE_LIGHT},
    {"PATCH", "/webinars/{webinarId}/livestream/status", "webinar:write:admin",
     "webinar:update:livestream_status:admin", ZOOM_RATE_LIGHT},
    {"GET", "/past_webinars/{webinarId}/participants", "webinar:read:admin",
     "webinar:read:list_past_participants:admin", ZOOM_RATE_MEDIUM},
    {"GET", "/past_webinars/{webinarId}/absentees", "webinar:read:admin",
     "webinar:read:list_absentees:admin", ZOOM_RATE_HEAVY},
    {"GET", "/past_webinars/{webinarId}/qa", "webinar:read:admin", "webinar:read:past_qa:admin",
     ZOOM_RATE_MEDIUM},
    {"GET", "/past_webinars/{webinarId}/polls", "webinar:read:admin",
     "webinar:read:list_past_polls:admin", ZOOM_RATE_MEDIUM},
    {"GET", "/past_webinars/{webinarId}/instances", "webinar:read:admin",
     "webinar:read:list_past_instances:admin", ZOOM_RATE_LIGHT},
    {"GET", "/report/webinars/{webinarId}/participants", "report:read:admin", NULL,
     ZOOM_RATE_HEAVY},
    {"GET", "/report/webinars/{webinarId}/qa", "report:read:admin", NULL, ZOOM_RATE_HEAVY},
    {"GET", "/meetings/{meetingId}/recordings", "recording:read:admin", NULL, ZOOM_RATE_LIGHT},
};

/* True when the concrete PATH (ending at '?' or NUL) matches PATTERN segment by segment. */
static int path_matches(const char *pattern, const char *path) {
  const char *p = pattern, *s = path;
  while (*p && *s && *s != '?') {
    if (*p != '/' || *s != '/')
      return 0;
    p++, s++;
    size_t plen = strcspn(p, "/");
    size_t slen = strcspn(s, "/?");
    if (slen == 0)
      return 0;
    if (!(plen > 1 && p[0] == '{' && p[plen - 1] == '}') &&
        (plen != slen || memcmp(p, s, plen) != 0))
      return 0;
    p += plen, s += slen;
  }
  return *p == '\0' && (*s == '\0' || *s == '?');
}

const zoom_scope_need *zoom_scopes_for(const char *method, const char *path) {
  if (!method || !path)
    return NULL;
  if (strncmp(path, "/v2/", 4) == 0)
    path += 3;
  for (size_t i = 0; i < sizeof scope_table / sizeof scope_table[0]; i++) {
    if (strcasecmp(method, scope_table[i].method) == 0 &&
        path_matches(scope_table[i].pattern, path))
      return &scope_table[i];
  }
  return NULL;
}

zoom_rate_category zoom_rate_category_for(const char *method, const char *path) {
  const zoom_scope_need *need = zoom_scopes_for(method, path);
  return need ? need->category : ZOOM_RATE_DEFAULT;
}

static const char *const category_names[ZOOM_RATE_COUNT] = {
    [ZOOM_RATE_NONE] = "none",
    [ZOOM_RATE_LIGHT] = "Light",
    [ZOOM_RATE_MEDIUM] = "Medium",
    [ZOOM_RATE_HEAVY] = "Heavy",
    [ZOOM_RATE_RESOURCE] = "Resource-intensive",
};

const char *zoom_rate_category_name(zoom_rate_category category) {
  return category >= ZOOM_RATE_NONE && category < ZOOM_RATE_COUNT ? category_names[category]
                                                                  : "none";
}

zoom_rate_category zoom_rate_category_parse(const char *name) {
  for (int c = ZOOM_RATE_LIGHT; name && c < ZOOM_RATE_COUNT; c++)
    if (strcasecmp(name, category_names[c]) == 0)
      return (zoom_rate_category)c;
  return ZOOM_RATE_NONE;
}
