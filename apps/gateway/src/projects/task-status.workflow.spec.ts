import { replay, takeTransition, validateDefinition } from '@gatehouse/workflow';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TASK_STATUS_WORKFLOW as def } from './task-status.workflow.js';

describe('the default task status workflow', () => {
  it('is a valid definition', () => {
    expect(validateDefinition(def)).toEqual({ ok: true });
  });

  it('lets members move tasks, not viewers (organisation roles are expanded by the gateway)', () => {
    const task = replay(def, [{ id: 'c', at: '1', author: 'gw', actor: 'ann', type: 'start', data: {} }]);
    expect(task.state).toBe('todo');
    expect(takeTransition(def, task, 'start', ['member', 'viewer'])).toMatchObject({
      ok: true,
      nextState: 'doing',
    });
    expect(takeTransition(def, task, 'start', ['viewer'])).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});
