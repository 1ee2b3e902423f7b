import type { MessageKey } from '../i18n/i18n';
import { useI18n } from '../i18n/i18n';
import type { ApiError } from '../lib/graphql';

const KNOWN: Record<string, MessageKey> = {
  NETWORK: 'error.network',
  UNAUTHENTICATED: 'error.unauthenticated',
  FORBIDDEN: 'error.forbidden',
  NOT_FOUND: 'error.notFound',
  CONFLICT: 'error.conflict',
  RATE_LIMITED: 'error.rateLimited',
  INTERNAL_SERVER_ERROR: 'error.internal',
};

/** The sentence to show a member for an API error: ours for known codes, the API's message otherwise. */
export function useErrorText() {
  const { t } = useI18n();
  return (error: ApiError): string => {
    const key = KNOWN[error.code];
    if (!key) return error.message;
    return error.code === 'CONFLICT' || error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN'
      ? `${t(key)} (${error.message})`
      : t(key);
  };
}

/** An error announced to screen readers; shows field problems the API named that no input shows. */
export function ErrorMessage({ error, fieldsShown = [] }: { error?: ApiError; fieldsShown?: string[] }) {
  const text = useErrorText();
  if (!error) return null;
  const others = error.fields.filter((f) => !fieldsShown.includes(f.field));
  return (
    <div className="notice notice-error" role="alert">
      <span aria-hidden="true">⚠ </span>
      {text(error)}
      {others.length > 0 && (
        <ul>
          {others.map((f) => (
            <li key={f.field + f.message}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
