import { type FormEvent, useEffect, useState } from 'react';
import { orderedOrgs } from '../../app/OrgSwitcher';
import type { OrgScreenProps, ScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField, TextAreaField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Time } from '../../components/Time';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, pathTo } from '../../lib/router';
import { useMutation, useQuery } from '../../lib/use-query';
import { forgetMemberNames } from '../../session/accounts';
import { useCapabilities } from '../../session/capabilities';
import { hasRole, ORG_FIELDS, type Org, orgKey, useSession } from '../../session/session';
import { RoleSelect, roleLabel } from './RoleSelect';
import { WorkflowRoles } from './WorkflowRoles';

const CREATE_ORG = `mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { ${ORG_FIELDS} } }`;
const CREATE_DEPARTMENT = `mutation CreateDepartment($parentId: ID!, $input: CreateOrganizationInput!) {
  createDepartment(parentId: $parentId, input: $input) { ${ORG_FIELDS} } }`;
const REDEEM = `mutation RedeemInvite($code: String!) { redeemInvite(code: $code) { ${ORG_FIELDS} } }`;

/** "Village Water Board" -> "village-water-board" */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

export function HomeScreen(_: ScreenProps) {
  const { t } = useI18n();
  const { me, orgs } = useSession();
  const [redirecting] = useState(() => {
    try {
      const last = localStorage.getItem('gatehouse.lastOrg');
      return orgs.find((o) => o.id === last) ?? (orgs.length === 1 ? orgs[0] : undefined);
    } catch {
      return undefined;
    }
  });
  useEffect(() => {
    if (redirecting) navigate(pathTo('o', orgKey(orgs, redirecting)), { replace: true });
  }, [redirecting, orgs]);
  if (redirecting) return <Loading />;
  return (
    <div>
      <PageHeader title={t('home.welcome', { name: me?.account.displayName ?? '' })} />
      {orgs.length === 0 ? (
        <p>{t('home.noOrgs')}</p>
      ) : (
        <section>
          <h2>{t('home.yourOrgs')}</h2>
          <ul className="card-list">
            {orderedOrgs(orgs).map(({ org, depth }) => (
              <li key={org.id} style={{ marginInlineStart: `${depth * 1.5}rem` }}>
                <Link to={pathTo('o', orgKey(orgs, org))}>{org.name}</Link>
                {org.description && <p className="muted">{org.description}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="button-row">
        <Link className="button primary" to="/orgs/new">
          {t('home.createOrg')}
        </Link>
        <Link className="button" to="/join">
          {t('home.joinOrg')}
        </Link>
      </p>
    </div>
  );
}

function OrgForm({
  submitLabel,
  onSubmit,
  error,
  pending,
}: {
  submitLabel: string;
  onSubmit: (input: { name: string; slug: string; description: string }) => void;
  error: import('../../lib/graphql').ApiError | undefined;
  pending: boolean;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [description, setDescription] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ name: name.trim(), slug: slug.trim(), description: description.trim() });
  };
  return (
    <form onSubmit={submit} className="stack">
      <ErrorMessage error={error} fieldsShown={['name', 'slug', 'description']} />
      <InputField
        label={t('org.name')}
        name="name"
        required
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          if (!slugTouched) setSlug(slugify(e.target.value));
        }}
        error={error?.field('name')}
      />
      <InputField
        label={t('org.slug')}
        hint={t('org.slugHint', { example: 'village-water' })}
        name="slug"
        required
        pattern="[a-z0-9][a-z0-9\-]*"
        autoCapitalize="none"
        value={slug}
        onChange={(e) => {
          setSlugTouched(true);
          setSlug(e.target.value);
        }}
        error={error?.field('slug')}
      />
      <TextAreaField
        label={
          <>
            {t('org.description')} <span className="muted">{t('common.optional')}</span>
          </>
        }
        name="description"
        rows={3}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={error?.field('description')}
      />
      <button type="submit" className="primary" disabled={pending}>
        {submitLabel}
      </button>
    </form>
  );
}

export function CreateOrgScreen(_: ScreenProps) {
  const { t } = useI18n();
  const session = useSession();
  const create = useMutation<{ createOrganization: Org }, { input: Record<string, string> }>(CREATE_ORG);
  return (
    <div className="narrow">
      <PageHeader title={t('org.createTitle')} />
      <OrgForm
        submitLabel={t('common.create')}
        error={create.error}
        pending={create.pending}
        onSubmit={async (input) => {
          const data = await create.run({ input });
          if (!data) return;
          const orgs = await session.reloadOrgs();
          navigate(pathTo('o', orgKey(orgs, data.createOrganization)));
        }}
      />
    </div>
  );
}

export function JoinScreen({ location }: ScreenProps) {
  const { t } = useI18n();
  const session = useSession();
  const [code, setCode] = useState(location.search.get('code') ?? '');
  const redeem = useMutation<{ redeemInvite: Org }, { code: string }>(REDEEM);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await redeem.run({ code: code.trim() });
    if (!data) return;
    const orgs = await session.reloadOrgs();
    navigate(pathTo('o', orgKey(orgs, data.redeemInvite)));
  };
  return (
    <div className="narrow">
      <PageHeader title={t('join.title')} />
      <form onSubmit={submit} className="stack">
        <ErrorMessage error={redeem.error} fieldsShown={['code']} />
        <InputField
          label={t('join.code')}
          hint={t('join.codeHint')}
          name="code"
          required
          autoCapitalize="none"
          autoComplete="off"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={redeem.error?.field('code')}
        />
        <button type="submit" className="primary" disabled={redeem.pending}>
          {t('join.submit')}
        </button>
      </form>
    </div>
  );
}

const OVERVIEW = `query OrgOverview($orgId: ID!, $decisions: Boolean!, $workflows: Boolean!) {
  wikiPages(orgId: $orgId, first: 50) { nodes { path title updatedAt } }
  blogPosts(orgId: $orgId, first: 5, status: published) { nodes { id title publishedAt createdAt } }
  conflicts(orgId: $orgId, first: 20) { nodes { id } }
  decisions(orgId: $orgId, status: open, first: 5) @include(if: $decisions) { nodes { id title deadline } }
  workflowInbox(orgId: $orgId, first: 5) @include(if: $workflows) { nodes { id title updatedAt } }
}`;

interface Overview {
  wikiPages: { nodes: { path: string; title: string; updatedAt: string }[] };
  blogPosts: { nodes: { id: string; title: string; publishedAt: string | null; createdAt: string }[] };
  conflicts: { nodes: { id: string }[] };
  decisions?: { nodes: { id: string; title: string; deadline: string }[] };
  workflowInbox?: { nodes: { id: string; title: string; updatedAt: string }[] };
}

export function OrgHomeScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const { orgs } = useSession();
  const key = orgKey(orgs, org);
  const parent = org.parentId ? orgs.find((o) => o.id === org.parentId) : undefined;
  const caps = useCapabilities();
  const overview = useQuery<Overview>(
    OVERVIEW,
    caps.loaded
      ? { orgId: org.id, decisions: caps.has('decisions'), workflows: caps.has('workflowInbox') }
      : null,
  );
  const recentPages = [...(overview.data?.wikiPages.nodes ?? [])]
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, 6);
  return (
    <div>
      <PageHeader
        title={org.name}
        sub={
          <>
            {parent && <>{t('org.department', { parent: parent.name })} · </>}
            {org.myRole && t('org.yourRole', { role: roleLabel(t, org.myRole) })}
          </>
        }
      />
      {org.description && <p>{org.description}</p>}
      <ErrorMessage error={overview.error} />
      {(overview.data?.conflicts.nodes.length ?? 0) > 0 && (
        <p className="notice notice-warn">
          <span aria-hidden="true">⚠ </span>
          <Link to={pathTo('o', key, 'conflicts')}>
            {t('org.openConflicts', { count: overview.data?.conflicts.nodes.length ?? 0 })}
          </Link>
        </p>
      )}
      <div className="columns">
        <section>
          <h2>{t('org.recentPages')}</h2>
          {overview.loading && !overview.data ? (
            <Loading />
          ) : recentPages.length ? (
            <ul className="plain-list">
              {recentPages.map((p) => (
                <li key={p.path}>
                  <Link to={pathTo('o', key, 'wiki', p.path)}>{p.title}</Link> <Time value={p.updatedAt} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('wiki.noPages')}</p>
          )}
          <Link to={pathTo('o', key, 'wiki')}>{t('nav.wiki')} →</Link>
        </section>
        <section>
          <h2>{t('org.recentPosts')}</h2>
          {overview.data?.blogPosts.nodes.length ? (
            <ul className="plain-list">
              {overview.data.blogPosts.nodes.map((p) => (
                <li key={p.id}>
                  <Link to={pathTo('o', key, 'blog', p.id)}>{p.title}</Link>{' '}
                  <Time value={p.publishedAt ?? p.createdAt} />
                </li>
              ))}
            </ul>
          ) : (
            !overview.loading && <p className="muted">{t('blog.noPosts')}</p>
          )}
          <Link to={pathTo('o', key, 'blog')}>{t('nav.blog')} →</Link>
        </section>
        {overview.data?.workflowInbox && (
          <section>
            <h2>{t('workflows.inbox')}</h2>
            {overview.data.workflowInbox.nodes.length ? (
              <ul className="plain-list">
                {overview.data.workflowInbox.nodes.map((item) => (
                  <li key={item.id}>
                    <Link to={pathTo('o', key, 'workflows', 'items', item.id)}>{item.title}</Link>{' '}
                    <Time value={item.updatedAt} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('workflows.inboxEmpty')}</p>
            )}
            <Link to={pathTo('o', key, 'workflows')}>{t('nav.workflows')} →</Link>
          </section>
        )}
        {overview.data?.decisions && (
          <section>
            <h2>{t('org.openDecisions')}</h2>
            {overview.data.decisions.nodes.length ? (
              <ul className="plain-list">
                {overview.data.decisions.nodes.map((d) => (
                  <li key={d.id}>
                    <Link to={pathTo('o', key, 'decisions', d.id)}>{d.title}</Link>{' '}
                    <span className="muted small-text">
                      {t('decisions.closes')} <Time value={d.deadline} />
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('decisions.none')}</p>
            )}
            <Link to={pathTo('o', key, 'decisions')}>{t('nav.decisions')} →</Link>
          </section>
        )}
      </div>
    </div>
  );
}

const MEMBERS = `query OrgMembers($key: String!) {
  organization(key: $key) {
    id
    members { role account { id name displayName } }
    departments { ${ORG_FIELDS} }
  }
}`;
const INVITES = `query Invites($orgId: ID!) { invites(orgId: $orgId) { id role maxUses uses expiresAt revoked } }`;
const CREATE_INVITE = `mutation CreateInvite($input: CreateInviteInput!) {
  createInvite(input: $input) { code invite { id role maxUses uses expiresAt revoked } } }`;
const REVOKE_INVITE = `mutation RevokeInvite($id: ID!) { revokeInvite(id: $id) { id revoked } }`;
const SET_ROLE = `mutation SetMemberRole($orgId: ID!, $accountId: ID!, $role: OrgRole) {
  setMemberRole(orgId: $orgId, accountId: $accountId, role: $role) }`;

type Role = NonNullable<Org['myRole']>;

interface MembersData {
  organization: {
    id: string;
    members: { role: Role; account: { id: string; name: string; displayName: string } }[];
    departments: Org[];
  };
}

interface Invite {
  id: string;
  role: Role;
  maxUses: number;
  uses: number;
  expiresAt: string;
  revoked: boolean;
}

export function MembersScreen({ org }: OrgScreenProps) {
  const { t } = useI18n();
  const session = useSession();
  const isAdmin = hasRole(org.myRole, 'admin');
  const caps = useCapabilities();
  const members = useQuery<MembersData>(MEMBERS, { key: org.id });
  const setRole = useMutation<
    { setMemberRole: boolean },
    { orgId: string; accountId: string; role: Role | null }
  >(SET_ROLE);
  const [saved, setSaved] = useState<string | null>(null);

  return (
    <div>
      <PageHeader title={t('members.title')} sub={org.name} />
      <ErrorMessage error={members.error ?? setRole.error} />
      {saved && (
        <p className="notice notice-ok" role="status">
          <span aria-hidden="true">✓ </span>
          {saved}
        </p>
      )}
      {members.data ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('auth.name')}</th>
              <th scope="col">{t('members.role')}</th>
            </tr>
          </thead>
          <tbody>
            {members.data.organization.members.map((m) => (
              <tr key={m.account.id}>
                <td>
                  {m.account.displayName} <span className="muted">@{m.account.name}</span>
                </td>
                <td>
                  {isAdmin && m.account.id !== session.me?.account.id ? (
                    <RoleSelect
                      label={t('members.roleOf', { name: m.account.displayName })}
                      value={m.role}
                      allowRemove
                      onChange={async (role) => {
                        setSaved(null);
                        const ok = await setRole.run({ orgId: org.id, accountId: m.account.id, role });
                        if (ok) {
                          setSaved(t('members.roleSaved'));
                          forgetMemberNames(org.id);
                          await members.reload();
                        }
                      }}
                    />
                  ) : (
                    roleLabel(t, m.role)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        members.loading && <Loading />
      )}
      {isAdmin && <InvitesSection org={org} />}
      {caps.has('workflowRoles') && members.data && (
        <WorkflowRoles org={org} members={members.data.organization.members} isAdmin={isAdmin} />
      )}
      <DepartmentsSection
        org={org}
        departments={members.data?.organization.departments ?? []}
        isAdmin={isAdmin}
      />
    </div>
  );
}

function InvitesSection({ org }: { org: Org }) {
  const { t, dateTime } = useI18n();
  const invites = useQuery<{ invites: Invite[] }>(INVITES, { orgId: org.id });
  const create = useMutation<
    { createInvite: { code: string; invite: Invite } },
    { input: Record<string, unknown> }
  >(CREATE_INVITE);
  const revoke = useMutation<unknown, { id: string }>(REVOKE_INVITE);
  const [role, setRole] = useState<Role>('member');
  const [maxUses, setMaxUses] = useState('1');
  const [hours, setHours] = useState('168');
  const [code, setCode] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await create.run({
      input: { orgId: org.id, role, maxUses: Number(maxUses), validForHours: Number(hours) },
    });
    if (!data) return;
    setCode(data.createInvite.code);
    await invites.reload();
  };
  const open = (invites.data?.invites ?? []).filter((i) => !i.revoked && i.uses < i.maxUses);
  return (
    <section>
      <h2>{t('members.invite')}</h2>
      <form onSubmit={submit} className="inline-form">
        <RoleSelect label={t('members.inviteRole')} value={role} onChange={(r) => r && setRole(r)} />
        <InputField
          label={t('members.maxUses')}
          type="number"
          min={1}
          max={1000}
          value={maxUses}
          onChange={(e) => setMaxUses(e.target.value)}
          error={create.error?.field('maxUses')}
        />
        <InputField
          label={t('members.validHours')}
          type="number"
          min={1}
          value={hours}
          onChange={(e) => setHours(e.target.value)}
          error={create.error?.field('validForHours')}
        />
        <button type="submit" disabled={create.pending}>
          {t('members.createInvite')}
        </button>
      </form>
      <ErrorMessage error={create.error ?? revoke.error} fieldsShown={['maxUses', 'validForHours']} />
      {code && (
        <div className="notice notice-ok" role="status">
          <p>
            {t('members.inviteCode')}
            <code className="invite-code" data-testid="invite-code">
              {code}
            </code>
          </p>
          <p>
            {t('members.inviteLink')}{' '}
            <code>{`${window.location.origin}/join?code=${encodeURIComponent(code)}`}</code>
          </p>
        </div>
      )}
      {open.length > 0 && (
        <>
          <h3>{t('members.invites')}</h3>
          <ul className="plain-list">
            {open.map((i) => (
              <li key={i.id}>
                {t('members.inviteUses', {
                  uses: i.uses,
                  max: i.maxUses,
                  role: roleLabel(t, i.role),
                  until: dateTime(i.expiresAt),
                })}{' '}
                <button
                  type="button"
                  className="small"
                  onClick={async () => {
                    await revoke.run({ id: i.id });
                    await invites.reload();
                  }}
                >
                  {t('members.revoke')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function DepartmentsSection({
  org,
  departments,
  isAdmin,
}: {
  org: Org;
  departments: Org[];
  isAdmin: boolean;
}) {
  const { t } = useI18n();
  const session = useSession();
  const create = useMutation<{ createDepartment: Org }, { parentId: string; input: Record<string, string> }>(
    CREATE_DEPARTMENT,
  );
  const [adding, setAdding] = useState(false);
  return (
    <section>
      <h2>{t('org.departments')}</h2>
      {departments.length ? (
        <ul className="plain-list">
          {departments.map((d) => {
            const mine = session.orgs.find((o) => o.id === d.id);
            return (
              <li key={d.id}>
                {mine ? <Link to={pathTo('o', orgKey(session.orgs, mine))}>{d.name}</Link> : d.name}
                {d.description && <span className="muted"> — {d.description}</span>}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{t('org.noDepartments')}</p>
      )}
      {isAdmin &&
        (adding ? (
          <div className="narrow">
            <h3>{t('org.newDepartment')}</h3>
            <OrgForm
              submitLabel={t('common.create')}
              error={create.error}
              pending={create.pending}
              onSubmit={async (input) => {
                const data = await create.run({ parentId: org.id, input });
                if (!data) return;
                const orgs = await session.reloadOrgs();
                navigate(pathTo('o', orgKey(orgs, data.createDepartment)));
              }}
            />
          </div>
        ) : (
          <button type="button" onClick={() => setAdding(true)}>
            {t('org.newDepartment')}
          </button>
        ))}
    </section>
  );
}
