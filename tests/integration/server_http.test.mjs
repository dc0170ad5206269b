// server_http.test.mjs - the real zoom-webinar-mcp binary served over
// Streamable HTTP on the sandbox, driven by the official SDK clients' HTTP
// transports: the 1.x SDK (handshake era, a session) and the 2.x client
// (2026-07-28, stateless; and its legacy fallback).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { BUILD_DIR, MODERN, WAIT_MS } from './lib/fixture.mjs';
import { startHttp } from './lib/http.mjs';

const SERVER = path.join(BUILD_DIR, 'zoom-webinar-mcp');
const TOKEN = 'zwm-http-sdk-test-token-0123456789';

// No Zoom settings (so: the sandbox), a private HOME and cache.
function sandboxEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ZOOM_') && !k.startsWith('ZOOMSIM_')) env[k] = v;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-http-home-'));
  return { ...env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), MCP_HTTP_AUTH_TOKEN: TOKEN };
}

const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };

test('1.x SDK over Streamable HTTP: a session on the sandbox, tools and resources', async () => {
  const srv = await startHttp(SERVER, [], { env: sandboxEnv() });
  try {
    const transport = new HttpV1(new URL(srv.url), { requestInit: auth });
    const client = new ClientV1({ name: 'zwm-http-v1', version: '1.0.0' });
    await client.connect(transport);
    assert.match(transport.sessionId, /^[0-9a-f]{32}$/);
    assert.match(client.getInstructions() ?? '', /SANDBOX MODE/);
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'get_token_status'));
    const res = await client.callTool({ name: 'refresh_token', arguments: {} });
    assert.notEqual(res.isError, true, JSON.stringify(res));
    assert.equal(res.structuredContent.state, 'valid');
    const cfg = await client.readResource({ uri: 'zoom://config' });
    assert.equal(JSON.parse(cfg.contents[0].text).mode, 'sandbox');
    await transport.terminateSession(); // DELETE
    await client.close();
    assert.ok(!srv.stderr().includes(TOKEN), 'the token never reaches the log');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('2.x client over Streamable HTTP: 2026-07-28 stateless, and the legacy fallback', async () => {
  const srv = await startHttp(SERVER, [], { env: sandboxEnv() });
  try {
    for (const mode of [{ pin: MODERN }, 'auto', 'legacy']) {
      const transport = new HttpV2(new URL(srv.url), { requestInit: auth });
      const client = new ClientV2({ name: 'zwm-http-v2', version: '1.0.0' }, { versionNegotiation: { mode } });
      await client.connect(transport);
      const want = mode === 'legacy' ? '2025-11-25' : MODERN;
      assert.equal(client.getNegotiatedProtocolVersion(), want, JSON.stringify(mode));
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'get_token_status'));
      const res = await client.callTool({ name: 'get_token_status', arguments: {} });
      assert.notEqual(res.isError, true, JSON.stringify(res));
      const cfg = await client.readResource({ uri: 'zoom://config' });
      assert.equal(JSON.parse(cfg.contents[0].text).mode, 'sandbox');
      await client.close();
    }
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('a webinar and its registrants changed through the server notify their subscribers', async () => {
  const srv = await startHttp(SERVER, [], { env: sandboxEnv() });
  try {
    const transport = new HttpV1(new URL(srv.url), { requestInit: auth });
    const client = new ClientV1({ name: 'zwm-http-subscriber', version: '1.0.0' });
    const updates = [];
    let wake = () => {};
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
      wake();
    });
    const nextUpdate = async () => {
      const deadline = Date.now() + WAIT_MS; // a guard against a hang, not a speed check
      while (updates.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no notifications/resources/updated arrived');
        await new Promise((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
      }
      return updates.shift();
    };
    await client.connect(transport);
    const create = async (topic) => {
      const r = await client.callTool({
        name: 'create_webinar',
        arguments: { user_id: 'me', topic, start_time: '2030-01-15T15:00:00Z', duration: 60, settings: { approval_type: 0 } },
      });
      assert.notEqual(r.isError, true, JSON.stringify(r));
      return String(JSON.parse(r.content[0].text).id);
    };
    const w1 = await create('followed webinar');
    const w2 = await create('other webinar');
    // updates go to the session's GET stream, which the SDK opens on its own;
    // one sent before it is open waits there for it
    await client.subscribeResource({ uri: `zoom://webinars/${w1}` });
    await client.subscribeResource({ uri: `zoom://webinars/${w1}/registrants` });
    const changed = async (name, args) => {
      const r = await client.callTool({ name, arguments: args });
      assert.notEqual(r.isError, true, JSON.stringify(r));
    };
    await changed('update_webinar', { webinar_id: w2, topic: 'not followed' });
    await changed('update_webinar', { webinar_id: w1, topic: 'followed' });
    assert.equal(await nextUpdate(), `zoom://webinars/${w1}`, 'only the webinar subscribed to');
    await changed('add_webinar_registrant', { webinar_id: w1, email: 'sub@example.com', first_name: 'Sub' });
    assert.deepEqual([await nextUpdate(), await nextUpdate()], [`zoom://webinars/${w1}`, `zoom://webinars/${w1}/registrants`]);
    await client.close();
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});
