import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './gateway-config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
/** Any well-formed peer id: bootstrap addresses must name the peer they reach. */
const PEER = '12D3KooWGRUVh2N6ZJyY8n3hjcrjdZfcaq9ScZqJS7yCWfAajgF6';

describe('loadConfig', () => {
  it('starts from the documented defaults', () => {
    const cwd = dir();
    expect(loadConfig({}, cwd)).toMatchObject({
      dataDir: join(cwd, 'data'),
      httpHost: '127.0.0.1',
      httpPort: 8080,
      p2pListen: ['/ip4/0.0.0.0/tcp/0'],
      p2pAnnounce: [],
      bootstrap: [],
      region: 'default',
      relay: 'client',
      mdns: true,
    });
  });

  it('reads GATEHOUSE_* variables over the config file', () => {
    const cwd = dir();
    const file = join(cwd, 'gh.json');
    writeFileSync(file, JSON.stringify({ httpPort: 9000, region: 'lakeside', mdns: false }));
    const config = loadConfig(
      {
        GATEHOUSE_CONFIG: file,
        GATEHOUSE_HTTP_PORT: '9100',
        GATEHOUSE_BOOTSTRAP: `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}, /dns4/x/tcp/1/p2p/${PEER}`,
      },
      cwd,
    );
    expect(config).toMatchObject({ httpPort: 9100, region: 'lakeside', mdns: false });
    expect(config.bootstrap).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`, `/dns4/x/tcp/1/p2p/${PEER}`]);
  });

  it.each([
    [{ GATEHOUSE_HTTP_PORT: 'eighty' }, 'GATEHOUSE_HTTP_PORT'],
    [{ GATEHOUSE_HTTP_PORT: '70000' }, 'GATEHOUSE_HTTP_PORT'],
    [{ GATEHOUSE_RELAY: 'maybe' }, 'GATEHOUSE_RELAY'],
    [{ GATEHOUSE_MDNS: 'sometimes' }, 'GATEHOUSE_MDNS'],
    [{ GATEHOUSE_REGION: 'Big Region!' }, 'GATEHOUSE_REGION'],
    [{ GATEHOUSE_BOOTSTRAP: 'not-a-multiaddr' }, 'GATEHOUSE_BOOTSTRAP'],
    // libp2p would drop these without a word, or fail only once the mesh starts.
    [{ GATEHOUSE_BOOTSTRAP: '/ip4/127.0.0.1/tcp/4001' }, 'GATEHOUSE_BOOTSTRAP'],
    [{ GATEHOUSE_BOOTSTRAP: '/ip4/127.0.0.1/tcp/4001/p2p/not-a-peer' }, 'GATEHOUSE_BOOTSTRAP'],
    [{ GATEHOUSE_P2P_LISTEN: '/ip4/1.2.3/tcp/1' }, 'GATEHOUSE_P2P_LISTEN'],
    [{ GATEHOUSE_P2P_ANNOUNCE: '/ip4/192.0.2.1/tcp/nope' }, 'GATEHOUSE_P2P_ANNOUNCE'],
    [{ GATEHOUSE_DB_URL: 'postgres://x' }, 'GATEHOUSE_DB_URL'],
    [{ GATEHOUSE_CONFIG: '/nonexistent/gatehouse.json' }, 'GATEHOUSE_CONFIG'],
  ])('refuses %o, naming the setting', (env, setting) => {
    expect(() => loadConfig(env, dir())).toThrow(ConfigError);
    try {
      loadConfig(env, dir());
    } catch (err) {
      expect((err as ConfigError).setting).toBe(setting);
      expect((err as Error).message.startsWith(`${setting}: `)).toBe(true);
    }
  });

  it('refuses unknown keys in the config file', () => {
    const cwd = dir();
    const file = join(cwd, 'gh.json');
    writeFileSync(file, JSON.stringify({ httpPrt: 1 }));
    expect(() => loadConfig({ GATEHOUSE_CONFIG: file }, cwd)).toThrow(/unknown setting "httpPrt"/);
  });
});
