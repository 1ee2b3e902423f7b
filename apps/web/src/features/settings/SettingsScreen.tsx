import { type FormEvent, useId, useState } from 'react';
import type { ScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import {
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  pickLanguage,
  storedLanguageChoice,
  useI18n,
} from '../../i18n/i18n';
import { navigate } from '../../lib/router';
import { useMutation } from '../../lib/use-query';
import { useSession } from '../../session/session';

const CHANGE_PASSWORD = `mutation ChangePassword($oldPassword: String!, $newPassword: String!) {
  changePassword(oldPassword: $oldPassword, newPassword: $newPassword) }`;

export function SettingsScreen(_: ScreenProps) {
  const { t, setLanguage } = useI18n();
  const { me, signOut } = useSession();
  const id = useId();
  const [choice, setChoice] = useState<Language | ''>(storedLanguageChoice() ?? '');
  const browserLanguage = pickLanguage(null, navigator.languages ?? [navigator.language]);
  const [oldPassword, setOldPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [changed, setChanged] = useState(false);
  const change = useMutation<unknown, { oldPassword: string; newPassword: string }>(CHANGE_PASSWORD);

  const submitPassword = async (event: FormEvent) => {
    event.preventDefault();
    setChanged(false);
    if (await change.run({ oldPassword, newPassword })) {
      setChanged(true);
      setOldPassword('');
      setNewPassword('');
    }
  };

  return (
    <div className="narrow">
      <PageHeader title={t('settings.title')} />
      <section>
        <h2>
          <label htmlFor={id}>{t('settings.language')}</label>
        </h2>
        <select
          id={id}
          value={choice}
          onChange={(e) => {
            const next = (e.target.value || null) as Language | null;
            setChoice(next ?? '');
            setLanguage(next);
          }}
        >
          <option value="">
            {t('settings.languageAuto', { language: LANGUAGE_NAMES[browserLanguage] })}
          </option>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </section>
      {me && (
        <section>
          <h2>{t('settings.account')}</h2>
          <p>{t('settings.signedInAs', { name: me.account.name, displayName: me.account.displayName })}</p>
          <p>
            <button
              type="button"
              onClick={async () => {
                await signOut().catch(() => {});
                navigate('/login', { replace: true });
              }}
            >
              {t('nav.logOut')}
            </button>
          </p>
          <form onSubmit={submitPassword} className="stack">
            <h3>{t('settings.changePassword')}</h3>
            <ErrorMessage error={change.error} fieldsShown={['oldPassword', 'newPassword']} />
            {changed && (
              <p className="notice notice-ok" role="status">
                <span aria-hidden="true">✓ </span>
                {t('settings.passwordChanged')}
              </p>
            )}
            <InputField
              label={t('settings.oldPassword')}
              type="password"
              autoComplete="current-password"
              required
              value={oldPassword}
              onChange={(e) => setOldPassword(e.target.value)}
            />
            <InputField
              label={t('settings.newPassword')}
              hint={t('auth.passwordHint')}
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
              error={change.error?.field('newPassword')}
            />
            <button type="submit" disabled={change.pending}>
              {t('settings.changePassword')}
            </button>
          </form>
        </section>
      )}
    </div>
  );
}
