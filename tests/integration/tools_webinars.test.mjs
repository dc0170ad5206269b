// tools_webinars.test.mjs - the webinar tools through the official SDK client
// against the sandbox: each result, and the exact Zoom request it sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call, body } from './lib/zoom.mjs';

// Two years from now: webinars the tests create then are always in the future. A
// fixed date passes: the sandbox, like Zoom, then lists only the occurrences still to
// come, and 30 days after a webinar ends it is gone.
const AHEAD = new Date().getUTCFullYear() + 2;

// The first Tuesday of January of AHEAD at 10:00 (local, no offset): in winter.
function januaryTuesdayAhead() {
  const day = new Date(Date.UTC(AHEAD, 0, 1));
  while (day.getUTCDay() !== 2) day.setUTCDate(day.getUTCDate() + 1);
  return `${day.toISOString().slice(0, 10)}T10:00:00`;
}

for (const era of ['legacy', 'modern']) {
  describe(`webinar tools (${era})`, () => {
    let z;
    before(async () => {
      z = await startZoom({ era });
    });
    after(async () => z.close());

    it('list_webinars sends GET /users/{id}/webinars with its query, and pages on request', async () => {
      await simClear(z.sim);
      const one = await call(z.client, 'list_webinars', { user_id: 'me', page_size: 2, type: 'scheduled' });
      assert.equal(one.structuredContent.webinars.length, 2);
      const all = await call(z.client, 'list_webinars', { user_id: 'me', page_size: 2, all_pages: true });
      assert.equal(all.structuredContent.webinars.length, all.structuredContent.total_records);
      assert.equal(all.structuredContent.truncated, false);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs[0].method, 'GET');
      assert.equal(reqs[0].path, '/v2/users/me/webinars');
      assert.match(reqs[0].query, /(^|&)page_size=2(&|$)/);
      assert.match(reqs[0].query, /(^|&)type=scheduled(&|$)/);
      assert.equal(reqs.length, 1 + all.structuredContent.pages);
    });

    it('get_webinar shows the start time in the webinar timezone too', async () => {
      const list = await call(z.client, 'list_webinars', { user_id: 'me', all_pages: true });
      const w = list.structuredContent.webinars.find((x) => x.timezone === 'Asia/Tokyo');
      await simClear(z.sim);
      const res = await call(z.client, 'get_webinar', { webinar_id: String(w.id) });
      assert.equal(res.structuredContent.id, w.id);
      assert.match(res.structuredContent.start_time_local, /\+09:00 \(Asia\/Tokyo\)$/);
      assert.deepEqual(JSON.parse(res.content[0].text), res.structuredContent);
      const [req] = await apiRequests(z.sim);
      assert.equal(req.path, `/v2/webinars/${w.id}`);
    });

    it('get_webinar of an unknown id is a tool error naming the id and what to do', async () => {
      const res = await call(z.client, 'get_webinar', { webinar_id: '12345' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /12345/);
      assert.match(res.content[0].text, /list_webinars/);
    });

    it('delete_webinar with dry_run sends nothing and shows the request', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'delete_webinar', { webinar_id: '123', occurrence_id: '17', dry_run: true });
      assert.equal(res.structuredContent.dry_run, true);
      assert.equal(res.structuredContent.method, 'DELETE');
      assert.match(res.structuredContent.url, /\/v2\/webinars\/123\?occurrence_id=17$/);
      assert.deepEqual(await apiRequests(z.sim), []);
    });
  });
}

// ---- creating, updating, ending; the webinar resources ---------------------------------

// The user list as list_users_for_selection numbers it.
async function users(z) {
  return (await call(z.client, 'list_users_for_selection')).structuredContent.users;
}

// Asks the sandbox to fail requests (rate_drop: 1 closes every connection unanswered).
async function simFaults(sim, faults) {
  const res = await fetch(`${sim}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!res.ok) throw new Error(`POST /_sim/faults: ${res.status}`);
}

for (const era of ['legacy', 'modern']) {
  describe(`webinar create and update tools (${era})`, () => {
    let z;
    before(async () => {
      z = await startZoom({ era });
    });
    after(async () => z.close());

    it('create_webinar sends one POST: start_time in UTC, alternative_hosts in settings', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'create_webinar', {
        user_id: 'me',
        topic: 'Launch',
        start_time: '2027-03-10T09:30:00-05:00',
        duration: 45,
        timezone: 'Europe/Berlin',
        agenda: 'Hello',
        password: 'a1@_*!-',
        alternative_hosts: ['kenji.watanabe@sandbox.example.com', ' priya.shah@sandbox.example.com'],
        settings: { approval_type: 0 },
      });
      const w = res.structuredContent;
      assert.equal(w.topic, 'Launch');
      assert.equal(w.type, 5);
      assert.equal(w.start_time, '2027-03-10T14:30:00Z');
      assert.equal(w.start_time_local, '2027-03-10T15:30:00+01:00 (Europe/Berlin)');
      assert.equal(w.settings.alternative_hosts, 'kenji.watanabe@sandbox.example.com,priya.shah@sandbox.example.com');
      assert.deepEqual(JSON.parse(res.content[0].text), w);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1);
      assert.equal(reqs[0].method, 'POST');
      assert.equal(reqs[0].path, '/v2/users/me/webinars');
      assert.equal(reqs[0].query, '');
      assert.deepEqual(body(reqs[0]), {
        type: 5,
        topic: 'Launch',
        duration: 45,
        agenda: 'Hello',
        timezone: 'Europe/Berlin',
        password: 'a1@_*!-',
        settings: {
          approval_type: 0,
          alternative_hosts: 'kenji.watanabe@sandbox.example.com,priya.shah@sandbox.example.com',
        },
        start_time: '2027-03-10T14:30:00Z',
      });
    });

    it('create_webinar keeps a start_time without offset local to timezone; a string of alternative hosts', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'create_webinar', {
        user_id: 'me',
        topic: 'Local',
        start_time: '2027-03-10T09:30:00',
        timezone: 'Asia/Tokyo',
        alternative_hosts: 'a@example.com, b@example.com',
      });
      assert.equal(res.structuredContent.start_time, '2027-03-10T00:30:00Z');
      assert.equal(res.structuredContent.start_time_local, '2027-03-10T09:30:00+09:00 (Asia/Tokyo)');
      const [req] = await apiRequests(z.sim);
      assert.equal(body(req).start_time, '2027-03-10T09:30:00');
      assert.equal(body(req).settings.alternative_hosts, 'a@example.com,b@example.com');
    });

    it('create_webinar refuses a timezone that is not IANA, and sends nothing', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'create_webinar', { user_id: 'me', topic: 'X', timezone: 'EST5EDTX' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /unknown time zone "EST5EDTX": use an IANA name .*\. Nothing was sent to Zoom\.$/);
      const bad = await call(z.client, 'create_webinar', { user_id: 'me', topic: 'X', start_time: '2027-02-30T10:00:00' }, { ok: false });
      assert.equal(bad.isError, true);
      assert.match(bad.content[0].text, /2027-02-30/i);
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('create_webinar maps a zone abbreviation and reads a start_time in words, and says how', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'create_webinar', { user_id: 'me', topic: 'Words', timezone: 'CET', start_time: 'tomorrow 3pm' });
      const w = res.structuredContent;
      assert.match(w.resolved.timezone_note, /"CET"/);
      assert.ok(w.resolved.reading);
      assert.match(w.resolved.start_time_utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const [req] = await apiRequests(z.sim);
      assert.equal(body(req).timezone, w.timezone);
      assert.equal(body(req).start_time, w.resolved.start_time_utc);
      assert.equal(w.start_time, w.resolved.start_time_utc);
    });

    it('create_webinar with dry_run shows the POST and sends nothing', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'create_webinar', { user_id: 'me', topic: 'Dry', start_time: '2027-01-01T10:00:00Z', dry_run: true });
      assert.equal(res.structuredContent.dry_run, true);
      assert.equal(res.structuredContent.method, 'POST');
      assert.match(res.structuredContent.url, /\/v2\/users\/me\/webinars$/);
      assert.deepEqual(res.structuredContent.body, { type: 5, topic: 'Dry', start_time: '2027-01-01T10:00:00Z' });
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('create_webinar for an unknown host is a tool error from Zoom (404, code 1001)', async () => {
      const res = await call(z.client, 'create_webinar', { user_id: 'nobody@example.com', topic: 'X' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /1001/);
      assert.match(res.content[0].text, /list_users_for_selection/);
    });

    it('create_webinar whose POST may have reached Zoom is not sent again and says how to check', async () => {
      await call(z.client, 'list_webinars', { user_id: 'me', page_size: 1 }); // a token in hand
      await simClear(z.sim);
      await simFaults(z.sim, { rate_drop: 1 });
      let res;
      try {
        res = await call(z.client, 'create_webinar', { user_id: 'me', topic: 'Only once' }, { ok: false });
      } finally {
        await simFaults(z.sim, {});
      }
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /may or may not have created the webinar "Only once"/);
      assert.match(res.content[0].text, /list_webinars with user_id "me"/);
      const posts = (await apiRequests(z.sim)).filter((r) => r.method === 'POST');
      assert.equal(posts.length, 1);
    });

    it('create_webinar_interactive takes the host by number, in list_users_for_selection order', async () => {
      const list = await users(z);
      await simClear(z.sim);
      const res = await call(z.client, 'create_webinar_interactive', { topic: 'By number', user_selection: '2', duration: 30 });
      assert.equal(res.structuredContent.host.id, list[1].id);
      assert.equal(res.structuredContent.host.number, 2);
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`), ['GET /v2/users', `POST /v2/users/${list[1].id}/webinars`]);
      assert.match(reqs[0].query, /(^|&)status=active(&|$)/);
      assert.deepEqual(body(reqs[1]), { type: 5, topic: 'By number', duration: 30 });
    });

    it('create_webinar_interactive takes an email or an id; dry_run reads users and sends no POST', async () => {
      const list = await users(z);
      await simClear(z.sim);
      const byMail = await call(z.client, 'create_webinar_interactive', {
        topic: 'By mail',
        user_selection: list[2].email.toUpperCase(),
        dry_run: true,
      });
      assert.equal(byMail.structuredContent.dry_run, true);
      assert.equal(byMail.structuredContent.host.id, list[2].id);
      assert.match(byMail.structuredContent.url, new RegExp(`/v2/users/${list[2].id}/webinars$`));
      const byId = await call(z.client, 'create_webinar_interactive', { topic: 'By id', user_selection: list[0].id, dry_run: true });
      assert.equal(byId.structuredContent.host.number, 1);
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => r.method), ['GET', 'GET']);
    });

    it('create_webinar_interactive with a number or email not in the list says what to pass', async () => {
      await simClear(z.sim);
      const n = await call(z.client, 'create_webinar_interactive', { topic: 'X', user_selection: '17' }, { ok: false });
      assert.equal(n.isError, true);
      assert.match(n.content[0].text, /user_selection 17 is not a number of the list: .* 3 active users \(1 to 3\)/);
      const m = await call(z.client, 'create_webinar_interactive', { topic: 'X', user_selection: 'who@example.com' }, { ok: false });
      assert.match(m.content[0].text, /No active user .*"who@example.com".*list_users_for_selection/);
      assert.equal((await apiRequests(z.sim)).filter((r) => r.method === 'POST').length, 0);
    });

    it('create_recurring_webinar sends type 9 with the recurrence, and Zoom makes the occurrences', async () => {
      await simClear(z.sim);
      const start = januaryTuesdayAhead(); // a fixed date would pass, and its occurrences with it
      const res = await call(z.client, 'create_recurring_webinar', {
        user_id: 'me',
        topic: 'Weekly',
        start_time: start,
        timezone: 'America/New_York',
        duration: 30,
        recurrence_type: 2,
        repeat_interval: 1,
        weekly_days: '3,5',
        end_times: 4,
      });
      const w = res.structuredContent;
      assert.equal(w.type, 9);
      assert.equal(w.occurrences.length, 4);
      assert.match(w.occurrences[0].start_time_local, /T10:00:00-05:00 \(America\/New_York\)$/);
      const [req] = await apiRequests(z.sim);
      assert.equal(req.method, 'POST');
      assert.equal(req.path, '/v2/users/me/webinars');
      assert.deepEqual(body(req), {
        type: 9,
        topic: 'Weekly',
        duration: 30,
        timezone: 'America/New_York',
        start_time: start,
        recurrence: { type: 2, repeat_interval: 1, weekly_days: '3,5', end_times: 4 },
      });
    });

    it('create_recurring_webinar sends end_date_time in UTC (a local one read in timezone)', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'create_recurring_webinar', {
        user_id: 'me',
        topic: 'Monthly',
        start_time: '2027-01-05T10:00:00Z',
        timezone: 'Asia/Tokyo',
        recurrence_type: 3,
        monthly_week: -1,
        monthly_week_day: 2,
        end_date_time: '2027-06-30T09:00:00',
        dry_run: true,
      });
      assert.deepEqual(res.structuredContent.body.recurrence, {
        type: 3,
        monthly_week: -1,
        monthly_week_day: 2,
        end_date_time: '2027-06-30T00:00:00Z',
      });
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('create_recurring_webinar refuses bad combinations with the reason, sending nothing', async () => {
      await simClear(z.sim);
      const base = { user_id: 'me', topic: 'R', start_time: '2027-01-05T10:00:00Z' };
      const cases = [
        [{ recurrence_type: 2, repeat_interval: 13, end_times: 2 }, /repeat_interval: a weekly webinar repeats every 1 to 12 weeks \(got 13\)/],
        [{ recurrence_type: 3, repeat_interval: 4, monthly_day: 1, end_times: 2 }, /every 1 to 3 months/],
        [{ recurrence_type: 1, weekly_days: '2', end_times: 2 }, /weekly_days applies only to a weekly webinar/],
        [{ recurrence_type: 2, monthly_day: 3, end_times: 2 }, /apply only to a monthly webinar/],
        [{ recurrence_type: 3, end_times: 2 }, /a monthly webinar needs monthly_day/],
        [{ recurrence_type: 3, monthly_day: 3, monthly_week: 1, monthly_week_day: 2, end_times: 2 }, /either monthly_day or monthly_week/],
        [{ recurrence_type: 3, monthly_week: 2, end_times: 2 }, /monthly_week and monthly_week_day go together/],
        [{ recurrence_type: 1, end_times: 2, end_date_time: '2027-02-01T00:00:00Z' }, /either end_times or end_date_time, not both/],
        [{ recurrence_type: 1 }, /say when the series ends/],
        [{ recurrence_type: 1, end_date_time: '2027-02-01T00:00:00' }, /end_date_time: .*no Z or offset and no timezone/],
        [{ recurrence_type: 1, end_date_time: '2026-12-01T00:00:00Z' }, /end_date_time .* is not after start_time/],
      ];
      for (const [extra, why] of cases) {
        const res = await call(z.client, 'create_recurring_webinar', { ...base, ...extra }, { ok: false });
        assert.equal(res.isError, true, JSON.stringify(extra));
        assert.match(res.content[0].text, why);
      }
      const schema = await call(z.client, 'create_recurring_webinar', { ...base, recurrence_type: 1, end_times: 61 }, { ok: false });
      assert.equal(schema.isError, true);
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('update_webinar sends a PATCH, then reads the webinar back and says what changed', async () => {
      const made = await call(z.client, 'create_webinar', { user_id: 'me', topic: 'Before', timezone: 'UTC', start_time: `${AHEAD}-04-01T10:00:00Z` });
      const id = String(made.structuredContent.id);
      await simClear(z.sim);
      const res = await call(z.client, 'update_webinar', {
        webinar_id: id,
        topic: 'After',
        start_time: `${AHEAD}-04-01T12:00:00+02:00`, // 1 April: summer time in Paris
        timezone: 'Europe/Paris',
        settings: { approval_type: 1 },
      });
      const out = res.structuredContent;
      assert.equal(out.ok, true);
      assert.deepEqual(out.changed, ['topic', 'start_time', 'timezone', 'settings']);
      assert.equal(out.message, `Webinar ${id} updated: topic, start_time, timezone, settings.`);
      assert.equal(out.webinar.topic, 'After');
      assert.equal(out.webinar.start_time, `${AHEAD}-04-01T10:00:00Z`);
      assert.equal(out.webinar.start_time_local, `${AHEAD}-04-01T12:00:00+02:00 (Europe/Paris)`);
      assert.equal(out.webinar.settings.approval_type, 1);
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`), [`PATCH /v2/webinars/${id}`, `GET /v2/webinars/${id}`]);
      assert.equal(reqs[0].query, '');
      assert.deepEqual(body(reqs[0]), {
        topic: 'After',
        start_time: `${AHEAD}-04-01T10:00:00Z`,
        timezone: 'Europe/Paris',
        settings: { approval_type: 1 },
      });
    });

    it('update_webinar of one occurrence changes what Zoom allows and refuses the rest', async () => {
      const made = await call(z.client, 'create_recurring_webinar', {
        user_id: 'me',
        topic: 'Series',
        start_time: `${AHEAD}-05-03T15:00:00Z`,
        timezone: 'UTC',
        recurrence_type: 1,
        end_times: 3,
      });
      const id = String(made.structuredContent.id);
      const occ = made.structuredContent.occurrences[1].occurrence_id;
      await simClear(z.sim);
      const refused = await call(z.client, 'update_webinar', { webinar_id: id, occurrence_id: occ, topic: 'No', settings: { approval_type: 0, hd_video: true } }, { ok: false });
      assert.equal(refused.isError, true);
      assert.match(refused.content[0].text, /only agenda, start_time, duration .*; topic, settings\.approval_type belong to the whole series/);
      assert.deepEqual(await apiRequests(z.sim), []);
      const res = await call(z.client, 'update_webinar', { webinar_id: id, occurrence_id: occ, agenda: 'Day two', duration: 50, settings: { hd_video: true } });
      assert.equal(res.structuredContent.message, `Occurrence ${occ} of webinar ${id} updated: duration, agenda, settings.`);
      assert.equal(res.structuredContent.webinar.agenda, 'Day two');
      assert.equal(res.structuredContent.webinar.duration, 50);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs[0].method, 'PATCH');
      assert.equal(reqs[0].path, `/v2/webinars/${id}`);
      assert.equal(reqs[0].query, `occurrence_id=${occ}`);
      assert.deepEqual(body(reqs[0]), { agenda: 'Day two', duration: 50, settings: { hd_video: true } });
      assert.equal(reqs[1].query, `occurrence_id=${occ}`);
    });

    it('update_webinar: nothing to change, dry_run, an unknown webinar', async () => {
      await simClear(z.sim);
      const none = await call(z.client, 'update_webinar', { webinar_id: '123' }, { ok: false });
      assert.match(none.content[0].text, /Nothing to change/);
      // an empty settings object, an occurrence, a dry run: still nothing to change
      for (const args of [{ settings: {} }, { occurrence_id: '1', dry_run: true }, { dry_run: true, settings: {} }]) {
        const empty = await call(z.client, 'update_webinar', { webinar_id: '123', ...args }, { ok: false });
        assert.match(empty.content[0].text, /^Nothing to change: give at least one of topic, .* or recurrence\. Nothing was sent to Zoom\.$/);
      }
      const dry = await call(z.client, 'update_webinar', { webinar_id: '123', agenda: 'A', recurrence: { type: 1, end_times: 2 }, dry_run: true });
      assert.equal(dry.structuredContent.method, 'PATCH');
      assert.deepEqual(dry.structuredContent.body, { agenda: 'A', recurrence: { type: 1, end_times: 2 } });
      const badRec = await call(z.client, 'update_webinar', { webinar_id: '123', recurrence: { type: 2, monthly_day: 2 } }, { ok: false });
      assert.match(badRec.content[0].text, /recurrence\.monthly_day, .* apply only to a monthly webinar \(recurrence\.type 3\)/);
      assert.deepEqual(await apiRequests(z.sim), []);
      const missing = await call(z.client, 'update_webinar', { webinar_id: '12345', agenda: 'A' }, { ok: false });
      assert.equal(missing.isError, true);
      assert.match(missing.content[0].text, /12345/);
      assert.match(missing.content[0].text, /3001/);
    });

    it('update_webinar_status sends PUT .../status {action: end}; dry_run sends nothing', async () => {
      const made = await call(z.client, 'create_webinar', { user_id: 'me', topic: 'To end' });
      const id = String(made.structuredContent.id);
      await simClear(z.sim);
      const dry = await call(z.client, 'update_webinar_status', { webinar_id: id, action: 'end', dry_run: true });
      assert.equal(dry.structuredContent.method, 'PUT');
      assert.deepEqual(dry.structuredContent.body, { action: 'end' });
      assert.deepEqual(await apiRequests(z.sim), []);
      const res = await call(z.client, 'update_webinar_status', { webinar_id: id, action: 'end' });
      assert.equal(res.structuredContent.ok, true);
      assert.match(res.structuredContent.message, new RegExp(`Webinar ${id}`));
      const [req] = await apiRequests(z.sim);
      assert.equal(req.method, 'PUT');
      assert.equal(req.path, `/v2/webinars/${id}/status`);
      assert.deepEqual(body(req), { action: 'end' });
      const missing = await call(z.client, 'update_webinar_status', { webinar_id: '12345', action: 'end' }, { ok: false });
      assert.match(missing.content[0].text, /3001/);
      const bad = await call(z.client, 'update_webinar_status', { webinar_id: id, action: 'start' }, { ok: false });
      assert.equal(bad.isError, true);
    });

    it('zoom://webinars/{webinarId} reads the webinar with local times; an unknown one is an error', async () => {
      const list = await call(z.client, 'list_webinars', { user_id: 'me', all_pages: true });
      const w = list.structuredContent.webinars.find((x) => x.timezone === 'Asia/Tokyo');
      await simClear(z.sim);
      const res = await z.client.readResource({ uri: `zoom://webinars/${w.id}` });
      const data = JSON.parse(res.contents[0].text);
      assert.equal(data.id, w.id);
      assert.match(data.start_time_local, /\(Asia\/Tokyo\)$/);
      const [req] = await apiRequests(z.sim);
      assert.equal(`${req.method} ${req.path}`, `GET /v2/webinars/${w.id}`);
      await assert.rejects(z.client.readResource({ uri: 'zoom://webinars/12345' }), /12345/);
    });

    it('zoom://webinars/{webinarId}/registrants reads every status, every page', async () => {
      const list = await call(z.client, 'list_webinars', { user_id: 'me', all_pages: true });
      const w = list.structuredContent.webinars.find((x) => x.topic === 'Product launch: spring release');
      await simClear(z.sim);
      const res = await z.client.readResource({ uri: `zoom://webinars/${w.id}/registrants` });
      const data = JSON.parse(res.contents[0].text);
      const { pending, approved, denied } = data.by_status;
      assert.equal(data.total_records, pending + approved + denied);
      assert.equal(data.registrants.length, data.total_records);
      assert.ok(data.total_records > 0);
      for (const r of data.registrants) assert.ok(['pending', 'approved', 'denied'].includes(r.status));
      const reqs = await apiRequests(z.sim);
      const statuses = reqs.map((r) => new URLSearchParams(r.query).get('status'));
      assert.deepEqual([...new Set(statuses)], ['pending', 'approved', 'denied']);
      for (const r of reqs) assert.equal(`${r.method} ${r.path}`, `GET /v2/webinars/${w.id}/registrants`);
    });
  });
}
