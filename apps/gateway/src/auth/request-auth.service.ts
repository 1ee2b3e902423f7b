import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../common/ids.js';
import { TtlCache } from '../common/ttl-cache.js';
import { ApiTokensService } from './api-tokens.service.js';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE, type Viewer } from './viewer.js';

export interface RequestAuth {
  viewer: Viewer | null;
  /** Why credentials that were sent were not accepted. */
  problem?: string;
  /** The session cookie's token, when the request carried one. */
  sessionToken?: string;
}

type CredentialRequest = Pick<FastifyRequest, 'headers'> & { cookies?: Record<string, string | undefined> };

/** Establishes the viewer of an HTTP request from its bearer token or session cookie. */
@Injectable()
export class RequestAuthService {
  // Every request carries credentials; a few seconds of memory saves the database lookups.
  // Log-out and token revocation evict at once (forget, forgetAll).
  private readonly recent = new TtlCache<{ found: RequestAuth; expiresAt: number }>(5_000);

  constructor(
    private readonly auth: AuthService,
    private readonly tokens: ApiTokensService,
  ) {}

  forget(secret: string): void {
    this.recent.delete(sha256Hex(secret));
  }

  forgetAll(): void {
    this.recent.clear();
  }

  async viewerOf(req: CredentialRequest): Promise<RequestAuth> {
    const header = req.headers.authorization;
    const secret = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : req.cookies?.[SESSION_COOKIE];
    if (!secret) return this.lookUp(req);
    const key = sha256Hex(secret);
    const hit = this.recent.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.found;
    const found = await this.lookUp(req);
    if (found.viewer)
      this.recent.set(key, { found, expiresAt: found.viewer.expiresAt ?? Number.POSITIVE_INFINITY });
    return found;
  }

  private async lookUp(req: CredentialRequest): Promise<RequestAuth> {
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) return { viewer: null, problem: 'Authorization header must be "Bearer <token>"' };
      const found = await this.tokens.accountFor(match[1]);
      if ('problem' in found) return { viewer: null, problem: found.problem };
      return { viewer: { ...found, via: 'token', isOperator: await this.auth.isOperator(found.accountId) } };
    }
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const found = await this.auth.viewerFromSession(cookie);
      if ('problem' in found) return { viewer: null, problem: found.problem, sessionToken: cookie };
      return { viewer: found, sessionToken: cookie };
    }
    return { viewer: null };
  }
}
