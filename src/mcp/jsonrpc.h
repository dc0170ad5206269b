/* jsonrpc.h - JSON-RPC 2.0 framing helpers of the MCP core: bounded parsing,
 * message classification and reply construction. Internal to src/mcp (and
 * its unit tests); transports use mcp.h. */
#ifndef MCP_JSONRPC_H
#define MCP_JSONRPC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* What an incoming object is. */
typedef enum {
  JRPC_REQUEST,      /* method + id */
  JRPC_NOTIFICATION, /* method, no id */
  JRPC_RESPONSE,     /* result or error + id: an answer to a server->client request */
  JRPC_BAD_RESPONSE, /* no method, a result or an error, but malformed: never answered */
  JRPC_INVALID       /* not a valid JSON-RPC 2.0 message */
} jrpc_kind;

/* Returns the deepest nesting of arrays/objects in BUF[0..LEN), scanning at
 * most until it exceeds LIMIT (then returns LIMIT + 1). Strings are skipped,
 * escapes included. Never allocates. */
size_t jsonrpc_depth(const char *buf, size_t len, size_t limit);

/* Parses one frame. Returns a new reference, or NULL with a one-line reason
 * in ERR (the error code to answer is then in *CODE: -32700 for bad JSON and
 * invalid UTF-8, -32600 for nesting deeper than MAX_DEPTH). */
json_t *jsonrpc_parse(const char *buf, size_t len, size_t max_depth, int *code, char *err,
                      size_t errlen);

/* Classifies MSG (an object). On JRPC_INVALID, *WHY says what is wrong (a
 * static string) and *ID is the id to answer with (borrowed; json null when
 * the id itself is unusable). On JRPC_BAD_RESPONSE, *WHY says what is wrong
 * and *ID is the message id (borrowed), or NULL when it has no usable one: a
 * response is never answered, whatever is wrong with it. On success *ID is
 * the message id (borrowed; json null for an error response the peer could
 * not give an id) or NULL for a notification. */
jrpc_kind jsonrpc_classify(json_t *msg, json_t **id, const char **why);

/* True when ID is a valid JSON-RPC id for MCP: a string or an integer. */
bool jsonrpc_id_valid(const json_t *id);

/* Writes a canonical key for ID into OUT ("s:<text>" or "i:<number>"),
 * truncated to OUTLEN. Returns the length that would have been written. */
size_t jsonrpc_id_key(const json_t *id, char *out, size_t outlen);

/* Returns a new JSON string of TEXT; bytes that are not valid UTF-8 become
 * '?' (messages cut short by a buffer never break the output). */
json_t *jsonrpc_string(const char *text);

/* Builds {"jsonrpc":"2.0","id":ID,"result":RESULT}. ID is borrowed (copied
 * by reference), RESULT is stolen. Returns a new reference. */
json_t *jsonrpc_result(json_t *id, json_t *result);

/* Builds an error response. ID is borrowed (NULL means json null), DATA is
 * stolen (may be NULL). Returns a new reference. */
json_t *jsonrpc_error(json_t *id, int code, const char *message, json_t *data);

/* Builds a notification; PARAMS is stolen (may be NULL). New reference. */
json_t *jsonrpc_notification(const char *method, json_t *params);

/* ---- writing JSON ---------------------------------------------------------- */

/* An output buffer: it starts in the caller's storage and moves to the heap
 * when it outgrows it. */
typedef struct jsonrpc_buf {
  char *data;
  size_t len, cap;
  bool on_heap;
  bool failed; /* out of memory, or a value json_dumpb would refuse */
} jsonrpc_buf;

/* A value serialized earlier: VALUE (compared by pointer) is written as the
 * LEN bytes of TEXT instead of being serialized again. */
typedef struct jsonrpc_splice {
  const json_t *value;
  const char *text;
  size_t len;
} jsonrpc_splice;

/* Starts B in STORAGE (CAP bytes; may be NULL with CAP 0). */
void jsonrpc_buf_init(jsonrpc_buf *b, char *storage, size_t cap);

/* Appends the N bytes of S. */
void jsonrpc_buf_put(jsonrpc_buf *b, const char *s, size_t n);

/* Appends V as compact JSON, byte for byte what json_dumpb(V, JSON_COMPACT |
 * JSON_ENCODE_ANY) writes (members in insertion order, UTF-8 kept, control
 * characters, quotes and backslashes escaped), faster: strings are copied in
 * runs rather than a character at a time. SPLICE (may be NULL) names a value
 * whose serialization is already at hand. Returns 0, or -1 with B->failed set
 * where json_dumpb fails too (a string that is not valid UTF-8, nesting
 * deeper than 2048, which a loop reaches) or when memory runs out. */
int jsonrpc_buf_put_json(jsonrpc_buf *b, const json_t *v, const jsonrpc_splice *splice);

/* Frees what B moved to the heap. */
void jsonrpc_buf_release(jsonrpc_buf *b);

#endif
