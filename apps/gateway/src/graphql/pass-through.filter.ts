import { type ArgumentsHost, Catch } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every resolver error to the GraphQL error formatter unchanged (which
 * gives it a code and logs only the unexpected ones), instead of letting Nest
 * log expected errors such as FORBIDDEN as failures.
 */
@Catch()
export class PassThroughFilter implements GqlExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost) {
    return exception;
  }
}
