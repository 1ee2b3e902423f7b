import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { badInput } from '../common/gatehouse-error.js';
import { MAX_PAGE } from '../graphql/pagination.js';
import { SearchHit } from './dtos/search.types.js';
import { SearchService } from './search.service.js';

@Resolver()
export class SearchResolver {
  constructor(private readonly searchService: SearchService) {}

  @Query(() => [SearchHit], {
    description: 'Pages and posts matching every word, across the viewer’s organisations (or one)',
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  search(
    @Args('query') query: string,
    @Args('orgId', { type: () => ID, nullable: true }) orgId: string | null,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Context() ctx: RequestContext,
  ): Promise<SearchHit[]> {
    if (query.length > 200)
      throw badInput('search too long', [{ field: 'query', message: 'at most 200 characters' }]);
    if (first < 1 || first > MAX_PAGE)
      throw badInput('invalid page size', [{ field: 'first', message: `1 to ${MAX_PAGE}` }]);
    return this.searchService.search(ctx.viewer, query, orgId, first);
  }
}
