/* jsonrpc.c - JSON-RPC 2.0 parsing, classification and reply builders. */
#include "mcp/jsonrpc.h"

#include "mcp/mcp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t jsonrpc_depth(const char *buf, size_t len, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = buf[i];
    if (in_string) {
      if (c == '\\')
        i++; /* skip the escaped character */
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
    case '"':
      in_string = true;
      break;
    case '[':
    case '{':
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit)
          return limit + 1;
      }
      break;
    case ']':
    case '}':
      if (depth > 0)
        depth--;
      break;
    default:
      break;
    }
  }
  return deepest;
}

/* Counts the bytes C in BUF[0..LEN), stopping past LIMIT. */
static size_t count_byte(const char *buf, size_t len, char c, size_t limit) {
  size_t n = 0;
  const char *p = buf, *end = buf + len;
  while (n <= limit && (p = memchr(p, c, (size_t)(end - p))) != NULL) {
    n++;
    p++;
  }
  return n;
}

json_t *jsonrpc_parse(const char *buf, size_t len, size_t max_depth, int *code, char *err,
                      size_t errlen) {
  /* A frame with no more opening brackets than the limit cannot be too deep:
   * that is nearly every frame, and counting two bytes is cheap. */
  size_t opens = count_byte(buf, len, '{', max_depth);
  if (opens <= max_depth)
    opens += count_byte(buf, len, '[', max_depth - opens);
  if (opens > max_depth && jsonrpc_depth(buf, len, max_depth) > max_depth) {
    *code = MCP_INVALID_REQUEST;
    snprintf(err, errlen, "Invalid Request: JSON nested deeper than %zu levels", max_depth);
    return NULL;
  }
  json_error_t error;
  json_t *msg = json_loadb(buf, len, JSON_DECODE_ANY, &error);
  if (msg)
    return msg;
  *code = MCP_PARSE_ERROR;
  switch (json_error_code(&error)) {
  case json_error_invalid_utf8:
    snprintf(err, errlen, "Parse error: invalid UTF-8 at byte %d", error.position);
    break;
  case json_error_numeric_overflow:
    snprintf(err, errlen, "Parse error: number out of range at byte %d", error.position);
    break;
  default:
    snprintf(err, errlen, "Parse error: %s at byte %d", error.text, error.position);
    break;
  }
  return NULL;
}

bool jsonrpc_id_valid(const json_t *id) {
  return id && (json_is_string(id) || json_is_integer(id));
}

size_t jsonrpc_id_key(const json_t *id, char *out, size_t outlen) {
  int n;
  if (json_is_integer(id) && outlen >= 24) { /* the common case, without printf */
    json_int_t v = json_integer_value(id);
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    char digits[24];
    size_t d = 0;
    do
      digits[d++] = (char)('0' + u % 10);
    while (u /= 10);
    size_t o = 0;
    out[o++] = 'i';
    out[o++] = ':';
    if (v < 0)
      out[o++] = '-';
    while (d)
      out[o++] = digits[--d];
    out[o] = '\0';
    return o;
  }
  if (json_is_integer(id))
    n = snprintf(out, outlen, "i:%" JSON_INTEGER_FORMAT, json_integer_value(id));
  else
    n = snprintf(out, outlen, "s:%s", json_string_value(id) ? json_string_value(id) : "");
  return n < 0 ? 0 : (size_t)n;
}

/* Classifies a message with no method and a result or an error: the
 * client's answer to a server->client request, right or malformed. */
static jrpc_kind classify_response(json_t *msg, json_t **id, const char **why) {
  json_t *version = json_object_get(msg, "jsonrpc");
  json_t *result = json_object_get(msg, "result");
  json_t *error = json_object_get(msg, "error");
  if (!*id) {
    *why = "a response needs an id";
    return JRPC_BAD_RESPONSE;
  }
  /* null is allowed on an error response: the peer could not read the id */
  if (!jsonrpc_id_valid(*id) && !(json_is_null(*id) && error && !result)) {
    *why = "id must be a string or an integer";
    *id = NULL;
    return JRPC_BAD_RESPONSE;
  }
  if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0) {
    *why = "jsonrpc must be \"2.0\"";
    return JRPC_BAD_RESPONSE;
  }
  if (result && error) {
    *why = "a response carries result or error, not both";
    return JRPC_BAD_RESPONSE;
  }
  if (error && (!json_is_object(error) || !json_is_integer(json_object_get(error, "code")))) {
    *why = "error must be an object with an integer code";
    return JRPC_BAD_RESPONSE;
  }
  return JRPC_RESPONSE;
}

jrpc_kind jsonrpc_classify(json_t *msg, json_t **id, const char **why) {
  *id = json_object_get(msg, "id");
  json_t *version = json_object_get(msg, "jsonrpc");
  json_t *method = json_object_get(msg, "method");
  if (!method && (json_object_get(msg, "result") || json_object_get(msg, "error")))
    return classify_response(msg, id, why);
  bool has_id = *id != NULL;
  if (has_id && !jsonrpc_id_valid(*id)) {
    *why = json_is_null(*id)   ? "id must not be null"
           : json_is_real(*id) ? "id must be a string or an integer, not a fraction"
                               : "id must be a string or an integer";
    *id = json_null();
    return JRPC_INVALID;
  }
  if (!has_id)
    *id = json_null();
  if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0) {
    *why = "jsonrpc must be \"2.0\"";
    return JRPC_INVALID;
  }
  if (!method) {
    *why = has_id ? "a message needs a method, or exactly one of result and error"
                  : "a message needs a method (or an id with result or error)";
    return JRPC_INVALID;
  }
  if (!json_is_string(method)) {
    *why = "method must be a string";
    return JRPC_INVALID;
  }
  json_t *params = json_object_get(msg, "params");
  if (params && !json_is_object(params) && !json_is_array(params)) {
    *why = "params must be an object";
    return JRPC_INVALID;
  }
  if (json_object_get(msg, "result") || json_object_get(msg, "error")) {
    *why = "a request cannot carry result or error";
    return JRPC_INVALID;
  }
  if (!has_id) {
    *id = NULL;
    return JRPC_NOTIFICATION;
  }
  return JRPC_REQUEST;
}

json_t *jsonrpc_string(const char *text) {
  json_t *str = json_string(text);
  if (str)
    return str;
  /* Not valid UTF-8 (a message cut short, say): keep the ASCII, mark the rest. */
  size_t len = strlen(text);
  char *copy = malloc(len + 1);
  if (!copy)
    return json_string("");
  for (size_t i = 0; i <= len; i++)
    copy[i] = (unsigned char)text[i] < 0x80 ? text[i] : '?';
  str = json_string(copy);
  free(copy);
  return str;
}

json_t *jsonrpc_result(json_t *id, json_t *result) {
  json_t *msg = json_object();
  json_object_set_new(msg, "jsonrpc", json_string("2.0"));
  json_object_set(msg, "id", id ? id : json_null());
  json_object_set_new(msg, "result", result ? result : json_object());
  return msg;
}

json_t *jsonrpc_error(json_t *id, int code, const char *message, json_t *data) {
  json_t *err = json_object();
  json_object_set_new(err, "code", json_integer(code));
  json_object_set_new(err, "message", jsonrpc_string(message ? message : "error"));
  if (data)
    json_object_set_new(err, "data", data);
  json_t *msg = json_object();
  json_object_set_new(msg, "jsonrpc", json_string("2.0"));
  json_object_set(msg, "id", id ? id : json_null());
  json_object_set_new(msg, "error", err);
  return msg;
}

json_t *jsonrpc_notification(const char *method, json_t *params) {
  json_t *msg = json_object();
  json_object_set_new(msg, "jsonrpc", json_string("2.0"));
  json_object_set_new(msg, "method", json_string(method));
  if (params)
    json_object_set_new(msg, "params", params);
  return msg;
}
