/* chart.c - line charts as PNG images, drawn with cairo. libcairo.so.2 is
 * opened with dlopen on the first chart (a server that draws none never maps
 * it, nor fontconfig and freetype behind it); cairo.h gives the type of every
 * function taken from it. */
#include "tools/chart.h"

#include <cairo.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define CHART_PNG_MAX (4u << 20) /* a chart is ~20 KB; anything near this is a bug */

/* The cairo functions used here, each typed by its declaration in cairo.h. */
#define CAIRO_FUNCTIONS(X)                                                                         \
  X(cairo_image_surface_create)                                                                    \
  X(cairo_surface_status)                                                                          \
  X(cairo_surface_destroy)                                                                         \
  X(cairo_surface_write_to_png_stream)                                                             \
  X(cairo_create)                                                                                  \
  X(cairo_status)                                                                                  \
  X(cairo_destroy)                                                                                 \
  X(cairo_set_source_rgb)                                                                          \
  X(cairo_set_line_width)                                                                          \
  X(cairo_rectangle)                                                                               \
  X(cairo_fill)                                                                                    \
  X(cairo_stroke)                                                                                  \
  X(cairo_move_to)                                                                                 \
  X(cairo_line_to)                                                                                 \
  X(cairo_close_path)                                                                              \
  X(cairo_select_font_face)                                                                        \
  X(cairo_set_font_size)                                                                           \
  X(cairo_text_extents)                                                                            \
  X(cairo_show_text)                                                                               \
  X(cairo_save)                                                                                    \
  X(cairo_restore)                                                                                 \
  X(cairo_rotate)

/* F is a function's name, used as a member name too: it cannot be parenthesised.
 * NOLINTBEGIN(bugprone-macro-parentheses) */
#define CAIRO_FIELD(f) __typeof__(&f) f;
/* NOLINTEND(bugprone-macro-parentheses) */
static struct { CAIRO_FUNCTIONS(CAIRO_FIELD) } cr_api;

static pthread_once_t cr_once = PTHREAD_ONCE_INIT;
static char cr_problem[256]; /* empty once cairo is loaded; written once, under cr_once */

static void *cr_lib; /* kept open for the life of the process once complete */

static void cairo_load(void) {
  void *lib = dlopen("libcairo.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *e = dlerror();
    snprintf(cr_problem, sizeof cr_problem,
             "the chart needs cairo (Debian package libcairo2), which could not be loaded: %s",
             e ? e : "unknown error");
    return;
  }
  /* NOLINTBEGIN(bugprone-macro-parentheses): F names a function, as above */
#define CAIRO_RESOLVE(f)                                                                           \
  cr_api.f = (__typeof__(&f))dlsym(lib, #f);                                                       \
  if (!cr_api.f) {                                                                                 \
    snprintf(cr_problem, sizeof cr_problem, "libcairo.so.2 has no %s", #f);                        \
    dlclose(lib);                                                                                  \
    return;                                                                                        \
  }
  CAIRO_FUNCTIONS(CAIRO_RESOLVE)
#undef CAIRO_RESOLVE
  /* NOLINTEND(bugprone-macro-parentheses) */
  cr_lib = lib;
}

/* ---- PNG into memory ------------------------------------------------------------ */

/* Cairo's PNG writer appends to a bytebuf (CLOSURE) capped at CHART_PNG_MAX. */
static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int length) {
  buf_status st = buf_append(closure, data, length);
  return st == BUF_OK     ? CAIRO_STATUS_SUCCESS
         : st == BUF_FULL ? CAIRO_STATUS_WRITE_ERROR
                          : CAIRO_STATUS_NO_MEMORY;
}

/* ---- drawing ---------------------------------------------------------------------- */

/* A "nice" tick distance (1, 2 or 5 times a power of ten) for about N ticks up to
 * MAX (> 0). */
static double nice_step(double max, int n) {
  double raw = max / n, p = 1;
  while (p * 10 <= raw)
    p *= 10;
  while (p > raw)
    p /= 10;
  double f = raw / p;
  return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * p;
}

/* The whole number of STEPs that reaches at least V (>= 0). */
static double steps_to(double v, double step) {
  double k = (double)(long long)(v / step);
  return k * step < v ? k + 1 : k;
}

/* X rounded down to a pixel's edge, plus half a pixel: a crisp 1-pixel line. */
static double crisp(double x) {
  return (double)(long long)x + 0.5;
}

/* TEXT with its left (ALIGN 0), centre (1) or right (2) edge at X, baseline at Y. */
static void text_at(cairo_t *cr, const char *text, double x, double y, int align) {
  cairo_text_extents_t ext;
  cr_api.cairo_text_extents(cr, text, &ext);
  cr_api.cairo_move_to(cr, x - ext.x_advance * align / 2.0, y);
  cr_api.cairo_show_text(cr, text);
}

static void draw(cairo_t *cr, const chart_series *s) {
  const double left = 70, right = 24, top = 44, bottom = 56;
  const double pw = CHART_WIDTH - left - right, ph = CHART_HEIGHT - top - bottom;
  double ymax = 0;
  for (size_t i = 0; i < s->n; i++)
    if (s->values[i] > ymax && s->values[i] < 1e12)
      ymax = s->values[i];
  double ystep = nice_step(ymax > 0 ? ymax : 1, 5);
  double yticks = steps_to(ymax > 0 ? ymax : 1, ystep);
  ymax = yticks * ystep;
  double xmax = s->n > 1 ? (double)(s->n - 1) * s->step : s->step;
  double xstep = nice_step(xmax, 8);
  double xticks = steps_to(xmax, xstep);
  if (xticks * xstep > xmax * 1.0001)
    xticks -= 1; /* no tick past the last value */
#define PX(x) (left + (x) / xmax * pw)
#define PY(y) (top + ph - (y) / ymax * ph)

  cr_api.cairo_set_source_rgb(cr, 1, 1, 1);
  cr_api.cairo_rectangle(cr, 0, 0, CHART_WIDTH, CHART_HEIGHT);
  cr_api.cairo_fill(cr);
  cr_api.cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                                CAIRO_FONT_WEIGHT_NORMAL);

  /* grid and tick labels */
  char label[32];
  cr_api.cairo_set_font_size(cr, 11);
  cr_api.cairo_set_line_width(cr, 1);
  for (int k = 0; k <= (int)yticks; k++) {
    double y = k * ystep;
    cr_api.cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cr_api.cairo_move_to(cr, left, crisp(PY(y)));
    cr_api.cairo_line_to(cr, left + pw, crisp(PY(y)));
    cr_api.cairo_stroke(cr);
    cr_api.cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    snprintf(label, sizeof label, "%g", y);
    text_at(cr, label, left - 6, PY(y) + 4, 2);
  }
  for (int k = 0; k <= (int)xticks; k++) {
    double x = k * xstep;
    cr_api.cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cr_api.cairo_move_to(cr, crisp(PX(x)), top + ph);
    cr_api.cairo_line_to(cr, crisp(PX(x)), top + ph + 5);
    cr_api.cairo_stroke(cr);
    snprintf(label, sizeof label, "%g", x);
    text_at(cr, label, PX(x), top + ph + 18, 1);
  }

  /* the area under the curve, then the curve */
  cr_api.cairo_move_to(cr, PX(0), PY(0));
  for (size_t i = 0; i < s->n; i++)
    cr_api.cairo_line_to(cr, PX((double)i * s->step), PY(s->values[i]));
  cr_api.cairo_line_to(cr, PX((double)(s->n - 1) * s->step), PY(0));
  cr_api.cairo_close_path(cr);
  cr_api.cairo_set_source_rgb(cr, 0.75, 0.85, 0.97);
  cr_api.cairo_fill(cr);
  cr_api.cairo_set_source_rgb(cr, 0.1, 0.35, 0.75);
  cr_api.cairo_set_line_width(cr, 2);
  for (size_t i = 0; i < s->n; i++) {
    double x = PX((double)i * s->step), y = PY(s->values[i]);
    if (i == 0)
      cr_api.cairo_move_to(cr, x, y);
    else
      cr_api.cairo_line_to(cr, x, y);
  }
  cr_api.cairo_stroke(cr);

  /* axes, title, axis labels */
  cr_api.cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cr_api.cairo_set_line_width(cr, 1);
  cr_api.cairo_move_to(cr, left + 0.5, top);
  cr_api.cairo_line_to(cr, left + 0.5, top + ph + 0.5);
  cr_api.cairo_line_to(cr, left + pw, top + ph + 0.5);
  cr_api.cairo_stroke(cr);
  cr_api.cairo_set_font_size(cr, 12);
  if (s->x_label)
    text_at(cr, s->x_label, left + pw / 2, CHART_HEIGHT - 14, 1);
  if (s->y_label) {
    cr_api.cairo_save(cr);
    cr_api.cairo_move_to(cr, 0, 0);
    cr_api.cairo_rotate(cr, -3.14159265358979 / 2);
    text_at(cr, s->y_label, -(top + ph / 2), 20, 1);
    cr_api.cairo_restore(cr);
  }
  cr_api.cairo_set_font_size(cr, 15);
  if (s->title)
    text_at(cr, s->title, left, 26, 0);
#undef PX
#undef PY
}

int chart_png(const chart_series *s, unsigned char **png, size_t *len, char *why, size_t why_size) {
  int rc = -1;
  bytebuf out;
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  *png = NULL;
  *len = 0;
  buf_init(&out, CHART_PNG_MAX);
  if (!s || !s->values || s->n == 0 || s->n > CHART_POINTS_MAX || !(s->step > 0)) {
    snprintf(why, why_size, "nothing to draw (no attendance over time)");
    return -1;
  }
  pthread_once(&cr_once, cairo_load);
  if (cr_problem[0]) {
    snprintf(why, why_size, "%s", cr_problem);
    return -1;
  }
  surface = cr_api.cairo_image_surface_create(CAIRO_FORMAT_RGB24, CHART_WIDTH, CHART_HEIGHT);
  if (cr_api.cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
    goto failed;
  cr = cr_api.cairo_create(surface);
  draw(cr, s);
  if (cr_api.cairo_status(cr) != CAIRO_STATUS_SUCCESS ||
      cr_api.cairo_surface_write_to_png_stream(surface, png_write, &out) != CAIRO_STATUS_SUCCESS ||
      !(*png = (unsigned char *)buf_take(&out, len)))
    goto failed;
  rc = 0;
  goto cleanup;
failed:
  snprintf(why, why_size, "cairo could not draw the chart (out of memory?)");
cleanup:
  if (cr)
    cr_api.cairo_destroy(cr);
  if (surface)
    cr_api.cairo_surface_destroy(surface);
  buf_free(&out);
  return rc;
}

char *chart_base64(const unsigned char *data, size_t len) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
    return NULL;
  char *out = malloc((len + 2) / 3 * 4 + 1);
  if (!out)
    return NULL;
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
    out[o++] = alphabet[v >> 18 & 63];
    out[o++] = alphabet[v >> 12 & 63];
    out[o++] = alphabet[v >> 6 & 63];
    out[o++] = alphabet[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0);
    out[o++] = alphabet[v >> 18 & 63];
    out[o++] = alphabet[v >> 12 & 63];
    out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
    out[o++] = '=';
  }
  out[o] = '\0';
  return out;
}
