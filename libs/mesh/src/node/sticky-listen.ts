/**
 * Ephemeral ports that stick: a gateway configured to listen on port 0 gets
 * a port from the OS on first start; listening on the same one after a
 * restart keeps it reachable at the addresses its peers (and the invite codes
 * it handed out) already have. Nothing else knows where a gateway went.
 */
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';

function shape(ma: Multiaddr): { family: string; host: string; port: string; ws: boolean } | null {
  const parts = ma.getComponents();
  const ip = parts[0];
  const tcp = parts[1];
  if (!ip || !tcp || (ip.name !== 'ip4' && ip.name !== 'ip6') || tcp.name !== 'tcp') return null;
  const rest = parts.slice(2).filter((p) => p.name !== 'p2p');
  const ws = rest.length === 1 && rest[0].name === 'ws';
  if (rest.length > (ws ? 1 : 0)) return null;
  return { family: ip.name, host: ip.value ?? '', port: tcp.value ?? '', ws };
}

/**
 * The listen addresses to use: each configured `.../tcp/0` (or `/tcp/0/ws`)
 * address with the port it had last time (read from `previous`, the addresses
 * the node listened on then), everything else as configured.
 */
export function stickyListenAddresses(configured: readonly string[], previous: readonly string[]): string[] {
  const before = previous.flatMap((p) => {
    try {
      const s = shape(multiaddr(p));
      return s ? [s] : [];
    } catch {
      return [];
    }
  });
  const used = new Set<string>();
  return configured.map((addr) => {
    let s: ReturnType<typeof shape>;
    try {
      s = shape(multiaddr(addr));
    } catch {
      return addr;
    }
    if (s?.port !== '0') return addr;
    const match = before.find(
      (b) => b.family === s.family && b.ws === s.ws && b.port !== '0' && !used.has(b.port),
    );
    if (!match) return addr;
    used.add(match.port);
    return `/${s.family}/${s.host}/tcp/${match.port}${s.ws ? '/ws' : ''}`;
  });
}
