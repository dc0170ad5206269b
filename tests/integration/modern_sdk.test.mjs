// modern_sdk.test.mjs - the fixture server driven by the official 2.x client
// (@modelcontextprotocol/client), which speaks 2026-07-28 (server/discover,
// per-request _meta, input_required round trips) and falls back to the legacy
// handshake: one server, both eras, as a real client negotiates them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { FIXTURE, MODERN } from './lib/fixture.mjs';

async function connect(mode) {
  const transport = new StdioClientTransport({ command: FIXTURE, env: { ...process.env }, stderr: 'pipe' });
  transport.stderr.on('data', () => {});
  const client = new Client(
    { name: 'zwm-integration-v2', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: {} }, versionNegotiation: { mode } },
  );
  await client.connect(transport);
  // The messages as they came off the wire (the client normalizes some error
  // codes, e.g. a legacy -32002 surfaces as its -32602 ResourceNotFoundError).
  const wire = [];
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    wire.push(message);
    deliver?.(message, extra);
  };
  client.wire = wire;
  return client;
}

// The code of the last error response received.
function lastWireError(client) {
  return client.wire.filter((m) => m.error).at(-1)?.error.code;
}

describe('official 2.x client', () => {
  for (const mode of [{ pin: MODERN }, 'auto']) {
    it(`negotiates ${MODERN} (mode ${JSON.stringify(mode)}) and serves the fixtures`, async () => {
      const client = await connect(mode);
      try {
        assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
        assert.equal(client.getProtocolEra(), 'modern');
        assert.equal(client.getServerVersion().name, 'mcp-fixture-server');

        const list = await client.listTools();
        assert.ok(Number.isInteger(list.ttlMs) && list.ttlMs >= 0);
        assert.ok(['public', 'private'].includes(list.cacheScope));
        assert.ok(list.tools.some((t) => t.name === 'test_elicitation_sep1330_enums'));
        const text = await client.callTool({ name: 'test_simple_text', arguments: {} });
        assert.deepEqual(text.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);

        // Sampling and elicitation come back as input_required; the client
        // answers them through its handlers and retries on its own.
        client.setRequestHandler('sampling/createMessage', async (req) => ({
          role: 'assistant',
          content: { type: 'text', text: `v2: ${req.params.messages[0].content.text}` },
          model: 'test-model',
        }));
        client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { username: 'v2', email: 'v2@example.com' } }));
        const s = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'ping?' } });
        assert.equal(s.content[0].text, 'LLM response: v2: ping?');
        const e = await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } });
        assert.equal(e.content[0].text, 'User response: action=accept, content={"email":"v2@example.com","username":"v2"}');

        const read = await client.readResource({ uri: 'test://template/42/data' });
        assert.ok(Number.isInteger(read.ttlMs));
        assert.deepEqual(JSON.parse(read.contents[0].text), { id: '42', templateTest: true, data: 'Data for ID: 42' });
        await assert.rejects(client.readResource({ uri: 'test://nope' }), /Resource not found/);
        assert.equal(lastWireError(client), -32602);
      } finally {
        await client.close();
      }
    });
  }

  it("mode 'legacy' gets the 2025-11-25 handshake from the same server", async () => {
    const client = await connect('legacy');
    try {
      assert.equal(client.getNegotiatedProtocolVersion(), '2025-11-25');
      const list = await client.listTools();
      assert.equal(list.ttlMs, undefined);
      await assert.rejects(client.readResource({ uri: 'test://nope' }), /Resource not found/);
      assert.equal(lastWireError(client), -32002);
    } finally {
      await client.close();
    }
  });
});
