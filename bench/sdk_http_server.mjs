// sdk_http_server.mjs - the reference for the HTTP figures of `make bench`:
// the official TypeScript SDK's Streamable HTTP server (one McpServer and
// transport per session, JSON responses, the SDK's documented pattern) on
// node:http, serving the same trivial tool as the C fixture server. Prints
// "mcp-http: listening on URL" on stderr, as the C servers do.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const sessions = new Map();

function newServer() {
  const server = new McpServer({ name: 'sdk-bench-server', version: '1.0.0' });
  server.registerTool('test_simple_text', { description: 'Returns one fixed text block.' }, async () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));
  return server;
}

const httpServer = http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const parsed = body ? JSON.parse(body) : undefined;
  const sid = req.headers['mcp-session-id'];
  let transport = sid ? sessions.get(sid) : undefined;
  if (!transport) {
    if (sid || parsed?.method !== 'initialize') {
      res.writeHead(sid ? 404 : 400).end();
      return;
    }
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    transport.onclose = () => sessions.delete(transport.sessionId);
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res, parsed);
});
httpServer.keepAliveTimeout = 60000;
httpServer.listen(0, '127.0.0.1', () => {
  process.stderr.write(`mcp-http: listening on http://127.0.0.1:${httpServer.address().port}/mcp\n`);
});
process.on('SIGTERM', () => process.exit(0));
