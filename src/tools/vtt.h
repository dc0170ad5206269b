/* vtt.h - a WebVTT transcript (Zoom's TRANSCRIPT and CC files) read as speaker turns. */
#ifndef TOOLS_VTT_H
#define TOOLS_VTT_H

#include <jansson.h>
#include <stddef.h>

/* A new NUL-terminated copy of the LEN bytes at TEXT that is valid UTF-8: each byte of an
 * invalid or overlong sequence, and each NUL, becomes U+FFFD. *OUT_LEN (may be NULL) gets
 * its length. NULL on OOM. */
char *vtt_utf8_clean(const char *text, size_t len, size_t *out_len);

/* What vtt_read found. */
typedef struct vtt_info {
  size_t cues;      /* cues with words */
  size_t turns;     /* lines of the text: consecutive cues of one speaker are one turn */
  json_t *speakers; /* new array of names, in order of first words */
  long end_ms;      /* the last cue's end, milliseconds from the start */
} vtt_info;

/* Reads the WebVTT document TEXT (valid UTF-8, NUL-terminated) and returns a new string
 * (free it): one line per turn, "[hh:mm:ss] Speaker: words" (the turn's first cue start),
 * or "[hh:mm:ss] words" when no speaker is named. The speaker is a <v Name> voice tag, else
 * the words before the first ": " of the cue (at most 80 bytes, as Zoom writes them); other
 * tags are dropped and the entities &amp; &lt; &gt; &nbsp; &lrm; &rlm; decoded. NOTE, STYLE
 * and REGION blocks and cue settings are skipped. Fills *INFO (release info->speakers).
 * NULL when TEXT does not start with "WEBVTT" (a byte-order mark allowed) or on OOM. */
char *vtt_read(const char *text, vtt_info *info);

#endif
