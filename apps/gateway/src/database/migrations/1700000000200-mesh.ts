import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replication between gateways: which gateways are admitted to each
 * organisation (a projection of gateway.* ops), and what this gateway keeps
 * for itself about the mesh (organisations it joined, peers' addresses).
 */
export class Mesh1700000000200 implements MigrationInterface {
  name = 'Mesh1700000000200';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      // Projections of the op log.
      `CREATE TABLE gateway_invite (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_by TEXT,
        expires_at INTEGER NOT NULL,
        created_hlc TEXT NOT NULL,
        used_by TEXT,
        used_stamp TEXT
      )`,
      'CREATE INDEX gateway_invite_org ON gateway_invite (org_id)',
      // Last writer wins per (organisation, gateway): admitted, or revoked.
      `CREATE TABLE gateway_admission (
        org_id TEXT NOT NULL,
        peer_id TEXT NOT NULL,
        status TEXT NOT NULL,
        invite_id TEXT,
        actor TEXT,
        stamp TEXT NOT NULL,
        PRIMARY KEY (org_id, peer_id)
      )`,
      // Local to this gateway, never replicated.
      `CREATE TABLE mesh_join (
        org_id TEXT PRIMARY KEY,
        seed_peer TEXT NOT NULL,
        seed_addrs TEXT NOT NULL,
        joined_at INTEGER NOT NULL
      )`,
      `CREATE TABLE mesh_peer (
        peer_id TEXT PRIMARY KEY,
        addrs TEXT NOT NULL,
        seen_at INTEGER NOT NULL
      )`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['mesh_peer', 'mesh_join', 'gateway_admission', 'gateway_invite']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
