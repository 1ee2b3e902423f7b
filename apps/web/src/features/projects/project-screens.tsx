import { type FormEvent, useEffect, useId, useState } from 'react';
import type { OrgScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField, TextAreaField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Unavailable } from '../../components/Unavailable';
import { useI18n } from '../../i18n/i18n';
import { gql } from '../../lib/graphql';
import { Link, navigate, pathTo, withQuery } from '../../lib/router';
import { useLiveRefresh } from '../../lib/use-live-refresh';
import { useMutation, useQuery } from '../../lib/use-query';
import { useAccountNames } from '../../session/accounts';
import { useCapabilities } from '../../session/capabilities';
import { hasRole, type Org, orgKey, useSession } from '../../session/session';
import { Board } from './Board';
import {
  CREATE_MILESTONE,
  CREATE_PROJECT,
  CREATE_TASK,
  type Milestone,
  MOVE_TASK,
  PROJECT,
  PROJECTS,
  type Project,
  TASKS,
  type Task,
} from './project-api';

function useBase(org: Org) {
  const { orgs } = useSession();
  return pathTo('o', orgKey(orgs, org));
}

export function ProjectsScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const caps = useCapabilities();
  const base = useBase(org);
  const projects = useQuery<{ projects: { nodes: { id: string; name: string; description: string }[] } }>(
    PROJECTS,
    caps.has('projects') ? { orgId: org.id } : null,
  );
  const create = useMutation<{ createProject: { id: string } }, { input: Record<string, string> }>(
    CREATE_PROJECT,
  );
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  if (caps.loaded && !caps.has('projects')) return <Unavailable feature={t('nav.projects')} />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await create.run({ input: { orgId: org.id, name: name.trim(), description } });
    if (data) navigate(`${base}/projects/${encodeURIComponent(data.createProject.id)}`);
  };

  return (
    <div>
      <PageHeader title={t('projects.title')} sub={org.name}>
        <Link className="button" to={`${base}/tasks`}>
          {t('nav.myTasks')}
        </Link>
      </PageHeader>
      <ErrorMessage error={projects.error} />
      {projects.loading && !projects.data ? (
        <Loading />
      ) : projects.data?.projects.nodes.length ? (
        <ul className="card-list">
          {projects.data.projects.nodes.map((p) => (
            <li key={p.id}>
              <Link to={`${base}/projects/${encodeURIComponent(p.id)}`}>{p.name}</Link>
              {p.description && <p className="muted small-text">{p.description}</p>}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('projects.none')}</p>
      )}
      {hasRole(org.myRole, 'editor') && (
        <form onSubmit={submit} className="stack narrow">
          <h2>{t('projects.new')}</h2>
          <ErrorMessage error={create.error} fieldsShown={['name', 'description']} />
          <InputField
            label={t('projects.name')}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={create.error?.field('name')}
          />
          <TextAreaField
            label={
              <>
                {t('projects.description')} <span className="muted">{t('common.optional')}</span>
              </>
            }
            rows={2}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
          <button type="submit" disabled={create.pending}>
            {t('common.create')}
          </button>
        </form>
      )}
    </div>
  );
}

export function ProjectScreen({ org, params, location }: OrgScreenProps) {
  const { t } = useI18n();
  const base = useBase(org);
  const nameOf = useAccountNames(org);
  const view = location.search.get('view') === 'list' ? 'list' : 'board';
  const milestone = location.search.get('milestone');
  const here = `${base}/projects/${encodeURIComponent(params.id)}`;
  const project = useQuery<{ project: Project }>(PROJECT, { orgId: org.id, id: params.id });
  const move = useMutation<{ moveTask: Task }, { input: Record<string, string> }>(MOVE_TASK);
  const [moved, setMoved] = useState<string | null>(null);
  const p = project.data?.project;
  useLiveRefresh(project.reload, { orgId: org.id, domain: 'project' }, !move.pending);

  const onMove = async (task: Task, toStatus: string) => {
    setMoved(null);
    const data = await move.run({ input: { orgId: org.id, taskId: task.id, toStatus } });
    if (data) {
      const label = p?.board.find((c) => c.status === toStatus)?.label ?? toStatus;
      setMoved(t('projects.moved', { title: task.title, status: label }));
      await project.reload();
    }
  };

  if (project.loading && !p) return <Loading />;
  if (!p) return <ErrorMessage error={project.error} />;
  const statusLabel = (s: string) => p.board.find((c) => c.status === s)?.label ?? s;

  return (
    <div>
      <PageHeader title={p.name} sub={p.description || org.name}>
        <nav className="segmented" aria-label={t('projects.view')}>
          <Link
            className="button"
            to={withQuery(here, { milestone })}
            aria-current={view === 'board' ? 'page' : undefined}
          >
            {t('projects.board')}
          </Link>
          <Link
            className="button"
            to={withQuery(here, { view: 'list', milestone })}
            aria-current={view === 'list' ? 'page' : undefined}
          >
            {t('projects.list')}
          </Link>
        </nav>
      </PageHeader>
      <ErrorMessage error={move.error} />
      <p className="visually-hidden" role="status">
        {moved}
      </p>
      {view === 'board' ? (
        <Board columns={p.board} nameOf={nameOf} onMove={onMove} busy={move.pending} />
      ) : (
        <TaskList
          org={org}
          projectId={p.id}
          milestones={p.milestones}
          milestone={milestone}
          statusLabel={statusLabel}
          here={here}
        />
      )}
      <div className="columns">
        {hasRole(org.myRole, 'member') && (
          <NewTask org={org} projectId={p.id} milestones={p.milestones} onCreated={project.reload} />
        )}
        <Milestones
          org={org}
          projectId={p.id}
          milestones={p.milestones}
          here={here}
          onCreated={project.reload}
        />
      </div>
    </div>
  );
}

function TaskList({
  org,
  projectId,
  milestones,
  milestone,
  statusLabel,
  here,
}: {
  org: Org;
  projectId: string;
  milestones: Milestone[];
  milestone: string | null;
  statusLabel: (s: string) => string;
  here: string;
}) {
  const { t } = useI18n();
  const nameOf = useAccountNames(org);
  const id = useId();
  const tasks = useQuery<{ tasks: { nodes: Task[] } }>(TASKS, {
    orgId: org.id,
    projectId,
    milestoneId: milestone ?? undefined,
  });
  const milestoneTitle = (mid: string | null) => milestones.find((m) => m.id === mid)?.title ?? '';
  return (
    <section>
      {milestones.length > 0 && (
        <div className="field narrow">
          <label htmlFor={id}>{t('projects.milestone')}</label>
          <select
            id={id}
            value={milestone ?? ''}
            onChange={(e) =>
              navigate(withQuery(here, { view: 'list', milestone: e.target.value || undefined }), {
                replace: true,
              })
            }
          >
            <option value="">{t('projects.allMilestones')}</option>
            {milestones.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
        </div>
      )}
      <ErrorMessage error={tasks.error} />
      {tasks.loading && !tasks.data ? (
        <Loading />
      ) : tasks.data?.tasks.nodes.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('projects.task')}</th>
                <th scope="col">{t('projects.status')}</th>
                <th scope="col">{t('projects.assignee')}</th>
                <th scope="col">{t('projects.dueDate')}</th>
                <th scope="col">{t('projects.milestone')}</th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.tasks.nodes.map((task) => (
                <tr key={task.id}>
                  <td>{task.title}</td>
                  <td>{statusLabel(task.status)}</td>
                  <td>{task.assigneeId ? nameOf(task.assigneeId) : t('projects.unassigned')}</td>
                  <td>{task.dueDate ?? ''}</td>
                  <td>{milestoneTitle(task.milestoneId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t('projects.noTasks')}</p>
      )}
    </section>
  );
}

interface MemberOption {
  id: string;
  name: string;
}

function useMemberOptions(org: Org): MemberOption[] {
  const [members, setMembers] = useState<MemberOption[]>([]);
  useEffect(() => {
    let live = true;
    gql<{ organization: { members: { account: { id: string; displayName: string } }[] } }>(
      'query TaskAssignees($key: String!) { organization(key: $key) { members { account { id displayName } } } }',
      { key: org.id },
    ).then(
      (d) =>
        live &&
        setMembers(d.organization.members.map((m) => ({ id: m.account.id, name: m.account.displayName }))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [org.id]);
  return members;
}

function NewTask({
  org,
  projectId,
  milestones,
  onCreated,
}: {
  org: Org;
  projectId: string;
  milestones: Milestone[];
  onCreated: () => Promise<void>;
}) {
  const { t } = useI18n();
  const id = useId();
  const members = useMemberOptions(org);
  const [title, setTitle] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [milestoneId, setMilestoneId] = useState('');
  const create = useMutation<{ createTask: Task }, { input: Record<string, unknown> }>(CREATE_TASK);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await create.run({
      input: {
        orgId: org.id,
        projectId,
        title: title.trim(),
        assigneeId: assigneeId || undefined,
        dueDate: dueDate || undefined,
        milestoneId: milestoneId || undefined,
      },
    });
    if (data) {
      setTitle('');
      await onCreated();
    }
  };
  return (
    <form onSubmit={submit} className="stack">
      <h2>{t('projects.newTask')}</h2>
      <ErrorMessage error={create.error} fieldsShown={['title', 'dueDate']} />
      <InputField
        label={t('projects.taskTitle')}
        required
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={create.error?.field('title')}
      />
      <div className="field">
        <label htmlFor={`${id}-assignee`}>{t('projects.assignee')}</label>
        <select id={`${id}-assignee`} value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
          <option value="">{t('projects.unassigned')}</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <InputField
        label={t('projects.dueDate')}
        type="date"
        value={dueDate}
        onChange={(e) => setDueDate(e.target.value)}
        error={create.error?.field('dueDate')}
      />
      {milestones.length > 0 && (
        <div className="field">
          <label htmlFor={`${id}-milestone`}>{t('projects.milestone')}</label>
          <select id={`${id}-milestone`} value={milestoneId} onChange={(e) => setMilestoneId(e.target.value)}>
            <option value="">—</option>
            {milestones.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit" disabled={create.pending}>
        {t('projects.addTask')}
      </button>
    </form>
  );
}

function Milestones({
  org,
  projectId,
  milestones,
  here,
  onCreated,
}: {
  org: Org;
  projectId: string;
  milestones: Milestone[];
  here: string;
  onCreated: () => Promise<void>;
}) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [dueDate, setDueDate] = useState('');
  const create = useMutation<unknown, { input: Record<string, unknown> }>(CREATE_MILESTONE);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (
      await create.run({
        input: { orgId: org.id, projectId, title: title.trim(), dueDate: dueDate || undefined },
      })
    ) {
      setTitle('');
      setDueDate('');
      await onCreated();
    }
  };
  return (
    <section>
      <h2>{t('projects.milestones')}</h2>
      {milestones.length ? (
        <ul className="plain-list">
          {milestones.map((m) => (
            <li key={m.id}>
              <Link to={withQuery(here, { view: 'list', milestone: m.id })}>{m.title}</Link>
              {m.dueDate && <span className="muted"> · {t('projects.due', { date: m.dueDate })}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('projects.noMilestones')}</p>
      )}
      {hasRole(org.myRole, 'editor') && (
        <form onSubmit={submit} className="stack">
          <ErrorMessage error={create.error} fieldsShown={['title', 'dueDate']} />
          <InputField
            label={t('projects.milestoneTitle')}
            required
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={create.error?.field('title')}
          />
          <InputField
            label={t('projects.dueDate')}
            type="date"
            value={dueDate}
            onChange={(e) => setDueDate(e.target.value)}
            error={create.error?.field('dueDate')}
          />
          <button type="submit" disabled={create.pending}>
            {t('projects.addMilestone')}
          </button>
        </form>
      )}
    </section>
  );
}

const STATUS_LABELS =
  'query TaskStatusLabels($orgId: ID!) { taskStatusWorkflow(orgId: $orgId) { states { id label } } }';

/** The viewer's tasks in every project of the organisation. */
export function MyTasksScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const caps = useCapabilities();
  const { me } = useSession();
  const base = useBase(org);
  const [groups, setGroups] = useState<{ project: { id: string; name: string }; tasks: Task[] }[] | null>(
    null,
  );
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [error, setError] = useState<import('../../lib/graphql').ApiError | undefined>();

  useEffect(() => {
    if (!caps.has('projects') || !me) return;
    let live = true;
    (async () => {
      try {
        const { projects } = await gql<{ projects: { nodes: { id: string; name: string }[] } }>(PROJECTS, {
          orgId: org.id,
        });
        gql<{ taskStatusWorkflow: { states: { id: string; label: string | null }[] } }>(STATUS_LABELS, {
          orgId: org.id,
        }).then(
          (d) =>
            live &&
            setLabels(Object.fromEntries(d.taskStatusWorkflow.states.map((x) => [x.id, x.label ?? x.id]))),
          () => {},
        );
        const all = await Promise.all(
          projects.nodes.map(async (project) => {
            const { tasks } = await gql<{ tasks: { nodes: Task[] } }>(TASKS, {
              orgId: org.id,
              projectId: project.id,
              assigneeId: me.account.id,
            });
            return { project, tasks: tasks.nodes };
          }),
        );
        if (live) setGroups(all.filter((g) => g.tasks.length > 0));
      } catch (err) {
        if (live) setError(err as import('../../lib/graphql').ApiError);
      }
    })();
    return () => {
      live = false;
    };
  }, [caps, me, org.id]);

  if (caps.loaded && !caps.has('projects')) return <Unavailable feature={t('nav.projects')} />;
  return (
    <div>
      <PageHeader title={t('nav.myTasks')} sub={org.name} />
      <ErrorMessage error={error} />
      {groups === null ? (
        !error && <Loading />
      ) : groups.length === 0 ? (
        <p>{t('projects.noMyTasks')}</p>
      ) : (
        groups.map((g) => (
          <section key={g.project.id}>
            <h2>
              <Link to={`${base}/projects/${encodeURIComponent(g.project.id)}`}>{g.project.name}</Link>
            </h2>
            <ul className="card-list">
              {g.tasks.map((task) => (
                <li key={task.id}>
                  <strong>{task.title}</strong>{' '}
                  <span className="badge">{labels[task.status] ?? task.status}</span>
                  {task.dueDate && (
                    <span className="muted small-text"> {t('projects.due', { date: task.dueDate })}</span>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))
      )}
    </div>
  );
}
