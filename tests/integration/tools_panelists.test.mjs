// tools_panelists.test.mjs - the panelist tools through the official SDK client against the
// sandbox: each result, and the exact Zoom requests (method, path, body) they sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call, body, serverCommand, sandboxEnv } from './lib/zoom.mjs';
import { RawServer, modernMeta } from './lib/fixture.mjs';

const lines = (reqs) => reqs.map((r) => `${r.method} ${r.path}`);

for (const era of ['legacy', 'modern']) {
  describe(`panelist tools (${era})`, () => {
    let z, launch, clinic, hall;
    before(async () => {
      z = await startZoom({ era });
      const list = await call(z.client, 'list_webinars', { user_id: 'me', all_pages: true });
      const byTopic = (t) => String(list.structuredContent.webinars.find((w) => w.topic === t).id);
      launch = byTopic('Product launch: spring release');
      clinic = byTopic('Customer onboarding clinic');
      hall = byTopic('Quarterly town hall');
    });
    after(async () => z.close());

    it('list_panelists sends GET …/panelists', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'list_panelists', { webinar_id: launch });
      assert.equal(res.structuredContent.panelists.length, 2);
      assert.equal(res.structuredContent.total_records, 2);
      assert.deepEqual(lines(await apiRequests(z.sim)), [`GET /v2/webinars/${launch}/panelists`]);
    });

    it('list_panelists of an unknown webinar is a tool error', async () => {
      const res = await call(z.client, 'list_panelists', { webinar_id: '1234567' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /1234567|not found|does not exist/i);
    });

    it('add_panelists with 45 emails sends 30 + 15, names derived from the addresses', async () => {
      await simClear(z.sim);
      const emails = Array.from({ length: 45 }, (_, i) => `jane.doe_${i}@example.org`);
      const res = await call(z.client, 'add_panelists', { webinar_id: launch, panelist_emails: emails });
      const s = res.structuredContent;
      assert.deepEqual(s.counts, { added: 45 });
      assert.match(s.note, /derived/);
      assert.deepEqual(s.results[44], { status: 'added', request: 2, name: 'Jane Doe 44',
        email: emails[44], name_derived: true });
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(lines(reqs), Array(2).fill(`POST /v2/webinars/${launch}/panelists`));
      assert.equal(body(reqs[0]).panelists.length, 30);
      assert.deepEqual(body(reqs[0]).panelists[0], { name: 'Jane Doe 0', email: emails[0] });
      assert.deepEqual(body(reqs[1]).panelists.map((p) => p.email), emails.slice(30));
      const list = await call(z.client, 'list_panelists', { webinar_id: launch });
      assert.equal(list.structuredContent.total_records, 47);
    });

    it('add_panelists reports progress once per request when asked', { skip: era !== 'legacy' && 'the wire is read through the 1.x SDK transport; the raw 2026-07-28 test below covers this era' }, async () => {
      // What the server sent, read off the transport: the SDK may dispatch the last
      // notification after the result that follows it in the same read.
      const wire = [];
      const t = z.client.transport;
      const orig = t.onmessage;
      t.onmessage = (m, extra) => {
        if (m.method === 'notifications/progress') wire.push(m.params);
        orig(m, extra);
      };
      const emails = Array.from({ length: 31 }, (_, i) => `prog${i}@example.org`);
      try {
        const res = await z.client.callTool({ name: 'add_panelists', arguments: { webinar_id: hall, panelist_emails: emails } },
          undefined, { onprogress: () => {} });
        assert.equal(res.isError, undefined);
      } finally {
        t.onmessage = orig;
      }
      assert.deepEqual(wire.map((p) => [p.progress, p.total]), [[30, 31], [31, 31]]);
      await call(z.client, 'remove_all_panelists', { webinar_id: hall });
      await call(z.client, 'add_panelists', { webinar_id: hall, panelists: [
        { name: 'Priya Shah', email: 'priya.shah@sandbox.example.com' },
        { name: 'Jordan Lee', email: 'jordan.lee@partner.example.net' }] });
    });

    it('add_panelists: a failed second request is reported per panelist', async () => {
      await simClear(z.sim);
      const panelists = Array.from({ length: 31 }, (_, i) => ({ name: `P ${i}`, email: `p${i}@example.org` }));
      panelists[30].email = 'p30@localhost'; // Zoom refuses the address
      const res = await call(z.client, 'add_panelists', { webinar_id: clinic, panelists });
      const s = res.structuredContent;
      assert.equal(res.isError, undefined);
      assert.deepEqual(s.counts, { added: 30, failed: 1 });
      assert.equal(s.results[30].status, 'failed');
      assert.match(s.results[30].error, /400/);
      assert.equal(s.results[30].name_derived, undefined);
      assert.match(s.message, /Request 2 failed/);
      assert.deepEqual(body((await apiRequests(z.sim))[1]), { panelists: [panelists[30]] });
    });

    it('add_panelists with dry_run sends nothing', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'add_panelists',
        { webinar_id: clinic, panelists: [{ name: 'A', email: 'a@example.org' }], dry_run: true });
      assert.equal(res.structuredContent.dry_run, true);
      assert.deepEqual(res.structuredContent.requests[0].body, { panelists: [{ name: 'A', email: 'a@example.org' }] });
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('update_panelist removes and adds again: a new id, the new name, the same email', async () => {
      const before = (await call(z.client, 'list_panelists', { webinar_id: hall })).structuredContent.panelists[0];
      await simClear(z.sim);
      const res = await call(z.client, 'update_panelist',
        { webinar_id: hall, panelist_id: before.id, name: 'New Name' });
      const s = res.structuredContent;
      assert.match(s.message, /new id and a new join link/);
      assert.equal(s.before.id, before.id);
      assert.equal(s.panelist.name, 'New Name');
      assert.equal(s.panelist.email, before.email);
      assert.notEqual(s.panelist.id, before.id);
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(lines(reqs), [
        `GET /v2/webinars/${hall}/panelists`,
        `DELETE /v2/webinars/${hall}/panelists/${before.id}`,
        `POST /v2/webinars/${hall}/panelists`,
        `GET /v2/webinars/${hall}/panelists`,
      ]);
      assert.deepEqual(body(reqs[2]), { panelists: [{ name: 'New Name', email: before.email }] });
    });

    it('update_panelist of an unknown panelist changes nothing and says so', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'update_panelist',
        { webinar_id: hall, panelist_id: 'nobody', name: 'X' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /nobody.*Nothing was changed/s);
      assert.deepEqual(lines(await apiRequests(z.sim)), [`GET /v2/webinars/${hall}/panelists`]);
    });

    it('update_panelist whose re-add fails says it was removed and how to restore', async () => {
      const before = (await call(z.client, 'list_panelists', { webinar_id: hall })).structuredContent.panelists[1];
      await simClear(z.sim);
      const res = await call(z.client, 'update_panelist',
        { webinar_id: hall, panelist_id: before.email, email: 'x@localhost' }, { ok: false });
      assert.equal(res.isError, true);
      const s = res.structuredContent;
      assert.match(s.message, /was removed .* but adding them again .* failed/);
      assert.deepEqual(s.restore, { tool: 'add_panelists',
        arguments: { webinar_id: hall, panelists: [{ name: before.name, email: before.email }] } });
      assert.deepEqual(lines(await apiRequests(z.sim)), [
        `GET /v2/webinars/${hall}/panelists`,
        `DELETE /v2/webinars/${hall}/panelists/${before.id}`,
        `POST /v2/webinars/${hall}/panelists`,
      ]);
      await call(z.client, 'add_panelists', s.restore.arguments);
      const list = await call(z.client, 'list_panelists', { webinar_id: hall });
      assert.ok(list.structuredContent.panelists.some((p) => p.email === before.email));
    });

    it('update_panelist with dry_run sends nothing and shows the three steps', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'update_panelist',
        { webinar_id: hall, panelist_id: 'abc', email: 'n@example.org', dry_run: true });
      const s = res.structuredContent;
      assert.equal(s.dry_run, true);
      assert.deepEqual(s.requests.map((r) => r.method), ['GET', 'DELETE', 'POST']);
      assert.match(s.requests[1].url, new RegExp(`/v2/webinars/${hall}/panelists/abc$`));
      assert.deepEqual(s.requests[2].body, { panelists: [{ email: 'n@example.org' }] });
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('remove_panelist sends DELETE …/panelists/{id}; an unknown one is a tool error', async () => {
      const p = (await call(z.client, 'list_panelists', { webinar_id: clinic })).structuredContent.panelists[0];
      await simClear(z.sim);
      const res = await call(z.client, 'remove_panelist', { webinar_id: clinic, panelist_id: p.id });
      assert.match(res.structuredContent.message, /removed/);
      assert.deepEqual(lines(await apiRequests(z.sim)), [`DELETE /v2/webinars/${clinic}/panelists/${p.id}`]);
      const again = await call(z.client, 'remove_panelist', { webinar_id: clinic, panelist_id: p.id }, { ok: false });
      assert.equal(again.isError, true);
      assert.match(again.content[0].text, /404/);
    });

    it('remove_all_panelists sends DELETE …/panelists; dry_run sends nothing', async () => {
      await simClear(z.sim);
      const dry = await call(z.client, 'remove_all_panelists', { webinar_id: clinic, dry_run: true });
      assert.equal(dry.structuredContent.method, 'DELETE');
      assert.deepEqual(await apiRequests(z.sim), []);
      const res = await call(z.client, 'remove_all_panelists', { webinar_id: clinic });
      assert.match(res.structuredContent.message, /Every panelist removed/);
      const list = await call(z.client, 'list_panelists', { webinar_id: clinic });
      assert.equal(list.structuredContent.total_records, 0);
      assert.deepEqual(lines(await apiRequests(z.sim)), [
        `DELETE /v2/webinars/${clinic}/panelists`,
        `GET /v2/webinars/${clinic}/panelists`,
      ]);
    });
  });
}

// The 2.x client does not hand progress notifications to onprogress in 2026-07-28, so this
// era's check reads the server's stdout itself.
it('add_panelists reports progress once per request in 2026-07-28 (raw stdio)', async () => {
  const { command, args } = serverCommand();
  const srv = new RawServer(args, { command, env: sandboxEnv() });
  const toolCall = (name, args2, extra = {}) =>
    srv.request('tools/call', { name, arguments: args2, _meta: modernMeta({}, extra) });
  try {
    const ws = (await toolCall('list_webinars', { user_id: 'me', all_pages: true })).result.structuredContent.webinars;
    const hall = String(ws.find((w) => w.topic === 'Quarterly town hall').id);
    const emails = Array.from({ length: 31 }, (_, i) => `raw${i}@example.org`);
    const res = await toolCall('add_panelists', { webinar_id: hall, panelist_emails: emails }, { progressToken: 'pt-raw' });
    assert.equal(res.result.isError, undefined, JSON.stringify(res));
    const progress = srv.all.filter((m) => m.method === 'notifications/progress').map((m) => m.params);
    assert.deepEqual(progress.map((p) => [p.progressToken, p.progress, p.total]), [['pt-raw', 30, 31], ['pt-raw', 31, 31]]);
    assert.ok(srv.all.indexOf(res) > srv.all.findLastIndex((m) => m.method === 'notifications/progress'), 'progress before the result');
    assert.deepEqual(srv.garbage, []);
  } finally {
    // End of input, as a client ends: the server exits on its own (valgrind then checks it).
    await srv.close();
    srv.kill();
  }
});
