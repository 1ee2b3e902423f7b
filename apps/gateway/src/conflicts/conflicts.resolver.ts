import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { BlogService } from '../blog/blog.service.js';
import { conflict as conflictError } from '../common/gatehouse-error.js';
import { ConflictStatus, EditConflict } from '../documents/dtos/revision.types.js';
import { RevisionsService } from '../documents/revisions.service.js';
import { ConnectionOf, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination.js';
import { AccessService } from '../orgs/access.service.js';
import { OrgsService } from '../orgs/orgs.service.js';
import { ResolveConflictInput } from '../wiki/dtos/wiki.types.js';
import { WikiService } from '../wiki/wiki.service.js';

const EditConflictConnection = ConnectionOf(EditConflict, 'EditConflict');

/** The organisation's queue of edit conflicts, and their resolution. */
@Resolver(() => EditConflict)
export class ConflictsResolver {
  constructor(
    private readonly revisions: RevisionsService,
    private readonly access: AccessService,
    private readonly orgs: OrgsService,
    private readonly wiki: WikiService,
    private readonly blog: BlogService,
  ) {}

  @Query(() => EditConflictConnection, {
    description: 'Edit conflicts of an organisation and its departments, newest first',
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  async conflicts(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('status', { type: () => ConflictStatus, nullable: true, defaultValue: ConflictStatus.open })
    status: ConflictStatus | null,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    const { org } = await this.access.require(ctx.viewer, orgId, 'viewer');
    const orgIds = [org.id, ...(await this.orgs.departments(org.id)).map((d) => d.id)];
    const first = pageSize(page);
    const before = decodeCursor(page.after) as [string, string] | null;
    const rows = await this.revisions.conflictRows(orgIds, status, first + 1, before ?? undefined);
    const connection = toConnection(
      rows,
      first,
      (r) => [r.opened_hlc, r.id],
      (r) => r,
    );
    return {
      ...connection,
      nodes: await Promise.all(connection.nodes.map((r) => this.revisions.toConflict(r))),
    };
  }

  @Query(() => EditConflict)
  async editConflict(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ): Promise<EditConflict> {
    await this.access.require(ctx.viewer, orgId, 'viewer');
    return this.revisions.toConflict(await this.revisions.conflictRow(orgId, id));
  }

  @Mutation(() => EditConflict, {
    description:
      'Resolves an open edit conflict with a new version that names every conflicting head as its parent',
  })
  async resolveEditConflict(
    @Args('input') input: ResolveConflictInput,
    @Context() ctx: RequestContext,
  ): Promise<EditConflict> {
    await this.access.require(ctx.viewer, input.orgId, 'editor');
    const row = await this.revisions.conflictRow(input.orgId, input.conflictId);
    if (row.status !== 'open') throw conflictError('this conflict is already resolved');
    const heads: string[] = JSON.parse(row.head_ids);
    if (row.doc_kind === 'wiki') {
      await this.wiki.resolve(ctx.viewer, input.orgId, row.doc_key, heads, input.title, input.content);
    } else {
      await this.blog.resolve(ctx.viewer, input.orgId, row.doc_key, heads, input.title, input.content);
    }
    return this.revisions.toConflict(await this.revisions.conflictRow(input.orgId, input.conflictId));
  }
}
