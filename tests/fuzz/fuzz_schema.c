/* fuzz_schema.c - fuzz target for mcp/schema: fuzzed JSON validated against
 * fixed schemas of the kinds the tools declare, and fuzzed JSON compiled as a
 * schema (then checked against itself and a few fixed values). Validation
 * must finish, and its message must be NUL-terminated within its buffer and
 * empty exactly when the value is valid. */
#include <pthread.h>
#include <string.h>

#include "base/log.h"
#include "fuzz.h"
#include "mcp/schema.h"

#define SCHEMA_MAX_INPUT 65536

/* Webinar-like tool arguments: nested objects, enums, patterns, bounds,
 * arrays, $defs, and every combinator. */
static const char *const fixed_schemas[] = {
    "{\"type\":\"object\",\"required\":[\"webinarId\"],\"additionalProperties\":false,"
    "\"properties\":{"
    "\"webinarId\":{\"type\":[\"string\",\"integer\"],\"pattern\":\"^[0-9]{9,12}$\"},"
    "\"topic\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"start_time\":{\"type\":\"string\",\"pattern\":"
    "\"^\\\\d{4}-\\\\d{2}-\\\\d{2}T\\\\d{2}:\\\\d{2}:\\\\d{2}(Z|[+-]\\\\d{2}:\\\\d{2})?$\"},"
    "\"duration\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1440},"
    "\"page_size\":{\"type\":\"integer\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":301},"
    "\"settings\":{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":4,\"properties\":{"
    "\"approval_type\":{\"enum\":[0,1,2]},"
    "\"audio\":{\"enum\":[\"both\",\"telephony\",\"voip\",\"thirdParty\"]},"
    "\"panelists\":{\"type\":\"array\",\"maxItems\":5,\"uniqueItems\":true,"
    "\"items\":{\"$ref\":\"#/$defs/person\"}}},"
    "\"additionalProperties\":{\"type\":\"boolean\"}}},"
    "\"$defs\":{\"person\":{\"type\":\"object\",\"required\":[\"email\"],\"properties\":{"
    "\"email\":{\"type\":\"string\",\"pattern\":\"^[^@ ]+@[^@ ]+\\\\.[a-z]{2,}$\"},"
    "\"name\":{\"type\":\"string\",\"maxLength\":64}}}}}",

    "{\"type\":\"array\",\"prefixItems\":[{\"const\":\"poll\"},{\"type\":\"number\"}],"
    "\"items\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},\"minItems\":2,"
    "\"maxItems\":8}",

    "{\"oneOf\":[{\"type\":\"object\",\"required\":[\"a\"]},{\"type\":\"object\",\"required\":["
    "\"b\"]}],"
    "\"not\":{\"type\":\"object\",\"required\":[\"c\"]},"
    "\"allOf\":[{\"type\":\"object\"},{\"properties\":{\"a\":{\"type\":\"number\",\"minimum\":-1.5,"
    "\"maximum\":1e6}},\"additionalProperties\":true}]}",

    "{\"definitions\":{\"q\":{\"type\":\"object\",\"properties\":{\"answers\":{\"type\":\"array\","
    "\"items\":{\"$ref\":\"#/definitions/q\"},\"maxItems\":3}}}},\"$ref\":\"#/definitions/q\"}",

    "{\"type\":\"integer\",\"minimum\":0,\"exclusiveMinimum\":true}",
    "true",
    "false",
};
#define NSCHEMAS (sizeof fixed_schemas / sizeof fixed_schemas[0])

static schema *compiled[NSCHEMAS];

static void schema_fuzz_init(void) {
  log_set_level(LOG_OFF);
  for (size_t i = 0; i < NSCHEMAS; i++) {
    char err[256] = "";
    json_t *doc = json_loads(fixed_schemas[i], JSON_DECODE_ANY, NULL);
    FUZZ_CHECK(doc != NULL, "a fixed schema is not JSON");
    compiled[i] = schema_compile(doc, err, sizeof err);
    if (!compiled[i])
      fprintf(stderr, "fixed schema %zu: %s\n", i, err);
    FUZZ_CHECK(compiled[i] != NULL, "a fixed schema does not compile");
    json_decref(doc);
  }
}

/* Validates VALUE against S and checks the message contract. */
static void schema_check_one(const schema *s, json_t *value) {
  char msg[600];
  memset(msg, 'X', sizeof msg);
  msg[0] = '\0';
  int rc = schema_validate(s, value, "arguments", msg, sizeof msg);
  FUZZ_CHECK(rc == 0 || rc == -1, "schema_validate returned something else");
  FUZZ_CHECK(memchr(msg, '\0', sizeof msg) != NULL, "the message is not terminated");
  if (rc == -1)
    FUZZ_CHECK(msg[0] != '\0', "invalid but no reason given");
  /* A second check of the same value gives the same answer (no state kept). */
  char again[600] = "";
  FUZZ_CHECK(schema_validate(s, value, "arguments", again, sizeof again) == rc,
             "validation is not repeatable");
  FUZZ_CHECK(strcmp(msg, again) == 0, "the message changed between two checks");
  /* A tiny buffer must be respected too. */
  char tiny[8];
  FUZZ_CHECK(schema_validate(s, value, "x", tiny, sizeof tiny) == rc, "small buffer changed rc");
  FUZZ_CHECK(memchr(tiny, '\0', sizeof tiny) != NULL, "the small message is not terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, schema_fuzz_init);
  if (size > SCHEMA_MAX_INPUT)
    return 0;
  json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
  if (!doc)
    return 0;
  for (size_t i = 0; i < NSCHEMAS; i++)
    schema_check_one(compiled[i], doc);
  char err[256];
  memset(err, 'X', sizeof err);
  schema *s = schema_compile(doc, err, sizeof err);
  if (s) {
    schema_check_one(s, doc);
    static const char *const probes[] = {"{}", "[]", "0", "\"\"", "null", "{\"a\":[1,\"x\"]}"};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
      json_t *v = json_loads(probes[i], JSON_DECODE_ANY, NULL);
      schema_check_one(s, v);
      json_decref(v);
    }
    schema_free(s);
  } else {
    FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0',
               "a refused schema has no reason");
  }
  json_decref(doc);
  return 0;
}
