import { describe, expect, it } from 'vitest';
import { EDIT_CONFLICT_WORKFLOW as def } from './edit-conflict.js';
import { events } from './purchase-request.fixture.js';
import { replay } from './replay.js';
import { availableTransitions, takeTransition } from './transitions.js';
import { validateDefinition } from './validate-definition.js';

describe('EDIT_CONFLICT_WORKFLOW', () => {
  it('is a valid, frozen definition', () => {
    expect(validateDefinition(def)).toEqual({ ok: true });
    expect(Object.isFrozen(def.transitions[0].roles)).toBe(true);
  });

  it('goes open -> assigned -> resolved for editors', () => {
    const ev = events();
    const log = [ev({ type: 'start', data: { pageId: 'p1', heads: ['r1', 'r2'] } })];
    const open = replay(def, log);
    expect(availableTransitions(def, open, ['editor']).map((a) => [a.transition.id, a.allowed])).toEqual([
      ['assign', true],
      ['resolve-open', true],
    ]);
    const assign = takeTransition(def, open, 'assign', ['editor']);
    expect(assign).toMatchObject({ ok: true, nextState: 'assigned' });
    if (!assign.ok) return;
    log.push(ev({ ...assign.event, assignee: 'ann' }));
    const assigned = replay(def, log);
    expect(assigned).toMatchObject({ state: 'assigned', assignee: 'ann' });
    expect(
      takeTransition(def, assigned, 'resolve', ['admin'], { resolvedRevision: 'r3', note: 'merged by hand' }),
    ).toMatchObject({
      ok: true,
      nextState: 'resolved',
      data: { pageId: 'p1', resolvedRevision: 'r3' },
    });
  });

  it('can be resolved straight from open, and not by members or viewers', () => {
    const open = replay(def, [events()({ type: 'start', data: { pageId: 'p1' } })]);
    expect(takeTransition(def, open, 'resolve-open', ['owner'])).toMatchObject({
      ok: true,
      nextState: 'resolved',
    });
    expect(takeTransition(def, open, 'resolve-open', ['member', 'viewer'])).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  it('rejects fields outside its form', () => {
    const open = replay(def, [events()({ type: 'start', data: { pageId: 'p1' } })]);
    expect(takeTransition(def, open, 'assign', ['editor'], { colour: 'red' })).toEqual({
      ok: false,
      code: 'INVALID',
      errors: [{ field: 'colour', message: 'is not a field of this form' }],
    });
  });
});
