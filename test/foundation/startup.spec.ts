/**
 * Starting the `gatehouse` command: a bad setting stops it with one line that
 * names the setting; a first start creates the identity key, readable only
 * by the gateway's user, and later starts keep the same identity.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeDir, spawnGateway, tempDataDir } from '../support/gateway-harness.js';

describe('gatehouse start', () => {
  const dataDir = tempDataDir();
  afterAll(() => removeDir(dataDir));

  it('stops with one clear line on a bad setting', () => {
    const res = spawnSync(process.execPath, [join(REPO_ROOT, 'apps/gateway/dist/main.js'), 'start'], {
      env: { ...process.env, GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_HTTP_PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual([
      'gatehouse: bad setting GATEHOUSE_HTTP_PORT: must be an integer from 0 to 65535',
    ]);
  });

  it('creates a private identity key once and keeps it', async () => {
    const first = await spawnGateway(dataDir);
    const id1 = ((await (await fetch(`${first.url}/healthz`)).json()) as { peerId: string }).peerId;
    await first.stop();
    expect(statSync(join(dataDir, 'identity.key')).mode & 0o777).toBe(0o600);
    const second = await spawnGateway(dataDir);
    const id2 = ((await (await fetch(`${second.url}/healthz`)).json()) as { peerId: string }).peerId;
    await second.stop();
    expect(id2).toBe(id1);
    expect(id1).toMatch(/^12D3KooW/);
  }, 60_000);
});
