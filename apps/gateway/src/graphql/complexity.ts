import { GraphQLError, type ValidationRule } from 'graphql';
import { createComplexityRule, fieldExtensionsEstimator, simpleEstimator } from 'graphql-query-complexity';

export const MAX_QUERY_DEPTH = 10;
export const MAX_COMPLEXITY = 2000;

/**
 * A validation rule that refuses queries costing more than MAX_COMPLEXITY.
 * List fields declare their cost through `complexity` in their field options
 * (multiplied by the page size asked for).
 */
export function complexityRule(variables: Record<string, unknown> | undefined): ValidationRule {
  return createComplexityRule({
    maximumComplexity: MAX_COMPLEXITY,
    variables: variables ?? {},
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    createError: (max, actual) =>
      new GraphQLError(`query costs ${actual}, over the limit of ${max}`, {
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      }),
  });
}
