/**
 * Two gateways replicate an organisation over libp2p on loopback TCP.
 *   npx tsc -b libs/mesh && node libs/mesh/examples/replicate.mjs
 */
import { createGatewayNode, generateIdentity, MemoryOpStore, PeerScores, sync } from '../dist/index.js';

async function gateway() {
  const identity = await generateIdentity();
  const store = new MemoryOpStore(identity);
  const scores = new PeerScores();
  const node = await createGatewayNode({
    privateKey: identity.privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    dht: false,
    gate: scores,
    services: { sync: sync({ store, scores }) },
  });
  return { identity, store, node };
}

const a = await gateway();
const b = await gateway();
// Both host the organisation and admit each other (the gateway does this with invites).
for (const g of [a, b]) g.store.host('org-1', [a.identity.peerId, b.identity.peerId]);

a.store.write('org-1', 1000); // signed, hash-chained ops
await b.node.dial(a.node.getMultiaddrs()); // b pulls when the peer connects...
b.store.write('org-1', 5); // ...and a learns of b's new ops within milliseconds

const until = Date.now() + 10_000;
while (a.store.stateHash('org-1') !== b.store.stateHash('org-1') || a.store.opCount('org-1') !== 1005) {
  if (Date.now() > until) throw new Error('did not converge');
  await new Promise((r) => setTimeout(r, 20));
}
console.log('converged:', a.store.opCount('org-1'), 'ops on both gateways');
console.log(b.node.services.sync.syncStates());
await Promise.all([a.node.stop(), b.node.stop()]);
