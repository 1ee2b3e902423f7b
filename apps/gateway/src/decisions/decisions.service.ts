import { decodeHlc, encodeHlc } from '@gatehouse/mesh';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, forbidden, notFound } from '../common/gatehouse-error.js';
import { newId } from '../common/ids.js';
import { type Connection, decodeCursor, toConnection } from '../graphql/pagination.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE, WALL_CLOCK } from '../oplog/tokens.js';
import { type Access, AccessService } from '../orgs/access.service.js';
import { ROLES, roleAtLeast } from '../orgs/roles.js';
import { CUSTOM_ROLE } from '../workflows/custom-roles.js';
import { WorkflowRolesService } from '../workflows/workflow-roles.service.js';
import type { DecisionCreatedPayload } from './decisions.projection.js';
import {
  type Ballot,
  CONSENT_OPTIONS,
  countedBallots,
  isValidBallot,
  type TallyInput,
  type TallyResult,
  tally,
  type VotingMethod,
} from './tally.util.js';

export interface DecisionRow {
  id: string;
  org_id: string;
  title: string;
  description: string;
  method: VotingMethod;
  options: string;
  voter_roles: string;
  quorum: number;
  deadline: number;
  created_by: string | null;
  created_hlc: string;
  closed_hlc: string | null;
  closed_by: string | null;
}

interface BallotRow {
  id: string;
  voter: string;
  choices: string;
  reason: string;
  hlc: string;
  author: string;
}

/**
 * When ballots stop counting: at the deadline, or at the earliest explicit
 * close. Both are compared with the ballot op's HLC, never with a clock at
 * read time, so every gateway counts the same ballots.
 */
export function tallyInput(row: DecisionRow): TallyInput {
  const deadline = encodeHlc({ wall: row.deadline, counter: 0 });
  return {
    method: row.method,
    options: JSON.parse(row.options),
    quorum: row.quorum,
    cutoff: row.closed_hlc !== null && row.closed_hlc < deadline ? row.closed_hlc : deadline,
  };
}

/**
 * Decisions: proposals, votes (one per member, changeable until the close),
 * closing and results. A decision is closed once its deadline has passed on
 * this gateway's clock, or an admin or its proposer closed it early; results
 * are shown only then.
 */
@Injectable()
export class DecisionsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(WALL_CLOCK) private readonly wallClock: () => number,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly roles: WorkflowRolesService,
  ) {}

  /** Now, as the next op's HLC will see it: the wall clock, or the newest op seen if that is later. */
  async now(): Promise<number> {
    const [row] = await this.db.query('SELECT max(hlc) AS hlc FROM op');
    return Math.max(this.wallClock(), row?.hlc ? decodeHlc(row.hlc).wall : 0);
  }

  isClosed(row: DecisionRow, now: number): boolean {
    return row.closed_hlc !== null || now >= row.deadline;
  }

  async row(orgId: string, id: string): Promise<DecisionRow> {
    const [row] = await this.db.query('SELECT * FROM decision WHERE id = ? AND org_id = ?', [id, orgId]);
    if (!row) throw notFound(`decision ${id}`);
    return row;
  }

  async get(viewer: Viewer | null, orgId: string, id: string): Promise<DecisionRow> {
    const { org } = await this.access.require(viewer, orgId, 'viewer');
    return this.row(org.id, id);
  }

  async list(
    viewer: Viewer | null,
    orgId: string,
    status: 'open' | 'closed' | null,
    first: number,
    after?: string,
  ): Promise<Connection<DecisionRow>> {
    const { org } = await this.access.require(viewer, orgId, 'viewer');
    const [hlc, id] = (decodeCursor(after) ?? ['\uffff', '']) as [string, string];
    const now = await this.now();
    const rows: DecisionRow[] = await this.db.query(
      `SELECT * FROM decision WHERE org_id = ? AND (? IS NULL OR (closed_hlc IS NULL AND deadline > ?) = (? = 'open'))
         AND (created_hlc, id) < (?, ?) ORDER BY created_hlc DESC, id DESC LIMIT ?`,
      [org.id, status, now, status, hlc, id, first + 1],
    );
    return toConnection(
      rows,
      first,
      (r) => [r.created_hlc, r.id],
      (r) => r,
    );
  }

  async create(
    viewer: Viewer | null,
    input: {
      orgId: string;
      title: string;
      description: string;
      method: VotingMethod;
      options?: string[] | null;
      voterRoles?: string[] | null;
      quorum: number;
      deadline: Date;
    },
  ): Promise<DecisionRow> {
    const access = await this.access.require(viewer, input.orgId, 'member');
    const problems: { field: string; message: string }[] = [];
    const labels = input.options ?? [];
    if (input.method !== 'consent' && labels.length < 2)
      problems.push({ field: 'options', message: 'name at least two options' });
    const voterRoles = input.voterRoles?.length ? [...new Set(input.voterRoles)] : ['member'];
    const badRole = voterRoles.find((r) => !(ROLES as readonly string[]).includes(r) && !CUSTOM_ROLE.test(r));
    if (badRole) problems.push({ field: 'voterRoles', message: `"${badRole}" is not a role name` });
    if (input.deadline.getTime() <= (await this.now()))
      problems.push({ field: 'deadline', message: 'must be in the future' });
    if (problems.length) throw badInput('invalid decision', problems);
    const decisionId = newId();
    const payload: DecisionCreatedPayload = {
      orgId: access.org.id,
      decisionId,
      title: input.title.trim(),
      description: input.description,
      method: input.method,
      options:
        input.method === 'consent'
          ? CONSENT_OPTIONS.map((o) => ({ ...o }))
          : labels.map((label, i) => ({ id: `o${i + 1}`, label: label.trim() })),
      voterRoles,
      quorum: input.quorum,
      deadline: input.deadline.getTime(),
    };
    await this.oplog.append([this.draft(access, 'decision.created', decisionId, { ...payload })]);
    return this.row(access.org.id, decisionId);
  }

  async mayVote(access: Access, row: DecisionRow): Promise<boolean> {
    const mine = await this.roles.actorRoles(access.viewer.accountId, access.org);
    return (JSON.parse(row.voter_roles) as string[]).some((r) => mine.includes(r));
  }

  async vote(
    viewer: Viewer | null,
    input: { orgId: string; decisionId: string; choices: string[]; reason: string },
  ): Promise<DecisionRow> {
    const access = await this.access.require(viewer, input.orgId, 'viewer');
    const row = await this.row(access.org.id, input.decisionId);
    if (this.isClosed(row, await this.now())) throw conflict('voting on this decision has closed');
    if (!(await this.mayVote(access, row)))
      throw forbidden(`voting needs one of the roles ${JSON.parse(row.voter_roles).join(', ')}`);
    const { method, options } = tallyInput(row);
    if (!isValidBallot(method, options, input.choices)) {
      const message =
        method === 'approval' ? 'distinct option ids of this decision' : 'exactly one option id';
      throw badInput('invalid vote', [{ field: 'choices', message }]);
    }
    if (method === 'consent' && input.choices[0] === 'object' && !input.reason.trim())
      throw badInput('invalid vote', [{ field: 'reason', message: 'say why you object' }]);
    await this.oplog.append([
      this.draft(access, 'decision.voted', `${row.id}/${access.viewer.accountId}`, {
        decisionId: row.id,
        choices: input.choices,
        reason: input.reason,
      }),
    ]);
    return row;
  }

  async close(viewer: Viewer | null, orgId: string, id: string): Promise<DecisionRow> {
    const access = await this.access.require(viewer, orgId, 'member');
    const row = await this.row(access.org.id, id);
    if (row.created_by !== access.viewer.accountId && !roleAtLeast(access.role, 'admin'))
      throw forbidden('only admins and the proposer can close a decision');
    if (this.isClosed(row, await this.now())) throw conflict('this decision is already closed');
    await this.oplog.append([this.draft(access, 'decision.closed', id, { decisionId: id })]);
    return this.row(access.org.id, id);
  }

  async ballots(decisionId: string): Promise<Ballot[]> {
    const rows: BallotRow[] = await this.db.query('SELECT * FROM decision_ballot WHERE decision_id = ?', [
      decisionId,
    ]);
    return rows.map((r) => ({ ...r, choices: JSON.parse(r.choices) }));
  }

  async result(row: DecisionRow): Promise<TallyResult | null> {
    if (!this.isClosed(row, await this.now())) return null;
    return tally(tallyInput(row), await this.ballots(row.id));
  }

  async votesCast(row: DecisionRow): Promise<number> {
    return countedBallots(tallyInput(row), await this.ballots(row.id)).length;
  }

  /** The viewer's ballot that counts (or would, if the decision closed now). */
  async myVote(row: DecisionRow, accountId: string): Promise<Ballot | null> {
    const mine = (await this.ballots(row.id)).filter((b) => b.voter === accountId);
    return countedBallots(tallyInput(row), mine)[0] ?? null;
  }

  private draft(access: Access, kind: string, entity: string, fields: Record<string, unknown>) {
    return {
      org: access.org.root_id,
      actor: access.viewer.accountId,
      kind,
      entity,
      payload: { orgId: access.org.id, ...fields } as never,
    };
  }
}
