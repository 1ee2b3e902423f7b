/**
 * Random but well-formed organisation logs, signed by several gateway
 * identities, for convergence properties: concurrent wiki and blog edits
 * (clean merges and conflicts), resolutions, status flips, comments and
 * their deletion, role changes, renames.
 */
import { encodeHlc, type GatewayIdentity, type Op, type OpDraft, signOp } from '@gatehouse/mesh';
import fc from 'fast-check';

export interface Author {
  identity: GatewayIdentity;
  ops: Op[];
  wall: number;
}

export function appendOp(author: Author, draft: OpDraft): Op {
  author.wall += 1;
  const prev = author.ops.at(-1);
  const op = signOp(author.identity, {
    v: 1,
    org: draft.org,
    author: author.identity.peerId,
    seq: author.ops.length + 1,
    prev: prev?.id ?? null,
    hlc: encodeHlc({ wall: author.wall, counter: 0 }),
    actor: draft.actor,
    kind: draft.kind,
    entity: draft.entity,
    payload: draft.payload,
    ...(draft.parents?.length ? { parents: draft.parents } : {}),
  });
  author.ops.push(op);
  return op;
}

const LINES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

/** One step a random author takes. */
export type Step =
  | {
      kind: 'page';
      author: number;
      path: number;
      parents: number[];
      edit: [number, number];
      resolves: boolean;
    }
  | { kind: 'status'; author: number; post: number; published: boolean }
  | { kind: 'comment'; author: number; post: number; remove: boolean }
  | { kind: 'role'; author: number; role: number }
  | { kind: 'rename'; author: number; name: number };

export const stepArb = (authors: number): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('page' as const),
        author: fc.nat({ max: authors - 1 }),
        path: fc.nat({ max: 1 }),
        parents: fc.array(fc.nat({ max: 50 }), { maxLength: 2 }),
        edit: fc.tuple(fc.nat({ max: LINES.length - 1 }), fc.nat({ max: 3 })),
        resolves: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('status' as const),
        author: fc.nat({ max: authors - 1 }),
        post: fc.nat({ max: 1 }),
        published: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('comment' as const),
        author: fc.nat({ max: authors - 1 }),
        post: fc.nat({ max: 1 }),
        remove: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('role' as const),
        author: fc.nat({ max: authors - 1 }),
        role: fc.nat({ max: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('rename' as const),
        author: fc.nat({ max: authors - 1 }),
        name: fc.nat({ max: 5 }),
      }),
    },
  );

/**
 * Turns steps into signed ops. Author 0 creates the organisation (and two
 * posts) first; every op references only what already exists somewhere.
 */
export function buildLog(
  orgId: string,
  identities: GatewayIdentity[],
  steps: Step[],
): { orgId: string; authors: Author[] } {
  const authors: Author[] = identities.map((identity, i) => ({ identity, ops: [], wall: 1_000 * (i + 1) }));
  const owner = 'account-owner';
  const other = 'account-other';
  const [first] = authors;
  appendOp(first, {
    org: orgId,
    actor: owner,
    kind: 'org.created',
    entity: orgId,
    payload: { id: orgId, parentId: null, slug: 'test', name: 'Test', description: '' },
  });
  for (const [id, name] of [
    [owner, 'owner'],
    [other, 'other'],
  ]) {
    appendOp(first, {
      org: orgId,
      actor: owner,
      kind: 'account.published',
      entity: id,
      payload: { id, name, displayName: name, verifier: 'scrypt$1$1$1$AA$AA' },
    });
  }
  appendOp(first, {
    org: orgId,
    actor: owner,
    kind: 'member.role',
    entity: `${orgId}/${owner}`,
    payload: { orgId, accountId: owner, role: 'owner' },
  });
  const posts = ['post-a', 'post-b'];
  const postRevisions: string[][] = posts.map(() => []);
  posts.forEach((postId, i) => {
    const op = appendOp(first, {
      org: orgId,
      actor: owner,
      kind: 'blog.revision',
      entity: postId,
      payload: { orgId, postId, title: `Post ${i}`, content: LINES.join('\n'), resolves: false },
    });
    postRevisions[i].push(op.id);
  });

  // Every log holds a clean merge (page-2) and a conflict (page-3), whatever the random steps add.
  const fixed = (path: string, content: string, parents: string[]) =>
    appendOp(first, {
      org: orgId,
      actor: owner,
      kind: 'wiki.revision',
      entity: `${orgId}/${path}`,
      payload: { orgId, path, title: 'Fixed', content, resolves: false },
      parents,
    }).id;
  for (const path of ['page-2', 'page-3']) {
    const root = fixed(path, LINES.join('\n'), []);
    const clash = path === 'page-3';
    fixed(path, ['ALPHA', ...LINES.slice(1)].join('\n'), [root]);
    fixed(
      path,
      clash ? ['ALEF', ...LINES.slice(1)].join('\n') : [...LINES.slice(0, 4), 'EPSILON'].join('\n'),
      [root],
    );
  }

  const pageRevisions: { id: string; content: string }[][] = [[], []];
  const comments: string[] = [];
  steps.forEach((step, n) => {
    const author = authors[step.author];
    switch (step.kind) {
      case 'page': {
        const known = pageRevisions[step.path];
        const parents = [...new Set(step.parents.filter((p) => p < known.length).map((p) => known[p].id))];
        const base = parents.length ? known.find((r) => r.id === parents[0])!.content : LINES.join('\n');
        const lines = base.split('\n');
        lines[step.edit[0]] = `${LINES[step.edit[0]]}-${step.edit[1]}-${n % 3}`;
        const content = lines.join('\n');
        const op = appendOp(author, {
          org: orgId,
          actor: owner,
          kind: 'wiki.revision',
          entity: `${orgId}/page-${step.path}`,
          payload: {
            orgId,
            path: `page-${step.path}`,
            title: `Page ${step.path}`,
            content,
            resolves: step.resolves && parents.length > 1,
          },
          parents,
        });
        known.push({ id: op.id, content });
        return;
      }
      case 'status':
        appendOp(author, {
          org: orgId,
          actor: owner,
          kind: 'blog.status',
          entity: posts[step.post],
          payload: { orgId, postId: posts[step.post], status: step.published ? 'published' : 'draft' },
        });
        return;
      case 'comment': {
        if (step.remove && comments.length) {
          const commentId = comments[n % comments.length];
          appendOp(author, {
            org: orgId,
            actor: owner,
            kind: 'blog.commentDeleted',
            entity: commentId,
            payload: { orgId, commentId },
          });
          return;
        }
        const commentId = `comment-${n}`;
        comments.push(commentId);
        appendOp(author, {
          org: orgId,
          actor: other,
          kind: 'blog.comment',
          entity: commentId,
          payload: { orgId, postId: posts[step.post], commentId, content: `comment ${n}` },
        });
        return;
      }
      case 'role': {
        const role = ['viewer', 'member', 'editor', 'none'][step.role];
        appendOp(author, {
          org: orgId,
          actor: owner,
          kind: 'member.role',
          entity: `${orgId}/${other}`,
          payload: { orgId, accountId: other, role },
        });
        return;
      }
      case 'rename':
        appendOp(author, {
          org: orgId,
          actor: owner,
          kind: 'org.updated',
          entity: orgId,
          payload: { id: orgId, name: `Name ${step.name}`, description: `d${step.name}` },
        });
        return;
    }
  });
  // The random pages end with edits on top of their heads (a merge of them, if several, then a plain
  // edit): a page that settled, which receivers apply without reading its history. The fixed ones
  // keep their merge and conflict.
  for (const path of ['page-0', 'page-1']) {
    const revisions = authors.flatMap((a) => a.ops).filter((op) => op.entity === `${orgId}/${path}`);
    const named = new Set(revisions.flatMap((op) => op.parents ?? []));
    let heads = revisions.filter((op) => !named.has(op.id)).map((op) => op.id);
    for (const [i, resolves] of [
      [0, heads.length > 1],
      [1, false],
    ] as const) {
      if (!heads.length || (i === 0 && !resolves)) continue;
      heads = [
        appendOp(first, {
          org: orgId,
          actor: owner,
          kind: 'wiki.revision',
          entity: `${orgId}/${path}`,
          payload: { orgId, path, title: `Settled ${path}`, content: `${LINES.join('\n')}\n${i}`, resolves },
          parents: heads,
        }).id,
      ];
    }
  }
  return { orgId, authors };
}

/**
 * A random delivery of every op: batches of random size in random author
 * interleavings, with duplicates; ops that arrive ahead of their author's
 * chain are refused by the receiver and delivered again later, as a
 * resuming sync would.
 */
export function deliveryArb(authors: Author[]): fc.Arbitrary<Op[][]> {
  const all = authors.flatMap((a) => a.ops);
  return fc
    .tuple(
      fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      fc.array(fc.nat({ max: all.length - 1 }), { maxLength: 10 }),
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 20 }),
    )
    .map(([order, dupes, sizes]) => {
      const stream = [...order];
      for (const d of dupes) stream.splice(d % (stream.length + 1), 0, all[d]);
      const batches: Op[][] = [];
      let i = 0;
      let s = 0;
      while (i < stream.length) {
        const size = sizes[s++ % sizes.length];
        batches.push(stream.slice(i, i + size));
        i += size;
      }
      return batches;
    });
}
