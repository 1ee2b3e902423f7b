import type { DocumentNode, GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { GatehouseError } from '../common/gatehouse-error.js';

export const MAX_QUERY_DEPTH = 10;
export const MAX_COMPLEXITY = 2000;

const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

/**
 * Refuses operations costing more than MAX_COMPLEXITY. List fields declare
 * their cost through `complexity` in their field options (multiplied by the
 * page size asked for). Run before execution rather than as a validation rule
 * so Mercurius can cache parsed and validated documents: the cost depends on
 * each request's variables.
 */
export function assertAffordable(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): void {
  const cost = getComplexity({ schema, query: document, variables, estimators });
  if (cost > MAX_COMPLEXITY) {
    throw new GatehouseError('QUERY_TOO_COMPLEX', `query costs ${cost}, over the limit of ${MAX_COMPLEXITY}`);
  }
}
