#!/usr/bin/env node
/**
 * Rebuild benchmark: how long a gateway holding N wiki edits (~1 KB each,
 * BENCH_EDITS_PER_PAGE to a page) takes to rebuild every projection from its
 * log: plainly (`gatehouse rebuild` without judging, a migration's replay)
 * and with every op judged afresh (the reconciliation of a change of
 * authority that arrived late). Writes wait for either: its time is how long
 * the gateway takes no writes. The baseline, in the same run, is the same
 * log received over the sync path's ingest (the rate a catch-up stores and
 * applies ops at), from the same signed ops.
 *
 *   npm run bench:rebuild                (builds first)
 *   BENCH_OPS=10000 node bench/rebuild.mjs
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchGateway, dist, EDITS_PER_PAGE, wikiEdits } from './replication-workload.mjs';

const SIZES = (process.env.BENCH_OPS ?? '10000,100000').split(',').map(Number);
const { OpLogService } = await dist('oplog/oplog.service.js');
const { OpJudge } = await dist('mesh/authority/op-judge.js');
const { GATEWAY_IDENTITY } = await dist('oplog/tokens.js');
const { chainTip, opFromRow } = await dist('oplog/op-row.js');

const fmt = (x, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const judged = { authority: (tx) => new OpJudge(tx) };

/** A gateway with an organisation its owner created over GraphQL, as a member would. */
async function gatewayWithOrg(dir) {
  const gw = await benchGateway(dir);
  const headers = { 'content-type': 'application/json' };
  const gql = async (query, variables) => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const cookie = res.headers.get('set-cookie');
    if (cookie) headers.cookie = cookie.split(';')[0];
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const { signUp } = await gql(
    'mutation ($i: SignUpInput!) { signUp(input: $i) { csrfToken account { id } } }',
    { i: { name: 'owner', password: 'bench password' } },
  );
  headers['x-csrf-token'] = signUp.csrfToken;
  const { createOrganization } = await gql(
    'mutation { createOrganization(input: { name: "Bench", slug: "bench" }) { id } }',
  );
  return { gw, orgId: createOrganization.id, actor: signUp.account.id };
}

const timed = async (fn) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

async function run(n) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-rebuild-'));
  try {
    const { gw, orgId, actor } = await gatewayWithOrg(dir);
    const oplog = gw.app.get(OpLogService);
    const identity = gw.app.get(GATEWAY_IDENTITY);
    // The edits continue the gateway's own chain, so the judge admits them as the organisation's creator's.
    const tip = await chainTip(gw.dataSource, orgId, identity.peerId);
    const [row] = await gw.dataSource.query('SELECT * FROM op WHERE id = ?', [tip.id]);
    const edits = [...wikiEdits(identity, orgId, actor, n, opFromRow(row), 'page', Date.now() + 1000)];
    const ingestMs = await timed(async () => {
      for (let i = 0; i < edits.length; i += 1000) await oplog.ingest(edits.slice(i, i + 1000), judged);
    });
    // The WAL file keeps its largest size: what a rebuild's one transaction needs on disk.
    const walMb = () => statSync(join(dir, 'gatehouse.sqlite-wal')).size / 1e6;
    const ingestWal = walMb();
    const plainMs = await timed(() => oplog.rebuild());
    const plainWal = walMb();
    const judgedMs = await timed(() => oplog.rebuild(judged));
    const judgedWal = walMb();
    const held = await oplog.opCount(orgId);
    await gw.close();
    return { n, held, ingestMs, plainMs, judgedMs, ingestWal, plainWal, judgedWal };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `Rebuild benchmark (node ${process.versions.node}, ${EDITS_PER_PAGE} edits per page, ~1 KB each)\n`,
);
const columns = [
  'N',
  'ingest (baseline)',
  'plain rebuild',
  'judged rebuild',
  'judged / ingest',
  'WAL file after each',
];
console.log(columns.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(i === 5 ? 24 : 20))).join(''));
for (const n of SIZES) {
  const r = await run(n);
  const rate = (ms) => `${fmt(ms / 1000, 2)} s ${fmt((r.held / ms) * 1000)}/s`;
  console.log(
    [
      fmt(r.n).padEnd(10),
      rate(r.ingestMs).padStart(20),
      rate(r.plainMs).padStart(20),
      rate(r.judgedMs).padStart(20),
      `${fmt(r.judgedMs / r.ingestMs, 2)}×`.padStart(20),
      [r.ingestWal, r.plainWal, r.judgedWal]
        .map((mb) => `${fmt(mb)}`)
        .join(' / ')
        .concat(' MB')
        .padStart(24),
    ].join(''),
  );
}
process.exit(0);
