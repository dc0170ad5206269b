// tools_recordings.test.mjs - the recording tools through the official SDK client against the
// sandbox: each result, and the exact requests (the recordings GET, the authorised download,
// the storage host it redirects to) in the sandbox's request log.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simRequests, simClear, call } from './lib/zoom.mjs';

// The ids of the seeded webinars by topic.
async function webinarIds(z) {
  const list = await call(z.client, 'list_webinars', { user_id: 'me', all_pages: true });
  const ids = {};
  for (const w of list.structuredContent.webinars) ids[w.topic] = String(w.id);
  return ids;
}

for (const era of ['legacy', 'modern']) {
  describe(`recording tools (${era})`, () => {
    let z, ids;
    before(async () => {
      z = await startZoom({ era });
      ids = await webinarIds(z);
    });
    after(async () => z.close());

    it('get_webinar_recordings sends GET /meetings/{id}/recordings and says the transcript is there', async () => {
      const id = ids['Quarterly town hall'];
      await simClear(z.sim);
      const res = await call(z.client, 'get_webinar_recordings', { webinar_id: id });
      const r = res.structuredContent;
      assert.equal(String(r.id), id);
      assert.equal(r.transcript_status, 'available');
      const types = r.recording_files.map((f) => f.file_type);
      assert.ok(types.includes('TRANSCRIPT') && types.includes('MP4'), types.join());
      assert.deepEqual(JSON.parse(res.content[0].text), r);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1);
      assert.equal(reqs[0].method, 'GET');
      assert.equal(reqs[0].path, `/v2/meetings/${id}/recordings`);
      assert.equal(reqs[0].query, '');
    });

    it('get_webinar_transcript downloads with the token, follows the redirect without it, and gives speaker turns', async () => {
      const id = ids['Quarterly town hall'];
      await simClear(z.sim);
      const res = await call(z.client, 'get_webinar_transcript', { webinar_id: id });
      const t = res.structuredContent;
      assert.equal(t.format, 'text');
      assert.equal(t.topic, 'Quarterly town hall');
      assert.equal(t.cues, 9);
      assert.equal(t.turns, 6);
      assert.equal(t.speakers.length, 4);
      const lines = t.transcript.split('\n');
      assert.equal(lines.length, 6);
      assert.match(lines[0], /^\[00:00:02\] [^:]+: Good morning everyone, and welcome to Quarterly town hall\. Today: /);
      assert.match(t.transcript, /\[00:00:31\] [^:]+: Next quarter we ship single sign-on for every plan & a new/);
      assert.equal(t.file.file_type, 'TRANSCRIPT');
      // The recordings GET, the download on Zoom's host (302), then the storage host, which
      // refuses any Authorization header (400): a 200 there means the token stayed behind.
      const reqs = await simRequests(z.sim);
      const seen = reqs.filter((r) => !r.path.startsWith('/oauth/')).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, 'F')} ${r.status}`);
      assert.deepEqual(seen, [`GET /v2/meetings/${id}/recordings 200`, 'GET /rec/download/F 302', 'GET /storage/F 200']);
      assert.match(reqs.at(-1).query, /^expires=\d+&sig=[0-9a-f]{16}$/);
    });

    it('get_webinar_transcript with format vtt returns the file as Zoom made it', async () => {
      const res = await call(z.client, 'get_webinar_transcript', { webinar_id: ids['Quarterly town hall'], format: 'vtt' });
      const t = res.structuredContent;
      assert.equal(t.format, 'vtt');
      assert.match(t.transcript, /^WEBVTT\n\n1\n00:00:02\.310 --> 00:00:07\.900\n/);
      assert.match(t.transcript, /&amp;/);
      assert.equal(t.bytes, t.file.file_size);
    });

    it('a recording still processing gets a clear answer and no download', async () => {
      const id = ids['Security briefing'];
      const rec = await call(z.client, 'get_webinar_recordings', { webinar_id: id });
      assert.equal(rec.structuredContent.transcript_status, 'processing');
      await simClear(z.sim);
      const res = await call(z.client, 'get_webinar_transcript', { webinar_id: id }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /still processing \(files: MP4 \(processing\), M4A \(processing\)\)/);
      assert.match(res.content[0].text, /try again later/);
      const reqs = await simRequests(z.sim);
      assert.deepEqual(reqs.filter((r) => !r.path.startsWith('/oauth/')).map((r) => r.path), [`/v2/meetings/${id}/recordings`]);
    });
  });
}

describe('recording tools: no recording, no transcript, UUIDs', () => {
  let z, ids;
  before(async () => {
    z = await startZoom();
    ids = await webinarIds(z);
  });
  after(async () => z.close());

  it('a webinar never recorded, and an instance not recorded (a "/" UUID, double-encoded), are 3301 in words', async () => {
    const none = await call(z.client, 'get_webinar_transcript', { webinar_id: ids['Product launch: spring release'] }, { ok: false });
    assert.equal(none.isError, true);
    assert.match(none.content[0].text, /has no cloud recording \(Zoom code 3301\)/);
    assert.match(none.content[0].text, /auto_recording/);
    const inst = await call(z.client, 'list_past_webinar_instances', { webinar_id: ids['Quarterly town hall'] });
    const [falseStart, session] = inst.structuredContent.webinars.map((w) => w.uuid);
    assert.equal(falseStart[0], '/');
    await simClear(z.sim);
    const res = await call(z.client, 'get_webinar_recordings', { webinar_uuid: falseStart }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /list_past_webinar_instances/);
    const [req] = await apiRequests(z.sim);
    assert.equal(req.path, `/v2/meetings/${encodeURIComponent(encodeURIComponent(falseStart))}/recordings`);
    assert.equal(req.status, 404);
    // the session's UUID holds "//": double-encoded too, and wins over webinar_id
    await simClear(z.sim);
    const ok = await call(z.client, 'get_webinar_recordings', { webinar_uuid: session, webinar_id: '1' });
    assert.equal(ok.structuredContent.uuid, session);
    const [req2] = await apiRequests(z.sim);
    assert.equal(req2.path, `/v2/meetings/${encodeURIComponent(encodeURIComponent(session))}/recordings`);
  });

  it('a cloud recording made without audio transcription says how to turn it on', async () => {
    const made = await call(z.client, 'create_webinar', {
      user_id: 'me',
      topic: 'Recorded, not transcribed',
      start_time: `${new Date().getUTCFullYear() + 2}-03-01T10:00:00Z`, // ahead: a past webinar expires
      settings: { auto_recording: 'cloud' },
    });
    const id = String(made.structuredContent.id);
    await call(z.client, 'update_webinar_status', { webinar_id: id, action: 'end' });
    const rec = await call(z.client, 'get_webinar_recordings', { webinar_id: id });
    assert.equal(rec.structuredContent.transcript_status, 'not_enabled');
    const res = await call(z.client, 'get_webinar_transcript', { webinar_id: id }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /no transcript \(files: MP4 \(completed\), M4A \(completed\), CHAT \(completed\)\)/);
    assert.match(res.content[0].text, /Create audio transcript/);
  });

  it('neither webinar_id nor webinar_uuid is refused before any request', async () => {
    await simClear(z.sim);
    const res = await z.client.callTool({ name: 'get_webinar_transcript', arguments: { format: 'text' } });
    assert.equal(res.isError, true);
    assert.deepEqual(await apiRequests(z.sim), []);
  });
});
