/**
 * Gateway settings: GATEHOUSE_* environment variables over an optional JSON
 * config file (GATEHOUSE_CONFIG, or <data dir>/gatehouse.json), over defaults.
 * Every value is checked at start; a bad one stops the gateway with one line
 * that names the setting.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { addressProblem } from '@gatehouse/mesh';

export type RelayMode = 'off' | 'client' | 'server';

export interface GatewayConfig {
  readonly dataDir: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly p2pListen: readonly string[];
  readonly p2pAnnounce: readonly string[];
  readonly bootstrap: readonly string[];
  readonly region: string;
  readonly relay: RelayMode;
  readonly mdns: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest HTTP request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** How long a browser session lasts without use, in seconds. */
  readonly sessionTtlSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

/** Setting name (as in the environment) -> config file key. */
const SETTINGS = {
  GATEHOUSE_DATA_DIR: 'dataDir',
  GATEHOUSE_HTTP_HOST: 'httpHost',
  GATEHOUSE_HTTP_PORT: 'httpPort',
  GATEHOUSE_P2P_LISTEN: 'p2pListen',
  GATEHOUSE_P2P_ANNOUNCE: 'p2pAnnounce',
  GATEHOUSE_BOOTSTRAP: 'bootstrap',
  GATEHOUSE_REGION: 'region',
  GATEHOUSE_RELAY: 'relay',
  GATEHOUSE_MDNS: 'mdns',
  GATEHOUSE_DB_URL: 'dbUrl',
  GATEHOUSE_LOG_LEVEL: 'logLevel',
  GATEHOUSE_MAX_BODY_BYTES: 'maxBodyBytes',
  GATEHOUSE_SESSION_TTL: 'sessionTtlSeconds',
} as const;

type SettingName = keyof typeof SETTINGS;
type Raw = Partial<Record<SettingName, unknown>>;

function readFile(path: string): Raw {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('GATEHOUSE_CONFIG', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('GATEHOUSE_CONFIG', `${path} must hold a JSON object`);
  }
  const byKey = new Map(Object.entries(SETTINGS).map(([env, key]) => [key as string, env as SettingName]));
  const raw: Raw = {};
  for (const [key, value] of Object.entries(parsed)) {
    const env = byKey.get(key);
    if (!env) throw new ConfigError('GATEHOUSE_CONFIG', `unknown setting "${key}" in ${path}`);
    raw[env] = value;
  }
  return raw;
}

const asString = (name: SettingName, v: unknown): string => {
  if (typeof v !== 'string' || v.trim() === '') throw new ConfigError(name, 'must be a non-empty string');
  return v.trim();
};

/** A list of multiaddrs, each checked now rather than when the mesh starts, long after. */
const asAddresses = (name: SettingName, v: unknown, options: { namesPeer?: boolean } = {}): string[] => {
  const items = Array.isArray(v) ? v : String(v).split(',');
  const list = items.map((s) => String(s).trim()).filter(Boolean);
  for (const addr of list) {
    const problem = addressProblem(addr, options);
    if (problem) throw new ConfigError(name, `"${addr}" will not do: ${problem}`);
  }
  return list;
};

const asInt = (name: SettingName, v: unknown, min: number, max: number): number => {
  const n =
    typeof v === 'number' ? v : /^\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}`);
  return n;
};

const asBool = (name: SettingName, v: unknown): boolean => {
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(s)) return true;
  if (['off', 'false', '0', 'no'].includes(s)) return false;
  throw new ConfigError(name, 'must be on or off');
};

const oneOf = <T extends string>(name: SettingName, v: unknown, values: readonly T[]): T => {
  const s = String(v).trim() as T;
  if (!values.includes(s)) throw new ConfigError(name, `must be one of ${values.join(', ')}`);
  return s;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GatewayConfig {
  const envRaw: Raw = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    if (env[name] !== undefined && env[name] !== '') envRaw[name] = env[name];
  }
  const dataDirGuess = resolve(cwd, String(envRaw.GATEHOUSE_DATA_DIR ?? './data'));
  const filePath = env.GATEHOUSE_CONFIG
    ? resolve(cwd, env.GATEHOUSE_CONFIG)
    : existsSync(join(dataDirGuess, 'gatehouse.json'))
      ? join(dataDirGuess, 'gatehouse.json')
      : undefined;
  const raw: Raw = { ...(filePath ? readFile(filePath) : {}), ...envRaw };
  const get = (name: SettingName, fallback: unknown) => raw[name] ?? fallback;

  if (raw.GATEHOUSE_DB_URL !== undefined) {
    throw new ConfigError(
      'GATEHOUSE_DB_URL',
      'PostgreSQL storage is not available in this version; unset it to use SQLite',
    );
  }
  const dataDir = asString('GATEHOUSE_DATA_DIR', get('GATEHOUSE_DATA_DIR', './data'));
  const region = asString('GATEHOUSE_REGION', get('GATEHOUSE_REGION', 'default'));
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(region)) {
    throw new ConfigError('GATEHOUSE_REGION', 'must be lowercase letters, digits and dashes');
  }
  return {
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    httpHost: asString('GATEHOUSE_HTTP_HOST', get('GATEHOUSE_HTTP_HOST', '127.0.0.1')),
    httpPort: asInt('GATEHOUSE_HTTP_PORT', get('GATEHOUSE_HTTP_PORT', 8080), 0, 65535),
    p2pListen: asAddresses('GATEHOUSE_P2P_LISTEN', get('GATEHOUSE_P2P_LISTEN', '/ip4/0.0.0.0/tcp/0')),
    p2pAnnounce: asAddresses('GATEHOUSE_P2P_ANNOUNCE', get('GATEHOUSE_P2P_ANNOUNCE', '')),
    bootstrap: asAddresses('GATEHOUSE_BOOTSTRAP', get('GATEHOUSE_BOOTSTRAP', ''), { namesPeer: true }),
    region,
    relay: oneOf('GATEHOUSE_RELAY', get('GATEHOUSE_RELAY', 'client'), ['off', 'client', 'server'] as const),
    mdns: asBool('GATEHOUSE_MDNS', get('GATEHOUSE_MDNS', 'on')),
    logLevel: oneOf('GATEHOUSE_LOG_LEVEL', get('GATEHOUSE_LOG_LEVEL', 'info'), [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    maxBodyBytes: asInt(
      'GATEHOUSE_MAX_BODY_BYTES',
      get('GATEHOUSE_MAX_BODY_BYTES', 1024 * 1024),
      1024,
      64 * 1024 * 1024,
    ),
    sessionTtlSeconds: asInt(
      'GATEHOUSE_SESSION_TTL',
      get('GATEHOUSE_SESSION_TTL', 14 * 24 * 3600),
      60,
      365 * 24 * 3600,
    ),
  };
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
