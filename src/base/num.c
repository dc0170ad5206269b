/* num.c - range-checked number parsing. */
#include "base/num.h"

#include <errno.h>
#include <stdlib.h>

/* strtoll and friends skip spaces and take a sign: the text must start with
 * a digit (or '-' then a digit, when SIGNED_OK) for the whole of it to be a number. */
static int starts_like_number(const char *text, int signed_ok) {
  if (!text)
    return 0;
  if (signed_ok && *text == '-')
    text++;
  return *text >= '0' && *text <= '9';
}

int num_parse_ll(const char *text, long long min, long long max, long long *out) {
  if (!starts_like_number(text, 1))
    return -1;
  char *end = NULL;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno || *end || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

int num_parse_ull(const char *text, unsigned long long max, unsigned long long *out) {
  if (!starts_like_number(text, 0))
    return -1;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || *end || v > max)
    return -1;
  *out = v;
  return 0;
}

int num_parse_double(const char *text, double min, double max, double *out) {
  if (!starts_like_number(text, 1) && !(text && text[0] == '.'))
    return -1;
  char *end = NULL;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || *end || !(v >= min && v <= max))
    return -1;
  *out = v;
  return 0;
}

int num_digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9')
      return -1;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return 0;
}
