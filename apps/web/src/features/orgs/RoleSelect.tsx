import { useId } from 'react';
import { type I18n, useI18n } from '../../i18n/i18n';
import type { OrgRole } from '../../session/session';

export const ROLES: readonly OrgRole[] = ['viewer', 'member', 'editor', 'admin', 'owner'];

export function roleLabel(t: I18n['t'], role: OrgRole): string {
  return t(`role.${role}`);
}

export function RoleSelect({
  label,
  value,
  onChange,
  allowRemove = false,
}: {
  label: string;
  value: OrgRole;
  onChange: (role: OrgRole | null) => void;
  allowRemove?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className={allowRemove ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value ? (e.target.value as OrgRole) : null)}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {roleLabel(t, r)}
          </option>
        ))}
        {allowRemove && <option value="">{t('common.remove')}</option>}
      </select>
    </div>
  );
}
