/* polls.c - the poll and survey tools (catalog/polls.json): creating and
 * replacing a poll (poll_title is Zoom's title; a quiz is checked before it is
 * sent); the other poll and survey tools are single declared Zoom calls. */
#include "tools/app.h"

#include <stdio.h>
#include <string.h>

/* True when question type TYPE (NULL: Zoom's default, single) is graded in a quiz. */
static bool quiz_graded(const char *type) {
  return !type || !strcmp(type, "single") || !strcmp(type, "multiple") ||
         !strcmp(type, "fill_in_the_blank");
}

/* Checks what Zoom needs of a quiz (poll_type 3): right_answers on every graded
 * question, and for single and multiple choice only answers on offer. Returns
 * 0, or -1 with the reason for the model in WHY. */
static int poll_check_quiz(json_t *args, char *why, size_t size) {
  if (json_integer_value(json_object_get(args, "poll_type")) != 3)
    return 0;
  size_t i;
  json_t *q;
  json_array_foreach(json_object_get(args, "questions"), i, q) {
    const char *type = json_string_value(json_object_get(q, "type"));
    json_t *right = json_object_get(q, "right_answers");
    if (!quiz_graded(type))
      continue;
    if (json_array_size(right) == 0) {
      snprintf(why, size,
               "questions[%zu] (%s): a quiz (poll_type 3) needs right_answers on every single, "
               "multiple and fill_in_the_blank question. Add right_answers, or use poll_type 1 "
               "for a poll without right answers.",
               i, type ? type : "single");
      return -1;
    }
    if (type && !strcmp(type, "fill_in_the_blank"))
      continue;
    size_t k;
    json_t *r;
    json_array_foreach(right, k, r) {
      if (!engine_name_listed(json_object_get(q, "answers"), json_string_value(r))) {
        snprintf(why, size,
                 "questions[%zu].right_answers[%zu]: \"%.80s\" is not one of the question's "
                 "answers; a right answer must be spelled exactly as one of answers.",
                 i, k, json_string_value(r));
        return -1;
      }
    }
  }
  return 0;
}

/* create_webinar_poll (POST) and update_webinar_poll (PUT): the entry's call,
 * with poll_title sent as Zoom's title. */
static json_t *tool_webinar_poll_write(mcp_call *call, json_t *args) {
  char why[400];
  if (poll_check_quiz(args, why, sizeof why) != 0)
    return mcp_tool_error("%s", why);
  json_t *sent = json_copy(args); /* shallow: only the top-level key changes */
  if (!sent)
    return mcp_tool_error("out of memory");
  json_object_set(sent, "title", json_object_get(args, "poll_title"));
  json_object_del(sent, "poll_title");
  json_t *res = engine_zoom_call(call, sent);
  json_decref(sent);
  return res;
}

const app_handler poll_handlers[] = {
    {"webinar_poll_write", tool_webinar_poll_write},
    {NULL, NULL},
};
