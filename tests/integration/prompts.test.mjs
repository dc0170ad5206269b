// prompts.test.mjs - the prompts and completions through the official SDK
// client on the sandbox, and the guide a person sees on a terminal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startZoom, call, SERVER, sandboxEnv } from './lib/zoom.mjs';

const TOOL_WORD = /\b(?:create|list|get|add|update|find|delete|remove)_[a-z_]+\b/g;

for (const era of ['legacy', 'modern']) {
  describe(`prompts (${era})`, () => {
    let z;
    before(async () => {
      z = await startZoom({ era });
    });
    after(async () => z.close());

    it('lists the three prompts with their arguments', async () => {
      const { prompts } = await z.client.listPrompts();
      const names = prompts.map((p) => p.name).sort();
      assert.deepEqual(names, ['plan_webinar', 'post_webinar_follow_up', 'triage_registrants']);
      const plan = prompts.find((p) => p.name === 'plan_webinar');
      assert.deepEqual(plan.arguments.map((a) => a.name), ['topic', 'audience', 'date']);
      assert.equal(plan.arguments[0].required, true);
    });

    it('each prompt is a plan that names only tools this server has', async () => {
      const tools = new Set((await z.client.listTools()).tools.map((t) => t.name));
      const args = {
        plan_webinar: { topic: 'Rust for C programmers', audience: 'engineers', date: 'next Tuesday 3pm IST' },
        post_webinar_follow_up: { webinar: '123456789' },
        triage_registrants: { webinar: '123456789' },
      };
      for (const [name, a] of Object.entries(args)) {
        const res = await z.client.getPrompt({ name, arguments: a });
        const text = res.messages.map((m) => m.content.text).join('\n');
        for (const v of Object.values(a)) assert.ok(text.includes(v), `${name}: ${v}`);
        const named = [...new Set(text.match(TOOL_WORD))];
        assert.ok(named.length >= 3, `${name} names tools`);
        for (const t of named) assert.ok(tools.has(t), `${name} names ${t}, which is not a tool`);
      }
    });

    it('completes the webinar argument from upcoming webinars, by id or topic', async () => {
      const list = await call(z.client, 'list_webinars', { user_id: 'me', type: 'upcoming', all_pages: true });
      const w = list.structuredContent.webinars[0];
      const byTopic = await z.client.complete({
        ref: { type: 'ref/prompt', name: 'triage_registrants' },
        argument: { name: 'webinar', value: w.topic.slice(0, 5).toLowerCase() },
      });
      assert.ok(byTopic.completion.values.includes(String(w.id)), JSON.stringify(byTopic));
      const byId = await z.client.complete({
        ref: { type: 'ref/prompt', name: 'post_webinar_follow_up' },
        argument: { name: 'webinar', value: String(w.id).slice(0, 4) },
      });
      assert.ok(byId.completion.values.includes(String(w.id)));
      const byTemplate = await z.client.complete({
        ref: { type: 'ref/resource', uri: 'zoom://webinars/{webinarId}' },
        argument: { name: 'webinarId', value: String(w.id).slice(0, 5) },
      });
      assert.ok(byTemplate.completion.values.includes(String(w.id)));
      const all = await call(z.client, 'list_webinars', { user_id: 'me', type: 'scheduled', all_pages: true });
      const held = all.structuredContent.webinars.find((x) => new Date(x.start_time) < new Date());
      const byReport = await z.client.complete({
        ref: { type: 'ref/resource', uri: 'zoom://past_webinars/{webinarUuid}/report' },
        argument: { name: 'webinarUuid', value: String(held.id).slice(0, 5) },
      });
      assert.ok(byReport.completion.values.includes(String(held.id)), 'a webinar already held');
      const none = await z.client.complete({
        ref: { type: 'ref/prompt', name: 'triage_registrants' },
        argument: { name: 'webinar', value: 'no such topic at all' },
      });
      assert.deepEqual(none.completion.values, []);
    });
  });
}

it('read-only mode keeps only the prompt that changes nothing', async () => {
  const z = await startZoom({ args: ['--read-only'] });
  try {
    const { prompts } = await z.client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name), ['post_webinar_follow_up']);
  } finally {
    await z.close();
  }
});

it('on a terminal it prints a guide on stderr, then serves', () => {
  // script(1) gives the server a terminal on stdin; its input ends at once.
  const out = spawnSync('script', ['-qec', `${SERVER} </dev/tty`, '/dev/null'], {
    encoding: 'utf8',
    env: sandboxEnv(),
    input: '',
    timeout: 20000,
  });
  assert.match(out.stdout, /an MCP server for Zoom webinars/);
  assert.match(out.stdout, /claude_desktop_config\.json/);
  assert.match(out.stdout, /@modelcontextprotocol\/inspector/);
  assert.match(out.stdout, /call list_webinars/);
});
