/**
 * Real gateways for tests: a fresh data directory (real SQLite file), HTTP on
 * an ephemeral 127.0.0.1 port, either in this process (fast) or as a child
 * process running the built `gatehouse` command (for crash tests).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../../apps/gateway/src/config/gateway-config.js';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/gateway.js';
import { GraphQLClient } from './graphql-client.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function tempDataDir(prefix = 'gatehouse-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestGateway {
  readonly url: string;
  readonly dataDir: string;
  readonly gateway: RunningGateway;
  client(): GraphQLClient;
  close(): Promise<void>;
}

export async function startTestGateway(
  options: { dataDir?: string; wallClock?: () => number; env?: Record<string, string> } = {},
): Promise<TestGateway> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_HTTP_PORT: '0',
    GATEHOUSE_MDNS: 'off',
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
    ...options.env,
  });
  const gateway = await startGateway({
    config,
    wallClock: options.wallClock,
    logger: pino({ level: 'silent' }),
  });
  return {
    url: gateway.url,
    dataDir,
    gateway,
    client: () => new GraphQLClient(gateway.url),
    close: () => gateway.close(),
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface GatewayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `node apps/gateway/dist/main.js start` (run `npm run build` first), in network namespace
 * `netns` if given, and waits until it serves.
 */
export async function spawnGateway(
  dataDir: string,
  env: Record<string, string> = {},
  options: { netns?: string } = {},
): Promise<GatewayProcess> {
  const command = [process.execPath, join(REPO_ROOT, 'apps/gateway/dist/main.js'), 'start'];
  // `ip netns exec` execs the command: the child is the gateway itself, and signals reach it.
  const [file, ...args] = options.netns ? ['ip', 'netns', 'exec', options.netns, ...command] : command;
  const child = spawn(file, args, {
    env: {
      ...process.env,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_HTTP_PORT: '0',
      GATEHOUSE_MDNS: 'off',
      GATEHOUSE_LOG_LEVEL: 'info',
      GATEHOUSE_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 30_000);
    const onData = () => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`gateway exited before serving:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
