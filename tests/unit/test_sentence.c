/* test_sentence.c - one-sentence webinar descriptions taken apart: title,
 * time phrase, zone, length, host and recurrence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/sentence.h"

typedef struct sentence_case {
  const char *text;
  const char *want; /* the parse as compact JSON with sorted keys */
} sentence_case;

static const sentence_case cases[] = {
    {"Weekly product demo every Tuesday at 10am IST for 6 weeks, 45 minutes, hosted by Priya",
     "{\"duration\":45,\"host\":\"Priya\",\"recurrence\":{\"days\":[\"tuesday\"],\"end_times\":6,"
     "\"frequency\":\"weekly\",\"repeat_interval\":1,\"weekly_days\":\"3\"},\"timezone\":\"Asia/"
     "Kolkata\",\"topic\":\"Weekly product demo\",\"when\":\"at 10am\"}"},
    {"Product launch tomorrow at 3pm PT for 90 minutes hosted by alex",
     "{\"duration\":90,\"host\":\"alex\",\"timezone\":\"America/Los_Angeles\",\"topic\":\"Product "
     "launch\",\"when\":\"tomorrow at 3pm\"}"},
    {"Schedule a Quarterly review on Dec 3 at 9:30am London time, 1 hour",
     "{\"duration\":60,\"timezone\":\"Europe/London\",\"topic\":\"Quarterly review\",\"when\":\"on "
     "dec 3 at 9:30am\"}"},
    {"Office hours every Monday and Thursday at 16:00 for 4 weeks",
     "{\"recurrence\":{\"days\":[\"monday\",\"thursday\"],\"end_times\":8,\"frequency\":\"weekly\","
     "\"repeat_interval\":1,\"weekly_days\":\"2,5\"},\"topic\":\"Office hours\",\"when\":\"at "
     "16:00\"}"},
    {"Daily standup at 9am Europe/Berlin for 10 days, 15-minute",
     "{\"duration\":15,\"recurrence\":{\"end_times\":10,\"frequency\":\"daily\",\"repeat_"
     "interval\":"
     "1},\"timezone\":\"Europe/Berlin\",\"topic\":\"Daily standup\",\"when\":\"at 9am\"}"},
    {"Team sync every other Friday at noon until March 27 2027",
     "{\"recurrence\":{\"days\":[\"friday\"],\"frequency\":\"weekly\",\"repeat_interval\":2,"
     "\"until\":\"March 27 2027\",\"weekly_days\":\"6\"},\"topic\":\"Team sync\",\"until\":\"March "
     "27 2027\",\"when\":\"at noon\"}"},
    {"Customer clinic on Wednesdays at 2pm ET, an hour, host: kenji.watanabe@sandbox.example.com",
     "{\"duration\":60,\"host\":\"kenji.watanabe@sandbox.example.com\",\"recurrence\":{\"days\":["
     "\"wednesday\"],\"frequency\":\"weekly\",\"repeat_interval\":1,\"weekly_days\":\"4\"},"
     "\"timezone\":\"America/New_York\",\"topic\":\"Customer clinic\",\"when\":\"at 2pm\"}"},
    {"Monthly all-hands every month on the 15th at 5pm for 6 months",
     "{\"recurrence\":{\"end_times\":6,\"frequency\":\"monthly\",\"repeat_interval\":1},\"topic\":"
     "\"Monthly all-hands\",\"when\":\"on the 15th at 5pm\"}"},
    {"Team sync every other Friday at noon until March 27 2027 hosted by alex, 30 minutes",
     "{\"duration\":30,\"host\":\"alex\",\"recurrence\":{\"days\":[\"friday\"],\"frequency\":"
     "\"weekly\",\"repeat_interval\":2,\"until\":\"March 27 2027\",\"weekly_days\":\"6\"},"
     "\"topic\":\"Team sync\",\"until\":\"March 27 2027\",\"when\":\"at noon\"}"},
    {"Security briefing next monday 10:00",
     "{\"topic\":\"Security briefing\",\"when\":\"next monday 10:00\"}"},
    {"Rust for C programmers in 2 hours", "{\"topic\":\"Rust for C programmers\",\"when\":\"in 2 "
                                          "hours\"}"},
    /* quotes around the title, "(1h)", dates in digits, "weekly on Tue and Thu", "daily except
     * weekends", "for the next 4 weeks", and "Book" as a title's first word */
    {"Webinar: Intro to Rust - Dec 3, 2pm CET (1h)",
     "{\"duration\":60,\"timezone\":\"Europe/Paris\",\"topic\":\"Webinar: Intro to "
     "Rust\",\"when\":\"dec 3 2pm\"}"},
    {"'Quarterly update' on Jan 5 at 10am",
     "{\"topic\":\"Quarterly update\",\"when\":\"on jan 5 at 10am\"}"},
    {"Town hall 15.01.2027 10am CET",
     "{\"timezone\":\"Europe/Paris\",\"topic\":\"Town hall\",\"when\":\"15.01.2027 10am\"}"},
    {"Standup weekly on Tue and Thu at 9am until Feb 1",
     "{\"recurrence\":{\"days\":[\"tuesday\",\"thursday\"],\"frequency\":\"weekly\",\"repeat_"
     "interval\":1,\"until\":\"Feb "
     "1\",\"weekly_days\":\"3,5\"},\"topic\":\"Standup\",\"until\":\"Feb 1\",\"when\":\"at 9am\"}"},
    {"Standup daily except weekends at 9am",
     "{\"recurrence\":{\"days\":[\"monday\",\"tuesday\",\"wednesday\",\"thursday\",\"friday\"],"
     "\"frequency\":\"weekly\",\"repeat_interval\":1,\"weekly_days\":\"2,3,4,5,6\"},\"topic\":"
     "\"Standup\",\"when\":\"at 9am\"}"},
    {"Book club every 2nd Tuesday of the month at 6pm",
     "{\"recurrence\":{\"frequency\":\"monthly\",\"monthly_week\":2,\"monthly_week_day\":3,"
     "\"repeat_interval\":1},\"topic\":\"Book club\",\"when\":\"at 6pm\"}"},
    {"Sync every Monday at 10am for the next 4 weeks",
     "{\"recurrence\":{\"days\":[\"monday\"],\"end_times\":4,\"frequency\":\"weekly\",\"repeat_"
     "interval\":1,\"weekly_days\":\"2\"},\"topic\":\"Sync\",\"when\":\"at 10am\"}"},
    {"Book a demo tomorrow at 3pm", "{\"topic\":\"demo\",\"when\":\"tomorrow at 3pm\"}"},
    /* a place after "in", before "time" or after a clock time names the zone */
    {"Budget review tomorrow at noon in Tokyo",
     "{\"timezone\":\"Asia/Tokyo\",\"topic\":\"Budget review\",\"when\":\"tomorrow at noon\"}"},
    {"Kickoff Dec 31 at 11:30pm Sydney",
     "{\"timezone\":\"Australia/Sydney\",\"topic\":\"Kickoff\",\"when\":\"dec 31 at 11:30pm\"}"},
    {"Investor call Friday at 6pm New York time, 45 minutes",
     "{\"duration\":45,\"timezone\":\"America/New_York\",\"topic\":\"Investor "
     "call\",\"when\":\"friday at 6pm\"}"},
    {"Launch on the first Tuesday of March at 10am in Berlin",
     "{\"timezone\":\"Europe/Berlin\",\"topic\":\"Launch\",\"when\":\"on the first tuesday of "
     "march at 10am\"}"},
    {"Board meeting on the last Friday of every month at 4pm ET",
     "{\"recurrence\":{\"frequency\":\"monthly\",\"monthly_week\":-1,\"monthly_week_day\":6,"
     "\"repeat_interval\":1},\"timezone\":\"America/New_York\",\"topic\":\"Board "
     "meeting\",\"when\":\"at 4pm\"}"},
    {"Town hall every first Monday of the month at 9am for 6 months",
     "{\"recurrence\":{\"end_times\":6,\"frequency\":\"monthly\",\"monthly_week\":1,\"monthly_week_"
     "day\":2,\"repeat_interval\":1},\"topic\":\"Town hall\",\"when\":\"at 9am\"}"},
    {"Webinar in Spanish tomorrow at 3pm",
     "{\"topic\":\"Webinar in Spanish\",\"when\":\"tomorrow at 3pm\"}"},
    {"Picnic in Central Park tomorrow at noon",
     "{\"topic\":\"Picnic in Central Park\",\"when\":\"tomorrow at noon\"}"},
    /* a time range: the start stays in the time phrase, the end gives the length */
    {"Weekly sync every Wednesday 10am-11am",
     "{\"duration\":60,\"recurrence\":{\"days\":[\"wednesday\"],\"frequency\":\"weekly\","
     "\"repeat_interval\":1,\"weekly_days\":\"4\"},\"topic\":\"Weekly sync\",\"when\":\"10:00\"}"},
    {"Demo tomorrow 10-11:30am PT",
     "{\"duration\":90,\"timezone\":\"America/Los_Angeles\",\"topic\":\"Demo\",\"when\":"
     "\"tomorrow 10:00\"}"},
    {"Clinic Friday 11-1pm", "{\"duration\":120,\"topic\":\"Clinic\",\"when\":\"friday 11:00\"}"},
    {"Review on Dec 3 from 9:30 to 10:15am",
     "{\"duration\":45,\"topic\":\"Review\",\"when\":\"on dec 3 9:30\"}"},
    {"Late show tomorrow 11pm-1am",
     "{\"duration\":120,\"topic\":\"Late show\",\"when\":\"tomorrow 23:00\"}"},
    {"Standup 14:00 - 14:15 tomorrow",
     "{\"duration\":15,\"topic\":\"Standup\",\"when\":\"14:00 tomorrow\"}"},
    {"Sync tomorrow 10 to 11 am, 45 minutes", /* the length said in words wins */
     "{\"duration\":45,\"topic\":\"Sync\",\"when\":\"tomorrow 10:00\"}"},
    {"Launch on 2026-12-15 at 3pm", "{\"topic\":\"Launch\",\"when\":\"on 2026-12-15 at 3pm\"}"},
    {"Meetup in Paris at 5pm",
     "{\"timezone\":\"Europe/Paris\",\"topic\":\"Meetup\",\"when\":\"at 5pm\"}"},
    {"Demo hosted by Priya in London at 3pm tomorrow",
     "{\"host\":\"Priya\",\"timezone\":\"Europe/London\",\"topic\":\"Demo\",\"when\":\"at 3pm "
     "tomorrow\"}"},
    {"Monthly review monthly on the 2nd Wednesday at 11am in Hong Kong",
     "{\"recurrence\":{\"frequency\":\"monthly\",\"monthly_week\":2,\"monthly_week_day\":4,"
     "\"repeat_interval\":1},\"timezone\":\"Asia/Hong_Kong\",\"topic\":\"Monthly "
     "review\",\"when\":\"at 11am\"}"},
};

static void sentences(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *out = NULL;
    char why[256] = "";
    int rc = sentence_parse(cases[i].text, &out, why, sizeof why);
    char *got = out ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (rc != 0 || !got || strcmp(got, cases[i].want) != 0)
      fail_msg("%s\n want %s\n got  %s (%s)", cases[i].text, cases[i].want, got ? got : "-", why);
    free(got);
    json_decref(out);
  }
}

static void refused(void **state) {
  (void)state;
  json_t *out = NULL;
  char why[256];
  assert_int_equal(sentence_parse("tomorrow at 3pm", &out, why, sizeof why), -1);
  assert_non_null(strstr(why, "no title"));
  assert_int_equal(sentence_parse("", &out, why, sizeof why), -1);
  assert_null(out);
  /* fuzz_phrase's findings: a title of punctuation alone, bytes that are not UTF-8 */
  assert_int_equal(sentence_parse(". tomorrow at 3pm", &out, why, sizeof why), -1);
  assert_non_null(strstr(why, "no title"));
  assert_int_equal(sentence_parse("I\xb0", &out, why, sizeof why), -1);
  assert_non_null(strstr(why, "not valid UTF-8"));
  assert_null(out);
  /* Zoom's topic is at most 200 characters: 20 words of 9 two-byte characters and 19 blanks
   * are 199; one character more is accepted, two are refused. */
  char long_title[512] = "";
  for (int i = 0; i < 20 * 10 - 1; i++)
    strcat(long_title, i % 10 == 9 ? " " : "\xc3\xa9");
  strcat(long_title, "\xc3\xa9\xc3\xa9");
  assert_int_equal(sentence_parse(long_title, &out, why, sizeof why), -1);
  assert_non_null(strstr(why, "200 characters"));
  long_title[strlen(long_title) - 2] = '\0';
  assert_int_equal(sentence_parse(long_title, &out, why, sizeof why), 0);
  assert_string_equal(json_string_value(json_object_get(out, "topic")), long_title);
  json_decref(out);
  out = NULL;
  /* Zoom's monthly_week is 1..4 or -1 (the last) */
  /* "every 2nd Tuesday": every other one, or the second of each month? */
  assert_int_equal(sentence_parse("Book club every 2nd Tuesday at 6pm", &out, why, sizeof why), -1);
  assert_non_null(strstr(why, "\"every other tuesday\" or \"the second tuesday of every month\""));
  assert_null(out);
  assert_int_equal(sentence_parse("Sync every fifth Friday at 3pm", &out, why, sizeof why), -1);
  assert_non_null(strstr(why, "the last friday"));
  assert_null(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sentences),
      cmocka_unit_test(refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
