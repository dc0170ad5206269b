// server.test.mjs - the real zoom-webinar-mcp binary, driven by the official
// SDK client: sandbox by default, live mode against the standalone simulator,
// start-up errors, and secrets that never reach stdout, stderr or the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = path.resolve(ROOT, process.env.ZWM_BUILD_DIR ?? 'build');
const SERVER = path.join(BUILD, 'zoom-webinar-mcp');
const ZOOMSIM = path.join(BUILD, 'zoomsim');

// An environment with no Zoom settings at all, and a private HOME and cache.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ZOOM_') && !k.startsWith('ZOOMSIM_')) env[k] = v;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-home-'));
  return { ...env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ...extra };
}

async function connect(env, args = []) {
  const transport = new StdioClientTransport({ command: SERVER, args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'zwm-server-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

// Starts build/zoomsim on a free port with the given secret; resolves its base URL.
function startZoomsim(secret) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      ZOOMSIM,
      ['--listen', '127.0.0.1:0', '--account-id', 'acct-1', '--client-id', 'client-1',
        '--client-secret', secret],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ proc, base: line.trim() });
    });
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`zoomsim exited early (${code})`)));
  });
}

test('without credentials it serves the sandbox and says so', async () => {
  const { client, stderr } = await connect(cleanEnv());
  try {
    assert.match(client.getInstructions() ?? '', /SANDBOX MODE/);
    assert.equal(client.getServerVersion()?.name, 'zoom-webinar-mcp');

    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes('get_token_status'), names.join(','));
    assert.ok(names.includes('refresh_token'), names.join(','));

    const cfg = await client.readResource({ uri: 'zoom://config' });
    const body = JSON.parse(cfg.contents[0].text);
    assert.equal(body.mode, 'sandbox');
    assert.match(body.sandbox_url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(stderr(), /SANDBOX MODE/);

    // The whole real path: OAuth against the embedded simulator over HTTP.
    const res = await client.callTool({ name: 'refresh_token', arguments: {} });
    assert.notEqual(res.isError, true, JSON.stringify(res));
    assert.equal(res.structuredContent.state, 'valid');
    assert.ok(res.structuredContent.minutes_left > 50);
    assert.ok(res.structuredContent.scopes.includes('webinar:write:admin'));

    const status = await client.callTool({ name: 'get_token_status', arguments: {} });
    assert.equal(status.structuredContent.state, 'valid');

    // Bad arguments: a tool error naming the field, and the server goes on.
    const bad = await client.callTool({ name: 'get_token_status', arguments: { nope: 1 } });
    assert.equal(bad.isError, true);
    assert.match(bad.content[0].text, /nope/);
    await client.ping();
  } finally {
    await client.close();
  }
});

test('live mode against the standalone simulator: token from the cache, secret never shown', async () => {
  const secret = 'sekrit-Zq9-do-not-leak';
  const sim = await startZoomsim(secret);
  const env = cleanEnv();
  const logFile = path.join(env.HOME, 'server.log');
  Object.assign(env, {
    ZOOM_ACCOUNT_ID: 'acct-1',
    ZOOM_CLIENT_ID: 'client-1',
    ZOOM_CLIENT_SECRET: secret,
    ZOOM_OAUTH_TOKEN_URL: `${sim.base}/oauth/token`,
    ZOOM_API_BASE_URL: `${sim.base}/v2`,
    ZOOM_LOG_LEVEL: 'debug',
    ZOOM_LOG_FILE: logFile,
  });
  const seen = [];
  try {
    for (let round = 0; round < 2; round++) {
      const { client, stderr } = await connect(env);
      try {
        assert.doesNotMatch(client.getInstructions() ?? '', /SANDBOX MODE/);
        const cfg = await client.readResource({ uri: 'zoom://config' });
        const text = cfg.contents[0].text;
        assert.equal(JSON.parse(text).mode, 'zoom');
        assert.ok(!text.includes(secret), 'zoom://config shows the secret');
        const res = await client.callTool({ name: 'refresh_token', arguments: {} });
        assert.notEqual(res.isError, true, JSON.stringify(res));
        assert.equal(res.structuredContent.state, 'valid');
        const after = await client.callTool({ name: 'get_token_status', arguments: {} });
        seen.push(JSON.stringify(res) + JSON.stringify(after) + text + stderr());
        const cachePath = res.structuredContent.cache_path;
        const st = fs.statSync(cachePath);
        assert.equal(st.mode & 0o777, 0o600);
        assert.equal(fs.statSync(path.dirname(cachePath)).mode & 0o777, 0o700);
        const cache = fs.readFileSync(cachePath, 'utf8');
        assert.ok(!cache.includes(secret), 'the cache holds the client secret');
        const token = JSON.parse(cache).access_token;
        assert.ok(token && token.length > 10, 'the cache holds a token');
        seen.push(cache.replace(token, ''));
        // The token itself must not appear anywhere but the cache.
        for (const s of seen.slice(0, -1)) assert.ok(!s.includes(token), 'token leaked');
      } finally {
        await client.close();
      }
    }
    const log = fs.readFileSync(logFile, 'utf8');
    assert.ok(log.length > 0, 'debug log is empty');
    assert.ok(!log.includes(secret), 'the log holds the client secret');
    for (const s of seen) assert.ok(!s.includes(secret), 'secret leaked');
  } finally {
    sim.proc.kill('SIGTERM');
  }
});

test('partial credentials stop the server with a message naming what is missing', () => {
  const env = cleanEnv({ ZOOM_ACCOUNT_ID: 'acct-1', ZOOM_CLIENT_ID: 'client-1' });
  const r = spawnSync(SERVER, [], { env, input: '', encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ZOOM_CLIENT_SECRET/);
  assert.equal(r.stdout, '', 'stdout must carry MCP messages only');
});

test('--help, --version and a bad option', () => {
  const help = spawnSync(SERVER, ['--help'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: zoom-webinar-mcp/);
  assert.match(help.stdout, /--sandbox/);
  const ver = spawnSync(SERVER, ['--version'], { encoding: 'utf8', timeout: 20000 });
  assert.match(ver.stdout, /^zoom-webinar-mcp \d+\.\d+\.\d+/);
  const bad = spawnSync(SERVER, ['--frobnicate'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option --frobnicate/);
});

test('call runs one tool and prints its result as JSON', () => {
  const r = spawnSync(SERVER, ['call', 'get_token_status'], {
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 20000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.structuredContent.state, 'missing');
  const bad = spawnSync(SERVER, ['call', 'no_such_tool'], {
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 20000,
  });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /no_such_tool/);
});

test('stateless 2026-07-28 discovery on the Zoom server', async () => {
  const proc = spawn(SERVER, [], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    const reply = await new Promise((resolve, reject) => {
      let buf = '';
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (d) => {
        buf += d;
        if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]));
      });
      proc.on('exit', () => reject(new Error('server exited')));
      proc.stdin.write(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'server/discover',
          params: {
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        }) + '\n',
      );
    });
    assert.equal(reply.id, 1);
    assert.equal(reply.result.resultType, 'complete');
    assert.ok(reply.result.supportedVersions.includes('2026-07-28'));
    assert.equal(reply.result._meta['io.modelcontextprotocol/serverInfo'].name, 'zoom-webinar-mcp');
    assert.match(reply.result.instructions, /SANDBOX MODE/);
    assert.ok(reply.result.capabilities.tools);
  } finally {
    proc.kill('SIGTERM');
  }
});
