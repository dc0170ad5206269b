// http.mjs - starts a server binary with --http on a free loopback port and
// stops it with SIGTERM; raw HTTP helpers for the transport tests.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { WAIT_MS } from './fixture.mjs';

// Spawns BINARY ARGS --http 127.0.0.1:0 and resolves once it prints
// "mcp-http: listening on URL". Returns { url, proc, stderr(), stop() };
// stop() sends SIGTERM and resolves the exit code.
export function startHttp(binary, args = [], { env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['--http', '127.0.0.1:0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stderr = '';
    let stdout = '';
    let ready = false;
    const exited = new Promise((res) => proc.on('exit', (code, signal) => res(code ?? signal)));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no "listening" line within ${WAIT_MS} ms: ${stderr}`));
    }, WAIT_MS);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      stderr += d;
      const m = /mcp-http: listening on (\S+)/.exec(stderr);
      if (m && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve({
          url: m[1],
          proc,
          stderr: () => stderr,
          stdout: () => stdout,
          exited,
          async stop() {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    proc.on('exit', (code) => {
      if (!ready) {
        clearTimeout(timer);
        reject(Object.assign(new Error(`exited (${code}) before listening: ${stderr}`), { code, stderr }));
      }
    });
  });
}

// Sends one HTTP POST of BODY (an object, or a string sent as is) and returns
// { status, headers, text, json }.
export async function post(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Opens a legacy session: initialize and notifications/initialized. Returns
// the session id.
export async function openSession(url, headers = {}) {
  const init = await post(
    url,
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'zwm-http', version: '1' } },
    },
    headers,
  );
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status} ${init.text}`);
  const sid = init.headers.get('mcp-session-id');
  const note = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { ...headers, 'Mcp-Session-Id': sid });
  if (note.status !== 202) throw new Error(`initialized: HTTP ${note.status}`);
  return sid;
}

// Opens a raw TCP connection to URL's host and port. Resolves the socket.
export function rawConnect(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => resolve(sock));
    sock.on('error', reject);
  });
}

// Opens an SSE response (GET, or a POST answered with text/event-stream).
// Returns { status, headers, next(), close() }: next() resolves the next
// event carrying data, as { id, data } with data parsed, or null at the end.
export async function openSse(url, init) {
  const ctl = new AbortController();
  const res = await fetch(url, { ...init, signal: ctl.signal });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  return {
    status: res.status,
    headers: res.headers,
    async next() {
      for (;;) {
        const end = buf.indexOf('\n\n');
        if (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = /^data: ?(.*)$/m.exec(block)?.[1];
          if (!data) continue; // a comment or a priming event
          return { id: /^id: ?(.*)$/m.exec(block)?.[1], data: JSON.parse(data) };
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buf += value;
      }
    },
    close() {
      ctl.abort();
      reader.cancel().catch(() => {});
    },
  };
}
