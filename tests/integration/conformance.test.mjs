// conformance.test.mjs - the official MCP conformance suite's server
// scenarios against the fixture server over its own Streamable HTTP
// transport: @modelcontextprotocol/conformance 0.1.16 (active and pending
// scenarios, every one), and 0.2.0-alpha.12 with --requirements 2025-11-25
// and 2026-07-28. A scenario may fail only when
// tests/integration/conformance-expected.yaml lists it with the reason the
// specification excuses it.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE, ROOT } from './lib/fixture.mjs';
import { startHttp } from './lib/http.mjs';

const run = promisify(execFile);
const SUITE = path.join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const NEXT = path.join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance-next', 'dist', 'index.js');
const EXPECTED = path.join(ROOT, 'tests', 'integration', 'conformance-expected.yaml');
// SSE polling: the fixture's test_reconnection runs 1 s; streams close after 200 ms.
const FIXTURE_ARGS = ['--http-sse-poll-ms', '200'];

// Runs the suite in ARGS against a fresh fixture server; returns a Map of
// scenario name -> checks.
async function runSuite(suite, args) {
  let exitCode = 0;
  const server = await startHttp(FIXTURE, FIXTURE_ARGS);
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'zwm-conformance-'));
  try {
    // localhost, not 127.0.0.1: the DNS-rebinding scenario wants a localhost URL
    const url = server.url.replace('127.0.0.1', 'localhost');
    await run(process.execPath, [suite, 'server', '--url', url, ...args, '-o', out], {
      cwd: out,
      timeout: 240000,
      maxBuffer: 16 << 20,
    }).catch((err) => {
      exitCode = err.code ?? 1; // the verdict comes from each scenario's checks.json
    });
    const results = new Map();
    for (const dir of await fs.readdir(out)) {
      const m = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(dir);
      if (!m) continue;
      results.set(m[1], JSON.parse(await fs.readFile(path.join(out, dir, 'checks.json'), 'utf8')));
    }
    assert.equal(await server.stop(), 0, 'the fixture server exits 0 on SIGTERM');
    results.exitCode = exitCode;
    return results;
  } finally {
    await server.stop();
    await fs.rm(out, { recursive: true, force: true });
  }
}

function failuresOf(results) {
  const failures = [];
  for (const [name, checks] of results)
    for (const c of checks) if (c.status === 'FAILURE') failures.push(`${name}/${c.id}: ${c.errorMessage ?? c.description}`);
  return failures;
}

function count(results) {
  let passed = 0;
  for (const checks of results.values()) passed += checks.filter((c) => c.status === 'SUCCESS').length;
  return passed;
}

it('@modelcontextprotocol/conformance 0.1.16: every active and pending scenario passes over HTTP', async () => {
  const results = await runSuite(SUITE, ['--suite', 'all']);
  assert.ok(results.size >= 32, `${results.size} scenarios ran`);
  for (const name of ['server-sse-polling', 'server-sse-multiple-streams', 'dns-rebinding-protection'])
    assert.ok(results.has(name), `scenario ${name} ran`);
  assert.deepEqual(failuresOf(results), []);
  const polling = results.get('server-sse-polling').find((c) => c.id === 'server-sse-disconnect-resume');
  assert.equal(polling?.status, 'SUCCESS', 'a closed POST stream resumes with Last-Event-ID');
  console.log(`# conformance 0.1.16: ${results.size} scenarios, ${count(results)} checks passed`);
});

// The scenarios conformance-expected.yaml excuses (comments and all).
async function expected() {
  const text = await fs.readFile(EXPECTED, 'utf8');
  return new Set([...text.matchAll(/^\s*-\s*([\w-]+)\s*$/gm)].map((m) => m[1]));
}

for (const revision of ['2025-11-25', '2026-07-28']) {
  it(`@modelcontextprotocol/conformance 0.2.0-alpha.12 --requirements ${revision}: every scored scenario passes`, async () => {
    const results = await runSuite(NEXT, ['--requirements', revision, '--expected-failures', EXPECTED]);
    assert.ok(results.size >= 30, `${results.size} scenarios ran`);
    const excused = await expected();
    const failing = [...results].filter(([, checks]) => checks.some((c) => c.status === 'FAILURE')).map(([n]) => n);
    assert.deepEqual(failing.filter((n) => !excused.has(n)), [], 'failures not excused by conformance-expected.yaml');
    assert.equal(results.exitCode, 0, 'the suite accepts the baseline (no unexpected failure, no stale entry)');
    const excusedRan = failing.length;
    console.log(`# conformance 0.2.0-alpha.12 ${revision}: ${results.size} scenarios, ${count(results)} checks passed, ${excusedRan} excused scenarios failing`);
  });
}
