// drill.mjs - the real zoom-webinar-mcp binary in live mode against a standalone
// build/zoomsim whose faults a test controls: start both, change faults at run
// time, read the request log and the server's memory.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BUILD, MEMORY_TOOLED, sandboxEnv, serverCommand } from './zoom.mjs';

export const ZOOMSIM = path.join(BUILD, 'zoomsim');
export const SECRET = 'drill-secret-6f1c0a9d3b';

// True when the server runs under ASan or valgrind: memory bounds do not apply
// (ASan's quarantine makes resident memory grow by design).
export const SANITIZED = MEMORY_TOOLED;

// Starts build/zoomsim on a free port with ARGS; resolves { proc, base, stop() }.
export function startSim(args = []) {
  return new Promise((resolve, reject) => {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ZOOMSIM_')) env[k] = v;
    const proc = spawn(
      ZOOMSIM,
      ['--listen', '127.0.0.1:0', '--account-id', 'acct-drill', '--client-id', 'client-drill',
        '--client-secret', SECRET, '--log-level', 'off', ...args],
      { stdio: ['ignore', 'pipe', 'inherit'], env },
    );
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n'))
        resolve({
          proc,
          base: out.split('\n')[0].trim(),
          stop: () => new Promise((r) => {
            if (proc.exitCode !== null) return r();
            proc.once('exit', () => r());
            proc.kill('SIGTERM');
          }),
        });
    });
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`zoomsim exited early (${code})`)));
  });
}

// The server's environment for live mode against BASE, with a private HOME.
export function liveEnv(base, extra = {}) {
  return sandboxEnv({
    ZOOM_ACCOUNT_ID: 'acct-drill',
    ZOOM_CLIENT_ID: 'client-drill',
    ZOOM_CLIENT_SECRET: SECRET,
    ZOOM_OAUTH_TOKEN_URL: `${base}/oauth/token`,
    ZOOM_API_BASE_URL: `${base}/v2`,
    ZOOM_RETRY_BASE_MS: '20',
    ...extra,
  });
}

// Starts the server with ENV and connects the 1.x SDK client.
// Returns { client, pid, stderr(), close() }.
export async function startServer(env, args = []) {
  const transport = new StdioClientTransport({ ...serverCommand(args), env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'zwm-drill', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid, env, stderr: () => stderr, close: () => client.close() };
}

// Replaces the simulator's faults (POST /_sim/faults); {} turns them all off.
export async function setFaults(base, faults) {
  const res = await fetch(`${base}/_sim/faults`, { method: 'POST', body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`POST /_sim/faults: ${res.status} ${await res.text()}`);
}

// POST BASE/_sim/PATH with an optional JSON body.
export async function simPost(base, what, json) {
  const res = await fetch(`${base}/_sim/${what}`, { method: 'POST', body: json ? JSON.stringify(json) : undefined });
  if (!res.ok) throw new Error(`POST /_sim/${what}: ${res.status}`);
}

// Moves the simulator's clock SECONDS forward (POST /_sim/clock); resolves its
// time afterwards (UTC seconds). advanceClock(base, 0) reads it.
export async function advanceClock(base, seconds) {
  const res = await fetch(`${base}/_sim/clock`, { method: 'POST', body: JSON.stringify({ advance: seconds }) });
  if (!res.ok) throw new Error(`POST /_sim/clock: ${res.status} ${await res.text()}`);
  return (await res.json()).now;
}

// Keeps a test clear of midnight UTC, when the simulator's daily limits reset
// (at 23:59:59 a day's budget would reset between two calls): in the last ten
// minutes of a day, moves the clock to the first second of the next one. The
// ten minutes bound what any test may take; a longer move would expire the
// seeded webinars that ended 30 days before the simulator started.
export async function awayFromMidnight(base) {
  const now = await advanceClock(base, 0);
  const left = 86400 - (now % 86400);
  return left > 600 ? now : advanceClock(base, left + 1);
}

// The request log: [{method, path, query, body, status}], oldest first.
export async function requests(base) {
  const res = await fetch(`${base}/_sim/requests`);
  return (await res.json()).requests;
}

// Empties the request log.
export async function clearRequests(base) {
  await fetch(`${base}/_sim/requests`, { method: 'DELETE' });
}

// VmRSS of PID in KiB (Linux).
export function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

// Calls a tool, never throwing for a tool error: { isError, text, data }.
export async function tool(client, name, args = {}) {
  const res = await client.callTool({ name, arguments: args });
  return { isError: res.isError === true, text: res.content?.[0]?.text ?? '', data: res.structuredContent, raw: res };
}

// A token endpoint in front of the simulator's that can be taken down: while
// proxy.down is true it answers 503 (counted in proxy.refused). Resolves
// { url, server, down, refused }.
export function startTokenProxy(base) {
  return new Promise((resolve) => {
    const proxy = { down: false, refused: 0 };
    proxy.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        if (proxy.down) {
          proxy.refused++;
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end('{"reason":"down for a drill"}');
          return;
        }
        const up = await fetch(`${base}/oauth/token${req.url.replace(/^[^?]*/, '')}`, {
          method: 'POST',
          headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? '' },
          body: Buffer.concat(chunks),
        });
        res.writeHead(up.status, { 'content-type': 'application/json' });
        res.end(await up.text());
      });
    });
    proxy.server.listen(0, '127.0.0.1', () => {
      proxy.url = `http://127.0.0.1:${proxy.server.address().port}`;
      resolve(proxy);
    });
  });
}
