import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RequestContext } from '../auth/viewer.js';
import { hlcToDate } from '../common/hlc-time.js';
import { PageArgs, pageSize } from '../graphql/pagination.js';
import { type DecisionRow, DecisionsService, tallyInput } from './decisions.service.js';
import {
  CastVoteInput,
  CreateDecisionInput,
  Decision,
  DecisionConnection,
  DecisionOutcome,
  DecisionResult,
  DecisionStatus,
  Vote,
} from './dtos/decision.types.js';

type DecisionWithRow = Decision & { _row: DecisionRow };

@Resolver(() => Decision)
export class DecisionsResolver {
  constructor(private readonly decisions: DecisionsService) {}

  private async toDecision(row: DecisionRow): Promise<DecisionWithRow> {
    const closed = this.decisions.isClosed(row, await this.decisions.now());
    return {
      id: row.id,
      orgId: row.org_id,
      title: row.title,
      description: row.description,
      method: row.method,
      options: tallyInput(row).options.map((o) => ({ ...o })),
      voterRoles: JSON.parse(row.voter_roles),
      quorum: row.quorum,
      deadline: new Date(row.deadline),
      status: closed ? DecisionStatus.closed : DecisionStatus.open,
      closedAt: row.closed_hlc ? hlcToDate(row.closed_hlc) : null,
      closedById: row.closed_by,
      proposerId: row.created_by,
      createdAt: hlcToDate(row.created_hlc),
      _row: row,
    };
  }

  @Query(() => Decision)
  async decision(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ) {
    return this.toDecision(await this.decisions.get(ctx.viewer, orgId, id));
  }

  @Query(() => DecisionConnection, {
    name: 'decisions',
    description: 'Decisions of an organisation, newest first',
    complexity: ({ args, childComplexity }) => (args.first ?? 20) * childComplexity,
  })
  async listDecisions(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('status', { type: () => DecisionStatus, nullable: true }) status: DecisionStatus | null,
    @Args() page: PageArgs,
    @Context() ctx: RequestContext,
  ) {
    const connection = await this.decisions.list(
      ctx.viewer,
      orgId,
      status ?? null,
      pageSize(page),
      page.after,
    );
    return { ...connection, nodes: await Promise.all(connection.nodes.map((r) => this.toDecision(r))) };
  }

  @ResolveField(() => DecisionResult, { nullable: true, description: 'Null until the decision closes' })
  async result(@Parent() d: DecisionWithRow): Promise<DecisionResult | null> {
    const r = await this.decisions.result(d._row);
    if (!r) return null;
    return {
      ...r,
      outcome: r.outcome as DecisionOutcome,
      objections: r.objections.map((o) => ({ voterId: o.voter, reason: o.reason })),
    };
  }

  @ResolveField(() => Int, { description: 'Members whose vote counts so far' })
  votesCast(@Parent() d: DecisionWithRow): Promise<number> {
    return this.decisions.votesCast(d._row);
  }

  @ResolveField(() => Vote, { nullable: true })
  async myVote(@Parent() d: DecisionWithRow, @Context() ctx: RequestContext): Promise<Vote | null> {
    const b = ctx.viewer && (await this.decisions.myVote(d._row, ctx.viewer.accountId));
    return b ? { choices: [...b.choices], reason: b.reason, castAt: hlcToDate(b.hlc) } : null;
  }

  @Mutation(() => Decision, { description: 'Proposes a decision (members)' })
  async createDecision(@Args('input') input: CreateDecisionInput, @Context() ctx: RequestContext) {
    return this.toDecision(await this.decisions.create(ctx.viewer, input));
  }

  @Mutation(() => Decision, {
    description: 'Casts or changes the viewer’s vote; the last one before the close counts',
  })
  async castVote(@Args('input') input: CastVoteInput, @Context() ctx: RequestContext) {
    return this.toDecision(await this.decisions.vote(ctx.viewer, input));
  }

  @Mutation(() => Decision, { description: 'Closes voting before the deadline (admins and the proposer)' })
  async closeDecision(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ) {
    return this.toDecision(await this.decisions.close(ctx.viewer, orgId, id));
  }
}
