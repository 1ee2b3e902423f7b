import {
  Args,
  Context,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import {
  EditConflict,
  Revision,
  RevisionConnection,
  RevisionDiff,
} from '../documents/dtos/revision.types.js';
import { RevisionsService, toRevision } from '../documents/revisions.service.js';
import { LiveUpdates, type SubscriptionPubSub } from '../graphql/live-updates.service.js';
import { type Connection, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination.js';
import { SaveWikiPageInput, WikiPage, WikiPageConnection } from './dtos/wiki.types.js';
import { WikiService, wikiTopic } from './wiki.service.js';
import { normalisePagePath } from './wiki-path.util.js';

@Resolver(() => WikiPage)
export class WikiResolver {
  constructor(
    private readonly wiki: WikiService,
    private readonly revisions: RevisionsService,
    private readonly live: LiveUpdates,
  ) {}

  @Query(() => WikiPage, { nullable: true })
  wikiPage(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('path') path: string,
    @Context() ctx: RequestContext,
  ) {
    return this.wiki.page(ctx.viewer, orgId, path);
  }

  @Query(() => WikiPageConnection, {
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  wikiPages(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    return this.wiki.pages(ctx.viewer, orgId, pageSize(page), page.after);
  }

  @Query(() => RevisionConnection, {
    description: 'A page history, newest first',
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  async wikiPageHistory(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('path') path: string,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<Revision>> {
    await this.wiki.requireReadable(ctx.viewer, orgId);
    const before = decodeCursor(page.after) as [string, string] | null;
    const first = pageSize(page);
    const rows = await this.revisions.history(
      orgId,
      'wiki',
      normalisePagePath(path),
      first + 1,
      before ?? undefined,
    );
    return toConnection(rows, first, (r) => [r.hlc, r.id], toRevision);
  }

  @Query(() => Revision)
  async revision(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ): Promise<Revision> {
    await this.wiki.requireReadable(ctx.viewer, orgId);
    return toRevision(await this.revisions.revision(orgId, id));
  }

  @Query(() => RevisionDiff, { description: 'Line diff between any two revisions of one page or post' })
  async revisionDiff(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('fromId', { type: () => ID }) fromId: string,
    @Args('toId', { type: () => ID }) toId: string,
    @Context() ctx: RequestContext,
  ): Promise<RevisionDiff> {
    await this.wiki.requireReadable(ctx.viewer, orgId);
    return this.revisions.diff(orgId, fromId, toId);
  }

  @ResolveField(() => EditConflict, {
    nullable: true,
    description: 'The open edit conflict, with both versions',
  })
  async conflict(@Parent() page: WikiPage): Promise<EditConflict | null> {
    if (!page.conflictId) return null;
    return this.revisions.toConflict(await this.revisions.conflictRow(page.orgId, page.conflictId));
  }

  @Mutation(() => WikiPage, {
    description:
      'Creates or edits a page. Two edits based on the same revision are merged, or become an edit conflict.',
  })
  saveWikiPage(@Args('input') input: SaveWikiPageInput, @Context() ctx: RequestContext) {
    return this.wiki.save(ctx.viewer, input);
  }

  @Subscription(() => WikiPage, {
    description: 'Pages of an organisation (or one page) as they change, here or on other gateways',
    filter: (payload: { wikiPageChanged: WikiPage }, variables: { path?: string }) =>
      !variables.path || payload.wikiPageChanged.path === variables.path,
  })
  async wikiPageChanged(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('path', { nullable: true }) _path: string,
    @Context() ctx: RequestContext & { pubsub: SubscriptionPubSub },
  ) {
    return this.live.subscribe(ctx.pubsub, wikiTopic(orgId), () =>
      this.wiki.requireReadable(ctx.viewer, orgId),
    );
  }
}
