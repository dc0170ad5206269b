// tools_users.test.mjs - the user tools and zoom://users through the official SDK client
// against the sandbox: each result, and the exact Zoom request it sent.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startZoom, apiRequests, simClear, call } from './lib/zoom.mjs';

// The sandbox's seeded account: three active users, one inactive, one pending.
const ACTIVE = ['alex.morgan@sandbox.example.com', 'priya.shah@sandbox.example.com', 'kenji.watanabe@sandbox.example.com'];

function query(req) {
  return Object.fromEntries(new URLSearchParams(req.query));
}

for (const era of ['legacy', 'modern']) {
  describe(`user tools (${era})`, () => {
    let z;
    before(async () => {
      z = await startZoom({ era });
    });
    after(async () => z.close());

    it('list_users_for_selection numbers the active users from 1, with name, email and id', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'list_users_for_selection');
      const { users, total_records } = res.structuredContent;
      assert.equal(total_records, 3);
      assert.deepEqual(users.map((u) => u.number), [1, 2, 3]);
      assert.deepEqual(users.map((u) => u.email), ACTIVE);
      assert.equal(users[0].name, 'Alex Morgan');
      assert.match(users[0].id, /^\S{10,}$/);
      assert.match(res.structuredContent.how_to_choose, /user_selection/);
      assert.deepEqual(JSON.parse(res.content[0].text), res.structuredContent);
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1);
      assert.equal(`${reqs[0].method} ${reqs[0].path}`, 'GET /v2/users');
      assert.deepEqual(query(reqs[0]), { status: 'active', page_size: '300' });
    });

    it('get_users without user_id lists every active user (all pages)', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'get_users');
      assert.deepEqual(res.structuredContent.users.map((u) => u.email), ACTIVE);
      assert.equal(res.structuredContent.total_records, 3);
      assert.equal(res.structuredContent.truncated, false);
      // Zoom's description: verified is an integer, 1 or 0 (the sandbox said true).
      for (const u of res.structuredContent.users) assert.equal(u.verified, 1);
      const [req] = await apiRequests(z.sim);
      assert.equal(`${req.method} ${req.path}`, 'GET /v2/users');
      assert.deepEqual(query(req), { status: 'active', page_size: '300' });
    });

    it('get_users with user_id gets that one user (an email works)', async () => {
      await simClear(z.sim);
      const res = await call(z.client, 'get_users', { user_id: 'priya.shah@sandbox.example.com' });
      assert.equal(res.structuredContent.users.length, 1);
      assert.equal(res.structuredContent.users[0].first_name, 'Priya');
      const reqs = await apiRequests(z.sim);
      assert.equal(reqs.length, 1);
      assert.equal(reqs[0].method, 'GET');
      assert.equal(reqs[0].path, '/v2/users/priya.shah%40sandbox.example.com');
    });

    it('get_user sends GET /users/{userId}; an unknown user is a tool error saying what to do', async () => {
      const { users } = (await call(z.client, 'list_users_for_selection')).structuredContent;
      await simClear(z.sim);
      const res = await call(z.client, 'get_user', { user_id: users[2].id });
      assert.equal(res.structuredContent.id, users[2].id);
      assert.equal(res.structuredContent.timezone, 'Asia/Tokyo');
      const [req] = await apiRequests(z.sim);
      assert.equal(`${req.method} ${req.path}`, `GET /v2/users/${users[2].id}`);
      assert.equal(req.query, '');
      const missing = await call(z.client, 'get_user', { user_id: 'nobody@example.com' }, { ok: false });
      assert.equal(missing.isError, true);
      assert.match(missing.content[0].text, /nobody@example\.com/);
      assert.match(missing.content[0].text, /1001/);
      assert.match(missing.content[0].text, /list_users_for_selection/);
    });

    it('zoom://users lists the account users numbered as list_users_for_selection does', async () => {
      await simClear(z.sim);
      const listed = await z.client.listResources();
      assert.ok(listed.resources.some((r) => r.uri === 'zoom://users'));
      const templates = await z.client.listResourceTemplates();
      const names = templates.resourceTemplates.map((t) => t.uriTemplate);
      assert.ok(names.includes('zoom://webinars/{webinarId}'));
      assert.ok(names.includes('zoom://webinars/{webinarId}/registrants'));
      const res = await z.client.readResource({ uri: 'zoom://users' });
      const data = JSON.parse(res.contents[0].text);
      assert.deepEqual(data.users.map((u) => [u.number, u.email]), ACTIVE.map((e, i) => [i + 1, e]));
      const [req] = await apiRequests(z.sim);
      assert.equal(`${req.method} ${req.path}`, 'GET /v2/users');
    });
  });
}
