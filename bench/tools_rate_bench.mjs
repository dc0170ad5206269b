// tools_rate_bench.mjs - bulk work through the tools against Zoom's per-second
// limits: approving 900 registrants (update_webinar_registrant_status) and
// adding 100 panelists (add_panelists), through build/zoom-webinar-mcp paced
// for the Pro plan, against a build/zoomsim that enforces the same limits.
// The two run back to back (34 Medium requests). Prints "key value" lines:
// the time each took, the total against the time the limit itself imposes,
// 429s seen by the sandbox, requests per kind, and duplicate writes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.resolve(ROOT, process.env.ZWM_BUILD_DIR ?? 'build');
const MEDIUM_PER_S = 20; // Pro plan, the category of both operations

function startZoomsim() {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      path.join(BUILD, 'zoomsim'),
      ['--listen', '127.0.0.1:0', '--rate-limits', '--scale', '3400', '--log-level', 'off',
        '--account-id', 'bench', '--client-id', 'bench', '--client-secret', 'bench-secret'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ proc, base: out.split('\n')[0].trim() });
    });
    proc.on('error', reject);
  });
}

// The time the limit itself imposes on N requests of one category: a burst of
// the limit at once, then one more window per further limit's worth.
const limitSeconds = (n) => Math.max(0, Math.ceil(n / MEDIUM_PER_S) - 1);

const sim = await startZoomsim();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-ratebench-'));
const transport = new StdioClientTransport({
  command: path.join(BUILD, 'zoom-webinar-mcp'),
  env: {
    PATH: process.env.PATH, HOME: home, ZOOM_ACCOUNT_ID: 'bench', ZOOM_CLIENT_ID: 'bench',
    ZOOM_CLIENT_SECRET: 'bench-secret', ZOOM_OAUTH_TOKEN_URL: `${sim.base}/oauth/token`,
    ZOOM_API_BASE_URL: `${sim.base}/v2`, ZOOM_TOKEN_CACHE: path.join(home, 'token.json'),
    ZOOM_RATE_PLAN: 'pro', ZOOM_LOG_LEVEL: 'error',
  },
  stderr: 'ignore',
});
const client = new Client({ name: 'tools-rate-bench', version: '1.0.0' });
await client.connect(transport);
const call = async (name, args) => {
  const res = await client.callTool({ name, arguments: args }, undefined, { timeout: 120000 });
  if (res.isError) throw new Error(`${name}: ${res.content[0].text}`);
  return res.structuredContent;
};
const requests = async () => (await (await fetch(`${sim.base}/_sim/requests`)).json()).requests;
const clear = () => fetch(`${sim.base}/_sim/requests`, { method: 'DELETE' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  // A webinar that needs approval, and 900 of its pending registrants.
  const { webinars } = await call('list_webinars', { user_id: 'me', all_pages: true });
  let target = null;
  let pending = [];
  for (const w of webinars) {
    const full = await call('get_webinar', { webinar_id: String(w.id) });
    if (full.settings?.approval_type !== 1) continue;
    const list = await call('list_webinar_registrants', { webinar_id: String(w.id), status: 'pending', all_pages: true });
    if (list.registrants.length >= 900) {
      target = w;
      pending = list.registrants.slice(0, 900);
      break;
    }
  }
  if (!target) throw new Error('no webinar with 900 pending registrants in the sandbox');
  await call('remove_all_panelists', { webinar_id: String(target.id) }); // room for 100
  await sleep(1100); // let the set-up's window pass
  await clear();

  let t0 = performance.now();
  const approved = await call('update_webinar_registrant_status', {
    webinar_id: String(target.id), action: 'approve', registrants: pending.map((r) => ({ id: r.id })),
  });
  const approveS = (performance.now() - t0) / 1000;
  const okItems = approved.results.filter((r) => r.status === 'accepted').length;

  const panelists = Array.from({ length: 100 }, (_, i) => ({ name: `Bench Panelist ${i + 1}`, email: `bench.panelist.${i + 1}@example.com` }));
  t0 = performance.now();
  const added = await call('add_panelists', { webinar_id: String(target.id), panelists });
  const panelS = (performance.now() - t0) / 1000;
  const totalS = approveS + panelS;

  const log = await requests();
  const puts = log.filter((r) => r.method === 'PUT' && r.path.endsWith('/registrants/status'));
  const posts = log.filter((r) => r.method === 'POST' && r.path.endsWith('/panelists'));
  const seen = new Set();
  let dups = 0;
  for (const r of [...puts, ...posts]) {
    if (r.status === 429) continue;
    const key = `${r.method} ${r.body}`;
    if (seen.has(key)) dups++;
    seen.add(key);
  }
  console.log(`approve_items ${okItems}`);
  console.log(`approve_requests ${puts.length}`);
  console.log(`approve_s ${approveS.toFixed(3)}`);
  console.log(`panelist_items ${added.results?.filter((r) => r.status !== 'failed').length ?? 0}`);
  console.log(`panelist_requests ${posts.length}`);
  console.log(`panelist_s ${panelS.toFixed(3)}`);
  console.log(`total_s ${totalS.toFixed(3)}`);
  console.log(`total_limit_s ${limitSeconds(Math.ceil(900 / 30) + Math.ceil(100 / 30))}`);
  console.log(`sandbox_429s ${log.filter((r) => r.status === 429).length}`);
  console.log(`duplicate_writes ${dups}`);
} finally {
  await client.close();
  sim.proc.kill();
}
