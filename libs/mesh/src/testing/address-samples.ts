/** Peer addresses of each kind, for tests of what the node keeps, dials and ranks. */

export const RELAY = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo';

export const LAN = [
  '/ip4/10.1.2.3/tcp/4001',
  '/ip4/172.16.0.9/tcp/4001',
  '/ip4/172.31.255.1/tcp/4001/ws',
  '/ip4/192.168.1.5/tcp/4001',
  '/ip6/fd00::5/tcp/4001',
  '/ip6/fe80::1/tcp/4001',
  '/ip6zone/eth0/ip6/fe80::2/tcp/4001',
];
export const PUBLIC = [
  '/ip4/198.51.100.7/tcp/4001',
  '/ip6/2001:db8::7/tcp/4001',
  '/dns4/gate.example.org/tcp/443/wss',
];
export const THIS_BOX = [
  '/ip4/127.0.0.1/tcp/22',
  '/ip4/127.8.9.10/tcp/4001',
  '/ip6/::1/tcp/4001',
  '/ip6/::ffff:127.0.0.1/tcp/4001',
  '/dns/localhost/tcp/6379',
  '/dns4/LOCALHOST./tcp/6379',
  '/dns6/db.localhost/tcp/5432',
  '/unix/%2Fvar%2Frun%2Fdocker.sock',
  '/ip4/0.0.0.0/tcp/8080',
  '/ip6/::/tcp/8080',
  `/ip4/127.0.0.1/tcp/4002/p2p/${RELAY}/p2p-circuit`,
];
