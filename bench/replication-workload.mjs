/**
 * What both processes of the replication benchmark share: the workload (wiki
 * edits of ~1 KB as signed ops, the same texts as PouchDB documents), a
 * gateway started from the built dist with bench settings, and a small
 * request/answer channel over the child process's IPC pipe.
 */

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const dist = (p) => import(join(ROOT, 'apps/gateway/dist', p));
export const mesh = await import(join(ROOT, 'libs/mesh/dist/index.js'));
const require = createRequire(import.meta.url);

/** Edits per page: wiki pages are edited, not only created. */
export const EDITS_PER_PAGE = Number(process.env.BENCH_EDITS_PER_PAGE ?? 10);
/** ~1 KB of text that does not compress: PouchDB's HTTP answers are gzipped, the sync protocol's frames are not. */
export const text = (i) => `edit ${i}\n${randomBytes(750).toString('base64')}`;

/** A gateway on loopback with a fresh port, no mDNS, no relay, no logs. */
export async function benchGateway(dataDir) {
  const { startGateway } = await dist('gateway.js');
  const { loadConfig } = await dist('config/gateway-config.js');
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_HTTP_PORT: '0',
    GATEHOUSE_MDNS: 'off',
    GATEHOUSE_RELAY: 'off',
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
  });
  const { pino } = require(join(ROOT, 'node_modules/pino'));
  return startGateway({ config, logger: pino({ level: 'silent' }) });
}

/** Wiki edits as signed ops of `identity`: pages of EDITS_PER_PAGE revisions, each naming the one before. */
export function* wikiEdits(identity, orgId, actor, count, after, pagePrefix, startWall) {
  let prev = after;
  const last = new Map();
  const pages = Math.max(1, Math.ceil(count / EDITS_PER_PAGE));
  for (let i = 0; i < count; i++) {
    const path = `${pagePrefix}-${i % pages}`;
    const parent = last.get(path);
    const op = mesh.signOp(identity, {
      v: 1,
      org: orgId,
      author: identity.peerId,
      seq: (prev?.seq ?? 0) + 1,
      prev: prev?.id ?? null,
      hlc: mesh.encodeHlc({ wall: startWall + i, counter: 0 }),
      actor,
      kind: 'wiki.revision',
      entity: `${orgId}/${path}`,
      payload: { orgId, path, title: path, content: text(i), resolves: false },
      ...(parent ? { parents: [parent] } : {}),
    });
    last.set(path, op.id);
    prev = op;
    yield op;
  }
}

/** `k` new pages as drafts for OpLogService.append: the edits of the incremental sync. */
export const wikiDrafts = (orgId, actor, prefix, k) =>
  Array.from({ length: k }, (_, i) => ({
    org: orgId,
    actor,
    kind: 'wiki.revision',
    entity: `${orgId}/${prefix}-${i}`,
    payload: { orgId, path: `${prefix}-${i}`, title: prefix, content: text(i), resolves: false },
  }));

/** Writes drafts through the op log, 500 a transaction. */
export async function appendAll(oplog, drafts) {
  for (let i = 0; i < drafts.length; i += 500) await oplog.append(drafts.slice(i, i + 500));
}

/** The same edits as PouchDB documents. */
export const pouchDocs = (prefix, k) =>
  Array.from({ length: k }, (_, i) => ({ _id: `${prefix}-${i}`, content: text(i) }));

/** Starts `file` as a child process and returns a function that calls its handlers by name. */
export function spawnPeer(file) {
  const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  let next = 0;
  child.on('message', ({ id, result, error }) => {
    const w = waiting.get(id);
    waiting.delete(id);
    if (error) w?.reject(new Error(`peer process: ${error}`));
    else w?.resolve(result);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`peer process exited with ${code}`));
    waiting.clear();
  });
  const call = (name, args = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      child.send({ id, name, args });
    });
  const exit = () =>
    new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  return { call, exit, kill: () => child.kill() };
}

/** The child's side of spawnPeer: answers each call with its handler's result. */
export function servePeer(handlers) {
  process.on('message', async ({ id, name, args }) => {
    try {
      process.send({ id, result: await handlers[name](args) });
    } catch (err) {
      process.send({ id, error: err?.stack ?? String(err) });
    }
  });
}
