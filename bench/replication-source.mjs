#!/usr/bin/env node
/**
 * The sending side of the replication benchmark, in its own process as it
 * would be on its own box: a source gateway, and PouchDB's HTTP server. The
 * benchmark (replication.mjs) drives it through spawnPeer; the receiving
 * gateway and PouchDB's client run in the benchmark's process.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startProfile, stopProfile } from './cpu-profile.mjs';
import {
  appendAll,
  benchGateway,
  dist,
  mesh,
  pouchDocs,
  servePeer,
  text,
  wikiDrafts,
  wikiEdits,
} from './replication-workload.mjs';

const require = createRequire(import.meta.url);
const { OpLogService } = await dist('oplog/oplog.service.js');
const { INSERT_OP_SQL, opInsertParams } = await dist('oplog/op-row.js');

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

let gateway = null;
let dataDir = null;
let pouch = null;

servePeer({
  async startGateway({ dir }) {
    dataDir = dir;
    gateway = await benchGateway(dir);
    return { url: gateway.url, peerId: gateway.identity.peerId };
  },

  /** N edits written straight into the log, then a restart so the op log picks up its new chain tip. */
  async seed({ orgId, actor, n }) {
    const [tip] = await gateway.dataSource.query(
      'SELECT seq, id, hlc FROM op WHERE org = ? AND author = ? ORDER BY seq DESC LIMIT 1',
      [orgId, gateway.identity.peerId],
    );
    const wall = mesh.decodeHlc(tip.hlc).wall + 1;
    let opBytes = 0;
    await gateway.dataSource.transaction(async (tx) => {
      for (const op of wikiEdits(gateway.identity, orgId, actor, n, tip, 'page', wall)) {
        opBytes += op.bytes.byteLength + op.sig.byteLength;
        await tx.query(INSERT_OP_SQL, opInsertParams(op, Date.now()));
      }
    });
    // The sticky port keeps the invite's address valid across the restart.
    await gateway.close();
    gateway = await benchGateway(dataDir);
    return { opBytes };
  },

  startProfile,
  stopProfile: ({ label }) => stopProfile(label),

  opCount: ({ orgId }) => gateway.app.get(OpLogService).opCount(orgId),

  /** `k` new pages written through the op log, as a member's edits would be. */
  async edit({ orgId, actor, prefix, k }) {
    await appendAll(gateway.app.get(OpLogService), wikiDrafts(orgId, actor, prefix, k));
  },

  async closeGateway() {
    await gateway.close();
    gateway = null;
  },

  /** PouchDB's source database with `n` documents, served by express-pouchdb. */
  async startPouch({ dir, n }) {
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
    const db = new ServerPouch('bench');
    for (let i = 0; i < n; i += 1000) {
      const docs = [];
      for (let j = i; j < Math.min(i + 1000, n); j++)
        docs.push({ _id: `page-${j}`, title: `page-${j}`, content: text(j) });
      await db.bulkDocs(docs);
    }
    pouch = { server, bytes, db };
    return { url: `http://127.0.0.1:${server.address().port}/bench` };
  },

  pouchBytes: () => pouch.bytes(),

  async pouchEdit({ prefix, k }) {
    await pouch.db.bulkDocs(pouchDocs(prefix, k));
  },

  async closePouch() {
    await pouch.db.close();
    await new Promise((r) => pouch.server.close(r));
    pouch.server.closeAllConnections?.();
    pouch = null;
  },

  exit() {
    setImmediate(() => process.exit(0));
  },
});
