// openapi.mjs - Zoom's OpenAPI description (ZoomMeetingAPISpec.json, read where it
// lies, never copied into the repository) as a test sees it: the operation a
// request names, and a strict check of a value against one of its schemas.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// Where the spec is: $ZOOM_OPENAPI_SPEC, else the shared reference copy next to
// the checkout (../shared from the main checkout, ../../shared from a worktree).
export function specPath() {
  const tries = [
    process.env.ZOOM_OPENAPI_SPEC,
    path.resolve(ROOT, '../shared/zoom-openapi/ZoomMeetingAPISpec.json'),
    path.resolve(ROOT, '../../shared/zoom-openapi/ZoomMeetingAPISpec.json'),
  ].filter(Boolean);
  return tries.find((p) => fs.existsSync(p)) ?? null;
}

// The spec, parsed; null when it is not on this machine.
export function loadSpec() {
  const p = specPath();
  return p ? JSON.parse(fs.readFileSync(p, 'utf8')) : null;
}

// The spec's operations as [{method, template, re, op}], a path template's
// {names} matching one segment each.
export function operations(spec) {
  const out = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const re = new RegExp(
      '^' + template.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+') + '$',
    );
    for (const [method, op] of Object.entries(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        out.push({ method: method.toUpperCase(), template, re, op });
    }
  }
  return out;
}

// The operation of METHOD on PATH (a concrete path below /v2, still
// percent-encoded), or, when PATH is a template ({a} slots), the one whose
// template has the same shape. Null when the spec has none.
export function findOperation(ops, method, p) {
  const shape = (t) => t.replace(/\{[^}]+\}/g, '{}');
  if (p.includes('{')) return ops.find((o) => o.method === method && shape(o.template) === shape(p)) ?? null;
  // A literal segment wins over a slot (/registrants/questions, not /registrants/{registrantId}).
  const hits = ops.filter((o) => o.method === method && o.re.test(p));
  const slots = (o) => o.template.split('{').length;
  hits.sort((a, b) => slots(a) - slots(b));
  return hits[0] ?? null;
}

// The operation's parameters IN ('query' or 'path') by name.
export function parameters(op, where) {
  return Object.fromEntries((op.parameters ?? []).filter((p) => p.in === where).map((p) => [p.name, p]));
}

export function requestSchema(op) {
  return op.requestBody?.content?.['application/json']?.schema ?? null;
}

// The 2xx statuses the spec declares for OP, as numbers.
export function successStatuses(op) {
  return Object.keys(op.responses ?? {}).filter((k) => /^2\d\d$/.test(k)).map(Number);
}

export function responseSchema(op, status) {
  return op.responses?.[String(status)]?.content?.['application/json']?.schema ?? null;
}

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/;

function typeOk(type, v) {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    case 'array': return Array.isArray(v);
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    default: return true;
  }
}

// The ways V breaks SCHEMA, as strings naming the place (AT): a wrong type, a
// value outside an enum or a bound, a required field missing, and, strictly, a
// field an object schema with properties does not list ("unknown field").
export function check(schema, v, at = '') {
  const out = [];
  if (!schema || v === undefined) return out;
  for (const key of ['oneOf', 'anyOf']) {
    if (schema[key]) {
      const tries = schema[key].map((s) => check(s, v, at));
      const best = tries.reduce((a, b) => (b.length < a.length ? b : a));
      if (best.length) out.push(...best);
    }
  }
  const where = at || '(top)';
  if (v === null) {
    if (!schema.nullable && schema.type) out.push(`${where}: null, spec type ${schema.type}`);
    return out;
  }
  if (schema.type && !typeOk(schema.type, v)) {
    out.push(`${where}: ${JSON.stringify(v).slice(0, 40)} is not ${schema.type}`);
    return out;
  }
  if (schema.enum && !schema.enum.some((e) => e === v)) out.push(`${where}: ${JSON.stringify(v)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof v === 'string') {
    if (schema.maxLength !== undefined && [...v].length > schema.maxLength) out.push(`${where}: longer than ${schema.maxLength}`);
    if (schema.minLength !== undefined && [...v].length < schema.minLength) out.push(`${where}: shorter than ${schema.minLength}`);
    if (schema.format === 'date-time' && v !== '' && !DATE_TIME.test(v)) out.push(`${where}: ${v} is not a date-time`);
  }
  if (typeof v === 'number') {
    if (schema.maximum !== undefined && v > schema.maximum) out.push(`${where}: ${v} > ${schema.maximum}`);
    if (schema.minimum !== undefined && v < schema.minimum) out.push(`${where}: ${v} < ${schema.minimum}`);
  }
  if (Array.isArray(v)) {
    if (schema.maxItems !== undefined && v.length > schema.maxItems) out.push(`${where}: more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && v.length < schema.minItems) out.push(`${where}: fewer than ${schema.minItems} items`);
    v.forEach((item, i) => out.push(...check(schema.items, item, `${at}[${i}]`)));
  }
  if (schema.properties && typeOk('object', v)) {
    for (const r of schema.required ?? []) if (!(r in v)) out.push(`${at ? at + '.' : ''}${r}: required, missing`);
    for (const [k, item] of Object.entries(v)) {
      const sub = schema.properties[k];
      if (!sub) out.push(`${at ? at + '.' : ''}${k}: unknown field`);
      else out.push(...check(sub, item, `${at ? at + '.' : ''}${k}`));
    }
  }
  return out;
}

// The ways the text of a query or path parameter breaks its schema.
export function checkParam(param, text) {
  const s = param.schema ?? {};
  let v = text;
  if (s.type === 'integer') {
    if (!/^-?\d+$/.test(text)) return [`${param.name}: ${text} is not an integer`];
    v = Number(text);
  } else if (s.type === 'boolean') {
    if (text !== 'true' && text !== 'false') return [`${param.name}: ${text} is not a boolean`];
    v = text === 'true';
  }
  return check(s, v, param.name);
}
