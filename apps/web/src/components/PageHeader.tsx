import type { ReactNode } from 'react';

/** A screen's title (the h1 that focus moves to after navigation) and its main actions. */
export function PageHeader({
  title,
  children,
  sub,
}: {
  title: ReactNode;
  sub?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="page-head">
      <div>
        <h1 tabIndex={-1} data-page-title="">
          {title}
        </h1>
        {sub && <p className="page-sub">{sub}</p>}
      </div>
      {children && <div className="actions">{children}</div>}
    </header>
  );
}
