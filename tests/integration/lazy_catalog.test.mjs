// lazy_catalog.test.mjs - zoom-webinar-mcp parses its tool catalogue at the
// first request that needs a tool, not at start-up: a tools/call sent before
// any tools/list works in both eras, over stdio and over HTTP, and with
// --read-only; initialize, resources and prompts leave the catalogue alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modernMeta, MODERN, RawServer, WAIT_MS } from './lib/fixture.mjs';
import { startHttp, post, openSession } from './lib/http.mjs';
import { SERVER, sandboxEnv, serverCommand } from './lib/zoom.mjs';

const LOADED = /tools registered at their first use/;

// Starts the server on stdio at the debug log level (the line LOADED says when
// the catalogue was parsed).
function startStdio(args = []) {
  const cmd = serverCommand(['--log-level', 'debug', ...args]);
  return new RawServer(cmd.args, { env: sandboxEnv(), command: cmd.command });
}

// Resolves once TEXT() matches RE: log lines come on stderr, which the
// client may read after the reply that followed them on stdout.
function logged(stream, text, re, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!re.test(text())) return;
      clearTimeout(timer);
      stream.off('data', onData);
      resolve();
    };
    const onData = () => setImmediate(check); // after the owner's own listener appended it
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`no ${what} on stderr within ${WAIT_MS} ms: ${text().slice(-2000)}`));
    }, WAIT_MS);
    stream.on('data', onData);
    check();
  });
}

async function stop(srv) {
  assert.deepEqual(srv.garbage, [], 'stdout carries only JSON-RPC');
  const status = await srv.close();
  assert.equal(status.code, 0, `exit status ${JSON.stringify(status)}; stderr ${srv.stderr.slice(-2000)}`);
}

function structured(reply) {
  assert.ok(reply.result, JSON.stringify(reply));
  assert.notEqual(reply.result.isError, true, JSON.stringify(reply.result));
  return reply.result.structuredContent;
}

test('stdio, handshake era: the catalogue waits for the first tools/call', async () => {
  const srv = startStdio();
  try {
    const init = await srv.initialize('2025-11-25');
    assert.equal(typeof init.capabilities.tools, 'object', 'tools are offered before they are loaded');
    assert.ok((await srv.request('resources/read', { uri: 'zoom://config' })).result);
    assert.ok((await srv.request('prompts/list', {})).result);
    assert.doesNotMatch(srv.stderr, LOADED, 'initialize, resources and prompts do not parse the catalogue');
    const status = structured(await srv.request('tools/call', { name: 'get_token_status', arguments: {} }));
    assert.equal(typeof status.state, 'string');
    await logged(srv.proc.stderr, () => srv.stderr, LOADED, 'catalogue load');
    const list = await srv.request('tools/list', {});
    assert.ok(list.result.tools.some((t) => t.name === 'create_webinar'));
  } finally {
    await stop(srv);
  }
});

test('stdio, 2026-07-28: tools/call is the very first request', async () => {
  const srv = startStdio();
  try {
    const r = await srv.request('tools/call', { name: 'get_token_status', arguments: {}, _meta: modernMeta() });
    assert.equal(r.result?.resultType, 'complete', JSON.stringify(r));
    structured(r);
  } finally {
    await stop(srv);
  }
});

test('stdio, --read-only: the first tools/call sees only the read-only tools', async () => {
  const srv = startStdio(['--read-only']);
  try {
    await srv.initialize('2025-11-25');
    const write = await srv.request('tools/call', { name: 'create_webinar', arguments: { topic: 't' } });
    assert.equal(write.error?.code, -32602, JSON.stringify(write));
    assert.match(write.error.message, /unknown tool create_webinar/);
    structured(await srv.request('tools/call', { name: 'list_users_for_selection', arguments: {} }));
    const list = await srv.request('tools/list', {});
    assert.ok(list.result.tools.length > 0);
    assert.ok(list.result.tools.every((t) => t.annotations.readOnlyHint), 'only read-only tools');
  } finally {
    await stop(srv);
  }
});

for (const first of ['2026-07-28', 'handshake']) {
  test(`HTTP, ${first} era first: tools/call before any tools/list, in both eras`, async () => {
    const srv = await startHttp(SERVER, ['--log-level', 'debug'], { env: sandboxEnv() });
    try {
      // A 2026-07-28 tools/call has the transport read the tool's schema (for
      // its Mcp-Param headers) on a connection thread: that loads it too.
      const modern = async () => {
        const body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_token_status', arguments: {}, _meta: modernMeta() } };
        const r = await post(srv.url, body, { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'get_token_status' });
        assert.equal(r.status, 200, r.text);
        structured(r.json);
      };
      const legacy = async () => {
        const sid = await openSession(srv.url);
        const body = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_token_status', arguments: {} } };
        const r = await post(srv.url, body, { 'Mcp-Session-Id': sid });
        assert.equal(r.status, 200, r.text);
        structured(r.json);
      };
      if (first === 'handshake') await legacy();
      await modern();
      await legacy();
      await logged(srv.proc.stderr, srv.stderr, LOADED, 'catalogue load');
      assert.equal(srv.stderr().match(new RegExp(LOADED, 'g'))?.length, 1, 'parsed once');
    } finally {
      assert.equal(await srv.stop(), 0);
    }
  });
}
