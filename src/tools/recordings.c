/* recordings.c - after the event, its recordings (catalog/recordings.json): the cloud recording
 * files of a past webinar (Zoom serves them under /meetings/{id}/recordings, webinars too), and
 * its transcript downloaded (zoom_download) and read as speaker turns (vtt.c), with a clear
 * answer when there is none: still processing, transcription not enabled, or no recording. */
#include "tools/app.h"

#include <stdlib.h>
#include <string.h>

#include "tools/vtt.h"
#include "zoom/download.h"

#define TRANSCRIPT_MAX_BYTES (8u * 1024u * 1024u)

/* The webinar the arguments name: webinar_uuid when given, else webinar_id (borrowed). */
static const char *recordings_target(json_t *args) {
  const char *uuid = json_string_value(json_object_get(args, "webinar_uuid"));
  return uuid && *uuid ? uuid : json_string_value(json_object_get(args, "webinar_id"));
}

/* GETs the recordings of the webinar ARGS name. On success *OUT holds Zoom's reply (new
 * reference) and 0 is returned; else -1 with *OUT a new tool error result (Zoom's 3301 said
 * in words: what it means and what to do). */
static int recordings_fetch(mcp_call *call, json_t *args, json_t **out) {
  const char *target = recordings_target(args);
  json_t *slot = target ? json_pack("{s:s}", "webinar_id", target) : NULL;
  char *path = slot ? engine_path("/meetings/{webinar_id}/recordings", slot, NULL, 0) : NULL;
  json_decref(slot);
  *out = NULL;
  if (!path) {
    *out = mcp_tool_error("webinar_id or webinar_uuid is required: a webinar id, or a past "
                          "instance's UUID from list_past_webinar_instances (at most 256 "
                          "characters)");
    return -1;
  }
  zoom_error err = {0};
  zoom_cancel cancel = app_cancel_of(call);
  int rc = zoom_request(app_of(call)->zoom, "GET", path, NULL, NULL, &cancel, out, &err);
  if (rc != 0 && err.zoom_code == 3301)
    *out = mcp_tool_error(
        "Webinar %s has no cloud recording (Zoom code 3301): it was not recorded to the cloud "
        "(settings.auto_recording \"cloud\" does that; a local recording stays on the host's "
        "computer), its recording was deleted, or this instance is not the one that was "
        "recorded. A webinar id means its latest instance; list_past_webinar_instances gives "
        "the UUIDs of the others.",
        target);
  else if (rc != 0)
    *out = app_tool_error(&err);
  zoom_error_clear(&err);
  free(path);
  return rc == 0 ? 0 : -1;
}

static bool file_is(json_t *file, const char *type) {
  const char *t = json_string_value(json_object_get(file, "file_type"));
  return t && strcmp(t, type) == 0;
}

static bool file_processing(json_t *file) {
  const char *st = json_string_value(json_object_get(file, "status"));
  return st && strcmp(st, "processing") == 0;
}

/* The transcript file of the recordings REPLY (borrowed): the audio transcript, else the
 * closed captions. NULL when there is none, with *STATUS saying why ("processing" or
 * "not_enabled"); else *STATUS is "available". */
static json_t *transcript_file(json_t *reply, const char **status) {
  static const char *const types[] = {"TRANSCRIPT", "CC"};
  json_t *files = json_object_get(reply, "recording_files");
  bool processing = false;
  size_t i;
  json_t *f;
  json_array_foreach(files, i, f) processing |= file_processing(f);
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    json_array_foreach(files, i, f) {
      if (file_is(f, types[t]) && !file_processing(f)) {
        *status = "available";
        return f;
      }
    }
  }
  *status = processing ? "processing" : "not_enabled";
  return NULL;
}

/* The file types of REPLY with their status, "MP4 (processing), M4A (processing)", into BUF. */
static void files_said(json_t *reply, char *buf, size_t size) {
  size_t i, n = 0;
  json_t *f;
  buf[0] = '\0';
  json_array_foreach(json_object_get(reply, "recording_files"), i, f) {
    const char *type = json_string_value(json_object_get(f, "file_type"));
    const char *st = json_string_value(json_object_get(f, "status"));
    if (n < size)
      n += (size_t)snprintf(buf + n, size - n, "%s%s%s%s%s", n ? ", " : "", type ? type : "?",
                            st ? " (" : "", st ? st : "", st ? ")" : "");
  }
  if (!buf[0])
    snprintf(buf, size, "none");
}

static json_t *get_webinar_recordings(mcp_call *call, json_t *args) {
  json_t *reply = NULL;
  if (recordings_fetch(call, args, &reply) != 0)
    return reply;
  if (!json_is_object(reply)) {
    json_decref(reply);
    return mcp_tool_error("Zoom's recordings reply is not an object");
  }
  if (!json_is_array(json_object_get(reply, "recording_files")))
    json_object_set_new(reply, "recording_files", json_array());
  const char *status;
  transcript_file(reply, &status);
  json_object_set_new(reply, "transcript_status", json_string(status));
  return engine_result(call, reply);
}

/* The tool error for a recording (REPLY, borrowed) without a readable transcript. */
static json_t *no_transcript(json_t *reply, const char *target, const char *status) {
  char files[400];
  files_said(reply, files, sizeof files);
  if (strcmp(status, "processing") == 0)
    return mcp_tool_error(
        "The cloud recording of webinar %s is still processing (files: %s). Zoom adds the "
        "transcript when processing ends, which often takes about as long as the webinar, and "
        "longer when it was long; try again later (get_webinar_recordings shows the files' "
        "status).",
        target, files);
  return mcp_tool_error(
      "The cloud recording of webinar %s has no transcript (files: %s): audio transcription was "
      "not enabled when it was recorded. An account admin can turn on \"Create audio "
      "transcript\" (Zoom web portal: Settings, Recording, Cloud recording) for future "
      "webinars.",
      target, files);
}

static json_t *get_webinar_transcript(mcp_call *call, json_t *args) {
  const char *format = json_string_value(json_object_get(args, "format"));
  bool raw = format && strcmp(format, "vtt") == 0;
  json_t *reply = NULL, *res = NULL, *data = NULL;
  char *body = NULL, *clean = NULL, *text = NULL;
  size_t len = 0, clen = 0;
  vtt_info info = {0};
  zoom_error err = {0};
  if (recordings_fetch(call, args, &reply) != 0)
    return reply;
  const char *target = recordings_target(args), *status = NULL;
  json_t *file = transcript_file(reply, &status);
  const char *url = json_string_value(json_object_get(file, "download_url"));
  if (!file) {
    res = no_transcript(reply, target, status);
    goto cleanup;
  }
  if (!url) {
    res = mcp_tool_error("The transcript of webinar %s has no download_url (an on-premise "
                         "account gives a file_path instead, which this server cannot read).",
                         target);
    goto cleanup;
  }
  zoom_cancel cancel = app_cancel_of(call);
  if (zoom_download(app_of(call)->zoom, url, TRANSCRIPT_MAX_BYTES, &cancel, &body, &len, &err) !=
      0) {
    res = app_tool_error(&err);
    goto cleanup;
  }
  if (!(clean = vtt_utf8_clean(body, len, &clen)) || !(text = vtt_read(clean, &info))) {
    res = clean ? mcp_tool_error("The transcript of webinar %s (%zu bytes) is not a WebVTT "
                                 "file, so it cannot be read as one.",
                                 target, len)
                : mcp_tool_error("out of memory");
    goto cleanup;
  }
  json_t *about = json_object();
  static const char *const keys[] = {"id",        "file_type",       "file_extension",
                                     "file_size", "recording_start", "recording_end"};
  for (size_t k = 0; about && k < sizeof keys / sizeof keys[0]; k++)
    if (json_object_get(file, keys[k]))
      json_object_set(about, keys[k], json_object_get(file, keys[k]));
  data = json_pack("{s:s, s:O, s:I, s:I, s:I, s:I, s:o, s:s}", "format", raw ? "vtt" : "text",
                   "speakers", info.speakers, "cues", (json_int_t)info.cues, "turns",
                   (json_int_t)info.turns, "duration_seconds", (json_int_t)(info.end_ms / 1000),
                   "bytes", (json_int_t)len, "file", about, "transcript", raw ? clean : text);
  static const char *const copied[] = {"id", "uuid", "topic", "start_time"};
  for (size_t k = 0; data && k < sizeof copied / sizeof copied[0]; k++)
    if (json_object_get(reply, copied[k]))
      json_object_set(data, strcmp(copied[k], "id") == 0 ? "webinar_id" : copied[k],
                      json_object_get(reply, copied[k]));
  res = engine_result(call, data);
cleanup:
  zoom_error_clear(&err);
  json_decref(info.speakers);
  json_decref(reply);
  free(text);
  free(clean);
  free(body);
  return res;
}

const app_handler recording_handlers[] = {
    {"get_webinar_recordings", get_webinar_recordings},
    {"get_webinar_transcript", get_webinar_transcript},
    {NULL, NULL},
};
