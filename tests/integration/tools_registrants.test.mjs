// tools_registrants.test.mjs - the registrant tools through the official SDK client against the
// sandbox: each result, and the exact Zoom requests (method, path, query, body) they sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call, body } from './lib/zoom.mjs';

// The query of a logged request as an object.
const q = (req) => Object.fromEntries(new URLSearchParams(req.query ?? ''));

// n people with distinct addresses; bad: an index whose address Zoom refuses.
function people(prefix, n, bad = -1) {
  return Array.from({ length: n }, (_, i) => ({
    email: i === bad ? `${prefix}${i}@localhost` : `${prefix}.${i}@example.org`,
    first_name: `P${i}`,
    last_name: prefix,
  }));
}

for (const era of ['legacy', 'modern']) {
  describe(`registrant tools (${era})`, () => {
    let z, launch, clinic;
    before(async () => {
      z = await startZoom({ era });
      const list = await call(z.client, 'list_webinars', { user_id: 'me', all_pages: true });
      const byTopic = (t) => String(list.structuredContent.webinars.find((w) => w.topic === t).id);
      launch = byTopic('Product launch: spring release'); // approval_type 0
      clinic = byTopic('Customer onboarding clinic'); // approval_type 1 (manual)
    });
    after(async () => z.close());

    it('add_webinar_registrant sends POST …/registrants with the fields as body', async () => {
      await simClear(z.sim);
      const args = { email: 'ada@example.org', first_name: 'Ada', last_name: 'L', city: 'London',
        custom_questions: [{ title: 'Why', value: 'Curious' }] };
      const res = await call(z.client, 'add_webinar_registrant', { webinar_id: launch, ...args });
      assert.match(res.structuredContent.registrant_id, /^\S+$/);
      assert.match(res.structuredContent.join_url, /^https:/);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1);
      assert.equal(reqs[0].method, 'POST');
      assert.equal(reqs[0].path, `/v2/webinars/${launch}/registrants`);
      assert.deepEqual(q(reqs[0]), {});
      assert.deepEqual(body(reqs[0]), args);
    });

    it('add_webinar_registrant reports Zoom refusing (host cannot register / bad webinar)', async () => {
      const res = await call(z.client, 'add_webinar_registrant',
        { webinar_id: '1234567', email: 'x@example.org', first_name: 'X' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /1234567|not found|does not exist/i);
    });

    it('add_webinar_registrants_batch sends 45 people as 30 + 15 and says what became of each', async () => {
      await simClear(z.sim);
      const list = people('batch', 45);
      const res = await call(z.client, 'add_webinar_registrants_batch',
        { webinar_id: clinic, registrants: list, auto_approve: true });
      const s = res.structuredContent;
      assert.equal(res.isError, undefined);
      assert.equal(s.results.length, 45);
      assert.deepEqual(s.counts, { registered: 45 });
      for (const [i, r] of s.results.entries()) {
        assert.equal(r.email, list[i].email);
        assert.equal(r.status, 'registered');
        assert.equal(r.request, i < 30 ? 1 : 2);
        assert.match(r.join_url, /^https:/);
      }
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`),
        Array(2).fill(`POST /v2/webinars/${clinic}/batch_registrants`));
      assert.deepEqual(body(reqs[0]), { auto_approve: true, registrants: list.slice(0, 30) });
      assert.deepEqual(body(reqs[1]), { auto_approve: true, registrants: list.slice(30) });
    });

    it('add_webinar_registrants_batch: one failed request of two is reported per person', async () => {
      await simClear(z.sim);
      const list = people('half', 35, 33);
      const res = await call(z.client, 'add_webinar_registrants_batch',
        { webinar_id: clinic, registrants: list });
      const s = res.structuredContent;
      assert.equal(res.isError, undefined); // 30 went through
      assert.deepEqual(s.counts, { registered: 30, failed: 5 });
      assert.equal(s.results[29].status, 'registered');
      assert.equal(s.results[30].status, 'failed');
      assert.equal(s.results[30].request, 2);
      assert.match(s.results[30].error, /400/);
      assert.equal(s.requests[1].ok, false);
      assert.equal(s.requests[1].error.http_status, 400);
      assert.match(s.message, /30 registered, 5 failed.*Request 2 failed/);
      assert.equal((await apiRequests(z.sim)).length, 2);
    });

    it('add_webinar_registrants_batch with dry_run sends nothing and shows both requests', async () => {
      await simClear(z.sim);
      const list = people('dry', 31);
      const res = await call(z.client, 'add_webinar_registrants_batch',
        { webinar_id: clinic, registrants: list, dry_run: true });
      const s = res.structuredContent;
      assert.equal(s.dry_run, true);
      assert.equal(s.requests.length, 2);
      assert.equal(s.requests[1].method, 'POST');
      assert.match(s.requests[1].url, new RegExp(`/v2/webinars/${clinic}/batch_registrants$`));
      assert.deepEqual(s.requests[1].body, { registrants: list.slice(30) });
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('list_webinar_registrants sends status and page_size, and pages on request', async () => {
      await simClear(z.sim);
      const one = await call(z.client, 'list_webinar_registrants',
        { webinar_id: clinic, status: 'pending', page_size: 3 });
      assert.equal(one.structuredContent.registrants.length, 3);
      assert.ok(one.structuredContent.registrants.every((r) => r.status === 'pending'));
      const all = await call(z.client, 'list_webinar_registrants',
        { webinar_id: clinic, status: 'pending', page_size: 3, all_pages: true });
      const s = all.structuredContent;
      assert.equal(s.registrants.length, s.total_records);
      assert.ok(s.pages > 1);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1 + s.pages);
      assert.equal(reqs[0].path, `/v2/webinars/${clinic}/registrants`);
      assert.deepEqual(q(reqs[0]), { status: 'pending', page_size: '3' });
      assert.equal(q(reqs[2]).next_page_token.length > 0, true);
    });

    it('find_registrant_by_email pages each status and matches regardless of case', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'find_registrant_by_email',
        { webinar_id: clinic, email: 'BATCH.7@Example.org' });
      const s = res.structuredContent;
      assert.equal(s.found, true);
      assert.equal(s.registrant.email, 'batch.7@example.org');
      assert.equal(s.registrant.status, 'approved');
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => [r.method, r.path, q(r).status, q(r).page_size]), [
        ['GET', `/v2/webinars/${clinic}/registrants`, 'pending', '300'],
        ['GET', `/v2/webinars/${clinic}/registrants`, 'approved', '300'],
      ]);
      const none = await call(z.client, 'find_registrant_by_email',
        { webinar_id: clinic, email: 'nobody@example.org' });
      assert.equal(none.structuredContent.found, false);
      assert.deepEqual(none.structuredContent.searched.map((x) => x.status),
        ['pending', 'approved', 'denied']);
    });

    it('find_registrant_by_email of an unknown webinar is a tool error', async () => {
      const res = await call(z.client, 'find_registrant_by_email',
        { webinar_id: '1234567', email: 'a@example.org' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /1234567|not found|does not exist/i);
    });

    it('get_webinar_registrant sends GET …/registrants/{id}; an unknown id is a tool error', async () => {
      const found = await call(z.client, 'find_registrant_by_email',
        { webinar_id: clinic, email: 'batch.1@example.org' });
      const id = found.structuredContent.registrant.id;
      await simClear(z.sim);
      const res = await call(z.client, 'get_webinar_registrant', { webinar_id: clinic, registrant_id: id });
      assert.equal(res.structuredContent.email, 'batch.1@example.org');
      const [req] = await apiRequests(z.sim);
      assert.equal(req.method, 'GET');
      assert.equal(req.path, `/v2/webinars/${clinic}/registrants/${id}`);
      const bad = await call(z.client, 'get_webinar_registrant',
        { webinar_id: clinic, registrant_id: 'nope123' }, { ok: false });
      assert.equal(bad.isError, true);
      assert.match(bad.content[0].text, /nope123/);
    });

    it('update_webinar_registrant_status approves 40 in requests of 30 + 10', async () => {
      const list = people('pend', 40);
      await call(z.client, 'add_webinar_registrants_batch', { webinar_id: clinic, registrants: list });
      await simClear(z.sim);
      const regs = list.map((p, i) => (i % 2 ? { email: p.email } : { email: p.email.toUpperCase() }));
      const res = await call(z.client, 'update_webinar_registrant_status',
        { webinar_id: clinic, action: 'approve', registrants: regs });
      const s = res.structuredContent;
      assert.deepEqual(s.counts, { accepted: 40 });
      assert.equal(s.results[39].email, regs[39].email);
      assert.equal(s.results[39].request, 2);
      assert.match(s.note, /does not say which/);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 2);
      assert.equal(reqs[0].method, 'PUT');
      assert.equal(reqs[0].path, `/v2/webinars/${clinic}/registrants/status`);
      assert.deepEqual(body(reqs[0]), { action: 'approve', registrants: regs.slice(0, 30) });
      assert.deepEqual(body(reqs[1]), { action: 'approve', registrants: regs.slice(30) });
      const check = await call(z.client, 'find_registrant_by_email',
        { webinar_id: clinic, email: 'pend.39@example.org' });
      assert.equal(check.structuredContent.registrant.status, 'approved');
    });

    it('update_webinar_registrant_status: Zoom refusing every request is a tool error', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'update_webinar_registrant_status',
        { webinar_id: clinic, action: 'deny', registrants: [{ id: 'abc' }], occurrence_id: '999' },
        { ok: false });
      assert.equal(res.isError, true);
      assert.equal(res.structuredContent.results[0].status, 'failed');
      assert.match(res.structuredContent.message, /occurrence/i);
      const [req] = await apiRequests(z.sim);
      assert.deepEqual(q(req), { occurrence_id: '999' });
    });

    it('update_webinar_registrant_status with dry_run sends nothing', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'update_webinar_registrant_status',
        { webinar_id: clinic, action: 'cancel', registrants: [{ id: 'a' }], dry_run: true });
      assert.equal(res.structuredContent.dry_run, true);
      assert.equal(res.structuredContent.requests[0].method, 'PUT');
      assert.deepEqual(res.structuredContent.requests[0].body, { action: 'cancel', registrants: [{ id: 'a' }] });
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('delete_webinar_registrant sends one DELETE; dry_run sends nothing', async () => {
      const found = await call(z.client, 'find_registrant_by_email',
        { webinar_id: clinic, email: 'batch.2@example.org' });
      const id = found.structuredContent.registrant.id;
      await simClear(z.sim);
      const dry = await call(z.client, 'delete_webinar_registrant',
        { webinar_id: clinic, registrant_id: id, dry_run: true });
      assert.equal(dry.structuredContent.method, 'DELETE');
      assert.deepEqual(await apiRequests(z.sim), []);
      const res = await call(z.client, 'delete_webinar_registrant', { webinar_id: clinic, registrant_id: id });
      assert.match(res.structuredContent.message, new RegExp(`${id} deleted`));
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`),
        [`DELETE /v2/webinars/${clinic}/registrants/${id}`]);
      const again = await call(z.client, 'delete_webinar_registrant',
        { webinar_id: clinic, registrant_id: id }, { ok: false });
      assert.equal(again.isError, true);
    });

    it('delete_webinar_registrants sends one DELETE each and reports each', async () => {
      const ids = [];
      for (const e of ['batch.3@example.org', 'batch.4@example.org']) {
        const f = await call(z.client, 'find_registrant_by_email', { webinar_id: clinic, email: e });
        ids.push(f.structuredContent.registrant.id);
      }
      ids.splice(1, 0, 'missing1');
      await simClear(z.sim);
      const dry = await call(z.client, 'delete_webinar_registrants',
        { webinar_id: clinic, registrant_ids: ids, dry_run: true });
      assert.equal(dry.structuredContent.requests.length, 3);
      assert.deepEqual(await apiRequests(z.sim), []);
      const res = await call(z.client, 'delete_webinar_registrants',
        { webinar_id: clinic, registrant_ids: ids });
      const s = res.structuredContent;
      assert.deepEqual(s.results.map((r) => [r.registrant_id, r.status]),
        [[ids[0], 'deleted'], ['missing1', 'not_found'], [ids[2], 'deleted']]); // Zoom: 400, code 3000
      assert.match(s.results[1].error, /missing1/);
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`),
        ids.map((id) => `DELETE /v2/webinars/${clinic}/registrants/${id}`));
    });

    it('update_registration_questions sends PATCH …/registrants/questions; list shows them', async () => {
      await simClear(z.sim);
      const args = {
        questions: [{ field_name: 'org', required: true }],
        custom_questions: [{ title: 'Team size?', type: 'single_radio', answers: ['1-5', '6+'], required: false }],
      };
      const dry = await call(z.client, 'update_registration_questions', { webinar_id: clinic, ...args, dry_run: true });
      assert.deepEqual(dry.structuredContent.body, args);
      assert.deepEqual(await apiRequests(z.sim), []);
      const res = await call(z.client, 'update_registration_questions', { webinar_id: clinic, ...args });
      assert.match(res.structuredContent.message, /questions of webinar/);
      const got = await call(z.client, 'list_registration_questions', { webinar_id: clinic });
      assert.deepEqual(got.structuredContent.questions, args.questions);
      assert.equal(got.structuredContent.custom_questions[0].title, 'Team size?');
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`), [
        `PATCH /v2/webinars/${clinic}/registrants/questions`,
        `GET /v2/webinars/${clinic}/registrants/questions`,
      ]);
      assert.deepEqual(body(reqs[0]), args);
    });

    it('update_registration_questions on a webinar without registration is a tool error', async () => {
      const list = await call(z.client, 'list_webinars', { user_id: 'me', all_pages: true });
      const none = String(list.structuredContent.webinars.find((w) => w.topic === 'Security briefing').id);
      const res = await call(z.client, 'update_registration_questions',
        { webinar_id: none, questions: [{ field_name: 'city' }] }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /registration/i);
    });
  });
}
