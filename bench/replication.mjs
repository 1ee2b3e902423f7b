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
 * Each system's sending side runs in a child process (replication-source.mjs),
 * as it would on its own box, and its receiving side in this one: the source
 * gateway and PouchDB's server there, the fresh gateway and PouchDB's client
 * here. Raw SQLite runs here alone. Compare ratios, not absolute numbers.
 * Prints per size: catch-up time and ops/s, bytes on the wire per op,
 * "nothing to do" time, incremental sync after 1% changed on each side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { startProfile, stopProfile } from './cpu-profile.mjs';
import {
  appendAll,
  benchGateway,
  dist,
  EDITS_PER_PAGE,
  mesh,
  pouchDocs,
  spawnPeer,
  wikiDrafts,
  wikiEdits,
} from './replication-workload.mjs';

const require = createRequire(import.meta.url);
const SIZES = (process.env.BENCH_OPS ?? '10000,100000').split(',').map(Number);

const { MeshNodeService } = await dist('mesh/node/mesh-node.service.js');
const { OpLogService } = await dist('oplog/oplog.service.js');
const { GatewayOpStore } = await dist('mesh/store/gateway-op-store.js');

const fmt = (n, d = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
    : '-';
const seconds = (ms) => `${fmt(ms / 1000, 2)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

async function gatehouseRun(n, dir, peer) {
  // The source (child process): an organisation, an invite, then N edits written straight into its log.
  const source = await peer.call('startGateway', { dir: join(dir, 'source') });
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
  const { opBytes } = await peer.call('seed', { orgId, actor: ownerId, n });

  // The receiver (this process): fresh; the join answers after its first pull, or after 20 s with the pull going on.
  const receiver = await benchGateway(join(dir, 'receiver'));
  const operator = new Client(receiver.url);
  await operator.signUp('operator');
  await Promise.all([startProfile(), peer.call('startProfile')]);
  const started = performance.now();
  await operator.gql('mutation ($c: String!) { joinOrganization(code: $c) { ops } }', { c: code });
  // Counted once the join is in: the admission of the receiver is the source's newest op.
  const total = await peer.call('opCount', { orgId });
  // Chains have no gaps, so the sum of the receiver's version vector counts its ops; it is kept in
  // memory, so polling it costs the receiver nothing (a count(*) of the log would).
  const held = async () =>
    Object.values(await receiver.app.get(GatewayOpStore).versionVector(orgId)).reduce((a, b) => a + b, 0);
  while ((await held()) < total) await sleep(20);
  const catchUpMs = performance.now() - started;
  await Promise.all([stopProfile(`receiver-${n}`), peer.call('stopProfile', { label: `sender-${n}` })]);
  // Search entries are written once commits pause (SearchIndexer): when the last one is in.
  const unindexed = async () =>
    (await receiver.dataSource.query('SELECT count(*) AS n FROM search_doc WHERE stale > 0'))[0].n;
  while ((await unindexed()) > 0) await sleep(20);
  const searchReadyMs = performance.now() - started;
  const sync = receiver.app.get(MeshNodeService).sync;
  const [state] = sync.syncStates({ org: orgId, peer: source.peerId });

  // "Nothing to do": one pull between two gateways already in sync.
  const idle = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    const r = await sync.pull(source.peerId, orgId);
    if (r.applied || r.batches) throw new Error('expected nothing to do');
    idle.push(performance.now() - t);
  }

  // Incremental: 1% new edits on each side while apart, then both ways at once.
  const k = Math.max(1, Math.round(n / 100));
  await receiver.app.get(MeshNodeService).stop();
  await peer.call('edit', { orgId, actor: ownerId, prefix: 'src', k });
  await appendAll(receiver.app.get(OpLogService), wikiDrafts(orgId, ownerId, 'rcv', k));
  const want = total + 2 * k;
  const t0 = performance.now();
  await receiver.app.get(MeshNodeService).start();
  for (;;) {
    const [a, b] = [
      await peer.call('opCount', { orgId }),
      await receiver.app.get(OpLogService).opCount(orgId),
    ];
    if (a === want && b === want) break;
    if (performance.now() - t0 > 600_000) throw new Error(`incremental sync stuck at ${a}/${b} of ${want}`);
    await sleep(5);
  }
  const incrementalMs = performance.now() - t0;
  // Let live-update subscribers of the last commits finish before the databases close.
  await sleep(500);
  await receiver.close();
  await peer.call('closeGateway');
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

async function pouchRun(n, dir, peer) {
  const PouchDB = require('pouchdb');
  const { url } = await peer.call('startPouch', { dir, n });
  // Tuned, not defaults (batch_size 100): bigger batches are PouchDB's fastest setting here.
  const options = { batch_size: 1000, batches_limit: 10 };
  const target = new PouchDB(join(dir, 'pouch-target'));
  const before = await peer.call('pouchBytes');
  const started = performance.now();
  const result = await target.replicate.from(url, options);
  const catchUpMs = performance.now() - started;
  if (result.docs_written !== n) throw new Error(`pouchdb wrote ${result.docs_written} of ${n}`);
  const wire = (await peer.call('pouchBytes')) - before;
  const idle = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await target.replicate.from(url, options);
    idle.push(performance.now() - t);
  }
  const k = Math.max(1, Math.round(n / 100));
  await peer.call('pouchEdit', { prefix: 'src', k });
  await target.bulkDocs(pouchDocs('rcv', k));
  const t0 = performance.now();
  await target.sync(url, options);
  const incrementalMs = performance.now() - t0;
  await target.close();
  await peer.call('closePouch');
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
 * fastest way sqlite3 offers to store them, with the gateway's 8 KiB pages
 * (faster here than SQLite's default 4 KiB too).
 */
async function sqliteRun(n, dir) {
  const identity = await mesh.generateIdentity();
  const ops = [...wikiEdits(identity, 'org', 'actor', n, null, 'page', Date.now())];
  const db = new sqlite3.Database(join(dir, 'raw.sqlite'));
  for (const pragma of ['page_size = 8192', 'journal_mode = WAL', 'synchronous = FULL'])
    await run(db, `PRAGMA ${pragma}`);
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
    const peer = spawnPeer(new URL('./replication-source.mjs', import.meta.url));
    try {
      const gh = await gatehouseRun(n, dir, peer);
      const pouch = await pouchRun(n, dir, peer);
      await peer.call('exit');
      await peer.exit();
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
          '   Senders (source gateway, PouchDB server) in a child process, receivers in this one.\n' +
          '   raw SQLite "bytes" column: op body + signature, what any replication must carry)\n',
      );
    } finally {
      peer.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.exit(0);
}

await main();
