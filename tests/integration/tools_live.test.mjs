// tools_live.test.mjs - live stream, invite links and tracking sources through
// the official SDK client against the sandbox: each result, and the exact Zoom
// request it sent (invite links in requests of at most 500, a result per name).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call, body } from './lib/zoom.mjs';

// The id of the seeded webinar whose topic starts with PREFIX.
async function webinarId(client, prefix) {
  const list = await call(client, 'list_webinars', { user_id: 'me', all_pages: true });
  const w = list.structuredContent.webinars.find((x) => x.topic.startsWith(prefix));
  assert.ok(w, `the sandbox seeds a webinar "${prefix}..."`);
  return String(w.id);
}

const names = (n, tag) => Array.from({ length: n }, (_, i) => ({ name: `${tag} ${i + 1}` }));

// Sets the sandbox's fault injection (POST /_sim/faults).
async function simFaults(sim, faults) {
  const res = await fetch(`${sim}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  assert.equal(res.status, 204);
}

for (const era of ['legacy', 'modern']) {
  describe(`live stream tools (${era})`, () => {
    let z, id;
    before(async () => {
      z = await startZoom({ era });
      id = await webinarId(z.client, 'Product launch');
    });
    after(async () => z.close());

    it('update_webinar_livestream sends a PATCH; get_webinar_livestream shows it; status start and stop', async () => {
      const stream = {
        stream_url: 'rtmp://a.rtmp.example.com/live2',
        stream_key: 'abcd-efgh',
        page_url: 'https://example.com/watch',
        resolution: '720p',
      };
      await simClear(z.sim);
      const set = await call(z.client, 'update_webinar_livestream', { webinar_id: id, ...stream });
      assert.equal(set.structuredContent.ok, true);
      assert.match(set.structuredContent.message, /rtmp:\/\/a\.rtmp\.example\.com\/live2/);
      const got = await call(z.client, 'get_webinar_livestream', { webinar_id: id });
      assert.deepEqual(got.structuredContent, stream);
      const settings = { active_speaker_name: true, display_name: 'Launch' };
      await call(z.client, 'update_webinar_livestream_status', { webinar_id: id, action: 'start', settings });
      await call(z.client, 'update_webinar_livestream_status', { webinar_id: id, action: 'stop' });
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(
        reqs.map((r) => [r.method, r.path, r.status]),
        [
          ['PATCH', `/v2/webinars/${id}/livestream`, 204],
          ['GET', `/v2/webinars/${id}/livestream`, 200],
          ['PATCH', `/v2/webinars/${id}/livestream/status`, 204],
          ['PATCH', `/v2/webinars/${id}/livestream/status`, 204],
        ],
      );
      assert.deepEqual(body(reqs[0]), stream);
      assert.deepEqual(body(reqs[2]), { action: 'start', settings });
      assert.deepEqual(body(reqs[3]), { action: 'stop' });
    });

    it('create_webinar_invite_links sends the names and ttl and gives each name its link', async () => {
      await simClear(z.sim);
      const attendees = [{ name: 'Ada Lovelace' }, { name: 'Alan Turing' }];
      const res = await call(z.client, 'create_webinar_invite_links', { webinar_id: id, attendees, ttl: 3600 });
      const out = res.structuredContent;
      assert.deepEqual(out.counts, { created: 2 });
      assert.match(out.note, /cannot list invite links/);
      assert.deepEqual(
        out.results.map((a) => [a.name, a.status]),
        [
          ['Ada Lovelace', 'created'],
          ['Alan Turing', 'created'],
        ],
      );
      for (const a of out.results) assert.match(a.join_url, /^https:\/\//);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1);
      assert.deepEqual([reqs[0].method, reqs[0].path], ['POST', `/v2/webinars/${id}/invite_links`]);
      assert.deepEqual(body(reqs[0]), { attendees, ttl: 3600 });
    });

    it('get_webinar_tracking_sources sends a GET and lists the sources', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'get_webinar_tracking_sources', { webinar_id: id });
      assert.ok(res.structuredContent.tracking_sources.length > 0);
      assert.equal(typeof res.structuredContent.tracking_sources[0].registration_count, 'number');
      const [req] = await apiRequests(z.sim);
      assert.deepEqual([req.method, req.path, req.query], ['GET', `/v2/webinars/${id}/tracking_sources`, '']);
    });
  });
}

describe('live stream tools: batches, dry runs and errors', () => {
  let z, id;
  before(async () => {
    // No retries: a 429 the sandbox is told to send reaches the tool as a failed request.
    z = await startZoom({ env: { ZOOM_MAX_RETRIES: '0' } });
    id = await webinarId(z.client, 'Product launch');
  });
  after(async () => z.close());

  it('1001 names go in requests of 500, 500 and 1, and every name gets its own link', async () => {
    await simClear(z.sim);
    const attendees = names(1001, 'Viewer');
    const res = await call(z.client, 'create_webinar_invite_links', { webinar_id: id, attendees });
    const out = res.structuredContent;
    assert.deepEqual(out.counts, { created: 1001 });
    assert.equal(out.results.length, 1001);
    assert.deepEqual(
      out.results.map((a) => a.name),
      attendees.map((a) => a.name),
    );
    assert.equal(new Set(out.results.map((a) => a.join_url)).size, 1001);
    assert.deepEqual(
      out.requests.map((r) => [r.request, r.items, r.ok]),
      [
        [1, 500, true],
        [2, 500, true],
        [3, 1, true],
      ],
    );
    const reqs = await apiRequests(z.sim);
    assert.deepEqual(
      reqs.map((r) => body(r).attendees.length),
      [500, 500, 1],
    );
    assert.deepEqual(body(reqs[2]).attendees, [{ name: 'Viewer 1001' }]);
  });

  it('when one request of several fails, its names say why and the others keep their links', async () => {
    await simClear(z.sim);
    await simFaults(z.sim, { burst_429_every: 2, burst_429_length: 1 }); // every other request: 429
    let res;
    try {
      res = await call(z.client, 'create_webinar_invite_links', { webinar_id: id, attendees: names(1001, 'Guest') });
    } finally {
      await simFaults(z.sim, {});
    }
    const out = res.structuredContent;
    const reqs = (await apiRequests(z.sim)).filter((r) => r.method === 'POST');
    assert.equal(reqs.length, 3, 'a failed POST is not sent again');
    const statuses = reqs.map((r) => r.status);
    assert.ok(statuses.includes(429) && statuses.includes(201), `mixed outcome: ${statuses}`);
    let created = 0;
    reqs.forEach((r, k) => {
      const sent = body(r).attendees.map((a) => a.name);
      const got = out.results.slice(k * 500, k * 500 + sent.length);
      assert.deepEqual(
        got.map((a) => a.name),
        sent,
      );
      assert.equal(out.requests[k].ok, r.status === 201);
      for (const a of got) {
        if (r.status === 201) {
          assert.equal(a.status, 'created');
          assert.equal(a.request, k + 1);
          assert.match(a.join_url, /^https:\/\//);
          created++;
        } else {
          assert.equal(a.status, 'failed');
          assert.equal(a.join_url, undefined);
          assert.match(a.error, /rate limit/);
        }
      }
    });
    assert.equal(out.counts.created, created);
    assert.equal(out.counts.failed, 1001 - created);
    assert.equal(res.isError ?? false, false);
    assert.match(out.message, /^1001 items in 3 requests: /);
    assert.match(out.message, new RegExp(`\\b${created} created\\b`));
    assert.match(out.message, /Request \d failed: .*rate limit/);
  });

  it('with dry_run, each request of a batch is shown and nothing is sent', async () => {
    await simClear(z.sim);
    const res = await call(z.client, 'create_webinar_invite_links', {
      webinar_id: id,
      attendees: names(501, 'Dry'),
      ttl: 60,
      dry_run: true,
    });
    const out = res.structuredContent;
    assert.equal(out.dry_run, true);
    assert.equal(out.requests.length, 2);
    assert.ok(out.results.every((r) => r.status === 'dry_run'));
    assert.deepEqual(
      out.requests.map((r) => [r.method, r.body.attendees.length, r.body.ttl]),
      [
        ['POST', 500, 60],
        ['POST', 1, 60],
      ],
    );
    assert.match(out.requests[0].url, new RegExp(`/v2/webinars/${id}/invite_links$`));
    const single = await call(z.client, 'create_webinar_invite_links', { webinar_id: id, dry_run: true });
    assert.deepEqual(single.structuredContent.requests[0].body, { attendees: [{ name: 'Guest' }] });
    const stream = await call(z.client, 'update_webinar_livestream', {
      webinar_id: id,
      stream_url: 'rtmp://x/live',
      stream_key: 'k',
      page_url: 'https://example.com/w',
      dry_run: true,
    });
    assert.equal(stream.structuredContent.method, 'PATCH');
    const status = await call(z.client, 'update_webinar_livestream_status', {
      webinar_id: id,
      action: 'start',
      dry_run: true,
    });
    assert.deepEqual(status.structuredContent.body, { action: 'start' });
    assert.deepEqual(await apiRequests(z.sim), []);
  });

  it('a failed single request is a tool error; so is a status change before any stream is set up', async () => {
    const missing = await call(z.client, 'create_webinar_invite_links', { webinar_id: '12345' }, { ok: false });
    assert.equal(missing.isError, true);
    assert.match(missing.content[0].text, /12345/);
    const other = await webinarId(z.client, 'Customer onboarding');
    const res = await call(
      z.client,
      'update_webinar_livestream_status',
      { webinar_id: other, action: 'start' },
      { ok: false },
    );
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /code 3000/);
    assert.match(res.content[0].text, /custom streaming/);
  });

  it('get_webinar_tracking_sources of a webinar without registration is a tool error with Zoom code 3000', async () => {
    const noReg = await webinarId(z.client, 'Security briefing');
    const res = await call(z.client, 'get_webinar_tracking_sources', { webinar_id: noReg }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /registration/);
  });
});
