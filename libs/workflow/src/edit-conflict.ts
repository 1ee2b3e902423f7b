/**
 * The built-in workflow for page edit conflicts: when concurrent revisions
 * of a page do not merge cleanly, the gateway starts an instance of this
 * workflow so that the conflict is visible and someone resolves it.
 *
 *   open --assign--> assigned --resolve--> resolved (final)
 *   open --resolve-open-------------------> resolved
 */
import type { WorkflowDefinition } from './definition.js';
import { deepFreeze } from './json-value.js';

const RESOLVERS = ['editor', 'admin', 'owner'] as const;

export const EDIT_CONFLICT_WORKFLOW: WorkflowDefinition = deepFreeze({
  key: 'gatehouse.edit-conflict',
  version: 1,
  name: 'Page edit conflict',
  states: [
    { id: 'open', label: 'Open', initial: true, assigneeRoles: [...RESOLVERS] },
    { id: 'assigned', label: 'Assigned', assigneeRoles: [...RESOLVERS] },
    { id: 'resolved', label: 'Resolved', final: true },
  ],
  transitions: [
    { id: 'assign', name: 'Assign', from: 'open', to: 'assigned', roles: [...RESOLVERS] },
    { id: 'resolve-open', name: 'Resolve', from: 'open', to: 'resolved', roles: [...RESOLVERS] },
    { id: 'resolve', name: 'Resolve', from: 'assigned', to: 'resolved', roles: [...RESOLVERS] },
  ],
  form: {
    type: 'object',
    properties: {
      pageId: { type: 'string', minLength: 1 },
      /** The concurrent head revisions that did not merge. */
      heads: { type: 'array', items: { type: 'string' } },
      /** The revision that resolves the conflict, once there is one. */
      resolvedRevision: { type: 'string' },
      note: { type: 'string', maxLength: 2000 },
    },
    required: ['pageId'],
    additionalProperties: false,
  },
});
