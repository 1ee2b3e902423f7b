/** Test fixtures: the purchase request workflow and an event builder. */
import type { WorkflowDefinition } from './definition.js';
import type { WorkflowEvent } from './events.js';

/**
 * draft --submit--> submitted --approve--> approved (final)
 *                   submitted --reject---> rejected --revise--> draft
 *                                          rejected --withdraw--> withdrawn (final)
 * draft --cancel--> withdrawn
 * The treasurer may approve up to 500; above that only the board may.
 */
export const PURCHASE_REQUEST: WorkflowDefinition = {
  key: 'purchase-request',
  version: 1,
  name: 'Purchase request',
  roles: ['requester', 'treasurer', 'board'],
  states: [
    { id: 'draft', label: 'Draft', initial: true, assigneeRoles: ['requester'] },
    { id: 'submitted', label: 'Submitted', assigneeRoles: ['treasurer', 'board'] },
    { id: 'approved', label: 'Approved', final: true },
    { id: 'rejected', label: 'Rejected', assigneeRoles: ['requester'] },
    { id: 'withdrawn', label: 'Withdrawn', final: true },
  ],
  transitions: [
    {
      id: 'submit',
      name: 'Submit',
      from: 'draft',
      to: 'submitted',
      roles: ['requester'],
      requiredFields: ['reason'],
    },
    { id: 'cancel', name: 'Cancel', from: 'draft', to: 'withdrawn', roles: ['requester'] },
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
      to: 'rejected',
      roles: ['treasurer', 'board'],
      requiredFields: ['rejectionReason'],
    },
    { id: 'revise', name: 'Revise', from: 'rejected', to: 'draft', roles: ['requester'] },
    { id: 'withdraw', name: 'Withdraw', from: 'rejected', to: 'withdrawn', roles: ['requester'] },
  ],
  form: {
    type: 'object',
    properties: {
      amount: { type: 'number', minimum: 0 },
      reason: { type: 'string', minLength: 1, maxLength: 500 },
      category: { type: 'string', enum: ['equipment', 'travel', 'services'] },
      vendorEmail: { type: 'string', format: 'email' },
      rejectionReason: { type: 'string' },
    },
    required: ['amount', 'reason'],
  },
};

type Envelope = Partial<Pick<WorkflowEvent, 'id' | 'at' | 'author' | 'actor'>>;
type Body = WorkflowEvent extends infer E
  ? E extends WorkflowEvent
    ? Omit<E, 'id' | 'at' | 'author' | 'actor'>
    : never
  : never;

/** Builds events with increasing, fixed-width HLC strings: `events()` gives a fresh sequence. */
export function events(): (body: Body, envelope?: Envelope) => WorkflowEvent {
  let n = 0;
  return (body, envelope = {}) => {
    n += 1;
    const at = envelope.at ?? `${String(n).padStart(6, '0')}-0000`;
    return { id: `e${n}`, author: 'gw-a', actor: 'ann', ...envelope, at, ...body } as WorkflowEvent;
  };
}
