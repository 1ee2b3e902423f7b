import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../common/ids.js';
import { TtlCache } from '../common/ttl-cache.js';
import { ApiTokensService } from './api-tokens.service.js';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE, type Viewer } from './viewer.js';

type Found = { viewer: Viewer | null; problem?: string; sessionToken?: string };

/** Establishes the viewer of an HTTP request from its bearer token or session cookie. */
@Injectable()
export class RequestAuthService {
  // Every request carries credentials; a few seconds of memory saves the database lookups.
  // Log-out and token revocation call forget(), so they take effect at once.
  private readonly recent = new TtlCache<{ found: Found; expiresAt: number }>(5_000);

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

  async viewerOf(
    req: Pick<FastifyRequest, 'headers'> & { cookies?: Record<string, string | undefined> },
  ): Promise<{
    viewer: Viewer | null;
    problem?: string;
    sessionToken?: string;
  }> {
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) return { viewer: null, problem: 'Authorization header must be "Bearer <token>"' };
      const found = await this.tokens.accountFor(match[1]);
      if ('problem' in found) return { viewer: null, problem: found.problem };
      return {
        viewer: { ...found, via: 'token', isOperator: await this.auth.isOperator(found.accountId) },
      };
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
