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
import { EditConflict, Revision, RevisionConnection } from '../documents/dtos/revision.types.js';
import { RevisionsService, toRevision } from '../documents/revisions.service.js';
import { LiveUpdates, type SubscriptionPubSub } from '../graphql/live-updates.service.js';
import { type Connection, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination.js';
import type { PostStatus } from './blog.projection.js';
import { BlogService, blogTopic } from './blog.service.js';
import {
  AddCommentInput,
  BlogComment,
  BlogPost,
  BlogPostConnection,
  BlogPostStatus,
  CreateBlogPostInput,
  EditBlogPostInput,
} from './dtos/blog.types.js';

type SubscriptionContext = RequestContext & {
  pubsub: SubscriptionPubSub;
  readsDrafts?: boolean;
};

@Resolver(() => BlogPost)
export class BlogResolver {
  constructor(
    private readonly blog: BlogService,
    private readonly revisions: RevisionsService,
    private readonly live: LiveUpdates,
  ) {}

  @Query(() => BlogPostConnection, {
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  blogPosts(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('status', { type: () => BlogPostStatus, nullable: true }) status: PostStatus | null,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    return this.blog.posts(ctx.viewer, orgId, status ?? null, pageSize(page), page.after);
  }

  @Query(() => BlogPost)
  blogPost(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ) {
    return this.blog.post(ctx.viewer, orgId, id);
  }

  @Query(() => RevisionConnection, {
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  async blogPostHistory(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ): Promise<Connection<Revision>> {
    await this.blog.post(ctx.viewer, orgId, id);
    const first = pageSize(page);
    const before = decodeCursor(page.after) as [string, string] | null;
    const rows = await this.revisions.history(orgId, 'blog', id, first + 1, before ?? undefined);
    return toConnection(rows, first, (r) => [r.hlc, r.id], toRevision);
  }

  @ResolveField(() => [BlogComment], { complexity: 20 })
  comments(@Parent() post: BlogPost, @Context() ctx: RequestContext) {
    return this.blog.comments(ctx.viewer, post.orgId, post.id);
  }

  @ResolveField(() => EditConflict, { nullable: true })
  async conflict(@Parent() post: BlogPost): Promise<EditConflict | null> {
    if (!post.conflictId) return null;
    return this.revisions.toConflict(await this.revisions.conflictRow(post.orgId, post.conflictId));
  }

  @Mutation(() => BlogPost)
  createBlogPost(@Args('input') input: CreateBlogPostInput, @Context() ctx: RequestContext) {
    return this.blog.create(ctx.viewer, input);
  }

  @Mutation(() => BlogPost)
  editBlogPost(@Args('input') input: EditBlogPostInput, @Context() ctx: RequestContext) {
    return this.blog.edit(ctx.viewer, input);
  }

  @Mutation(() => BlogPost)
  setBlogPostStatus(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('postId', { type: () => ID }) postId: string,
    @Args('status', { type: () => BlogPostStatus }) status: PostStatus,
    @Context() ctx: RequestContext,
  ) {
    return this.blog.setStatus(ctx.viewer, orgId, postId, status);
  }

  @Mutation(() => BlogComment)
  addComment(@Args('input') input: AddCommentInput, @Context() ctx: RequestContext) {
    return this.blog.addComment(ctx.viewer, input);
  }

  @Mutation(() => Boolean)
  deleteComment(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('commentId', { type: () => ID }) commentId: string,
    @Context() ctx: RequestContext,
  ) {
    return this.blog.deleteComment(ctx.viewer, orgId, commentId);
  }

  @Subscription(() => BlogPost, {
    description: 'Posts of an organisation as they change, here or on other gateways',
    filter: (payload: { blogPostChanged: BlogPost }, _variables: unknown, ctx: SubscriptionContext) =>
      payload.blogPostChanged.status === 'published' ||
      !!ctx.readsDrafts ||
      payload.blogPostChanged.authorId === ctx.viewer?.accountId,
  })
  async blogPostChanged(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Context() ctx: SubscriptionContext,
  ) {
    return this.live.subscribe(ctx.pubsub, blogTopic(orgId), async () => {
      ctx.readsDrafts = await this.blog.readsDrafts(ctx.viewer, orgId);
    });
  }
}
