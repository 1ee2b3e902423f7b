#!/usr/bin/env node
/**
 * Replication benchmark: N wiki edits (~1 KB each) from one gateway to a fresh
 * one over libp2p on loopback, next to the same N documents replicated by
 * PouchDB over HTTP (express-pouchdb), and raw SQLite multi-row inserts of the same op
 * rows as the limit, all in this run on this machine.
 *
 *   npm run bench:replication                (builds first)
 *   BENCH_OPS=10000,100000 node bench/replication.mjs
 *
 * Everything runs in this one process (two gateways from the built dist,
 * PouchDB server and client, SQLite): compare ratios, not absolute numbers.
 * Prints per size: catch-up time and ops/s, bytes on the wire per op,
 * "nothing to do" time, incremental sync after 1% changed on each side.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sqlite3 from 'sqlite3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(join(ROOT, 'apps/gateway/dist', p));
const require = createRequire(import.meta.url);

const SIZES = (process.env.BENCH_OPS ?? '10000,100000').split(',').map(Number);
/** Edits per page: wiki pages are edited, not only created. */
const EDITS_PER_PAGE = Number(process.env.BENCH_EDITS_PER_PAGE ?? 10);
/** ~1 KB of text that does not compress: PouchDB's HTTP answers are gzipped, the sync protocol's frames are not. */
const text = (i) => `edit ${i}\n${randomBytes(750).toString('base64')}`;

const { startGateway } = await dist('gateway.js');
const { loadConfig } = await dist('config/gateway-config.js');
const { MeshNodeService } = await dist('mesh/node/mesh-node.service.js');
const { OpLogService } = await dist('oplog/oplog.service.js');
const { GatewayOpStore } = await dist('mesh/store/gateway-op-store.js');
const { INSERT_OP_SQL, opInsertParams } = await dist('oplog/op-row.js');
const mesh = await import(join(ROOT, 'libs/mesh/dist/index.js'));

const fmt = (n, d = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : '-';
const seconds = (ms) => `${fmt(ms / 1000, 2)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

class Client {
  constructor(url) {
    this.url = `${url}/graphql`;
    this.headers = { 'content-type': 'application/json' };
  }
  async gql(query, variables = {}) {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify({ query, variables }),
    });
    const cookie = res.headers.get('set-cookie');
    if (cookie) this.headers.cookie = cookie.split(';')[0];
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
  async signUp(name) {
    const { signUp } = await this.gql(
      'mutation ($i: SignUpInput!) { signUp(input: $i) { csrfToken account { id } } }',
      { i: { name, password: 'bench password' } },
    );
    this.headers['x-csrf-token'] = signUp.csrfToken;
    return signUp.account.id;
  }
}

async function gateway(dataDir) {
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
function* wikiEdits(identity, orgId, actor, count, after, pagePrefix, startWall) {
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

async function gatehouseRun(n, dir) {
  // The source: an organisation, an invite, then N edits written straight into its log.
  let source = await gateway(join(dir, 'source'));
  const owner = new Client(source.url);
  const ownerId = await owner.signUp('owner');
  const orgId = (
    await owner.gql('mutation { createOrganization(input: { name: "Bench", slug: "bench" }) { id } }')
  ).createOrganization.id;
  const code = (
    await owner.gql('mutation ($i: InviteGatewayInput!) { inviteGateway(input: $i) { code } }', {
      i: { orgId },
    })
  ).inviteGateway.code;
  const [tip] = await source.dataSource.query(
    'SELECT seq, id, hlc FROM op WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
    [orgId, source.identity.peerId],
  );
  const wall = mesh.decodeHlc(tip.hlc).wall + 1;
  let opBytes = 0;
  await source.dataSource.transaction(async (tx) => {
    for (const op of wikiEdits(source.identity, orgId, ownerId, n, tip, 'page', wall)) {
      opBytes += op.bytes.byteLength + op.sig.byteLength;
      await tx.query(INSERT_OP_SQL, opInsertParams(op, Date.now()));
    }
  });
  // Restart so the op log picks up its new chain tip (the sticky port keeps the invite's address valid).
  await source.close();
  source = await gateway(join(dir, 'source'));

  // The receiver: fresh; the join answers after its first pull, or after 20 s with the pull going on.
  const receiver = await gateway(join(dir, 'receiver'));
  const operator = new Client(receiver.url);
  await operator.signUp('operator');
  const started = performance.now();
  await operator.gql('mutation ($c: String!) { joinOrganization(code: $c) { ops } }', { c: code });
  // The admission of the receiver is the source's newest op.
  const total = await source.app.get(OpLogService).opCount(orgId);
  // Chains have no gaps, so the sum of the receiver's version vector counts its ops; it is kept in
  // memory, so polling it costs the receiver nothing (a count(*) of the log would).
  const held = async () =>
    Object.values(await receiver.app.get(GatewayOpStore).versionVector(orgId)).reduce((a, b) => a + b, 0);
  while ((await held()) < total) await new Promise((r) => setTimeout(r, 20));
  const catchUpMs = performance.now() - started;
  // Search entries are written once commits pause (SearchIndexer): when the last one is in.
  const unindexed = async () =>
    (await receiver.dataSource.query('SELECT count(*) AS n FROM search_doc WHERE stale > 0'))[0].n;
  while ((await unindexed()) > 0) await new Promise((r) => setTimeout(r, 20));
  const searchReadyMs = performance.now() - started;
  const [state] = receiver.app
    .get(MeshNodeService)
    .sync.syncStates({ org: orgId, peer: source.identity.peerId });

  // "Nothing to do": one pull between two gateways already in sync.
  const idle = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    const r = await receiver.app.get(MeshNodeService).sync.pull(source.identity.peerId, orgId);
    if (r.applied || r.batches) throw new Error('expected nothing to do');
    idle.push(performance.now() - t);
  }

  // Incremental: 1% new edits on each side while apart, then both ways at once.
  const k = Math.max(1, Math.round(n / 100));
  await receiver.app.get(MeshNodeService).stop();
  const drafts = (prefix) =>
    Array.from({ length: k }, (_, i) => ({
      org: orgId,
      actor: ownerId,
      kind: 'wiki.revision',
      entity: `${orgId}/${prefix}-${i}`,
      payload: { orgId, path: `${prefix}-${i}`, title: prefix, content: text(i), resolves: false },
    }));
  for (let i = 0; i < k; i += 500) {
    await source.app.get(OpLogService).append(drafts('src').slice(i, i + 500));
    await receiver.app.get(OpLogService).append(drafts('rcv').slice(i, i + 500));
  }
  const want = total + 2 * k;
  const t0 = performance.now();
  await receiver.app.get(MeshNodeService).start();
  const counts = async () =>
    Promise.all([source, receiver].map((g) => g.app.get(OpLogService).opCount(orgId)));
  for (;;) {
    const [a, b] = await counts();
    if (a === want && b === want) break;
    if (performance.now() - t0 > 600_000) throw new Error(`incremental sync stuck at ${a}/${b} of ${want}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const incrementalMs = performance.now() - t0;
  // Let live-update subscribers of the last commits finish before the databases close.
  await new Promise((r) => setTimeout(r, 500));
  await receiver.close();
  await source.close();
  return {
    catchUpMs,
    searchReadyMs,
    opsPerSec: n / (catchUpMs / 1000),
    wireBytesPerOp: state.bytesReceived / n,
    opBytesPerOp: opBytes / n,
    idleMs: median(idle),
    incrementalMs,
  };
}

/** An HTTP server that counts every byte both ways on its sockets. */
function countingServer(app) {
  const server = createServer(app);
  let bytes = 0;
  const open = new Set();
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => {
      bytes += socket.bytesRead + socket.bytesWritten;
      open.delete(socket);
    });
  });
  return {
    server,
    bytes: () => bytes + [...open].reduce((n, s) => n + s.bytesRead + s.bytesWritten, 0),
  };
}

async function pouchRun(n, dir) {
  const PouchDB = require('pouchdb');
  const express = require('express');
  const ServerPouch = PouchDB.defaults({ prefix: `${join(dir, 'pouch-server')}/` });
  mkdirSync(join(dir, 'pouch-server'), { recursive: true });
  const app = express();
  app.use(
    '/',
    require('express-pouchdb')(ServerPouch, { mode: 'minimumForPouchDB', logPath: join(dir, 'pouch.log') }),
  );
  const { server, bytes } = countingServer(app);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/bench`;
  const source = new ServerPouch('bench');
  for (let i = 0; i < n; i += 1000) {
    const docs = [];
    for (let j = i; j < Math.min(i + 1000, n); j++)
      docs.push({ _id: `page-${j}`, title: `page-${j}`, content: text(j) });
    await source.bulkDocs(docs);
  }
  // Tuned, not defaults (batch_size 100): bigger batches are PouchDB's fastest setting here.
  const options = { batch_size: 1000, batches_limit: 10 };
  const target = new PouchDB(join(dir, 'pouch-target'));
  const before = bytes();
  const started = performance.now();
  const result = await target.replicate.from(url, options);
  const catchUpMs = performance.now() - started;
  if (result.docs_written !== n) throw new Error(`pouchdb wrote ${result.docs_written} of ${n}`);
  const wire = bytes() - before;
  const idle = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await target.replicate.from(url, options);
    idle.push(performance.now() - t);
  }
  const k = Math.max(1, Math.round(n / 100));
  const change = async (db, prefix) => {
    const docs = [];
    for (let i = 0; i < k; i++) docs.push({ _id: `${prefix}-${i}`, content: text(i) });
    await db.bulkDocs(docs);
  };
  await change(source, 'src');
  await change(target, 'rcv');
  const t0 = performance.now();
  await target.sync(url, options);
  const incrementalMs = performance.now() - t0;
  await target.close();
  await source.close();
  await new Promise((r) => server.close(r));
  server.closeAllConnections?.();
  return {
    catchUpMs,
    opsPerSec: n / (catchUpMs / 1000),
    wireBytesPerOp: wire / n,
    idleMs: median(idle),
    incrementalMs,
  };
}

const run = (db, sql, params = []) =>
  new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));

/**
 * The limit: the same op rows inserted into a WAL + synchronous=FULL SQLite
 * file with multi-row INSERTs (500 rows a statement) in one transaction, the
 * fastest way sqlite3 offers to store them.
 */
async function sqliteRun(n, dir) {
  const identity = await mesh.generateIdentity();
  const ops = [...wikiEdits(identity, 'org', 'actor', n, null, 'page', Date.now())];
  const db = new sqlite3.Database(join(dir, 'raw.sqlite'));
  for (const pragma of ['journal_mode = WAL', 'synchronous = FULL']) await run(db, `PRAGMA ${pragma}`);
  await run(
    db,
    `CREATE TABLE op (id TEXT PRIMARY KEY, org TEXT NOT NULL, author TEXT NOT NULL, seq INTEGER NOT NULL, hlc TEXT NOT NULL,
      kind TEXT NOT NULL, entity TEXT NOT NULL, body BLOB NOT NULL, sig BLOB NOT NULL, received_at INTEGER NOT NULL,
      UNIQUE (org, author, seq))`,
  );
  const started = performance.now();
  await run(db, 'BEGIN');
  for (let i = 0; i < n; i += 500) {
    const chunk = ops.slice(i, i + 500);
    await run(
      db,
      `INSERT INTO op VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((op) => [
        op.id,
        op.org,
        op.author,
        op.seq,
        op.hlc,
        op.kind,
        op.entity,
        Buffer.from(op.bytes),
        Buffer.from(op.sig),
        Date.now(),
      ]),
    );
  }
  await run(db, 'COMMIT');
  const ms = performance.now() - started;
  await new Promise((r) => db.close(r));
  return { opsPerSec: n / (ms / 1000) };
}

async function main() {
  console.log(
    `Replication benchmark (node ${process.versions.node}, ${EDITS_PER_PAGE} edits per page, ~1 KB each)\n`,
  );
  for (const n of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-repl-'));
    try {
      const gh = await gatehouseRun(n, dir);
      const pouch = await pouchRun(n, dir);
      const raw = await sqliteRun(n, dir);
      const rows = [
        ['catch-up time (fresh gateway)', seconds(gh.catchUpMs), seconds(pouch.catchUpMs), ''],
        ['...and every page searchable', seconds(gh.searchReadyMs), '', ''],
        ['ops (docs) per second', fmt(gh.opsPerSec), fmt(pouch.opsPerSec), fmt(raw.opsPerSec)],
        ['bytes on the wire per op', fmt(gh.wireBytesPerOp), fmt(pouch.wireBytesPerOp), fmt(gh.opBytesPerOp)],
        ['"nothing to do" (median)', `${fmt(gh.idleMs, 1)} ms`, `${fmt(pouch.idleMs, 1)} ms`, ''],
        ['incremental, 1% changed each side', seconds(gh.incrementalMs), seconds(pouch.incrementalMs), ''],
      ];
      console.log(`N = ${fmt(n)}`);
      console.log(
        `  ${'figure'.padEnd(36)}${'Gatehouse'.padStart(14)}${'PouchDB'.padStart(14)}${'raw SQLite'.padStart(14)}`,
      );
      for (const [label, a, b, c] of rows)
        console.log(`  ${label.padEnd(36)}${a.padStart(14)}${b.padStart(14)}${c.padStart(14)}`);
      console.log(
        `  ratios: ${fmt(gh.opsPerSec / pouch.opsPerSec, 1)}x PouchDB docs/s (goal >= 10x), ` +
          `${fmt(gh.opsPerSec / raw.opsPerSec, 2)} of raw SQLite multi-row inserts (goal >= 0.33), ` +
          `incremental ${fmt(pouch.incrementalMs / gh.incrementalMs, 1)}x faster than PouchDB, ` +
          `"nothing to do" ${fmt(pouch.idleMs / gh.idleMs, 1)}x faster\n`,
      );
      console.log(
        '  (catch-up: every op stored and every page readable; search entries follow once commits pause.\n' +
          '   raw SQLite "bytes" column: op body + signature, what any replication must carry)\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.exit(0);
}

await main();
