/* prompts.c - the prompts: plan_webinar, post_webinar_follow_up and
 * triage_registrants, each a concrete plan that names this server's tools,
 * and the completion of their webinar argument from the account's upcoming
 * webinars. */
#include "tools/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A GetPromptResult with one user message of TEXT (copied). New reference. */
static json_t *prompt_result(const char *description, const char *text) {
  return json_pack("{s:s, s:[{s:s, s:{s:s, s:s}}]}", "description", description, "messages", "role",
                   "user", "content", "type", "text", "text", text);
}

static const char *arg(json_t *args, const char *name, const char *fallback) {
  const char *v = json_string_value(json_object_get(args, name));
  return v && *v ? v : fallback;
}

static json_t *get_plan_webinar(mcp_call *call, json_t *args) {
  (void)call;
  char text[4096];
  snprintf(text, sizeof text,
           "Plan and schedule a Zoom webinar about \"%s\" for %s, on %s.\n\n"
           "Work through these steps with the tools of this server, and show me each change "
           "before you make it (call write tools with dry_run: true first, then again without it "
           "once I agree):\n"
           "1. Choose the host: call list_users_for_selection and ask me which user hosts, unless "
           "I said so already.\n"
           "2. Propose a title, a 2-3 sentence agenda, a duration and the registration settings "
           "(approval_type 0 for automatic approval, 1 for manual) that suit the audience.\n"
           "3. Create it with create_webinar (or create_recurring_webinar for a series). Pass the "
           "date as I said it (\"%s\") in start_time with the audience's timezone: the server "
           "resolves everyday phrases and time-zone names itself, so do not convert times "
           "yourself, and tell me the resolved time it reports.\n"
           "4. Add the speakers with add_panelists.\n"
           "5. Set the registration form with update_registration_questions if the audience calls "
           "for more than name and email.\n"
           "6. Prepare one or two audience polls with create_webinar_poll.\n"
           "7. Finish with get_webinar and give me a summary: join URL, registration URL, time in "
           "UTC and in the webinar's timezone, panelists, polls.",
           arg(args, "topic", "the topic"), arg(args, "audience", "a general audience"),
           arg(args, "date", "a date we choose together"), arg(args, "date", "the date"));
  return prompt_result("A step-by-step plan for a new webinar", text);
}

static json_t *get_follow_up(mcp_call *call, json_t *args) {
  (void)call;
  const char *w = arg(args, "webinar", "the webinar");
  char text[4096];
  snprintf(text, sizeof text,
           "Prepare the follow-up of the Zoom webinar %s.\n\n"
           "1. Call list_past_webinar_instances with webinar_id %s to find the session(s) that "
           "took place, and pick the latest unless I say otherwise; use its uuid below.\n"
           "2. Call list_webinar_participants (all_pages: true) and get_webinar_absentees "
           "(all_pages: true) with that uuid: count attendees and absentees and work out the "
           "attendance rate and the average time attended.\n"
           "3. Call list_webinar_qa for the questions asked; group them by theme and note the "
           "ones left unanswered.\n"
           "4. Call get_webinar_polls for the poll questions.\n"
           "5. Draft two emails for me to review: a thank-you to attendees (with answers to the "
           "open questions) and a sorry-we-missed-you to absentees (with the key points).\n"
           "Do not send anything or change the webinar; this is a read-only task.",
           w, w);
  return prompt_result("Attendance, questions and follow-up emails for a past webinar", text);
}

static json_t *get_triage(mcp_call *call, json_t *args) {
  (void)call;
  const char *w = arg(args, "webinar", "the webinar");
  char text[4096];
  snprintf(text, sizeof text,
           "Triage the pending registrations of the Zoom webinar %s.\n\n"
           "1. Call get_webinar with webinar_id %s to check that registration needs approval "
           "(settings.approval_type 1) and how many seats are left.\n"
           "2. Call list_webinar_registrants with status \"pending\" and all_pages: true.\n"
           "3. Sort them into approve, deny and ask-me: flag duplicates (the same email twice), "
           "disposable or obviously fake addresses, and anyone already approved (use "
           "find_registrant_by_email when unsure).\n"
           "4. Show me the three lists with a one-line reason for each person and wait for my "
           "go-ahead.\n"
           "5. Then call update_webinar_registrant_status with action \"approve\" and with "
           "action \"deny\" for the agreed lists (the server splits them into batches of 30 "
           "and reports each person's outcome); run each once with dry_run: true first.\n"
           "6. Report what happened to every registrant, including any that failed.",
           w, w);
  return prompt_result("Approve or deny pending registrants, with reasons", text);
}

json_t *app_complete_webinar(mcp_call *call, const char *name, const char *value, json_t *context) {
  (void)context;
  json_t *out = json_array();
  bool past = strcmp(name, "webinarUuid") == 0; /* a webinar id names its latest instance */
  if (strcmp(name, "webinar") != 0 && strcmp(name, "webinarId") != 0 && !past)
    return out;
  app *a = app_of(call);
  zoom_error err = {0};
  zoom_cancel cancel = app_cancel_of(call);
  json_t *q = json_pack("{s:s, s:i}", "type", past ? "scheduled" : "upcoming", "page_size", 300);
  json_t *reply = NULL;
  if (zoom_request(a->zoom, "GET", "/users/me/webinars", q, NULL, &cancel, &reply, &err) == 0) {
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(reply, "webinars"), i, w) {
      char id[32];
      snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT,
               json_integer_value(json_object_get(w, "id")));
      const char *topic = json_string_value(json_object_get(w, "topic"));
      if (!strncmp(id, value, strlen(value)) || (topic && *value && strcasestr(topic, value)))
        json_array_append_new(out, json_string(id));
    }
  }
  json_decref(reply);
  json_decref(q);
  zoom_error_clear(&err);
  return out;
}

static const mcp_prompt_arg plan_args[] = {
    {"topic", "What the webinar is about", true},
    {"audience", "Who it is for (customers, partners, staff...)", false},
    {"date", "When, in everyday words or ISO 8601 (\"next Tuesday 3pm IST\")", false},
    {NULL, NULL, false},
};

static const mcp_prompt_arg webinar_arg[] = {
    {"webinar", "The webinar's id (digits)", true},
    {NULL, NULL, false},
};

static const mcp_prompt prompts[] = {
    {"plan_webinar", "Plan a webinar",
     "A step-by-step plan to schedule a webinar for a topic and an audience with this "
     "server's tools: host, agenda, time, panelists, registration form, polls.",
     plan_args, get_plan_webinar, NULL},
    {"post_webinar_follow_up", "Follow up a webinar",
     "Attendance, absentees, questions and polls of a past webinar, and draft follow-up emails "
     "(read-only).",
     webinar_arg, get_follow_up, app_complete_webinar},
    {"triage_registrants", "Triage registrants",
     "Sort a webinar's pending registrants into approve, deny and ask-me with reasons, then "
     "apply the agreed decisions in batches.",
     webinar_arg, get_triage, app_complete_webinar},
};

int prompts_register(mcp_server *srv, bool read_only) {
  if (read_only) /* only the prompt whose plan changes nothing */
    return mcp_server_add_prompts(srv, &prompts[1], 1);
  return mcp_server_add_prompts(srv, prompts, sizeof prompts / sizeof prompts[0]);
}
