// zoom.mjs - the real zoom-webinar-mcp binary on its built-in sandbox, driven
// by the official SDK clients (1.x: handshake era; 2.x: 2026-07-28), plus the
// sandbox's request log, so a test can check the exact Zoom request a tool sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BUILD = path.resolve(ROOT, process.env.ZWM_BUILD_DIR ?? 'build');
export const SERVER = path.join(BUILD, 'zoom-webinar-mcp');

// The command that starts the server with ARGS: the binary itself, or, when
// ZWM_VALGRIND_DIR names a directory (scripts/test valgrind), the binary under
// valgrind writing a log per process there (-q: a log holds only errors, and
// scripts/test fails on any that is not empty).
export function serverCommand(args = []) {
  const dir = process.env.ZWM_VALGRIND_DIR;
  if (!dir) return { command: SERVER, args };
  return {
    command: 'valgrind',
    args: ['-q', '--leak-check=full', '--errors-for-leak-kinds=definite', `--log-file=${dir}/server.%p.log`,
      `--suppressions=${path.join(ROOT, 'scripts/valgrind/fontconfig.supp')}`, SERVER, ...args],
  };
}

// True when the server runs under valgrind or was built with ASan: resident
// memory then says nothing about the program's own.
export const MEMORY_TOOLED = !!process.env.ZWM_VALGRIND_DIR || /asan/.test(path.basename(BUILD));

// An environment without any Zoom setting, with a private HOME and cache.
export function sandboxEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ZOOM_') && !k.startsWith('ZOOMSIM_')) env[k] = v;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-home-'));
  return { ...env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ...extra };
}

// Starts the server on the sandbox and connects a client. era: 'legacy' (the
// 1.x SDK, 2025-11-25 handshake) or 'modern' (the 2.x client pinned to
// 2026-07-28). Returns { client, sim, stderr(), pid(), close() } where sim is
// the sandbox's base URL and pid() the server's process id.
export async function startZoom({ era = 'legacy', env = {}, args = [], capabilities = {} } = {}) {
  let client, transport;
  if (era === 'modern') {
    transport = new ModernStdioTransport({ ...serverCommand(args), env: sandboxEnv(env), stderr: 'pipe' });
    client = new ModernClient(
      { name: 'zwm-tools-v2', version: '1.0.0' },
      { capabilities, versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
  } else {
    transport = new StdioClientTransport({ ...serverCommand(args), env: sandboxEnv(env), stderr: 'pipe' });
    client = new Client({ name: 'zwm-tools', version: '1.0.0' }, { capabilities });
  }
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  await client.connect(transport);
  const cfg = await client.readResource({ uri: 'zoom://config' });
  const sim = JSON.parse(cfg.contents[0].text).sandbox_url;
  return { client, sim, stderr: () => stderr, pid: () => transport.pid, close: () => client.close() };
}

// The sandbox's request log: [{method, path, query, body, status}], oldest first.
export async function simRequests(sim) {
  const res = await fetch(`${sim}/_sim/requests`);
  if (!res.ok) throw new Error(`GET /_sim/requests: ${res.status}`);
  return (await res.json()).requests;
}

// Empties the sandbox's request log.
export async function simClear(sim) {
  const res = await fetch(`${sim}/_sim/requests`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`DELETE /_sim/requests: ${res.status}`);
}

// The requests made to Zoom's API (/v2), without the token requests.
export async function apiRequests(sim) {
  return (await simRequests(sim)).filter((r) => r.path.startsWith('/v2/'));
}

// Calls a tool and returns its result; throws with the result text when the
// tool reported an error and ok is not false.
export async function call(client, name, args = {}, { ok = true } = {}) {
  const res = await client.callTool({ name, arguments: args });
  if (ok && res.isError) throw new Error(`${name} failed: ${res.content?.[0]?.text}`);
  return res;
}

// Parses a logged body (text) as JSON; null when there was none.
export function body(req) {
  return req.body ? JSON.parse(req.body) : null;
}
