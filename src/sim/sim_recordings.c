/* sim_recordings.c - the simulator's cloud recordings: GET /meetings/{meetingId}/recordings for
 * past webinar instances, the authorised download route /rec/download/{fileId}, and the storage
 * host it redirects to (signed URLs, no Authorization header allowed), which serves the files.
 *
 * Which webinars have a recording: the first seeded held webinar (and every second one after
 * it) has a completed recording with an audio transcript (VTT); the other seeded held webinars
 * have one still processing; any other webinar that is over and whose settings.auto_recording
 * is "cloud" has a completed recording without a transcript (audio transcription is an account
 * setting, off by default). Only a webinar's latest instance is recorded: an earlier one (the
 * seeded false starts) has none, like a webinar never recorded (404 code 3301).
 *
 * The storage host is the sandbox itself under another host name (localhost for 127.0.0.1 and
 * the reverse), so a client that sends its token across the redirect is caught: the storage
 * route refuses any request with an Authorization header, as signed-URL stores do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_resources.h"

#define REC_KEY "recording" /* w->ext key of seeded webinars: "transcript" or "processing" */
#define REC_URL_TTL 3600    /* seconds a storage URL stays valid */

typedef enum { REC_NONE = 0, REC_TRANSCRIPT, REC_PROCESSING, REC_NO_TRANSCRIPT } rec_kind;

/* The files of a recording, in listing order; MASK says which kinds have the file. */
typedef struct rec_file {
  const char *type;           /* file_type */
  const char *extension;      /* file_extension */
  const char *recording_type; /* NULL: the spec gives TIMELINE none */
  const char *content_type;   /* as the storage host serves it */
  unsigned mask;              /* 1u << rec_kind */
} rec_file;

#define ALL_KINDS ((1u << REC_TRANSCRIPT) | (1u << REC_PROCESSING) | (1u << REC_NO_TRANSCRIPT))
#define COMPLETED_KINDS ((1u << REC_TRANSCRIPT) | (1u << REC_NO_TRANSCRIPT))

static const rec_file rec_files[] = {
    {"MP4", "MP4", "shared_screen_with_speaker_view", "video/mp4", ALL_KINDS},
    {"M4A", "M4A", "audio_only", "audio/mp4", ALL_KINDS},
    {"TRANSCRIPT", "VTT", "audio_transcript", "text/vtt;charset=UTF-8", 1u << REC_TRANSCRIPT},
    {"CHAT", "TXT", "chat_file", "text/plain;charset=UTF-8", COMPLETED_KINDS},
    {"TIMELINE", "JSON", NULL, "application/json", 1u << REC_TRANSCRIPT},
};

#define NFILES (sizeof rec_files / sizeof rec_files[0])

/* The transcript's cues: times in milliseconds from the recording's start, the speaker (an
 * index into the names recording_speakers gives) and the words, as Zoom writes them (the
 * speaker's name, a colon, then the text; entities escaped). The first, NULL, is the welcome
 * naming the topic. */
static const struct {
  unsigned start_ms, end_ms;
  int speaker;
  const char *text;
} cues[] = {
    {2310, 7900, 0, NULL},
    {8100, 13500, 0, "Today: the quarter's results, the roadmap, then your questions."},
    {15000, 21200, 1,
     "Thanks. Revenue grew twelve percent over the quarter,\nand churn fell for the third "
     "quarter in a row."},
    {21400, 26000, 1, "Most of that growth came from the new webinar add-on."},
    {27500, 30100, 0, "Great. Let's move on to the roadmap."},
    {31000, 38600, 2,
     "Next quarter we ship single sign-on for every plan &amp; a new analytics page."},
    {40200, 43900, 3, "Will the recording be shared afterwards?"},
    {44500, 49000, 0, "Yes: every registrant gets it within 24 hours."},
    {50000, 54500, 0, "Thank you all for coming. See you next quarter."},
};

static const char *const chat_lines[] = {
    "00:01:05\tMorgan Blake:\tHello from Lisbon!",
    "00:03:40\tRiley Chen:\tCan you share the slides afterwards?",
    "00:04:02\tSasha Ivanova:\tGreat quarter, congratulations.",
};

/* ---- which recording -------------------------------------------------------------------- */

static rec_kind recording_kind(const sim_past_ref *p) {
  if (!p->latest)
    return REC_NONE;
  const char *seeded = json_string_value(json_object_get(p->w->ext, REC_KEY));
  if (seeded)
    return strcmp(seeded, "transcript") == 0   ? REC_TRANSCRIPT
           : strcmp(seeded, "processing") == 0 ? REC_PROCESSING
                                               : REC_NONE;
  json_t *settings = json_object_get(p->w->obj, "settings");
  const char *mode = json_string_value(json_object_get(settings, "auto_recording"));
  return mode && strcmp(mode, "cloud") == 0 ? REC_NO_TRANSCRIPT : REC_NONE;
}

static uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* File K of webinar W's recording: a stable UUID-like id. */
static void file_id(const sim_webinar *w, size_t k, char out[40]) {
  uint64_t a = mix64((uint64_t)w->id * 16u + k), b = mix64(a);
  snprintf(out, 40, "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(a >> 32),
           (unsigned)(a >> 16) & 0xffffu, (unsigned)a & 0xfffu, (unsigned)(b >> 52) & 0xfffu,
           (unsigned long long)(b & 0xffffffffffffULL));
}

/* The speakers' names: the host, two more account users, a guest. */
static void recording_speakers(sim *s, const sim_webinar *w, const char *names[4]) {
  json_t *host = sim_user_find(s, w->host_id);
  const char *h = json_string_value(json_object_get(host, "display_name"));
  const char *u1 =
      json_string_value(json_object_get(json_array_get(s->acct.users, 1), "display_name"));
  const char *u2 =
      json_string_value(json_object_get(json_array_get(s->acct.users, 2), "display_name"));
  names[0] = h ? h : "Host";
  names[1] = u1 && u1 != h ? u1 : "Priya Shah";
  names[2] = u2 && u2 != h ? u2 : "Kenji Watanabe";
  names[3] = "Morgan Blake";
}

static void vtt_time(unsigned ms, char out[24]) {
  snprintf(out, 24, "%02u:%02u:%02u.%03u", ms / 3600000u % 100u, ms / 60000u % 60u,
           ms / 1000u % 60u, ms % 1000u);
}

/* The content of file K of W's recording (new string), or NULL on OOM. */
static char *file_content(sim *s, const sim_webinar *w, size_t k) {
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  if (!buf)
    return NULL;
  const char *type = rec_files[k].type;
  if (strcmp(type, "TRANSCRIPT") == 0) {
    const char *names[4];
    recording_speakers(s, w, names);
    n += (size_t)snprintf(buf + n, cap - n, "WEBVTT\n");
    for (size_t i = 0; i < sizeof cues / sizeof cues[0] && n < cap; i++) {
      char from[24], to[24], words[512];
      vtt_time(cues[i].start_ms, from);
      vtt_time(cues[i].end_ms, to);
      if (!cues[i].text)
        snprintf(words, sizeof words, "Good morning everyone, and welcome to %s.",
                 sim_webinar_topic(w));
      else
        snprintf(words, sizeof words, "%s", cues[i].text);
      n += (size_t)snprintf(buf + n, cap - n, "\n%zu\n%s --> %s\n%s: %s\n", i + 1, from, to,
                            names[cues[i].speaker], words);
    }
  } else if (strcmp(type, "CHAT") == 0) {
    for (size_t i = 0; i < sizeof chat_lines / sizeof chat_lines[0] && n < cap; i++)
      n += (size_t)snprintf(buf + n, cap - n, "%s\n", chat_lines[i]);
  } else if (strcmp(type, "TIMELINE") == 0) {
    snprintf(buf, cap, "{\"timeline\":[{\"ts\":\"00:00:02.310\",\"users\":[]}]}");
  } else {
    snprintf(buf, cap, "sandbox %s placeholder of webinar %lld\n", type, (long long)w->id);
  }
  return buf;
}

/* The storage host's signature of FILE until EXPIRES. */
static void storage_sig(sim *s, const char *file, long long expires, char out[17]) {
  uint64_t h = 0xcbf29ce484222325ULL;
  char text[160];
  snprintf(text, sizeof text, "%s|%lld|%s", file, expires, s->account_id);
  for (const char *c = text; *c; c++)
    h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
  snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* ---- GET /v2/meetings/{meetingId}/recordings ----------------------------------------------- */

static void reply_no_recording(sim_resp *rs) {
  sim_reply_error(rs, 404, 3301, "There is no recording for this meeting.");
}

static void recordings_get(sim *s, sim_req *rq, sim_resp *rs) {
  sim_past_ref p;
  rec_kind kind = REC_NONE;
  if (sim_past_find(s, sim_req_param(rq, "meetingId"), rq->now, &p) == 0)
    kind = recording_kind(&p);
  if (kind == REC_NONE) {
    reply_no_recording(rs);
    return;
  }
  char start[21], end[21], rstart[21];
  int64_t span = (int64_t)(p.duration > 0 ? p.duration : 60) * 60;
  sim_time_format(p.start, start);
  sim_time_format(p.start + 8, rstart);
  sim_time_format(p.start + span - 30, end);
  json_t *files = json_array();
  json_int_t total = 0;
  for (size_t k = 0; files && k < NFILES; k++) {
    const rec_file *f = &rec_files[k];
    if (!(f->mask & (1u << kind)))
      continue;
    char id[40], url[200];
    file_id(p.w, k, id);
    json_int_t size = strcmp(f->type, "MP4") == 0   ? (json_int_t)span * 41000
                      : strcmp(f->type, "M4A") == 0 ? (json_int_t)span * 4000
                                                    : 0;
    if (!size) {
      char *content = file_content(s, p.w, k);
      size = content ? (json_int_t)strlen(content) : 0;
      free(content);
    }
    snprintf(url, sizeof url, "%s/rec/download/%s", s->base_url, id);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "meeting_id", p.uuid, "recording_start",
                          rstart, "recording_end", end, "file_type", f->type, "file_extension",
                          f->extension, "download_url", url);
    if (o && f->recording_type) { /* TIMELINE (and CC) files carry none of these */
      char play[200];
      snprintf(play, sizeof play, "%s/rec/play/%s", SIM_JOIN_HOST, id);
      json_object_set_new(o, "id", json_string(id));
      json_object_set_new(o, "file_size", json_integer(size));
      json_object_set_new(o, "play_url", json_string(play));
      json_object_set_new(o, "status",
                          json_string(kind == REC_PROCESSING ? "processing" : "completed"));
      json_object_set_new(o, "recording_type", json_string(f->recording_type));
    }
    total += size;
    json_array_append_new(files, o);
  }
  char share[200], type[8];
  snprintf(share, sizeof share, "%s/rec/share/%lld", SIM_JOIN_HOST, (long long)p.w->id);
  snprintf(type, sizeof type, "%d", p.w->type);
  json_t *out =
      json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:I,s:s,s:o}", "uuid", p.uuid, "id",
                (json_int_t)p.w->id, "account_id", s->account_id, "host_id", p.w->host_id, "topic",
                sim_webinar_topic(p.w), "type", type, "start_time", start, "duration", p.duration,
                "total_size", total, "recording_count", (json_int_t)json_array_size(files),
                "share_url", share, "recording_files", files);
  sim_reply_json(rs, 200, out);
}

/* ---- the download route and the storage host ------------------------------------------------ */

/* The webinar and file index FILE names; -1 when none (or not downloadable yet: *PROCESSING). */
static int file_find(sim *s, const char *file, int64_t now, sim_webinar **w_out, size_t *k_out,
                     bool *processing) {
  *processing = false;
  for (size_t i = 0; file && i < s->acct.nwebinars; i++) {
    sim_webinar *w = s->acct.webinars[i];
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)w->id);
    sim_past_ref p;
    if (sim_past_find(s, idtext, now, &p) != 0)
      continue;
    rec_kind kind = recording_kind(&p);
    for (size_t k = 0; kind != REC_NONE && k < NFILES; k++) {
      char id[40];
      file_id(w, k, id);
      if (!(rec_files[k].mask & (1u << kind)) || strcmp(id, file) != 0)
        continue;
      *processing = kind == REC_PROCESSING;
      *w_out = w;
      *k_out = k;
      return *processing ? -1 : 0;
    }
  }
  return -1;
}

/* GET /rec/download/{fileId} (bearer token): 302 to a signed storage URL on another host. */
static void download_redirect(sim *s, sim_req *rq, sim_resp *rs) {
  const char *file = sim_req_param(rq, "fileId");
  sim_webinar *w;
  size_t k;
  bool processing;
  if (file_find(s, file, rq->now, &w, &k, &processing) != 0) {
    if (processing)
      sim_reply_error(rs, 404, 3301, "The recording is still processing.");
    else
      sim_reply_error(rs, 404, 3301, "There is no recording file with this id.");
    return;
  }
  const char *host = strcmp(s->listen_host, "127.0.0.1") == 0   ? "localhost"
                     : strcmp(s->listen_host, "localhost") == 0 ? "127.0.0.1"
                                                                : s->listen_host;
  long long expires = (long long)rq->now + REC_URL_TTL;
  char sig[17], url[320];
  storage_sig(s, file, expires, sig);
  snprintf(url, sizeof url, "http://%s:%u/storage/%s?expires=%lld&sig=%s", host, (unsigned)s->port,
           file, expires, sig);
  sim_reply_empty(rs, 302);
  sim_reply_header(rs, "Location", url);
}

/* GET /storage/{fileId}?expires=&sig= (no token: the URL is signed). */
static void storage_get(sim *s, sim_req *rq, sim_resp *rs) {
  const char *file = sim_req_param(rq, "fileId");
  const char *sig = sim_req_query(rq, "sig");
  long expires = 0;
  char want[17];
  sim_webinar *w;
  size_t k;
  bool processing;
  if (sim_req_header(rq, "Authorization")) {
    sim_reply_error(rs, 400, 400,
                    "Only one authentication mechanism is allowed: this URL is signed, so no "
                    "Authorization header may be sent to the storage host.");
    return;
  }
  if (sim_req_query_int(rq, "expires", 0, 0, 1L << 40, &expires) != 0 || !sig || !file) {
    sim_reply_error(rs, 403, 403, "Access denied: the URL is not signed.");
    return;
  }
  storage_sig(s, file, expires, want);
  if (strcmp(sig, want) != 0 || expires < rq->now) {
    sim_reply_error(rs, 403, 403, "Access denied: the signature is wrong or has expired.");
    return;
  }
  if (file_find(s, file, rq->now, &w, &k, &processing) != 0) {
    sim_reply_error(rs, 404, 404, "No such file.");
    return;
  }
  char *content = file_content(s, w, k);
  if (!content) {
    sim_reply_error(rs, 500, 500, "Out of memory.");
    return;
  }
  sim_reply_json(rs, 200, json_string(content));
  rs->content_type = rec_files[k].content_type;
  free(content);
}

/* ---- hooks ------------------------------------------------------------------------------------
 */

/* Seeded held webinars alternate: a recording with a transcript, then one still processing. */
static void hook_seed(sim *s, sim_webinar *w) {
  if (!w->ended)
    return;
  size_t before = 0;
  for (size_t i = 0; i < s->acct.nwebinars; i++)
    if (s->acct.webinars[i] != w && json_object_get(s->acct.webinars[i]->ext, REC_KEY))
      before++;
  json_object_set_new(w->ext, REC_KEY, json_string(before % 2 == 0 ? "transcript" : "processing"));
}

static const sim_route routes[] = {
    {"GET", "/v2/meetings/{meetingId}/recordings", SIM_CAT_LIGHT, recordings_get, 0},
    {"GET", "/rec/download/{fileId}", SIM_CAT_NONE, download_redirect, 0},
    {"GET", "/storage/{fileId}", SIM_CAT_NONE, storage_get, SIM_ROUTE_NO_AUTH},
};

const sim_module sim_module_recordings = {
    "recordings", routes, sizeof routes / sizeof routes[0], NULL, NULL, NULL, hook_seed,
};
