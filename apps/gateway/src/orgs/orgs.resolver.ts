import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { toAccount } from '../auth/auth.resolver.js';
import type { RequestContext } from '../auth/viewer.js';
import { notFound } from '../common/gatehouse-error.js';
import { hlcToDate } from '../common/hlc-time.js';
import { StateHashService } from '../oplog/state-hash.service.js';
import { AccessService, type OrgRow } from './access.service.js';
import {
  CreatedInvite,
  CreateInviteInput,
  CreateOrganizationInput,
  Invite,
  Member,
  Organization,
  OrgRole,
  UpdateOrganizationInput,
} from './dtos/org.types.js';
import { type InviteRow, InvitesService } from './invites.service.js';
import { OrgsService } from './orgs.service.js';
import type { Role } from './roles.js';

export const toOrganization = (row: OrgRow): Organization & { _row: OrgRow } => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  description: row.description,
  parentId: row.parent_id,
  rootId: row.root_id,
  createdAt: hlcToDate(row.created_hlc),
  _row: row,
});

const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  orgId: row.org_id,
  role: row.role,
  expiresAt: new Date(row.expires_at),
  maxUses: row.max_uses,
  uses: row.uses,
  revoked: !!row.revoked,
});

@Resolver(() => Organization)
export class OrgsResolver {
  constructor(
    private readonly orgs: OrgsService,
    private readonly inviteService: InvitesService,
    private readonly access: AccessService,
    private readonly stateHashes: StateHashService,
  ) {}

  @Query(() => [Organization], { description: 'Organisations and departments the viewer belongs to' })
  async organizations(@Context() ctx: RequestContext): Promise<Organization[]> {
    return (await this.access.readable(ctx.viewer!.accountId)).map((r) => toOrganization(r.org));
  }

  @Query(() => Organization, { description: 'An organisation by id or slug' })
  async organization(@Args('key') key: string, @Context() ctx: RequestContext): Promise<Organization> {
    const org = await this.orgs.bySlugOrId(key);
    if (!org) throw notFound(`organisation ${key}`);
    await this.access.require(ctx.viewer, org.id, 'viewer');
    return toOrganization(org);
  }

  @ResolveField(() => OrgRole, { nullable: true, description: "The viewer's effective role here" })
  async myRole(@Parent() org: Organization, @Context() ctx: RequestContext): Promise<Role | null> {
    const row = (org as { _row?: OrgRow })._row ?? (await this.access.org(org.id));
    return row ? this.access.roleIn(ctx.viewer!.accountId, row) : null;
  }

  @ResolveField(() => [Organization])
  async departments(@Parent() org: Organization): Promise<Organization[]> {
    return (await this.orgs.departments(org.id)).map(toOrganization);
  }

  @ResolveField(() => [Member], { complexity: 20 })
  async members(@Parent() org: Organization): Promise<Member[]> {
    return (await this.orgs.members(org.id)).map((m) => ({
      account: toAccount({ id: m.account_id, name: m.name, display_name: m.display_name, verifier: '' }),
      role: m.role,
    }));
  }

  @ResolveField(() => String, {
    description:
      'Digest of the replicated state of the organisation log; equal on gateways that hold the same ops',
  })
  stateHash(@Parent() org: Organization): Promise<string> {
    return this.stateHashes.stateHash(org.rootId);
  }

  @Mutation(() => Organization)
  async createOrganization(@Args('input') input: CreateOrganizationInput, @Context() ctx: RequestContext) {
    return toOrganization(await this.orgs.create(ctx.viewer, input));
  }

  @Mutation(() => Organization, { description: 'A department inside an organisation (admins of the parent)' })
  async createDepartment(
    @Args('parentId', { type: () => ID }) parentId: string,
    @Args('input') input: CreateOrganizationInput,
    @Context() ctx: RequestContext,
  ) {
    return toOrganization(await this.orgs.createDepartment(ctx.viewer, parentId, input));
  }

  @Mutation(() => Organization)
  async updateOrganization(
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateOrganizationInput,
    @Context() ctx: RequestContext,
  ) {
    return toOrganization(await this.orgs.update(ctx.viewer, id, input));
  }

  @Mutation(() => Boolean, { description: 'Sets a member role; role null removes the member' })
  async setMemberRole(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Args('accountId', { type: () => ID }) accountId: string,
    @Args('role', { type: () => OrgRole, nullable: true }) role: Role | null,
    @Context() ctx: RequestContext,
  ): Promise<boolean> {
    await this.orgs.setRole(ctx.viewer, orgId, accountId, role ?? 'none');
    return true;
  }

  @Mutation(() => CreatedInvite)
  async createInvite(
    @Args('input') input: CreateInviteInput,
    @Context() ctx: RequestContext,
  ): Promise<CreatedInvite> {
    const { code, invite } = await this.inviteService.create(ctx.viewer, input.orgId, input);
    return { code, invite: toInvite(invite) };
  }

  @Query(() => [Invite])
  async invites(
    @Args('orgId', { type: () => ID }) orgId: string,
    @Context() ctx: RequestContext,
  ): Promise<Invite[]> {
    return (await this.inviteService.list(ctx.viewer, orgId)).map(toInvite);
  }

  @Mutation(() => Invite)
  async revokeInvite(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ): Promise<Invite> {
    return toInvite(await this.inviteService.revoke(ctx.viewer, id));
  }

  @Mutation(() => Organization, { description: 'Joins the organisation an invite code is for' })
  async redeemInvite(@Args('code') code: string, @Context() ctx: RequestContext): Promise<Organization> {
    return toOrganization(await this.inviteService.redeem(ctx.viewer, code));
  }
}
