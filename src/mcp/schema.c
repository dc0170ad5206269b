/* schema.c - compiles and checks the JSON Schema subset described in schema.h. */
#include "mcp/schema.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  T_NULL = 1u << 0,
  T_BOOLEAN = 1u << 1,
  T_INTEGER = 1u << 2,
  T_NUMBER = 1u << 3,
  T_STRING = 1u << 4,
  T_ARRAY = 1u << 5,
  T_OBJECT = 1u << 6
};

static const struct {
  const char *name;
  unsigned bit;
} type_names[] = {{"null", T_NULL},     {"boolean", T_BOOLEAN}, {"integer", T_INTEGER},
                  {"number", T_NUMBER}, {"string", T_STRING},   {"array", T_ARRAY},
                  {"object", T_OBJECT}};

#define NTYPES (sizeof type_names / sizeof type_names[0])
#define MAX_REF_DEPTH 32
#define MAX_ERRORS 8

typedef struct schema_list {
  size_t n;
  schema **items;
} schema_list;

struct schema {
  bool never; /* the schema `false` */
  unsigned types;
  json_t *enum_values; /* owned array, or NULL */
  json_t *const_value; /* owned, or NULL */
  bool has_min, has_max, has_xmin, has_xmax;
  double min, max, xmin, xmax;
  long long min_len, max_len;     /* -1 = unset */
  long long min_items, max_items; /* -1 = unset */
  long long min_props, max_props; /* -1 = unset */
  bool unique_items;
  bool has_pattern;
  regex_t pattern;
  char *pattern_src;
  schema *items;
  schema_list prefix_items;
  size_t nprops;
  char **prop_names;
  schema **props;
  size_t nrequired;
  char **required;
  bool no_additional;
  schema *additional;
  schema_list all_of, any_of, one_of;
  schema *not_schema;
};

/* ---- compiling ------------------------------------------------------------ */

typedef struct compiler {
  json_t *root;
  char *err;
  size_t errlen;
  bool failed;
} compiler;

static schema *compile_node(compiler *c, json_t *doc, const char *where, int depth);

static void compile_fail(compiler *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void compile_fail(compiler *c, const char *fmt, ...) {
  if (c->failed)
    return;
  c->failed = true;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, c->errlen, fmt, ap);
  va_end(ap);
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

/* Translates the common ECMA regex escapes into POSIX extended syntax:
 * \d \D \w \W \s \S outside brackets, \d \w \s inside them, and \X for a
 * punctuation X inside brackets. Returns a new string or NULL. */
static char *pattern_to_posix(const char *src) {
  size_t n = strlen(src);
  char *out = malloc(n * 12 + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  bool in_bracket = false;
  for (size_t i = 0; i < n; i++) {
    char ch = src[i];
    if (ch == '\\' && i + 1 < n) {
      char e = src[++i];
      const char *rep = NULL;
      if (!in_bracket) {
        switch (e) {
        case 'd':
          rep = "[0-9]";
          break;
        case 'D':
          rep = "[^0-9]";
          break;
        case 'w':
          rep = "[A-Za-z0-9_]";
          break;
        case 'W':
          rep = "[^A-Za-z0-9_]";
          break;
        case 's':
          rep = "[[:space:]]";
          break;
        case 'S':
          rep = "[^[:space:]]";
          break;
        default:
          break;
        }
        if (rep) {
          memcpy(out + o, rep, strlen(rep));
          o += strlen(rep);
        } else {
          out[o++] = '\\';
          out[o++] = e;
        }
      } else {
        switch (e) {
        case 'd':
          rep = "0-9";
          break;
        case 'w':
          rep = "A-Za-z0-9_";
          break;
        case 's':
          rep = "[:space:]";
          break;
        default:
          break;
        }
        if (rep) {
          memcpy(out + o, rep, strlen(rep));
          o += strlen(rep);
        } else {
          out[o++] = e;
        }
      }
      continue;
    }
    if (!in_bracket && ch == '[') {
      in_bracket = true;
      out[o++] = ch;
      if (i + 1 < n && src[i + 1] == '^')
        out[o++] = src[++i];
      if (i + 1 < n && src[i + 1] == ']')
        out[o++] = src[++i];
      continue;
    }
    if (in_bracket && ch == ']')
      in_bracket = false;
    out[o++] = ch;
  }
  out[o] = '\0';
  return out;
}

/* Limits on what a pattern may ask of regcomp, which copies a counted
 * repetition's subexpression once per count (glibc's duplicate_tree): nested
 * counts or a run of stacked quantifiers otherwise cost gigabytes. */
#define PATTERN_MAX_DEPTH 32
#define PATTERN_MAX_COUNT 255   /* RE_DUP_MAX's POSIX minimum */
#define PATTERN_MAX_NODES 10000 /* atoms once every counted repetition is expanded */

/* Reads a bound "{n}", "{n,}", "{n,m}" or "{,m}" at P. Returns its length and stores
 * the largest count it asks for (n when unbounded) in *REPS, or 0 when P does
 * not start a bound. */
static size_t pattern_bound(const char *p, long *reps) {
  const char *q = p + 1;
  long n = 0, m = -1;
  if ((*q < '0' || *q > '9') && *q != ',') /* glibc reads "{,m}" as "{0,m}" */
    return 0;
  for (; *q >= '0' && *q <= '9'; q++)
    n = n > PATTERN_MAX_COUNT ? n : n * 10 + (*q - '0');
  if (*q == ',') {
    q++;
    if (*q >= '0' && *q <= '9')
      for (m = 0; *q >= '0' && *q <= '9'; q++)
        m = m > PATTERN_MAX_COUNT ? m : m * 10 + (*q - '0');
  }
  if (*q != '}')
    return 0;
  *reps = m > n ? m : n;
  return (size_t)(q - p) + 1;
}

/* Checks a translated POSIX pattern for what ECMA refuses and regcomp would
 * pay dearly for: a quantifier stacked on a quantifier (one lazy '?' is
 * allowed), counts above PATTERN_MAX_COUNT, groups nested deeper than
 * PATTERN_MAX_DEPTH, and more than PATTERN_MAX_NODES atoms once counted
 * repetitions are expanded. Returns true when the pattern may be compiled. */
static bool pattern_affordable(const char *p) {
  long size[PATTERN_MAX_DEPTH + 1] = {0}; /* atoms of each open group, expanded */
  int depth = 0;
  long last = 0;      /* expanded atoms of the item a quantifier would repeat */
  int quantified = 0; /* 0: none yet; 1: the item has a quantifier; 2: and a lazy '?' */
  while (*p) {
    long reps = 0;
    size_t bound = *p == '{' ? pattern_bound(p, &reps) : 0;
    if (*p == '*' || *p == '+' || *p == '?' || bound) {
      if (quantified && !(quantified == 1 && *p == '?'))
        return false;
      if (reps > PATTERN_MAX_COUNT)
        return false;
      if (reps > 1)
        size[depth] += last * (reps - 1);
      quantified++;
      p += bound ? bound : 1;
    } else if (*p == '(') {
      if (depth == PATTERN_MAX_DEPTH)
        return false;
      size[++depth] = 0;
      last = 0, quantified = 0, p++;
    } else if (*p == ')' && depth > 0) {
      last = size[depth--] + 1;
      size[depth] += last;
      quantified = 0, p++;
    } else if (*p == '|') {
      last = 0, quantified = 0, p++;
    } else {
      if (*p == '\\' && p[1]) {
        p += 2;
      } else if (*p == '[') { /* a bracket expression is one atom */
        p++;
        if (*p == '^')
          p++;
        if (*p == ']')
          p++;
        while (*p && *p != ']') {
          const char *close = p[0] == '[' && p[1] == ':' ? strstr(p + 2, ":]") : NULL;
          p = close ? close + 2 : p + 1;
        }
        if (*p)
          p++;
      } else {
        p++;
      }
      last = 1, quantified = 0;
      size[depth] += 1;
    }
    if (size[depth] > PATTERN_MAX_NODES)
      return false;
  }
  return true;
}

static long long get_count(compiler *c, json_t *doc, const char *key, const char *where) {
  json_t *v = json_object_get(doc, key);
  if (!v)
    return -1;
  if (!json_is_integer(v) || json_integer_value(v) < 0) {
    compile_fail(c, "%s: %s must be a non-negative integer", where, key);
    return -1;
  }
  return json_integer_value(v);
}

static bool get_number(compiler *c, json_t *doc, const char *key, const char *where, double *out) {
  json_t *v = json_object_get(doc, key);
  if (!v)
    return false;
  if (!json_is_number(v)) {
    compile_fail(c, "%s: %s must be a number", where, key);
    return false;
  }
  *out = json_number_value(v);
  return true;
}

static void compile_list(compiler *c, json_t *doc, const char *key, const char *where, int depth,
                         schema_list *out) {
  json_t *arr = json_object_get(doc, key);
  if (!arr)
    return;
  if (!json_is_array(arr) || json_array_size(arr) == 0) {
    compile_fail(c, "%s: %s must be a non-empty array of schemas", where, key);
    return;
  }
  out->items = calloc(json_array_size(arr), sizeof *out->items);
  if (!out->items) {
    compile_fail(c, "out of memory");
    return;
  }
  for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++)
    out->items[out->n++] = compile_node(c, json_array_get(arr, i), where, depth + 1);
}

/* Resolves "#/$defs/name" or "#/definitions/name" (one level, as tools use). */
static json_t *resolve_ref(compiler *c, const char *ref) {
  const char *prefixes[] = {"#/$defs/", "#/definitions/"};
  const char *keys[] = {"$defs", "definitions"};
  if (strcmp(ref, "#") == 0)
    return c->root;
  for (size_t i = 0; i < 2; i++) {
    size_t plen = strlen(prefixes[i]);
    if (strncmp(ref, prefixes[i], plen) == 0)
      return json_object_get(json_object_get(c->root, keys[i]), ref + plen);
  }
  return NULL;
}

static void compile_types(compiler *c, schema *s, json_t *type, const char *where) {
  json_t *single[1] = {type};
  size_t n = json_is_array(type) ? json_array_size(type) : 1;
  for (size_t i = 0; i < n; i++) {
    json_t *t = json_is_array(type) ? json_array_get(type, i) : single[0];
    const char *name = json_string_value(t);
    size_t k;
    for (k = 0; name && k < NTYPES; k++)
      if (strcmp(name, type_names[k].name) == 0)
        break;
    if (!name || k == NTYPES) {
      compile_fail(c, "%s: unknown type", where);
      return;
    }
    s->types |= type_names[k].bit;
  }
}

static void compile_properties(compiler *c, schema *s, json_t *doc, const char *where, int depth) {
  json_t *props = json_object_get(doc, "properties");
  if (props) {
    if (!json_is_object(props)) {
      compile_fail(c, "%s: properties must be an object", where);
      return;
    }
    size_t n = json_object_size(props);
    s->prop_names = calloc(n ? n : 1, sizeof *s->prop_names);
    s->props = calloc(n ? n : 1, sizeof *s->props);
    if (!s->prop_names || !s->props) {
      compile_fail(c, "out of memory");
      return;
    }
    const char *key;
    json_t *sub;
    json_object_foreach(props, key, sub) {
      if (c->failed)
        return;
      s->prop_names[s->nprops] = dup_str(key);
      s->props[s->nprops] = compile_node(c, sub, key, depth + 1);
      s->nprops++;
    }
  }
  json_t *req = json_object_get(doc, "required");
  if (req) {
    if (!json_is_array(req)) {
      compile_fail(c, "%s: required must be an array of names", where);
      return;
    }
    s->required = calloc(json_array_size(req) + 1, sizeof *s->required);
    if (!s->required) {
      compile_fail(c, "out of memory");
      return;
    }
    for (size_t i = 0; i < json_array_size(req); i++) {
      const char *name = json_string_value(json_array_get(req, i));
      if (!name) {
        compile_fail(c, "%s: required must be an array of names", where);
        return;
      }
      s->required[s->nrequired++] = dup_str(name);
    }
  }
  json_t *add = json_object_get(doc, "additionalProperties");
  if (json_is_false(add))
    s->no_additional = true;
  else if (add && !json_is_true(add))
    s->additional = compile_node(c, add, where, depth + 1);
}

static schema *compile_node(compiler *c, json_t *doc, const char *where, int depth) {
  schema *s = calloc(1, sizeof *s);
  if (!s) {
    compile_fail(c, "out of memory");
    return NULL;
  }
  s->min_len = s->max_len = s->min_items = s->max_items = s->min_props = s->max_props = -1;
  if (json_is_true(doc))
    return s;
  if (json_is_false(doc)) {
    s->never = true;
    return s;
  }
  if (!json_is_object(doc)) {
    compile_fail(c, "%s: a schema must be an object or a boolean", where);
    return s;
  }
  if (depth > MAX_REF_DEPTH) /* deep or recursive schema: accept anything below */
    return s;
  json_t *ref = json_object_get(doc, "$ref");
  if (ref) {
    json_t *target = json_is_string(ref) ? resolve_ref(c, json_string_value(ref)) : NULL;
    if (!target) {
      compile_fail(c, "%s: cannot resolve $ref", where);
      return s;
    }
    schema_free(s);
    return compile_node(c, target, where, depth + 1);
  }
  json_t *type = json_object_get(doc, "type");
  if (type)
    compile_types(c, s, type, where);
  json_t *en = json_object_get(doc, "enum");
  if (en) {
    if (!json_is_array(en))
      compile_fail(c, "%s: enum must be an array", where);
    else
      s->enum_values = json_incref(en);
  }
  json_t *cv = json_object_get(doc, "const");
  if (cv)
    s->const_value = json_incref(cv);
  s->has_min = get_number(c, doc, "minimum", where, &s->min);
  s->has_max = get_number(c, doc, "maximum", where, &s->max);
  json_t *xmin = json_object_get(doc, "exclusiveMinimum");
  json_t *xmax = json_object_get(doc, "exclusiveMaximum");
  if (json_is_boolean(xmin)) { /* draft-04: a flag on minimum */
    if (json_is_true(xmin) && s->has_min) {
      s->has_xmin = true, s->xmin = s->min, s->has_min = false;
    }
  } else {
    s->has_xmin = get_number(c, doc, "exclusiveMinimum", where, &s->xmin);
  }
  if (json_is_boolean(xmax)) {
    if (json_is_true(xmax) && s->has_max) {
      s->has_xmax = true, s->xmax = s->max, s->has_max = false;
    }
  } else {
    s->has_xmax = get_number(c, doc, "exclusiveMaximum", where, &s->xmax);
  }
  s->min_len = get_count(c, doc, "minLength", where);
  s->max_len = get_count(c, doc, "maxLength", where);
  s->min_items = get_count(c, doc, "minItems", where);
  s->max_items = get_count(c, doc, "maxItems", where);
  s->min_props = get_count(c, doc, "minProperties", where);
  s->max_props = get_count(c, doc, "maxProperties", where);
  s->unique_items = json_is_true(json_object_get(doc, "uniqueItems"));
  json_t *pat = json_object_get(doc, "pattern");
  if (pat) {
    char *posix = json_is_string(pat) ? pattern_to_posix(json_string_value(pat)) : NULL;
    if (!posix || !pattern_affordable(posix) ||
        regcomp(&s->pattern, posix, REG_EXTENDED | REG_NOSUB) != 0) {
      compile_fail(c, "%s: pattern is not a supported regular expression", where);
    } else {
      s->has_pattern = true;
      s->pattern_src = dup_str(json_string_value(pat));
    }
    free(posix);
  }
  json_t *items = json_object_get(doc, "items");
  if (items)
    s->items = compile_node(c, items, where, depth + 1);
  compile_list(c, doc, "prefixItems", where, depth, &s->prefix_items);
  compile_properties(c, s, doc, where, depth);
  compile_list(c, doc, "allOf", where, depth, &s->all_of);
  compile_list(c, doc, "anyOf", where, depth, &s->any_of);
  compile_list(c, doc, "oneOf", where, depth, &s->one_of);
  json_t *not_doc = json_object_get(doc, "not");
  if (not_doc)
    s->not_schema = compile_node(c, not_doc, where, depth + 1);
  return s;
}

schema *schema_compile(json_t *doc, char *err, size_t errlen) {
  compiler c = {.root = doc, .err = err, .errlen = errlen};
  if (errlen)
    err[0] = '\0';
  schema *s = compile_node(&c, doc, "schema", 0);
  if (c.failed) {
    schema_free(s);
    return NULL;
  }
  return s;
}

static void free_list(schema_list *l) {
  for (size_t i = 0; i < l->n; i++)
    schema_free(l->items[i]);
  free(l->items);
}

void schema_free(schema *s) {
  if (!s)
    return;
  json_decref(s->enum_values);
  json_decref(s->const_value);
  if (s->has_pattern)
    regfree(&s->pattern);
  free(s->pattern_src);
  schema_free(s->items);
  free_list(&s->prefix_items);
  for (size_t i = 0; i < s->nprops; i++) {
    free(s->prop_names[i]);
    schema_free(s->props[i]);
  }
  free(s->prop_names);
  free(s->props);
  for (size_t i = 0; i < s->nrequired; i++)
    free(s->required[i]);
  free(s->required);
  schema_free(s->additional);
  free_list(&s->all_of);
  free_list(&s->any_of);
  free_list(&s->one_of);
  schema_free(s->not_schema);
  free(s);
}

/* ---- checking ------------------------------------------------------------- */

typedef struct report {
  char *msg;
  size_t cap, len;
  int count;
  bool silent; /* probing an anyOf/oneOf branch: count, don't write */
} report;

typedef struct path {
  char buf[512];
  size_t len;
} path;

static void report_add(report *r, const path *p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report_add(report *r, const path *p, const char *fmt, ...) {
  r->count++;
  if (r->silent || r->cap == 0)
    return;
  if (r->count > MAX_ERRORS) {
    if (r->count == MAX_ERRORS + 1 && r->len + 6 < r->cap)
      r->len += (size_t)snprintf(r->msg + r->len, r->cap - r->len, "; ...");
    return;
  }
  if (r->len + 1 >= r->cap)
    return;
  int n = snprintf(r->msg + r->len, r->cap - r->len, "%s%s: ", r->count > 1 ? "; " : "", p->buf);
  if (n > 0)
    r->len = r->len + (size_t)n < r->cap ? r->len + (size_t)n : r->cap - 1;
  va_list ap;
  va_start(ap, fmt);
  n = vsnprintf(r->msg + r->len, r->cap - r->len, fmt, ap);
  va_end(ap);
  if (n > 0)
    r->len = r->len + (size_t)n < r->cap ? r->len + (size_t)n : r->cap - 1;
}

static size_t path_push_key(path *p, const char *key) {
  size_t old = p->len;
  int n = snprintf(p->buf + p->len, sizeof p->buf - p->len, ".%s", key);
  if (n > 0)
    p->len = p->len + (size_t)n < sizeof p->buf ? p->len + (size_t)n : sizeof p->buf - 1;
  return old;
}

static size_t path_push_index(path *p, size_t index) {
  size_t old = p->len;
  int n = snprintf(p->buf + p->len, sizeof p->buf - p->len, "[%zu]", index);
  if (n > 0)
    p->len = p->len + (size_t)n < sizeof p->buf ? p->len + (size_t)n : sizeof p->buf - 1;
  return old;
}

static void path_pop(path *p, size_t old) {
  p->len = old;
  p->buf[old] = '\0';
}

static unsigned type_of(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_NULL:
    return T_NULL;
  case JSON_TRUE:
  case JSON_FALSE:
    return T_BOOLEAN;
  case JSON_INTEGER:
    return T_INTEGER | T_NUMBER;
  case JSON_REAL:
    return T_NUMBER;
  case JSON_STRING:
    return T_STRING;
  case JSON_ARRAY:
    return T_ARRAY;
  case JSON_OBJECT:
    return T_OBJECT;
  }
  return 0;
}

static size_t utf8_length(const char *s, size_t bytes) {
  size_t n = 0;
  for (size_t i = 0; i < bytes; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80)
      n++;
  return n;
}

/* Equality for enum/const/uniqueItems: 1 and 1.0 are the same number. */
static bool values_equal(json_t *a, json_t *b) {
  if (json_is_number(a) && json_is_number(b))
    return json_number_value(a) == json_number_value(b);
  return json_equal(a, b);
}

static void describe_types(unsigned types, char *out, size_t outlen) {
  size_t len = 0;
  out[0] = '\0';
  for (size_t k = 0; k < NTYPES; k++) {
    if (!(types & type_names[k].bit))
      continue;
    if (type_names[k].bit == T_INTEGER && (types & T_NUMBER))
      continue;
    const char *name = type_names[k].name;
    const char *article =
        (name[0] == 'a' || name[0] == 'i' || name[0] == 'o') ? "an " : (k == 0 ? "" : "a ");
    int n = snprintf(out + len, outlen - len, "%s%s%s", len ? " or " : "", article, name);
    if (n < 0 || (size_t)n >= outlen - len)
      return;
    len += (size_t)n;
  }
}

static void describe_values(json_t *arr, char *out, size_t outlen) {
  size_t len = 0;
  out[0] = '\0';
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char *text = json_dumps(json_array_get(arr, i), JSON_COMPACT | JSON_ENCODE_ANY);
    int n = snprintf(out + len, outlen - len, "%s%s", i ? ", " : "", text ? text : "?");
    free(text);
    if (n < 0 || (size_t)n >= outlen - len) {
      if (outlen > 4)
        strcpy(out + outlen - 4, "...");
      return;
    }
    len += (size_t)n;
  }
}

static void check(const schema *s, json_t *v, path *p, report *r);

static int probe(const schema *s, json_t *v, path *p) {
  report quiet = {.silent = true};
  check(s, v, p, &quiet);
  return quiet.count;
}

static void check_number(const schema *s, json_t *v, path *p, report *r) {
  double x = json_number_value(v);
  if (s->has_min && x < s->min)
    report_add(r, p, "must be at least %g", s->min);
  if (s->has_max && x > s->max)
    report_add(r, p, "must be at most %g", s->max);
  if (s->has_xmin && x <= s->xmin)
    report_add(r, p, "must be greater than %g", s->xmin);
  if (s->has_xmax && x >= s->xmax)
    report_add(r, p, "must be less than %g", s->xmax);
}

static void check_string(const schema *s, json_t *v, path *p, report *r) {
  const char *str = json_string_value(v);
  size_t chars = utf8_length(str, json_string_length(v));
  if (s->min_len >= 0 && chars < (size_t)s->min_len)
    report_add(r, p, "must be at least %lld characters long", s->min_len);
  if (s->max_len >= 0 && chars > (size_t)s->max_len)
    report_add(r, p, "must be at most %lld characters long", s->max_len);
  if (s->has_pattern && regexec(&s->pattern, str, 0, NULL, 0) != 0)
    report_add(r, p, "must match the pattern %s", s->pattern_src);
}

static void check_array(const schema *s, json_t *v, path *p, report *r) {
  size_t n = json_array_size(v);
  if (s->min_items >= 0 && n < (size_t)s->min_items)
    report_add(r, p, "must have at least %lld items", s->min_items);
  if (s->max_items >= 0 && n > (size_t)s->max_items)
    report_add(r, p, "must have at most %lld items", s->max_items);
  for (size_t i = 0; i < n; i++) {
    const schema *item = i < s->prefix_items.n ? s->prefix_items.items[i] : s->items;
    if (!item)
      continue;
    size_t old = path_push_index(p, i);
    check(item, json_array_get(v, i), p, r);
    path_pop(p, old);
  }
  if (s->unique_items) {
    for (size_t i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++)
        if (values_equal(json_array_get(v, i), json_array_get(v, j))) {
          report_add(r, p, "items %zu and %zu are the same; items must be unique", i, j);
          return;
        }
  }
}

static void check_object(const schema *s, json_t *v, path *p, report *r) {
  size_t n = json_object_size(v);
  if (s->min_props >= 0 && n < (size_t)s->min_props)
    report_add(r, p, "must have at least %lld properties", s->min_props);
  if (s->max_props >= 0 && n > (size_t)s->max_props)
    report_add(r, p, "must have at most %lld properties", s->max_props);
  for (size_t i = 0; i < s->nrequired; i++) {
    if (!json_object_get(v, s->required[i])) {
      size_t old = path_push_key(p, s->required[i]);
      report_add(r, p, "is required");
      path_pop(p, old);
    }
  }
  const char *key;
  json_t *member;
  json_object_foreach(v, key, member) {
    const schema *sub = NULL;
    for (size_t i = 0; i < s->nprops; i++)
      if (strcmp(s->prop_names[i], key) == 0) {
        sub = s->props[i];
        break;
      }
    size_t old = path_push_key(p, key);
    if (sub)
      check(sub, member, p, r);
    else if (s->no_additional)
      report_add(r, p, "is not an allowed property");
    else if (s->additional)
      check(s->additional, member, p, r);
    path_pop(p, old);
  }
}

static void check(const schema *s, json_t *v, path *p, report *r) {
  if (s->never) {
    report_add(r, p, "is not allowed");
    return;
  }
  unsigned t = type_of(v);
  if (s->types && !(s->types & t)) {
    char want[160];
    describe_types(s->types, want, sizeof want);
    report_add(r, p, "must be %s", want);
    return;
  }
  if (s->enum_values) {
    bool found = false;
    for (size_t i = 0; i < json_array_size(s->enum_values) && !found; i++)
      found = values_equal(v, json_array_get(s->enum_values, i));
    if (!found) {
      char list[256];
      describe_values(s->enum_values, list, sizeof list);
      report_add(r, p, "must be one of %s", list);
    }
  }
  if (s->const_value && !values_equal(v, s->const_value)) {
    char *text = json_dumps(s->const_value, JSON_COMPACT | JSON_ENCODE_ANY);
    report_add(r, p, "must be %s", text ? text : "the constant value");
    free(text);
  }
  if (t & T_NUMBER)
    check_number(s, v, p, r);
  else if (t == T_STRING)
    check_string(s, v, p, r);
  else if (t == T_ARRAY)
    check_array(s, v, p, r);
  else if (t == T_OBJECT)
    check_object(s, v, p, r);
  for (size_t i = 0; i < s->all_of.n; i++)
    check(s->all_of.items[i], v, p, r);
  if (s->any_of.n) {
    bool ok = false;
    for (size_t i = 0; i < s->any_of.n && !ok; i++)
      ok = probe(s->any_of.items[i], v, p) == 0;
    if (!ok)
      report_add(r, p, "does not match any of the allowed forms");
  }
  if (s->one_of.n) {
    size_t matches = 0;
    for (size_t i = 0; i < s->one_of.n; i++)
      matches += probe(s->one_of.items[i], v, p) == 0;
    if (matches != 1)
      report_add(r, p,
                 matches ? "matches more than one of the allowed forms"
                         : "does not match any of the allowed forms");
  }
  if (s->not_schema && probe(s->not_schema, v, p) == 0)
    report_add(r, p, "matches a form that is not allowed");
}

int schema_validate(const schema *s, json_t *value, const char *where, char *msg, size_t msglen) {
  report r = {.msg = msg, .cap = msglen};
  path p;
  if (msglen)
    msg[0] = '\0';
  const char *root = where ? where : "value";
  p.len = strnlen(root, sizeof p.buf - 1);
  memcpy(p.buf, root, p.len);
  p.buf[p.len] = '\0';
  check(s, value, &p, &r);
  return r.count ? -1 : 0;
}
