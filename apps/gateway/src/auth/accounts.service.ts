import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import type { AccountPublishedPayload } from '../orgs/orgs.projection.js';
import type { AccountRow } from './auth.service.js';

/**
 * Accounts travel with organisations: an `account.published` op in each of a
 * member's organisation logs carries the account (id, name, verifier), so the
 * member can log in on any gateway that hosts one of them.
 */
@Injectable()
export class AccountsService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    private readonly oplog: OpLogService,
  ) {}

  async byId(id: string): Promise<AccountRow | null> {
    const [row] = await this.db.query('SELECT * FROM account WHERE id = ?', [id]);
    return row ?? null;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, AccountRow>> {
    if (!ids.length) return new Map();
    const rows: AccountRow[] = await this.db.query(
      `SELECT * FROM account WHERE id IN (${ids.map(() => '?').join(',')})`,
      [...ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The op that puts an account into an organisation's log. */
  publishDraft(account: AccountRow, rootOrg: string, actor: string) {
    const payload: AccountPublishedPayload = {
      id: account.id,
      name: account.name,
      displayName: account.display_name,
      verifier: account.verifier,
    };
    return { org: rootOrg, actor, kind: 'account.published', entity: account.id, payload: { ...payload } };
  }

  /** Whether the account is already carried by an organisation's log. */
  async publishedIn(accountId: string, rootOrg: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM op WHERE org = ? AND kind = 'account.published' AND entity = ? LIMIT 1`,
      [rootOrg, accountId],
    );
    return rows.length > 0;
  }

  /** Changes an account and republishes it in every organisation that carries it. */
  async publishChange(accountId: string, change: { verifier?: string; displayName?: string }): Promise<void> {
    const account = await this.byId(accountId);
    if (!account) return;
    const next: AccountRow = {
      ...account,
      verifier: change.verifier ?? account.verifier,
      display_name: change.displayName ?? account.display_name,
    };
    const roots: { org: string }[] = await this.db.query(
      `SELECT DISTINCT org FROM op WHERE kind = 'account.published' AND entity = ?`,
      [accountId],
    );
    await this.oplog.append(
      roots.map((r) => this.publishDraft(next, r.org, accountId)),
      async (tx) => {
        // Accounts in no organisation yet are local rows: update them directly.
        await tx.query(`UPDATE account SET verifier = ?, display_name = ? WHERE id = ? AND stamp = '0'`, [
          next.verifier,
          next.display_name,
          accountId,
        ]);
      },
    );
  }
}
