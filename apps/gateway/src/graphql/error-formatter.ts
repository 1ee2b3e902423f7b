import { HttpException } from '@nestjs/common';
import { GatehouseError } from '../common/gatehouse-error.js';

export interface FormattedError {
  message: string;
  path?: readonly (string | number)[];
  extensions: { code: string; fields?: readonly { field: string; message: string }[] };
}

/**
 * graphql ships CommonJS and ESM builds; Mercurius loads one and this module
 * may load the other, so `instanceof GraphQLError` cannot be trusted.
 */
function isGraphQLError(error: unknown): error is Error & {
  path?: readonly (string | number)[];
  originalError?: unknown;
  extensions?: Record<string, unknown>;
} {
  return error instanceof Error && error.name === 'GraphQLError';
}

/** Finds the error a resolver threw under GraphQL's and Mercurius's wrappers. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5; i++) {
    const next = (current as { originalError?: unknown })?.originalError;
    if (!next || next === current) break;
    current = next;
  }
  return current;
}

/**
 * Maps any error raised while answering a GraphQL request to a coded error.
 * Internal errors keep their detail in the log, not in the response.
 */
export function formatError(error: unknown, onInternal: (err: unknown) => void): FormattedError {
  const cause = rootCause(error);
  const path = isGraphQLError(error) ? error.path : undefined;
  if (cause instanceof GatehouseError) {
    return {
      message: cause.message,
      path,
      extensions: { code: cause.code, ...(cause.fields ? { fields: cause.fields } : {}) },
    };
  }
  if (cause instanceof HttpException) {
    const status = cause.getStatus();
    const response = cause.getResponse() as { message?: string | string[] } | string;
    const detail = typeof response === 'string' ? response : response.message;
    const message = Array.isArray(detail) ? detail.join('; ') : (detail ?? cause.message);
    const code =
      status === 401
        ? 'UNAUTHENTICATED'
        : status === 403
          ? 'FORBIDDEN'
          : status === 404
            ? 'NOT_FOUND'
            : 'BAD_USER_INPUT';
    return { message, path, extensions: { code } };
  }
  if (isGraphQLError(error) && typeof error.extensions?.code === 'string' && !error.originalError) {
    return { message: error.message, path, extensions: { code: error.extensions.code } };
  }
  if (isGraphQLError(error) && !error.originalError) {
    // Errors from parsing and validating the document itself.
    const code = /Syntax Error/.test(error.message) ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
    return { message: error.message, path, extensions: { code } };
  }
  const message = (cause as Error)?.message ?? String(cause);
  if ((cause as { code?: string })?.code === 'MER_ERR_METHOD_NOT_ALLOWED') {
    return { message: 'mutations must be sent with POST', path, extensions: { code: 'METHOD_NOT_ALLOWED' } };
  }
  if ((cause as { code?: string })?.code === 'MER_ERR_GQL_QUERY_DEPTH') {
    return { message: message.replace(/`/g, ''), path, extensions: { code: 'QUERY_TOO_DEEP' } };
  }
  const statusCode = (cause as { statusCode?: number })?.statusCode;
  if (statusCode === 413) return { message, path, extensions: { code: 'PAYLOAD_TOO_LARGE' } };
  if (statusCode && statusCode >= 400 && statusCode < 500) {
    // Mercurius's own request errors: depth limit, bad variables, malformed bodies.
    return { message, path, extensions: { code: 'BAD_REQUEST' } };
  }
  if (isGraphQLError(error) && /Variable "\$/.test(error.message)) {
    return { message: error.message, path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  onInternal(cause);
  return { message: 'internal error', path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** HTTP status for a response whose errors are all of one kind of client fault. */
export function statusFor(errors: readonly FormattedError[], hasData: boolean): number {
  if (hasData) return 200;
  if (errors.some((e) => e.extensions.code === 'PAYLOAD_TOO_LARGE')) return 413;
  if (errors.some((e) => e.extensions.code === 'METHOD_NOT_ALLOWED')) return 405;
  const codes = new Set(errors.map((e) => e.extensions.code));
  const requestFaults = [
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'BAD_REQUEST',
    'QUERY_TOO_COMPLEX',
    'QUERY_TOO_DEEP',
  ];
  if ([...codes].every((c) => requestFaults.includes(c))) {
    return 400;
  }
  return 200;
}
