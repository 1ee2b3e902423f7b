import { useI18n } from '../i18n/i18n';

/** "5 minutes ago", with the exact time on hover and for assistive technology. */
export function Time({ value }: { value: string | Date | null | undefined }) {
  const { relativeTime, dateTime } = useI18n();
  if (!value) return null;
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={dateTime(date)}>
      {relativeTime(date)}
    </time>
  );
}
