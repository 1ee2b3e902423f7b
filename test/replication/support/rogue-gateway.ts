/**
 * A misbehaving gateway for security tests: a bare libp2p node with the real
 * sync service over a MemoryOpStore it can fill with anything (ops of other
 * authors, forged or unauthorised ones), and a way to answer pulls with raw
 * frames of its choosing.
 */
import {
  createGatewayNode,
  encodeHlc,
  encodeMessage,
  type GatewayIdentity,
  type GatewayNode,
  generateIdentity,
  MemoryOpStore,
  type Op,
  type OpValue,
  SYNC_PROTOCOL,
  type SyncService,
  signOp,
  sync,
  withPeerId,
} from '@gatehouse/mesh';
import { lpStream } from '@libp2p/utils';
import { decodeInviteCode } from '../../../apps/gateway/src/mesh/admission/invite-code.util.js';
import { MeshNodeService } from '../../../apps/gateway/src/mesh/node/mesh-node.service.js';
import type { MeshGateway } from './mesh-fixture.js';

export interface Rogue {
  readonly identity: GatewayIdentity;
  readonly id: string;
  readonly store: MemoryOpStore;
  readonly node: GatewayNode<{ sync: SyncService }>;
  readonly sync: SyncService;
  /** Connects to a gateway (and waits until both sync services see each other). */
  connect(gw: MeshGateway): Promise<void>;
  /** From now on, answers every pull with these frames instead of its store. */
  answerPullsWith(frames: () => Uint8Array[]): Promise<void>;
  close(): Promise<void>;
}

export async function startRogue(identity?: GatewayIdentity): Promise<Rogue> {
  const id = identity ?? (await generateIdentity());
  const store = new MemoryOpStore(id);
  const node = await createGatewayNode({
    privateKey: id.privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    dht: false,
    relay: 'off',
    services: { sync: sync({ store, resyncIntervalMs: 0 }) },
  });
  const rogue: Rogue = {
    identity: id,
    id: id.peerId,
    store,
    node,
    sync: node.services.sync,
    async connect(gw) {
      const addrs = gw.gateway.app.get(MeshNodeService).addresses();
      await node.dial(
        addrs.map((a) => withPeerId(a, gw.peerId)),
        { signal: AbortSignal.timeout(5000) },
      );
      const deadline = Date.now() + 5000;
      while (!node.services.sync.connectedPeers().includes(gw.peerId)) {
        if (Date.now() > deadline) throw new Error('rogue could not connect');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async answerPullsWith(frames) {
      await node.unhandle(SYNC_PROTOCOL);
      await node.handle(
        SYNC_PROTOCOL,
        async (stream) => {
          const lp = lpStream(stream);
          try {
            await lp.read({ signal: AbortSignal.timeout(5000) });
            for (const frame of frames()) await lp.write(frame, { signal: AbortSignal.timeout(5000) });
            await stream.close();
          } catch {
            stream.abort(new Error('rogue done'));
          }
        },
        { force: true },
      );
    },
    close: async () => {
      await node.stop();
    },
  };
  return rogue;
}

/** Joins the rogue to an organisation with a real invite code, and fetches the log from the inviter. */
export async function admitRogue(rogue: Rogue, code: string, peers: readonly string[]): Promise<string> {
  const invite = decodeInviteCode(code);
  await rogue.sync.join(
    invite.addrs.map((a) => withPeerId(a, invite.peer)),
    { org: invite.org, invite: invite.invite, secret: invite.secret },
  );
  rogue.store.host(invite.org, [invite.peer, ...peers]);
  await rogue.sync.pull(invite.peer, invite.org);
  return invite.org;
}

/** Signs a chain of ops as `author` (which may be a key that is not the author's: a forgery). */
export function chainOf(
  signer: GatewayIdentity,
  org: string,
  drafts: readonly {
    kind: string;
    entity: string;
    actor: string | null;
    payload: OpValue;
    author?: string;
  }[],
  after: Pick<Op, 'seq' | 'id'> | null = null,
): Op[] {
  const out: Op[] = [];
  let prev = after;
  for (const d of drafts) {
    const op = signOp(signer, {
      v: 1,
      org,
      author: d.author ?? signer.peerId,
      seq: (prev?.seq ?? 0) + 1,
      prev: prev?.id ?? null,
      hlc: encodeHlc({ wall: Date.now(), counter: out.length }),
      actor: d.actor,
      kind: d.kind,
      entity: d.entity,
      payload: d.payload,
    });
    out.push(op);
    prev = op;
  }
  return out;
}

export function wikiEdit(orgId: string, path: string, actor: string, content: string, author?: string) {
  return {
    kind: 'wiki.revision',
    entity: `${orgId}/${path}`,
    actor,
    author,
    payload: { orgId, path, title: path, content, resolves: false },
  };
}

export { encodeMessage };
