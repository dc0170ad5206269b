// tools_polls.test.mjs - the poll and survey tools through the official SDK
// client against the sandbox: each result, and the exact Zoom request it sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call, body } from './lib/zoom.mjs';

// A webinar of the seeded account that has not happened yet (by topic).
async function upcoming(client) {
  const list = await call(client, 'list_webinars', { user_id: 'me', all_pages: true });
  const w = list.structuredContent.webinars.find((x) => x.topic.startsWith('Product launch'));
  assert.ok(w, 'the sandbox seeds "Product launch: spring release"');
  return String(w.id);
}

const QUIZ = [
  { name: 'Which port does HTTPS use?', type: 'single', answers: ['80', '443'], right_answers: ['443'] },
  { name: 'Rate this session', type: 'rating_scale', rating_min_value: 1, rating_max_value: 5 },
];

for (const era of ['legacy', 'modern']) {
  describe(`poll tools (${era})`, () => {
    let z, id;
    before(async () => {
      z = await startZoom({ era });
      id = await upcoming(z.client);
    });
    after(async () => z.close());

    it('create_webinar_poll sends poll_title as title, then get, list, replace and delete the poll', async () => {
      await simClear(z.sim);
      const made = await call(z.client, 'create_webinar_poll', {
        webinar_id: id,
        poll_title: 'Warm-up quiz',
        poll_type: 3,
        anonymous: true,
        questions: QUIZ,
      });
      const poll = made.structuredContent;
      assert.equal(poll.title, 'Warm-up quiz');
      assert.equal(poll.poll_type, 3);
      assert.deepEqual(JSON.parse(made.content[0].text), poll);
      let reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1);
      assert.equal(reqs[0].method, 'POST');
      assert.equal(reqs[0].path, `/v2/webinars/${id}/polls`);
      assert.deepEqual(body(reqs[0]), { title: 'Warm-up quiz', poll_type: 3, anonymous: true, questions: QUIZ });

      await simClear(z.sim);
      const one = await call(z.client, 'get_webinar_poll', { webinar_id: id, poll_id: poll.id });
      assert.equal(one.structuredContent.id, poll.id);
      assert.deepEqual(one.structuredContent.questions[0].right_answers, ['443']);
      const all = await call(z.client, 'get_webinar_polls', { webinar_id: id, anonymous: true });
      assert.ok(all.structuredContent.polls.some((p) => p.id === poll.id));
      reqs = await apiRequests(z.sim);
      assert.deepEqual(
        reqs.map((r) => [r.method, r.path, r.query]),
        [
          ['GET', `/v2/webinars/${id}/polls/${poll.id}`, ''],
          ['GET', `/v2/webinars/${id}/polls`, 'anonymous=true'],
        ],
      );

      await simClear(z.sim);
      const questions = [{ name: 'Coffee or tea?', answers: ['Coffee', 'Tea'] }];
      const put = await call(z.client, 'update_webinar_poll', {
        webinar_id: id,
        poll_id: poll.id,
        poll_title: 'Preferences',
        questions,
      });
      assert.equal(put.structuredContent.ok, true);
      assert.match(put.structuredContent.message, new RegExp(`${poll.id}.*${id}.*replaced`));
      const again = await call(z.client, 'get_webinar_poll', { webinar_id: id, poll_id: poll.id });
      assert.equal(again.structuredContent.title, 'Preferences');
      reqs = await apiRequests(z.sim);
      assert.equal(reqs[0].method, 'PUT');
      assert.equal(reqs[0].path, `/v2/webinars/${id}/polls/${poll.id}`);
      assert.deepEqual(body(reqs[0]), { title: 'Preferences', questions });

      await simClear(z.sim);
      const del = await call(z.client, 'delete_webinar_poll', { webinar_id: id, poll_id: poll.id });
      assert.match(del.structuredContent.message, /deleted/);
      reqs = await apiRequests(z.sim);
      assert.deepEqual([reqs[0].method, reqs[0].path], ['DELETE', `/v2/webinars/${id}/polls/${poll.id}`]);
      const gone = await call(z.client, 'get_webinar_poll', { webinar_id: id, poll_id: poll.id }, { ok: false });
      assert.equal(gone.isError, true);
      assert.match(gone.content[0].text, new RegExp(poll.id));
      assert.match(gone.content[0].text, /404/);
    });

    it('a quiz without right answers, or with one not on offer, is refused before anything is sent', async () => {
      await simClear(z.sim);
      const none = await call(
        z.client,
        'create_webinar_poll',
        { webinar_id: id, poll_title: 'Quiz', poll_type: 3, questions: [{ name: 'Pick one', answers: ['a', 'b'] }] },
        { ok: false },
      );
      assert.equal(none.isError, true);
      assert.match(none.content[0].text, /questions\[0\].*right_answers/);
      const wrong = await call(
        z.client,
        'update_webinar_poll',
        {
          webinar_id: id,
          poll_id: 'abc',
          poll_title: 'Quiz',
          poll_type: 3,
          questions: [{ name: 'Pick one', type: 'multiple', answers: ['a', 'b'], right_answers: ['c'] }],
        },
        { ok: false },
      );
      assert.match(wrong.content[0].text, /questions\[0\]\.right_answers\[0\]: "c" is not one of/);
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('poll writes with dry_run show the request and send nothing', async () => {
      await simClear(z.sim);
      const made = await call(z.client, 'create_webinar_poll', {
        webinar_id: id,
        poll_title: 'Dry',
        questions: [{ name: 'Yes or no?', answers: ['Yes', 'No'] }],
        dry_run: true,
      });
      assert.equal(made.structuredContent.dry_run, true);
      assert.equal(made.structuredContent.method, 'POST');
      assert.match(made.structuredContent.url, new RegExp(`/v2/webinars/${id}/polls$`));
      assert.deepEqual(made.structuredContent.body, {
        title: 'Dry',
        questions: [{ name: 'Yes or no?', answers: ['Yes', 'No'] }],
      });
      const put = await call(z.client, 'update_webinar_poll', {
        webinar_id: id,
        poll_id: 'p1',
        poll_title: 'Dry',
        questions: [{ name: 'Q', answers: ['a', 'b'] }],
        dry_run: true,
      });
      assert.equal(put.structuredContent.method, 'PUT');
      assert.match(put.structuredContent.url, new RegExp(`/v2/webinars/${id}/polls/p1$`));
      const del = await call(z.client, 'delete_webinar_poll', { webinar_id: id, poll_id: 'p1', dry_run: true });
      assert.equal(del.structuredContent.method, 'DELETE');
      assert.deepEqual(await apiRequests(z.sim), []);
    });

    it('get_webinar_polls of an unknown webinar is a tool error naming the id', async () => {
      const res = await call(z.client, 'get_webinar_polls', { webinar_id: '12345' }, { ok: false });
      assert.equal(res.isError, true);
      assert.match(res.content[0].text, /12345/);
      assert.match(res.content[0].text, /list_webinars/);
    });
  });
}

describe('survey tools', () => {
  let z, id;
  before(async () => {
    z = await startZoom({ era: 'legacy' });
    id = await upcoming(z.client);
  });
  after(async () => z.close());

  it('update_webinar_survey sends a PATCH of the given members; get shows them; delete removes them', async () => {
    const custom_survey = {
      title: 'How was it?',
      anonymous: true,
      questions: [
        { name: 'Overall', type: 'rating_scale', rating_min_value: 1, rating_max_value: 5, rating_max_label: 'Great' },
        { name: 'Topics for next time', type: 'long_answer', answer_max_character: 1000 },
      ],
    };
    await simClear(z.sim);
    const set = await call(z.client, 'update_webinar_survey', {
      webinar_id: id,
      custom_survey,
      show_in_the_follow_up_email: true,
    });
    assert.match(set.structuredContent.message, new RegExp(`${id}.*updated`));
    const got = await call(z.client, 'get_webinar_survey', { webinar_id: id });
    assert.deepEqual(got.structuredContent.custom_survey, custom_survey);
    assert.equal(got.structuredContent.show_in_the_follow_up_email, true);
    let reqs = await apiRequests(z.sim);
    assert.deepEqual(
      reqs.map((r) => [r.method, r.path]),
      [
        ['PATCH', `/v2/webinars/${id}/survey`],
        ['GET', `/v2/webinars/${id}/survey`],
      ],
    );
    assert.deepEqual(body(reqs[0]), { custom_survey, show_in_the_follow_up_email: true });

    await simClear(z.sim);
    const del = await call(z.client, 'delete_webinar_survey', { webinar_id: id });
    assert.match(del.structuredContent.message, /deleted/);
    const after = await call(z.client, 'get_webinar_survey', { webinar_id: id });
    assert.deepEqual(after.structuredContent.custom_survey, {});
    reqs = await apiRequests(z.sim);
    assert.deepEqual([reqs[0].method, reqs[0].path], ['DELETE', `/v2/webinars/${id}/survey`]);
  });

  it('survey writes with dry_run send nothing; a bad link is refused by the schema', async () => {
    await simClear(z.sim);
    const set = await call(z.client, 'update_webinar_survey', {
      webinar_id: id,
      third_party_survey: 'https://example.com/s',
      dry_run: true,
    });
    assert.equal(set.structuredContent.method, 'PATCH');
    assert.deepEqual(set.structuredContent.body, { third_party_survey: 'https://example.com/s' });
    const del = await call(z.client, 'delete_webinar_survey', { webinar_id: id, dry_run: true });
    assert.equal(del.structuredContent.method, 'DELETE');
    const bad = await call(z.client, 'update_webinar_survey', { webinar_id: id, third_party_survey: 'ftp://x' }, { ok: false });
    assert.equal(bad.isError, true);
    assert.match(bad.content[0].text, /third_party_survey/);
    assert.deepEqual(await apiRequests(z.sim), []);
  });

  it('update_webinar_survey with nothing to change is refused, naming the fields, and sends nothing', async () => {
    await simClear(z.sim);
    const fields = 'custom_survey, show_in_the_browser, show_in_the_follow_up_email or third_party_survey';
    for (const args of [{ webinar_id: id }, { webinar_id: id, dry_run: true }, { webinar_id: id, custom_survey: {} }]) {
      const res = await call(z.client, 'update_webinar_survey', args, { ok: false });
      assert.equal(res.isError, true);
      assert.equal(res.content[0].text, `Nothing to change: give at least one of ${fields}. Nothing was sent to Zoom.`);
    }
    assert.deepEqual(await apiRequests(z.sim), []);
  });

  it('get_webinar_survey of an unknown webinar is a tool error naming the id', async () => {
    const res = await call(z.client, 'get_webinar_survey', { webinar_id: '12345' }, { ok: false });
    assert.equal(res.isError, true);
    assert.match(res.content[0].text, /12345/);
  });
});
