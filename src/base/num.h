/* num.h - numbers from text (flags, environment, files) with range checks. */
#ifndef BASE_NUM_H
#define BASE_NUM_H

/* Parses TEXT, a whole decimal number with an optional leading '-' and
 * nothing else (no spaces, no '+', no trailing characters), into *OUT when it
 * lies in [MIN, MAX]. Returns 0, or -1 leaving *OUT untouched. */
int num_parse_ll(const char *text, long long min, long long max, long long *out);

/* The same for an unsigned decimal number in [0, MAX]. */
int num_parse_ull(const char *text, unsigned long long max, unsigned long long *out);

/* Parses TEXT, a decimal fraction such as "0.25", into *OUT when it lies in
 * [MIN, MAX] (not NaN, not infinite). Returns 0, or -1. */
int num_parse_double(const char *text, double min, double max, double *out);

/* Reads exactly N decimal digits at *P (1 <= N <= 9) into *OUT and moves *P
 * past them. Returns 0, or -1 (nothing moved) when fewer than N digits are
 * there: for fixed-width fields such as the parts of a date. */
int num_digits(const char **p, int n, int *out);

#endif
