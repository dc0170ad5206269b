// conformance.test.mjs - the official MCP conformance suite's server
// scenarios against the fixture server. The suite speaks Streamable HTTP only,
// so it reaches the fixture server (stdio) through a test-only bridge; the one
// scenario about the HTTP transport itself (DNS rebinding protection) tests
// that bridge, not the fixtures, and its outcome is not counted here.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE, ROOT } from './lib/fixture.mjs';
import { startBridge } from './lib/http_bridge.mjs';

const run = promisify(execFile);
const SUITE = path.join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const TRANSPORT_ONLY = new Set(['dns-rebinding-protection']);
const FIXTURE_SCENARIOS = [
  'server-initialize', 'logging-set-level', 'ping', 'completion-complete', 'tools-list',
  'tools-call-simple-text', 'tools-call-image', 'tools-call-audio', 'tools-call-embedded-resource',
  'tools-call-mixed-content', 'tools-call-with-logging', 'tools-call-error', 'tools-call-with-progress',
  'tools-call-sampling', 'tools-call-elicitation', 'json-schema-2020-12', 'elicitation-sep1034-defaults',
  'elicitation-sep1330-enums', 'resources-list', 'resources-read-text', 'resources-read-binary',
  'resources-templates-read', 'resources-subscribe', 'resources-unsubscribe', 'prompts-list',
  'prompts-get-simple', 'prompts-get-with-args', 'prompts-get-embedded-resource', 'prompts-get-with-image',
];

it('every fixture scenario of @modelcontextprotocol/conformance passes', async () => {
  const bridge = await startBridge(FIXTURE);
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'zwm-conformance-'));
  try {
    // The exit status also reflects the transport-only scenario; the verdict
    // comes from each scenario's checks.json below.
    await run(process.execPath, [SUITE, 'server', '--url', bridge.url, '--suite', 'all', '-o', out], {
      cwd: out,
      timeout: 120000,
      maxBuffer: 16 << 20,
    }).catch((err) => err);
    const results = new Map();
    for (const dir of await fs.readdir(out)) {
      const m = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(dir);
      if (!m) continue;
      results.set(m[1], JSON.parse(await fs.readFile(path.join(out, dir, 'checks.json'), 'utf8')));
    }
    for (const name of FIXTURE_SCENARIOS) assert.ok(results.has(name), `scenario ${name} ran`);
    const failures = [];
    for (const [name, checks] of results) {
      if (TRANSPORT_ONLY.has(name)) continue;
      for (const c of checks) if (c.status === 'FAILURE') failures.push(`${name}/${c.id}: ${c.errorMessage ?? c.description}`);
    }
    assert.deepEqual(failures, []);
    const passed = FIXTURE_SCENARIOS.flatMap((n) => results.get(n)).filter((c) => c.status === 'SUCCESS');
    assert.ok(passed.length >= FIXTURE_SCENARIOS.length, `${passed.length} successful checks`);
  } finally {
    await bridge.close();
    await fs.rm(out, { recursive: true, force: true });
  }
});
