/* jsonrpc.c - JSON-RPC 2.0 parsing, classification and reply builders. */
#include "mcp/jsonrpc.h"

#include "mcp/mcp.h"

#include <inttypes.h>
#include <stdint.h>
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

/* ---- writing JSON ---------------------------------------------------------- */

#define WRITE_MAX_DEPTH 2048 /* jansson's parser stops at the same depth */

void jsonrpc_buf_init(jsonrpc_buf *b, char *storage, size_t cap) {
  b->data = storage;
  b->len = 0;
  b->cap = storage ? cap : 0;
  b->on_heap = false;
  b->failed = false;
}

/* Makes room for N more bytes. Returns false (B->failed) when it cannot. */
static bool buf_reserve(jsonrpc_buf *b, size_t n) {
  if (b->failed)
    return false;
  if (n <= b->cap - b->len)
    return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < n) {
    if (cap > SIZE_MAX / 2) {
      b->failed = true;
      return false;
    }
    cap *= 2;
  }
  char *grown = b->on_heap ? realloc(b->data, cap) : malloc(cap);
  if (!grown) {
    b->failed = true;
    return false;
  }
  if (!b->on_heap && b->len)
    memcpy(grown, b->data, b->len);
  b->data = grown;
  b->cap = cap;
  b->on_heap = true;
  return true;
}

void jsonrpc_buf_put(jsonrpc_buf *b, const char *s, size_t n) {
  if (n && buf_reserve(b, n)) {
    memcpy(b->data + b->len, s, n);
    b->len += n;
  }
}

static void buf_put_char(jsonrpc_buf *b, char c) {
  if (buf_reserve(b, 1))
    b->data[b->len++] = c;
}

void jsonrpc_buf_release(jsonrpc_buf *b) {
  if (b->on_heap)
    free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->on_heap = false;
}

/* The length of the UTF-8 sequence at P (N bytes left), or 0 when it is not
 * one jansson accepts (a stray continuation byte, an overlong form, a
 * surrogate, beyond U+10FFFF, cut short). */
static size_t utf8_sequence(const unsigned char *p, size_t n) {
  size_t len;
  uint32_t cp;
  if (p[0] < 0xC2)
    return 0;
  if (p[0] < 0xE0) {
    len = 2;
    cp = p[0] & 0x1Fu;
  } else if (p[0] < 0xF0) {
    len = 3;
    cp = p[0] & 0x0Fu;
  } else if (p[0] < 0xF5) {
    len = 4;
    cp = p[0] & 0x07u;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0u) != 0x80u)
      return 0;
    cp = cp << 6 | (p[i] & 0x3Fu);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

/* Appends S (N bytes) as a JSON string, escaped as jansson escapes it. */
static int buf_put_string(jsonrpc_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s;
  buf_put_char(b, '"');
  size_t run = 0; /* start of the bytes not yet copied */
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      i++;
      continue;
    }
    if (c >= 0x80) {
      size_t len = utf8_sequence(p + i, n - i);
      if (!len) {
        b->failed = true;
        return -1;
      }
      i += len;
      continue;
    }
    jsonrpc_buf_put(b, s + run, i - run);
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    size_t elen = 2;
    switch (c) {
    case '"':
    case '\\':
      esc[1] = (char)c;
      break;
    case '\b':
      esc[1] = 'b';
      break;
    case '\f':
      esc[1] = 'f';
      break;
    case '\n':
      esc[1] = 'n';
      break;
    case '\r':
      esc[1] = 'r';
      break;
    case '\t':
      esc[1] = 't';
      break;
    default:
      elen = 6;
      break;
    }
    jsonrpc_buf_put(b, esc, elen);
    run = ++i;
  }
  jsonrpc_buf_put(b, s + run, n - run);
  buf_put_char(b, '"');
  return b->failed ? -1 : 0;
}

static int buf_put_value(jsonrpc_buf *b, const json_t *v, const jsonrpc_splice *splice, int depth) {
  if (!v || depth > WRITE_MAX_DEPTH || b->failed) {
    b->failed = true;
    return -1;
  }
  if (splice && v == splice->value) {
    jsonrpc_buf_put(b, splice->text, splice->len);
    return b->failed ? -1 : 0;
  }
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    buf_put_char(b, '{');
    bool first = true;
    for (void *it = json_object_iter((json_t *)v); it;
         it = json_object_iter_next((json_t *)v, it)) {
      if (!first)
        buf_put_char(b, ',');
      first = false;
      if (buf_put_string(b, json_object_iter_key(it), json_object_iter_key_len(it)) != 0)
        return -1;
      buf_put_char(b, ':');
      if (buf_put_value(b, json_object_iter_value(it), splice, depth + 1) != 0)
        return -1;
    }
    buf_put_char(b, '}');
    break;
  }
  case JSON_ARRAY: {
    buf_put_char(b, '[');
    for (size_t i = 0; i < json_array_size(v); i++) {
      if (i)
        buf_put_char(b, ',');
      if (buf_put_value(b, json_array_get(v, i), splice, depth + 1) != 0)
        return -1;
    }
    buf_put_char(b, ']');
    break;
  }
  case JSON_STRING:
    return buf_put_string(b, json_string_value(v), json_string_length(v));
  case JSON_INTEGER: {
    char num[32];
    int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    jsonrpc_buf_put(b, num, (size_t)n);
    break;
  }
  case JSON_TRUE:
    jsonrpc_buf_put(b, "true", 4);
    break;
  case JSON_FALSE:
    jsonrpc_buf_put(b, "false", 5);
    break;
  case JSON_NULL:
    jsonrpc_buf_put(b, "null", 4);
    break;
  case JSON_REAL: { /* jansson's own text: %.17g made to read back as a real */
    char text[128];
    size_t n = json_dumpb(v, text, sizeof text, JSON_COMPACT | JSON_ENCODE_ANY);
    if (n == 0 || n > sizeof text)
      b->failed = true;
    else
      jsonrpc_buf_put(b, text, n);
    break;
  }
  }
  return b->failed ? -1 : 0;
}

int jsonrpc_buf_put_json(jsonrpc_buf *b, const json_t *v, const jsonrpc_splice *splice) {
  return buf_put_value(b, v, splice, 0);
}
