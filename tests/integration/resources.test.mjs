// resources.test.mjs - zoom://env-status says where each setting comes from
// (the environment or .env) and never shows a value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SERVER, sandboxEnv } from './lib/zoom.mjs';

test('zoom://env-status names the source of each setting, never its value', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zwm-envstatus-'));
  const secret = 'envstatus-secret-7c1f9e';
  fs.writeFileSync(
    path.join(dir, '.env'),
    `ZOOM_ACCOUNT_ID=acct-file\nZOOM_CLIENT_ID=client-file\nZOOM_CLIENT_SECRET=${secret}\nZOOM_TIMEZONE=Asia/Tokyo\n`,
  );
  const transport = new StdioClientTransport({
    command: SERVER,
    cwd: dir,
    env: sandboxEnv({ ZOOM_LOG_LEVEL: 'error', ZOOM_READ_ONLY: '1' }),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'zwm-resources', version: '1.0.0' });
  await client.connect(transport);
  try {
    const res = await client.readResource({ uri: 'zoom://env-status' });
    const text = res.contents[0].text;
    const s = JSON.parse(text).settings;
    assert.equal(s.ZOOM_CLIENT_SECRET, 'env_file');
    assert.equal(s.ZOOM_ACCOUNT_ID, 'env_file');
    assert.equal(s.ZOOM_TIMEZONE, 'env_file');
    assert.equal(s.ZOOM_LOG_LEVEL, 'environment');
    assert.equal(s.ZOOM_READ_ONLY, 'environment');
    assert.equal(s.ZOOM_API_BASE_URL, 'unset');
    assert.ok(!text.includes(secret) && !text.includes('acct-file') && !text.includes('Asia/Tokyo'));
    const cfg = await client.readResource({ uri: 'zoom://config' });
    assert.equal(JSON.parse(cfg.contents[0].text).mode, 'zoom');
    assert.ok(!cfg.contents[0].text.includes(secret));
  } finally {
    await client.close();
  }
  assert.ok(!stderr.includes(secret));
});
