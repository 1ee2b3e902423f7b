/**
 * An OpStore in memory, for tests and examples: real ops, real chain and
 * signature checks, admission as a plain set per organisation, no projections.
 * Like the gateway's store, it marks as verified only the signatures it made
 * or checked: the newest op of each received run.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { GatewayIdentity } from '../identity/gateway-identity.js';
import type { OpValue } from '../oplog/canonical.js';
import { verifyRun } from '../oplog/chain.js';
import { decodeHlc, encodeHlc, HybridLogicalClock } from '../oplog/hlc.js';
import { type Op, signOp } from '../oplog/op.js';
import { compareOps } from '../oplog/order.js';
import type { VersionVector } from '../oplog/version-vector.js';
import {
  contradictionReason,
  type IngestOutcome,
  type IngestRejection,
  type InviteRedemption,
  type OpStore,
  type StoredOp,
} from './op-store.js';

export class MemoryOpStore implements OpStore {
  private readonly logs = new Map<string, Map<string, Op[]>>();
  /** Ids of the ops whose signature this store made or verified. */
  private readonly verified = new Set<string>();
  private readonly hosted = new Set<string>();
  private readonly admitted = new Map<string, Set<string>>();
  private readonly invites = new Map<string, { org: string; secret: string; used: boolean }>();
  private readonly listeners = new Set<(orgs: readonly string[]) => void>();
  private readonly clock = new HybridLogicalClock();
  /** Every op ever applied, with how many times: a correct sync applies each once. */
  readonly applications = new Map<string, number>();
  /** Calls to ingest(), and every refusal, for assertions. */
  ingestCalls = 0;
  readonly refusals: IngestRejection[] = [];
  /** Signatures the sync server verified on demand and told this store about. */
  remembered = 0;
  /** Slows each ingest down, to exercise back-pressure and cut transfers. */
  ingestDelayMs = 0;
  /** Test hook: rewrites what this store serves, to play a malicious peer. */
  tamper: ((ops: readonly StoredOp[]) => readonly StoredOp[]) | null = null;

  constructor(readonly identity: GatewayIdentity) {}

  get peerId(): string {
    return this.identity.peerId;
  }

  /** Hosts an organisation; `peers` (and this gateway) are admitted to it. */
  host(org: string, peers: readonly string[] = []): this {
    this.hosted.add(org);
    const set = this.admitted.get(org) ?? new Set([this.peerId]);
    for (const p of peers) set.add(p);
    this.admitted.set(org, set);
    return this;
  }

  admit(org: string, peer: string): void {
    this.host(org, [peer]);
  }

  revoke(org: string, peer: string): void {
    this.admitted.get(org)?.delete(peer);
  }

  createInvite(org: string): { invite: string; secret: string } {
    const invite = randomBytes(8).toString('hex');
    const secret = randomBytes(16).toString('hex');
    this.invites.set(invite, { org, secret, used: false });
    return { invite, secret };
  }

  /** Writes `count` signed ops of this gateway into `org`. */
  write(org: string, count = 1, payload: (i: number) => OpValue = (i) => ({ n: i })): Op[] {
    const out: Op[] = [];
    for (let i = 0; i < count; i++) {
      const chain = this.chain(org, this.peerId);
      const tip = chain.at(-1);
      const op = signOp(this.identity, {
        v: 1,
        org,
        author: this.peerId,
        seq: (tip?.seq ?? 0) + 1,
        prev: tip?.id ?? null,
        hlc: encodeHlc(this.clock.tick()),
        actor: null,
        kind: 'test.write',
        entity: `e${chain.length % 7}`,
        payload: payload(i),
      });
      chain.push(op);
      this.verified.add(op.id);
      this.applications.set(op.id, 1);
      out.push(op);
    }
    this.notify([org]);
    return out;
  }

  private chain(org: string, author: string): Op[] {
    let log = this.logs.get(org);
    if (!log) {
      log = new Map();
      this.logs.set(org, log);
    }
    let chain = log.get(author);
    if (!chain) {
      chain = [];
      log.set(author, chain);
    }
    return chain;
  }

  /**
   * Stores ops with no checks at all, as if every signature had been verified:
   * a compromised gateway's log, for tests. It sends them on as they are.
   */
  forceStore(ops: readonly Op[]): void {
    for (const op of [...ops].sort((a, b) => a.seq - b.seq)) {
      this.chain(op.org, op.author).push(op);
      this.verified.add(op.id);
    }
  }

  /** Whether this store made or verified the signature it holds for an op. */
  sigVerified(id: string): boolean {
    return this.verified.has(id);
  }

  /** All ops held for an organisation, in log order. */
  ops(org: string): Op[] {
    return [...(this.logs.get(org)?.values() ?? [])].flat().sort(compareOps);
  }

  opCount(org: string): number {
    let n = 0;
    for (const chain of this.logs.get(org)?.values() ?? []) n += chain.length;
    return n;
  }

  /** A digest of the set of ops held: equal on two stores that hold the same ops. */
  stateHash(org: string): string {
    const hash = createHash('sha256');
    for (const op of this.ops(org)) hash.update(op.id);
    return hash.digest('hex');
  }

  async hostedOrgs(): Promise<readonly string[]> {
    return [...this.hosted];
  }

  async hosts(org: string): Promise<boolean> {
    return this.hosted.has(org);
  }

  async versionVector(org: string): Promise<VersionVector> {
    const vv: Record<string, number> = {};
    for (const [author, chain] of this.logs.get(org) ?? []) if (chain.length) vv[author] = chain.length;
    return vv;
  }

  async opsAfter(org: string, author: string, afterSeq: number, limit: number): Promise<readonly StoredOp[]> {
    const ops = (this.logs.get(org)?.get(author) ?? [])
      .slice(afterSeq, afterSeq + limit)
      .map(({ author, seq, hlc, bytes, sig, id }) => ({
        author,
        seq,
        hlc,
        bytes,
        sig,
        sigVerified: this.verified.has(id),
      }));
    return this.tamper ? this.tamper(ops) : ops;
  }

  rememberVerified(org: string, author: string, seq: number): void {
    const op = this.logs.get(org)?.get(author)?.[seq - 1];
    if (!op) return;
    this.verified.add(op.id);
    this.remembered += 1;
  }

  async mayReplicate(org: string, peer: string): Promise<boolean> {
    return this.hosted.has(org) && !!this.admitted.get(org)?.has(peer);
  }

  onCommit(listener: (orgs: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(orgs: readonly string[]): void {
    for (const l of this.listeners) l(orgs);
  }

  async redeemInvite(request: InviteRedemption): Promise<'admitted' | 'invalid'> {
    const invite = this.invites.get(request.invite);
    if (!invite || invite.used || invite.org !== request.org || invite.secret !== request.secret)
      return 'invalid';
    invite.used = true;
    this.admit(request.org, request.peer);
    return 'admitted';
  }

  async ingest(org: string, ops: readonly Op[]): Promise<IngestOutcome> {
    this.ingestCalls += 1;
    if (this.ingestDelayMs) await new Promise((r) => setTimeout(r, this.ingestDelayMs));
    let applied = 0;
    let duplicates = 0;
    const rejected: IngestRejection[] = [];
    const refuse = (op: Op, reason: string) =>
      rejected.push({ id: op.id, author: op.author, seq: op.seq, reason });
    const byAuthor = new Map<string, Op[]>();
    for (const op of ops) {
      if (op.org !== org) {
        refuse(op, 'mixed-run');
        continue;
      }
      const run = byAuthor.get(op.author) ?? [];
      run.push(op);
      byAuthor.set(op.author, run);
    }
    for (const [author, run] of byAuthor) {
      run.sort((a, b) => a.seq - b.seq);
      const chain = this.chain(org, author);
      const contradiction = () => contradictionReason(run);
      const fresh: Op[] = [];
      for (const op of run) {
        if (op.seq <= chain.length) {
          if (chain[op.seq - 1].id === op.id) duplicates += 1;
          else refuse(op, contradiction());
        } else if (!fresh.some((f) => f.seq === op.seq)) fresh.push(op);
      }
      if (!fresh.length) continue;
      const tip = chain.at(-1);
      const verdict = verifyRun(fresh, tip ? { seq: tip.seq, id: tip.id, hlc: tip.hlc } : null);
      if (!verdict.ok) {
        const reason = verdict.reason === 'broken-chain' ? contradiction() : verdict.reason;
        for (const op of fresh) refuse(op, reason);
        continue;
      }
      if (!this.admitted.get(org)?.has(author)) {
        for (const op of fresh) refuse(op, 'not-admitted');
        continue;
      }
      for (const op of fresh) {
        chain.push(op);
        this.applications.set(op.id, (this.applications.get(op.id) ?? 0) + 1);
        this.clock.observe(decodeHlc(op.hlc));
        applied += 1;
      }
      // verifyRun checked the newest op's signature, and no other.
      this.verified.add(fresh[fresh.length - 1].id);
    }
    this.refusals.push(...rejected);
    if (applied) this.notify([org]);
    return { applied, duplicates, rejected };
  }
}
