/**
 * The circuit-relay-v2 server sized for a small box. libp2p's server hands
 * its slots to whoever asks first, holds each for its whole lifetime after
 * the holder has gone, and has no per-address limit, so a handful of fresh
 * keys could take every slot for hours. Here:
 *
 * - peers `wanted` accepts (a gateway's co-hosts) may take any free slot;
 *   all others ("strangers") share `strangerReservations` of them, at most
 *   `reservationsPerIp` from one IPv4 address or IPv6 /64;
 * - a slot is released as soon as its holder disconnects, and otherwise
 *   lasts `reservationTtlMs` unless renewed (clients renew 5 min before);
 * - relayed connections get no data or time limit: sync streams carry whole
 *   logs (libp2p's default, 128 KiB or 2 min, would cut them), and a limit
 *   would make them "limited" connections, which only protocols that opt in
 *   may use. What the relay carries is bounded by who holds slots, and by
 *   `maxRelayedPerPeer` connections into each.
 */
import { setMaxListeners } from 'node:events';
import {
  type CircuitRelayService,
  circuitRelayServer,
  type RelayReservation,
} from '@libp2p/circuit-relay-v2';
import type { ConnectionGater, Libp2pEvents, PeerId, Startable, TypedEventTarget } from '@libp2p/interface';
import { withoutUndefined } from '../oplog/canonical.js';
import { hostOf, isRelayedAddress } from './peer-addresses.js';

export interface RelayServerInit {
  /** Reservations held at once (default 32). */
  readonly maxReservations?: number;
  /** Reservations held by peers `wanted` does not accept, together (default 16). */
  readonly strangerReservations?: number;
  /** Reservations held by such peers from one IPv4 address or IPv6 /64 (default 4). */
  readonly reservationsPerIp?: number;
  /** How long a reservation lasts unless renewed (default 15 min). */
  readonly reservationTtlMs?: number;
  /** Relayed connections into one reservation holder at once (default 32). */
  readonly maxRelayedPerPeer?: number;
  /** Peers to relay for without the stranger limits, e.g. the gateway's co-hosts. */
  readonly wanted?: (peerId: string) => boolean | Promise<boolean>;
}

export const RELAY_SERVER_DEFAULTS = {
  maxReservations: 32,
  strangerReservations: 16,
  reservationsPerIp: 4,
  reservationTtlMs: 15 * 60_000,
  maxRelayedPerPeer: 32,
} as const;

type ServerComponents = Parameters<ReturnType<typeof circuitRelayServer>>[0] & {
  events: TypedEventTarget<Libp2pEvents>;
};

type Limits = Required<Omit<RelayServerInit, 'wanted'>>;

export function relayServer(
  init: RelayServerInit = {},
): (components: ServerComponents) => CircuitRelayService {
  const { wanted, ...chosen } = init;
  const limits: Limits = { ...RELAY_SERVER_DEFAULTS, ...withoutUndefined(chosen) };
  const factory = circuitRelayServer({
    reservations: {
      maxReservations: limits.maxReservations,
      reservationTtl: limits.reservationTtlMs,
      applyDefaultLimit: false,
    },
    maxOutboundStopStreams: limits.maxRelayedPerPeer,
  });
  return (components) => {
    let policy: ReservationPolicy | undefined;
    const gater = components.connectionGater;
    const gated: ConnectionGater = {
      ...gater,
      denyInboundRelayReservation: async (peer) =>
        (await gater.denyInboundRelayReservation?.(peer)) === true || !(await policy?.admits(peer)),
    };
    // libp2p's components object is a proxy that throws on unknown names; inherit from it, replacing one.
    const service = factory(Object.create(components, { connectionGater: { value: gated } }));
    const active = new ReservationPolicy(service.reservations, components, limits, wanted);
    policy = active;
    // libp2p's relay empties its store at stop, but leaves each slot's timer armed until its lifetime ends.
    const startable = service as typeof service & Startable;
    const stop = startable.stop.bind(service);
    startable.stop = async () => {
      active.close();
      await stop();
    };
    return service;
  };
}

type Reservations = CircuitRelayService['reservations'];

interface Holder {
  readonly stranger: boolean;
  readonly hosts: readonly string[];
}

/** Decides who gets a slot, releases slots of peers that left, and keeps renewed slots alive. */
class ReservationPolicy {
  /** Holders `wanted` accepted when they last reserved. */
  private readonly wantedHolders = new Set<string>();
  /** Approved a moment ago, not yet stored by the relay: counted, so two approvals cannot share one place. */
  private readonly claims = new Map<string, Holder>();
  private readonly renewable = new WeakSet<RelayReservation>();

  constructor(
    private readonly reservations: Reservations,
    private readonly components: ServerComponents,
    private readonly limits: Limits,
    private readonly wanted?: (peerId: string) => boolean | Promise<boolean>,
  ) {
    this.renewCorrectly();
    components.events.addEventListener('peer:disconnect', this.onDisconnect);
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>) => this.release(evt.detail);

  /** The relay stops: every slot's timer is disarmed, and the policy stops listening (libp2p's relay service is not restarted: a node starts a new one). */
  close(): void {
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect);
    for (const reservation of this.reservations.values()) reservation.signal.clear();
  }

  async admits(peer: PeerId): Promise<boolean> {
    const id = peer.toString();
    // A predicate that fails (a busy database) counts the peer as a stranger, not as a fault of its own.
    const stranger = !(await Promise.resolve(this.wanted?.(id)).catch(() => false));
    const hosts = this.components.connectionManager
      .getConnections(peer)
      .filter((c) => !isRelayedAddress(c.remoteAddr))
      .map((c) => hostOf(c.remoteAddr))
      .filter((h) => h !== null);
    if (stranger) {
      const others = this.holders(id).filter((h) => h.stranger);
      if (others.length >= this.limits.strangerReservations) return false;
      const sameHost = others.filter((h) => h.hosts.some((x) => hosts.includes(x)));
      if (sameHost.length >= this.limits.reservationsPerIp) return false;
      this.wantedHolders.delete(id);
    } else {
      this.wantedHolders.add(id);
    }
    // The relay stores the reservation (or refuses it when full) right after this answer.
    this.claims.set(id, { stranger, hosts });
    setTimeout(() => this.claims.delete(id), 0);
    return true;
  }

  /** Every reservation held or claimed, but `except`'s own (renewing one takes no new place). */
  private holders(except: string): Holder[] {
    const out: Holder[] = [...this.claims].filter(([id]) => id !== except).map(([, h]) => h);
    const held = new Set<string>();
    for (const [peer, reservation] of this.reservations.entries()) {
      const id = peer.toString();
      held.add(id);
      if (id === except || this.claims.has(id)) continue;
      const host = hostOf(reservation.addr);
      out.push({ stranger: !this.wantedHolders.has(id), hosts: host ? [host] : [] });
    }
    for (const id of this.wantedHolders)
      if (!held.has(id) && !this.claims.has(id)) this.wantedHolders.delete(id);
    return out;
  }

  /** A holder that left cannot be reached through us: its slot goes back now, not at the end of its lifetime. */
  private release(peer: PeerId): void {
    this.reservations.get(peer)?.signal.reset(0);
  }

  /**
   * The relay's reservation lifetimes come from retimeable-signal 1.0.1, whose
   * `reset` leaves every earlier timer but the first armed: a reservation
   * renewed twice still expires at its first renewal's deadline, and cuts the
   * relayed connections through it. Each new reservation gets a timer that
   * renews properly, before the relay stores it.
   */
  private renewCorrectly(): void {
    const reservations = this.reservations;
    const set = reservations.set.bind(reservations);
    reservations.set = (peer, reservation) => {
      if (!this.renewable.has(reservation)) {
        this.renewable.add(reservation);
        // Not yet reset, so `clear` still disarms it (and the relay's listener on it).
        reservation.signal.clear();
        reservation.signal = renewableSignal(this.limits.reservationTtlMs);
        reservation.signal.addEventListener(
          'abort',
          () => {
            if (reservations.get(peer) === reservation) reservations.delete(peer);
          },
          { once: true },
        );
      }
      set(peer, reservation);
    };
  }
}

type RenewableSignal = RelayReservation['signal'];

/** Aborts `ms` after it was made or last reset; unref'd, so it never holds the process open. */
function renewableSignal(ms: number): RenewableSignal {
  const controller = new AbortController();
  // One listener per relayed connection through the reservation.
  setMaxListeners(Infinity, controller.signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (after: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error('relay reservation expired')), after);
    timer.unref?.();
  };
  arm(ms);
  return Object.assign(controller.signal, {
    reset: (after?: number) => arm(after ?? ms),
    clear: () => clearTimeout(timer),
  });
}
