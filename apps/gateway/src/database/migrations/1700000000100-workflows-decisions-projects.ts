import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projections of workflows (definitions, custom roles, instance events and
 * items), decisions (proposals and ballots) and projects (projects,
 * milestones, tasks). Every table here is rebuilt from the op log.
 */
export class WorkflowsDecisionsProjects1700000000100 implements MigrationInterface {
  name = 'WorkflowsDecisionsProjects1700000000100';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      // One row per published version; instances name the version they run on by id.
      `CREATE TABLE workflow_version (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        key TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        start_roles TEXT NOT NULL,
        published_by TEXT,
        published_hlc TEXT NOT NULL,
        stamp TEXT NOT NULL
      )`,
      'CREATE INDEX workflow_version_org ON workflow_version (org_id, workflow_id, version)',
      'CREATE INDEX workflow_version_key ON workflow_version (org_id, key)',
      // Custom workflow roles (treasurer, board, designer...), last writer wins per (org, account, role).
      `CREATE TABLE workflow_role (
        org_id TEXT NOT NULL,
        account_id TEXT NOT NULL,
        role TEXT NOT NULL,
        granted INTEGER NOT NULL,
        stamp TEXT NOT NULL,
        PRIMARY KEY (org_id, account_id, role)
      )`,
      // Events of workflow instances: user items and edit conflicts (instance_id = item or conflict id).
      `CREATE TABLE workflow_event (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        instance_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        actor TEXT,
        author TEXT NOT NULL,
        hlc TEXT NOT NULL
      )`,
      'CREATE INDEX workflow_event_instance ON workflow_event (instance_id, hlc)',
      // An item's state, recomputed by replaying all of its events.
      `CREATE TABLE workflow_item (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        version_id TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        final INTEGER NOT NULL,
        assignee TEXT,
        waiting_roles TEXT NOT NULL,
        data TEXT NOT NULL,
        conflicts TEXT NOT NULL,
        conflict_count INTEGER NOT NULL,
        started_by TEXT,
        started_hlc TEXT NOT NULL,
        updated_hlc TEXT NOT NULL
      )`,
      'CREATE INDEX workflow_item_org ON workflow_item (org_id, final, updated_hlc)',
      'CREATE INDEX workflow_item_assignee ON workflow_item (assignee, final)',
      `CREATE TABLE decision (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        method TEXT NOT NULL,
        options TEXT NOT NULL,
        voter_roles TEXT NOT NULL,
        quorum INTEGER NOT NULL,
        deadline INTEGER NOT NULL,
        created_by TEXT,
        created_hlc TEXT NOT NULL,
        closed_hlc TEXT,
        closed_by TEXT
      )`,
      'CREATE INDEX decision_org ON decision (org_id, created_hlc)',
      // Every ballot op is kept: the one that counts is the voter's last before the cut-off.
      `CREATE TABLE decision_ballot (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        decision_id TEXT NOT NULL,
        voter TEXT NOT NULL,
        choices TEXT NOT NULL,
        reason TEXT NOT NULL,
        hlc TEXT NOT NULL,
        author TEXT NOT NULL
      )`,
      'CREATE INDEX decision_ballot_decision ON decision_ballot (decision_id, voter, hlc)',
      // Fields of projects, milestones and tasks, last writer wins per (entity, field).
      `CREATE TABLE project_field (
        entity_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        stamp TEXT NOT NULL,
        PRIMARY KEY (entity_id, field)
      )`,
      `CREATE TABLE project (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        created_by TEXT,
        created_hlc TEXT NOT NULL
      )`,
      'CREATE INDEX project_org ON project (org_id, created_hlc)',
      `CREATE TABLE milestone (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        title TEXT NOT NULL,
        due_date TEXT,
        created_hlc TEXT NOT NULL
      )`,
      'CREATE INDEX milestone_project ON milestone (project_id, due_date)',
      `CREATE TABLE task (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        milestone_id TEXT,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        assignee TEXT,
        due_date TEXT,
        labels TEXT NOT NULL,
        version_id TEXT NOT NULL,
        status TEXT NOT NULL,
        status_conflicts INTEGER NOT NULL,
        created_by TEXT,
        created_hlc TEXT NOT NULL,
        updated_hlc TEXT NOT NULL
      )`,
      'CREATE INDEX task_project ON task (project_id, status, created_hlc)',
      'CREATE INDEX task_assignee ON task (assignee)',
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'task',
      'milestone',
      'project',
      'project_field',
      'decision_ballot',
      'decision',
      'workflow_item',
      'workflow_event',
      'workflow_role',
      'workflow_version',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
