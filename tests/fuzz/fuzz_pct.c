/* fuzz_pct.c - fuzz target for base/pct: decoding never overruns, and
 * encoding is a lossless, RFC 3986-safe round trip of what decoding yields. */
#include <stdbool.h>
#include <string.h>

#include "base/pct.h"
#include "fuzz.h"

#define PCT_MAX_INPUT 65536

/* True when every byte of S is unreserved or part of a %XX escape (upper-case hex). */
static bool pct_is_safe(const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~')
      continue;
    if (c != '%' || !strchr("0123456789ABCDEF", s[1]) || !s[1] ||
        !strchr("0123456789ABCDEF", s[2]) || !s[2])
      return false;
    s += 2;
  }
  return true;
}

/* Checks that S (a NUL-terminated string) encodes to safe text that decodes,
 * in both modes, back to S. */
static void pct_check_round_trip(const char *s) {
  char *enc = pct_encode(s);
  FUZZ_CHECK(enc != NULL, "pct_encode failed");
  FUZZ_CHECK(pct_is_safe(enc), "pct_encode left a reserved byte");
  FUZZ_CHECK(strlen(enc) <= strlen(s) * 3, "pct_encode grew more than threefold");
  for (int form = 0; form < 2; form++) {
    char *back = pct_decode(enc, strlen(enc), form);
    FUZZ_CHECK(back != NULL, "an encoded string did not decode");
    FUZZ_CHECK(strcmp(back, s) == 0, "decode(encode(s)) != s");
    free(back);
  }
  free(enc);
}

/* Form decoding of SRC must equal plain decoding of SRC with every literal
 * '+' written as %20. */
static void pct_check_form(const char *src, size_t size, const char *form_dec) {
  char *spelled = malloc(size * 3 + 1);
  FUZZ_CHECK(spelled != NULL, "out of memory");
  size_t o = 0;
  for (size_t i = 0; i < size; i++) {
    if (src[i] == '+') {
      spelled[o++] = '%';
      spelled[o++] = '2';
      spelled[o++] = '0';
    } else {
      spelled[o++] = src[i];
    }
  }
  char *plain = pct_decode(spelled, o, false);
  FUZZ_CHECK((plain == NULL) == (form_dec == NULL), "form and plain decoding disagree on errors");
  if (plain)
    FUZZ_CHECK(strcmp(plain, form_dec) == 0, "form decoding differs from '+' as %20");
  free(plain);
  free(spelled);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > PCT_MAX_INPUT)
    return 0;
  const char *src = (const char *)data;
  for (int form = 0; form < 2; form++) {
    char *dec = pct_decode(src, size, form);
    if (form)
      pct_check_form(src, size, dec);
    if (!dec)
      continue;
    FUZZ_CHECK(strlen(dec) <= size, "pct_decode lengthened its input");
    pct_check_round_trip(dec);
    free(dec);
  }
  /* The raw bytes as a string (up to the first NUL) must survive a round trip too. */
  char *raw = malloc(size + 1);
  FUZZ_CHECK(raw != NULL, "out of memory");
  memcpy(raw, data, size);
  raw[size] = '\0';
  pct_check_round_trip(raw);
  free(raw);
  return 0;
}
