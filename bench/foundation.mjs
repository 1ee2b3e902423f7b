#!/usr/bin/env node
/**
 * Foundation benchmark: one real gateway process (built dist), measured next
 * to the same operations done directly on SQLite in the same run.
 *
 *   npm run bench:foundation          (builds first)
 *   BENCH_WRITES=2000 BENCH_READS=20000 node bench/foundation.mjs
 *
 * Prints: page writes/s and reads/s over GraphQL vs direct SQLite (the ratio
 * is the figure), cold start time, and idle RSS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sqlite3 from 'sqlite3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRITES = Number(process.env.BENCH_WRITES ?? 1000);
const READS = Number(process.env.BENCH_READS ?? 10000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const CONTENT = 'x'.repeat(1000);

function startGateway(dataDir) {
  const started = performance.now();
  // Same V8 flags as `npm start` and the systemd unit.
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=2', join(ROOT, 'apps/gateway/dist/main.js'), 'start'],
    {
      env: {
        ...process.env,
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_HTTP_PORT: '0',
        GATEHOUSE_MDNS: 'off',
        GATEHOUSE_LOG_LEVEL: 'info',
        GATEHOUSE_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', async (d) => {
      out += d;
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m && !child.url) {
        child.url = m[1];
        // Started = first successful health check, as an operator would see it.
        for (;;) {
          try {
            if ((await fetch(`${child.url}/healthz`)).ok) break;
          } catch {}
          await new Promise((r) => setTimeout(r, 10));
        }
        resolve({ child, url: child.url, startMs: performance.now() - started });
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}):\n${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

function rssMb(pid, field = 'VmRSS:') {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** CPU time (user + system, ms) a process has used so far, all its threads included. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

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
}

async function timed(total, concurrency, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await task(i);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function overGraphql(url, pid) {
  const c = new Client(url);
  const { signUp } = await c.gql(
    'mutation { signUp(input: { name: "bench", password: "bench password" }) { csrfToken } }',
  );
  c.headers['x-csrf-token'] = signUp.csrfToken;
  const orgId = (
    await c.gql('mutation { createOrganization(input: { name: "Bench", slug: "bench" }) { id } }')
  ).createOrganization.id;
  const save = 'mutation ($i: SaveWikiPageInput!) { saveWikiPage(input: $i) { currentRevisionId } }';
  let cpu = cpuMs(pid);
  const writes = await timed(WRITES, CONCURRENCY, (i) =>
    c.gql(save, { i: { orgId, path: `page-${i}`, title: `Page ${i}`, content: `${i} ${CONTENT}` } }),
  );
  const writeCpuUs = ((cpuMs(pid) - cpu) * 1000) / WRITES;
  const read =
    'query ($o: ID!, $p: String!) { wikiPage(orgId: $o, path: $p) { title content currentRevisionId } }';
  cpu = cpuMs(pid);
  const reads = await timed(READS, CONCURRENCY, (i) => c.gql(read, { o: orgId, p: `page-${i % WRITES}` }));
  const readCpuUs = ((cpuMs(pid) - cpu) * 1000) / READS;
  return { writes, reads, writeCpuUs, readCpuUs };
}

function run(db, sql, params = []) {
  return new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
}
function get(db, sql, params = []) {
  return new Promise((resolve, reject) =>
    db.get(sql, params, (err, row) => (err ? reject(err) : resolve(row))),
  );
}

/** The floor: the same writes and reads straight into a WAL + synchronous=FULL SQLite file, one transaction per write. */
async function directSqlite(dir) {
  const db = new sqlite3.Database(join(dir, 'direct.sqlite'));
  for (const pragma of ['journal_mode = WAL', 'synchronous = FULL']) await run(db, `PRAGMA ${pragma}`);
  await run(db, 'CREATE TABLE page (path TEXT PRIMARY KEY, title TEXT, content TEXT, revision TEXT)');
  let queue = Promise.resolve();
  const serial = (fn) => (queue = queue.then(fn, fn));
  let cpu = process.cpuUsage();
  const writes = await timed(WRITES, CONCURRENCY, (i) =>
    serial(async () => {
      await run(db, 'BEGIN');
      await run(db, 'INSERT INTO page VALUES (?, ?, ?, ?)', [
        `page-${i}`,
        `Page ${i}`,
        `${i} ${CONTENT}`,
        String(i),
      ]);
      await run(db, 'COMMIT');
    }),
  );
  const usPer = (since, n) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / n;
  };
  const writeCpuUs = usPer(cpu, WRITES);
  cpu = process.cpuUsage();
  const reads = await timed(READS, CONCURRENCY, (i) =>
    get(db, 'SELECT * FROM page WHERE path = ?', [`page-${i % WRITES}`]),
  );
  const readCpuUs = usPer(cpu, READS);
  await new Promise((r) => db.close(r));
  return { writes, reads, writeCpuUs, readCpuUs };
}

/**
 * The ceiling this client can measure on this box: a bare Fastify server in
 * its own process answering every POST with a page-sized JSON constant.
 */
async function bareHttp() {
  const script = `
    import Fastify from 'fastify';
    const answer = { data: { wikiPage: { title: 'Page 1', content: ${JSON.stringify(CONTENT)}, currentRevisionId: 'r' } } };
    const app = Fastify();
    app.post('/graphql', async () => answer);
    await app.listen({ host: '127.0.0.1', port: 0 });
    console.log(JSON.stringify({ url: 'http://127.0.0.1:' + app.server.address().port }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(ROOT, 'apps/gateway'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).url));
    child.once('exit', (code) => reject(new Error(`bare HTTP server exited (${code})`)));
  });
  const c = new Client(url);
  const rate = await timed(READS, CONCURRENCY, () => c.gql('{ wikiPage { title } }'));
  await stop(child);
  return rate;
}

/** RSS added by each group of modules the gateway loads, measured in a fresh process. */
function importCosts() {
  const groups = [
    ['Node.js itself', []],
    ['NestJS core', ['reflect-metadata', '@nestjs/core', '@nestjs/common', '@nestjs/platform-fastify']],
    [
      'GraphQL (graphql, @nestjs/graphql, Mercurius)',
      ['graphql', '@nestjs/graphql', '@nestjs/mercurius', 'mercurius'],
    ],
    ['TypeORM + sqlite3', ['typeorm', 'sqlite3']],
    ['@gatehouse/mesh (libp2p)', ['@gatehouse/mesh']],
    ['gateway modules', ['./dist/app.module.js']],
  ];
  const script = `
    const out = [];
    const groups = ${JSON.stringify(groups)};
    for (const [name, mods] of groups) {
      for (const m of mods) await import(m);
      globalThis.gc();
      out.push([name, process.memoryUsage().rss]);
    }
    console.log(JSON.stringify(out));`;
  const res = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    cwd: join(ROOT, 'apps/gateway'),
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(res.stderr);
  const steps = JSON.parse(res.stdout.trim().split('\n').at(-1));
  return steps.map(([name, rss], i) => [name, (rss - (i ? steps[i - 1][1] : 0)) / 1048576]);
}

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  try {
    const starts = [];
    for (let i = 0; i < 3; i++) {
      const d = mkdtempSync(join(dir, 'cold-'));
      const g = await startGateway(d);
      starts.push(g.startMs);
      await stop(g.child);
    }
    starts.sort((a, b) => a - b);

    const g = await startGateway(join(dir, 'main'));
    await new Promise((r) => setTimeout(r, 3000));
    const idleRss = rssMb(g.child.pid);
    const idleAnon = rssMb(g.child.pid, 'RssAnon:');
    const gql = await overGraphql(g.url, g.child.pid);
    const busyRss = rssMb(g.child.pid);
    await stop(g.child);
    const direct = await directSqlite(dir);
    const ceiling = await bareHttp();

    const rows = [
      [
        'page writes/s (1 KB, fsync each)',
        fmt(gql.writes),
        fmt(direct.writes),
        fmt(gql.writes / direct.writes, 2),
      ],
      ['page reads/s', fmt(gql.reads), fmt(direct.reads), fmt(gql.reads / direct.reads, 2)],
      [
        'CPU per page write, µs (whole process)',
        fmt(gql.writeCpuUs),
        fmt(direct.writeCpuUs),
        fmt(direct.writeCpuUs / gql.writeCpuUs, 2),
      ],
      [
        'CPU per page read, µs (whole process)',
        fmt(gql.readCpuUs),
        fmt(direct.readCpuUs),
        fmt(direct.readCpuUs / gql.readCpuUs, 2),
      ],
    ];
    console.log(
      `\nGatehouse foundation benchmark — ${WRITES} writes, ${READS} reads, concurrency ${CONCURRENCY}, Node ${process.version}\n`,
    );
    console.log('| operation | over GraphQL | direct SQLite | ratio |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log('');
    console.log('| gateway figure | value | goal |');
    console.log('|---|---:|---|');
    console.log(`| cold start to first /healthz (median of 3) | ${fmt(starts[1])} ms | |`);
    console.log(`| idle RSS after start | ${fmt(idleRss, 1)} MB | ≤ 120 MB |`);
    console.log(`| of which private (heap, stacks) | ${fmt(idleAnon, 1)} MB | |`);
    console.log(
      `| of which file-backed (node binary, libraries; shared) | ${fmt(idleRss - idleAnon, 1)} MB | |`,
    );
    console.log(`| RSS after the run | ${fmt(busyRss, 1)} MB | |`);
    console.log(`| read ratio | ${fmt(gql.reads / direct.reads, 2)} | ≥ 0.50 |`);
    console.log(
      `| bare HTTP round trips/s, same client (its ceiling here) | ${fmt(ceiling)} | reads/s at ${fmt((100 * gql.reads) / ceiling)}% of it |`,
    );
    console.log('');
    console.log('| resident memory added by | MB |');
    console.log('|---|---:|');
    for (const [name, mb] of importCosts()) console.log(`| ${name} | ${fmt(mb, 1)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
