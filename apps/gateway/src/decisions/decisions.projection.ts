import type { Op } from '@gatehouse/mesh';
import { canonicalJson } from '@gatehouse/workflow';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type OpRow, opFromRow } from '../oplog/op-row.js';
import { OpRejectedError, type Projection } from '../oplog/projection.js';
import { ProjectionRegistry } from '../oplog/projection-registry.js';
import { VOTING_METHODS } from './tally.util.js';

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
const object = (required: string[], properties: Record<string, object>) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

export interface DecisionCreatedPayload {
  orgId: string;
  decisionId: string;
  title: string;
  description: string;
  method: (typeof VOTING_METHODS)[number];
  options: { id: string; label: string }[];
  voterRoles: string[];
  quorum: number;
  /** Wall-clock ms: ballots whose op hlc is at or after it do not count. */
  deadline: number;
}

/**
 * Decisions and their ballots. Every ballot op is kept (the tally picks each
 * voter's last before the cut-off), and a decision's explicit close is the
 * earliest `decision.closed` op in the log, so arrival order never matters.
 */
@Injectable()
export class DecisionsProjection implements Projection, OnModuleInit {
  readonly name = 'decisions';
  readonly payloadSchemas = {
    'decision.created': object(
      [
        'orgId',
        'decisionId',
        'title',
        'description',
        'method',
        'options',
        'voterRoles',
        'quorum',
        'deadline',
      ],
      {
        orgId: id,
        decisionId: id,
        title: { type: 'string', minLength: 1, maxLength: 200 },
        description: { type: 'string', maxLength: 10_000 },
        method: { type: 'string', enum: [...VOTING_METHODS] },
        options: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: object(['id', 'label'], { id, label: { type: 'string', minLength: 1, maxLength: 200 } }),
        },
        voterRoles: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', maxLength: 40 } },
        quorum: { type: 'integer', minimum: 0, maximum: 100_000 },
        deadline: { type: 'integer', minimum: 0 },
      },
    ),
    'decision.voted': object(['orgId', 'decisionId', 'choices', 'reason'], {
      orgId: id,
      decisionId: id,
      choices: { type: 'array', maxItems: 20, items: id },
      reason: { type: 'string', maxLength: 2000 },
    }),
    'decision.closed': object(['orgId', 'decisionId'], { orgId: id, decisionId: id }),
  };

  constructor(private readonly registry: ProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async apply(tx: EntityManager, op: Op): Promise<void> {
    const p = op.payload as { orgId: string; decisionId: string };
    const [org] = await tx.query('SELECT root_id FROM org WHERE id = ?', [p.orgId]);
    if (org && org.root_id !== op.org)
      throw new OpRejectedError(op.id, 'belongs to another organisation log');
    // Who made a decision, and so who may close it or vote, is read by entity (OpJudge, AuthorityReconciler).
    if (op.kind === 'decision.voted') {
      if (op.entity !== `${p.decisionId}/${op.actor}`)
        throw new OpRejectedError(op.id, 'entity must be <decision id>/<voter id>');
    } else if (op.entity !== p.decisionId) throw new OpRejectedError(op.id, 'entity must be the decision id');
    if (op.kind === 'decision.created') {
      const d = op.payload as unknown as DecisionCreatedPayload;
      // A repeated id (a faulty author) keeps the earliest creation everywhere.
      await tx.query(
        `INSERT INTO decision (id, org_id, title, description, method, options, voter_roles, quorum, deadline, created_by,
           created_hlc, closed_hlc, closed_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
         ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, title = excluded.title,
           description = excluded.description, method = excluded.method, options = excluded.options,
           voter_roles = excluded.voter_roles, quorum = excluded.quorum, deadline = excluded.deadline,
           created_by = excluded.created_by, created_hlc = excluded.created_hlc
         WHERE excluded.created_hlc < decision.created_hlc`,
        [
          d.decisionId,
          d.orgId,
          d.title,
          d.description,
          d.method,
          canonicalJson(d.options),
          JSON.stringify(d.voterRoles),
          d.quorum,
          d.deadline,
          op.actor,
          op.hlc,
        ],
      );
    } else if (op.kind === 'decision.voted') {
      const b = op.payload as { choices: string[]; reason: string };
      await tx.query(
        `INSERT INTO decision_ballot (id, org_id, decision_id, voter, choices, reason, hlc, author)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [
          op.id,
          p.orgId,
          p.decisionId,
          op.actor ?? '',
          JSON.stringify(b.choices),
          b.reason,
          op.hlc,
          op.author,
        ],
      );
      return;
    }
    // Created or closed: the close that counts is the earliest close op in the log.
    const [close]: OpRow[] = await tx.query(
      `SELECT * FROM op WHERE org = ? AND kind = 'decision.closed' AND entity = ? ORDER BY hlc, author, id LIMIT 1`,
      [op.org, p.decisionId],
    );
    await tx.query('UPDATE decision SET closed_hlc = ?, closed_by = ? WHERE id = ?', [
      close?.hlc ?? null,
      close ? opFromRow(close).actor : null,
      p.decisionId,
    ]);
  }

  async stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]> {
    const inOrg = 'org_id IN (SELECT id FROM org WHERE root_id = ?)';
    return [
      await tx.query(
        `SELECT id, org_id, title, description, method, options, voter_roles, quorum, deadline, created_by, created_hlc,
           closed_hlc, closed_by FROM decision WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT id, org_id, decision_id, voter, choices, reason, hlc, author FROM decision_ballot WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
    ];
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM decision_ballot');
    await tx.query('DELETE FROM decision');
  }
}
