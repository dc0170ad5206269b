// legacy.test.mjs - the fixture server in the handshake era (2024-11-05 ..
// 2025-11-25), driven by the official TypeScript SDK client over stdio.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { connectClient, LEGACY_VERSIONS, RawServer, sleep } from './lib/fixture.mjs';

const FIXTURE_TOOLS = [
  'test_simple_text',
  'test_image_content',
  'test_audio_content',
  'test_embedded_resource',
  'test_multiple_content_types',
  'test_tool_with_logging',
  'test_tool_with_progress',
  'test_error_handling',
  'test_sampling',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'json_schema_2020_12_tool',
];
const PNG_PREFIX = 'iVBORw0KGgo'; // base64 of the PNG signature
const WAV_PREFIX = 'UklGR'; // base64 of "RIFF"

// Asserts that a promise rejects with an McpError of CODE; returns the error.
async function rejectsWith(promise, code) {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof McpError, `expected McpError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected an MCP error ${code}, got a result`);
}

function onlyText(result) {
  assert.equal(result.content.length, 1);
  assert.equal(result.content[0].type, 'text');
  return result.content[0].text;
}

describe('legacy era: handshake and version negotiation (raw)', () => {
  for (const version of LEGACY_VERSIONS) {
    it(`initialize at ${version} echoes the version`, async () => {
      const srv = new RawServer();
      try {
        const r = await srv.initialize(version);
        assert.equal(r.protocolVersion, version);
        assert.equal(r.serverInfo.name, 'mcp-fixture-server');
        assert.equal(typeof r.serverInfo.version, 'string');
        assert.equal(typeof r.serverInfo.title, 'string');
        assert.equal(typeof r.instructions, 'string');
        for (const cap of ['tools', 'resources', 'prompts', 'logging', 'completions'])
          assert.equal(typeof r.capabilities[cap], 'object', `capability ${cap}`);
        assert.equal(r.resultType, undefined, 'no modern fields in a legacy reply');
        assert.deepEqual((await srv.request('ping')).result, {});
        assert.deepEqual(srv.garbage, []);
        assert.equal((await srv.close()).code, 0);
      } finally {
        srv.kill();
      }
    });
  }

  it('an unknown version is answered with the newest supported one', async () => {
    const srv = new RawServer();
    try {
      const r = await srv.initialize('2099-01-01');
      assert.equal(r.protocolVersion, '2025-11-25');
      assert.equal((await srv.close()).code, 0);
    } finally {
      srv.kill();
    }
  });
});

describe('legacy era: SDK client at every supported version', () => {
  for (const version of LEGACY_VERSIONS) {
    it(`lists and calls tools at ${version}`, async () => {
      const { client } = await connectClient({ version });
      try {
        const { tools } = await client.listTools();
        const names = tools.map((t) => t.name);
        for (const name of FIXTURE_TOOLS) assert.ok(names.includes(name), `${name} listed`);
        const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
        assert.equal(onlyText(r), 'This is a simple text response for testing.');
        assert.deepEqual(await client.ping(), {});
      } finally {
        await client.close();
      }
    });
  }
});

describe('legacy era: fixtures through the SDK client', () => {
  let client;
  let received;
  const messages = [];
  before(async () => {
    ({ client, received } = await connectClient({ capabilities: { sampling: {}, elicitation: {} } }));
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
      role: 'assistant',
      content: { type: 'text', text: `echo: ${req.params.messages[0].content.text}` },
      model: 'test-model',
      stopReason: 'endTurn',
    }));
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      const props = req.params.requestedSchema.properties;
      if (props.username) return { action: 'accept', content: { username: 'testuser', email: 'test@example.com' } };
      if (props.verified) return { action: 'decline' };
      return {
        action: 'accept',
        content: { untitledSingle: 'option1', titledSingle: 'value1', legacyEnum: 'opt1', untitledMulti: ['option1', 'option2'], titledMulti: ['value1', 'value2'] },
      };
    });
  });
  after(async () => {
    await client?.close();
  });

  it('serverInfo, capabilities and instructions', () => {
    const info = client.getServerVersion();
    assert.equal(info.name, 'mcp-fixture-server');
    assert.ok(info.title);
    const caps = client.getServerCapabilities();
    assert.ok(caps.tools && caps.resources && caps.prompts && caps.logging && caps.completions);
    assert.match(client.getInstructions(), /conformance/i);
  });

  it('tools/list: every fixture with description, schema and explicit hints', async () => {
    const { tools } = await client.listTools();
    for (const name of FIXTURE_TOOLS) {
      const tool = tools.find((t) => t.name === name);
      assert.ok(tool, `${name} listed`);
      assert.ok(tool.description, `${name} has a description`);
      assert.equal(tool.inputSchema.type, 'object');
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'])
        assert.equal(typeof tool.annotations?.[hint], 'boolean', `${name}.${hint}`);
    }
    assert.deepEqual(tools.find((t) => t.name === 'test_sampling').inputSchema.required, ['prompt']);
    const again = await client.listTools();
    assert.deepEqual(again.tools.map((t) => t.name), tools.map((t) => t.name), 'deterministic order');
  });

  it('json_schema_2020_12_tool keeps $schema, $defs and additionalProperties', async () => {
    const { tools } = await client.listTools();
    const s = tools.find((t) => t.name === 'json_schema_2020_12_tool').inputSchema;
    assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.deepEqual(Object.keys(s.$defs.address.properties), ['street', 'city']);
    assert.equal(s.properties.address.$ref, '#/$defs/address');
    assert.equal(s.additionalProperties, false);
    const r = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { name: 'Ada', email: 'ada@example.com', address: { city: 'Paris' } } });
    assert.notEqual(r.isError, true);
    assert.match(onlyText(r), /"name":"Ada"/);
  });

  it('test_image_content, test_audio_content', async () => {
    const img = await client.callTool({ name: 'test_image_content', arguments: {} });
    assert.equal(img.content[0].type, 'image');
    assert.equal(img.content[0].mimeType, 'image/png');
    assert.ok(img.content[0].data.startsWith(PNG_PREFIX));
    const png = Buffer.from(img.content[0].data, 'base64');
    assert.equal(png.readUInt32BE(16), 1, 'width 1');
    assert.equal(png.readUInt32BE(20), 1, 'height 1');
    const audio = await client.callTool({ name: 'test_audio_content', arguments: {} });
    assert.equal(audio.content[0].type, 'audio');
    assert.equal(audio.content[0].mimeType, 'audio/wav');
    const wav = Buffer.from(audio.content[0].data, 'base64');
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(wav.toString('latin1', 8, 12), 'WAVE');
    assert.ok(audio.content[0].data.startsWith(WAV_PREFIX));
  });

  it('test_embedded_resource, test_multiple_content_types', async () => {
    const emb = await client.callTool({ name: 'test_embedded_resource', arguments: {} });
    assert.deepEqual(emb.content, [
      { type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } },
    ]);
    const mix = await client.callTool({ name: 'test_multiple_content_types', arguments: {} });
    assert.deepEqual(mix.content.map((c) => c.type), ['text', 'image', 'resource']);
    assert.equal(mix.content[0].text, 'Multiple content types test:');
    assert.deepEqual(JSON.parse(mix.content[2].resource.text), { test: 'data', value: 123 });
    assert.equal(mix.content[2].resource.uri, 'test://mixed-content-resource');
  });

  it('test_error_handling is a tool error, not a protocol error', async () => {
    const r = await client.callTool({ name: 'test_error_handling', arguments: {} });
    assert.equal(r.isError, true);
    assert.equal(onlyText(r), 'This tool intentionally returns an error for testing');
  });

  it('bad arguments are tool errors that name the field; unknown tool is -32602', async () => {
    const missing = await client.callTool({ name: 'test_sampling', arguments: {} });
    assert.equal(missing.isError, true);
    assert.match(onlyText(missing), /prompt/);
    const wrongType = await client.callTool({ name: 'test_sampling', arguments: { prompt: 42 } });
    assert.equal(wrongType.isError, true);
    assert.match(onlyText(wrongType), /prompt/);
    const extra = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { bogus: 1 } });
    assert.equal(extra.isError, true);
    assert.match(onlyText(extra), /bogus/);
    const tooBig = await client.callTool({ name: 'fixture_sleep', arguments: { ms: 10001 } });
    assert.equal(tooBig.isError, true);
    assert.match(onlyText(tooBig), /ms/);
    await rejectsWith(client.callTool({ name: 'no_such_tool', arguments: {} }), -32602);
  });

  it('a tool with an outputSchema returns structuredContent and the same JSON as text', async () => {
    const { tools } = await client.listTools();
    assert.equal(tools.find((t) => t.name === 'fixture_stats').outputSchema.type, 'object');
    const r = await client.callTool({ name: 'fixture_stats', arguments: {} });
    assert.equal(typeof r.structuredContent.cancelledSleeps, 'number');
    assert.deepEqual(JSON.parse(onlyText(r)), r.structuredContent);
  });

  it('resources/list, resources/templates/list, resources/read', async () => {
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), ['test://static-binary', 'test://static-text', 'test://watched-resource']);
    for (const r of resources) assert.ok(r.name && r.description && r.mimeType);
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), ['test://template/{id}/data']);

    const text = await client.readResource({ uri: 'test://static-text' });
    assert.deepEqual(text.contents, [{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }]);
    const bin = await client.readResource({ uri: 'test://static-binary' });
    assert.equal(bin.contents[0].mimeType, 'image/png');
    assert.ok(bin.contents[0].blob.startsWith(PNG_PREFIX));
    const tpl = await client.readResource({ uri: 'test://template/123/data' });
    assert.equal(tpl.contents[0].uri, 'test://template/123/data');
    assert.equal(tpl.contents[0].mimeType, 'application/json');
    assert.deepEqual(JSON.parse(tpl.contents[0].text), { id: '123', templateTest: true, data: 'Data for ID: 123' });
    const watched = await client.readResource({ uri: 'test://watched-resource' });
    assert.equal(watched.contents[0].uri, 'test://watched-resource');
  });

  it('resources/read of an unknown resource is -32002', async () => {
    await rejectsWith(client.readResource({ uri: 'test://no-such-resource' }), -32002);
  });

  it('resources/subscribe and unsubscribe answer {}', async () => {
    assert.deepEqual(await client.subscribeResource({ uri: 'test://watched-resource' }), {});
    assert.deepEqual(await client.unsubscribeResource({ uri: 'test://watched-resource' }), {});
  });

  it('prompts/list and prompts/get', async () => {
    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name).sort(), [
      'test_input_required_result_prompt',
      'test_prompt_with_arguments',
      'test_prompt_with_embedded_resource',
      'test_prompt_with_image',
      'test_simple_prompt',
    ]);
    for (const p of prompts) assert.ok(p.description);
    const withArgs = prompts.find((p) => p.name === 'test_prompt_with_arguments');
    assert.deepEqual(withArgs.arguments.map((a) => [a.name, a.required]), [['arg1', true], ['arg2', true]]);

    const simple = await client.getPrompt({ name: 'test_simple_prompt' });
    assert.deepEqual(simple.messages, [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }]);
    const args = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'hello', arg2: 'world' } });
    assert.equal(args.messages[0].content.text, "Prompt with arguments: arg1='hello', arg2='world'");
    const emb = await client.getPrompt({ name: 'test_prompt_with_embedded_resource', arguments: { resourceUri: 'test://example-resource' } });
    assert.deepEqual(emb.messages[0].content, {
      type: 'resource',
      resource: { uri: 'test://example-resource', mimeType: 'text/plain', text: 'Embedded resource content for testing.' },
    });
    assert.equal(emb.messages[1].content.text, 'Please process the embedded resource above.');
    const img = await client.getPrompt({ name: 'test_prompt_with_image' });
    assert.equal(img.messages[0].content.type, 'image');
    assert.equal(img.messages[0].content.mimeType, 'image/png');
    assert.equal(img.messages[1].content.text, 'Please analyze the image above.');
  });

  it('prompts/get: missing required argument and unknown prompt are -32602', async () => {
    await rejectsWith(client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x' } }), -32602);
    await rejectsWith(client.getPrompt({ name: 'no_such_prompt' }), -32602);
  });

  it('completion/complete for a prompt argument and a template variable', async () => {
    const p = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'par' } });
    assert.deepEqual(p.completion.values, ['paris', 'park', 'party']);
    const none = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'zzz' } });
    assert.deepEqual(none.completion.values, []);
    const t = await client.complete({ ref: { type: 'ref/resource', uri: 'test://template/{id}/data' }, argument: { name: 'id', value: '12' } });
    assert.deepEqual(t.completion.values, ['12', '123']);
  });

  it('logging/setLevel filters notifications/message', async () => {
    await client.setLoggingLevel('info');
    messages.length = 0;
    const r = await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    assert.equal(onlyText(r), 'Tool with logging executed successfully');
    // The notifications precede the result on the one ordered stdout stream.
    assert.deepEqual(messages.map((m) => [m.level, m.data]), [
      ['info', 'Tool execution started'],
      ['info', 'Tool processing data'],
      ['info', 'Tool execution completed'],
    ]);
    await client.setLoggingLevel('error');
    messages.length = 0;
    await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    assert.deepEqual(messages, []);
    await rejectsWith(client.setLoggingLevel('loud'), -32602);
  });

  it('progress notifications 0, 50, 100 of 100, before the result', async () => {
    const seen = [];
    received.length = 0;
    const r = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined, { onprogress: (p) => seen.push(p) });
    assert.equal(onlyText(r), 'Tool with progress executed successfully');
    // What the server sent, in order: three notifications, then the result.
    const wire = received.filter((m) => m.method === 'notifications/progress' || 'result' in m);
    assert.deepEqual(wire.map((m) => (m.method ? [m.params.progress, m.params.total] : 'result')), [[0, 100], [50, 100], [100, 100], 'result']);
    const token = wire[0].params.progressToken;
    assert.ok(wire.slice(0, 3).every((m) => m.params.progressToken === token));
    // The SDK dispatches a notification one tick after the response that
    // follows it in the same read, so its callback may miss the last one.
    assert.deepEqual(seen.map((p) => p.progress), [0, 50, 100].slice(0, seen.length));
    assert.ok(seen.length >= 2);
  });

  it('sampling: the server asks, the client answers', async () => {
    const r = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Test prompt for sampling' } });
    assert.equal(onlyText(r), 'LLM response: echo: Test prompt for sampling');
  });

  it('elicitation: the server asks, the client answers', async () => {
    const r = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Please provide your information' } });
    assert.equal(onlyText(r), 'User response: action=accept, content={"email":"test@example.com","username":"testuser"}');
  });

  it('elicitation SEP-1034: defaults for every primitive type', async () => {
    let asked;
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked = req.params;
      return { action: 'accept', content: { name: 'Jane Smith', age: 25, score: 88, status: 'inactive', verified: false } };
    });
    const r = await client.callTool({ name: 'test_elicitation_sep1034_defaults', arguments: {} });
    const p = asked.requestedSchema.properties;
    assert.deepEqual([p.name.type, p.name.default], ['string', 'John Doe']);
    assert.deepEqual([p.age.type, p.age.default], ['integer', 30]);
    assert.deepEqual([p.score.type, p.score.default], ['number', 95.5]);
    assert.deepEqual([p.status.type, p.status.default], ['string', 'active']);
    assert.deepEqual(p.status.enum, ['active', 'inactive', 'pending']);
    assert.deepEqual([p.verified.type, p.verified.default], ['boolean', true]);
    assert.equal(
      onlyText(r),
      'Elicitation completed: action=accept, content={"age":25,"name":"Jane Smith","score":88,"status":"inactive","verified":false}',
    );
  });

  it('elicitation SEP-1330: the five enum shapes', async () => {
    let asked;
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked = req.params;
      return { action: 'cancel' };
    });
    const r = await client.callTool({ name: 'test_elicitation_sep1330_enums', arguments: {} });
    const p = asked.requestedSchema.properties;
    assert.deepEqual(p.untitledSingle.enum, ['option1', 'option2', 'option3']);
    assert.equal(p.untitledSingle.oneOf, undefined);
    assert.ok(p.titledSingle.oneOf.every((o) => typeof o.const === 'string' && typeof o.title === 'string'));
    assert.equal(p.titledSingle.enum, undefined);
    assert.equal(p.legacyEnum.enumNames.length, p.legacyEnum.enum.length);
    assert.equal(p.untitledMulti.type, 'array');
    assert.deepEqual(p.untitledMulti.items.enum, ['option1', 'option2', 'option3']);
    assert.equal(p.titledMulti.type, 'array');
    assert.ok(p.titledMulti.items.anyOf.every((o) => typeof o.const === 'string' && typeof o.title === 'string'));
    assert.equal(onlyText(r), 'Elicitation completed: action=cancel, content={}');
  });

  it('a slow request does not block ping or other requests', async () => {
    const controller = new AbortController();
    let slowDone = false;
    const slow = client
      .callTool({ name: 'fixture_sleep', arguments: { ms: 10000 } }, undefined, { signal: controller.signal })
      .finally(() => {
        slowDone = true;
      });
    slow.catch(() => {});
    assert.deepEqual(await client.ping(), {});
    const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.equal(onlyText(r), 'This is a simple text response for testing.');
    assert.equal(slowDone, false, 'the 10 s sleep is still running');
    controller.abort();
    await assert.rejects(slow);
  });
});

describe('legacy era: cancellation', () => {
  it('notifications/cancelled reaches the running handler', async () => {
    // A server of its own, so that no other test's cancellation moves the counters.
    const { client } = await connectClient();
    try {
      const before = (await client.callTool({ name: 'fixture_stats', arguments: {} })).structuredContent;
      const controller = new AbortController();
      let started;
      const running = new Promise((resolve) => {
        started = resolve;
      });
      const slow = client.callTool({ name: 'fixture_sleep', arguments: { ms: 10000 } }, undefined, {
        signal: controller.signal,
        onprogress: () => started(),
      });
      slow.catch(() => {});
      await running; // fixture_sleep reports progress 0 once its handler runs
      controller.abort();
      await assert.rejects(slow);
      let after;
      for (let i = 0; i < 500; i++) {
        after = (await client.callTool({ name: 'fixture_stats', arguments: {} })).structuredContent;
        if (after.cancelledSleeps > before.cancelledSleeps) break;
        await sleep(10);
      }
      assert.equal(after.cancelledSleeps, before.cancelledSleeps + 1);
      assert.equal(after.finishedSleeps, before.finishedSleeps);
      assert.deepEqual(await client.ping(), {});
    } finally {
      await client.close();
    }
  });
});

describe('legacy era: a client without sampling or elicitation', () => {
  it('test_sampling and test_elicitation answer with a tool error', async () => {
    const { client } = await connectClient();
    try {
      const s = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
      assert.equal(s.isError, true);
      assert.match(onlyText(s), /sampling/);
      const e = await client.callTool({ name: 'test_elicitation', arguments: { message: 'hi' } });
      assert.equal(e.isError, true);
      assert.match(onlyText(e), /elicitation/);
    } finally {
      await client.close();
    }
  });
});
