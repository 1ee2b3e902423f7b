// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { badInput, fakeGateway, ORG, renderInApp } from '../../../test-support';
import Designer from './Designer';

const location = { path: '/o/kisumu-water/workflows/design', search: new URLSearchParams(), href: '' };

describe('workflow designer', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('builds a definition from steps, actions and fields, and shows the engine’s messages where they belong', async () => {
    let sent: Record<string, unknown> | undefined;
    const calls = fakeGateway({
      defineWorkflow: (variables) => {
        sent = (variables.input as { definition: Record<string, unknown> }).definition;
        return badInput('invalid workflow definition', [
          {
            field: 'definition.states[1]',
            message: 'state "done" is unreachable from the initial state "submitted"',
          },
          { field: 'definition.transitions[0].roles', message: 'action "Approve" lists no roles' },
          { field: 'startRoles', message: 'unknown roles: board' },
        ]);
      },
    });
    renderInApp(<Designer org={ORG} params={{ org: 'kisumu-water' }} location={location} />);
    await waitFor(() => expect(calls.some((c) => c.operation === 'MyOrganizations')).toBe(true));

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Purchase request' } });
    expect((screen.getByLabelText('Short name') as HTMLInputElement).value).toBe('purchase-request');
    fireEvent.click(screen.getByRole('button', { name: 'Add a field' }));
    fireEvent.change(screen.getByLabelText('Question'), { target: { value: 'Amount (KES)' } });
    expect((screen.getByLabelText('Field name') as HTMLInputElement).value).toBe('amount_kes');
    fireEvent.change(screen.getByLabelText('Answer type'), { target: { value: 'number' } });
    fireEvent.click(screen.getByLabelText('Must be answered'));
    fireEvent.change(screen.getAllByLabelText('Step name')[0], { target: { value: 'Waiting for approval' } });
    expect((screen.getAllByLabelText('Step id')[0] as HTMLInputElement).value).toBe('waiting-for-approval');
    fireEvent.click(screen.getByRole('button', { name: 'Add an action' }));
    const action = screen.getByTestId('transition-0');
    fireEvent.change(within(action).getByLabelText('Action name'), { target: { value: 'Approve' } });
    fireEvent.change(within(action).getByLabelText('Only if'), { target: { value: 'amount_kes' } });
    fireEvent.change(within(action).getByLabelText('is'), { target: { value: '<=' } });
    fireEvent.change(within(action).getByLabelText('Value'), { target: { value: '500' } });
    fireEvent.click(screen.getByRole('button', { name: 'Publish workflow' }));

    await screen.findByText(/The workflow has 3 problems/);
    expect(
      within(screen.getByTestId('state-1')).getByText(/unreachable from the initial state/),
    ).toBeTruthy();
    expect(within(action).getByText(/lists no roles/)).toBeTruthy();
    expect(screen.getByText('unknown roles: board')).toBeTruthy();

    expect(sent).toMatchObject({
      key: 'purchase-request',
      name: 'Purchase request',
      states: [
        { id: 'waiting-for-approval', initial: true },
        { id: 'done', final: true },
      ],
      transitions: [
        {
          id: 'approve',
          name: 'Approve',
          from: 'waiting-for-approval',
          to: 'done',
          roles: ['member'],
          condition: { '<=': [{ var: 'amount_kes' }, 500] },
        },
      ],
      form: {
        type: 'object',
        properties: { amount_kes: { type: 'number', title: 'Amount (KES)' } },
        required: ['amount_kes'],
      },
    });
  });
});
