// elicitation.test.mjs - choosing people: a user_selection given as a name
// that several users match is asked of the person (an elicitation in the
// handshake era, input_required in 2026-07-28); a client without the
// capability gets the candidates in the error; a unique name needs no question.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { startZoom, call, apiRequests } from './lib/zoom.mjs';

const KENJI = 'kenji.watanabe@sandbox.example.com';
// "a" is in the names of all three active seeded users.
const ARGS = { topic: 'Choosing people', user_selection: 'a', start_time: '2031-05-06T10:00:00Z', dry_run: true };

// Registers an elicitation handler on either client; returns the questions seen.
function answerWith(client, era, reply) {
  const seen = [];
  const handler = async (req) => {
    seen.push(req.params);
    return reply(req.params);
  };
  if (era === 'modern') client.setRequestHandler('elicitation/create', handler);
  else client.setRequestHandler(ElicitRequestSchema, handler);
  return seen;
}

for (const era of ['legacy', 'modern']) {
  describe(`user_selection by name (${era})`, () => {
    it('asks which user when several match, and uses the answer', async () => {
      const z = await startZoom({ era, capabilities: { elicitation: {} } });
      try {
        const seen = answerWith(z.client, era, () => ({ action: 'accept', content: { user: KENJI } }));
        const res = await call(z.client, 'create_webinar_interactive', ARGS);
        assert.equal(seen.length, 1);
        assert.match(seen[0].message, /Several users match "a"/);
        assert.equal(seen[0].requestedSchema.properties.user.enum.length, 3);
        assert.ok(seen[0].requestedSchema.properties.user.enum.includes(KENJI));
        assert.equal(res.structuredContent.host.email, KENJI);
        assert.equal(res.structuredContent.dry_run, true);
        assert.ok((await apiRequests(z.sim)).every((r) => r.method === 'GET'), 'a dry run posts nothing');
      } finally {
        await z.close();
      }
    });

    it('a declined question is a tool error that says what to pass', async () => {
      const z = await startZoom({ era, capabilities: { elicitation: {} } });
      try {
        answerWith(z.client, era, () => ({ action: 'decline' }));
        const res = await call(z.client, 'create_webinar_interactive', ARGS, { ok: false });
        assert.equal(res.isError, true);
        assert.match(res.content[0].text, /No user was chosen \(the answer was decline\)/);
      } finally {
        await z.close();
      }
    });

    it('without the capability the error lists the candidates', async () => {
      const z = await startZoom({ era });
      try {
        const res = await call(z.client, 'create_webinar_interactive', ARGS, { ok: false });
        assert.equal(res.isError, true);
        assert.match(res.content[0].text, /3 users match "a"/);
        assert.match(res.content[0].text, new RegExp(KENJI.replace(/\./g, '\\.')));
      } finally {
        await z.close();
      }
    });

    it('create_webinar_interactive asks for what is missing: the host, then the start time', async () => {
      const z = await startZoom({ era, capabilities: { elicitation: {} } });
      try {
        const seen = answerWith(z.client, era, (p) =>
          p.requestedSchema.properties.user
            ? { action: 'accept', content: { user: KENJI } }
            : { action: 'accept', content: { start_time: 'Dec 3 2031 at 9:30am' } });
        const res = await call(z.client, 'create_webinar_interactive', { topic: 'Asked for', dry_run: true });
        assert.equal(seen.length, 2);
        assert.equal(seen[0].requestedSchema.properties.user.enum.length, 3, 'every active user');
        assert.ok(seen[1].requestedSchema.properties.start_time);
        assert.equal(res.structuredContent.host.email, KENJI);
        // Read in the host's zone (Asia/Tokyo): 09:30 JST is 00:30 UTC.
        assert.equal(res.structuredContent.body.start_time, '2031-12-03T00:30:00Z');
        const declined = await startZoom({ era, capabilities: { elicitation: {} } });
        try {
          answerWith(declined.client, era, (p) =>
            p.requestedSchema.properties.user ? { action: 'accept', content: { user: KENJI } } : { action: 'decline' });
          const r2 = await call(declined.client, 'create_webinar_interactive', { topic: 'Asked for', dry_run: true }, { ok: false });
          assert.equal(r2.isError, true);
          assert.match(r2.content[0].text, /No start time was given \(the answer was decline\)/);
        } finally {
          await declined.close();
        }
      } finally {
        await z.close();
      }
    });

    it('a name only one user has needs no question', async () => {
      const z = await startZoom({ era, capabilities: { elicitation: {} } });
      try {
        const seen = answerWith(z.client, era, () => ({ action: 'decline' }));
        const res = await call(z.client, 'create_webinar_interactive', { ...ARGS, user_selection: 'priya' });
        assert.equal(seen.length, 0);
        assert.equal(res.structuredContent.host.email, 'priya.shah@sandbox.example.com');
      } finally {
        await z.close();
      }
    });
  });
}
