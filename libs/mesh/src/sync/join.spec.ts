import { afterEach, describe, expect, it } from 'vitest';
import { type Libp2pSuitePeer, startLibp2pPeer } from '../testing/setups.js';
import type { MemoryOpStore } from './memory-op-store.js';
import { SyncProtocolError } from './messages.js';

const ORG = 'org-join';
const LOOPBACK = { listen: ['/ip4/127.0.0.1/tcp/0'] };

describe('joining through an invite over libp2p', () => {
  const started: Libp2pSuitePeer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.node.stop()));
  });

  async function pair() {
    const inviter = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    const joiner = await startLibp2pPeer({ peers: 2 }, LOOPBACK);
    started.push(inviter, joiner);
    const store = inviter.peer.store as MemoryOpStore;
    store.admit(ORG, inviter.peer.id);
    return { inviter, joiner, store };
  }

  it('sends the request again when the connection closes before it left, and is admitted once', async () => {
    const { inviter, joiner, store } = await pair();
    // The inviter drops the first connection as soon as it opens: the first request cannot be written.
    let dropped = 0;
    inviter.node.addEventListener('connection:open', (evt) => {
      if (dropped++ === 0) evt.detail.abort(new Error('dropped by the test'));
    });
    const invite = store.createInvite(ORG);

    const answered = await joiner.peer.sync.join(inviter.node.getMultiaddrs(), { org: ORG, ...invite });

    expect(dropped).toBeGreaterThanOrEqual(2);
    expect(answered.toString()).toBe(inviter.peer.id);
    expect(await store.mayReplicate(ORG, joiner.peer.id)).toBe(true);
  });

  it('does not send a request again once the inviter answered it: a used invite stays refused', async () => {
    const { inviter, joiner, store } = await pair();
    const invite = store.createInvite(ORG);
    await joiner.peer.sync.join(inviter.node.getMultiaddrs(), { org: ORG, ...invite });
    let redemptions = 0;
    const redeem = store.redeemInvite.bind(store);
    store.redeemInvite = (request) => {
      redemptions += 1;
      return redeem(request);
    };

    const again = joiner.peer.sync.join(inviter.node.getMultiaddrs(), { org: ORG, ...invite });

    await expect(again).rejects.toBeInstanceOf(SyncProtocolError);
    await expect(again).rejects.toMatchObject({ code: 'invalid-invite' });
    // The refusal is an answer: the request reached the inviter once and was not sent again.
    expect(redemptions).toBe(1);
  });
});
