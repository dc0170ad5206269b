/* past.c - after the event (catalog/past.json): participants, absentees, Q&A and
 * instances are single declared Zoom calls; this file declares the resource
 * template zoom://past_webinars/{webinarUuid}/report, read by report.c's
 * builder (the same report as the tool webinar_attendance_report). */
#include "tools/app.h"

const app_handler past_handlers[] = {
    {NULL, NULL},
};

static const mcp_resource_template templates[] = {
    {"zoom://past_webinars/{webinarUuid}/report", "past-webinar-report", "Past webinar report",
     "The attendance report of one past webinar instance, the same as the tool "
     "webinar_attendance_report gives: attendees, registrants, absentees, attendance rate, "
     "minutes attended (average, median), attendance over time, panelists present, the most "
     "asked questions and poll results, as JSON, then the chart of attendance over time as a "
     "PNG. webinarUuid is an instance UUID from list_past_webinar_instances (percent-encoded "
     "in the URI: / is %2F), or a webinar id for its latest instance. A part Zoom refused is "
     "null, with Zoom's error under \"errors\".",
     "application/json", report_read_resource, app_complete_webinar},
};

int past_resources_register(mcp_server *srv) {
  return mcp_server_add_templates(srv, templates, sizeof templates / sizeof templates[0]);
}
