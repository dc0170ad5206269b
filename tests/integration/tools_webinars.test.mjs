// tools_webinars.test.mjs - the webinar tools through the official SDK client
// against the sandbox: each result, and the exact Zoom request it sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call } from './lib/zoom.mjs';

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
