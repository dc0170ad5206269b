// http_bridge.mjs - a test-only Streamable HTTP front for a stdio MCP server,
// built on the SDK's server transport, so that the official conformance suite
// (which speaks HTTP only) can drive the fixture server before the project's
// own HTTP transport exists. Each HTTP session gets its own server process;
// messages pass through unchanged.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

// Starts the bridge on 127.0.0.1 (a free port) in front of COMMAND ARGS.
// Returns { url, close() }.
export async function startBridge(command, args = []) {
  const sessions = new Map();
  const children = new Set();

  function openSession() {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'], env: process.env });
    children.add(child);
    child.on('exit', () => children.delete(child));
    child.stdin.on('error', () => {});
    const open = []; // ids of client requests not yet answered, oldest first
    const byToken = new Map(); // progressToken -> request id
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    transport.onmessage = (msg) => {
      if (msg.method && msg.id !== undefined) {
        open.push(msg.id);
        const token = msg.params?._meta?.progressToken;
        if (token !== undefined) byToken.set(token, msg.id);
      }
      child.stdin.write(JSON.stringify(msg) + '\n');
    };
    transport.onclose = () => child.stdin.end();
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const msg = JSON.parse(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        let related;
        if (msg.id !== undefined && !msg.method) {
          const i = open.indexOf(msg.id);
          if (i >= 0) open.splice(i, 1);
        } else {
          // A notification or a server->client request travels on the stream
          // of the request it belongs to: by progress token, else the newest.
          related = byToken.get(msg.params?.progressToken) ?? open[open.length - 1];
        }
        transport.send(msg, related === undefined ? undefined : { relatedRequestId: related }).catch(() => {});
      }
    });
    return transport;
  }

  const server = http.createServer(async (req, res) => {
    try {
      let body = '';
      for await (const chunk of req) body += chunk;
      const sid = req.headers['mcp-session-id'];
      const transport = (sid && sessions.get(sid)) || openSession();
      await transport.handleRequest(req, res, body ? JSON.parse(body) : undefined);
    } catch (err) {
      if (!res.headersSent) res.writeHead(400).end(String(err));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/mcp`;

  async function close() {
    for (const t of sessions.values()) await t.close().catch(() => {});
    for (const child of children) child.kill('SIGTERM');
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
  }
  return { url, close };
}
