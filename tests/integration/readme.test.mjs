// readme.test.mjs - what README.md promises about the command line, checked against
// the binary: --help and the README name the same options, every option the
// sources accept is in --help, every setting is in --help and in the README's
// table, the defaults both state are the code's, the README's commands run, and
// its resource table is what the server offers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD, SERVER, sandboxEnv, startZoom } from './lib/zoom.mjs';

const ROOT = path.resolve(BUILD, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const source = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');

function run(bin, args) {
  return spawnSync(bin, args, { encoding: 'utf8', env: sandboxEnv(), input: '', timeout: 60000 });
}

const HELP = run(SERVER, ['--help']).stdout;
const ZOOMSIM_HELP = run(path.join(BUILD, 'zoomsim'), ['--help']).stdout;

// Every --flag in TEXT.
const flags = (text) => new Set(text.match(/--[a-z][a-z0-9-]*/g));
// Flags the README gives to programs other than the server and zoomsim: the
// conformance suite's and the soak script's.
const OTHER_PROGRAMS = new Set(['--suite', '--requirements', '--tcache']);

test('--help lists every option the command line parses (src/main.c, src/transport/http.c)', () => {
  const parsed = new Set();
  for (const file of ['src/main.c', 'src/transport/http.c'])
    for (const m of source(file).matchAll(/"(--[a-z][a-z0-9-]*)"/g)) parsed.add(m[1]);
  assert.ok(parsed.size >= 15, [...parsed].join(' '));
  const help = flags(HELP);
  assert.deepEqual([...parsed].filter((f) => !help.has(f)), [], 'parsed but not in --help');
  // And each option --help names is one the binary knows.
  for (const f of help) {
    const out = run(SERVER, ['tools', f]);
    assert.doesNotMatch(out.stderr, /unknown option/, `${f}: ${out.stderr}`);
  }
  assert.match(run(SERVER, ['tools', '--no-such-option']).stderr, /unknown option/);
});

test('the README and --help name the same options', () => {
  const readme = flags(README);
  const help = flags(HELP);
  const zoomsim = flags(ZOOMSIM_HELP);
  assert.deepEqual([...help].filter((f) => !readme.has(f)), [], 'in --help, not in the README');
  assert.deepEqual(
    [...readme].filter((f) => !help.has(f) && !zoomsim.has(f) && !OTHER_PROGRAMS.has(f)),
    [],
    'in the README, known neither to zoom-webinar-mcp nor to zoomsim',
  );
});

test('every setting of src/zoom/config.c is in --help and in the README configuration table', () => {
  const names = [...source('src/zoom/config.c').matchAll(/^\s*\{"(ZOOM_[A-Z_]+)",/gm)].map((m) => m[1]);
  assert.ok(names.length >= 18, names.join(' '));
  const table = README.slice(README.indexOf('## Configuration'), README.indexOf('## The sandbox'));
  for (const n of names) {
    assert.ok(HELP.includes(n), `${n} missing from --help`);
    assert.ok(table.includes('`' + n + '`'), `${n} missing from the README's table`);
  }
});

test('the defaults in --help are the code\'s, and the README states the same ones', () => {
  // HTTP_DEFAULT_* of src/transport/http.h, STDIO_DEFAULT_MAX_FRAME of stdio.h.
  const defines = {};
  for (const file of ['src/transport/http.h', 'src/transport/stdio.h'])
    for (const m of source(file).matchAll(/^#define (\w+_DEFAULT_\w+) \(?([0-9u *]+)\)?$/gm))
      defines[m[1]] = m[2].replace(/u/g, '').split('*').reduce((a, b) => a * Number(b), 1);
  const mib = (n) => `${n / 1048576} MiB`;
  const sec = (n) => `${n / 1000} s`;
  const rows = [
    ['--http-max-body', 'HTTP_DEFAULT_MAX_BODY', mib],
    ['--http-max-sessions', 'HTTP_DEFAULT_MAX_SESSIONS', String],
    ['--http-max-streams', 'HTTP_DEFAULT_MAX_STREAMS', String],
    ['--http-header-timeout-ms', 'HTTP_DEFAULT_HEADER_TIMEOUT_MS', sec],
    ['--http-session-idle-s', 'HTTP_DEFAULT_SESSION_IDLE_S', (n) => `${n / 60} min`],
    ['--http-drain-ms', 'HTTP_DEFAULT_DRAIN_MS', sec],
    ['--max-frame', 'STDIO_DEFAULT_MAX_FRAME', mib],
  ];
  const flat = (s) => s.replace(/\s+/g, ' ');
  for (const [flag, define, inReadme] of rows) {
    const value = defines[define];
    assert.ok(Number.isInteger(value), `${define} not found`);
    const help = flat(HELP).match(new RegExp(`${flag} [A-Z]+ [^-]*?\\(default (\\d+)`));
    assert.equal(Number(help?.[1]), value, `--help's default of ${flag}`);
    const at = flat(README).indexOf('`' + flag);
    assert.ok(at >= 0, `${flag} not in the README`);
    const near = flat(README).slice(at, at + flag.length + 50);
    assert.ok(near.includes(inReadme(value)), `README near ${flag}: "${near}", wants ${inReadme(value)}`);
  }
});

test('the README\'s zoom-webinar-mcp commands run as written (on the sandbox)', () => {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const lines = blocks
    .flatMap((b) => b.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('build/zoom-webinar-mcp ') && !l.includes('--http'));
  assert.ok(lines.some((l) => / call /.test(l)), lines.join('\n'));
  for (const line of lines) {
    const args = line.match(/'[^']*'|\S+/g).slice(1).map((a) => a.replace(/^'(.*)'$/, '$1'));
    const out = run(SERVER, args);
    assert.equal(out.status, 0, `${line}: ${out.stderr.slice(-500)}`);
    if (args[0] === 'call' || args[0] === 'tools') {
      const reply = JSON.parse(out.stdout);
      assert.notEqual(reply.isError, true, `${line}: ${out.stdout}`);
    } else {
      assert.match(out.stdout, /usage: zoom-webinar-mcp/);
    }
  }
});

test('the README\'s resource table is what resources/list and resources/templates/list offer', async () => {
  const rows = [...README.matchAll(/^\| `(zoom:\/\/[^`]+)` \| (template: )?/gm)];
  const said = (tpl) => rows.filter((m) => !!m[2] === tpl).map((m) => m[1]).sort();
  const z = await startZoom();
  try {
    const { resources } = await z.client.listResources();
    const { resourceTemplates } = await z.client.listResourceTemplates();
    assert.deepEqual(said(false), resources.map((r) => r.uri).sort(), 'resources');
    assert.deepEqual(said(true), resourceTemplates.map((r) => r.uriTemplate).sort(), 'templates');
  } finally {
    await z.close();
  }
});
