/* chart.h - charts as PNG images, drawn with cairo (loaded on the first chart,
 * so a server that draws none never maps it). */
#ifndef TOOLS_CHART_H
#define TOOLS_CHART_H

#include <stddef.h>

/* A line chart of VALUES[0..N) at X = 0, STEP, 2 STEP, ... */
typedef struct chart_series {
  const char *title;   /* drawn at the top */
  const char *x_label; /* e.g. "minutes since the start" */
  const char *y_label; /* e.g. "people present" */
  const double *values;
  size_t n;    /* at least 1, at most CHART_POINTS_MAX */
  double step; /* x distance between two values, > 0 */
} chart_series;

#define CHART_POINTS_MAX 1000
#define CHART_WIDTH 800
#define CHART_HEIGHT 400

/* Draws S as a CHART_WIDTH x CHART_HEIGHT PNG. On success *PNG holds a new
 * malloc'd buffer of *LEN bytes (the caller frees it) and 0 is returned; else
 * -1 with the reason in WHY (cairo missing, out of memory). Thread-safe. */
int chart_png(const chart_series *s, unsigned char **png, size_t *len, char *why, size_t why_size);

/* DATA[0..LEN) in base64 (RFC 4648, padded). New string, NULL on OOM. */
char *chart_base64(const unsigned char *data, size_t len);

#endif
