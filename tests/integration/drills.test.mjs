// drills.test.mjs - fault drills: the real server in live mode, driven by the
// official SDK client, against a standalone zoomsim injecting each kind of
// fault. Reads give data or a clear error; the request log proves no write is
// sent twice; other calls are served meanwhile; memory does not grow.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startSim, startServer, startTokenProxy, liveEnv, setFaults, simPost, requests, clearRequests, rssKiB, tool, SANITIZED,
  awayFromMidnight,
} from './lib/drill.mjs';

const START = '2031-05-06T10:00:00Z';

// The seeded webinars of the host "me", by topic.
async function webinars(client) {
  const res = await tool(client, 'list_webinars', { user_id: 'me', all_pages: true });
  assert.equal(res.isError, false, res.text);
  return res.data.webinars;
}

// The API requests (not the token requests) with METHOD whose path ends with SUFFIX.
const api = (log, method, suffix = '') =>
  log.filter((r) => r.path.startsWith('/v2/') && r.method === method && r.path.endsWith(suffix));

// Creates a webinar named TOPIC; returns the tool result.
const create = (client, topic) =>
  tool(client, 'create_webinar', { user_id: 'me', topic, start_time: START, duration: 30 });

// Checks the outcome of a create that met a fault: either it worked, or it says
// the outcome is unknown and how to check. Either way, the sandbox got one
// POST for it and holds at most one webinar with the topic.
async function assertCreatedAtMostOnce(d, topic, res) {
  const posts = api(await requests(d.base), 'POST', '/webinars').filter((r) => r.body?.includes(topic));
  assert.equal(posts.filter((r) => r.status >= 200 && r.status < 300).length <= 1, true);
  // A 429 or a 401 is a refusal before any work: sending again after one is safe.
  // Every other POST reached the handler (or was dropped on arrival): at most one.
  // A request parked by injected latency whose client gave up is never logged.
  const processed = posts.filter((r) => r.status !== 429 && r.status !== 401);
  assert.ok(processed.length <= 1, `one POST reached the sandbox: ${JSON.stringify(posts)}`);
  await setFaults(d.base, {});
  const found = (await webinars(d.client)).filter((w) => w.topic === topic);
  assert.ok(found.length <= 1, `${found.length} webinars named ${topic}`);
  if (!res.isError) {
    assert.equal(found.length, 1);
  } else {
    assert.match(res.text, /may or may not have created/);
    assert.match(res.text, /list_webinars/);
  }
  return found.length;
}

// A drill: one zoomsim and one server, for one describe block.
function drill(simArgs = [], env = {}, { tokenProxy = false } = {}) {
  const d = {};
  before(async () => {
    const sim = await startSim(simArgs);
    Object.assign(d, sim);
    const extra = { ...env };
    if (tokenProxy) {
      d.proxy = await startTokenProxy(sim.base);
      extra.ZOOM_OAUTH_TOKEN_URL = `${d.proxy.url}/oauth/token`;
    }
    const srv = await startServer(liveEnv(sim.base, extra));
    Object.assign(d, { client: srv.client, pid: srv.pid, stderr: srv.stderr, server: srv });
    const ws = await webinars(d.client);
    d.id = String(ws[0].id);
    d.topic = ws[0].topic;
  });
  after(async () => {
    await d.server?.close();
    d.proxy?.server.closeAllConnections();
    d.proxy?.server.close();
    await d.stop?.();
  });
  return d;
}

describe('drill: bursts of per-second 429', () => {
  const d = drill();
  it('reads wait Retry-After and return the data; a create is sent until accepted, once', async () => {
    await clearRequests(d.base);
    // Every third request starts two 429s: no request meets more than two in a row.
    await setFaults(d.base, { burst_429_every: 3, burst_429_length: 2 });
    for (let i = 0; i < 3; i++) {
      const res = await tool(d.client, 'get_webinar', { webinar_id: d.id });
      assert.equal(res.isError, false, res.text);
      assert.equal(res.data.topic, d.topic);
    }
    let log = await requests(d.base);
    assert.ok(log.some((r) => r.status === 429), 'a 429 was injected');
    await clearRequests(d.base);
    await setFaults(d.base, { burst_429_every: 2, burst_429_length: 1 });
    const made = await create(d.client, 'Drill 429');
    assert.equal(made.isError, false, made.text);
    log = api(await requests(d.base), 'POST', '/webinars');
    assert.equal(log.filter((r) => r.status === 201).length, 1, JSON.stringify(log));
    assert.equal(await assertCreatedAtMostOnce(d, 'Drill 429', made), 1);
  });
});

describe('drill: daily limit 429', () => {
  const d = drill(['--rate-limits', '--daily-limit', '1']);
  it('is not retried, and the error says when it resets', async () => {
    await awayFromMidnight(d.base); // the day's budget must not reset between the two calls
    const inst = await tool(d.client, 'list_past_webinar_instances', { webinar_id: d.id });
    const uuid = inst.isError ? d.id : (inst.data.webinars[0]?.uuid ?? d.id);
    await tool(d.client, 'get_webinar_absentees', { webinar_uuid: uuid }); // the day's one Heavy call
    await clearRequests(d.base);
    const res = await tool(d.client, 'get_webinar_absentees', { webinar_uuid: uuid });
    assert.equal(res.isError, true);
    assert.match(res.text, /daily/i);
    assert.match(res.text, /reset|\d{4}-\d\d-\d\dT/i);
    const log = api(await requests(d.base), 'GET', '/absentees');
    assert.equal(log.length, 1, 'a daily-limit 429 is not retried');
    // Other categories go on.
    const ok = await tool(d.client, 'get_webinar', { webinar_id: d.id });
    assert.equal(ok.isError, false, ok.text);
  });
});

describe('drill: bursts of 5xx', () => {
  const d = drill([], { ZOOM_MAX_RETRIES: '3' });
  it('reads are retried to success or fail clearly; a create is sent once and says its outcome is unknown', async () => {
    await setFaults(d.base, { burst_429_every: 0, rate_5xx: 0.5, status_5xx: 503 });
    let good = 0;
    for (let i = 0; i < 12; i++) {
      const res = await tool(d.client, 'get_webinar', { webinar_id: d.id });
      if (!res.isError) {
        assert.equal(res.data.topic, d.topic);
        good++;
      } else {
        assert.match(res.text, /503|unavailable|try again/i);
      }
    }
    assert.ok(good >= 6, `${good} of 12 reads got through 50 % 5xx with 3 retries`);
    await clearRequests(d.base);
    await setFaults(d.base, { rate_5xx: 1 });
    const res = await create(d.client, 'Drill 5xx');
    assert.equal(res.isError, true);
    assert.equal(await assertCreatedAtMostOnce(d, 'Drill 5xx', res), 0);
    // A read under a lasting outage says what happened and what to do.
    await setFaults(d.base, { rate_5xx: 1 });
    await clearRequests(d.base);
    const down = await tool(d.client, 'get_webinar', { webinar_id: d.id });
    assert.equal(down.isError, true);
    assert.match(down.text, /try again|later|retry/i);
    assert.equal(api(await requests(d.base), 'GET').length, 4, 'a GET is tried 1 + ZOOM_MAX_RETRIES times');
    await setFaults(d.base, {});
  });
});

describe('drill: connection resets and dropped connections', () => {
  const d = drill([], { ZOOM_MAX_RETRIES: '4' });
  it('reads are retried; a create whose connection dropped is sent once', async () => {
    await setFaults(d.base, { rate_drop: 0.4 });
    for (let i = 0; i < 8; i++) {
      const res = await tool(d.client, 'get_webinar', { webinar_id: d.id });
      if (!res.isError) assert.equal(res.data.topic, d.topic);
      else assert.match(res.text, /connection|reach|try again/i);
    }
    await setFaults(d.base, { rate_drop: 1 });
    await clearRequests(d.base);
    const res = await create(d.client, 'Drill drop');
    assert.equal(res.isError, true);
    await assertCreatedAtMostOnce(d, 'Drill drop', res);
  });
});

describe('drill: replies slower than the timeout', () => {
  const d = drill([], { ZOOM_REQUEST_TIMEOUT_MS: '1000', ZOOM_MAX_RETRIES: '1' });
  it('a slow read times out clearly while other calls are served', async () => {
    await setFaults(d.base, { latency_ms: '3000' });
    const order = [];
    const slow = tool(d.client, 'get_webinar', { webinar_id: d.id }).then((r) => {
      order.push('slow');
      return r;
    });
    await d.client.ping();
    order.push('ping');
    const st = await tool(d.client, 'get_token_status');
    order.push('status');
    assert.equal(st.isError, false, st.text);
    const res = await slow;
    assert.deepEqual(order, ['ping', 'status', 'slow']);
    assert.equal(res.isError, true);
    assert.match(res.text, /time|timed out/i);
  });
  it('a create that timed out is sent once and says how to check', async () => {
    await clearRequests(d.base);
    await setFaults(d.base, { latency_ms: '3000' });
    const res = await create(d.client, 'Drill slow');
    assert.equal(res.isError, true);
    // The sandbox may still finish the parked request after the client gave up.
    await new Promise((r) => setTimeout(r, 2500));
    await assertCreatedAtMostOnce(d, 'Drill slow', res);
  });
});

describe('drill: truncated bodies', () => {
  const d = drill([], { ZOOM_MAX_RETRIES: '2' });
  it('a read of a cut reply fails clearly; a create with a cut reply is one webinar', async () => {
    await setFaults(d.base, { rate_truncate: 1 });
    const res = await tool(d.client, 'get_webinar', { webinar_id: d.id });
    assert.equal(res.isError, true);
    assert.match(res.text, /cut short/);
    assert.doesNotMatch(res.text, /ZOOM_API_BASE_URL/);
    await clearRequests(d.base);
    const made = await create(d.client, 'Drill truncated');
    assert.equal(made.isError, true);
    assert.equal(await assertCreatedAtMostOnce(d, 'Drill truncated', made), 1);
  });
});

describe('drill: a token that expires mid-run (401 code 124)', () => {
  const d = drill();
  it('a new token is fetched and the call goes through once', async () => {
    await simPost(d.base, 'expire_tokens');
    await clearRequests(d.base);
    const res = await tool(d.client, 'get_webinar', { webinar_id: d.id });
    assert.equal(res.isError, false, res.text);
    let log = await requests(d.base);
    assert.deepEqual(log.map((r) => [r.method, r.path.startsWith('/v2/') ? 'api' : r.path, r.status]), [
      ['GET', 'api', 401], ['POST', '/oauth/token', 200], ['GET', 'api', 200],
    ]);
    await simPost(d.base, 'expire_tokens');
    await clearRequests(d.base);
    const made = await create(d.client, 'Drill expired');
    assert.equal(made.isError, false, made.text);
    log = api(await requests(d.base), 'POST', '/webinars');
    assert.deepEqual(log.map((r) => r.status), [401, 201]);
    assert.equal(await assertCreatedAtMostOnce(d, 'Drill expired', made), 1);
  });
});

describe('drill: the token endpoint down for a while', () => {
  const d = drill([], { ZOOM_MAX_RETRIES: '1' }, { tokenProxy: true });
  it('calls fail clearly without sending the API request, then recover', async () => {
    d.proxy.down = true;
    await simPost(d.base, 'expire_tokens');
    await clearRequests(d.base);
    const read = await tool(d.client, 'get_webinar', { webinar_id: d.id });
    assert.equal(read.isError, true);
    assert.match(read.text, /token/i);
    const made = await create(d.client, 'Drill no token');
    assert.equal(made.isError, true);
    assert.match(made.text, /token/i);
    assert.match(made.text, /not sent/i);
    assert.ok(d.proxy.refused > 0, 'the token was asked for');
    let log = await requests(d.base);
    assert.deepEqual(log.map((r) => [r.method, r.status]), [['GET', 401]], 'no API request without a token');
    const st = await tool(d.client, 'get_token_status');
    assert.equal(st.isError, false, st.text);
    d.proxy.down = false;
    await clearRequests(d.base);
    const again = await create(d.client, 'Drill no token');
    assert.equal(again.isError, false, again.text);
    log = await requests(d.base);
    assert.equal(api(log, 'POST').length, 1);
    assert.equal(await assertCreatedAtMostOnce(d, 'Drill no token', again), 1);
  });
});

describe('drill: a reply larger than the cap', () => {
  const d = drill(['--scale', '200'], { ZOOM_MAX_RESPONSE_BYTES: '4096' });
  it('is refused clearly, and the server goes on', async () => {
    const ws = await webinars(d.client);
    const held = String(ws.find((w) => w.topic.startsWith('Quarterly town hall')).id); // with registration
    await clearRequests(d.base);
    const res = await tool(d.client, 'list_webinar_registrants', { webinar_id: held, page_size: 300 });
    assert.equal(res.isError, true);
    assert.match(res.text, /larger|too large|cap|exceed/i);
    assert.match(res.text, /ZOOM_MAX_RESPONSE_BYTES|page_size|smaller/i);
    const ok = await tool(d.client, 'get_token_status');
    assert.equal(ok.isError, false);
  });
});

describe('drill: memory under faults', () => {
  const d = drill([], { ZOOM_MAX_RETRIES: '2' });
  it('does not grow over a burst of faulty calls', async () => {
    await setFaults(d.base, { rate_5xx: 0.05, rate_drop: 0.05, rate_truncate: 0.05 });
    const burst = async (n) => {
      for (let i = 0; i < n; i += 4)
        await Promise.all([
          tool(d.client, 'get_webinar', { webinar_id: d.id }),
          tool(d.client, 'list_webinars', { user_id: 'me' }),
          tool(d.client, 'list_webinar_registrants', { webinar_id: d.id }),
          tool(d.client, 'get_token_status'),
        ]);
    };
    await burst(200); // warm-up: pools, caches, allocator arenas
    const before = rssKiB(d.pid);
    await burst(600);
    const grown = rssKiB(d.pid) - before;
    if (!SANITIZED) assert.ok(grown < 4096, `RSS grew by ${grown} KiB over 600 calls`);
    await setFaults(d.base, {});
  });
});
