// tools_report.test.mjs - webinar_attendance_report and the resource
// zoom://past_webinars/{webinarUuid}/report through the official SDK clients
// against the sandbox: every figure recomputed here from what Zoom (the
// sandbox) gives for the same instance, the exact Zoom requests, the PNG chart
// decoded (chunks, IHDR size, IDAT inflated), the CSV, and Zoom's refusals.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { startZoom, apiRequests, simClear, call } from './lib/zoom.mjs';

const twice = (uuid) => encodeURIComponent(encodeURIComponent(uuid));

// The id of the seeded webinar whose topic starts with PREFIX.
async function webinarId(client, prefix) {
  const list = await call(client, 'list_webinars', { user_id: 'me', all_pages: true });
  const w = list.structuredContent.webinars.find((x) => x.topic.startsWith(prefix));
  assert.ok(w, `the sandbox seeds a webinar "${prefix}..."`);
  return String(w.id);
}

// GET PATH on the sandbox's API with a token of its own (the sandbox's default
// credentials): for what no tool reads as such, the past poll answers.
async function simGet(sim, path) {
  const tok = await fetch(`${sim}/oauth/token?grant_type=account_credentials&account_id=sandbox`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('sandbox:sandbox').toString('base64')}` },
  });
  assert.equal(tok.status, 200);
  const { access_token: token } = await tok.json();
  const res = await fetch(`${sim}/v2${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return res.json();
}

// Decodes a PNG: checks the signature and every chunk's CRC, returns the IHDR
// fields and the inflated IDAT data.
function decodePng(buf) {
  assert.deepEqual([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  const idat = [];
  let ihdr = null;
  let at = 8;
  let ended = false;
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    assert.equal(buf.readUInt32BE(at + 8 + len), zlib.crc32(buf.subarray(at + 4, at + 8 + len)), `CRC of ${type}`);
    if (type === 'IHDR') {
      ihdr = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], colour: data[9] };
    }
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    at += 12 + len;
  }
  assert.ok(ihdr && ended, 'IHDR and IEND present');
  return { ...ihdr, pixels: zlib.inflateSync(Buffer.concat(idat)) };
}

function checkPng(base64) {
  const png = decodePng(Buffer.from(base64, 'base64'));
  assert.equal(png.width, 800);
  assert.equal(png.height, 400);
  assert.equal(png.depth, 8);
  const channels = { 2: 3, 6: 4 }[png.colour];
  assert.ok(channels, `colour type ${png.colour}`);
  // each row: a filter byte, then the pixels
  assert.equal(png.pixels.length, png.height * (1 + png.width * channels));
  return png;
}

const round = (v, scale) => Math.round(v * scale) / scale;
const personKey = (p) => (p.user_email ? p.user_email.toLowerCase() : `name:${p.name}`);

// The report as this test works it out from Zoom's own replies.
function expectedReport({ participants, absentees, qa, polls, panelists }) {
  const start = Date.parse(qa.start_time) / 1000;
  const people = new Map();
  for (const p of participants) {
    const k = personKey(p);
    if (!people.has(k)) people.set(k, { email: p.user_email, registered: false, spans: [] });
    const person = people.get(k);
    if (p.registrant_id) person.registered = true;
    person.spans.push([Date.parse(p.join_time) / 1000, Date.parse(p.leave_time) / 1000]);
  }
  let end = start;
  const minutes = [];
  for (const person of people.values()) {
    person.spans.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const [j, l] of person.spans) {
      const last = merged.at(-1);
      if (last && j <= last[1]) last[1] = Math.max(last[1], l);
      else merged.push([j, l]);
      end = Math.max(end, l);
    }
    person.merged = merged;
    minutes.push(merged.reduce((s, [j, l]) => s + (l - j) / 60, 0));
  }
  minutes.sort((a, b) => a - b);
  const n = minutes.length;
  const total = minutes.reduce((s, m) => s + m, 0);
  const median = n % 2 ? minutes[(n - 1) / 2] : (minutes[n / 2 - 1] + minutes[n / 2]) / 2;
  const span = Math.max(1, Math.ceil((end - start) / 60));
  const step = Math.ceil(span / 120);
  const present = [];
  for (let k = 0; k <= Math.ceil(span / step); k++) {
    const t = start + k * step * 60;
    present.push([...people.values()].filter((p) => p.merged.some(([j, l]) => j <= t && t < l)).length);
  }
  const registered = [...people.values()].filter((p) => p.registered).length;
  const details = qa.questions.flatMap((q) => q.question_details);
  const pollAnswers = new Map();
  for (const who of polls.questions)
    for (const d of who.question_details) {
      const key = `${d.polling_id}\n${d.question}`;
      if (!pollAnswers.has(key)) pollAnswers.set(key, { responses: 0, answers: {} });
      const g = pollAnswers.get(key);
      g.responses++;
      g.answers[d.answer] = (g.answers[d.answer] ?? 0) + 1;
    }
  const emails = new Set(participants.map((p) => p.user_email.toLowerCase()).filter(Boolean));
  return {
    participant_records: participants.length,
    attendees: people.size,
    registered_attendees: registered,
    absentees,
    registrants: registered + absentees,
    attendance_rate: round(registered / (registered + absentees), 1000),
    minutes_attended: { average: round(total / n, 10), median: round(median, 10), total: round(total, 10) },
    minutes: span,
    step,
    present,
    asked: details.length,
    answered: details.filter((d) => d.answer).length,
    pollAnswers,
    panelistsPresent: panelists.filter((p) => emails.has(p.email.toLowerCase())).map((p) => p.email),
  };
}

for (const era of ['legacy', 'modern']) {
  describe(`webinar_attendance_report (${era})`, () => {
    let z, id, uuid, zoomData;
    before(async () => {
      z = await startZoom({ era });
      id = await webinarId(z.client, 'Quarterly town hall'); // held, with registration
      const inst = await call(z.client, 'list_past_webinar_instances', { webinar_id: id });
      uuid = inst.structuredContent.webinars[1].uuid; // the session (holds "//")
      const parts = await call(z.client, 'list_webinar_participants', { webinar_uuid: uuid, all_pages: true });
      const absent = await call(z.client, 'get_webinar_absentees', { webinar_uuid: uuid, all_pages: true });
      const qa = await call(z.client, 'list_webinar_qa', { webinar_id: uuid });
      const pan = await call(z.client, 'list_panelists', { webinar_id: id });
      const polls = await simGet(z.sim, `/past_webinars/${twice(uuid)}/polls`);
      zoomData = {
        participants: parts.structuredContent.participants,
        absentees: absent.structuredContent.total_records,
        qa: qa.structuredContent,
        polls,
        panelists: pan.structuredContent.panelists,
      };
    });
    after(async () => z.close());

    it('recomputes every figure from the participants, absentees, Q&A, polls and panelists, with the exact Zoom requests', async () => {
      const want = expectedReport(zoomData);
      await simClear(z.sim);
      const res = await call(z.client, 'webinar_attendance_report', { webinar_uuid: uuid });
      const r = res.structuredContent;
      assert.equal(r.webinar_uuid, uuid);
      assert.equal(String(r.webinar_id), id);
      assert.equal(r.start_time, zoomData.qa.start_time);
      for (const k of ['participant_records', 'attendees', 'registered_attendees', 'absentees', 'registrants', 'attendance_rate'])
        assert.equal(r[k], want[k], k);
      assert.deepEqual(r.minutes_attended, want.minutes_attended);
      assert.ok(r.attendees > 10 && r.absentees > 0 && r.registered_attendees < r.attendees, 'a webinar with guests and absentees');
      // the curve: people present at each step over the webinar's length
      assert.equal(r.curve.minutes, want.minutes);
      assert.equal(r.curve.step_minutes, want.step);
      assert.deepEqual(r.curve.points.map((p) => p.present), want.present);
      assert.equal(r.curve.peak_present, Math.max(...want.present));
      assert.equal(r.curve.points.reduce((s, p) => s + p.joined, 0), r.attendees);
      assert.equal(r.curve.points.reduce((s, p) => s + p.left, 0), r.attendees);
      // Q&A, polls, panelists
      assert.equal(r.questions.asked, want.asked);
      assert.equal(r.questions.answered, want.answered);
      assert.equal(r.questions.most_asked.reduce((s, q) => s + q.times, 0), want.asked);
      assert.equal(r.polls.questions.length, want.pollAnswers.size);
      for (const q of r.polls.questions) {
        const w = want.pollAnswers.get(`${q.poll_id}\n${q.question}`);
        assert.equal(q.responses, w.responses);
        assert.deepEqual(Object.fromEntries(q.answers.map((a) => [a.answer, a.times])), w.answers);
        const times = q.answers.map((a) => a.times);
        assert.deepEqual(times, [...times].sort((a, b) => b - a), 'most chosen first');
      }
      assert.ok(r.polls.respondents > 0);
      assert.equal(r.panelists.invited, zoomData.panelists.length);
      assert.deepEqual(r.panelists.attended.map((p) => p.email), want.panelistsPresent);
      assert.equal(r.panelists.present, 1, 'the sandbox has its first panelist attend');
      // the chart
      const image = res.content.find((c) => c.type === 'image');
      assert.equal(image.mimeType, 'image/png');
      checkPng(image.data);
      assert.equal(r.chart.bytes, Buffer.from(image.data, 'base64').length);
      assert.equal(res.content.filter((c) => c.type === 'resource').length, 0, 'no CSV unless asked');
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(
        reqs.map((q) => [q.method, q.path, q.query]),
        [
          ['GET', `/v2/past_webinars/${twice(uuid)}/participants`, 'page_size=300'],
          ['GET', `/v2/past_webinars/${twice(uuid)}/qa`, ''],
          ['GET', `/v2/past_webinars/${twice(uuid)}/absentees`, 'page_size=300'],
          ['GET', `/v2/past_webinars/${twice(uuid)}/polls`, ''],
          ['GET', `/v2/webinars/${id}/panelists`, ''],
        ],
      );
    });

    it('format csv adds the attendees as an embedded text/csv resource', async () => {
      const res = await call(z.client, 'webinar_attendance_report', { webinar_id: id, format: 'csv' });
      assert.equal(res.structuredContent.webinar_uuid, uuid, 'a webinar id means its latest instance');
      const csv = res.content.find((c) => c.type === 'resource').resource;
      assert.equal(csv.mimeType, 'text/csv');
      assert.equal(csv.uri, `zoom://past_webinars/${encodeURIComponent(uuid)}/report/participants.csv`);
      const rows = csv.text.trimEnd().split('\r\n');
      assert.equal(rows[0], 'name,email,registered,panelist,first_join,last_leave,minutes_attended,visits');
      assert.equal(rows.length, 1 + res.structuredContent.attendees);
      const priya = rows.find((row) => row.includes('priya.shah@sandbox.example.com'));
      assert.match(priya, /^Priya Shah,priya\.shah@sandbox\.example\.com,no,yes,/);
      const minutes = rows.slice(1).map((row) => Number(row.split(',').at(-2)));
      assert.equal(round(minutes.reduce((s, m) => s + m, 0), 1), round(res.structuredContent.minutes_attended.total, 1));
    });

    it('the resource zoom://past_webinars/{webinarUuid}/report is the same report, with the chart as a PNG blob', async () => {
      const tool = await call(z.client, 'webinar_attendance_report', { webinar_uuid: uuid });
      const uri = `zoom://past_webinars/${encodeURIComponent(uuid)}/report`;
      const read = await z.client.readResource({ uri });
      assert.equal(read.contents.length, 2);
      assert.equal(read.contents[0].mimeType, 'application/json');
      const report = JSON.parse(read.contents[0].text);
      const strip = ({ chart, ...rest }) => rest;
      assert.deepEqual(strip(report), strip(tool.structuredContent));
      assert.equal(read.contents[1].mimeType, 'image/png');
      assert.equal(read.contents[1].uri, uri);
      checkPng(read.contents[1].blob);
    });
  });
}

describe('webinar_attendance_report: refusals', () => {
  let z;
  before(async () => {
    z = await startZoom();
  });
  after(async () => z.close());

  it('cairo is mapped only once a chart is drawn (the idle server does not pay for it)', async () => {
    const cairoMapped = () => /libcairo\.so/.test(fs.readFileSync(`/proc/${z.pid()}/maps`, 'utf8'));
    await call(z.client, 'list_webinars', { user_id: 'me' });
    assert.equal(cairoMapped(), false);
    const id = await webinarId(z.client, 'Quarterly town hall');
    await call(z.client, 'webinar_attendance_report', { webinar_id: id });
    assert.equal(cairoMapped(), true);
  });

  it('a webinar that never took place is a tool error that says what to do', async () => {
    await simClear(z.sim);
    const res = await call(z.client, 'webinar_attendance_report', { webinar_id: '12345' }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /HTTP 404/);
    assert.match(res.content[0].text, /list_past_webinar_instances/);
    const reqs = await apiRequests(z.sim);
    assert.deepEqual(reqs.map((q) => q.path), ['/v2/past_webinars/12345/participants']);
  });

  it('without registration (Zoom code 3000 for absentees) the rate is null and the other parts stay', async () => {
    const id = await webinarId(z.client, 'Security briefing');
    const res = await call(z.client, 'webinar_attendance_report', { webinar_id: id });
    const r = res.structuredContent;
    assert.equal(r.absentees, null);
    assert.equal(r.registrants, null);
    assert.equal(r.attendance_rate, null);
    assert.equal(r.errors.absentees.zoom_code, 3000);
    assert.ok(r.attendees > 0);
    assert.ok(r.questions.asked > 0);
    checkPng(res.content.find((c) => c.type === 'image').data);
  });

  it('neither webinar_id nor webinar_uuid is a tool error naming them', async () => {
    const res = await call(z.client, 'webinar_attendance_report', { format: 'csv' }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /webinar_uuid|webinar_id/);
  });
});
