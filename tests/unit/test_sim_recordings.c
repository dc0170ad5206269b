/* test_sim_recordings.c - the sandbox's cloud recordings over real HTTP: the recordings of a
 * past webinar (completed with a transcript, still processing, none), by id and by
 * double-encoded UUID, the authorised download's redirect to another host, and the storage
 * host that takes only signed URLs without an Authorization header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../support/simres.h"

static simtest T;
static long long HELD, PROCESSING, FUTURE;

static int setup(void **state) {
  (void)state;
  if (simtest_start(&T, NULL) != 0)
    return -1;
  HELD = simtest_webinar_id(&T, "Quarterly town hall");
  PROCESSING = simtest_webinar_id(&T, "Security briefing");
  FUTURE = simtest_webinar_id(&T, "Product launch");
  return HELD > 0 && PROCESSING > 0 && FUTURE > 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  simtest_stop(&T);
  return 0;
}

/* The recording file of type TYPE in R (borrowed), or NULL. */
static json_t *file_of(json_t *r, const char *type) {
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(r, "recording_files"), i, f) {
    if (strcmp(simres_str(f, "file_type"), type) == 0)
      return f;
  }
  return NULL;
}

static void test_completed_with_transcript(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/meetings/%lld/recordings", HELD), 200);
  assert_int_equal(simres_int(r, "id"), HELD);
  assert_string_equal(simres_str(r, "topic"), "Quarterly town hall");
  assert_int_equal(simres_int(r, "recording_count"),
                   (long long)json_array_size(json_object_get(r, "recording_files")));
  json_t *t = file_of(r, "TRANSCRIPT");
  assert_non_null(t);
  assert_string_equal(simres_str(t, "status"), "completed");
  assert_string_equal(simres_str(t, "file_extension"), "VTT");
  assert_non_null(strstr(simres_str(t, "download_url"), "/rec/download/"));
  /* the latest instance is the one recorded: its UUID holds "//" */
  assert_non_null(strstr(simres_str(r, "uuid"), "//"));
  json_decref(r);
}

static void test_processing_and_none(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/meetings/%lld/recordings", PROCESSING),
                   200);
  assert_null(file_of(r, "TRANSCRIPT"));
  assert_string_equal(simres_str(file_of(r, "MP4"), "status"), "processing");
  json_decref(r);
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/meetings/%lld/recordings", FUTURE), 404);
  assert_int_equal(simres_int(r, "code"), 3301);
  json_decref(r);
  /* the false start (UUID starting with "/", double-encoded) was not recorded */
  json_t *inst = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &inst, "/v2/past_webinars/%lld/instances", HELD),
                   200);
  const char *uuid = simres_str(json_array_get(json_object_get(inst, "webinars"), 0), "uuid");
  assert_int_equal(uuid[0], '/');
  r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/meetings/%%252F%s/recordings", uuid + 1),
                   404);
  assert_int_equal(simres_int(r, "code"), 3301);
  json_decref(r);
  json_decref(inst);
}

/* The path and query of the storage URL the download route redirects to, into BUF. */
static void download_location(const char *file_id, char *buf, size_t len) {
  simtest_reply rep = {0};
  char target[200], loc[400];
  snprintf(target, sizeof target, "/rec/download/%s", file_id);
  assert_int_equal(simtest_call(&T, "GET", target, NULL, &rep), 0);
  assert_int_equal(rep.status, 302);
  assert_non_null(simtest_header(&rep, "Location", loc, sizeof loc));
  /* another host name for the same server, so a client must not send its token there */
  assert_non_null(strstr(loc, "http://localhost:"));
  const char *path = strstr(loc + 7, "/storage/");
  assert_non_null(path);
  snprintf(buf, len, "%s", path);
  simtest_reply_free(&rep);
}

static void test_download_redirect_and_storage(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/meetings/%lld/recordings", HELD), 200);
  char file_id[64], where[400];
  snprintf(file_id, sizeof file_id, "%s", simres_str(file_of(r, "TRANSCRIPT"), "id"));
  long long size = simres_int(file_of(r, "TRANSCRIPT"), "file_size");
  json_decref(r);
  download_location(file_id, where, sizeof where);

  simtest_reply rep = {0};
  /* with the token: refused, as signed-URL stores refuse two authentications */
  char bearer[160];
  snprintf(bearer, sizeof bearer, "Bearer %s", T.token);
  assert_int_equal(simtest_call_ex(&T, "GET", where, NULL, bearer, NULL, 0, &rep), 0);
  assert_int_equal(rep.status, 400);
  simtest_reply_free(&rep);
  /* without: the VTT itself */
  assert_int_equal(simtest_call_ex(&T, "GET", where, NULL, NULL, NULL, 0, &rep), 0);
  assert_int_equal(rep.status, 200);
  assert_int_equal(strncmp(rep.text, "WEBVTT\n", 7), 0);
  assert_int_equal((long long)strlen(rep.text), size);
  assert_non_null(strstr(rep.text, "00:00:02.310 --> 00:00:07.900\n"));
  simtest_reply_free(&rep);
  /* a wrong signature, and the download route without a token */
  char *sig = strstr(where, "sig=");
  assert_non_null(sig);
  sig[4] = sig[4] == '0' ? '1' : '0';
  assert_int_equal(simtest_call_ex(&T, "GET", where, NULL, NULL, NULL, 0, &rep), 0);
  assert_int_equal(rep.status, 403);
  simtest_reply_free(&rep);
  char target[200];
  snprintf(target, sizeof target, "/rec/download/%s", file_id);
  assert_int_equal(simtest_call_ex(&T, "GET", target, NULL, NULL, NULL, 0, &rep), 0);
  assert_int_equal(rep.status, 401);
  simtest_reply_free(&rep);
}

static void test_processing_not_downloadable(void **state) {
  (void)state;
  json_t *r = NULL;
  assert_int_equal(simres_callf(&T, "GET", NULL, &r, "/v2/meetings/%lld/recordings", PROCESSING),
                   200);
  char target[200];
  snprintf(target, sizeof target, "/rec/download/%s", simres_str(file_of(r, "MP4"), "id"));
  json_decref(r);
  simtest_reply rep = {0};
  assert_int_equal(simtest_call(&T, "GET", target, NULL, &rep), 0);
  assert_int_equal(rep.status, 404);
  assert_non_null(strstr(rep.text, "processing"));
  simtest_reply_free(&rep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_completed_with_transcript),
      cmocka_unit_test(test_processing_and_none),
      cmocka_unit_test(test_download_redirect_and_storage),
      cmocka_unit_test(test_processing_not_downloadable),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
