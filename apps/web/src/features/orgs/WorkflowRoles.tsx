import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useI18n } from '../../i18n/i18n';
import { useMutation, useQuery } from '../../lib/use-query';
import type { Org } from '../../session/session';

const GRANTS = 'query WorkflowRoleGrants($orgId: ID!) { workflowRoles(orgId: $orgId) { accountId role } }';
const GRANT = 'mutation GrantWorkflowRole($input: WorkflowRoleInput!) { grantWorkflowRole(input: $input) }';
const REVOKE =
  'mutation RevokeWorkflowRole($input: WorkflowRoleInput!) { revokeWorkflowRole(input: $input) }';

interface Member {
  account: { id: string; name: string; displayName: string };
}

/**
 * Roles a workflow declares for itself (treasurer, board…), and "designer",
 * given to members here; admins grant and revoke them.
 */
export function WorkflowRoles({ org, members, isAdmin }: { org: Org; members: Member[]; isAdmin: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const grants = useQuery<{ workflowRoles: { accountId: string; role: string }[] }>(GRANTS, {
    orgId: org.id,
  });
  const grant = useMutation<unknown, { input: Record<string, string> }>(GRANT);
  const revoke = useMutation<unknown, { input: Record<string, string> }>(REVOKE);
  const [accountId, setAccountId] = useState('');
  const [role, setRole] = useState('');
  const nameOf = (accountId: string) =>
    members.find((m) => m.account.id === accountId)?.account.displayName ?? accountId;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await grant.run({ input: { orgId: org.id, accountId, role: role.trim() } })) {
      setRole('');
      await grants.reload();
    }
  };

  const list = grants.data?.workflowRoles ?? [];
  if (!isAdmin && list.length === 0) return null;
  return (
    <section>
      <h2>{t('members.workflowRoles')}</h2>
      <p className="hint">{t('members.workflowRolesHint')}</p>
      <ErrorMessage error={grants.error ?? grant.error ?? revoke.error} fieldsShown={['role']} />
      {list.length > 0 ? (
        <ul className="plain-list">
          {list.map((g) => (
            <li key={`${g.accountId}/${g.role}`}>
              {nameOf(g.accountId)}: <strong>{g.role}</strong>{' '}
              {isAdmin && (
                <button
                  type="button"
                  className="small"
                  onClick={async () => {
                    if (await revoke.run({ input: { orgId: org.id, accountId: g.accountId, role: g.role } }))
                      await grants.reload();
                  }}
                >
                  {t('members.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('members.noWorkflowRoles')}</p>
      )}
      {isAdmin && (
        <form onSubmit={submit} className="inline-form">
          <div className="field">
            <label htmlFor={`${id}-member`}>{t('members.member')}</label>
            <select
              id={`${id}-member`}
              required
              value={accountId}
              onChange={(e) => setAccountId(e.target.value)}
            >
              <option value="" />
              {members.map((m) => (
                <option key={m.account.id} value={m.account.id}>
                  {m.account.displayName}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-role`}>{t('members.workflowRole')}</label>
            <input
              id={`${id}-role`}
              required
              list={`${id}-roles`}
              value={role}
              onChange={(e) => setRole(e.target.value)}
              aria-invalid={grant.error?.field('role') ? true : undefined}
            />
            <datalist id={`${id}-roles`}>
              <option value="designer" />
            </datalist>
            {grant.error?.field('role') && <p className="field-error">⚠ {grant.error.field('role')}</p>}
          </div>
          <button type="submit" disabled={grant.pending}>
            {t('members.grant')}
          </button>
        </form>
      )}
    </section>
  );
}
