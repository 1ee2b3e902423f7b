import type { OpDraft } from '@gatehouse/mesh';
import {
  compareEvents,
  EDIT_CONFLICT_WORKFLOW,
  type InstanceState,
  replay,
  takeTransition,
  type WorkflowEvent,
} from '@gatehouse/workflow';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, forbidden, notFound } from '../common/gatehouse-error.js';
import type { ConflictRow } from '../documents/revisions.service.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { type Access, AccessService } from '../orgs/access.service.js';
import { loadEvents } from './workflow-events.util.js';
import { transitionError } from './workflow-items.service.js';
import { WorkflowRolesService } from './workflow-roles.service.js';

const def = EDIT_CONFLICT_WORKFLOW;
const RESOLVERS = def.transitions.find((t) => t.id === 'resolve')!.roles;

/**
 * Edit conflicts of pages and posts as instances of the built-in workflow
 * `open -> assigned -> resolved`. The conflict row (computed from page heads)
 * supplies the start, and the resolution once a revision naming both heads
 * exists; assignments, comments and notes are ops keyed by conflict id.
 * So a conflict whose row says resolved is always in the final state.
 */
@Injectable()
export class EditConflictWorkflowService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly roles: WorkflowRolesService,
  ) {}

  async instance(row: ConflictRow): Promise<InstanceState> {
    const stored = await loadEvents(this.db, row.id);
    const first = [row.opened_hlc, ...stored.map((e) => e.at)].sort()[0];
    // The synthetic start sorts before everything stored (empty author).
    const start: WorkflowEvent = {
      id: `${row.id}:opened`,
      at: first,
      author: '',
      actor: '',
      type: 'start',
      data: { pageId: row.doc_key, heads: JSON.parse(row.head_ids) },
    };
    const events = [start, ...stored];
    if (row.status !== 'resolved' || !row.resolved_by) return replay(def, events);
    const [rev] = await this.db.query('SELECT hlc, actor, author FROM doc_revision WHERE id = ?', [
      row.resolved_by,
    ]);
    const base = {
      id: `${row.id}:resolved`,
      at: rev?.hlc ?? row.opened_hlc,
      author: rev?.author ?? '',
      actor: rev?.actor ?? '',
    };
    const probe = { ...base, type: 'comment', text: '' } as WorkflowEvent;
    const before = replay(
      def,
      events.filter((e) => compareEvents(e, probe) < 0),
    );
    const transitionId = before.state === 'assigned' ? 'resolve' : 'resolve-open';
    const resolve: WorkflowEvent = {
      ...base,
      type: 'transition',
      transitionId,
      fromState: before.state ?? 'open',
      data: { resolvedRevision: row.resolved_by },
    };
    return replay(def, [...events, resolve]);
  }

  async row(orgId: string, conflictId: string): Promise<ConflictRow> {
    const [row] = await this.db.query('SELECT * FROM conflict WHERE id = ? AND org_id = ?', [
      conflictId,
      orgId,
    ]);
    if (!row) throw notFound(`conflict ${conflictId}`);
    return row;
  }

  /** Assigns an open conflict to one of the editors (open -> assigned), or reassigns it. */
  async assign(viewer: Viewer | null, orgId: string, conflictId: string, assigneeId: string | null) {
    const access = await this.access.require(viewer, orgId, 'viewer');
    const row = await this.row(access.org.id, conflictId);
    const instance = await this.instance(row);
    const mine = await this.roles.actorRoles(access.viewer.accountId, access.org);
    if (assigneeId !== null) {
      const theirs = await this.roles.actorRoles(assigneeId, access.org);
      if (!RESOLVERS.some((r) => theirs.includes(r)))
        throw badInput('cannot assign', [
          { field: 'assigneeId', message: `needs one of ${RESOLVERS.join(', ')}` },
        ]);
    }
    if (instance.state === 'open' && assigneeId !== null) {
      const result = takeTransition(def, instance, 'assign', mine);
      if (!result.ok) throw transitionError(def, 'assign', result);
      const { type: _, ...event } = result.event;
      await this.oplog.append([
        this.draft(access, 'conflict.transitioned', conflictId, { ...event, assignee: assigneeId }),
      ]);
    } else {
      if (instance.state === 'resolved') throw conflict('this conflict is already resolved');
      if (!RESOLVERS.some((r) => mine.includes(r)))
        throw forbidden(`assigning needs one of ${RESOLVERS.join(', ')}`);
      await this.oplog.append([
        this.draft(access, 'conflict.assigned', conflictId, { assignee: assigneeId }),
      ]);
    }
    return row;
  }

  async comment(viewer: Viewer | null, orgId: string, conflictId: string, text: string) {
    const access = await this.access.require(viewer, orgId, 'member');
    const row = await this.row(access.org.id, conflictId);
    await this.oplog.append([this.draft(access, 'conflict.commented', conflictId, { text })]);
    return row;
  }

  /** A note on how the conflict is being resolved (the form's `note`); only while it is open. */
  async note(viewer: Viewer | null, orgId: string, conflictId: string, note: string) {
    const access = await this.access.require(viewer, orgId, 'editor');
    const row = await this.row(access.org.id, conflictId);
    if ((await this.instance(row)).state === 'resolved') throw conflict('this conflict is already resolved');
    await this.oplog.append([this.draft(access, 'conflict.noted', conflictId, { note })]);
    return row;
  }

  private draft(access: Access, kind: string, conflictId: string, fields: Record<string, unknown>): OpDraft {
    return {
      org: access.org.root_id,
      actor: access.viewer.accountId,
      kind,
      entity: conflictId,
      payload: { orgId: access.org.id, conflictId, ...fields } as OpDraft['payload'],
    };
  }
}
