import { useI18n } from '../i18n/i18n';

/** Shown instead of a screen whose API this gateway does not offer (an older or partial version). */
export function Unavailable({ feature }: { feature: string }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-info" role="status">
      <span aria-hidden="true">ℹ </span>
      {t('common.unavailable', { feature })}
    </div>
  );
}
