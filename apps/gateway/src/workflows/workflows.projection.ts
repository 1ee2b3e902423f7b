import { lwwStamp, type Op } from '@gatehouse/mesh';
import { canonicalJson, validateDefinition } from '@gatehouse/workflow';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OpRejectedError, type Projection } from '../oplog/projection.js';
import { ProjectionRegistry } from '../oplog/projection-registry.js';
import { EVENT_TYPE, recordEvent, schema } from './workflow-events.util.js';
import { recomputeItem } from './workflow-items.store.js';

const { id, name, data, assignee, text } = schema;
const object = (required: string[], properties: Record<string, object>) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
const transition = (instance: string) =>
  object(['orgId', instance, 'transitionId', 'fromState'], {
    orgId: id,
    [instance]: id,
    transitionId: name,
    fromState: name,
    fromEventId: { type: 'string', minLength: 1, maxLength: 128 },
    data,
    assignee,
  });

/** Called in the same transaction when a definition version is stored, so dependants can recompute. */
export type VersionListener = (tx: EntityManager, versionId: string) => Promise<void>;

/**
 * Workflow definitions (versions), custom role grants, and the events of
 * workflow items and edit conflicts. Items are recomputed from all of their
 * events with the engine's replay, so the order ops arrive in does not matter.
 */
@Injectable()
export class WorkflowsProjection implements Projection, OnModuleInit {
  readonly name = 'workflows';
  private readonly versionListeners: VersionListener[] = [];
  readonly payloadSchemas = {
    'workflow.published': object(
      ['orgId', 'workflowId', 'versionId', 'key', 'version', 'definition', 'startRoles'],
      {
        orgId: id,
        workflowId: id,
        versionId: id,
        key: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{0,62}$' },
        version: { type: 'integer', minimum: 1 },
        definition: { type: 'object' },
        startRoles: { type: 'array', maxItems: 50, items: name },
      },
    ),
    'workflow.roleGranted': object(['orgId', 'accountId', 'role', 'granted'], {
      orgId: id,
      accountId: id,
      role: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' },
      granted: { type: 'boolean' },
    }),
    'workflow.itemStarted': object(['orgId', 'itemId', 'workflowId', 'versionId', 'title', 'data'], {
      orgId: id,
      itemId: id,
      workflowId: id,
      versionId: id,
      title: { type: 'string', minLength: 1, maxLength: 200 },
      data,
    }),
    'workflow.itemTransitioned': transition('itemId'),
    'workflow.itemAssigned': object(['orgId', 'itemId', 'assignee'], { orgId: id, itemId: id, assignee }),
    'workflow.itemCommented': object(['orgId', 'itemId', 'text'], { orgId: id, itemId: id, text }),
    'workflow.itemMigrated': object(
      ['orgId', 'itemId', 'toVersionId', 'fromVersion', 'toVersion', 'fromState', 'toState'],
      {
        orgId: id,
        itemId: id,
        toVersionId: id,
        fromVersion: { type: 'integer', minimum: 1 },
        toVersion: { type: 'integer', minimum: 1 },
        fromState: name,
        fromEventId: id,
        toState: name,
        data,
      },
    ),
    'conflict.transitioned': transition('conflictId'),
    'conflict.assigned': object(['orgId', 'conflictId', 'assignee'], { orgId: id, conflictId: id, assignee }),
    'conflict.commented': object(['orgId', 'conflictId', 'text'], { orgId: id, conflictId: id, text }),
    'conflict.noted': object(['orgId', 'conflictId', 'note'], {
      orgId: id,
      conflictId: id,
      note: { type: 'string', minLength: 1, maxLength: 2000 },
    }),
  };

  constructor(private readonly registry: ProjectionRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  onVersionStored(listener: VersionListener): void {
    this.versionListeners.push(listener);
  }

  async apply(tx: EntityManager, op: Op): Promise<void> {
    const p = op.payload as Record<string, unknown>;
    const [org] = await tx.query('SELECT root_id FROM org WHERE id = ?', [p.orgId]);
    if (org && org.root_id !== op.org)
      throw new OpRejectedError(op.id, 'belongs to another organisation log');
    // OpJudge finds versions, item starts and role grants by entity: it must name what the op is about.
    if (op.kind === 'workflow.published') {
      if (op.entity !== p.workflowId) throw new OpRejectedError(op.id, 'entity must be the workflow id');
      return this.applyPublished(tx, op);
    }
    if (op.kind === 'workflow.roleGranted') {
      if (op.entity !== `${p.orgId}/${p.accountId}/${p.role}`)
        throw new OpRejectedError(op.id, 'entity must be <org id>/<account id>/<role>');
      await tx.query(
        `INSERT INTO workflow_role (org_id, account_id, role, granted, stamp) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (org_id, account_id, role) DO UPDATE SET granted = excluded.granted, stamp = excluded.stamp
         WHERE excluded.stamp > workflow_role.stamp`,
        [p.orgId, p.accountId, p.role, p.granted ? 1 : 0, lwwStamp(op)],
      );
      return;
    }
    if (!EVENT_TYPE[op.kind]) return;
    const instance = (p.itemId ?? p.conflictId) as string;
    if (op.entity !== instance) throw new OpRejectedError(op.id, 'entity must be the item or conflict id');
    await recordEvent(tx, op, p.orgId as string, instance);
    // Edit conflicts derive their state when read (their row comes from page heads).
    if (op.kind.startsWith('workflow.item')) await recomputeItem(tx, instance);
  }

  private async applyPublished(tx: EntityManager, op: Op): Promise<void> {
    const p = op.payload as {
      orgId: string;
      workflowId: string;
      versionId: string;
      key: string;
      version: number;
      definition: { name?: unknown };
      startRoles: string[];
    };
    // The writing service validated it; a peer's op is checked again, as replay and OpJudge read it.
    const checked = validateDefinition({ ...p.definition, key: p.key, version: p.version });
    if (!checked.ok) {
      const [first] = checked.errors;
      throw new OpRejectedError(
        op.id,
        `invalid workflow definition (${first.path || 'definition'}: ${first.message})`,
      );
    }
    // Two ops claiming one version id (a faulty author): the first in log order wins everywhere.
    await tx.query(
      `INSERT INTO workflow_version (id, org_id, workflow_id, key, version, name, definition, start_roles, published_by,
         published_hlc, stamp)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, workflow_id = excluded.workflow_id, key = excluded.key,
         version = excluded.version, name = excluded.name, definition = excluded.definition,
         start_roles = excluded.start_roles, published_by = excluded.published_by,
         published_hlc = excluded.published_hlc, stamp = excluded.stamp
       WHERE excluded.stamp < workflow_version.stamp`,
      [
        p.versionId,
        p.orgId,
        p.workflowId,
        p.key,
        p.version,
        String(p.definition.name ?? p.key),
        canonicalJson({ ...p.definition, key: p.key, version: p.version }),
        JSON.stringify(p.startRoles),
        op.actor,
        op.hlc,
        lwwStamp(op),
      ],
    );
    // Items whose events arrived before their definition (or a migration's target) can be computed now.
    const waiting: { instance_id: string }[] = await tx.query(
      `SELECT DISTINCT instance_id FROM workflow_event
       WHERE (kind = 'workflow.itemStarted' AND json_extract(payload, '$.versionId') = ?)
          OR (kind = 'workflow.itemMigrated' AND json_extract(payload, '$.toVersionId') = ?)`,
      [p.versionId, p.versionId],
    );
    for (const w of waiting) await recomputeItem(tx, w.instance_id);
    for (const listener of this.versionListeners) await listener(tx, p.versionId);
  }

  async stateRows(tx: EntityManager, rootOrg: string): Promise<unknown[]> {
    const inOrg = 'org_id IN (SELECT id FROM org WHERE root_id = ?)';
    return [
      await tx.query(
        `SELECT id, org_id, workflow_id, key, version, name, definition, start_roles, published_by, published_hlc, stamp
         FROM workflow_version WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT org_id, account_id, role, granted, stamp FROM workflow_role WHERE ${inOrg}
         ORDER BY org_id, account_id, role`,
        [rootOrg],
      ),
      await tx.query(
        `SELECT id, org_id, instance_id, kind, payload, actor, author, hlc FROM workflow_event WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
      // ready_roles, ready_exact and assignee_roles follow from version_id, state and data (workflow-inbox.util.ts).
      await tx.query(
        `SELECT id, org_id, workflow_id, version_id, title, state, final, assignee, waiting_roles, data, conflicts,
           conflict_count, started_by, started_hlc, updated_hlc FROM workflow_item WHERE ${inOrg} ORDER BY id`,
        [rootOrg],
      ),
    ];
  }

  async clear(tx: EntityManager): Promise<void> {
    for (const table of ['workflow_item', 'workflow_event', 'workflow_role', 'workflow_version'])
      await tx.query(`DELETE FROM ${table}`);
  }
}
