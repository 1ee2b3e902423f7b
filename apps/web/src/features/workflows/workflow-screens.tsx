import type { RJSFSchema } from '@rjsf/utils';
import { type FormEvent, lazy, Suspense, useState } from 'react';
import type { OrgScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField, TextAreaField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Time } from '../../components/Time';
import { Unavailable } from '../../components/Unavailable';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, pathTo } from '../../lib/router';
import { useLiveRefresh } from '../../lib/use-live-refresh';
import { useMutation, useQuery } from '../../lib/use-query';
import { useAccountNames } from '../../session/accounts';
import { useCapabilities } from '../../session/capabilities';
import { hasRole, type Org, orgKey, useSession } from '../../session/session';
import {
  COMMENT_ITEM,
  INBOX,
  ITEM,
  type ItemDetail,
  type ItemSummary,
  OPEN_ITEMS,
  START_ITEM,
  stateLabel,
  TAKE_TRANSITION,
  WORKFLOW,
  WORKFLOWS,
  type Workflow,
} from './workflow-api';

// The form renderer and the designer are the heaviest screens: loaded when first needed.
const SchemaForm = lazy(() => import('./SchemaForm'));
const Designer = lazy(() => import('./designer/Designer'));

function useBase(org: Org) {
  const { orgs } = useSession();
  return pathTo('o', orgKey(orgs, org), 'workflows');
}

function useWorkflowsAvailable() {
  const caps = useCapabilities();
  return { loaded: caps.loaded, available: caps.has('workflows') && caps.has('workflowInbox') };
}

type WorkflowRow = Pick<Workflow, 'id' | 'key' | 'name' | 'version' | 'startRoles'> & {
  states: { id: string; label: string | null }[];
};

export function InboxScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const base = useBase(org);
  const { loaded, available } = useWorkflowsAvailable();
  const inbox = useQuery<{ workflowInbox: { nodes: ItemSummary[] } }>(
    INBOX,
    available ? { orgId: org.id } : null,
  );
  const open = useQuery<{ workflowItems: { nodes: ItemSummary[] } }>(
    OPEN_ITEMS,
    available ? { orgId: org.id } : null,
  );
  const workflows = useQuery<{ workflows: { nodes: WorkflowRow[] } }>(
    WORKFLOWS,
    available ? { orgId: org.id } : null,
  );
  if (loaded && !available) return <Unavailable feature={t('nav.workflows')} />;
  const isAdmin = hasRole(org.myRole, 'admin');
  const mine = inbox.data?.workflowInbox.nodes ?? [];
  const others = (open.data?.workflowItems.nodes ?? []).filter((i) => !mine.some((m) => m.id === i.id));

  return (
    <div>
      <PageHeader title={t('workflows.title')} sub={org.name}>
        {isAdmin && (
          <Link className="button" to={`${base}/design`}>
            {t('workflows.design')}
          </Link>
        )}
      </PageHeader>
      <ErrorMessage error={inbox.error ?? workflows.error} />
      <section aria-labelledby="inbox-title">
        <h2 id="inbox-title">{t('workflows.inbox')}</h2>
        {inbox.loading && !inbox.data ? (
          <Loading />
        ) : mine.length ? (
          <ItemList items={mine} base={base} org={org} />
        ) : (
          <p className="muted">{t('workflows.inboxEmpty')}</p>
        )}
      </section>
      <section aria-labelledby="start-title">
        <h2 id="start-title">{t('workflows.start')}</h2>
        {workflows.data?.workflows.nodes.length ? (
          <ul className="card-list">
            {workflows.data.workflows.nodes
              .filter((w) => w.key !== 'task-status')
              .map((w) => (
                <li key={w.id}>
                  <Link to={`${base}/start/${encodeURIComponent(w.id)}`}>{w.name}</Link>{' '}
                  <span className="muted small-text">{t('workflows.version', { n: w.version })}</span>
                  {isAdmin && (
                    <>
                      {' · '}
                      <Link className="small-text" to={`${base}/design/${encodeURIComponent(w.id)}`}>
                        {t('workflows.editDesign')}
                      </Link>
                    </>
                  )}
                </li>
              ))}
          </ul>
        ) : (
          !workflows.loading && <p className="muted">{t('workflows.none')}</p>
        )}
      </section>
      {others.length > 0 && (
        <section aria-labelledby="open-title">
          <h2 id="open-title">{t('workflows.otherOpen')}</h2>
          <ItemList items={others} base={base} org={org} />
        </section>
      )}
    </div>
  );
}

function ItemList({ items, base, org }: { items: ItemSummary[]; base: string; org: Org }) {
  const { t } = useI18n();
  const nameOf = useAccountNames(org);
  return (
    <ul className="card-list">
      {items.map((item) => (
        <li key={item.id}>
          <Link to={`${base}/items/${encodeURIComponent(item.id)}`}>{item.title}</Link>
          <span className="badge">{stateLabel(item.workflow.states, item.state)}</span>
          {item.conflictCount > 0 && (
            <span className="badge badge-warn">
              <span aria-hidden="true">⚠ </span>
              {t('workflows.conflicts', { count: item.conflictCount })}
            </span>
          )}
          <div className="muted small-text">
            {item.workflow.name} · {t('common.by', { name: nameOf(item.startedById) })} ·{' '}
            <Time value={item.updatedAt} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function StartItemScreen({ org, params }: OrgScreenProps) {
  const { t } = useI18n();
  const base = useBase(org);
  const workflow = useQuery<{ workflow: Workflow }>(WORKFLOW, { orgId: org.id, id: params.key });
  const start = useMutation<{ startWorkflowItem: { id: string } }, { input: Record<string, unknown> }>(
    START_ITEM,
  );
  const [title, setTitle] = useState('');
  const [data, setData] = useState<Record<string, unknown>>({});
  const w = workflow.data?.workflow;
  if (workflow.loading && !w) return <Loading />;
  if (!w) return <ErrorMessage error={workflow.error} />;

  const submit = async (formData: Record<string, unknown>) => {
    const done = await start.run({
      input: { orgId: org.id, workflowId: w.id, title: title.trim(), data: formData },
    });
    if (done) navigate(`${base}/items/${encodeURIComponent(done.startWorkflowItem.id)}`, { replace: true });
  };
  const formProblems = start.error?.fields.filter((f) => f.field !== 'title') ?? [];

  return (
    <div className="narrow">
      <PageHeader title={t('workflows.newItem', { workflow: w.name })} sub={org.name} />
      <ErrorMessage error={start.error} fieldsShown={['title', ...formProblems.map((f) => f.field)]} />
      <div className="stack">
        <InputField
          label={t('workflows.itemTitle')}
          hint={t('workflows.itemTitleHint')}
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={start.error?.field('title')}
        />
        <Suspense fallback={<Loading />}>
          <SchemaForm
            schema={w.form as RJSFSchema}
            formData={data}
            onChange={setData}
            onSubmit={submit}
            serverErrors={formProblems}
            disabled={start.pending}
            idPrefix="start"
          >
            <div className="button-row">
              <button type="submit" className="primary" disabled={start.pending || !title.trim()}>
                {t('workflows.submitItem')}
              </button>
              <Link className="button" to={base}>
                {t('common.cancel')}
              </Link>
            </div>
          </SchemaForm>
        </Suspense>
      </div>
    </div>
  );
}

export function ItemScreen({ org, params }: OrgScreenProps) {
  const { t } = useI18n();
  const nameOf = useAccountNames(org);
  const item = useQuery<{ workflowItem: ItemDetail }>(ITEM, { orgId: org.id, id: params.id });
  const take = useMutation<unknown, { input: Record<string, unknown> }>(TAKE_TRANSITION);
  const comment = useMutation<unknown, { input: Record<string, unknown> }>(COMMENT_ITEM);
  const [editing, setEditing] = useState(false);
  const [data, setData] = useState<Record<string, unknown> | null>(null);
  const [text, setText] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const it = item.data?.workflowItem;
  // Someone else moving the item on, here or on another gateway, shows up at once.
  useLiveRefresh(
    item.reload,
    { orgId: org.id, domain: 'workflow', entity: params.id },
    !!it && !it.closed && !editing,
  );
  if (item.loading && !it) return <Loading />;
  if (!it) return <ErrorMessage error={item.error} />;
  const states = it.workflow.states;
  const form = it.workflow.form as RJSFSchema;
  const fieldTitle = (name: string) => {
    const property = form.properties?.[name];
    return (typeof property === 'object' && property.title) || name;
  };

  const transition = async (id: string, name: string) => {
    setDone(null);
    const ok = await take.run({
      input: { orgId: org.id, itemId: it.id, transitionId: id, data: editing && data ? data : undefined },
    });
    if (ok) {
      setEditing(false);
      setData(null);
      setDone(t('workflows.took', { name }));
      await item.reload();
    }
  };

  const addComment = async (event: FormEvent) => {
    event.preventDefault();
    if (await comment.run({ input: { orgId: org.id, itemId: it.id, text } })) {
      setText('');
      await item.reload();
    }
  };

  const describe = (e: ItemDetail['history'][number]) => {
    switch (e.type) {
      case 'start':
        return e.toState
          ? t('workflows.event.start', { state: stateLabel(states, e.toState) })
          : t('workflows.event.started');
      case 'transition':
        return t('workflows.event.transition', {
          name: it.workflow.transitions.find((x) => x.id === e.transitionId)?.name ?? e.transitionId ?? '',
          from: stateLabel(states, e.fromState),
          to: stateLabel(states, e.toState),
        });
      case 'assign':
        return t('workflows.event.assign', {
          name: e.assigneeId ? nameOf(e.assigneeId) : t('projects.unassigned'),
        });
      case 'comment':
        return t('workflows.event.comment', { text: e.text ?? '' });
      case 'migrate':
        return t('workflows.event.migrate', {
          from: String(e.fromVersion ?? '?'),
          to: String(e.toVersion ?? '?'),
          state: stateLabel(states, e.toState),
        });
      default:
        return t('workflows.event.update');
    }
  };
  const transitionErrors = take.error?.fields ?? [];

  return (
    <article>
      <PageHeader
        title={it.title}
        sub={
          <>
            {it.workflow.name} · {t('workflows.startedBy', { name: nameOf(it.startedById) })} ·{' '}
            <Time value={it.createdAt} />
          </>
        }
      />
      <p className="notice notice-info" data-testid="item-state">
        {t('workflows.stateNow')} <strong>{stateLabel(states, it.state)}</strong>
        {it.closed && <> · {t('workflows.closed')}</>}
        {!it.closed && it.assigneeId && <> · {t('workflows.assignedTo', { name: nameOf(it.assigneeId) })}</>}
        {!it.closed && !it.assigneeId && it.waitingOnRoles.length > 0 && (
          <> · {t('workflows.waitingOn', { roles: it.waitingOnRoles.join(', ') })}</>
        )}
      </p>
      {done && (
        <p className="notice notice-ok" role="status">
          <span aria-hidden="true">✓ </span>
          {done}
        </p>
      )}
      {it.conflictCount > 0 && (
        <p className="notice notice-warn">
          <span aria-hidden="true">⚠ </span>
          {t('workflows.conflictNote', { count: it.conflictCount })}
        </p>
      )}
      <section aria-labelledby="data-title">
        <h2 id="data-title">{t('workflows.form')}</h2>
        {editing ? (
          <Suspense fallback={<Loading />}>
            <SchemaForm
              schema={form}
              formData={data ?? it.data}
              onChange={setData}
              onSubmit={() => {}}
              serverErrors={transitionErrors}
              idPrefix="item"
            >
              <p className="hint">{t('workflows.editHint')}</p>
            </SchemaForm>
          </Suspense>
        ) : (
          <dl className="facts">
            {Object.keys(form.properties ?? {}).map((name) => (
              <div key={name} className="fact-row">
                <dt>{fieldTitle(name)}</dt>
                <dd>{formatValue(it.data[name], t('common.yes'), t('common.no'))}</dd>
              </div>
            ))}
          </dl>
        )}
        {!it.closed && !editing && Object.keys(form.properties ?? {}).length > 0 && (
          <button type="button" onClick={() => setEditing(true)}>
            {t('workflows.changeForm')}
          </button>
        )}
      </section>
      {!it.closed && (
        <section aria-labelledby="next-title">
          <h2 id="next-title">{t('workflows.next')}</h2>
          <ErrorMessage
            error={take.error}
            fieldsShown={editing ? transitionErrors.map((f) => f.field) : []}
          />
          {it.availableTransitions.length === 0 && <p className="muted">{t('workflows.noTransitions')}</p>}
          <ul className="plain-list">
            {it.availableTransitions.map((tr) => (
              <li key={tr.id}>
                <button
                  type="button"
                  className={tr.allowed ? 'primary' : undefined}
                  disabled={!tr.allowed || take.pending}
                  aria-describedby={tr.allowed ? undefined : `why-${tr.id}`}
                  onClick={() => transition(tr.id, tr.name)}
                >
                  {tr.name} → {stateLabel(states, tr.to)}
                </button>
                {!tr.allowed && (
                  <span className="muted small-text" id={`why-${tr.id}`}>
                    {' '}
                    {t('workflows.notNow', { reasons: tr.reasons.join('; ') })}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('workflows.history')}</h2>
        <ol className="plain-list history-list">
          {it.history.map((e) => (
            <li key={e.id}>
              <Time value={e.at} /> · <strong>{nameOf(e.actorId)}</strong>: {describe(e)}
              {e.status !== 'applied' && (
                <span className="badge badge-warn">
                  {e.status === 'superseded' ? t('workflows.superseded') : t('workflows.rejected')}
                </span>
              )}
              {e.reason && <span className="muted small-text"> ({e.reason})</span>}
            </li>
          ))}
        </ol>
        <form onSubmit={addComment} className="stack">
          <ErrorMessage error={comment.error} />
          <TextAreaField
            label={t('workflows.comment')}
            rows={2}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" disabled={comment.pending || !text.trim()}>
            {t('workflows.addComment')}
          </button>
        </form>
      </section>
    </article>
  );
}

function formatValue(value: unknown, yes: string, no: string): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? yes : no;
  if (Array.isArray(value)) return value.map((v) => formatValue(v, yes, no)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function DesignerScreen(props: OrgScreenProps) {
  const { t } = useI18n();
  const { loaded, available } = useWorkflowsAvailable();
  if (loaded && !available) return <Unavailable feature={t('nav.workflows')} />;
  return (
    <Suspense fallback={<Loading />}>
      <Designer {...props} />
    </Suspense>
  );
}
