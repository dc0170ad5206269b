// fixture.mjs - helpers shared by the integration tests: where the binaries
// are, a raw JSON-RPC-over-stdio peer, and an SDK client bound to the fixture
// server.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BUILD_DIR = path.resolve(ROOT, process.env.ZWM_BUILD_DIR ?? 'build');
export const FIXTURE = path.join(BUILD_DIR, 'mcp-fixture-server');

export const MODERN = '2026-07-28';
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

// A guard against hangs, not a speed check: generous enough for ASan builds
// on a busy 2-core machine.
export const WAIT_MS = 20000;

// The _meta every 2026-07-28 request carries.
export function modernMeta(capabilities = {}, extra = {}) {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientCapabilities': capabilities,
    'io.modelcontextprotocol/clientInfo': { name: 'zwm-integration', version: '1.0.0' },
    ...extra,
  };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A server process (the fixture server unless COMMAND names another) spoken
// to in raw newline-delimited JSON. Every line the server writes on stdout
// must be one JSON object or array; anything else is recorded in `garbage`
// (tests assert it stays empty).
export class RawServer {
  constructor(args = [], { env = process.env, command = FIXTURE } = {}) {
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.inbox = [];
    this.all = [];
    this.garbage = [];
    this.stderr = '';
    this.waiters = [];
    this.nextId = 1000;
    let pending = '';
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          this.garbage.push(line);
          continue;
        }
        this.all.push(msg);
        this.inbox.push(msg);
      }
      this.wake();
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk) => {
      if (this.stderr.length < 1 << 20) this.stderr += chunk;
    });
    this.proc.stdin.on('error', () => {}); // the server may close first
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        this.wake();
        resolve({ code, signal });
      });
    });
  }

  wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  // Writes one line (an object is serialized; a string or Buffer goes as is).
  send(message) {
    if (Buffer.isBuffer(message) || typeof message === 'string') this.proc.stdin.write(message);
    else this.proc.stdin.write(JSON.stringify(message) + '\n');
  }

  // Removes and returns the first received message that satisfies PRED,
  // waiting for it when needed.
  async take(pred, what = 'a message', timeoutMs = WAIT_MS) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(pred);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      if (this.exitStatus)
        throw new Error(`server exited (${JSON.stringify(this.exitStatus)}) while waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  // Waits for the response (result or error) with this id.
  response(id, timeoutMs) {
    return this.take(
      (m) => !Array.isArray(m) && m.id === id && ('result' in m || 'error' in m),
      `a response to id ${JSON.stringify(id)}`,
      timeoutMs,
    );
  }

  // Sends a request and returns its response.
  async request(method, params, id = this.nextId++) {
    const msg = { jsonrpc: '2.0', id, method };
    if (params !== undefined) msg.params = params;
    this.send(msg);
    return this.response(id);
  }

  notify(method, params) {
    const msg = { jsonrpc: '2.0', method };
    if (params !== undefined) msg.params = params;
    this.send(msg);
  }

  // The legacy handshake at VERSION; returns the initialize result.
  async initialize(version = '2025-11-25', capabilities = {}) {
    const r = await this.request('initialize', {
      protocolVersion: version,
      capabilities,
      clientInfo: { name: 'zwm-integration', version: '1.0.0' },
    });
    if (!r.result) throw new Error(`initialize failed: ${JSON.stringify(r)}`);
    this.notify('notifications/initialized');
    return r.result;
  }

  // Closes stdin and waits for the exit status.
  async close(timeoutMs = WAIT_MS) {
    this.proc.stdin.end();
    return this.waitExit(timeoutMs);
  }

  async waitExit(timeoutMs = WAIT_MS) {
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const status = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (!status) {
      this.proc.kill('SIGKILL');
      throw new Error(`server did not exit within ${timeoutMs} ms`);
    }
    return status;
  }

  kill() {
    if (!this.exitStatus) this.proc.kill('SIGKILL');
  }
}

// A StdioClientTransport that offers VERSION in initialize instead of the
// SDK's newest, so the SDK client can be driven at every legacy revision.
class VersionedTransport extends StdioClientTransport {
  constructor(params, version) {
    super(params);
    this.version = version;
  }
  send(message, options) {
    if (this.version && message.method === 'initialize')
      message = { ...message, params: { ...message.params, protocolVersion: this.version } };
    return super.send(message, options);
  }
}

// Returns a connected SDK client (and its transport) on a fresh fixture
// server. The server inherits this process's environment (ASAN_OPTIONS).
export async function connectClient({ version, capabilities = {}, args = [] } = {}) {
  const transport = new VersionedTransport(
    { command: FIXTURE, args, env: { ...process.env }, stderr: 'pipe' },
    version,
  );
  const client = new Client({ name: 'zwm-integration', version: '1.0.0' }, { capabilities });
  // Drain the server's stderr so that its log can never fill the pipe.
  const log = { text: '' };
  transport.stderr.on('data', (chunk) => {
    if (log.text.length < 1 << 20) log.text += chunk;
  });
  await client.connect(transport);
  // Every message the client received, in arrival order (the SDK hands
  // notifications to handlers a tick later than responses).
  const received = [];
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    received.push(message);
    deliver?.(message, extra);
  };
  return { client, transport, log, received };
}
