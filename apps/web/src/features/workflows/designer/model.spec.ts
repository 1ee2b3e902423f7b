import { validateDefinition, validateForm, type WorkflowDefinition } from '@gatehouse/workflow';
import { describe, expect, it } from 'vitest';
import {
  type Design,
  emptyDesign,
  fromDefinition,
  fromLogic,
  sortProblems,
  toDefinition,
  toLogic,
  uid,
} from './model';

/** What an admin builds in the designer for a purchase request. */
function purchaseRequest(): Design {
  const design = emptyDesign();
  return {
    ...design,
    name: 'Purchase request',
    key: 'purchase-request',
    roles: ['treasurer'],
    startRoles: ['member'],
    fields: [
      {
        uid: uid(),
        name: 'amount',
        title: 'Amount',
        type: 'number',
        required: true,
        choices: '',
        min: '0',
        max: '',
      },
      {
        uid: uid(),
        name: 'why',
        title: 'Why',
        type: 'multiline',
        required: false,
        choices: '',
        min: '',
        max: '',
      },
      {
        uid: uid(),
        name: 'urgent',
        title: 'Urgent',
        type: 'boolean',
        required: false,
        choices: '',
        min: '',
        max: '',
      },
      {
        uid: uid(),
        name: 'needed_by',
        title: 'Needed by',
        type: 'date',
        required: false,
        choices: '',
        min: '',
        max: '',
      },
      {
        uid: uid(),
        name: 'supplier',
        title: 'Supplier',
        type: 'choice',
        required: false,
        choices: 'Kisumu Hardware\nLake Supplies\n',
        min: '',
        max: '',
      },
    ],
    states: [
      { uid: uid(), id: 'requested', label: 'Requested', initial: true, final: false, assigneeRoles: [] },
      { uid: uid(), id: 'approved', label: 'Approved', initial: false, final: true, assigneeRoles: [] },
      { uid: uid(), id: 'rejected', label: 'Rejected', initial: false, final: true, assigneeRoles: [] },
    ],
    transitions: [
      {
        uid: uid(),
        id: 'approve',
        name: 'Approve',
        from: 'requested',
        to: 'approved',
        roles: ['treasurer', 'admin'],
        requiredFields: ['amount'],
        condition: { field: 'amount', op: '<=', value: '500' },
        conditionMessage: 'Over 500 goes to the board',
      },
      {
        uid: uid(),
        id: 'reject',
        name: 'Reject',
        from: 'requested',
        to: 'rejected',
        roles: ['treasurer'],
        requiredFields: [],
        condition: null,
        conditionMessage: '',
      },
    ],
  };
}

describe('workflow designer model', () => {
  it('produces definitions the workflow engine accepts', () => {
    const draft = toDefinition(purchaseRequest());
    expect(validateDefinition({ ...draft, version: 1 })).toEqual({ ok: true });
    expect(draft.transitions[0].condition).toEqual({ '<=': [{ var: 'amount' }, 500] });
    expect(draft.form.required).toEqual(['amount']);
    expect(draft.form.properties.supplier).toEqual({
      type: 'string',
      title: 'Supplier',
      enum: ['Kisumu Hardware', 'Lake Supplies'],
    });
    const def = { ...draft, version: 1 } as unknown as WorkflowDefinition;
    expect(validateForm(def, { amount: 120, needed_by: '2026-12-01', supplier: 'Lake Supplies' }).ok).toBe(
      true,
    );
    expect(validateForm(def, { amount: -1 }).ok).toBe(false);
  });

  it('reads a published definition back without losing anything', () => {
    const draft = toDefinition(purchaseRequest());
    const again = toDefinition(fromDefinition(draft as unknown as Record<string, unknown>, ['member']));
    expect(again).toEqual(draft);
  });

  it('keeps conditions the simple builder cannot show as they were', () => {
    const draft = toDefinition(purchaseRequest());
    const complex = { and: [{ '<=': [{ var: 'amount' }, 500] }, { var: 'urgent' }] };
    draft.transitions[0].condition = complex;
    const design = fromDefinition(draft as unknown as Record<string, unknown>, ['member']);
    expect(design.transitions[0].condition).toBeNull();
    expect(toDefinition(design).transitions[0].condition).toEqual(complex);
  });

  it('translates simple conditions both ways', () => {
    const fields = purchaseRequest().fields;
    expect(toLogic({ field: 'why', op: 'filled', value: '' }, fields)).toEqual({ '!!': [{ var: 'why' }] });
    expect(toLogic({ field: 'urgent', op: '==', value: 'true' }, fields)).toEqual({
      '==': [{ var: 'urgent' }, true],
    });
    expect(fromLogic({ '>': [{ var: 'amount' }, 10] })).toEqual({ field: 'amount', op: '>', value: '10' });
    expect(fromLogic({ in: ['a', { var: 'x' }] })).toBeNull();
  });

  it("sorts the engine's messages under the part of the design they are about", () => {
    const design = purchaseRequest();
    design.states[2].final = false; // a dead end
    const result = validateDefinition({ ...toDefinition(design), version: 1 });
    expect(result.ok).toBe(false);
    const problems = sortProblems(
      (result as { errors: { path: string; message: string }[] }).errors.map((e) => ({
        field: e.path ? `definition.${e.path}` : 'definition',
        message: e.message,
      })),
    );
    expect(problems.states[2]?.join(' ')).toMatch(/rejected/);
    expect(sortProblems([{ field: 'startRoles', message: 'unknown roles: x' }]).basics.startRoles).toEqual([
      'unknown roles: x',
    ]);
    expect(sortProblems([{ field: 'definition.transitions[1].roles', message: 'm' }]).transitions[1]).toEqual(
      ['m'],
    );
    expect(sortProblems([{ field: 'definition.form.properties.x', message: 'f' }]).fields).toEqual(['f']);
  });
});
