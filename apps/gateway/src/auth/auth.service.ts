import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { badInput, conflict, GatehouseError, unauthenticated } from '../common/gatehouse-error.js';
import { newId, newSecret, sha256Hex } from '../common/ids.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { OpLogService } from '../oplog/oplog.service.js';
import { DATA_SOURCE } from '../oplog/tokens.js';
import { AccountsService } from './accounts.service.js';
import { hashPassword, verifyPassword } from './password.util.js';
import type { Viewer } from './viewer.js';

export interface AccountRow {
  id: string;
  name: string;
  display_name: string;
  verifier: string;
}

export interface NewSession {
  account: AccountRow;
  token: string;
  csrfToken: string;
  maxAgeSeconds: number;
}

async function throttle(limiter: RateLimiterMemory, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch {
    throw new GatehouseError('RATE_LIMITED', message);
  }
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** Sign-up, log-in and browser sessions. Sessions are local to this gateway. */
@Injectable()
export class AuthService {
  // Per name+address and per address: slows guessing without locking out a village behind one NAT.
  private readonly perName = new RateLimiterMemory({ points: 8, duration: 15 * 60 });
  private readonly perAddress = new RateLimiterMemory({ points: 60, duration: 15 * 60 });
  // Each sign-up costs an scrypt hash: bound what one device can make the box compute.
  private readonly signUpsPerAddress = new RateLimiterMemory({ points: 30, duration: 10 * 60 });
  // Changing a password checks the old one: a stolen session must not become a guessing oracle.
  private readonly passwordChecksPerAccount = new RateLimiterMemory({ points: 8, duration: 15 * 60 });

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly oplog: OpLogService,
    private readonly accounts: AccountsService,
  ) {}

  async signUp(
    input: { name: string; password: string; displayName?: string },
    address: string,
  ): Promise<NewSession> {
    await throttle(this.signUpsPerAddress, address, 'too many sign-ups from this device; wait a few minutes');
    const name = input.name.trim().toLowerCase();
    if (!NAME_PATTERN.test(name)) {
      throw badInput('invalid name', [
        { field: 'name', message: '2 to 32 characters: lowercase letters, digits, dot, dash, underscore' },
      ]);
    }
    if (input.password.length < 8) {
      throw badInput('password too short', [{ field: 'password', message: 'at least 8 characters' }]);
    }
    const verifier = await hashPassword(input.password);
    const id = newId();
    const displayName = input.displayName?.trim() || name;
    return this.oplog.exclusive(async (tx) => {
      const taken = await tx.query('SELECT 1 FROM account WHERE name = ? LIMIT 1', [name]);
      if (taken.length) throw conflict(`the name ${name} is taken on this gateway`);
      // Stamp '0' sorts below every op stamp: the first published copy of the account wins over it.
      await tx.query(
        'INSERT INTO account (id, name, display_name, verifier, stamp, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [id, name, displayName, verifier, '0', Date.now()],
      );
      // The first account on a fresh gateway is its operator.
      await tx.query(`INSERT OR IGNORE INTO gateway_setting (key, value) VALUES ('operator', ?)`, [id]);
      return this.createSession(tx, { id, name, display_name: displayName, verifier });
    });
  }

  async logIn(name: string, password: string, address: string): Promise<NewSession> {
    const key = name.trim().toLowerCase();
    const tooMany = 'too many log-in attempts; wait a few minutes';
    await throttle(this.perAddress, address, tooMany);
    await throttle(this.perName, `${key}@${address}`, tooMany);
    // Two people may have picked the same name on two gateways that were apart: try each.
    const candidates: AccountRow[] = await this.db.query('SELECT * FROM account WHERE name = ?', [key]);
    for (const account of candidates) {
      if (await verifyPassword(password, account.verifier)) {
        await this.perName.delete(`${key}@${address}`);
        return this.oplog.exclusive((tx) => this.createSession(tx, account));
      }
    }
    throw unauthenticated('wrong name or password');
  }

  async logOut(token: string): Promise<void> {
    await this.oplog.exclusive((tx) =>
      tx.query('DELETE FROM session WHERE token_hash = ?', [sha256Hex(token)]),
    );
  }

  async changePassword(viewer: Viewer, oldPassword: string, newPassword: string): Promise<void> {
    await throttle(
      this.passwordChecksPerAccount,
      viewer.accountId,
      'too many password changes; wait a few minutes',
    );
    const account = await this.accounts.byId(viewer.accountId);
    if (!account || !(await verifyPassword(oldPassword, account.verifier)))
      throw unauthenticated('wrong password');
    if (newPassword.length < 8)
      throw badInput('password too short', [{ field: 'newPassword', message: 'at least 8 characters' }]);
    await this.accounts.publishChange(viewer.accountId, { verifier: await hashPassword(newPassword) });
  }

  private async createSession(
    tx: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
    account: AccountRow,
  ): Promise<NewSession> {
    const token = newSecret('ghs_');
    const csrfToken = newSecret();
    const now = Date.now();
    const maxAgeSeconds = this.config.sessionTtlSeconds;
    await tx.query(
      'INSERT INTO session (token_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      [sha256Hex(token), account.id, csrfToken, now, now + maxAgeSeconds * 1000],
    );
    return { account, token, csrfToken, maxAgeSeconds };
  }

  /** The viewer behind a session token, or why there is none. */
  async viewerFromSession(token: string): Promise<Viewer | { problem: string }> {
    const [row] = await this.db.query(
      `SELECT s.account_id, s.csrf_token, s.expires_at, a.name, a.display_name FROM session s JOIN account a ON a.id = s.account_id
       WHERE s.token_hash = ?`,
      [sha256Hex(token)],
    );
    if (!row) return { problem: 'session not recognised; log in again' };
    if (row.expires_at <= Date.now()) return { problem: 'session expired; log in again' };
    return {
      accountId: row.account_id,
      name: row.name,
      displayName: row.display_name,
      via: 'session',
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
      isOperator: await this.isOperator(row.account_id),
    };
  }

  async isOperator(accountId: string): Promise<boolean> {
    const [row] = await this.db.query(`SELECT value FROM gateway_setting WHERE key = 'operator'`);
    return row?.value === accountId;
  }

  newAccountId(): string {
    return newId();
  }
}
