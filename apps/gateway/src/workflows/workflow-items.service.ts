import type { OpDraft } from '@gatehouse/mesh';
import {
  findState,
  type InstanceState,
  initialState,
  isFinal,
  migrateInstance,
  type TakeTransitionResult,
  takeTransition,
  validateForm,
  type WorkflowDefinition,
} from '@gatehouse/workflow';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer.js';
import {
  badInput,
  conflict,
  type FieldProblem,
  forbidden,
  GatehouseError,
  notFound,
} from '../common/gatehouse-error.js';
import { newId } from '../common/ids.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { type Access, AccessService, type OrgRow } from '../orgs/access.service.js';
import { type Role, roleAtLeast } from '../orgs/roles.js';
import { definitionOf, type VersionRow } from './definition-store.js';
import { WorkflowDefinitionsService } from './workflow-definitions.service.js';
import { eventRows } from './workflow-events.util.js';
import { type ItemRow, type ReplayedItem, replayItem, type StartPayload } from './workflow-items.store.js';
import { WorkflowRolesService } from './workflow-roles.service.js';

export interface LoadedItem {
  readonly access: Access;
  readonly item: ItemRow;
  /** The version the item runs on now, and its definition. */
  readonly version: VersionRow;
  readonly def: WorkflowDefinition;
  readonly instance: InstanceState;
  /** The whole replay, with every version the item ran on (for its history). */
  readonly replayed: ReplayedItem;
}

export interface StateMapping {
  from: string;
  to: string;
}

/** How many open items one `migrateWorkflowItems` may move (they are written in one transaction). */
export const MAX_BULK_MIGRATION = 500;

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
    const replayed = item && (await replayItem(this.db, await eventRows(this.db, itemId)));
    if (!item || !replayed) throw notFound(`workflow item ${itemId}`);
    const { version, def, instance } = replayed;
    return { access, item, version, def, instance, replayed };
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

  /**
   * Moves an open item to a newer version of its workflow (the newest unless
   * `toVersionId` names one), its state mapped by `stateMap` or else kept by
   * id, its data merge-patched by `data`. Admins and designers; the data must
   * fit the new version's form.
   */
  async migrate(
    viewer: Viewer | null,
    input: {
      orgId: string;
      itemId: string;
      toVersionId?: string | null;
      stateMap?: StateMapping[] | null;
      data?: Record<string, unknown> | null;
    },
  ): Promise<ItemRow> {
    const access = await this.definitions.requireDesigner(viewer, input.orgId, 'migrating workflow items');
    const loaded = await this.load(viewer, input.orgId, input.itemId);
    const target = await this.migrationTarget(access.org, loaded.item.workflow_id, input.toVersionId);
    const stateMap = this.stateMap(target, input.stateMap);
    if (loaded.item.final)
      throw conflict(
        `the item is closed (final state "${loaded.item.state}"); closed items keep their version`,
      );
    if (target.version <= loaded.version.version) {
      throw badInput(`the item runs version ${loaded.version.version}; it can only move to a newer version`, [
        {
          field: 'toVersionId',
          message: `version ${target.version} is not newer than ${loaded.version.version}`,
        },
      ]);
    }
    const draft = this.migration(
      access,
      loaded.item,
      loaded.replayed,
      target,
      stateMap,
      input.data ?? undefined,
    );
    await this.oplog.append([draft]);
    return (await this.row(access.org.id, loaded.item.id))!;
  }

  /**
   * `migrate` for every open item of a workflow in the organisation and its
   * departments that runs an older version than the target: all or none, in
   * one transaction. Errors name each item that cannot move.
   */
  async migrateAll(
    viewer: Viewer | null,
    input: {
      orgId: string;
      workflowId: string;
      toVersionId?: string | null;
      stateMap?: StateMapping[] | null;
      data?: Record<string, unknown> | null;
    },
  ): Promise<ItemRow[]> {
    const access = await this.definitions.requireDesigner(viewer, input.orgId, 'migrating workflow items');
    const target = await this.migrationTarget(access.org, input.workflowId, input.toVersionId);
    const stateMap = this.stateMap(target, input.stateMap);
    const rows: ItemRow[] = await this.db.query(
      `WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT o.id FROM org o JOIN sub s ON o.parent_id = s.id)
       SELECT i.* FROM workflow_item i JOIN workflow_version v ON v.id = i.version_id
       WHERE i.org_id IN (SELECT id FROM sub) AND i.workflow_id = ? AND i.final = 0 AND v.version < ?
       ORDER BY i.started_hlc, i.id LIMIT ?`,
      [access.org.id, input.workflowId, target.version, MAX_BULK_MIGRATION + 1],
    );
    if (rows.length > MAX_BULK_MIGRATION) {
      throw badInput(`more than ${MAX_BULK_MIGRATION} open items to migrate; migrate them per department`, [
        { field: 'workflowId', message: `more than ${MAX_BULK_MIGRATION} open items` },
      ]);
    }
    const drafts: OpDraft[] = [];
    const problems: FieldProblem[] = [];
    for (const item of rows) {
      const replayed = await replayItem(this.db, await eventRows(this.db, item.id));
      if (!replayed) continue;
      try {
        drafts.push(this.migration(access, item, replayed, target, stateMap, input.data ?? undefined));
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        for (const f of error.fields ?? [{ field: 'items', message: error.message }]) {
          const what = f.field === 'stateMap' || f.field === 'items' ? f.message : `${f.field} ${f.message}`;
          problems.push({ field: f.field, message: `item "${item.title}" (${item.id}): ${what}` });
        }
      }
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).map((p) => p.message);
      const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
      throw badInput(
        `cannot migrate every open item to version ${target.version}: ${shown.join('; ')}${more}`,
        problems,
      );
    }
    if (drafts.length > 0) await this.oplog.append(drafts);
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return [];
    return this.db.query(
      `SELECT * FROM workflow_item WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY started_hlc, id`,
      ids,
    );
  }

  /** The version to migrate to: the one named (of this workflow), else the newest usable in `org`. */
  private async migrationTarget(org: OrgRow, workflowId: string, toVersionId?: string | null) {
    const target = toVersionId
      ? await this.definitions.version(toVersionId)
      : await this.definitions.latestInChain(org, workflowId);
    if (!target || target.workflow_id !== workflowId) {
      if (!toVersionId) throw notFound(`workflow ${workflowId}`);
      throw badInput(`${toVersionId} is not a version of this workflow`, [
        { field: 'toVersionId', message: 'not a version of this workflow' },
      ]);
    }
    return target;
  }

  /** The state map as the engine takes it; every target must be a state of the new version. */
  private stateMap(target: VersionRow, mappings?: StateMapping[] | null): Record<string, string> {
    const def = definitionOf(target);
    const map: Record<string, string> = {};
    const problems: FieldProblem[] = [];
    for (const { from, to } of mappings ?? []) {
      if (from.length > 100 || to.length > 100)
        problems.push({ field: 'stateMap', message: 'state ids are at most 100 characters' });
      else if (Object.hasOwn(map, from))
        problems.push({ field: 'stateMap', message: `"${from}" is mapped twice` });
      else if (!findState(def, to)) {
        const states = def.states.map((st) => `"${st.id}"`).join(', ');
        problems.push({
          field: 'stateMap',
          message: `"${from}" is mapped to "${to}", which version ${def.version} does not define (its states: ${states})`,
        });
      }
      Object.defineProperty(map, from, { value: to, enumerable: true, configurable: true, writable: true });
    }
    if (problems.length > 0)
      throw badInput(`invalid state map: ${problems.map((p) => p.message).join('; ')}`, problems);
    return map;
  }

  /** Checks one item's migration with the engine and returns the op that records it. */
  private migration(
    access: Access,
    item: ItemRow,
    replayed: ReplayedItem,
    target: VersionRow,
    stateMap: Record<string, string>,
    data: Record<string, unknown> | undefined,
  ): OpDraft {
    const toDef = definitionOf(target);
    if (isFinal(replayed.def, replayed.instance.state))
      throw conflict(
        `the item is closed (final state "${replayed.instance.state}"); closed items keep their version`,
      );
    const result = migrateInstance(replayed.def, toDef, replayed.instance, stateMap, data);
    if (!result.ok) {
      throw badInput(
        `cannot migrate to version ${toDef.version}: ${result.errors.join('; ')}`,
        result.errors.map((message) => ({ field: 'stateMap', message })),
      );
    }
    if (result.formErrors.length > 0) {
      const detail = result.formErrors.map((e) => `${e.field || 'form'} ${e.message}`).join('; ');
      throw badInput(
        `the item's data does not fit the form of version ${toDef.version}: ${detail}; fill it in with data`,
        result.formErrors.map((e) => ({ field: e.field || 'data', message: e.message })),
      );
    }
    const { type: _, ...event } = result.event;
    return {
      org: access.org.root_id,
      actor: access.viewer.accountId,
      kind: 'workflow.itemMigrated',
      entity: item.id,
      payload: {
        orgId: item.org_id,
        itemId: item.id,
        toVersionId: target.id,
        ...event,
      } as OpDraft['payload'],
    };
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
