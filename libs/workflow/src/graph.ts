/** Reachability over a workflow's state graph (states are nodes, transitions edges). */

export interface Edge {
  readonly from: string;
  readonly to: string;
}

function search(starts: Iterable<string>, next: (id: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>(starts);
  const queue = [...seen];
  for (let i = 0; i < queue.length; i++) {
    for (const n of next(queue[i])) {
      if (!seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

function adjacency(edges: readonly Edge[], reverse: boolean): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of edges) {
    const [a, b] = reverse ? [e.to, e.from] : [e.from, e.to];
    const list = map.get(a) ?? [];
    list.push(b);
    map.set(a, list);
  }
  return map;
}

/** States reachable from `start` (including it). */
export function reachableFrom(start: string, edges: readonly Edge[]): Set<string> {
  const out = adjacency(edges, false);
  return search([start], (id) => out.get(id) ?? []);
}

/** States from which at least one of `targets` is reachable (including the targets). */
export function canReach(targets: Iterable<string>, edges: readonly Edge[]): Set<string> {
  const into = adjacency(edges, true);
  return search(targets, (id) => into.get(id) ?? []);
}
