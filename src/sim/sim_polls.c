/* sim_polls.c - the simulator's webinar polls (POST, GET, PUT, DELETE) and the webinar survey (GET,
 * PATCH, DELETE). */
#include <stdio.h>
#include <string.h>

#include "sim/sim_resources.h"

#define POLL_QUESTIONS_MAX 50

static const char *const question_types[] = {
    "single",      "multiple",          "matching",     "rank_order", "short_answer",
    "long_answer", "fill_in_the_blank", "rating_scale", NULL};

/* Answer count bounds by question type (ZOOM-ENDPOINTS.md). Types absent take none. */
typedef struct answer_rule {
  const char *type;
  size_t min, max;
  bool prompts; /* prompts 2..10 required */
} answer_rule;

static const answer_rule poll_rules[] = {
    {"single", 2, 10, false},   {"multiple", 2, 10, false},          {"matching", 2, 16, true},
    {"rank_order", 2, 7, true}, {"fill_in_the_blank", 0, 10, false},
};

static const answer_rule survey_rules[] = {
    {"single", 2, 50, false},
    {"multiple", 2, 50, false},
    {"matching", 2, 16, true},
    {"rank_order", 2, 7, true},
};

static const answer_rule *rule_for(const answer_rule *rules, size_t n, const char *type) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(rules[i].type, type) == 0)
      return &rules[i];
  return NULL;
}

/* Checks that every item of OBJ[KEY] (when present) is a string of at most MAX. */
static int check_strings(json_t *obj, const char *key, size_t max, const char *field,
                         json_t *errors) {
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(obj, key), i, v) {
    if (!json_is_string(v) || json_string_length(v) > max) {
      sim_errors_add(errors, field, "Each item must be a string of at most %zu characters.", max);
      return -1;
    }
  }
  return 0;
}

/* Checks one poll or survey question Q. QUIZ: right answers needed. SURVEY:
 * the survey's limits (name 420, answers 200, labels 50). */
static int check_question(json_t *q, bool quiz, bool survey, json_t *errors) {
  const char *pfx = "questions";
  if (!json_is_object(q)) {
    sim_errors_add(errors, pfx, "Each question must be an object.");
    return -1;
  }
  if (sim_field_string(q, "name", survey ? 420 : 255, true, pfx, errors) ||
      sim_field_enum(q, "type", question_types, pfx, errors) ||
      sim_field_bool(q, "answer_required", pfx, errors) ||
      sim_field_bool(q, "show_as_dropdown", pfx, errors) ||
      sim_field_bool(q, "case_sensitive", pfx, errors) ||
      sim_field_int(q, "rating_min_value", 0, 10, pfx, errors) ||
      sim_field_int(q, "rating_max_value", 0, 10, pfx, errors) ||
      sim_field_int(q, "answer_min_character", 1, 2000, pfx, errors) ||
      sim_field_string(q, "rating_min_label", survey ? 50 : 255, false, pfx, errors) ||
      sim_field_string(q, "rating_max_label", survey ? 50 : 255, false, pfx, errors))
    return -1;
  /* The spec: answers, when given, are two or more, whatever the type. */
  if (sim_field_array(q, "answers", 2, survey ? 50 : 16, false, pfx, errors))
    return -1;
  const char *type = json_string_value(json_object_get(q, "type"));
  if (!type)
    type = "single";
  const answer_rule *rule =
      survey ? rule_for(survey_rules, sizeof survey_rules / sizeof survey_rules[0], type)
             : rule_for(poll_rules, sizeof poll_rules / sizeof poll_rules[0], type);
  if (rule) {
    if (sim_field_array(q, "answers", rule->min, rule->max, rule->min > 0, pfx, errors) ||
        check_strings(q, "answers", survey ? 200 : 255, "questions.answers", errors))
      return -1;
    if (rule->prompts && sim_field_array(q, "prompts", 2, 10, true, pfx, errors))
      return -1;
    size_t i;
    json_t *pr;
    json_array_foreach(json_object_get(q, "prompts"), i, pr) {
      if (!json_is_object(pr) ||
          sim_field_string(pr, "prompt_question", 200, true, "questions.prompts", errors)) {
        if (!json_is_object(pr))
          sim_errors_add(errors, "questions.prompts", "Each prompt must be an object.");
        return -1;
      }
    }
  }
  long long maxc = strcmp(type, "short_answer") == 0 ? 500 : 2000; /* long_answer and others */
  if (sim_field_int(q, "answer_max_character", 1, maxc, pfx, errors))
    return -1;
  json_t *lo = json_object_get(q, "rating_min_value"), *hi = json_object_get(q, "rating_max_value");
  if (lo && hi && json_integer_value(lo) >= json_integer_value(hi)) {
    sim_errors_add(errors, "questions.rating_max_value", "Must be greater than rating_min_value.");
    return -1;
  }
  if (!survey && sim_field_array(q, "right_answers", 1, 16, false, pfx, errors))
    return -1;
  if (quiz &&
      (strcmp(type, "single") == 0 || strcmp(type, "multiple") == 0 ||
       strcmp(type, "fill_in_the_blank") == 0) &&
      json_array_size(json_object_get(q, "right_answers")) == 0) {
    sim_errors_add(errors, "questions.right_answers", "A quiz question needs right_answers.");
    return -1;
  }
  return 0;
}

static void check_poll(json_t *body, json_t *errors) {
  if (!json_is_object(body)) {
    sim_errors_add(errors, "title", "This field is required.");
    return;
  }
  sim_field_string(body, "title", 64, true, NULL, errors);
  sim_field_bool(body, "anonymous", NULL, errors);
  json_t *pt = json_object_get(body, "poll_type");
  if (pt && (!json_is_integer(pt) || json_integer_value(pt) < 1 || json_integer_value(pt) > 3))
    sim_errors_add(errors, "poll_type", "Must be 1, 2 or 3.");
  bool quiz = json_integer_value(pt) == 3;
  if (sim_field_array(body, "questions", 1, POLL_QUESTIONS_MAX, true, NULL, errors) != 0)
    return;
  size_t i;
  json_t *q;
  json_array_foreach(json_object_get(body, "questions"), i, q) {
    if (check_question(q, quiz, false, errors) != 0)
      return;
  }
}

/* The stored poll for BODY with ID (new reference). */
static json_t *poll_from_body(json_t *body, const char *id) {
  json_t *pt = json_object_get(body, "poll_type");
  json_t *questions = json_deep_copy(json_object_get(body, "questions"));
  size_t i;
  json_t *q;
  json_array_foreach(questions, i, q) {
    if (!json_object_get(q, "type"))
      json_object_set_new(q, "type", json_string("single"));
  }
  return json_pack("{s:s,s:s,s:b,s:I,s:o,s:O}", "id", id, "status", "notstart", "anonymous",
                   json_is_true(json_object_get(body, "anonymous")), "poll_type",
                   (json_int_t)(pt ? json_integer_value(pt) : 1), "questions", questions, "title",
                   json_object_get(body, "title"));
}

static json_t *poll_find(sim_webinar *w, const char *id, size_t *at) {
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(w->ext, "polls"), i, p) {
    const char *pid = json_string_value(json_object_get(p, "id"));
    if (pid && id && strcmp(pid, id) == 0) {
      if (at)
        *at = i;
      return p;
    }
  }
  return NULL;
}

static void reply_poll_not_found(sim_resp *rs, const char *id) {
  char clip[SIM_ECHO_MAX];
  sim_reply_error(rs, 404, 3001, "Poll %s not found.", sim_text_clip(clip, sizeof clip, id));
}

static void polls_create(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *errors = json_array();
  check_poll(rq->body, errors);
  if (sim_reply_if_invalid(rs, errors))
    return;
  char id[23];
  sim_new_user_id(s, id);
  json_t *poll = poll_from_body(rq->body, id);
  json_t *list = sim_ext_array(w, "polls");
  if (!poll || !list || json_array_append_new(list, poll) != 0) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  /* replies never share JSON with the model: they are sent after the lock is released */
  sim_reply_json(rs, 201, json_deep_copy(poll));
}

static void polls_list(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  const char *anon = sim_req_query(rq, "anonymous");
  if (anon && *anon && strcmp(anon, "true") != 0 && strcmp(anon, "false") != 0) {
    json_t *errors = json_array();
    sim_errors_add(errors, "anonymous", "Must be true or false.");
    sim_reply_invalid(rs, errors);
    return;
  }
  json_t *out = json_array();
  size_t i;
  json_t *p;
  json_array_foreach(json_object_get(w->ext, "polls"), i, p) {
    if (anon && *anon &&
        json_is_true(json_object_get(p, "anonymous")) != (strcmp(anon, "true") == 0))
      continue;
    json_array_append_new(out, json_deep_copy(p));
  }
  sim_reply_json(
      rs, 200,
      json_pack("{s:I,s:o}", "total_records", (json_int_t)json_array_size(out), "polls", out));
}

static void poll_get(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *p = poll_find(w, sim_req_param(rq, "pollId"), NULL);
  if (!p) {
    reply_poll_not_found(rs, sim_req_param(rq, "pollId"));
    return;
  }
  sim_reply_json(rs, 200, json_deep_copy(p));
}

/* PUT replaces the poll (same limits as POST); the id and status stay. */
static void poll_put(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  const char *id = sim_req_param(rq, "pollId");
  size_t at = 0;
  json_t *old = poll_find(w, id, &at);
  if (!old) {
    reply_poll_not_found(rs, id);
    return;
  }
  json_t *errors = json_array();
  check_poll(rq->body, errors);
  if (sim_reply_if_invalid(rs, errors))
    return;
  json_t *poll = poll_from_body(rq->body, id);
  if (!poll) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  json_object_set(poll, "status", json_object_get(old, "status"));
  json_array_set_new(json_object_get(w->ext, "polls"), at, poll);
  sim_reply_empty(rs, 204);
}

static void poll_delete(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  size_t at = 0;
  if (!poll_find(w, sim_req_param(rq, "pollId"), &at)) {
    reply_poll_not_found(rs, sim_req_param(rq, "pollId"));
    return;
  }
  json_array_remove(json_object_get(w->ext, "polls"), at);
  sim_reply_empty(rs, 204);
}

/* ---- survey ----------------------------------------------------------------------- */

static void survey_get(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *sv = json_object_get(w->ext, "survey");
  json_t *out =
      json_pack("{s:o,s:b,s:b,s:s}", "custom_survey", json_object(), "show_in_the_browser", 1,
                "show_in_the_follow_up_email", 0, "third_party_survey", "");
  json_t *copy = json_is_object(sv) ? json_deep_copy(sv) : NULL;
  if (out && copy)
    json_object_update(out, copy);
  json_decref(copy);
  sim_reply_json(rs, 200, out);
}

static void check_survey(json_t *body, json_t *errors) {
  if (!json_is_object(body)) {
    sim_errors_add(errors, "custom_survey", "A JSON object is required.");
    return;
  }
  sim_field_bool(body, "show_in_the_browser", NULL, errors);
  sim_field_bool(body, "show_in_the_follow_up_email", NULL, errors);
  if (sim_field_string(body, "third_party_survey", 64, false, NULL, errors) == 0) {
    const char *url = json_string_value(json_object_get(body, "third_party_survey"));
    char clip[SIM_ECHO_MAX];
    if (url && *url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
      sim_errors_add(errors, "third_party_survey", "Invalid third party survey: %s.",
                     sim_text_clip(clip, sizeof clip, url));
  }
  json_t *cs = json_object_get(body, "custom_survey");
  if (!cs)
    return;
  if (!json_is_object(cs)) {
    sim_errors_add(errors, "custom_survey", "Must be an object.");
    return;
  }
  const char *pfx = "custom_survey";
  if (sim_field_string(cs, "title", 64, false, pfx, errors) ||
      sim_field_string(cs, "feedback", 320, false, pfx, errors) ||
      sim_field_bool(cs, "anonymous", pfx, errors) ||
      sim_field_bool(cs, "numbered_questions", pfx, errors) ||
      sim_field_bool(cs, "show_question_type", pfx, errors) ||
      sim_field_array(cs, "questions", 1, 100, false, pfx, errors))
    return;
  size_t i;
  json_t *q;
  json_array_foreach(json_object_get(cs, "questions"), i, q) {
    if (check_question(q, false, true, errors) != 0)
      return;
  }
}

static void survey_patch(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_t *errors = json_array();
  check_survey(rq->body, errors);
  if (sim_reply_if_invalid(rs, errors))
    return;
  json_t *sv = sim_ext_object(w, "survey");
  if (!sv) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  static const char *const keys[] = {"custom_survey", "show_in_the_browser",
                                     "show_in_the_follow_up_email", "third_party_survey"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    json_t *v = json_object_get(rq->body, keys[i]);
    if (v)
      json_object_set_new(sv, keys[i], json_deep_copy(v));
  }
  sim_reply_empty(rs, 204);
}

static void survey_delete(sim *s, sim_req *rq, sim_resp *rs) {
  sim_webinar *w = sim_webinar_param(s, rq, rs);
  if (!w)
    return;
  json_object_del(w->ext, "survey");
  sim_reply_empty(rs, 204);
}

/* Seeds one poll on webinars that were held, so past poll answers exist. */
static void hook_seed(sim *s, sim_webinar *w) {
  if (!w->ended)
    return;
  char id[23];
  sim_new_user_id(s, id);
  json_t *body =
      json_pack("{s:s,s:i,s:[{s:s,s:s,s:[s,s,s]},{s:s,s:s,s:[s,s]}]}", "title", "Audience check",
                "poll_type", 1, "questions", "name", "How did you hear about this webinar?", "type",
                "single", "answers", "Newsletter", "Colleague", "Social media", "name",
                "Would you attend a follow-up?", "type", "single", "answers", "Yes", "No");
  json_t *poll = body ? poll_from_body(body, id) : NULL;
  json_decref(body);
  json_t *list = sim_ext_array(w, "polls");
  if (poll && list)
    json_array_append(list, poll);
  json_decref(poll);
}

static const sim_route routes[] = {
    {"POST", "/v2/webinars/{webinarId}/polls", SIM_CAT_LIGHT, polls_create, 0},
    {"GET", "/v2/webinars/{webinarId}/polls", SIM_CAT_LIGHT, polls_list, 0},
    {"GET", "/v2/webinars/{webinarId}/polls/{pollId}", SIM_CAT_LIGHT, poll_get, 0},
    {"PUT", "/v2/webinars/{webinarId}/polls/{pollId}", SIM_CAT_LIGHT, poll_put, 0},
    {"DELETE", "/v2/webinars/{webinarId}/polls/{pollId}", SIM_CAT_LIGHT, poll_delete, 0},
    {"GET", "/v2/webinars/{webinarId}/survey", SIM_CAT_LIGHT, survey_get, 0},
    {"PATCH", "/v2/webinars/{webinarId}/survey", SIM_CAT_LIGHT, survey_patch, 0},
    {"DELETE", "/v2/webinars/{webinarId}/survey", SIM_CAT_LIGHT, survey_delete, 0},
};

const sim_module sim_module_polls = {
    "polls", routes, sizeof routes / sizeof routes[0], NULL, NULL, NULL, hook_seed,
};
