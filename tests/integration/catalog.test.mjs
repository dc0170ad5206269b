// catalog.test.mjs - the tool catalogue as clients see it: every tool well
// described and honestly annotated, --read-only offering only reading tools,
// and the README's tool table made from the same source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toolTable, readmeWithTable } from '../../scripts/readme-tools.mjs';
import { SERVER, sandboxEnv } from './lib/zoom.mjs';

const ROOT = path.resolve(path.dirname(SERVER), '..');

function listTools(args = [], env = {}, cwd = undefined) {
  const out = spawnSync(SERVER, ['tools', ...args], { encoding: 'utf8', env: sandboxEnv(env), cwd });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout).tools;
}

test('every tool has a title, a description naming its Zoom call and scope, and strict schemas', () => {
  const tools = listTools();
  assert.ok(tools.length >= 4);
  for (const t of tools) {
    assert.ok(t.title, `${t.name}: title`);
    assert.ok(t.description.length > 40, `${t.name}: description`);
    assert.equal(t.inputSchema.type, 'object', t.name);
    assert.equal(t.inputSchema.additionalProperties, false, `${t.name}: additionalProperties`);
    assert.equal(t.outputSchema?.type, 'object', `${t.name}: outputSchema`);
    const a = t.annotations;
    for (const h of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'])
      assert.equal(typeof a[h], 'boolean', `${t.name}: ${h}`);
    if (a.readOnlyHint) assert.equal(a.destructiveHint, false, `${t.name}: read-only yet destructive`);
    const zoom = t.description.match(/Zoom API: (.*?)\. Scope: (.+)\.$/s);
    if (zoom) {
      // A tool that sends anything but GETs takes dry_run; a reading one does not.
      const writes = /(^|, then )(POST|PUT|PATCH|DELETE) /.test(zoom[1]);
      assert.equal('dry_run' in t.inputSchema.properties, writes, `${t.name}: dry_run`);
      assert.equal(a.readOnlyHint, !writes, `${t.name}: readOnlyHint vs its Zoom calls`);
      assert.equal(a.openWorldHint, true, `${t.name}: calls Zoom, so openWorld`);
    }
  }
});

test('`tools` lists every catalogued tool, past the first page of tools/list', () => {
  const dir = path.join(ROOT, 'src/tools/catalog');
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).map((t) => t.name));
  assert.ok(names.length > 50, 'more tools than one page (50) of tools/list');
  assert.deepEqual(listTools().map((t) => t.name).sort(), names.sort());
});

test('--read-only and ZOOM_READ_ONLY=1 list only the tools that change nothing', () => {
  const all = listTools();
  for (const ro of [listTools(['--read-only']), listTools([], { ZOOM_READ_ONLY: '1' })]) {
    assert.ok(ro.length > 0);
    assert.ok(ro.length < all.length);
    assert.ok(ro.every((t) => t.annotations.readOnlyHint), ro.map((t) => t.name).join(','));
    assert.deepEqual(
      ro.map((t) => t.name),
      all.filter((t) => t.annotations.readOnlyHint).map((t) => t.name),
    );
  }
});

test('ZOOM_READ_ONLY=1 in ./.env or in --env-file is read-only too, as --help says', () => {
  const all = listTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-ro-'));
  try {
    fs.writeFileSync(path.join(dir, '.env'), 'ZOOM_READ_ONLY=1\n');
    fs.writeFileSync(path.join(dir, 'other.env'), 'ZOOM_READ_ONLY=true\n');
    const want = all.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
    assert.deepEqual(listTools([], {}, dir).map((t) => t.name), want, './.env');
    assert.deepEqual(listTools(['--env-file', path.join(dir, 'other.env')]).map((t) => t.name), want);
    // The environment wins over the file, as for every other setting.
    assert.equal(listTools([], { ZOOM_READ_ONLY: '0' }, dir).length, all.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ZOOM_READ_ONLY takes yes/no words in any case, and a value it cannot read stops the server', () => {
  const all = listTools();
  const readOnly = all.filter((t) => t.annotations.readOnlyHint).length;
  for (const v of ['1', 'true', 'YES', 'on']) assert.equal(listTools([], { ZOOM_READ_ONLY: v }).length, readOnly, v);
  for (const v of ['0', 'false', 'No', 'off', '']) assert.equal(listTools([], { ZOOM_READ_ONLY: v }).length, all.length, v);
  // "maybe" (or "y", a typo) must not quietly serve the tools that change things.
  for (const v of ['maybe', 'y']) {
    const out = spawnSync(SERVER, ['tools'], { encoding: 'utf8', env: sandboxEnv({ ZOOM_READ_ONLY: v }) });
    assert.equal(out.status, 2, v);
    assert.equal(out.stdout, '', v);
    assert.match(out.stderr, new RegExp(`ZOOM_READ_ONLY is "${v}": use 1, true, yes or on`), v);
  }
});

test('a tool left out by --read-only cannot be called either', () => {
  const out = spawnSync(SERVER, ['call', 'delete_webinar', '{"webinar_id":"1"}', '--read-only'], {
    encoding: 'utf8',
    env: sandboxEnv(),
  });
  assert.equal(out.status, 1);
  assert.match(out.stdout, /unknown tool delete_webinar/);
});

test('a generic PATCH or PUT tool whose schema allows an empty body refuses it, naming the fields', () => {
  const dir = path.join(ROOT, 'src/tools/catalog');
  const entries = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  let checked = 0;
  for (const t of entries) {
    const method = t.call?.method;
    if (t.handler || !['PATCH', 'PUT'].includes(method)) continue;
    const slots = [...t.call.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const required = t.input.required ?? [];
    if (required.some((r) => !slots.includes(r)) || t.input.anyOf || t.input.oneOf) continue;
    const args = Object.fromEntries(slots.map((s) => [s, '123']));
    const out = spawnSync(SERVER, ['call', t.name, JSON.stringify(args)], { encoding: 'utf8', env: sandboxEnv() });
    assert.equal(out.status, 1, `${t.name}: ${out.stdout}`);
    const text = JSON.parse(out.stdout).content[0].text;
    assert.match(text, /^Nothing to change: give at least one of .+\. Nothing was sent to Zoom\.$/, t.name);
    const inBody = (p) =>
      !slots.includes(p) && !(t.call.query ?? []).includes(p) && (typeof t.call.body === 'string' || t.call.body?.includes(p));
    for (const name of Object.keys(t.input.properties).filter(inBody)) assert.ok(text.includes(name), `${t.name}: names ${name}`);
    checked++;
  }
  assert.ok(checked >= 1, 'update_webinar_survey is such a tool');
});

test("the README's tool table is the catalogue's (make readme-tools rewrites it)", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = toolTable(SERVER);
  assert.equal(readmeWithTable(readme, table), readme);
  assert.equal(table.split('\n').length, listTools().length + 2);
});
