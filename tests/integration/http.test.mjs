// http.test.mjs - the Streamable HTTP transport of the real fixture server:
// sessions, both eras' rules, the security checks (Origin, Host, bearer
// token, body cap, slow headers), load (many sessions, many clients) and
// SIGTERM. Loopback only; every loop is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { BUILD_DIR, FIXTURE, MODERN, WAIT_MS, modernMeta } from './lib/fixture.mjs';
import { openSession, openSse, post, rawConnect, startHttp } from './lib/http.mjs';

const ASAN = /asan/.test(BUILD_DIR);

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

const call = (id, name, args = {}) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

test('legacy sessions: issued at initialize, required after, ended by DELETE', async () => {
  const srv = await startHttp(FIXTURE);
  try {
    const sid = await openSession(srv.url);
    assert.match(sid, /^[0-9a-f]{32}$/, '128 random bits, hex');
    const other = await openSession(srv.url);
    assert.notEqual(sid, other);

    const ok = await post(srv.url, call(2, 'test_simple_text'), { 'Mcp-Session-Id': sid });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type'), /application\/json/);
    assert.equal(ok.json.result.content[0].text, 'This is a simple text response for testing.');

    const missing = await post(srv.url, call(3, 'test_simple_text'));
    assert.equal(missing.status, 400);
    const unknown = await post(srv.url, call(4, 'test_simple_text'), { 'Mcp-Session-Id': 'f'.repeat(32) });
    assert.equal(unknown.status, 404);
    const badVersion = await post(srv.url, call(5, 'test_simple_text'), {
      'Mcp-Session-Id': sid,
      'MCP-Protocol-Version': '1999-01-01',
    });
    assert.equal(badVersion.status, 400);

    // progress before the result: the answer is an SSE stream with event ids
    const progress = await post(
      srv.url,
      { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 't' } } },
      { 'Mcp-Session-Id': sid },
    );
    assert.equal(progress.status, 200);
    assert.match(progress.headers.get('content-type'), /text\/event-stream/);
    const events = progress.text.split('\n\n').filter((e) => e.includes('data: '));
    assert.equal(events.length, 4, progress.text);
    for (const e of events) assert.match(e, /^id: \d+-\d+$/m);
    assert.equal(JSON.parse(events[3].split('data: ')[1]).id, 6);

    // log messages of a call run on the connection's thread come before its result
    const level = await post(srv.url, { jsonrpc: '2.0', id: 7, method: 'logging/setLevel', params: { level: 'info' } }, { 'Mcp-Session-Id': sid });
    assert.equal(level.status, 200);
    const logged = await post(srv.url, call(8, 'test_tool_with_logging'), { 'Mcp-Session-Id': sid });
    const frames = logged.text.split('\n\n').filter((e) => e.includes('data: ')).map((e) => JSON.parse(e.split('data: ')[1]));
    assert.deepEqual(frames.map((f) => f.method ?? f.id), ['notifications/message', 'notifications/message', 'notifications/message', 8]);

    const del = await fetch(srv.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': sid } });
    assert.equal(del.status, 200);
    const after = await post(srv.url, call(9, 'test_simple_text'), { 'Mcp-Session-Id': sid });
    assert.equal(after.status, 404, 'an ended session is unknown');
    const still = await post(srv.url, call(8, 'test_simple_text'), { 'Mcp-Session-Id': other });
    assert.equal(still.status, 200, 'other sessions live on');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('2026-07-28: stateless POSTs, Mcp-Method/Mcp-Name checked, GET and DELETE 405', async () => {
  const srv = await startHttp(FIXTURE);
  try {
    const h = { 'MCP-Protocol-Version': MODERN };
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'test_simple_text', arguments: {}, _meta: modernMeta() } };
    const ok = await post(srv.url, body, { ...h, 'Mcp-Method': 'tools/call', 'Mcp-Name': '  test_simple_text ' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.headers.get('mcp-session-id'), null, 'no session in the stateless era');
    assert.equal(ok.json.result.resultType, 'complete');

    for (const [headers, why] of [
      [{ 'Mcp-Name': 'test_simple_text' }, 'missing Mcp-Method'],
      [{ 'Mcp-Method': 'tools/list', 'Mcp-Name': 'test_simple_text' }, 'wrong Mcp-Method'],
      [{ 'Mcp-Method': 'TOOLS/CALL', 'Mcp-Name': 'test_simple_text' }, 'values are case-sensitive'],
      [{ 'Mcp-Method': 'tools/call' }, 'missing Mcp-Name'],
      [{ 'Mcp-Method': 'tools/call', 'Mcp-Name': 'other' }, 'wrong Mcp-Name'],
    ]) {
      const res = await post(srv.url, body, { ...h, ...headers });
      assert.equal(res.status, 400, why);
      assert.equal(res.json.error.code, -32020, why);
      assert.equal(res.json.id, 1, why);
    }
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(srv.url, { method, headers: h });
      assert.equal(res.status, 405, method);
    }

    // an argument marked x-mcp-header travels in Mcp-Param-*, as is or base64
    const region = (value, id) => ({
      jsonrpc: '2.0', id, method: 'tools/call',
      params: { name: 'test_custom_header', arguments: { region: value }, _meta: modernMeta() },
    });
    const ch = { ...h, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'test_custom_header' };
    const b64 = `=?base64?${Buffer.from('eu-west').toString('base64')}?=`;
    assert.equal((await post(srv.url, region('eu-west', 10), { ...ch, 'Mcp-Param-Region': 'eu-west' })).status, 200);
    assert.equal((await post(srv.url, region('eu-west', 11), { ...ch, 'mcp-param-region': b64 })).status, 200);
    for (const [value, why] of [[undefined, 'missing'], ['us-east', 'different'], ['=?base64?ZXUtd2VzdA?=', 'bad padding']]) {
      const res = await post(srv.url, region('eu-west', 12), value === undefined ? ch : { ...ch, 'Mcp-Param-Region': value });
      assert.equal(res.status, 400, why);
      assert.equal(res.json.error.code, -32020, why);
    }
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('Origin and Host: a foreign origin or host gets 403, loopback ones pass', async () => {
  const srv = await startHttp(FIXTURE, ['--allow-origin', 'https://app.example.com']);
  try {
    const init = (id) => ({
      jsonrpc: '2.0', id, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'o', version: '1' } },
    });
    assert.equal((await post(srv.url, init(1), { Origin: 'http://evil.example.com' })).status, 403);
    assert.equal((await post(srv.url, init(2), { Origin: 'http://localhost.evil.com' })).status, 403);
    assert.equal((await post(srv.url, init(3), { Origin: 'null' })).status, 403);
    assert.equal((await post(srv.url, init(4), { Origin: 'http://localhost:5173' })).status, 200);
    assert.equal((await post(srv.url, init(5), { Origin: 'http://127.0.0.1' })).status, 200);
    assert.equal((await post(srv.url, init(6), { Origin: 'https://app.example.com' })).status, 200);
    // DNS rebinding: the right address under a foreign name
    const u = new URL(srv.url);
    const res = await new Promise((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(
          { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { Host: 'evil.example.com', 'Content-Type': 'application/json' } },
          (r) => { r.resume(); r.on('end', () => resolve(r.statusCode)); },
        );
        req.on('error', reject);
        req.end(JSON.stringify(init(7)));
      });
    });
    assert.equal(res, 403);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('CORS: an allowed origin gets a preflight without the token, and may read replies and the session id', async () => {
  const token = 'zwm-cors-token-0123456789abcdef';
  const srv = await startHttp(FIXTURE, ['--auth-token', token, '--allow-origin', 'https://app.example.com']);
  try {
    const preflight = (origin, headers) =>
      fetch(srv.url, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', ...(headers ? { 'Access-Control-Request-Headers': headers } : {}) },
      });
    // a browser sends no Authorization with a preflight: it is answered before the token check
    const ok = await preflight('https://app.example.com', 'authorization, content-type, mcp-session-id, mcp-param-region');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(ok.headers.get('access-control-allow-methods'), /POST/);
    assert.equal(ok.headers.get('access-control-allow-headers'), 'authorization, content-type, mcp-session-id, mcp-param-region');
    const loop = await preflight('http://localhost:5173');
    assert.equal(loop.status, 204, 'loopback origins are allowed too');
    assert.match(loop.headers.get('access-control-allow-headers'), /Authorization/, 'a default list without a request');
    const odd = await preflight('https://app.example.com', 'x-a\u00e9');
    assert.match(odd.headers.get('access-control-allow-headers') ?? '', /Mcp-Session-Id/, 'odd names are not echoed');
    const foreign = await preflight('https://evil.example.com', 'authorization');
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const bare = await fetch(srv.url, { method: 'OPTIONS', headers: { Authorization: `Bearer ${token}` } });
    assert.equal(bare.status, 405, 'OPTIONS without an Origin is no preflight');

    // the real request: the reply and the session id are readable by the page
    const init = {
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cors', version: '1' } },
    };
    const res = await post(srv.url, init, { Origin: 'https://app.example.com', Authorization: `Bearer ${token}` });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(res.headers.get('access-control-expose-headers'), /Mcp-Session-Id/);
    assert.match(res.headers.get('vary'), /Origin/);
    const noToken = await post(srv.url, init, { Origin: 'https://app.example.com' });
    assert.equal(noToken.status, 401, 'the token is still needed for the request itself');
    assert.equal(noToken.headers.get('access-control-allow-origin'), 'https://app.example.com', 'the page can read why');
    const plain = await post(srv.url, init, { Authorization: `Bearer ${token}` });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), null, 'no CORS headers without an Origin');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('bearer token: missing or wrong gets 401 with WWW-Authenticate; off loopback it is required', async () => {
  const token = 'zwm-test-token-0123456789abcdef';
  const srv = await startHttp(FIXTURE, ['--auth-token', token]);
  try {
    const ping = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: modernMeta() } };
    const h = { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' };
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Basic ${token}`]) {
      const res = await post(srv.url, ping, auth ? { ...h, Authorization: auth } : h);
      assert.equal(res.status, 401, String(auth));
      assert.match(res.headers.get('www-authenticate'), /^Bearer /);
      assert.ok(!res.text.includes(token), 'the token is never echoed');
    }
    const ok = await post(srv.url, ping, { ...h, Authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(!srv.stderr().includes(token), 'the token never reaches the log');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
  // binding to all interfaces without a token: refused before listening
  const env = { ...process.env };
  delete env.MCP_HTTP_AUTH_TOKEN;
  const refused = await new Promise((resolve) => {
    import('node:child_process').then(({ spawn }) => {
      const p = spawn(FIXTURE, ['--http', '0.0.0.0:0'], { stdio: ['ignore', 'ignore', 'pipe'], env });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) => resolve({ code, err }));
    });
  });
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /auth-token/);
  assert.doesNotMatch(refused.err, /listening/);
  // a token from the environment has the bounds of --auth-token (16 to 4096 characters)
  for (const [token, host] of [['short-token', '0.0.0.0:0'], ['x'.repeat(4097), '127.0.0.1:0']]) {
    const weak = await new Promise((resolve) => {
      import('node:child_process').then(({ spawn }) => {
        const p = spawn(FIXTURE, ['--http', host], {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...env, MCP_HTTP_AUTH_TOKEN: token },
        });
        let err = '';
        p.stderr.on('data', (d) => {
          err += d;
          if (/listening/.test(err)) p.kill(); // served with it: the check below fails
        });
        p.on('exit', (code) => resolve({ code, err }));
      });
    });
    assert.notEqual(weak.code, 0, `${token.length} characters: ${weak.err}`);
    assert.match(weak.err, /16 to 4096 characters/);
    assert.doesNotMatch(weak.err, /listening/);
    assert.ok(!weak.err.includes(token), 'the token is not quoted');
  }
});

test('a chunked body (no Content-Length) is capped too: exactly --http-max-body is served, one byte more is not', async () => {
  const srv = await startHttp(FIXTURE, ['--http-max-body', '1024']);
  try {
    // a tools/list request of exactly N bytes
    const sized = (n) => {
      const msg = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: modernMeta(), pad: '' } };
      msg.params.pad = 'x'.repeat(n - JSON.stringify(msg).length);
      const text = JSON.stringify(msg);
      assert.equal(text.length, n);
      return text;
    };
    const chunked = (text) =>
      fetch(srv.url, {
        method: 'POST',
        duplex: 'half',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' },
        body: new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(text.slice(0, 600))); // two chunks
            c.enqueue(new TextEncoder().encode(text.slice(600)));
            c.close();
          },
        }),
      });
    const fits = await chunked(sized(1024));
    assert.equal(fits.status, 200);
    assert.ok((await fits.json()).result.tools.length > 0);
    const over = await chunked(sized(1025)).then((res) => res.status, (e) => e);
    assert.ok(over instanceof Error || over >= 400, `one byte over the cap: ${over}`);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('an oversized body gets 413; a client that sends its headers slowly is cut off', async () => {
  const srv = await startHttp(FIXTURE, ['--http-max-body', '1024', '--http-header-timeout-ms', '300']);
  try {
    const big = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(2000), _meta: modernMeta() } };
    const res = await post(srv.url, big, { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' });
    assert.equal(res.status, 413);

    // a slowloris: the request line, then one header byte at a time
    const sock = await rawConnect(srv.url);
    let closed = false;
    const gone = new Promise((resolve) => sock.on('close', () => { closed = true; resolve(); }));
    sock.on('error', () => {});
    sock.write('POST /mcp HTTP/1.1\r\nHost: localhost\r\n');
    const header = 'X-Slow: ' + 'a'.repeat(200);
    let sent = 0;
    const drip = setInterval(() => {
      if (closed || sent >= header.length) return clearInterval(drip);
      sock.write(header[sent++]);
    }, 50);
    // meanwhile other clients are served
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: modernMeta() } };
    const other = await post(srv.url, list, { 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' });
    assert.equal(other.status, 200);
    const guard = new Promise((_, reject) => setTimeout(() => reject(new Error('slow client never cut off')), WAIT_MS));
    await Promise.race([gone, guard]);
    clearInterval(drip);
    assert.ok(closed);
    assert.ok(sent < header.length, 'cut off before its headers were complete');
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('1,000 sessions opened and ended leave no memory behind', async () => {
  const srv = await startHttp(FIXTURE);
  try {
    const cycle = async (n) => {
      for (let i = 0; i < n; i += 8) {
        await Promise.all(
          Array.from({ length: Math.min(8, n - i) }, async () => {
            const sid = await openSession(srv.url);
            const res = await post(srv.url, call(2, 'test_simple_text'), { 'Mcp-Session-Id': sid });
            assert.equal(res.status, 200);
            const del = await fetch(srv.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': sid } });
            assert.equal(del.status, 200);
            await del.arrayBuffer();
          }),
        );
      }
    };
    await cycle(200); // warm-up: thread stacks, arenas
    const before = rssKb(srv.proc.pid);
    await cycle(1000);
    const after = rssKb(srv.proc.pid);
    console.log(`# RSS before ${before} kB, after 1,000 sessions ${after} kB`);
    // ASan keeps freed memory in quarantine; there the exit code (leak check) decides
    if (!ASAN) assert.ok(after - before < 2048, `RSS grew ${after - before} kB over 1,000 sessions`);
  } finally {
    assert.equal(await srv.stop(), 0, 'exit 0 (under ASan: no leak at exit)');
  }
});

test('200 concurrent clients making 100 calls each all get their own answers', async () => {
  const srv = await startHttp(FIXTURE, ['--http-max-streams', '400']);
  try {
    const clients = 200;
    const calls = ASAN ? 25 : 100;
    let good = 0;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const sid = await openSession(srv.url);
        for (let i = 0; i < calls; i++) {
          const name = `client-${c}-call-${i}`;
          const res = await fetch(srv.url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sid },
            body: JSON.stringify(call(i, 'json_schema_2020_12_tool', { name, email: `${c}@example.com` })),
          });
          const body = await res.json();
          assert.equal(body.id, i);
          assert.ok(body.result.content[0].text.includes(`"${name}"`), body.result.content[0].text);
          good++;
        }
      }),
    );
    assert.equal(good, clients * calls);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

// Starts fixture_sleep MS on SID with a progress token and resolves once its
// first SSE event (progress 0: the call is running) has arrived; .rest then
// resolves the remaining text of the stream (or the error that cut it).
async function startSleep(url, sid, ms) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sid },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'fixture_sleep', arguments: { ms }, _meta: { progressToken: 1 } } }),
  });
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += value;
    }
  })().catch((e) => e);
  return { first: text, rest };
}

test('SIGTERM: requests in flight finish, then exit 0; past the drain bound they are cut', async () => {
  const srv = await startHttp(FIXTURE);
  const sid = await openSession(srv.url);
  const running = await startSleep(srv.url, sid, 800);
  assert.match(running.first, /notifications\/progress/);
  srv.proc.kill('SIGTERM');
  assert.match(await running.rest, /slept 800 ms/);
  assert.equal(await srv.exited, 0);

  const slow = await startHttp(FIXTURE, ['--http-drain-ms', '200']);
  const sid2 = await openSession(slow.url);
  const stuck = await startSleep(slow.url, sid2, 10000);
  slow.proc.kill('SIGTERM');
  assert.equal(await slow.exited, 0, 'exits 0 after the drain bound');
  const outcome = await stuck.rest;
  assert.ok(outcome instanceof Error || !/slept/.test(outcome), 'the cut call gives no result');
});

test('resources/subscribe: notifications/resources/updated arrive on the GET stream, only for subscribed URIs', async () => {
  const srv = await startHttp(FIXTURE);
  try {
    const sid = await openSession(srv.url);
    const h = { 'Mcp-Session-Id': sid };
    const stream = await openSse(srv.url, { method: 'GET', headers: { Accept: 'text/event-stream', ...h } });
    assert.equal(stream.status, 200);
    const rpc = async (id, method, params) => {
      const res = await post(srv.url, { jsonrpc: '2.0', id, method, params }, h);
      assert.equal(res.status, 200, res.text);
      return res.json;
    };
    await rpc(2, 'resources/subscribe', { uri: 'test://a' });
    await rpc(3, 'resources/subscribe', { uri: 'test://b' });
    await rpc(4, 'tools/call', { name: 'fixture_touch_resource', arguments: { uri: 'test://a' } });
    let ev = await stream.next();
    assert.deepEqual(ev.data, { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'test://a' } });
    assert.match(ev.id, /^1-\d+$/);
    await rpc(5, 'resources/unsubscribe', { uri: 'test://a' });
    await rpc(6, 'tools/call', { name: 'fixture_touch_resource', arguments: { uri: 'test://a' } });
    await rpc(7, 'tools/call', { name: 'fixture_touch_resource', arguments: { uri: 'test://c' } });
    await rpc(8, 'tools/call', { name: 'fixture_touch_resource', arguments: { uri: 'test://b' } });
    ev = await stream.next();
    assert.equal(ev.data.params.uri, 'test://b', 'nothing for an unsubscribed or never subscribed URI');

    // a second session's subscriptions are its own
    const other = await openSession(srv.url);
    const otherStream = await openSse(srv.url, { method: 'GET', headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': other } });
    await post(srv.url, { jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'test://d' } }, { 'Mcp-Session-Id': other });
    await rpc(9, 'tools/call', { name: 'fixture_touch_resource', arguments: { uri: 'test://d' } });
    assert.equal((await otherStream.next()).data.params.uri, 'test://d');
    // a second GET stream on the same session is refused
    const dup = await fetch(srv.url, { method: 'GET', headers: { Accept: 'text/event-stream', ...h } });
    assert.equal(dup.status, 409);
    stream.close();
    otherStream.close();
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('2026-07-28 subscriptions/listen: acknowledged first, then resource updates tagged with the subscription id', async () => {
  const srv = await startHttp(FIXTURE);
  try {
    const headers = (method, name) => ({
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': MODERN,
      'Mcp-Method': method,
      ...(name ? { 'Mcp-Name': name } : {}),
    });
    const listen = await openSse(srv.url, {
      method: 'POST',
      headers: headers('subscriptions/listen'),
      body: JSON.stringify({
        jsonrpc: '2.0', id: 'listen-1', method: 'subscriptions/listen',
        params: { notifications: { resourceSubscriptions: ['test://watched'] }, _meta: modernMeta() },
      }),
    });
    assert.equal(listen.status, 200);
    assert.match(listen.headers.get('content-type'), /text\/event-stream/);
    const ack = await listen.next();
    assert.equal(ack.data.method, 'notifications/subscriptions/acknowledged');
    assert.deepEqual(ack.data.params.notifications.resourceSubscriptions, ['test://watched']);
    assert.equal(ack.data.params._meta['io.modelcontextprotocol/subscriptionId'], 'listen-1');
    for (const uri of ['test://other', 'test://watched']) {
      const res = await post(
        srv.url,
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fixture_touch_resource', arguments: { uri }, _meta: modernMeta() } },
        headers('tools/call', 'fixture_touch_resource'),
      );
      assert.equal(res.status, 200, res.text);
    }
    const update = await listen.next();
    assert.equal(update.data.method, 'notifications/resources/updated');
    assert.equal(update.data.params.uri, 'test://watched', 'only the URIs listened to');
    assert.equal(update.data.params._meta['io.modelcontextprotocol/subscriptionId'], 'listen-1');
    listen.close();
  } finally {
    assert.equal(await srv.stop(), 0, 'a listen stream does not hold up SIGTERM');
  }
});

test('answers nobody came back for do not pile up: a session keeps serving after 100 abandoned SSE-polled calls', async () => {
  // every call outlasts the 20 ms poll: its stream closes with a retry hint
  // and this client never resumes it; the session holds at most 64 streams
  const srv = await startHttp(FIXTURE, ['--http-sse-poll-ms', '20']);
  try {
    const sid = await openSession(srv.url);
    for (let i = 0; i < 100; i++) {
      const res = await post(
        srv.url,
        { jsonrpc: '2.0', id: 100 + i, method: 'tools/call', params: { name: 'fixture_sleep', arguments: { ms: 60 }, _meta: { progressToken: i } } },
        { 'Mcp-Session-Id': sid },
      );
      assert.equal(res.status, 200, `call ${i}: ${res.text}`);
    }
    // the last one finishes; then a new call still gets its answer
    const ok = await post(srv.url, call(1000, 'test_simple_text'), { 'Mcp-Session-Id': sid });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /simple text response/);
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('caps: sessions beyond --http-max-sessions get 503; an ended or idle one frees its place', async () => {
  const srv = await startHttp(FIXTURE, ['--http-max-sessions', '2']);
  try {
    const a = await openSession(srv.url);
    await openSession(srv.url);
    await assert.rejects(openSession(srv.url), /HTTP 503/);
    const del = await fetch(srv.url, { method: 'DELETE', headers: { 'Mcp-Session-Id': a } });
    assert.equal(del.status, 200);
    await openSession(srv.url);
  } finally {
    assert.equal(await srv.stop(), 0);
  }

  // one place, sessions idle for 1 s end: a second session gets in once the
  // first has been left alone long enough (no event to wait on: retry after
  // idle spells longer than the limit, within the guard)
  const idle = await startHttp(FIXTURE, ['--http-max-sessions', '1', '--http-session-idle-s', '1']);
  try {
    const first = await openSession(idle.url);
    const deadline = Date.now() + WAIT_MS;
    let second = null;
    while (!second) {
      await new Promise((r) => setTimeout(r, 1500));
      second = await openSession(idle.url).catch((err) => {
        if (Date.now() > deadline) throw err;
        return null;
      });
    }
    const old = await post(idle.url, call(5, 'test_simple_text'), { 'Mcp-Session-Id': first });
    assert.equal(old.status, 404, 'the idle session ended');
  } finally {
    assert.equal(await idle.stop(), 0);
  }
});
