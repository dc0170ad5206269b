// token_races.test.mjs - the token cache through the real binary: 16 servers
// started at once share one token request; a cut, foreign, exposed or
// given-away cache file, or a cache directory that is a symbolic link, is never
// trusted and never followed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER } from './lib/zoom.mjs';
import { startSim, liveEnv, requests, clearRequests } from './lib/drill.mjs';

// Runs `zoom-webinar-mcp call TOOL ARGS` with ENV; resolves { code, stdout, stderr }.
function callOnce(env, tool, args = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(SERVER, ['call', tool, JSON.stringify(args)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tokenRequests = (log) => log.filter((r) => r.path === '/oauth/token');

describe('token races and bad token caches', () => {
  let sim;
  before(async () => {
    sim = await startSim();
  });
  after(async () => sim?.stop());

  it('16 servers started at once with an empty cache make one token request', async () => {
    await clearRequests(sim.base);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-race-'));
    const cache = path.join(home, 'shared', 'token.json');
    const envs = Array.from({ length: 16 }, () => liveEnv(sim.base, { ZOOM_TOKEN_CACHE: cache }));
    const runs = await Promise.all(envs.map((env) => callOnce(env, 'list_webinars', { user_id: 'me' })));
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(JSON.parse(r.stdout).structuredContent.webinars.length > 0, r.stdout);
    }
    const log = await requests(sim.base);
    assert.equal(tokenRequests(log).length, 1, 'one token request between 16 processes');
    assert.equal(log.filter((r) => r.path === '/v2/users/me/webinars' && r.status === 200).length, 16);
    assert.equal(fs.statSync(cache).mode & 0o777, 0o600);
    fs.rmSync(home, { recursive: true, force: true });
  });

  // A well-formed cache text for ACCOUNT holding TOKEN, valid for an hour.
  const cacheText = (account, token) => JSON.stringify({
    format: 'zoom-webinar-mcp token cache', version: 1, account_id: account, client_id: 'client-drill',
    token_url: `${sim.base}/oauth/token`, access_token: token, token_type: 'bearer',
    expires_at: Math.floor(Date.now() / 1000) + 3600, scope: 'webinar:read:admin', api_base: '',
  }, null, 2);

  // Each bad cache: how to plant it under DIR at FILE.
  const cases = {
    'cut short by a killed process': (file) => fs.writeFileSync(file, cacheText('acct-drill', 'planted-cut').slice(0, 120), { mode: 0o600 }),
    "of another account": (file) => fs.writeFileSync(file, cacheText('acct-other', 'planted-foreign'), { mode: 0o600 }),
    'readable by others': (file) => {
      fs.writeFileSync(file, cacheText('acct-drill', 'planted-exposed'));
      fs.chmodSync(file, 0o644);
    },
    'owned by someone else': (file) => {
      fs.writeFileSync(file, cacheText('acct-drill', 'planted-given'), { mode: 0o600 });
      fs.chownSync(file, 65534, 65534);
    },
  };
  for (const [name, plant] of Object.entries(cases)) {
    it(`a cache file ${name} is ignored and replaced`, async (t) => {
      if (name === 'owned by someone else' && process.geteuid() !== 0) return t.skip('needs root to give a file away');
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-bad-'));
      const dir = path.join(home, 'cache');
      fs.mkdirSync(dir, { mode: 0o700 });
      const file = path.join(dir, 'token.json');
      plant(file);
      await clearRequests(sim.base);
      const r = await callOnce(liveEnv(sim.base, { ZOOM_TOKEN_CACHE: file }), 'list_webinars', { user_id: 'me' });
      assert.equal(r.code, 0, r.stderr);
      const log = await requests(sim.base);
      assert.equal(tokenRequests(log).length, 1, 'a new token was asked for');
      assert.ok(!log.some((x) => x.status === 401), 'the planted token was never sent');
      const st = fs.lstatSync(file);
      assert.ok(st.isFile());
      assert.equal(st.uid, process.geteuid());
      assert.equal(st.mode & 0o777, 0o600);
      assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /planted/);
      fs.rmSync(home, { recursive: true, force: true });
    });
  }

  it('a cache directory that is a symbolic link is not followed', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-link-'));
    const elsewhere = path.join(home, 'elsewhere');
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    fs.writeFileSync(path.join(elsewhere, 'token.json'), cacheText('acct-drill', 'planted-behind-link'), { mode: 0o600 });
    fs.symlinkSync(elsewhere, path.join(home, 'cache'));
    const file = path.join(home, 'cache', 'token.json');
    await clearRequests(sim.base);
    const r = await callOnce(liveEnv(sim.base, { ZOOM_TOKEN_CACHE: file, ZOOM_LOG_LEVEL: 'warning' }), 'list_webinars', { user_id: 'me' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /symbolic link/);
    const log = await requests(sim.base);
    assert.equal(tokenRequests(log).length, 1);
    assert.ok(!log.some((x) => x.status === 401), 'the token behind the link was never sent');
    // Behind the link: the one planted file, untouched; nothing written there.
    assert.deepEqual(fs.readdirSync(elsewhere), ['token.json']);
    assert.match(fs.readFileSync(path.join(elsewhere, 'token.json'), 'utf8'), /planted-behind-link/);
    fs.rmSync(home, { recursive: true, force: true });
  });
});
