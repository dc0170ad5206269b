/* scopes.c - the scope table of the operations this server calls, and a path matcher. */
#include "zoom/scopes.h"

#include <string.h>
#include <strings.h>

/* From the "security" and "x-granular-scopes" lists of ZoomMeetingAPISpec.json (admin
 * variants, which Server-to-Server apps use). Literal segments come before
 * "{x}" ones that would also match, because the first match wins. */
static const zoom_scope_need scope_table[] = {
    {"GET", "/users", "user:read:admin", NULL},
    {"GET", "/users/{userId}", "user:read:admin", NULL},
    {"POST", "/users/{userId}/webinars", "webinar:write:admin", "webinar:write:webinar:admin"},
    {"GET", "/users/{userId}/webinars", "webinar:read:admin", "webinar:read:list_webinars:admin"},
    {"GET", "/webinars/{webinarId}", "webinar:read:admin", "webinar:read:webinar:admin"},
    {"PATCH", "/webinars/{webinarId}", "webinar:write:admin", "webinar:update:webinar:admin"},
    {"DELETE", "/webinars/{webinarId}", "webinar:write:admin", "webinar:delete:webinar:admin"},
    {"PUT", "/webinars/{webinarId}/status", "webinar:write:admin", "webinar:update:status:admin"},
    {"GET", "/webinars/{webinarId}/panelists", "webinar:read:admin",
     "webinar:read:list_panelists:admin"},
    {"POST", "/webinars/{webinarId}/panelists", "webinar:write:admin",
     "webinar:write:panelist:admin"},
    {"DELETE", "/webinars/{webinarId}/panelists", "webinar:write:admin",
     "webinar:delete:panelist:admin"},
    {"DELETE", "/webinars/{webinarId}/panelists/{panelistId}", "webinar:write:admin",
     "webinar:delete:panelist:admin"},
    {"GET", "/webinars/{webinarId}/polls", "webinar:read:admin", "webinar:read:list_polls:admin"},
    {"POST", "/webinars/{webinarId}/polls", "webinar:write:admin", "webinar:write:poll:admin"},
    {"GET", "/webinars/{webinarId}/polls/{pollId}", "webinar:read:admin",
     "webinar:read:poll:admin"},
    {"PUT", "/webinars/{webinarId}/polls/{pollId}", "webinar:write:admin",
     "webinar:update:poll:admin"},
    {"DELETE", "/webinars/{webinarId}/polls/{pollId}", "webinar:write:admin",
     "webinar:delete:poll:admin"},
    {"POST", "/webinars/{webinarId}/invite_links", "webinar:write:admin",
     "webinar:write:invite_links:admin"},
    {"GET", "/webinars/{webinarId}/registrants", "webinar:read:admin",
     "webinar:read:list_registrants:admin"},
    {"POST", "/webinars/{webinarId}/registrants", "webinar:write:admin",
     "webinar:write:registrant:admin"},
    {"POST", "/webinars/{webinarId}/batch_registrants", "webinar:write:admin",
     "webinar:write:batch_registrants:admin"},
    {"PUT", "/webinars/{webinarId}/registrants/status", "webinar:write:admin",
     "webinar:update:registrant_status:admin"},
    {"GET", "/webinars/{webinarId}/registrants/questions", "webinar:read:admin",
     "webinar:read:list_registration_questions:admin"},
    {"PATCH", "/webinars/{webinarId}/registrants/questions", "webinar:write:admin",
     "webinar:update:registration_question:admin"},
    {"GET", "/webinars/{webinarId}/registrants/{registrantId}", "webinar:read:admin",
     "webinar:read:registrant:admin"},
    {"DELETE", "/webinars/{webinarId}/registrants/{registrantId}", "webinar:write:admin",
     "webinar:delete:registrant:admin"},
    {"GET", "/webinars/{webinarId}/survey", "webinar:read:admin", "webinar:read:survey:admin"},
    {"PATCH", "/webinars/{webinarId}/survey", "webinar:write:admin", "webinar:update:survey:admin"},
    {"DELETE", "/webinars/{webinarId}/survey", "webinar:write:admin",
     "webinar:delete:survey:admin"},
    {"GET", "/webinars/{webinarId}/tracking_sources", "webinar:read:admin",
     "webinar:read:list_tracking_sources:admin"},
    {"GET", "/webinars/{webinarId}/livestream", "webinar:read:admin",
     "webinar:read:livestream:admin"},
    {"PATCH", "/webinars/{webinarId}/livestream", "webinar:write:admin",
     "webinar:update:livestream:admin"},
    {"PATCH", "/webinars/{webinarId}/livestream/status", "webinar:write:admin",
     "webinar:update:livestream_status:admin"},
    {"GET", "/past_webinars/{webinarId}/participants", "webinar:read:admin",
     "webinar:read:list_past_participants:admin"},
    {"GET", "/past_webinars/{webinarId}/absentees", "webinar:read:admin",
     "webinar:read:list_absentees:admin"},
    {"GET", "/past_webinars/{webinarId}/qa", "webinar:read:admin", "webinar:read:past_qa:admin"},
    {"GET", "/past_webinars/{webinarId}/instances", "webinar:read:admin",
     "webinar:read:list_past_instances:admin"},
    {"GET", "/report/webinars/{webinarId}/participants", "report:read:admin", NULL},
    {"GET", "/report/webinars/{webinarId}/qa", "report:read:admin", NULL},
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
