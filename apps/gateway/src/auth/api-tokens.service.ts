import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { badInput, notFound } from '../common/gatehouse-error.js';
import { newId, newSecret, sha256Hex } from '../common/ids.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import type { Viewer } from './viewer.js';

export interface ApiTokenRow {
  id: string;
  account_id: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Bearer tokens for integrations. Only a hash is stored; the token is shown once. */
@Injectable()
export class ApiTokensService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
  ) {}

  async create(viewer: Viewer, name: string): Promise<{ token: string; row: ApiTokenRow }> {
    const clean = name.trim();
    if (!clean || clean.length > 100)
      throw badInput('invalid token name', [{ field: 'name', message: '1 to 100 characters' }]);
    const token = newSecret('ght_');
    const row: ApiTokenRow = {
      id: newId(),
      account_id: viewer.accountId,
      name: clean,
      created_at: Date.now(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.oplog.exclusive((tx) =>
      tx.query(
        'INSERT INTO api_token (id, account_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
        [row.id, row.account_id, row.name, sha256Hex(token), row.created_at],
      ),
    );
    return { token, row };
  }

  list(viewer: Viewer): Promise<ApiTokenRow[]> {
    return this.db.query(
      'SELECT id, account_id, name, created_at, last_used_at, revoked_at FROM api_token WHERE account_id = ? ORDER BY created_at DESC',
      [viewer.accountId],
    );
  }

  async revoke(viewer: Viewer, id: string): Promise<ApiTokenRow> {
    await this.oplog.exclusive((tx) =>
      tx.query('UPDATE api_token SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL', [
        Date.now(),
        id,
        viewer.accountId,
      ]),
    );
    const [row] = await this.db.query(
      'SELECT id, account_id, name, created_at, last_used_at, revoked_at FROM api_token WHERE id = ? AND account_id = ?',
      [id, viewer.accountId],
    );
    if (!row) throw notFound(`API token ${id}`);
    return row;
  }

  /** The account behind a bearer token, or why there is none. */
  async accountFor(
    token: string,
  ): Promise<{ accountId: string; name: string; displayName: string } | { problem: string }> {
    const [row] = await this.db.query(
      `SELECT t.id, t.account_id, t.revoked_at, t.last_used_at, a.name, a.display_name FROM api_token t JOIN account a ON a.id = t.account_id
       WHERE t.token_hash = ?`,
      [sha256Hex(token)],
    );
    if (!row) return { problem: 'API token not recognised' };
    if (row.revoked_at) return { problem: 'API token revoked' };
    // Coarse last-use time (one write an hour at most), for the token list.
    if (!row.last_used_at || Date.now() - row.last_used_at > 3600_000) {
      await this.oplog.exclusive((tx) =>
        tx.query('UPDATE api_token SET last_used_at = ? WHERE id = ?', [Date.now(), row.id]),
      );
    }
    return { accountId: row.account_id, name: row.name, displayName: row.display_name };
  }
}
