// modern.test.mjs - the fixture server in the stateless 2026-07-28 era, driven
// with raw JSON-RPC lines over stdio. Every field the revision requires is
// checked explicitly (no schema files are read at test time).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MODERN, modernMeta, RawServer } from './lib/fixture.mjs';

const SAMPLING = { sampling: {} };
const ELICITATION = { elicitation: { form: {} } };

// Checks the fields every cacheable 2026-07-28 result carries.
function assertCacheable(result) {
  assert.equal(result.resultType, 'complete');
  assert.ok(Number.isInteger(result.ttlMs) && result.ttlMs >= 0, `ttlMs ${result.ttlMs}`);
  assert.ok(['public', 'private'].includes(result.cacheScope), `cacheScope ${result.cacheScope}`);
}

function assertError(reply, code) {
  assert.ok(reply.error, `expected error ${code}, got ${JSON.stringify(reply)}`);
  assert.equal(reply.error.code, code, reply.error.message);
  assert.equal(typeof reply.error.message, 'string');
  assert.equal(reply.result, undefined);
}

describe('modern era (2026-07-28) over raw stdio', () => {
  let srv;
  before(() => {
    srv = new RawServer();
  });
  after(async () => {
    assert.deepEqual(srv.garbage, [], 'stdout carries only JSON-RPC');
    const status = await srv.close();
    assert.equal(status.code, 0, `exit status ${JSON.stringify(status)}; stderr ${srv.stderr.slice(-2000)}`);
  });

  // A request in the modern era; returns the whole reply.
  function call(method, params = {}, capabilities = {}, extraMeta = {}) {
    return srv.request(method, { ...params, _meta: modernMeta(capabilities, extraMeta) });
  }

  it('server/discover: versions, capabilities, server info, resultType, caching', async () => {
    const r = await call('server/discover');
    assert.ok(r.result, JSON.stringify(r));
    assertCacheable(r.result);
    assert.ok(r.result.supportedVersions.includes(MODERN));
    assert.ok(r.result.supportedVersions.includes('2025-11-25'));
    for (const cap of ['tools', 'resources', 'prompts', 'completions'])
      assert.equal(typeof r.result.capabilities[cap], 'object', `capability ${cap}`);
    assert.match(r.result.instructions, /conformance/i);
    const info = r.result._meta?.['io.modelcontextprotocol/serverInfo'] ?? r.result.serverInfo;
    assert.equal(info?.name, 'mcp-fixture-server');
  });

  it('a missing _meta, protocolVersion or clientCapabilities is -32602', async () => {
    assertError(await srv.request('tools/list', {}), -32602);
    assertError(await srv.request('tools/list'), -32602);
    const noCaps = { 'io.modelcontextprotocol/protocolVersion': MODERN };
    assertError(await srv.request('tools/list', { _meta: noCaps }), -32602);
    const noVersion = { 'io.modelcontextprotocol/clientCapabilities': {} };
    assertError(await srv.request('tools/list', { _meta: noVersion }), -32602);
    assertError(await srv.request('server/discover', { _meta: noVersion }), -32602);
  });

  it('an unsupported version is -32022 with data.supported and data.requested', async () => {
    const meta = { ...modernMeta(), 'io.modelcontextprotocol/protocolVersion': '2031-01-01' };
    const r = await srv.request('tools/list', { _meta: meta });
    assertError(r, -32022);
    assert.ok(r.error.data.supported.includes(MODERN));
    assert.equal(r.error.data.requested, '2031-01-01');
  });

  it('tools/list: cacheable, deterministic, complete through every page', async () => {
    const names = [];
    let cursor;
    let pages = 0;
    do {
      const r = await call('tools/list', cursor ? { cursor } : {});
      assertCacheable(r.result);
      names.push(...r.result.tools.map((t) => t.name));
      cursor = r.result.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    assert.ok(names.includes('test_simple_text') && names.includes('json_schema_2020_12_tool'));
    assert.equal(new Set(names).size, names.length, 'no tool twice');
    const again = await call('tools/list');
    assert.deepEqual(again.result.tools.map((t) => t.name), names.slice(0, again.result.tools.length));
    assertError(await call('tools/list', { cursor: 'not-a-cursor' }), -32602);
  });

  it('tools/call: resultType complete and the fixture content', async () => {
    const r = await call('tools/call', { name: 'test_simple_text', arguments: {} });
    assert.equal(r.result.resultType, 'complete');
    assert.deepEqual(r.result.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);
    const err = await call('tools/call', { name: 'test_error_handling', arguments: {} });
    assert.equal(err.result.resultType, 'complete');
    assert.equal(err.result.isError, true);
    assertError(await call('tools/call', { name: 'no_such_tool', arguments: {} }), -32602);
  });

  it('resources: list, templates, read (cacheable); not found is -32602', async () => {
    const list = await call('resources/list');
    assertCacheable(list.result);
    assert.equal(list.result.resources.length, 3);
    const tpl = await call('resources/templates/list');
    assertCacheable(tpl.result);
    assert.equal(tpl.result.resourceTemplates[0].uriTemplate, 'test://template/{id}/data');
    const read = await call('resources/read', { uri: 'test://static-text' });
    assertCacheable(read.result);
    assert.equal(read.result.contents[0].text, 'This is the content of the static text resource.');
    const t = await call('resources/read', { uri: 'test://template/7/data' });
    assert.deepEqual(JSON.parse(t.result.contents[0].text), { id: '7', templateTest: true, data: 'Data for ID: 7' });
    assertError(await call('resources/read', { uri: 'test://nothing-here' }), -32602);
  });

  it('prompts and completion carry resultType', async () => {
    const list = await call('prompts/list');
    assertCacheable(list.result);
    assert.equal(list.result.prompts.length, 5);
    const get = await call('prompts/get', { name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
    assert.equal(get.result.resultType, 'complete');
    assert.equal(get.result.messages[0].content.text, "Prompt with arguments: arg1='a', arg2='b'");
    const c = await call('completion/complete', {
      ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
      argument: { name: 'arg1', value: 'pa' },
    });
    assert.equal(c.result.resultType, 'complete');
    assert.deepEqual(c.result.completion.values, ['paris', 'park', 'party']);
  });

  it('sampling: input_required, then the retry with inputResponses completes', async () => {
    const args = { name: 'test_sampling', arguments: { prompt: 'Say hi' } };
    const first = await call('tools/call', args, SAMPLING);
    assert.equal(first.result.resultType, 'input_required', JSON.stringify(first));
    const keys = Object.keys(first.result.inputRequests);
    assert.equal(keys.length, 1);
    const ask = first.result.inputRequests[keys[0]];
    assert.equal(ask.method, 'sampling/createMessage');
    assert.deepEqual(ask.params.messages, [{ role: 'user', content: { type: 'text', text: 'Say hi' } }]);
    assert.equal(ask.params.maxTokens, 100);
    const answer = { role: 'assistant', content: { type: 'text', text: 'hi there' }, model: 'test-model' };
    const retry = { ...args, inputResponses: { [keys[0]]: answer } };
    if (first.result.requestState !== undefined) retry.requestState = first.result.requestState;
    const second = await call('tools/call', retry, SAMPLING);
    assert.equal(second.result.resultType, 'complete', JSON.stringify(second));
    assert.deepEqual(second.result.content, [{ type: 'text', text: 'LLM response: hi there' }]);
  });

  it('elicitation: input_required, then the retry with inputResponses completes', async () => {
    const args = { name: 'test_elicitation', arguments: { message: 'Who are you?' } };
    const first = await call('tools/call', args, ELICITATION);
    assert.equal(first.result.resultType, 'input_required', JSON.stringify(first));
    const [key] = Object.keys(first.result.inputRequests);
    const ask = first.result.inputRequests[key];
    assert.equal(ask.method, 'elicitation/create');
    assert.equal(ask.params.message, 'Who are you?');
    assert.deepEqual(ask.params.requestedSchema.required, ['username', 'email']);
    const retry = { ...args, inputResponses: { [key]: { action: 'accept', content: { username: 'u', email: 'e@x' } } } };
    if (first.result.requestState !== undefined) retry.requestState = first.result.requestState;
    const second = await call('tools/call', retry, ELICITATION);
    assert.equal(second.result.resultType, 'complete', JSON.stringify(second));
    assert.equal(second.result.content[0].text, 'User response: action=accept, content={"email":"e@x","username":"u"}');
  });

  it('a request that needs a capability the client lacks is -32021', async () => {
    const s = await call('tools/call', { name: 'test_sampling', arguments: { prompt: 'x' } }, {});
    assertError(s, -32021);
    assert.equal(typeof s.error.data?.requiredCapabilities?.sampling, 'object');
    const e = await call('tools/call', { name: 'test_elicitation', arguments: { message: 'x' } }, SAMPLING);
    assertError(e, -32021);
    assert.equal(typeof e.error.data?.requiredCapabilities?.elicitation, 'object');
  });

  // Calls test_tool_with_logging with this _meta and returns the log
  // notifications received before its reply (they precede it on stdout).
  async function loggedCall(extraMeta) {
    const id = `log-${Math.random()}`;
    srv.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'test_tool_with_logging', arguments: {}, _meta: modernMeta({}, extraMeta) } });
    const reply = await srv.response(id);
    assert.equal(reply.result.resultType, 'complete');
    const logs = [];
    for (;;) {
      const i = srv.inbox.findIndex((m) => m.method === 'notifications/message');
      if (i < 0) break;
      logs.push(srv.inbox.splice(i, 1)[0].params);
    }
    return logs;
  }

  it('log level per request: none without it, filtered by it', async () => {
    assert.deepEqual(await loggedCall({}), []);
    const info = await loggedCall({ 'io.modelcontextprotocol/logLevel': 'info' });
    assert.deepEqual(info.map((m) => [m.level, m.data]), [
      ['info', 'Tool execution started'],
      ['info', 'Tool processing data'],
      ['info', 'Tool execution completed'],
    ]);
    assert.deepEqual(await loggedCall({ 'io.modelcontextprotocol/logLevel': 'warning' }), []);
  });

  it('progress notifications for a request with a progressToken', async () => {
    const r = await call('tools/call', { name: 'test_tool_with_progress', arguments: {} }, {}, { progressToken: 'p-1' });
    assert.equal(r.result.resultType, 'complete');
    const progress = [];
    for (;;) {
      const i = srv.inbox.findIndex((m) => m.method === 'notifications/progress');
      if (i < 0) break;
      progress.push(srv.inbox.splice(i, 1)[0].params);
    }
    assert.deepEqual(progress.map((p) => [p.progressToken, p.progress, p.total]), [
      ['p-1', 0, 100],
      ['p-1', 50, 100],
      ['p-1', 100, 100],
    ]);
  });

  it('nothing unexpected was left unread', () => {
    assert.deepEqual(srv.inbox, []);
  });
});

describe('dual era on one connection', () => {
  it('after initialize, a request with the modern _meta is answered in the modern era', async () => {
    const srv = new RawServer();
    try {
      await srv.initialize('2025-11-25');
      const legacy = await srv.request('tools/list', {});
      assert.ok(Array.isArray(legacy.result.tools));
      assert.equal(legacy.result.resultType, undefined);
      assert.equal(legacy.result.ttlMs, undefined);
      const modern = await srv.request('tools/list', { _meta: modernMeta() });
      assertCacheable(modern.result);
      const missing = await srv.request('resources/read', { uri: 'test://missing' });
      assertError(missing, -32002);
      const missingModern = await srv.request('resources/read', { uri: 'test://missing', _meta: modernMeta() });
      assertError(missingModern, -32602);
      assert.deepEqual(srv.garbage, []);
      assert.equal((await srv.close()).code, 0);
    } finally {
      srv.kill();
    }
  });
});
