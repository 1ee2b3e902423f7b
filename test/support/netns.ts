/**
 * A private Linux network for partition tests. Each host is a network
 * namespace with two links: a data link on a bridge shared by all hosts (in
 * a switch namespace of its own), which a test cuts and mends, and a
 * management link to this process, so the test reaches the host's HTTP API
 * whatever the data link's state. Hosts have no default route: traffic stays
 * inside namespaces the test made. Needs root and iproute2.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 });

export interface NetworkHost {
  readonly namespace: string;
  /** Where other hosts reach it: the p2p listen address. */
  readonly dataAddress: string;
  /** Where this process reaches it: the HTTP address. */
  readonly managementAddress: string;
  /** This process's end of the management link: where the host reaches this process. */
  readonly localAddress: string;
}

export class TestNetwork {
  readonly hosts: NetworkHost[] = [];
  private readonly switchNs: string;
  private planned = 0;

  /** Interface names are at most 15 characters: a short tag of this process's id keeps them apart. */
  private constructor(private readonly tag: string) {
    this.switchNs = `${tag}-switch`;
  }

  static create(hostCount: number): TestNetwork {
    const net = new TestNetwork(`gh${(process.pid % 46_656).toString(36)}`);
    try {
      net.build(hostCount);
    } catch (err) {
      net.destroy();
      throw err;
    }
    return net;
  }

  private build(hostCount: number): void {
    this.planned = hostCount;
    // A /24 of each range no other test network on this machine uses (two may run at once).
    let block = process.pid % 200;
    while (ip('-o', '-4', 'addr', 'show', 'to', `10.232.${block}.0/24`).toString().trim())
      block = (block + 1) % 200;
    ip('netns', 'add', this.switchNs);
    ip('-n', this.switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', this.switchNs, 'link', 'set', 'br0', 'up');
    for (let i = 0; i < hostCount; i++) {
      const ns = `${this.tag}-h${i}`;
      const host: NetworkHost = {
        namespace: ns,
        dataAddress: `10.231.${block}.${i + 1}`,
        managementAddress: `10.232.${block}.${4 * i + 2}`,
        localAddress: `10.232.${block}.${4 * i + 1}`,
      };
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      // Data: host <-> bridge.
      ip('link', 'add', `${this.tag}d${i}`, 'type', 'veth', 'peer', 'name', `${this.tag}p${i}`);
      ip('link', 'set', `${this.tag}d${i}`, 'netns', ns);
      ip('link', 'set', `${this.tag}p${i}`, 'netns', this.switchNs);
      ip('-n', this.switchNs, 'link', 'set', `${this.tag}p${i}`, 'master', 'br0', 'up');
      ip('-n', ns, 'addr', 'add', `${host.dataAddress}/24`, 'dev', `${this.tag}d${i}`);
      ip('-n', ns, 'link', 'set', `${this.tag}d${i}`, 'up');
      // Management: host <-> this process, a /30 of its own.
      ip('link', 'add', `${this.tag}m${i}`, 'type', 'veth', 'peer', 'name', `${this.tag}n${i}`);
      ip('link', 'set', `${this.tag}n${i}`, 'netns', ns);
      ip('addr', 'add', `${host.localAddress}/30`, 'dev', `${this.tag}m${i}`);
      ip('link', 'set', `${this.tag}m${i}`, 'up');
      ip('-n', ns, 'addr', 'add', `${host.managementAddress}/30`, 'dev', `${this.tag}n${i}`);
      ip('-n', ns, 'link', 'set', `${this.tag}n${i}`, 'up');
      this.hosts.push(host);
    }
  }

  /** Cuts host `i` off the data network: packets to and from it are dropped, as when a link fails. */
  cut(i: number): void {
    ip('-n', this.switchNs, 'link', 'set', `${this.tag}p${i}`, 'down');
  }

  mend(i: number): void {
    ip('-n', this.switchNs, 'link', 'set', `${this.tag}p${i}`, 'up');
  }

  /** Drops every packet between hosts `i` and `j` (a route to nowhere on each side); the rest of the network stays up. */
  separate(i: number, j: number): void {
    for (const [from, to] of [
      [i, j],
      [j, i],
    ])
      ip(
        '-n',
        this.hosts[from].namespace,
        'route',
        'replace',
        'blackhole',
        `${this.hosts[to].dataAddress}/32`,
      );
  }

  rejoin(i: number, j: number): void {
    for (const [from, to] of [
      [i, j],
      [j, i],
    ]) {
      try {
        ip('-n', this.hosts[from].namespace, 'route', 'del', 'blackhole', `${this.hosts[to].dataAddress}/32`);
      } catch {
        // Not separated.
      }
    }
  }

  /** Starts `command` inside host `i`'s namespace, its stdin a pipe from this process (it closes when we exit). */
  spawn(i: number, command: string, args: readonly string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.hosts[i].namespace, command, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
  }

  /** Removes every namespace and link it made (also after a build that failed half way); safe to call twice. */
  destroy(): void {
    const leftovers = [
      ...Array.from({ length: this.planned }, (_, i) => [
        ['link', 'del', `${this.tag}m${i}`],
        ['link', 'del', `${this.tag}d${i}`],
        ['netns', 'del', `${this.tag}-h${i}`],
      ]).flat(),
      ['netns', 'del', this.switchNs],
    ];
    // Processes left in a namespace (a forwarder of a run that crashed) would keep it alive.
    for (let i = 0; i < this.planned; i++) {
      try {
        const pids = ip('netns', 'pids', `${this.tag}-h${i}`).toString().split(/\s+/).filter(Boolean);
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // No such namespace, or the process is gone.
      }
    }
    // Deleting a namespace deletes the links in it, and with a veth its peer.
    for (const args of leftovers)
      try {
        ip(...args);
      } catch {
        // Not made, or already gone.
      }
    this.hosts.length = 0;
  }
}
