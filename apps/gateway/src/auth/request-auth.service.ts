import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiTokensService } from './api-tokens.service.js';
import { AuthService } from './auth.service.js';
import { SESSION_COOKIE, type Viewer } from './viewer.js';

/** Establishes the viewer of an HTTP request from its bearer token or session cookie. */
@Injectable()
export class RequestAuthService {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: ApiTokensService,
  ) {}

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
