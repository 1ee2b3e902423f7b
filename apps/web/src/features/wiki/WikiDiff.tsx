import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useI18n } from '../../i18n/i18n';
import { useQuery } from '../../lib/use-query';
import { REVISION_DIFF } from './wiki-api';

interface DiffData {
  revisionDiff: { lines: { kind: 'added' | 'removed' | 'same'; text: string }[] };
  from: { id: string; title: string; createdAt: string };
  to: { id: string; title: string; createdAt: string };
}

const MARK = { added: '+', removed: '−', same: ' ' } as const;

/** A line diff between two versions. Added and removed lines differ by sign and label, not only colour. */
export function WikiDiff({ orgId, fromId, toId }: { orgId: string; fromId: string; toId: string }) {
  const { t, dateTime } = useI18n();
  const diff = useQuery<DiffData>(REVISION_DIFF, { orgId, fromId, toId });
  if (diff.loading && !diff.data) return <Loading />;
  if (diff.error) return <ErrorMessage error={diff.error} />;
  if (!diff.data) return null;
  const { lines } = diff.data.revisionDiff;
  const label = { added: t('wiki.added'), removed: t('wiki.removed'), same: t('wiki.unchanged') };
  return (
    <div>
      <p>
        {t('wiki.diffFromTo', {
          from: dateTime(diff.data.from.createdAt),
          to: dateTime(diff.data.to.createdAt),
        })}
      </p>
      {diff.data.from.title !== diff.data.to.title && (
        <p>
          <del>{diff.data.from.title}</del> → <ins>{diff.data.to.title}</ins>
        </p>
      )}
      {lines.every((l) => l.kind === 'same') ? (
        <p>{t('wiki.noChanges')}</p>
      ) : (
        <ol className="diff" data-testid="diff">
          {lines.map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity beyond their position.
            <li key={index} className={`diff-${line.kind}`}>
              <span className="diff-mark" aria-hidden="true">
                {MARK[line.kind]}
              </span>
              {line.kind !== 'same' && <span className="visually-hidden">{label[line.kind]}: </span>}
              <span className="diff-text">{line.text || '\u00a0'}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
