/* schema.h - a compiled subset of JSON Schema (2020-12) for tool arguments.
 *
 * A schema is compiled once (at tool registration) into a tree that can be
 * checked many times from many threads with no allocation beyond the error
 * text. Keywords understood: type (a name or an array of names; "integer"
 * accepts only integral JSON numbers), enum, const, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum (numbers, or draft-04 booleans),
 * minLength, maxLength (in code points), pattern (ECMA subset translated to
 * POSIX extended regex), items, prefixItems, minItems, maxItems, uniqueItems,
 * properties, required, additionalProperties (false or a schema),
 * minProperties, maxProperties, allOf, anyOf, oneOf, not, $ref to
 * "#/$defs/..." or "#/definitions/...", and the boolean schemas true and
 * false. Other keywords (format, description, default, ...) are accepted and
 * ignored. */
#ifndef MCP_SCHEMA_H
#define MCP_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

typedef struct schema schema;

/* Compiles DOC (borrowed; an object or a boolean). Returns a new schema, or
 * NULL with a reason in ERR (bad keyword value, pattern that does not
 * compile, unresolvable $ref). */
schema *schema_compile(json_t *doc, char *err, size_t errlen);

/* Checks VALUE (borrowed) against S. PATH names the value in messages (for
 * example "arguments"). Returns 0 when valid; otherwise -1 and writes into
 * MSG one "path: reason" per problem, joined by "; " (at most 8, then
 * "..."), e.g. "arguments.settings.approval_type: must be one of 0, 1, 2". */
int schema_validate(const schema *s, json_t *value, const char *path, char *msg, size_t msglen);

/* Frees S. Accepts NULL. */
void schema_free(schema *s);

#endif
