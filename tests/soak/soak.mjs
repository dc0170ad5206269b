// soak.mjs - the soak run: many tool calls (reads and writes) from several
// concurrent SDK clients, each on its own server process, against one zoomsim
// injecting 5 % faults. Checks: no crash, resident memory flat after warm-up,
// every write accounted for exactly once in the sandbox's state.
//
//   node tests/soak/soak.mjs [--calls N] [--clients N] [--inflight N] [--tcache 0]
//
// Prints a JSON summary; exits 1 when a check fails. `make soak` runs 100,000
// calls; tests/integration/soak.test.mjs runs a short one through runSoak.
import { fileURLToPath } from 'node:url';
import { startSim, startServer, liveEnv, setFaults, simPost, tool, rssKiB } from '../integration/lib/drill.mjs';

// 5 % of requests meet a fault: 2 % 5xx, 1.5 % dropped connections, 1.5 % cut replies.
const FAULTS = { rate_5xx: 0.02, status_5xx: 503, rate_drop: 0.015, rate_truncate: 0.015 };
const START = '2031-05-06T10:00:00Z';

// The webinars of "me" in the sandbox, every page.
async function allWebinars(client) {
  const res = await tool(client, 'list_webinars', { user_id: 'me', all_pages: true, page_size: 300 });
  if (res.isError) throw new Error(`list_webinars: ${res.text}`);
  return res.data.webinars;
}

// Runs the soak. Returns the summary; summary.failures lists what went wrong.
// TCACHE 0 turns off glibc's per-thread cache of freed blocks in the servers: that
// cache fills slowly as threads meet new block sizes, which reads as a small, slowing
// rise of resident memory; without it a leak would show as a rise of its own.
export async function runSoak({ calls = 3000, clients = 4, inflight = 4, tcache = 1, log = () => {} } = {}) {
  const sim = await startSim(['--seed', '7']);
  const servers = [];
  const failures = [];
  const writes = new Map(); // topic -> { created: 'ok'|'unknown'|'failed', deleted: 'ok'|'failed'|undefined, id }
  const counts = { creates: 0, calls: 0, reads: 0, writes: 0, errors: 0, unknown: 0 };
  const rss = []; // [{ calls, kib: [per server] }]
  try {
    for (let i = 0; i < clients; i++)
      servers.push(await startServer(liveEnv(sim.base, {
        ZOOM_MAX_RETRIES: '3', ZOOM_RETRY_BASE_MS: '5',
        ...(tcache ? {} : { GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0' }),
      })));
    // The webinar the reads read: far in the future (the sandbox's clock moves), with
    // registration, so that its registrants can be listed.
    const reader = await tool(servers[0].client, 'create_webinar', {
      user_id: 'me', topic: 'Soak reader', start_time: START, duration: 30, settings: { approval_type: 0 },
    });
    if (reader.isError) throw new Error(`create_webinar: ${reader.text}`);
    const readId = String(reader.data.id);
    await setFaults(sim.base, FAULTS);
    let next = 0;
    const sampleEvery = Math.max(100, Math.floor(calls / 20));
    let nextSample = sampleEvery;

    // One call of the mix, chosen by N: 85 % reads, 10 % creates, 5 % deletes of our own.
    const one = async (srv, n, w) => {
      const k = n % 10;
      if (k === 3) {
        const topic = `Soak ${w}-${n}`;
        counts.writes++;
        // Zoom allows 100 webinar creates a day per user (so does the sandbox): a day
        // passes every 50 creates.
        if (++counts.creates % 50 === 0) await simPost(sim.base, 'clock', { advance: 86400 });
        const res = await tool(srv.client, 'create_webinar', { user_id: 'me', topic, start_time: START, duration: 30 });
        const rec = { created: 'ok' };
        if (!res.isError) rec.id = String(res.data.id);
        else if (/may or may not have created/.test(res.text)) {
          rec.created = 'unknown';
          counts.unknown++;
        } else {
          rec.created = 'failed';
          if (process.env.SOAK_VERBOSE) log(`create failed: ${res.text.slice(0, 200)}`);
        }
        writes.set(topic, rec);
        srv.mine.push(topic);
        return res;
      }
      if (n % 20 === 7 && srv.mine.length > 0) {
        const topic = srv.mine.shift();
        const rec = writes.get(topic);
        if (rec.created !== 'ok') return null;
        counts.writes++;
        const res = await tool(srv.client, 'delete_webinar', { webinar_id: rec.id });
        rec.deleted = res.isError ? 'failed' : 'ok';
        rec.deleteText = res.text;
        return res;
      }
      counts.reads++;
      const reads = [
        ['get_webinar', { webinar_id: readId }],
        ['list_webinars', { user_id: 'me', page_size: 30 }],
        ['list_webinar_registrants', { webinar_id: readId }],
        ['get_token_status', {}],
        ['get_user', { user_id: 'me' }],
      ];
      const [name, args] = reads[n % reads.length];
      const res = await tool(srv.client, name, args);
      if (res.isError && process.env.SOAK_VERBOSE) log(`${name} failed: ${res.text.slice(0, 120)}`);
      return res;
    };

    const worker = async (srv, w) => {
      for (;;) {
        const n = next++;
        if (n >= calls) return;
        const res = await one(srv, n, w);
        counts.calls++;
        if (res?.isError) counts.errors++;
        if (counts.calls >= nextSample) {
          nextSample += sampleEvery;
          rss.push({ calls: counts.calls, kib: servers.map((s) => rssKiB(s.pid)), sim: rssKiB(sim.proc.pid) });
          log(`${counts.calls} calls, RSS ${rss.at(-1).kib.join(' ')} KiB, zoomsim ${rss.at(-1).sim} KiB`);
        }
      }
    };
    for (const s of servers) s.mine = [];
    await Promise.all(servers.flatMap((s, i) => Array.from({ length: inflight }, (_, j) => worker(s, `${i}.${j}`))));

    // Accounting, with the faults off: each topic at most once; a created one once unless
    // deleted; a deleted one gone.
    await setFaults(sim.base, {});
    const byTopic = new Map();
    for (const w of await allWebinars(servers[0].client)) byTopic.set(w.topic, (byTopic.get(w.topic) ?? 0) + 1);
    let present = 0;
    const tally = { created: 0, unknown_landed: 0, deleted: 0 };
    for (const [topic, rec] of writes) {
      const n = byTopic.get(topic) ?? 0;
      present += n;
      if (rec.created === 'ok') tally.created++;
      if (rec.created === 'unknown') tally.unknown_landed += n;
      if (rec.deleted === 'ok') tally.deleted++;
      if (n > 1) failures.push(`${topic}: ${n} webinars`);
      else if (rec.created === 'ok' && rec.deleted === 'ok' && n !== 0) failures.push(`${topic}: deleted but still there`);
      else if (rec.created === 'ok' && rec.deleted === undefined && n !== 1) failures.push(`${topic}: created but ${n} there`);
      else if (rec.created === 'failed' && n !== 0) failures.push(`${topic}: failed create made one`);
    }
    for (const s of servers)
      if (s.client.transport?.pid === null || s.client.transport?._process?.exitCode !== null)
        failures.push(`server ${s.pid} exited`);
    // Memory: the last sample against the first after warm-up (the first 20 % of the run).
    const warm = rss.find((r) => r.calls >= calls / 5) ?? rss[0];
    const last = rss.at(-1);
    if (warm && last)
      servers.forEach((s, i) => {
        const grown = last.kib[i] - warm.kib[i];
        if (grown > 4096) failures.push(`server ${i}: RSS grew ${grown} KiB after warm-up`);
      });
    return {
      calls: counts.calls, clients, inflight, tcache: !!tcache, reads: counts.reads, writes: counts.writes,
      tool_errors: counts.errors, creates_unknown: counts.unknown, ...tally, soak_webinars_present: present,
      rss_kib: { after_warmup: warm, end: last }, failures,
    };
  } finally {
    for (const s of servers) await s.close();
    await sim.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opt = { calls: 100000, clients: 4, inflight: 4 };
  for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, '')] = Number(process.argv[i + 1]);
  const t0 = Date.now();
  const summary = await runSoak({ ...opt, log: (s) => console.error(s) });
  summary.seconds = (Date.now() - t0) / 1000;
  console.log(JSON.stringify(summary, null, 2));
  process.exit(summary.failures.length ? 1 : 0);
}
