// secrets.test.mjs - every tool (and every resource) called through the SDK
// client on the real server, live against a standalone zoomsim, at the debug
// log level with a log file: the client secret and every access token the
// sandbox issued appear in no tool result, nor on stdout, stderr or in the log.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSim, startServer, liveEnv, tool, SECRET } from './lib/drill.mjs';

// Arguments for a required property NAME of type TYPE: ids that exist in the
// sandbox where they matter, plausible values elsewhere.
function value(name, type, ids) {
  const known = {
    account_id: 'acct-drill', client_id: 'client-drill', client_secret: SECRET, user_id: 'me',
    topic: 'Secrets drill', user_selection: '1', start_time: '2031-05-06T10:00:00Z', recurrence_type: 1,
    prompt: 'Secrets drill next Tuesday at 3pm for 45 minutes', webinar_id: ids.webinar,
    webinar_uuid: ids.webinar, action: 'end', email: 'ada@example.com', first_name: 'Ada',
    poll_title: 'Poll', stream_url: 'rtmp://example.com/live', stream_key: 'key',
    page_url: 'https://example.com/live', panelist_id: 'x', registrant_id: 'x', poll_id: 'x',
  };
  if (name in known) return known[name];
  return { string: 'x', integer: 1, number: 1, boolean: false, array: [], object: {} }[type] ?? 'x';
}

it('no tool result, stdout, stderr or log line holds the client secret or an access token', async () => {
  const sim = await startSim();
  const env = liveEnv(sim.base, { ZOOM_LOG_LEVEL: 'debug' });
  const logFile = path.join(env.HOME, 'server.log');
  env.ZOOM_LOG_FILE = logFile;
  const cacheFile = path.join(env.HOME, 'token.json');
  env.ZOOM_TOKEN_CACHE = cacheFile;
  const srv = await startServer(env);
  // Everything the server wrote to stdout reaches the client as messages; collect them raw.
  const stdout = [];
  const transport = srv.client.transport;
  const onmessage = transport.onmessage;
  transport.onmessage = (m) => {
    stdout.push(JSON.stringify(m));
    onmessage?.(m);
  };
  const tokens = new Set();
  const noteToken = () => {
    try {
      const t = JSON.parse(fs.readFileSync(cacheFile, 'utf8')).access_token;
      if (t) tokens.add(t);
    } catch {
      /* no cache yet */
    }
  };
  try {
    const list = await tool(srv.client, 'list_webinars', { user_id: 'me' });
    const ids = { webinar: String(list.data.webinars[0].id) };
    const { tools } = await srv.client.listTools();
    assert.ok(tools.length >= 40, `${tools.length} tools`);
    // Destructive tools last, so the others find the webinar.
    const ordered = [...tools].sort((a, b) => Number(!!a.annotations?.destructiveHint) - Number(!!b.annotations?.destructiveHint));
    let called = 0;
    let worked = 0;
    for (const t of ordered) {
      const args = {};
      const props = t.inputSchema.properties ?? {};
      for (const name of t.inputSchema.required ?? []) args[name] = value(name, props[name]?.type, ids);
      const res = await tool(srv.client, t.name, args);
      stdout.push(JSON.stringify(res.raw));
      noteToken();
      called++;
      if (!res.isError) worked++;
      else if (process.env.ZWM_SECRETS_VERBOSE) console.error(t.name, res.text.slice(0, 160));
    }
    assert.equal(called, tools.length);
    // Not only argument errors: most calls reach Zoom (the sandbox) and back.
    assert.ok(worked >= tools.length / 2, `${worked} of ${tools.length} tools succeeded`);
    const { resources } = await srv.client.listResources();
    for (const r of resources) stdout.push(JSON.stringify(await srv.client.readResource({ uri: r.uri })));
    noteToken();
    assert.ok(tokens.size >= 1, 'the sandbox issued a token');
  } finally {
    await srv.close();
    await sim.stop();
  }
  const places = { 'tool results and stdout': stdout.join('\n'), stderr: srv.stderr(), 'the log file': fs.readFileSync(logFile, 'utf8') };
  assert.match(places['the log file'], /DEBUG/, 'the log is at the debug level');
  for (const [where, text] of Object.entries(places)) {
    assert.ok(!text.includes(SECRET), `the client secret appears in ${where}`);
    for (const t of tokens) assert.ok(!text.includes(t), `an access token appears in ${where}`);
  }
});
