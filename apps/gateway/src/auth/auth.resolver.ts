import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type ApiTokenRow, ApiTokensService } from './api-tokens.service.js';
import { type AccountRow, AuthService, type NewSession } from './auth.service.js';
import {
  Account,
  ApiToken,
  AuthPayload,
  CreatedApiToken,
  LogInInput,
  Me,
  SignUpInput,
} from './dtos/auth.types.js';
import { Public } from './public.decorator.js';
import { RequestAuthService } from './request-auth.service.js';
import { type RequestContext, SESSION_COOKIE } from './viewer.js';

export const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  name: row.name,
  displayName: row.display_name,
});

const toApiToken = (row: ApiTokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  createdAt: new Date(row.created_at),
  lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
});

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: ApiTokensService,
    private readonly requestAuth: RequestAuthService,
  ) {}

  private async started(ctx: RequestContext, session: NewSession): Promise<AuthPayload> {
    ctx.setCookie?.(SESSION_COOKIE, session.token, session.maxAgeSeconds);
    return {
      account: toAccount(session.account),
      csrfToken: session.csrfToken,
      isOperator: await this.auth.isOperator(session.account.id),
    };
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: 'Creates an account and logs it in. The first account is the operator.',
  })
  async signUp(@Args('input') input: SignUpInput, @Context() ctx: RequestContext): Promise<AuthPayload> {
    return this.started(ctx, await this.auth.signUp(input, ctx.ip));
  }

  @Public()
  @Mutation(() => AuthPayload)
  async logIn(@Args('input') input: LogInInput, @Context() ctx: RequestContext): Promise<AuthPayload> {
    return this.started(ctx, await this.auth.logIn(input.name, input.password, ctx.ip));
  }

  @Public()
  @Mutation(() => Boolean)
  async logOut(@Context() ctx: RequestContext): Promise<boolean> {
    if (ctx.sessionToken) {
      await this.auth.logOut(ctx.sessionToken);
      this.requestAuth.forget(ctx.sessionToken);
    }
    ctx.clearCookie?.(SESSION_COOKIE);
    return true;
  }

  @Mutation(() => Boolean)
  async changePassword(
    @Args('oldPassword') oldPassword: string,
    @Args('newPassword') newPassword: string,
    @Context() ctx: RequestContext,
  ): Promise<boolean> {
    await this.auth.changePassword(ctx.viewer!, oldPassword, newPassword);
    return true;
  }

  @Public()
  @Query(() => Me, { nullable: true, description: 'The logged-in account, or null' })
  async me(@Context() ctx: RequestContext): Promise<Me | null> {
    if (!ctx.viewer) return null;
    return {
      account: { id: ctx.viewer.accountId, name: ctx.viewer.name, displayName: ctx.viewer.displayName },
      isOperator: ctx.viewer.isOperator,
      csrfToken: ctx.viewer.csrfToken ?? null,
    };
  }

  @Query(() => [ApiToken])
  async apiTokens(@Context() ctx: RequestContext): Promise<ApiToken[]> {
    return (await this.tokens.list(ctx.viewer!)).map(toApiToken);
  }

  @Mutation(() => CreatedApiToken)
  async createApiToken(
    @Args('name', { type: () => String }) name: string,
    @Context() ctx: RequestContext,
  ): Promise<CreatedApiToken> {
    const { token, row } = await this.tokens.create(ctx.viewer!, name);
    return { token, apiToken: toApiToken(row) };
  }

  @Mutation(() => ApiToken)
  async revokeApiToken(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: RequestContext,
  ): Promise<ApiToken> {
    const revoked = toApiToken(await this.tokens.revoke(ctx.viewer!, id));
    // Only the token's hash is known here: drop every cached credential (revocation is rare).
    this.requestAuth.forgetAll();
    return revoked;
  }
}
