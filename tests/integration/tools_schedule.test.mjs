// tools_schedule.test.mjs - one sentence becomes a webinar: what the server
// understood, what it assumed, and the exact Zoom request, in both eras.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call, body } from './lib/zoom.mjs';

for (const era of ['legacy', 'modern']) {
  describe(`schedule from a sentence (${era})`, () => {
    let z;
    before(async () => {
      z = await startZoom({ era });
    });
    after(async () => z.close());

    it('a weekly series with zone, length, count and host', async () => {
      await simClear(z.sim);
      const prompt = 'Weekly product demo every Tuesday at 10am IST for 6 weeks, 45 minutes, hosted by Priya';
      const res = await call(z.client, 'schedule_recurring_webinar_from_prompt', { prompt });
      const u = res.structuredContent.understood;
      assert.equal(u.topic, 'Weekly product demo');
      assert.equal(u.timezone, 'Asia/Kolkata');
      assert.equal(u.duration, 45);
      assert.deepEqual(u.recurrence, { type: 2, repeat_interval: 1, weekly_days: '3', end_times: 6 });
      assert.equal(u.host.email, 'priya.shah@sandbox.example.com');
      assert.match(u.start_time_local, /T10:00:00/);
      assert.equal(new Date(u.start_time).getUTCDay(), 2, 'a Tuesday (10:00 IST is 04:30 UTC)');
      assert.deepEqual(res.structuredContent.assumed, []);
      assert.ok(res.structuredContent.id > 0);
      const posts = (await apiRequests(z.sim)).filter((r) => r.method === 'POST');
      assert.equal(posts.length, 1);
      assert.equal(posts[0].path, `/v2/users/${u.host.id}/webinars`);
      const sent = body(posts[0]);
      assert.deepEqual(sent, {
        topic: 'Weekly product demo', type: 9, start_time: u.start_time, duration: 45,
        timezone: 'Asia/Kolkata', recurrence: u.recurrence,
      });
      assert.match(sent.start_time, /^\d{4}-\d\d-\d\dT04:30:00Z$/);
    });

    it('a one-off with the host zone and the length assumed, as a dry run', async () => {
      await simClear(z.sim);
      const prompt = 'Product launch next monday at 3pm, hosted by Kenji';
      const res = await call(z.client, 'schedule_webinar_from_prompt', { prompt, dry_run: true });
      const s = res.structuredContent;
      assert.equal(s.dry_run, true);
      assert.equal(s.body.type, 5);
      assert.equal(s.body.timezone, 'Asia/Tokyo');
      assert.equal(s.body.duration, 60);
      assert.match(s.understood.start_time_local, /T15:00:00/);
      assert.ok(s.assumed.some((a) => /Asia\/Tokyo \(the host's Zoom profile\)/.test(a)));
      assert.ok(s.assumed.some((a) => /60 minutes/.test(a)));
      assert.ok((await apiRequests(z.sim)).every((r) => r.method === 'GET'), 'a dry run posts nothing');
    });

    it('a monthly series on the last Friday, its zone given as a place after "in"', async () => {
      await simClear(z.sim);
      const prompt = 'Board meeting on the last Friday of every month at 4pm in New York for 4 months, 90 minutes';
      const res = await call(z.client, 'schedule_recurring_webinar_from_prompt', { prompt, user_selection: '1' });
      const s = res.structuredContent;
      assert.equal(s.understood.topic, 'Board meeting');
      assert.equal(s.understood.timezone, 'America/New_York');
      assert.deepEqual(s.understood.recurrence, { type: 3, repeat_interval: 1, monthly_week: -1, monthly_week_day: 6, end_times: 4 });
      const sent = body((await apiRequests(z.sim)).find((r) => r.method === 'POST'));
      assert.deepEqual(sent.recurrence, s.understood.recurrence);
      // Every occurrence Zoom (the sandbox) made is the last Friday of its month at 16:00 New
      // York time, across the change to summer time in March.
      assert.equal(s.occurrences.length, 4);
      for (const o of s.occurrences) {
        const local = new Date(o.start_time).toLocaleString('en-US', {
          timeZone: 'America/New_York', weekday: 'long', hour: 'numeric', hour12: false,
        });
        assert.match(local, /^Friday,? 16$/, o.start_time);
        const nextWeek = new Date(Date.parse(o.start_time) + 7 * 86400e3);
        assert.notEqual(nextWeek.getUTCMonth(), new Date(o.start_time).getUTCMonth(), `${o.start_time} is the month's last Friday`);
      }
    });

    it('a quoted title, weekdays as "daily except weekends", a part of the day and "for the next N weeks"', async () => {
      await simClear(z.sim);
      let res = await call(z.client, 'schedule_webinar_from_prompt', {
        prompt: "'Quarterly update' tomorrow at 9 in the morning, hosted by alex", dry_run: true,
      });
      assert.equal(res.structuredContent.body.topic, 'Quarterly update');
      assert.match(res.structuredContent.understood.start_time_local, /T09:00:00/);
      res = await call(z.client, 'schedule_recurring_webinar_from_prompt', {
        prompt: 'Standup daily except weekends at 9am for the next 2 weeks, hosted by alex', dry_run: true,
      });
      assert.deepEqual(res.structuredContent.understood.recurrence, { type: 2, repeat_interval: 1, weekly_days: '2,3,4,5,6', end_times: 10 });
      const local = new Date(res.structuredContent.body.start_time).toLocaleString('en-US', { timeZone: res.structuredContent.body.timezone, weekday: 'long' });
      assert.ok(!/Saturday|Sunday/.test(local), `the first standup is on a weekday, not ${local}`);
      assert.ok((await apiRequests(z.sim)).every((r) => r.method === 'GET'), 'dry runs post nothing');
    });

    it('a series sent to the one-off tool, a sentence with no title or no time: errors, nothing sent', async () => {
      await simClear(z.sim);
      const cases = [
        ['schedule_webinar_from_prompt', 'Office hours every Monday at 4pm hosted by alex', /schedule_recurring_webinar_from_prompt/],
        ['schedule_webinar_from_prompt', 'tomorrow at 3pm', /no title/],
        ['schedule_webinar_from_prompt', 'Roadmap review, hosted by alex', /gives no time/],
        ['schedule_recurring_webinar_from_prompt', 'Roadmap review tomorrow at 3pm hosted by alex', /does not say how the webinar repeats/],
        ['schedule_webinar_from_prompt', 'Roadmap review March 14 2027 at 2:30am America/New_York hosted by alex', /does not exist/],
        ['schedule_webinar_from_prompt', 'Roadmap review tomorrow morning, hosted by alex', /gives no time of day .*e\.g\. "tomorrow morning at 9am"/],
        ['schedule_webinar_from_prompt', 'Roadmap review EOD, hosted by alex', /working hours/],
        ['schedule_recurring_webinar_from_prompt', 'Book club every 2nd Tuesday at 6pm hosted by alex', /every other tuesday/],
      ];
      for (const [tool, prompt, why] of cases) {
        const res = await call(z.client, tool, { prompt }, { ok: false });
        assert.equal(res.isError, true, prompt);
        assert.match(res.content[0].text, why, prompt);
      }
      assert.ok((await apiRequests(z.sim)).every((r) => r.method === 'GET'));
    });
  });
}

describe('the zone a time in words is read in', () => {
  it("ZOOM_TIMEZONE when set, else the host's profile (create) or the webinar's own zone (update)", async () => {
    const kenji = 'kenji.watanabe@sandbox.example.com'; // Asia/Tokyo in the sandbox
    let z = await startZoom();
    try {
      const res = await call(z.client, 'create_webinar', { user_id: kenji, topic: 'Zones', start_time: 'tomorrow 3pm', dry_run: true });
      const r = res.structuredContent.resolved;
      assert.equal(r.timezone, 'Asia/Tokyo');
      assert.match(r.timezone_note, /the host's Zoom profile/);
      assert.match(r.start_time_local, /T15:00:00$/);

      const list = await call(z.client, 'list_webinars', { user_id: 'me', type: 'upcoming', all_pages: true });
      const w = list.structuredContent.webinars.find((x) => x.timezone === 'Europe/London');
      const upd = await call(z.client, 'update_webinar', { webinar_id: String(w.id), start_time: 'next friday 9:15am', dry_run: true });
      assert.equal(upd.structuredContent.resolved.timezone, 'Europe/London');
      assert.match(upd.structuredContent.resolved.timezone_note, /the webinar's own timezone/);
      assert.match(upd.structuredContent.resolved.start_time_local, /T09:15:00$/);
    } finally {
      await z.close();
    }
    z = await startZoom();
    try { // a zone written inside start_time: the instant is read in it, shown in the zone asked
      const res = await call(z.client, 'create_webinar', {
        user_id: 'me', topic: 'Zones', start_time: 'tomorrow 3:00 PM EST', timezone: 'Europe/London', dry_run: true,
      });
      const r = res.structuredContent.resolved;
      assert.equal(r.timezone, 'Europe/London');
      assert.match(r.reading, /the time given in America\/New_York/);
      const ny = new Date(r.start_time_utc).toLocaleString('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit', hour12: false });
      assert.equal(ny, '15:00');
      assert.equal(res.structuredContent.body.start_time, r.start_time_utc);
    } finally {
      await z.close();
    }
    z = await startZoom({ env: { ZOOM_TIMEZONE: 'America/Chicago' } });
    try {
      const res = await call(z.client, 'create_webinar', { user_id: kenji, topic: 'Zones', start_time: 'tomorrow 3pm', dry_run: true });
      assert.equal(res.structuredContent.resolved.timezone, 'America/Chicago');
      assert.match(res.structuredContent.resolved.timezone_note, /ZOOM_TIMEZONE/);
    } finally {
      await z.close();
    }
  });
});
