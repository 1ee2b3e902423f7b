import { type FormEvent, useState } from 'react';
import type { ScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, withQuery } from '../../lib/router';
import { useMutation } from '../../lib/use-query';
import { AUTH_FIELDS, type AuthPayload, useSession } from '../../session/session';

const LOG_IN = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { ${AUTH_FIELDS} } }`;
const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`;

/** Only same-site paths: a `next` parameter must never send a member elsewhere. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LogInScreen({ location }: ScreenProps) {
  const { t } = useI18n();
  const session = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const logIn = useMutation<{ logIn: AuthPayload }, { input: { name: string; password: string } }>(LOG_IN);
  const next = safeNext(location.search.get('next'));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await logIn.run({ input: { name: name.trim(), password } });
    if (!data) return;
    await session.signedIn(data.logIn);
    navigate(next, { replace: true });
  };

  return (
    <div className="narrow">
      <PageHeader title={t('auth.logInTitle')} />
      <form onSubmit={submit} className="stack">
        <ErrorMessage error={logIn.error} fieldsShown={['name', 'password']} />
        <InputField
          label={t('auth.name')}
          name="name"
          autoComplete="username"
          autoCapitalize="none"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={logIn.error?.field('name')}
        />
        <InputField
          label={t('auth.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={logIn.error?.field('password')}
        />
        <button type="submit" className="primary" disabled={logIn.pending}>
          {t('auth.logIn')}
        </button>
      </form>
      <p>
        {t('auth.noAccount')}{' '}
        <Link to={withQuery('/signup', { next: location.search.get('next') })}>{t('nav.signUp')}</Link>
      </p>
    </div>
  );
}

export function SignUpScreen({ location }: ScreenProps) {
  const { t } = useI18n();
  const session = useSession();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const signUp = useMutation<
    { signUp: AuthPayload },
    { input: { name: string; password: string; displayName?: string } }
  >(SIGN_UP);
  const next = safeNext(location.search.get('next'));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await signUp.run({
      input: { name: name.trim(), password, displayName: displayName.trim() || undefined },
    });
    if (!data) return;
    await session.signedIn(data.signUp);
    navigate(next, { replace: true });
  };

  return (
    <div className="narrow">
      <PageHeader title={t('auth.signUpTitle')} />
      <form onSubmit={submit} className="stack">
        <ErrorMessage error={signUp.error} fieldsShown={['name', 'password', 'displayName']} />
        <InputField
          label={t('auth.name')}
          hint={t('auth.nameHint')}
          name="name"
          autoComplete="username"
          autoCapitalize="none"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={signUp.error?.field('name')}
        />
        <InputField
          label={
            <>
              {t('auth.displayName')} <span className="muted">{t('common.optional')}</span>
            </>
          }
          name="displayName"
          autoComplete="name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={signUp.error?.field('displayName')}
        />
        <InputField
          label={t('auth.password')}
          hint={t('auth.passwordHint')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={signUp.error?.field('password')}
        />
        <button type="submit" className="primary" disabled={signUp.pending}>
          {t('auth.signUp')}
        </button>
      </form>
      <p>
        {t('auth.haveAccount')}{' '}
        <Link to={withQuery('/login', { next: location.search.get('next') })}>{t('nav.logIn')}</Link>
      </p>
    </div>
  );
}
