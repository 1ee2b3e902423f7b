import { describe, expect, it } from 'vitest';
import * as workflow from './index.js';
import { replay, takeTransition, validateDefinition, type WorkflowDefinition } from './index.js';

// The example from index.ts and README.md, kept runnable.
const def: WorkflowDefinition = {
  key: 'leave',
  version: 1,
  name: 'Leave request',
  states: [
    { id: 'asked', initial: true },
    { id: 'granted', final: true },
  ],
  transitions: [
    {
      id: 'grant',
      name: 'Grant',
      from: 'asked',
      to: 'granted',
      roles: ['admin'],
      condition: { '<=': [{ var: 'days' }, 10] },
    },
  ],
  form: { type: 'object', properties: { days: { type: 'integer', minimum: 1 } }, required: ['days'] },
};

describe('public API', () => {
  it('runs the documented example', () => {
    expect(validateDefinition(def)).toEqual({ ok: true });
    const instance = replay(def, [
      { id: 'op1', at: '0001', author: 'gw-a', actor: 'ann', type: 'start', data: { days: 3 } },
    ]);
    expect(instance.state).toBe('asked');
    expect(takeTransition(def, instance, 'grant', ['admin'])).toMatchObject({
      ok: true,
      nextState: 'granted',
    });
    expect(takeTransition(def, instance, 'grant', ['member'])).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  it('exports the documented functions', () => {
    const { validateForm, availableTransitions, publishVersion, migrateInstance } = workflow;
    for (const fn of [
      validateDefinition,
      validateForm,
      replay,
      availableTransitions,
      takeTransition,
      publishVersion,
      migrateInstance,
    ]) {
      expect(typeof fn).toBe('function');
    }
    expect(validateDefinition(workflow.EDIT_CONFLICT_WORKFLOW)).toEqual({ ok: true });
  });
});
