// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeGateway } from '../../test-support';
import type { EditConflict } from '../wiki/wiki-api';
import { ConflictResolver } from './ConflictResolver';

const conflict: EditConflict = {
  id: 'c1',
  orgId: 'org-1',
  docKind: 'wiki',
  docKey: 'handbook/pumps',
  status: 'open',
  updatedAt: '2026-01-01T10:00:00Z',
  headIds: ['r1', 'r2'],
  heads: [
    {
      id: 'r1',
      title: 'Pumps',
      content: 'intro\nevery day\nend',
      authorId: 'acc-amina',
      createdAt: '2026-01-01T10:00:00Z',
      isMerge: false,
      resolvesConflict: false,
      parentIds: ['r0'],
    },
    {
      id: 'r2',
      title: 'Pump care',
      content: 'intro\nevery month\nend',
      authorId: 'acc-baraka',
      createdAt: '2026-01-01T10:01:00Z',
      isMerge: false,
      resolvesConflict: false,
      parentIds: ['r0'],
    },
  ],
};

const names: Record<string, string> = { 'acc-amina': 'Amina', 'acc-baraka': 'Baraka' };

describe('ConflictResolver', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows both versions and starts from the resolving member’s own', () => {
    fakeGateway({});
    render(
      <ConflictResolver
        conflict={conflict}
        myAccountId="acc-baraka"
        nameOf={(id) => names[id ?? ''] ?? '?'}
        onResolved={() => {}}
        onCancel={() => {}}
      />,
    );
    expect(screen.getByTestId('conflict-version-1').textContent).toContain('every day');
    expect(screen.getByTestId('conflict-version-2').textContent).toContain('every month');
    expect(screen.getByText(/by Amina/)).toBeTruthy();
    expect((screen.getByLabelText('Content') as HTMLTextAreaElement).value).toContain('every month');
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Pump care');
    fireEvent.click(screen.getByRole('button', { name: 'Start from version 1' }));
    expect((screen.getByLabelText('Content') as HTMLTextAreaElement).value).toBe('intro\nevery day\nend');
    fireEvent.click(screen.getByRole('button', { name: 'Combine both' }));
    expect((screen.getByLabelText('Content') as HTMLTextAreaElement).value).toBe(
      'intro\nevery day\nevery month\nend',
    );
  });

  it('saves the resolution for the conflict and reports field problems inline', async () => {
    let attempt = 0;
    const calls = fakeGateway({
      resolveEditConflict: () =>
        ++attempt === 1
          ? {
              data: null,
              errors: [
                {
                  message: 'invalid input',
                  extensions: {
                    code: 'BAD_USER_INPUT',
                    fields: [{ field: 'title', message: 'must not be empty' }],
                  },
                },
              ],
            }
          : { resolveEditConflict: { ...conflict, status: 'resolved' } },
    });
    const onResolved = vi.fn();
    render(
      <ConflictResolver
        conflict={conflict}
        myAccountId="acc-amina"
        nameOf={(id) => names[id ?? ''] ?? '?'}
        onResolved={onResolved}
        onCancel={() => {}}
      />,
    );
    fireEvent.change(screen.getByLabelText('Content'), {
      target: { value: 'intro\nevery day, and monthly\nend' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save the resolved version' }));
    await screen.findByText('must not be empty');
    expect(onResolved).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Save the resolved version' }));
    await waitFor(() => expect(onResolved).toHaveBeenCalled());
    expect(calls.at(-1)).toMatchObject({
      operation: 'ResolveEditConflict',
      method: 'POST',
      variables: {
        input: {
          orgId: 'org-1',
          conflictId: 'c1',
          title: 'Pumps',
          content: 'intro\nevery day, and monthly\nend',
        },
      },
    });
  });
});
