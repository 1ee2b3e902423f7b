import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestAuth, RequestAuthService } from '../auth/request-auth.service.js';
import { CSRF_HEADER } from '../auth/viewer.js';

const AUTH = Symbol('gatehouse.auth');

export function requestAuthOf(request: FastifyRequest): RequestAuth | undefined {
  return (request as unknown as Record<symbol, RequestAuth>)[AUTH];
}

function reject(reply: import('fastify').FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ data: null, errors: [{ message, extensions: { code } }] });
}

/**
 * Checks every request to /graphql before Mercurius sees it: only JSON bodies
 * (HTML forms cannot send JSON cross-site without a CORS preflight), and a
 * matching x-csrf-token header whenever the session cookie is what
 * authenticates a POST.
 */
export function installGraphqlRequestHook(fastify: FastifyInstance, requestAuth: RequestAuthService): void {
  fastify.addHook('preHandler', async (request, reply) => {
    if (request.url.split('?')[0] !== '/graphql') return;
    const contentType = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (request.method === 'POST' && contentType !== 'application/json') {
      return reject(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send GraphQL requests as application/json');
    }
    const auth: RequestAuth = await requestAuth.viewerOf(request as never);
    if (
      auth.viewer?.via === 'session' &&
      request.method === 'POST' &&
      request.headers[CSRF_HEADER] !== auth.viewer.csrfToken
    ) {
      return reject(reply, 403, 'FORBIDDEN', `missing or wrong ${CSRF_HEADER} header`);
    }
    (request as unknown as Record<symbol, RequestAuth>)[AUTH] = auth;
  });
}
