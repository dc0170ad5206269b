/* simres.h - test support for the sandbox's webinar sub-resources: one-line calls over simtest. */
#ifndef TESTS_SIMRES_H
#define TESTS_SIMRES_H

#include <jansson.h>

#include "simtest.h"

/* Sends METHOD to the printf-style target (path and query, sent as given) with
 * BODY (JSON text or NULL). Returns the HTTP status (-1 on a transport error)
 * and stores the parsed body in *OUT (new reference, NULL when empty) when OUT
 * is not NULL. */
int simres_callf(simtest *t, const char *method, const char *body, json_t **out, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));

/* Borrowed string of OBJ at KEY ("" when absent); integer (-1 when absent). */
const char *simres_str(json_t *obj, const char *key);
long long simres_int(json_t *obj, const char *key);

#endif
