// stdio_signals.test.mjs - the fixture server as a process under the MCP
// stdio shutdown order (close stdin, SIGTERM, SIGKILL) with a hostile or
// stuck client: SIGTERM ends it promptly whatever the peer does with stdout,
// and cancels the work in flight even during the end-of-input grace.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { FIXTURE, RawServer } from './lib/fixture.mjs';

// "Promptly": a guard generous enough for ASan on a busy 2-core machine; the
// failures it catches are hangs (the server never exits, or only when a 10 s
// call has run to its end).
const PROMPT_MS = 5000;

const sleepCall = (id, ms, token) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'fixture_sleep', arguments: { ms }, _meta: { progressToken: token } },
});

// Waits for CHILD to exit, at most MS; SIGKILLs it and returns null after that.
function exitWithin(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

// Spawns the fixture server with nobody reading its stdout.
function spawnUnread() {
  const proc = spawn(FIXTURE, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stderr: '' };
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => {
    if (out.stderr.length < 1 << 20) out.stderr += chunk;
  });
  proc.stdin.on('error', () => {});
  return { proc, out };
}

const initLine = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
const callLine = (id, name) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

it('SIGTERM after 100,000 pipelined calls whose replies are never read: prompt exit 0', async () => {
  const { proc, out } = spawnUnread();
  try {
    const lines = [initLine];
    for (let i = 1; i <= 100000; i++) lines.push(callLine(i, 'test_simple_text'));
    // The replies (12 MB) stay below the high-water mark: the server takes
    // all of its input, and the write completes once it has.
    await new Promise((resolve) => proc.stdin.write(lines.join('\n') + '\n', resolve));
    proc.kill('SIGTERM');
    const status = await exitWithin(proc, PROMPT_MS);
    assert.notEqual(status, null, `still running ${PROMPT_MS} ms after SIGTERM; stderr ${out.stderr.slice(-2000)}`);
    assert.equal(status.code, 0, `exit ${JSON.stringify(status)}; stderr ${out.stderr.slice(-2000)}`);
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
});

it('SIGTERM while replies past the high-water mark wait for room: prompt exit 0', async () => {
  const { proc, out } = spawnUnread();
  try {
    // 100,000 replies of about 600 bytes: far past the 16 MiB the server
    // queues, so its workers and then its reader wait for room, and it stops
    // taking input. Chunks go in until one is not taken within a second
    // (that is the state to test) or all are in; SIGTERM ends it either way.
    proc.stdin.write(initLine + '\n');
    for (let first = 1; first <= 100000; first += 5000) {
      const chunk = [];
      for (let i = first; i < first + 5000; i++) chunk.push(callLine(i, 'test_multiple_content_types'));
      const taken = await Promise.race([
        new Promise((resolve) => proc.stdin.write(chunk.join('\n') + '\n', () => resolve(true))),
        new Promise((resolve) => setTimeout(() => resolve(false), 1000).unref()),
      ]);
      if (!taken) break;
    }
    proc.kill('SIGTERM');
    const status = await exitWithin(proc, PROMPT_MS);
    assert.notEqual(status, null, `still running ${PROMPT_MS} ms after SIGTERM; stderr ${out.stderr.slice(-2000)}`);
    assert.equal(status.code, 0, `exit ${JSON.stringify(status)}; stderr ${out.stderr.slice(-2000)}`);
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
});

it('stdin closed with a slow call in flight, then SIGTERM: the call is cancelled at once', async () => {
  const srv = new RawServer();
  try {
    await srv.initialize('2025-11-25', { sampling: {} });
    srv.send(sleepCall('s', 10000, 'tok-s'));
    await srv.take((m) => m.method === 'notifications/progress' && m.params.progressToken === 'tok-s', 'the sleep to start');
    // An ask fails as soon as the server sees end of input: its reply tells
    // that the server is in its end-of-input grace.
    srv.send({ jsonrpc: '2.0', id: 'ask', method: 'tools/call', params: { name: 'test_sampling', arguments: { prompt: 'hi' } } });
    await srv.take((m) => m.method === 'sampling/createMessage', 'the sampling request');
    srv.proc.stdin.end();
    const ask = await srv.response('ask');
    assert.equal(ask.result?.isError, true, JSON.stringify(ask));
    srv.proc.kill('SIGTERM');
    const status = await srv.waitExit(PROMPT_MS);
    assert.equal(status.code, 0, `exit ${JSON.stringify(status)}; stderr ${srv.stderr.slice(-2000)}`);
    assert.equal(srv.all.find((m) => m.id === 's' && m.result), undefined, 'the 10 s sleep ran to its end');
    assert.deepEqual(srv.garbage, []);
  } finally {
    srv.kill();
  }
});

it('SIGTERM together with end of input is a SIGTERM', async () => {
  const srv = new RawServer();
  try {
    await srv.initialize();
    srv.send(sleepCall('s', 10000, 'tok-s'));
    await srv.take((m) => m.method === 'notifications/progress' && m.params.progressToken === 'tok-s', 'the sleep to start');
    srv.proc.stdin.end();
    srv.proc.kill('SIGTERM');
    const status = await srv.waitExit(PROMPT_MS);
    assert.equal(status.code, 0, `exit ${JSON.stringify(status)}; stderr ${srv.stderr.slice(-2000)}`);
    assert.equal(srv.all.find((m) => m.id === 's' && m.result), undefined, 'the 10 s sleep ran to its end');
  } finally {
    srv.kill();
  }
});
