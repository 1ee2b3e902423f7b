// @vitest-environment jsdom
import { cleanup, createEvent, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Board } from './Board';
import type { Column } from './project-api';

const task = (id: string, title: string, status: string, availableMoves: string[]) => ({
  id,
  title,
  status,
  assigneeId: null,
  dueDate: null,
  milestoneId: null,
  labels: [],
  availableMoves,
});

const columns: Column[] = [
  {
    status: 'todo',
    label: 'To do',
    count: 1,
    tasks: [task('t1', 'Dig the trench', 'todo', ['doing', 'done'])],
  },
  { status: 'doing', label: 'In progress', count: 0, tasks: [] },
  { status: 'done', label: 'Done', count: 1, tasks: [task('t2', 'Buy pipes', 'done', ['doing'])] },
  { status: 'archived', label: 'Archived', count: 0, tasks: [] },
];

function dataTransfer() {
  const data = new Map<string, string>();
  return {
    setData: (type: string, value: string) => data.set(type, value),
    getData: (type: string) => data.get(type) ?? '',
    dropEffect: 'none',
    effectAllowed: 'all',
  };
}

describe('project board', () => {
  afterEach(cleanup);

  it('offers only the moves the status workflow allows, from a keyboard-friendly list', () => {
    const onMove = vi.fn();
    render(<Board columns={columns} nameOf={() => 'x'} onMove={onMove} />);
    const select = screen.getByLabelText('Move “Dig the trench”') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['Move to…', 'In progress', 'Done']);
    fireEvent.change(select, { target: { value: 'done' } });
    expect(onMove).toHaveBeenCalledWith(expect.objectContaining({ id: 't1' }), 'done');
    expect(
      within(screen.getByRole('region', { name: 'To do (1)' })).getByText('Dig the trench'),
    ).toBeTruthy();
  });

  it('moves a card dragged onto a column it may go to, and ignores others', () => {
    const onMove = vi.fn();
    render(<Board columns={columns} nameOf={() => 'x'} onMove={onMove} />);
    const card = screen.getByTestId('task-Dig the trench');
    const transfer = dataTransfer();
    fireEvent.dragStart(card, { dataTransfer: transfer });
    const archived = screen.getByRole('region', { name: 'Archived (0)' });
    const over = createEvent.dragOver(archived, { dataTransfer: transfer });
    fireEvent(archived, over);
    expect(over.defaultPrevented).toBe(false); // not a move the workflow allows
    fireEvent.drop(archived, { dataTransfer: transfer });
    expect(onMove).not.toHaveBeenCalled();

    fireEvent.dragStart(card, { dataTransfer: transfer });
    const doing = screen.getByRole('region', { name: 'In progress (0)' });
    const allowed = createEvent.dragOver(doing, { dataTransfer: transfer });
    fireEvent(doing, allowed);
    expect(allowed.defaultPrevented).toBe(true);
    fireEvent.drop(doing, { dataTransfer: transfer });
    expect(onMove).toHaveBeenCalledWith(expect.objectContaining({ id: 't1' }), 'doing');
  });
});
