import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RequestAuthService } from '../auth/request-auth.service.js';
import type { RequestContext } from '../auth/viewer.js';
import type { MetricsService } from '../observability/metrics.service.js';
import { assertAffordable, MAX_QUERY_DEPTH } from './complexity.js';
import { formatError, statusFor } from './error-formatter.js';
import { requestAuthOf } from './graphql-request.hook.js';
import { OperationMetrics } from './operation-metrics.js';

/** Mercurius settings: context per request, limits, and the one place errors get their codes. */
export function graphqlOptions(
  requestAuth: RequestAuthService,
  metrics: MetricsService,
  log: Logger,
): Omit<MercuriusDriverConfig, 'driver'> {
  const contextOf = async (request: FastifyRequest, reply?: FastifyReply): Promise<RequestContext> => {
    const auth = requestAuthOf(request) ?? (await requestAuth.viewerOf(request as never));
    return {
      viewer: auth.viewer,
      credentialProblem: auth.problem,
      sessionToken: auth.sessionToken,
      ip: request.ip,
      setCookie: reply
        ? (name, value, maxAge) =>
            void reply.setCookie(name, value, { httpOnly: true, sameSite: 'strict', path: '/', maxAge })
        : undefined,
      clearCookie: reply ? (name) => void reply.clearCookie(name, { path: '/' }) : undefined,
    };
  };
  const operations = new OperationMetrics(metrics);
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    queryDepth: MAX_QUERY_DEPTH,
    // Parsed and validated documents are cached. (graphql-jit is left off: it skips
    // default values of input object fields given through variables.)
    cache: 1024,
    hooks: {
      preExecution: (schema, document, context, variables) => {
        assertAffordable(schema, document, variables ?? {});
        operations.started(context, document);
      },
      onResolution: (execution, context) => operations.resolved(context, execution),
    },
    context: (request: FastifyRequest, reply: FastifyReply) => contextOf(request, reply),
    subscription: {
      context: (_socket, request) => contextOf(request),
    },
    errorFormatter: (execution, context) => {
      operations.finished(context);
      // Mercurius reports a document's parse and validation errors inside one wrapper error.
      const flat = execution.errors.flatMap((e) => {
        const wrapper = (e.originalError ?? e) as { code?: string; errors?: unknown[] };
        const inner = (e as { errors?: unknown[] }).errors ?? wrapper.errors;
        return wrapper.code === 'MER_ERR_GQL_VALIDATION' && Array.isArray(inner) && inner.length
          ? inner
          : [e];
      });
      const errors = flat.map((e) =>
        formatError(e, (err) => log.error({ err }, 'unexpected error while answering a GraphQL request')),
      );
      for (const e of errors) metrics.graphqlErrors.inc({ code: e.extensions.code });
      const hasData = execution.data !== undefined && execution.data !== null;
      return {
        statusCode: statusFor(errors, hasData),
        response: { data: execution.data ?? null, errors } as never,
      };
    },
  };
}
