/** An organisation on a test gateway with an owner and members, each with their own logged-in client. */

import type { TestGateway } from '../support/gateway-harness.js';
import type { GraphQLClient } from '../support/graphql-client.js';

export interface Member {
  client: GraphQLClient;
  id: string;
}

export interface TestOrg {
  orgId: string;
  owner: Member;
  members: Record<string, Member>;
}

export async function createOrg(
  gw: TestGateway,
  slug: string,
  members: Record<string, 'viewer' | 'member' | 'editor' | 'admin'>,
): Promise<TestOrg> {
  const ownerClient = gw.client();
  const ownerId = await ownerClient.signUp(`${slug}-owner`);
  const { createOrganization } = await ownerClient.gql(
    'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
    { input: { name: `Org ${slug}`, slug } },
  );
  const orgId: string = createOrganization.id;
  const out: Record<string, Member> = {};
  for (const [name, role] of Object.entries(members)) {
    const client = gw.client();
    const id = await client.signUp(`${slug}-${name}`);
    await ownerClient.gql(
      'mutation ($o: ID!, $a: ID!, $r: OrgRole) { setMemberRole(orgId: $o, accountId: $a, role: $r) }',
      {
        o: orgId,
        a: id,
        r: role,
      },
    );
    out[name] = { client, id };
  }
  return { orgId, owner: { client: ownerClient, id: ownerId }, members: out };
}

export async function grantRole(org: TestOrg, member: Member, role: string): Promise<void> {
  await org.owner.client.gql('mutation ($input: WorkflowRoleInput!) { grantWorkflowRole(input: $input) }', {
    input: { orgId: org.orgId, accountId: member.id, role },
  });
}

/** The purchase request of the acceptance criteria: rejected items go back to draft, to their requester. */
export const PURCHASE_REQUEST = {
  key: 'purchase-request',
  name: 'Purchase request',
  roles: ['requester', 'treasurer', 'board'],
  states: [
    { id: 'draft', label: 'Draft', initial: true, assigneeRoles: ['requester'] },
    { id: 'submitted', label: 'Submitted', assigneeRoles: ['treasurer', 'board'] },
    { id: 'approved', label: 'Approved', final: true },
    { id: 'withdrawn', label: 'Withdrawn', final: true },
  ],
  transitions: [
    { id: 'submit', name: 'Submit', from: 'draft', to: 'submitted', roles: ['requester'] },
    { id: 'withdraw', name: 'Withdraw', from: 'draft', to: 'withdrawn', roles: ['requester'] },
    {
      id: 'approve',
      name: 'Approve',
      from: 'submitted',
      to: 'approved',
      roles: ['treasurer', 'board'],
      condition: {
        or: [{ '<=': [{ var: 'amount' }, 500] }, { in: ['board', { var: 'context.actorRoles' }] }],
      },
      conditionMessage: 'amounts over 500 must be approved by the board',
    },
    {
      id: 'reject',
      name: 'Reject',
      from: 'submitted',
      to: 'draft',
      roles: ['treasurer', 'board'],
      requiredFields: ['rejectionReason'],
    },
  ],
  form: {
    type: 'object',
    properties: {
      amount: { type: 'number', minimum: 0 },
      reason: { type: 'string', minLength: 1, maxLength: 500 },
      rejectionReason: { type: 'string' },
    },
    required: ['amount', 'reason'],
  },
};

export const ITEM_FIELDS = 'id state closed assigneeId waitingOnRoles data conflictCount';
