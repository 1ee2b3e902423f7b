import { type DragEvent, useId, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import type { Column, Task } from './project-api';

interface BoardProps {
  columns: Column[];
  nameOf: (id: string | null | undefined) => string;
  onMove: (task: Task, toStatus: string) => void;
  busy?: boolean;
}

const DRAG_TYPE = 'application/x-gatehouse-task';

/**
 * A column per status. Drag a card to another column with a mouse or a
 * finger; or use the card's "Move to" list, which works with a keyboard and
 * a screen reader. Only the moves the status workflow allows are offered.
 */
export function Board({ columns, nameOf, onMove, busy }: BoardProps) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState<Task | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const labelOf = (status: string) => columns.find((c) => c.status === status)?.label ?? status;

  const allowed = (status: string) => !!dragging && dragging.availableMoves.includes(status);

  const drop = (event: DragEvent, status: string) => {
    event.preventDefault();
    setOver(null);
    const id = event.dataTransfer.getData(DRAG_TYPE);
    const task = columns.flatMap((c) => c.tasks).find((x) => x.id === id);
    setDragging(null);
    if (task && task.status !== status && task.availableMoves.includes(status)) onMove(task, status);
  };

  return (
    <div className="board" data-testid="board">
      {columns.map((column) => (
        <section
          key={column.status}
          className={`board-column${over === column.status && allowed(column.status) ? ' drop-target' : ''}`}
          aria-labelledby={`column-${column.status}`}
          data-status={column.status}
          onDragOver={(e) => {
            if (allowed(column.status)) {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              setOver(column.status);
            }
          }}
          onDragLeave={() => setOver((o) => (o === column.status ? null : o))}
          onDrop={(e) => drop(e, column.status)}
        >
          <h2 id={`column-${column.status}`}>
            {column.label} <span className="muted">({column.count})</span>
          </h2>
          {column.tasks.map((task) => (
            <TaskCard
              key={task.id}
              task={task}
              nameOf={nameOf}
              labelOf={labelOf}
              busy={busy}
              onMove={onMove}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, task.id);
                e.dataTransfer.effectAllowed = 'move';
                setDragging(task);
              }}
              onDragEnd={() => {
                setDragging(null);
                setOver(null);
              }}
            />
          ))}
          {column.count > column.tasks.length && (
            <p className="muted small-text">
              {t('projects.moreInList', { count: column.count - column.tasks.length })}
            </p>
          )}
        </section>
      ))}
    </div>
  );
}

function TaskCard({
  task,
  nameOf,
  labelOf,
  onMove,
  onDragStart,
  onDragEnd,
  busy,
}: {
  task: Task;
  nameOf: (id: string | null | undefined) => string;
  labelOf: (status: string) => string;
  onMove: (task: Task, toStatus: string) => void;
  onDragStart: (e: DragEvent) => void;
  onDragEnd: () => void;
  busy?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <article
      className="task-card"
      draggable={task.availableMoves.length > 0}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      data-testid={`task-${task.title}`}
      aria-labelledby={`${id}-title`}
    >
      <div id={`${id}-title`}>
        <strong>{task.title}</strong>
      </div>
      <div className="muted small-text">
        {task.assigneeId ? nameOf(task.assigneeId) : t('projects.unassigned')}
        {task.dueDate && <> · {t('projects.due', { date: task.dueDate })}</>}
        {task.labels.length > 0 && <> · {task.labels.join(', ')}</>}
      </div>
      {task.availableMoves.length > 0 && (
        <>
          <label htmlFor={`${id}-move`} className="visually-hidden">
            {t('projects.moveTask', { title: task.title })}
          </label>
          <select
            id={`${id}-move`}
            value=""
            disabled={busy}
            onChange={(e) => e.target.value && onMove(task, e.target.value)}
          >
            <option value="">{t('projects.moveTo')}</option>
            {task.availableMoves.map((status) => (
              <option key={status} value={status}>
                {labelOf(status)}
              </option>
            ))}
          </select>
        </>
      )}
    </article>
  );
}
