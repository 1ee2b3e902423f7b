import type { OpDraft } from '@gatehouse/mesh';
import {
  findState,
  type InstanceState,
  initialState,
  replay,
  type TakeTransitionResult,
  takeTransition,
  validateForm,
  type WorkflowDefinition,
} from '@gatehouse/workflow';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import { badInput, conflict, forbidden, notFound } from '../common/gatehouse-error.js';
import { newId } from '../common/ids.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { type Access, AccessService, type OrgRow } from '../orgs/access.service.js';
import { type Role, roleAtLeast } from '../orgs/roles.js';
import { definitionOf, type VersionRow, versionRow } from './definition-store.js';
import { WorkflowDefinitionsService } from './workflow-definitions.service.js';
import { loadEvents } from './workflow-events.util.js';
import type { ItemRow, StartPayload } from './workflow-items.store.js';
import { WorkflowRolesService } from './workflow-roles.service.js';

export interface LoadedItem {
  readonly access: Access;
  readonly item: ItemRow;
  readonly version: VersionRow;
  readonly def: WorkflowDefinition;
  readonly instance: InstanceState;
}

/** Turns a refused transition into the error clients see. */
export function transitionError(
  def: WorkflowDefinition,
  id: string,
  result: TakeTransitionResult & { ok: false },
) {
  const name = def.transitions.find((t) => t.id === id)?.name ?? id;
  const detail = result.errors.map((e) => (e.field ? `${e.field} ${e.message}` : e.message)).join('; ');
  if (result.code === 'FORBIDDEN') return forbidden(detail);
  if (result.code === 'NOT_AVAILABLE') return conflict(detail);
  return badInput(
    `cannot take "${name}": ${detail}`,
    result.errors.map((e) => ({ field: e.field ?? 'data', message: e.message })),
  );
}

/**
 * Running items through workflows: start (fill the form), transition,
 * assign, comment. Each write is one op; the projection replays the item.
 *
 * Hand-off rule: a transition into a state whose assigneeRoles include a
 * start role hands the item back to whoever started it, if they hold that
 * role (so a rejected request returns to its requester); otherwise the item
 * is unassigned and waits in the inbox of every holder of a role that can
 * move it on. An explicit assigneeId overrides the rule.
 */
@Injectable()
export class WorkflowItemsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
    private readonly access: AccessService,
    private readonly roles: WorkflowRolesService,
    private readonly definitions: WorkflowDefinitionsService,
  ) {}

  async row(orgId: string, itemId: string): Promise<ItemRow | null> {
    const [row] = await this.db.query('SELECT * FROM workflow_item WHERE id = ? AND org_id = ?', [
      itemId,
      orgId,
    ]);
    return row ?? null;
  }

  async load(
    viewer: Viewer | null,
    orgId: string,
    itemId: string,
    needed: Role = 'viewer',
  ): Promise<LoadedItem> {
    const access = await this.access.require(viewer, orgId, needed);
    const item = await this.row(access.org.id, itemId);
    const version = item && (await versionRow(this.db, item.version_id));
    if (!item || !version) throw notFound(`workflow item ${itemId}`);
    const def = definitionOf(version);
    return { access, item, version, def, instance: replay(def, await loadEvents(this.db, itemId)) };
  }

  actorRoles(access: Access): Promise<string[]> {
    return this.roles.actorRoles(access.viewer.accountId, access.org);
  }

  async start(
    viewer: Viewer | null,
    input: { orgId: string; workflowId: string; title: string; data: Record<string, unknown> },
  ): Promise<ItemRow> {
    const access = await this.access.require(viewer, input.orgId, 'viewer');
    const version = await this.definitions.latestInChain(access.org, input.workflowId);
    if (!version) throw notFound(`workflow ${input.workflowId}`);
    const def = definitionOf(version);
    const startRoles: string[] = JSON.parse(version.start_roles);
    const mine = await this.actorRoles(access);
    if (!startRoles.some((r) => mine.includes(r)))
      throw forbidden(`starting a "${def.name}" needs one of the roles ${startRoles.join(', ')}`);
    const form = validateForm(def, input.data);
    if (!form.ok) {
      throw badInput(
        `the form is not valid: ${form.errors.map((e) => `${e.field || 'form'} ${e.message}`).join('; ')}`,
        form.errors.map((e) => ({ field: e.field || 'data', message: e.message })),
      );
    }
    const itemId = newId();
    const payload: StartPayload = {
      orgId: access.org.id,
      itemId,
      workflowId: version.workflow_id,
      versionId: version.id,
      title: input.title.trim(),
      data: input.data,
    };
    const drafts: OpDraft[] = [this.draft(access, 'workflow.itemStarted', itemId, { ...payload })];
    const holder = await this.handOff(version, initialState(def).id, access.viewer.accountId, access.org);
    if (holder) drafts.push(this.draft(access, 'workflow.itemAssigned', itemId, { assignee: holder }));
    await this.oplog.append(drafts);
    return (await this.row(access.org.id, itemId))!;
  }

  async transition(
    viewer: Viewer | null,
    input: {
      orgId: string;
      itemId: string;
      transitionId: string;
      data?: Record<string, unknown> | null;
      assigneeId?: string | null;
    },
  ): Promise<ItemRow> {
    const { access, item, version, def, instance } = await this.load(viewer, input.orgId, input.itemId);
    const result = takeTransition(
      def,
      instance,
      input.transitionId,
      await this.actorRoles(access),
      input.data ?? undefined,
    );
    if (!result.ok) throw transitionError(def, input.transitionId, result);
    const assignee =
      input.assigneeId != null
        ? await this.checkAssignee(def, result.nextState, input.assigneeId, access.org)
        : await this.handOff(version, result.nextState, item.started_by, access.org);
    const { type: _, ...event } = result.event;
    await this.oplog.append([
      this.draft(access, 'workflow.itemTransitioned', item.id, { ...event, assignee }),
    ]);
    return (await this.row(access.org.id, item.id))!;
  }

  async assign(
    viewer: Viewer | null,
    input: { orgId: string; itemId: string; assigneeId: string | null },
  ): Promise<ItemRow> {
    const { access, item, def } = await this.load(viewer, input.orgId, input.itemId);
    if (item.final) throw conflict(`the item is closed (final state "${item.state}")`);
    const mine = await this.actorRoles(access);
    const canAct = def.transitions.some(
      (t) => t.from === item.state && t.roles.some((r) => mine.includes(r)),
    );
    if (!canAct && !roleAtLeast(access.role, 'admin'))
      throw forbidden('only members who can move this item on, or admins, can assign it');
    const assignee =
      input.assigneeId && (await this.checkAssignee(def, item.state, input.assigneeId, access.org));
    await this.oplog.append([
      this.draft(access, 'workflow.itemAssigned', item.id, { assignee: assignee || null }),
    ]);
    return (await this.row(access.org.id, item.id))!;
  }

  async comment(
    viewer: Viewer | null,
    input: { orgId: string; itemId: string; text: string },
  ): Promise<ItemRow> {
    const { access, item } = await this.load(viewer, input.orgId, input.itemId, 'member');
    await this.oplog.append([this.draft(access, 'workflow.itemCommented', item.id, { text: input.text })]);
    return (await this.row(access.org.id, item.id))!;
  }

  /** The assignee must be a member and hold one of the state's assigneeRoles, if it names any. */
  private async checkAssignee(def: WorkflowDefinition, state: string, accountId: string, org: OrgRow) {
    const wanted = findState(def, state)?.assigneeRoles ?? [];
    const theirs = await this.roles.actorRoles(accountId, org);
    if (!theirs.length || (wanted.length && !wanted.some((r) => theirs.includes(r)))) {
      const needs = wanted.length ? `one of the roles ${wanted.join(', ')}` : 'membership';
      throw badInput('cannot assign', [
        { field: 'assigneeId', message: `needs ${needs} in state "${state}"` },
      ]);
    }
    return accountId;
  }

  /** See the hand-off rule above: states held by the start roles go back to whoever started the item. */
  private async handOff(version: VersionRow, state: string, starter: string | null, org: OrgRow) {
    const def = definitionOf(version);
    const startRoles: string[] = JSON.parse(version.start_roles);
    const st = findState(def, state);
    const wanted = (st?.assigneeRoles ?? []).filter((r) => startRoles.includes(r));
    if (!starter || !wanted.length || st?.final) return null;
    const theirs = await this.roles.actorRoles(starter, org);
    return wanted.some((r) => theirs.includes(r)) ? starter : null;
  }

  private draft(access: Access, kind: string, itemId: string, fields: Record<string, unknown>): OpDraft {
    return {
      org: access.org.root_id,
      actor: access.viewer.accountId,
      kind,
      entity: itemId,
      payload: { orgId: access.org.id, itemId, ...fields } as OpDraft['payload'],
    };
  }
}
