// malformed.test.mjs - the malformed-input corpus: each case is sent to a fresh
// fixture server, must get the right error (or, for notifications and stray
// responses, no reply at all), and the server must then still answer a probe
// (ping in the legacy era, server/discover otherwise) and exit 0 on EOF.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { modernMeta, RawServer } from './lib/fixture.mjs';

const line = (obj) => JSON.stringify(obj) + '\n';
const req = (method, params, id = 1) => line(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
const note = (method, params) => line(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);

// expect: { error: code or [codes], id } - one error reply with that id (null
// when not given); { none: true } - no reply at all; { check(srv) } - custom.
// setup: 'legacy' (initialize at 2025-11-25, the default), 'legacy:<version>',
// 'none' (nothing sent first), 'modern' (nothing sent first; probe in the modern era).
const CASES = [
  // ---- not JSON ----
  { name: 'truncated object', send: '{"jsonrpc":"2.0","id":1,"method":"ping"\n', expect: { error: -32700 } },
  { name: 'truncated inside a string', send: '{"jsonrpc":"2.0","id":1,"method":"pi\n', expect: { error: -32700 } },
  { name: 'plain text', send: 'hello world\n', expect: { error: -32700 } },
  { name: 'trailing garbage after the object', send: '{"jsonrpc":"2.0","id":1,"method":"ping"} x\n', expect: { error: -32700 } },
  { name: 'two objects on one line', send: '{"jsonrpc":"2.0","id":1,"method":"ping"}{"jsonrpc":"2.0","id":2,"method":"ping"}\n', expect: { error: -32700 } },
  { name: 'single-quoted keys', send: "{'jsonrpc':'2.0','id':1,'method':'ping'}\n", expect: { error: -32700 } },
  { name: 'number overflowing a double', send: '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":1e400}}\n', expect: { error: -32700 } },
  // ---- not a JSON-RPC message ----
  { name: 'a JSON string', send: '"ping"\n', expect: { error: -32600 } },
  { name: 'a JSON number', send: '42\n', expect: { error: -32600 } },
  { name: 'JSON null', send: 'null\n', expect: { error: -32600 } },
  { name: 'JSON true', send: 'true\n', expect: { error: -32600 } },
  { name: 'empty object', send: '{}\n', expect: { error: -32600 } },
  { name: 'jsonrpc "1.0"', send: line({ jsonrpc: '1.0', id: 1, method: 'ping' }), expect: { error: -32600, id: [1, null] } },
  { name: 'jsonrpc missing', send: line({ id: 1, method: 'ping' }), expect: { error: -32600, id: [1, null] } },
  { name: 'jsonrpc as a number', send: '{"jsonrpc":2.0,"id":1,"method":"ping"}\n', expect: { error: -32600, id: [1, null] } },
  { name: 'both method and result', send: line({ jsonrpc: '2.0', id: 1, method: 'ping', result: {} }), expect: { error: -32600, id: [1, null] } },
  // ---- bad ids ----
  { name: 'object id', send: line({ jsonrpc: '2.0', id: { a: 1 }, method: 'ping' }), expect: { error: -32600 } },
  { name: 'array id', send: line({ jsonrpc: '2.0', id: [1], method: 'ping' }), expect: { error: -32600 } },
  { name: 'boolean id', send: line({ jsonrpc: '2.0', id: true, method: 'ping' }), expect: { error: -32600 } },
  { name: 'fractional id', send: '{"jsonrpc":"2.0","id":1.5,"method":"ping"}\n', expect: { error: -32600 } },
  { name: 'null id', send: line({ jsonrpc: '2.0', id: null, method: 'ping' }), expect: { error: -32600 } },
  { name: 'id beyond 64 bits', send: '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}\n', expect: { error: [-32700, -32600] } },
  {
    name: 'very long string id is echoed',
    send: req('ping', undefined, 'i'.repeat(8192)),
    expect: { check: async (srv) => assert.deepEqual((await srv.response('i'.repeat(8192))).result, {}) },
  },
  // ---- bad methods ----
  { name: 'method is a number', send: line({ jsonrpc: '2.0', id: 1, method: 42 }), expect: { error: -32600, id: [1, null] } },
  { name: 'method is null', send: line({ jsonrpc: '2.0', id: 1, method: null }), expect: { error: -32600, id: [1, null] } },
  { name: 'method missing', send: line({ jsonrpc: '2.0', id: 1 }), expect: { error: -32600, id: [1, null] } },
  { name: 'unknown method', send: req('foo/bar', {}), expect: { error: -32601, id: 1 } },
  { name: 'empty method name', send: req('', {}), expect: { error: [-32601, -32600], id: [1, null] } },
  { name: 'escaped NUL in the method name', send: '{"jsonrpc":"2.0","id":1,"method":"ping\\u0000x"}\n', expect: { error: [-32700, -32601], id: [1, null] } },
  // ---- bad params ----
  { name: 'params is a string', send: req('ping', 'x'), expect: { error: [-32600, -32602], id: [1, null] } },
  { name: 'params is a number', send: req('tools/list', 5), expect: { error: [-32600, -32602], id: [1, null] } },
  { name: 'params is an array for tools/call', send: req('tools/call', ['test_simple_text']), expect: { error: [-32600, -32602], id: [1, null] } },
  { name: 'tools/call of an unknown tool', send: req('tools/call', { name: 'nope', arguments: {} }), expect: { error: -32602, id: 1 } },
  { name: 'tools/call without a name', send: req('tools/call', { arguments: {} }), expect: { error: -32602, id: 1 } },
  { name: 'tools/call with a numeric name', send: req('tools/call', { name: 7 }), expect: { error: -32602, id: 1 } },
  { name: 'tools/call with array arguments', send: req('tools/call', { name: 'test_simple_text', arguments: [] }), expect: { error: -32602, id: 1 } },
  { name: 'resources/read of an unknown uri', send: req('resources/read', { uri: 'test://none' }), expect: { error: -32002, id: 1 } },
  { name: 'resources/read without a uri', send: req('resources/read', {}), expect: { error: -32602, id: 1 } },
  { name: 'prompts/get of an unknown prompt', send: req('prompts/get', { name: 'nope' }), expect: { error: -32602, id: 1 } },
  { name: 'tools/list with a forged cursor', send: req('tools/list', { cursor: 'AAAA' }), expect: { error: -32602, id: 1 } },
  { name: 'logging/setLevel with an unknown level', send: req('logging/setLevel', { level: 'loud' }), expect: { error: -32602, id: 1 } },
  {
    name: 'a huge number as a tool argument',
    send: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fixture_sleep","arguments":{"ms":1e308}}}\n',
    expect: {
      check: async (srv) => {
        const r = await srv.response(1);
        assert.equal(r.result?.isError, true, JSON.stringify(r));
        assert.match(r.result.content[0].text, /ms/);
      },
    },
  },
  // ---- notifications and stray responses: never answered ----
  { name: 'unknown notification', send: note('notifications/does_not_exist', {}), expect: { none: true } },
  { name: 'unknown notification without the prefix', send: note('bogus'), expect: { none: true } },
  // Without an id but with params that are not structured, the message is not a
  // valid notification: JSON-RPC 2.0 answers such an invalid Request (id null).
  { name: 'notification with params of the wrong type', send: note('notifications/cancelled', 'x'), expect: { error: -32600 } },
  { name: 'cancellation of an unknown request', send: note('notifications/cancelled', { requestId: 424242 }), expect: { none: true } },
  { name: 'notifications/initialized twice', send: note('notifications/initialized'), expect: { none: true } },
  { name: 'a response nobody asked for', send: line({ jsonrpc: '2.0', id: 'nobody', result: {} }), expect: { none: true } },
  { name: 'an error response nobody asked for', send: line({ jsonrpc: '2.0', id: 99, error: { code: -1, message: 'x' } }), expect: { none: true } },
  // ---- batches ----
  { name: 'empty batch', send: '[]\n', expect: { error: -32600 } },
  { name: 'empty batch at 2025-03-26', setup: 'legacy:2025-03-26', send: '[]\n', expect: { error: -32600 } },
  { name: 'batch at 2025-06-18 is rejected', setup: 'legacy:2025-06-18', send: '[' + JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) + ']\n', expect: { error: -32600 } },
  { name: 'batch at 2025-11-25 is rejected', send: '[' + JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) + ']\n', expect: { error: -32600 } },
  {
    name: 'batch at 2025-03-26 is served',
    setup: 'legacy:2025-03-26',
    send: JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/x' }, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test_simple_text', arguments: {} } }]) + '\n',
    expect: {
      check: async (srv) => {
        const batch = await srv.take((m) => Array.isArray(m), 'a batch response');
        assert.equal(batch.length, 2, JSON.stringify(batch));
        const byId = Object.fromEntries(batch.map((m) => [m.id, m]));
        assert.deepEqual(byId[1].result, {});
        assert.equal(byId[2].result.content[0].text, 'This is a simple text response for testing.');
      },
    },
  },
  {
    name: 'batch at 2025-03-26 with a bad member',
    setup: 'legacy:2025-03-26',
    send: '[{"jsonrpc":"2.0","id":1,"method":"ping"},5]\n',
    expect: {
      check: async (srv) => {
        const batch = await srv.take((m) => Array.isArray(m), 'a batch response');
        assert.equal(batch.length, 2, JSON.stringify(batch));
        assert.deepEqual(batch.find((m) => m.id === 1).result, {});
        assert.equal(batch.find((m) => m.id === null).error.code, -32600);
      },
    },
  },
  { name: 'batch of notifications only at 2025-03-26', setup: 'legacy:2025-03-26', send: '[{"jsonrpc":"2.0","method":"notifications/x"}]\n', expect: { none: true } },
  // ---- nesting ----
  { name: 'nesting deeper than the limit', send: req('ping', { x: JSON.parse(nested(100)) }), expect: { error: [-32600, -32700], id: [1, null] } },
  { name: 'a hundred thousand open brackets', send: '['.repeat(100000) + '\n', expect: { error: [-32600, -32700] } },
  {
    name: 'nesting well under the limit is served',
    send: req('ping', { x: JSON.parse(nested(30)) }),
    expect: { check: async (srv) => assert.deepEqual((await srv.response(1)).result, {}) },
  },
  // ---- bytes that are not UTF-8 ----
  { name: 'invalid byte 0xFF in a string', send: bytes('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"', [0xff], '"}}\n'), expect: { error: -32700 } },
  { name: 'overlong encoding C0 80', send: bytes('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"', [0xc0, 0x80], '"}}\n'), expect: { error: -32700 } },
  { name: 'truncated multibyte sequence', send: bytes('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"', [0xe2, 0x82], '"}}\n'), expect: { error: -32700 } },
  { name: 'UTF-8-encoded surrogate', send: bytes('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"', [0xed, 0xa0, 0x80], '"}}\n'), expect: { error: -32700 } },
  { name: 'invalid byte in a key', send: bytes('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"', [0xfe], '":1}}\n'), expect: { error: -32700 } },
  { name: 'lone surrogate escape', send: '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\\ud800"}}\n', expect: { error: -32700 } },
  { name: 'raw NUL byte', send: bytes('{"jsonrpc":"2.0","id":1,', [0], '"method":"ping"}\n'), expect: { error: -32700 } },
  // ---- framing ----
  { name: 'oversized frame', args: ['--max-frame', '1024'], send: req('ping', { pad: 'x'.repeat(4000) }), expect: { error: [-32600, -32700] } },
  { name: 'a 2 MiB frame over a 1 KiB cap', args: ['--max-frame', '1024'], send: req('ping', { pad: 'y'.repeat(2 << 20) }), expect: { error: [-32600, -32700] } },
  {
    name: 'a frame under the cap is served',
    args: ['--max-frame', '1024'],
    send: req('ping', { pad: 'z'.repeat(900) }),
    expect: { check: async (srv) => assert.deepEqual((await srv.response(1)).result, {}) },
  },
  {
    name: 'CRLF line ending',
    send: '{"jsonrpc":"2.0","id":1,"method":"ping"}\r\n',
    expect: { check: async (srv) => assert.deepEqual((await srv.response(1)).result, {}) },
  },
  {
    name: 'whitespace around the object',
    send: '  \t{"jsonrpc":"2.0","id":1,"method":"ping"}  \n',
    expect: { check: async (srv) => assert.deepEqual((await srv.response(1)).result, {}) },
  },
  // ---- lifecycle ----
  { name: 'request before initialize', setup: 'none', send: req('tools/list', {}), expect: { error: [-32600, -32602], id: 1 } },
  { name: 'tools/call before initialize', setup: 'none', send: req('tools/call', { name: 'test_simple_text', arguments: {} }), expect: { error: [-32600, -32602], id: 1 } },
  {
    name: 'ping before initialize is answered',
    setup: 'none',
    send: req('ping'),
    expect: { check: async (srv) => assert.deepEqual((await srv.response(1)).result, {}) },
  },
  { name: 'notifications/initialized before initialize', setup: 'none', send: note('notifications/initialized'), expect: { none: true } },
  { name: 'initialize twice', send: req('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } }), expect: { error: -32600, id: 1 } },
  { name: 'initialize without protocolVersion', setup: 'none', send: req('initialize', { capabilities: {}, clientInfo: { name: 'x', version: '1' } }), expect: { error: -32602, id: 1 } },
  { name: 'initialize with params that are not an object', setup: 'none', send: req('initialize', 'hello'), expect: { error: [-32600, -32602], id: 1 } },
  {
    name: 'duplicate id while the first request is in flight',
    expect: {
      check: async (srv) => {
        srv.send(req('tools/call', { name: 'fixture_sleep', arguments: { ms: 10000 }, _meta: { progressToken: 'dup' } }, 'dup'));
        await srv.take((m) => m.method === 'notifications/progress', 'the sleep to start');
        srv.send(req('ping', undefined, 'dup'));
        const r = await srv.response('dup');
        assert.equal(r.error?.code, -32600, JSON.stringify(r));
        srv.send(note('notifications/cancelled', { requestId: 'dup' }));
      },
    },
  },
  // ---- modern-era envelope ----
  { name: 'modern: clientCapabilities missing', setup: 'modern', send: req('tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }), expect: { error: -32602, id: 1 } },
  { name: 'modern: _meta is not an object', setup: 'modern', send: req('tools/list', { _meta: 'x' }), expect: { error: -32602, id: 1 } },
  { name: 'modern: protocolVersion is not a string', setup: 'modern', send: req('tools/list', { _meta: { ...modernMeta(), 'io.modelcontextprotocol/protocolVersion': 20260728 } }), expect: { error: [-32602, -32022], id: 1 } },
  { name: 'modern: unsupported protocolVersion', setup: 'modern', send: req('tools/list', { _meta: { ...modernMeta(), 'io.modelcontextprotocol/protocolVersion': '1999-01-01' } }), expect: { error: -32022, id: 1 } },
  { name: 'modern: unknown method', setup: 'modern', send: req('nope/nothing', { _meta: modernMeta() }), expect: { error: -32601, id: 1 } },
  { name: 'modern: ping is not part of 2026-07-28', setup: 'modern', send: req('ping', { _meta: modernMeta() }), expect: { error: -32601, id: 1 } },
  { name: 'modern: resource not found', setup: 'modern', send: req('resources/read', { uri: 'test://none', _meta: modernMeta() }), expect: { error: -32602, id: 1 } },
];

const oneOf = (want, got) => (Array.isArray(want) ? want : [want]).includes(got);

async function runCase(c) {
  const srv = new RawServer(c.args ?? []);
  try {
    const setup = c.setup ?? 'legacy';
    if (setup.startsWith('legacy')) await srv.initialize(setup.split(':')[1] ?? '2025-11-25');
    if (c.send !== undefined) srv.send(c.send);
    const e = c.expect;
    if (e.check) await e.check(srv);
    if (e.error !== undefined) {
      const reply = await srv.take((m) => !Array.isArray(m) && m.id !== 'probe' && 'error' in m, `an error reply`);
      assert.ok(oneOf(e.error, reply.error.code), `error code ${reply.error.code} (${reply.error.message}), expected ${e.error}`);
      assert.equal(typeof reply.error.message, 'string');
      assert.ok(oneOf(e.id === undefined ? null : e.id, reply.id), `reply id ${JSON.stringify(reply.id)}`);
      assert.equal(reply.jsonrpc, '2.0');
    }
    // The probe: the server still serves after the bad frame.
    const probe = setup.startsWith('legacy')
      ? await srv.request('ping', undefined, 'probe')
      : await srv.request('server/discover', { _meta: modernMeta() }, 'probe');
    assert.ok(probe.result, `probe failed: ${JSON.stringify(probe)}`);
    const unexpected = srv.inbox.filter((m) => !(m.method && m.method.startsWith('notifications/')));
    assert.deepEqual(unexpected, [], 'no reply beyond the expected one');
    assert.deepEqual(srv.garbage, [], 'stdout carries only JSON');
    const status = await srv.close();
    assert.equal(status.code, 0, `exit ${JSON.stringify(status)}; stderr: ${srv.stderr.slice(-2000)}`);
  } finally {
    srv.kill();
  }
}

describe('malformed-input corpus', { concurrency: 4 }, () => {
  it('has at least 40 cases', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, 'unique names');
  });
  it('is as large as the README says', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const said = readme.match(/a corpus of (\d+) malformed inputs/);
    assert.equal(Number(said?.[1]), CASES.length, 'README.md, "Testing": a corpus of N malformed inputs');
  });
  for (const c of CASES) it(c.name, () => runCase(c));
});
