import { type OpPlace, rankAddresses } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { latestOp } from '../../oplog/op-row.js';
import { OpLogService } from '../../oplog/oplog.service.js';
import { DATA_SOURCE, GATEWAY_IDENTITY } from '../../oplog/tokens.js';

/**
 * Rows of `mesh_peer` kept besides co-hosts' (the most recently seen). Any key
 * that speaks the sync protocol is remembered, so without a bound throwaway
 * keys would grow the table, and a bound that counted co-hosts would let them
 * push co-hosts out.
 */
export const OTHER_PEERS_KEPT = 200;

/** Addresses kept per peer in `mesh_peer`: those that reach furthest (`rankAddresses`). */
export const ADDRESSES_KEPT = 16;

/** Where a query runs: the data source, or a transaction's manager. */
type Queryable = Pick<EntityManager, 'query'>;

/** Peers remembered between two prunings of `mesh_peer`. */
const PRUNE_EVERY = 50;

export interface KnownPeer {
  readonly peerId: string;
  readonly addrs: string[];
  readonly seenAt: number;
}

export interface AdmittedGatewayRow {
  org_id: string;
  peer_id: string;
  status: 'admitted' | 'revoked';
  invite_id: string | null;
  actor: string | null;
  stamp: string;
}

/**
 * Who hosts what: the organisations this gateway holds, which gateways may
 * exchange each one with us, and where known peers were last reachable.
 */
@Injectable()
export class MeshDirectory {
  /** Starts full, so the first peer remembered after a start prunes what older versions kept. */
  private rememberedSincePrune = PRUNE_EVERY;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GATEWAY_IDENTITY) private readonly identity: { peerId: string },
    private readonly oplog: OpLogService,
  ) {}

  /**
   * Writes run in the log's write queue, never straight on the connection:
   * SQLite has one connection here, so a statement sent while a transaction
   * is open (an ingest, say) joins it, and is lost if that rolls back.
   */
  private write(sql: string, params: unknown[]): Promise<unknown> {
    return this.oplog.exclusive((tx) => tx.query(sql, params));
  }

  /** Top-level organisations whose log we hold, and those we joined and are still fetching. */
  async hostedOrgs(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      'SELECT id FROM org WHERE parent_id IS NULL UNION SELECT org_id AS id FROM mesh_join ORDER BY id',
    );
    return rows.map((r) => r.id);
  }

  async hosts(org: string): Promise<boolean> {
    const rows = await this.db.query(
      'SELECT 1 FROM org WHERE id = ? AND parent_id IS NULL UNION SELECT 1 FROM mesh_join WHERE org_id = ?',
      [org, org],
    );
    return rows.length > 0;
  }

  /** The gateway whose op created the organisation: admitted by that very act. */
  async creator(org: string): Promise<string | null> {
    const [row]: { author: string }[] = await this.db.query(
      `SELECT author FROM op WHERE org = ? AND kind = 'org.created' AND entity = ? ORDER BY hlc, author, seq LIMIT 1`,
      [org, org],
    );
    return row?.author ?? null;
  }

  /**
   * Whether we exchange `org` with `peer`: it must not be revoked, and be
   * admitted, the organisation's creator, or the gateway we joined through
   * until the log shows our own admission (or that we created it). Before
   * that we cannot see the seed's admission; after it, we hold the seed's too
   * (it precedes the invite the seed admitted us with), so a seed the log
   * does not admit (a stranger's forged invite code) learns nothing from us.
   */
  async mayReplicate(org: string, peer: string): Promise<boolean> {
    if (!(await this.hosts(org))) return false;
    const status = await this.admissionStatus(org, peer);
    if (status) return status === 'admitted';
    const creator = await this.creator(org);
    if (creator === peer) return true;
    if (creator === this.identity.peerId || (await this.admissionStatus(org, this.identity.peerId)))
      return false;
    const seed = await this.db.query('SELECT 1 FROM mesh_join WHERE org_id = ? AND seed_peer = ?', [
      org,
      peer,
    ]);
    return seed.length > 0;
  }

  /** Where `peer`'s revocation from `org` stands in the log, if it is revoked (see OpStore.revokedAt). */
  async revokedAt(org: string, peer: string): Promise<OpPlace | null> {
    if ((await this.admissionStatus(org, peer)) !== 'revoked') return null;
    const revocation = await latestOp(this.db, org, 'gateway.revoked', peer);
    return revocation && { hlc: revocation.hlc, author: revocation.author, seq: revocation.seq };
  }

  /**
   * Whether this gateway itself was revoked from `org` (it learns so from the log; see revokedAt),
   * read through `db` (a write's own transaction, say).
   */
  async selfRevoked(org: string, db: Queryable = this.db): Promise<boolean> {
    return (await this.admissionStatus(org, this.identity.peerId, db)) === 'revoked';
  }

  private async admissionStatus(org: string, peer: string, db: Queryable = this.db): Promise<string | null> {
    const [row]: { status: string }[] = await db.query(
      'SELECT status FROM gateway_admission WHERE org_id = ? AND peer_id = ?',
      [org, peer],
    );
    return row?.status ?? null;
  }

  /**
   * Every peer that may exchange one of our organisations with us (see
   * `mayReplicate`), whether or not we know where it is.
   */
  async coHosts(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const org of await this.hostedOrgs()) {
      const admitted: { peer_id: string }[] = await this.db.query(
        `SELECT peer_id FROM gateway_admission WHERE org_id = ? AND status = 'admitted'`,
        [org],
      );
      for (const row of admitted) out.add(row.peer_id);
      // The creator and the seed count unless an admission row says otherwise (a revocation).
      const seeds: { seed_peer: string }[] = await this.db.query(
        'SELECT seed_peer FROM mesh_join WHERE org_id = ?',
        [org],
      );
      const others = [await this.creator(org), ...seeds.map((s) => s.seed_peer)];
      for (const peer of others) {
        if (peer && !out.has(peer) && (await this.mayReplicate(org, peer))) out.add(peer);
      }
    }
    return out;
  }

  /** Whether `peer` may exchange any organisation we host with us. */
  async isCoHost(peer: string): Promise<boolean> {
    for (const org of await this.hostedOrgs()) if (await this.mayReplicate(org, peer)) return true;
    return false;
  }

  gateways(org: string): Promise<AdmittedGatewayRow[]> {
    return this.db.query('SELECT * FROM gateway_admission WHERE org_id = ? ORDER BY stamp', [org]);
  }

  async recordJoin(org: string, seedPeer: string, seedAddrs: readonly string[]): Promise<void> {
    await this.write(
      `INSERT INTO mesh_join (org_id, seed_peer, seed_addrs, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (org_id) DO UPDATE SET seed_peer = excluded.seed_peer, seed_addrs = excluded.seed_addrs`,
      [org, seedPeer, JSON.stringify(seedAddrs), Date.now()],
    );
  }

  async rememberPeer(peerId: string, addrs: readonly string[]): Promise<void> {
    if (!addrs.length) return;
    await this.write(
      `INSERT INTO mesh_peer (peer_id, addrs, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET addrs = excluded.addrs, seen_at = excluded.seen_at`,
      [peerId, JSON.stringify(rankAddresses(addrs).slice(0, ADDRESSES_KEPT)), Date.now()],
    );
    if (++this.rememberedSincePrune >= PRUNE_EVERY) await this.prunePeers();
  }

  /** Forgets all but the OTHER_PEERS_KEPT most recently seen peers that are not co-hosts. */
  async prunePeers(): Promise<void> {
    this.rememberedSincePrune = 0;
    const coHosts = await this.coHosts();
    const rows: { peer_id: string }[] = await this.db.query(
      'SELECT peer_id FROM mesh_peer ORDER BY seen_at DESC, peer_id',
    );
    const stale = rows
      .map((r) => r.peer_id)
      .filter((p) => !coHosts.has(p))
      .slice(OTHER_PEERS_KEPT);
    // In slices: SQLite limits the parameters of one statement.
    for (let i = 0; i < stale.length; i += 500) {
      const slice = stale.slice(i, i + 500);
      await this.write(`DELETE FROM mesh_peer WHERE peer_id IN (${slice.map(() => '?').join(', ')})`, slice);
    }
  }

  /** The addresses the node listened on last time (gateway_setting 'mesh.listen'). */
  async lastListen(): Promise<string[]> {
    const [row]: { value: string }[] = await this.db.query(
      `SELECT value FROM gateway_setting WHERE key = 'mesh.listen'`,
    );
    try {
      return row ? JSON.parse(row.value) : [];
    } catch {
      return [];
    }
  }

  async saveListen(addrs: readonly string[]): Promise<void> {
    await this.write(
      `INSERT INTO gateway_setting (key, value) VALUES ('mesh.listen', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [JSON.stringify(addrs)],
    );
  }

  /** Records that a pull of `org` reached its end at `at` (kept across restarts for the status bar). */
  async noteSynced(org: string, at: number): Promise<void> {
    await this.write(
      `INSERT INTO gateway_setting (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE CAST(excluded.value AS INTEGER) > CAST(value AS INTEGER)`,
      [`mesh.synced.${org}`, String(at)],
    );
  }

  /** When a pull of `org` last reached its end, as far as this gateway remembers (ms since epoch). */
  async lastSynced(org: string): Promise<number | null> {
    const [row]: { value: string }[] = await this.db.query(
      'SELECT value FROM gateway_setting WHERE key = ?',
      [`mesh.synced.${org}`],
    );
    return row ? Number(row.value) : null;
  }

  /**
   * The peers to redial at start: every co-host we know an address of, however
   * long ago it was seen, then the most recently seen others.
   */
  async knownPeers(): Promise<KnownPeer[]> {
    const { coHosts, others } = await this.knownPeersByKind();
    return [...coHosts, ...others];
  }

  /** The co-hosts we know an address of: the peers to stay connected to. */
  async knownCoHosts(): Promise<KnownPeer[]> {
    return (await this.knownPeersByKind()).coHosts;
  }

  /** Known co-hosts, and up to OTHER_PEERS_KEPT other peers, the most recently seen first. */
  async knownPeersByKind(): Promise<{ coHosts: KnownPeer[]; others: KnownPeer[] }> {
    const coHostIds = await this.coHosts();
    const rows: { peer_id: string; addrs: string; seen_at: number }[] = await this.db.query(
      'SELECT * FROM mesh_peer ORDER BY seen_at DESC, peer_id',
    );
    const out = { coHosts: [] as KnownPeer[], others: [] as KnownPeer[] };
    for (const r of rows) {
      const peer = { peerId: r.peer_id, addrs: JSON.parse(r.addrs), seenAt: r.seen_at };
      (coHostIds.has(peer.peerId) ? out.coHosts : out.others).push(peer);
    }
    out.others = out.others.slice(0, OTHER_PEERS_KEPT);
    return out;
  }
}
