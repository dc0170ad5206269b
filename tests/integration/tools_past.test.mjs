// tools_past.test.mjs - the past-webinar tools and the report resource through
// the official SDK client against the sandbox: each result, and the exact Zoom
// request it sent, with instance UUIDs that Zoom wants double-encoded.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call } from './lib/zoom.mjs';

// The id of the seeded webinar whose topic starts with PREFIX.
async function webinarId(client, prefix) {
  const list = await call(client, 'list_webinars', { user_id: 'me', all_pages: true });
  const w = list.structuredContent.webinars.find((x) => x.topic.startsWith(prefix));
  assert.ok(w, `the sandbox seeds a webinar "${prefix}..."`);
  return String(w.id);
}

// Zoom's rule: a UUID that starts with "/" or holds "//" is encoded twice.
const twice = (uuid) => encodeURIComponent(encodeURIComponent(uuid));

for (const era of ['legacy', 'modern']) {
  describe(`past webinar tools (${era})`, () => {
    let z, id, instances;
    before(async () => {
      z = await startZoom({ era, env: { ZOOM_TIMEZONE: 'Europe/Berlin' } });
      id = await webinarId(z.client, 'Quarterly town hall'); // held, with registration
      await simClear(z.sim);
      const res = await call(z.client, 'list_past_webinar_instances', { webinar_id: id });
      instances = res.structuredContent.webinars;
      const [req] = await apiRequests(z.sim);
      assert.deepEqual([req.method, req.path], ['GET', `/v2/past_webinars/${id}/instances`]);
    });
    after(async () => z.close());

    it('list_past_webinar_instances gives the UUIDs, one of them starting with "/" and one holding "//"', () => {
      assert.equal(instances.length, 2);
      assert.ok(instances[0].uuid.startsWith('/'));
      assert.ok(instances[1].uuid.includes('//'));
      for (const w of instances) assert.match(w.start_time, /Z$/);
    });

    it('list_webinar_participants double-encodes a "//" UUID, pages on request, and shows local times', async () => {
      const uuid = instances[1].uuid;
      await simClear(z.sim);
      const one = await call(z.client, 'list_webinar_participants', { webinar_uuid: uuid, page_size: 5 });
      assert.equal(one.structuredContent.participants.length, 5);
      assert.ok(one.structuredContent.next_page_token);
      assert.match(one.structuredContent.participants[0].join_time_local, /\+01:00 \(Europe\/Berlin\)$/);
      const all = await call(z.client, 'list_webinar_participants', { webinar_uuid: uuid, page_size: 5, all_pages: true });
      const total = all.structuredContent.total_records;
      assert.equal(all.structuredContent.participants.length, total);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs[0].path, `/v2/past_webinars/${twice(uuid)}/participants`);
      assert.equal(reqs[0].query, 'page_size=5');
      assert.equal(reqs.length, 1 + Math.ceil(total / 5));
      assert.match(reqs[2].query, /next_page_token=/);
    });

    it('get_webinar_absentees double-encodes a UUID starting with "/" and lists registrants', async () => {
      const uuid = instances[1].uuid;
      await simClear(z.sim);
      const res = await call(z.client, 'get_webinar_absentees', { webinar_uuid: uuid, page_size: 300 });
      assert.ok(res.structuredContent.registrants.length > 0);
      assert.equal(res.structuredContent.registrants.length, res.structuredContent.total_records);
      const first = await call(z.client, 'get_webinar_absentees', { webinar_uuid: instances[0].uuid, all_pages: true });
      assert.ok(Array.isArray(first.structuredContent.registrants));
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs[0].path, `/v2/past_webinars/${twice(uuid)}/absentees`);
      assert.equal(reqs[0].query, 'page_size=300');
      assert.equal(reqs[1].path, `/v2/past_webinars/${twice(instances[0].uuid)}/absentees`);
    });

    it('list_webinar_qa by webinar id gives the latest instance questions', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'list_webinar_qa', { webinar_id: id });
      assert.equal(String(res.structuredContent.id), id);
      assert.equal(res.structuredContent.uuid, instances[1].uuid);
      assert.ok(res.structuredContent.questions.length > 0);
      assert.ok(res.structuredContent.questions[0].question_details[0].question);
      const [req] = await apiRequests(z.sim);
      assert.deepEqual([req.method, req.path, req.query], ['GET', `/v2/past_webinars/${id}/qa`, '']);
    });

    it('zoom://past_webinars/{webinarUuid}/report sums up participants, absentees and Q&A (tools_report.test.mjs checks the rest)', async () => {
      const uuid = instances[1].uuid;
      const parts = await call(z.client, 'list_webinar_participants', { webinar_uuid: uuid, all_pages: true });
      const absent = await call(z.client, 'get_webinar_absentees', { webinar_uuid: uuid, all_pages: true });
      const qa = await call(z.client, 'list_webinar_qa', { webinar_id: uuid });
      await simClear(z.sim);
      const uri = `zoom://past_webinars/${encodeURIComponent(uuid)}/report`;
      const read = await z.client.readResource({ uri });
      assert.equal(read.contents[0].uri, uri);
      assert.equal(read.contents[0].mimeType, 'application/json');
      const report = JSON.parse(read.contents[0].text);
      const people = new Set(parts.structuredContent.participants.map((p) => p.user_email || p.name));
      const asked = qa.structuredContent.questions.flatMap((q) => q.question_details);
      assert.equal(report.participant_records, parts.structuredContent.participants.length);
      assert.equal(report.attendees, people.size);
      assert.equal(report.truncated, false);
      assert.equal(report.absentees, absent.structuredContent.registrants.length);
      assert.equal(report.questions.asked, asked.length);
      assert.equal(report.questions.answered, asked.filter((d) => d.answer).length);
      assert.equal(report.webinar_uuid, uuid);
      assert.equal(report.start_time, instances[1].start_time);
      const reqs = await apiRequests(z.sim);
      assert.deepEqual(
        reqs.map((r) => [r.method, r.path]),
        [
          ['GET', `/v2/past_webinars/${twice(uuid)}/participants`],
          ['GET', `/v2/past_webinars/${twice(uuid)}/qa`],
          ['GET', `/v2/past_webinars/${twice(uuid)}/absentees`],
          ['GET', `/v2/past_webinars/${twice(uuid)}/polls`],
          ['GET', `/v2/webinars/${id}/panelists`],
        ],
      );
    });

    it('the report of an unknown webinar is "resource not found"', async () => {
      await assert.rejects(
        z.client.readResource({ uri: 'zoom://past_webinars/12345/report' }),
        (e) => e.code === (era === 'legacy' ? -32002 : -32602) && /12345/.test(e.message),
      );
    });
  });
}

describe('past webinar tools: errors', () => {
  let z;
  before(async () => {
    z = await startZoom();
  });
  after(async () => z.close());

  it('participants of a webinar that never took place are a tool error with what to do', async () => {
    const res = await call(z.client, 'list_webinar_participants', { webinar_uuid: '12345' }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /404/);
    assert.match(res.content[0].text, /list_past_webinar_instances/);
  });

  it('absentees of a webinar without registration are a tool error with Zoom code 3000; the report keeps the other parts', async () => {
    const id = await webinarId(z.client, 'Security briefing');
    const res = await call(z.client, 'get_webinar_absentees', { webinar_uuid: id }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /code 3000/);
    const read = await z.client.readResource({ uri: `zoom://past_webinars/${id}/report` });
    const report = JSON.parse(read.contents[0].text);
    assert.equal(report.absentees, null);
    assert.equal(report.errors.absentees.zoom_code, 3000);
    assert.ok(report.participant_records > 0);
    assert.ok(report.questions.asked > 0);
  });

  it('an occurrence that does not exist is a tool error naming it', async () => {
    const id = await webinarId(z.client, 'Quarterly town hall');
    const res = await call(z.client, 'get_webinar_absentees', { webinar_uuid: id, occurrence_id: '999' }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /occurrence ID: 999/);
  });

  it('list_past_webinar_instances takes only a numeric id', async () => {
    const res = await call(z.client, 'list_past_webinar_instances', { webinar_id: '/abc==' }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /webinar_id/);
  });
});
