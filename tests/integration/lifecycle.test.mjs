// lifecycle.test.mjs - the fixture server as a process: its command line, how
// it ends (stdin EOF finishes the work in flight, SIGTERM cancels it), concurrent requests whose
// replies come out of order, and a bounded work queue.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE, RawServer, sleep } from './lib/fixture.mjs';

const run = promisify(execFile);

const sleepCall = (id, ms, token) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'fixture_sleep', arguments: { ms }, ...(token ? { _meta: { progressToken: token } } : {}) },
});

it('--help prints the usage and exits 0', async () => {
  const { stdout } = await run(FIXTURE, ['--help']);
  assert.match(stdout, /usage: mcp-fixture-server/);
  assert.match(stdout, /--max-frame BYTES/);
});

it('a bad option exits 2 with a message on stderr', async () => {
  for (const args of [['--bogus'], ['--max-frame'], ['--max-frame', 'lots'], ['--max-frame', '1']]) {
    await assert.rejects(run(FIXTURE, args), (err) => {
      assert.equal(err.code, 2, `${args}: exit ${err.code}`);
      assert.match(err.stderr, /bad option/);
      assert.equal(err.stdout, '');
      return true;
    });
  }
});

it('ZOOM_LOG_FILE receives the log as well as stderr; stdout only JSON-RPC', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zwm-log-'));
  const file = path.join(dir, 'server.log');
  const srv = new RawServer([], { env: { ...process.env, ZOOM_LOG_FILE: file, ZOOM_LOG_LEVEL: 'debug' } });
  try {
    await srv.initialize();
    assert.equal((await srv.close()).code, 0);
    const text = await fs.readFile(file, 'utf8');
    assert.match(text, /session initialized/);
    assert.match(srv.stderr, /session initialized/);
    assert.equal((await fs.stat(file)).mode & 0o077, 0, 'the log file is private');
    assert.deepEqual(srv.garbage, []);
  } finally {
    srv.kill();
    await fs.rm(dir, { recursive: true, force: true });
  }
});

it('a bad ZOOM_LOG_LEVEL exits 2', async () => {
  await assert.rejects(run(FIXTURE, [], { env: { ...process.env, ZOOM_LOG_LEVEL: 'loud' } }), (err) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /ZOOM_LOG_LEVEL/);
    return true;
  });
});

// Starts a 10 s sleep and waits until its handler runs.
async function startSleep(srv, id) {
  srv.send(sleepCall(id, 10000, `tok-${id}`));
  await srv.take((m) => m.method === 'notifications/progress' && m.params.progressToken === `tok-${id}`, 'the sleep to start');
}

it('stdin EOF: requests piped before it are still answered, then exit 0', async () => {
  const srv = new RawServer();
  try {
    srv.send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    srv.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    srv.send(sleepCall('s', 300));
    srv.send({ jsonrpc: '2.0', id: 'p', method: 'ping' });
    const status = await srv.close();
    assert.equal(status.code, 0, `exit ${JSON.stringify(status)}; stderr ${srv.stderr.slice(-2000)}`);
    assert.equal(srv.all.find((m) => m.id === 's')?.result?.content?.[0]?.text, 'slept 300 ms');
    assert.deepEqual(srv.all.find((m) => m.id === 'p')?.result, {});
    assert.deepEqual(srv.garbage, []);
  } finally {
    srv.kill();
  }
});

it('SIGTERM with a request in flight: exit 0', async () => {
  const srv = new RawServer();
  try {
    await srv.initialize();
    await startSleep(srv, 's');
    srv.proc.kill('SIGTERM');
    const status = await srv.waitExit();
    assert.equal(status.code, 0, `exit ${JSON.stringify(status)}; stderr ${srv.stderr.slice(-2000)}`);
    assert.equal(srv.all.find((m) => m.id === 's' && m.result), undefined, 'the 10 s sleep did not run to its end');
  } finally {
    srv.kill();
  }
});

it('replies come out of order: a fast call overtakes a slow one', async () => {
  const srv = new RawServer();
  try {
    await srv.initialize();
    srv.send(sleepCall('slow', 10000));
    srv.send({ jsonrpc: '2.0', id: 'fast', method: 'tools/call', params: { name: 'test_simple_text', arguments: {} } });
    srv.send({ jsonrpc: '2.0', id: 'ping', method: 'ping' });
    const first = await srv.take((m) => m.id !== undefined, 'a reply');
    const second = await srv.take((m) => m.id !== undefined, 'a reply');
    assert.deepEqual([first.id, second.id].sort(), ['fast', 'ping']);
    srv.notify('notifications/cancelled', { requestId: 'slow', reason: 'test over' });
    assert.deepEqual((await srv.request('ping')).result, {});
    assert.equal((await srv.close()).code, 0);
  } finally {
    srv.kill();
  }
});

it('a full work queue answers -32000 at once instead of hanging', async () => {
  const srv = new RawServer(['--queue-limit', '3']);
  try {
    await srv.initialize();
    for (let i = 0; i < 3; i++) await startSleep(srv, `q${i}`);
    for (let i = 3; i < 6; i++) srv.send(sleepCall(`q${i}`, 10000));
    for (let i = 3; i < 6; i++) {
      const r = await srv.response(`q${i}`);
      assert.equal(r.error?.code, -32000, JSON.stringify(r));
    }
    // A liveness check is still answered while the queue is full.
    assert.deepEqual((await srv.request('ping')).result, {});
    for (let i = 0; i < 3; i++) srv.notify('notifications/cancelled', { requestId: `q${i}` });
    // The cancelled handlers give their slots back; retry until one is free.
    let r;
    for (let i = 0; i < 500; i++) {
      r = await srv.request('tools/call', { name: 'test_simple_text', arguments: {} });
      if (!r.error) break;
      assert.equal(r.error.code, -32000, JSON.stringify(r));
      await sleep(10);
    }
    assert.equal(r.result?.content[0].text, 'This is a simple text response for testing.', JSON.stringify(r));
    for (let i = 0; i < 3; i++) assert.equal(srv.all.find((m) => m.id === `q${i}`), undefined, 'a cancelled request gets no reply');
    assert.equal((await srv.close()).code, 0);
  } finally {
    srv.kill();
  }
});
