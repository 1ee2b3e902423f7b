/**
 * The error codes clients see in `errors[].extensions.code`. Every domain
 * throws a subclass of GatehouseError; graphql/error-formatter.ts maps them
 * (and anything else) to a response in one place.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'INTERNAL_SERVER_ERROR';

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class GatehouseError extends Error {
  override name = 'GatehouseError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: readonly FieldProblem[],
  ) {
    super(message);
  }
}

export const unauthenticated = (message = 'log in first') => new GatehouseError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new GatehouseError('FORBIDDEN', message);
export const badInput = (message: string, fields?: FieldProblem[]) =>
  new GatehouseError('BAD_USER_INPUT', message, fields);
export const notFound = (what: string) => new GatehouseError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new GatehouseError('CONFLICT', message);
