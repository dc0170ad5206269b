// inspector.test.mjs - smoke test with the MCP Inspector CLI (run on Node 22
// from node_modules/.bin): it lists the fixture server's tools and calls one.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE, ROOT } from './lib/fixture.mjs';

const run = promisify(execFile);
const BIN = path.join(ROOT, 'node_modules', '.bin');
// node_modules/.bin first, so that the inspector's "#!/usr/bin/env node" finds Node 22.
const env = { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}` };
const INSPECTOR = path.join(BIN, 'mcp-inspector');

async function inspect(...args) {
  const { stdout } = await run(INSPECTOR, ['--cli', FIXTURE, ...args], { env, timeout: 60000, maxBuffer: 8 << 20 });
  return JSON.parse(stdout);
}

it('the inspector runs on Node 22', async () => {
  const { stdout } = await run('node', ['--version'], { env });
  assert.match(stdout.trim(), /^v22\./);
});

it('mcp-inspector --cli --method tools/list lists the fixture tools', async () => {
  const out = await inspect('--method', 'tools/list');
  const names = out.tools.map((t) => t.name);
  for (const name of ['test_simple_text', 'test_sampling', 'json_schema_2020_12_tool']) assert.ok(names.includes(name), name);
});

it('mcp-inspector --cli --method tools/call --tool-name test_simple_text', async () => {
  const out = await inspect('--method', 'tools/call', '--tool-name', 'test_simple_text');
  assert.deepEqual(out.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);
});
