/* vtt.c - WebVTT transcripts read as speaker turns for a model to summarise, and the UTF-8
 * clean-up every downloaded text goes through before it becomes JSON. */
#include "tools/vtt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define VTT_SPEAKER_MAX 80 /* bytes of a "Name: " prefix taken as the speaker */

/* ---- UTF-8 -------------------------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at S (N bytes left), or 0 when it is invalid. */
static size_t utf8_valid(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0x01 && c <= 0x7F)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    need = 1;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
    hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
  } else
    return 0;
  if (n < need + 1 || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i <= need; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return need + 1;
}

char *vtt_utf8_clean(const char *text, size_t len, size_t *out_len) {
  if (len > (((size_t)-1) - 1) / 3)
    return NULL;
  char *out = malloc(len * 3 + 1);
  if (!out)
    return NULL;
  const unsigned char *s = (const unsigned char *)text;
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    size_t k = utf8_valid(s + i, len - i);
    if (k) {
      memcpy(out + o, s + i, k);
      o += k;
      i += k;
    } else {
      memcpy(out + o, "\xEF\xBF\xBD", 3); /* U+FFFD */
      o += 3;
      i++;
    }
  }
  out[o] = '\0';
  if (out_len)
    *out_len = o;
  return out;
}

/* ---- cues --------------------------------------------------------------------------------- */

/* Reads "[hh:]mm:ss.ttt" at S into *MS; returns the end, or NULL. */
static const char *timestamp(const char *s, long *ms) {
  long part[3];
  int n = 0;
  while (n < 3) {
    if (*s < '0' || *s > '9')
      return NULL;
    long v = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9' && digits < 9)
      v = v * 10 + (*s++ - '0'), digits++;
    part[n++] = v;
    if (*s != ':')
      break;
    s++;
  }
  if (n < 2 || *s != '.' || s[1] < '0' || s[1] > '9')
    return NULL;
  long frac = 0;
  int digits = 0;
  for (s++; *s >= '0' && *s <= '9'; s++)
    if (digits < 3)
      frac = frac * 10 + (*s - '0'), digits++;
  while (digits++ < 3)
    frac *= 10;
  long h = n == 3 ? part[0] : 0, m = part[n - 2], sec = part[n - 1];
  if (m > 59 || sec > 59 || h > 99999)
    return NULL;
  *ms = ((h * 60 + m) * 60 + sec) * 1000 + frac;
  return s;
}

/* The entity at S (after '&') decoded into OUT; returns its length with the ';', or 0. */
static size_t entity(const char *s, const char **out) {
  static const struct {
    const char *name, *text;
  } known[] = {{"amp;", "&"},
               {"lt;", "<"},
               {"gt;", ">"},
               {"nbsp;", " "},
               {"lrm;", "\xE2\x80\x8E"},
               {"rlm;", "\xE2\x80\x8F"},
               {"quot;", "\""},
               {"apos;", "'"}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    size_t n = strlen(known[i].name);
    if (strncmp(s, known[i].name, n) == 0) {
      *out = known[i].text;
      return n;
    }
  }
  return 0;
}

/* The words of PAYLOAD (tags dropped, entities decoded, blanks collapsed) into WORDS, and
 * the name of a <v Name> voice tag into VOICE (empty when none). */
static void cue_words(const char *payload, bytebuf *words, bytebuf *voice) {
  bool blank = true; /* at the start or after a blank: drop further blanks */
  for (const char *p = payload; *p;) {
    if (*p == '<') {
      const char *close = strchr(p, '>');
      if (!close)
        break;
      if (p[1] == 'v' && (p[2] == ' ' || p[2] == '.') && voice->len == 0) {
        const char *name = strchr(p, ' ');
        if (name && name < close) {
          while (*name == ' ')
            name++;
          size_t n = (size_t)(close - name);
          while (n > 0 && name[n - 1] == ' ')
            n--;
          buf_append(voice, name, n);
        }
      }
      p = close + 1;
      continue;
    }
    const char *text = NULL;
    size_t skip = *p == '&' ? entity(p + 1, &text) : 0;
    if (skip) {
      p += skip + 1;
    } else if (*p == ' ' || *p == '\t' || *p == '\n') {
      text = " ";
      p++;
    } else {
      buf_append(words, p++, 1);
      blank = false;
      continue;
    }
    if (text[0] == ' ' && text[1] == '\0') {
      if (!blank)
        buf_append(words, " ", 1);
      blank = true;
    } else {
      buf_append_str(words, text);
      blank = false;
    }
  }
  size_t len = words->len;
  while (len > 0 && words->data[len - 1] == ' ')
    len--;
  buf_truncate(words, len);
}

/* The length of a "Name: " speaker prefix of WORDS, or 0 when it has none. */
static size_t speaker_prefix(const char *words) {
  const char *colon = strstr(words, ": ");
  if (!colon || colon == words || (size_t)(colon - words) > VTT_SPEAKER_MAX)
    return 0;
  bool letter = false;
  for (const char *c = words; c < colon; c++) {
    if (*c == ':' || *c == '<')
      return 0;
    letter |= (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (unsigned char)*c >= 0x80;
  }
  return letter ? (size_t)(colon - words) : 0;
}

typedef struct reader {
  bytebuf out;
  bool failed;        /* a cue's words could not be gathered (out of memory) */
  char *last_speaker; /* owned; NULL: the last turn named none */
  vtt_info *info;
} reader;

static void speaker_note(reader *r, const char *name) {
  size_t i;
  json_t *v;
  json_array_foreach(r->info->speakers, i, v) {
    if (strcmp(json_string_value(v), name) == 0)
      return;
  }
  json_array_append_new(r->info->speakers, json_string(name));
}

/* One cue starting at START_MS with PAYLOAD (its lines joined by '\n'). */
static void cue_add(reader *r, long start_ms, const char *payload) {
  bytebuf words, voice;
  buf_init(&words, BUF_NO_CAP);
  buf_init(&voice, BUF_NO_CAP);
  cue_words(payload, &words, &voice);
  if (words.status != BUF_OK || voice.status != BUF_OK)
    r->failed = true;
  if (words.len == 0 || r->failed || r->out.status != BUF_OK)
    goto done;
  const char *text = words.data;
  char *speaker = NULL;
  if (voice.len) {
    speaker = strdup(voice.data);
  } else {
    size_t n = speaker_prefix(words.data);
    if (n) {
      speaker = strndup(words.data, n);
      text = words.data + n + 2;
    }
  }
  r->info->cues++;
  if (speaker && r->last_speaker && strcmp(speaker, r->last_speaker) == 0) {
    buf_append(&r->out, " ", 1);
    buf_append_str(&r->out, text);
    free(speaker);
    goto done;
  }
  long s = start_ms / 1000;
  buf_appendf(&r->out, "%s[%02ld:%02ld:%02ld] ", r->out.len ? "\n" : "", s / 3600, s / 60 % 60,
              s % 60);
  if (speaker) {
    buf_append_str(&r->out, speaker);
    buf_append(&r->out, ": ", 2);
    speaker_note(r, speaker);
  }
  buf_append_str(&r->out, text);
  r->info->turns++;
  free(r->last_speaker);
  r->last_speaker = speaker;
done:
  buf_free(&words);
  buf_free(&voice);
}

/* Empties the PAYLOAD of the next cue, keeping in R that it failed. */
static void payload_reset(reader *r, bytebuf *payload) {
  if (payload->status != BUF_OK)
    r->failed = true;
  buf_clear(payload);
}

/* True when LINE starts with WORD followed by a blank or its end. */
static bool starts_word(const char *line, const char *word) {
  size_t n = strlen(word);
  return strncmp(line, word, n) == 0 && (line[n] == '\0' || line[n] == ' ' || line[n] == '\t');
}

char *vtt_read(const char *text, vtt_info *info) {
  memset(info, 0, sizeof *info);
  if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
    text += 3;
  if (strncmp(text, "WEBVTT", 6) != 0 ||
      (text[6] && text[6] != ' ' && text[6] != '\t' && text[6] != '\n' && text[6] != '\r'))
    return NULL;
  reader r = {.info = info};
  bytebuf payload;
  buf_init(&r.out, BUF_NO_CAP);
  buf_init(&payload, BUF_NO_CAP);
  char *copy = strdup(text);
  if (!copy || !(info->speakers = json_array()))
    goto fail;
  enum { OUTSIDE, SKIP, CUE } state = SKIP; /* the header block first */
  long start = 0;
  char *line = copy;
  while (line) {
    char *end = line + strcspn(line, "\r\n");
    char *next = NULL;
    if (*end) {
      next = end + (end[0] == '\r' && end[1] == '\n' ? 2 : 1);
      *end = '\0';
    }
    if (*line == '\0') {
      if (state == CUE)
        cue_add(&r, start, payload.data ? payload.data : "");
      state = OUTSIDE;
      payload_reset(&r, &payload);
    } else if (state == CUE) {
      if (payload.len)
        buf_append(&payload, "\n", 1);
      buf_append_str(&payload, line);
    } else if (state == OUTSIDE && strstr(line, "-->")) {
      long stop = 0;
      const char *after = timestamp(line, &start);
      const char *arrow = after ? strstr(after, "-->") : NULL;
      if (arrow) {
        arrow += 3;
        while (*arrow == ' ' || *arrow == '\t')
          arrow++;
      }
      if (arrow && timestamp(arrow, &stop)) {
        state = CUE;
        if (stop > info->end_ms)
          info->end_ms = stop;
      } else {
        state = SKIP; /* a malformed cue */
      }
      payload_reset(&r, &payload);
    } else if (state == OUTSIDE && (starts_word(line, "NOTE") || starts_word(line, "STYLE") ||
                                    starts_word(line, "REGION"))) {
      state = SKIP;
    } /* else: a cue identifier, or a line of a block being skipped */
    line = next;
  }
  if (state == CUE)
    cue_add(&r, start, payload.data ? payload.data : "");
  if (r.failed || r.out.status != BUF_OK || payload.status != BUF_OK)
    goto fail;
  buf_free(&payload);
  free(copy);
  free(r.last_speaker);
  return buf_take(&r.out, NULL); /* "" when there were no cues */
fail:
  buf_free(&payload);
  free(copy);
  free(r.last_speaker);
  buf_free(&r.out);
  json_decref(info->speakers);
  info->speakers = NULL;
  return NULL;
}
