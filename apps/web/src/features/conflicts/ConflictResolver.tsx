import { type FormEvent, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField } from '../../components/Field';
import { MarkdownEditor } from '../../components/MarkdownEditor';
import { Time } from '../../components/Time';
import { useI18n } from '../../i18n/i18n';
import { useMutation } from '../../lib/use-query';
import { combineVersions } from '../wiki/line-merge';
import { type EditConflict, RESOLVE_CONFLICT, type Revision } from '../wiki/wiki-api';

interface ConflictResolverProps {
  conflict: EditConflict;
  /** The account resolving: their own version is the starting point. */
  myAccountId: string | undefined;
  nameOf: (id: string | null | undefined) => string;
  onResolved: () => void;
  onCancel: () => void;
}

function startingPoint(heads: Revision[], me: string | undefined): Revision {
  const mine = heads.filter((h) => h.authorId === me).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return mine[0] ?? heads[0];
}

/**
 * Both versions side by side (stacked on a phone), and an editor for the
 * version that replaces them. Saving names every head as a parent, which
 * closes the conflict on every gateway.
 */
export function ConflictResolver({
  conflict,
  myAccountId,
  nameOf,
  onResolved,
  onCancel,
}: ConflictResolverProps) {
  const { t } = useI18n();
  const heads = conflict.heads;
  const start = startingPoint(heads, myAccountId);
  const [title, setTitle] = useState(start.title);
  const [content, setContent] = useState(start.content);
  const resolve = useMutation<
    { resolveEditConflict: EditConflict },
    { input: { orgId: string; conflictId: string; title: string; content: string } }
  >(RESOLVE_CONFLICT);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await resolve.run({
      input: { orgId: conflict.orgId, conflictId: conflict.id, title, content },
    });
    if (done) onResolved();
  };

  return (
    <div className="conflict">
      <p>{t('conflict.intro')}</p>
      <div className="side-by-side">
        {heads.map((head, index) => (
          <section key={head.id} className="version" aria-labelledby={`version-${head.id}`}>
            <h2 id={`version-${head.id}`}>
              {t('conflict.version', { n: index + 1 })}{' '}
              <span className="muted version-meta">
                {t('common.by', { name: nameOf(head.authorId) })}, <Time value={head.createdAt} />
              </span>
            </h2>
            <p className="version-title">
              <strong>{head.title}</strong>
            </p>
            <pre className="source" data-testid={`conflict-version-${index + 1}`}>
              {head.content}
            </pre>
            <button
              type="button"
              onClick={() => {
                setTitle(head.title);
                setContent(head.content);
              }}
            >
              {t('conflict.useThis', { n: index + 1 })}
            </button>
          </section>
        ))}
      </div>
      {heads.length === 2 && (
        <p>
          <button
            type="button"
            onClick={() => setContent(combineVersions(heads[0].content, heads[1].content))}
          >
            {t('conflict.combine')}
          </button>
        </p>
      )}
      <form onSubmit={submit} className="stack">
        <h2>{t('conflict.result')}</h2>
        <ErrorMessage error={resolve.error} fieldsShown={['title', 'content']} />
        <InputField
          label={t('wiki.pageTitle')}
          name="title"
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={resolve.error?.field('title')}
        />
        <MarkdownEditor
          label={t('wiki.content')}
          name="content"
          value={content}
          onChange={setContent}
          error={resolve.error?.field('content')}
        />
        <div className="button-row">
          <button type="submit" className="primary" disabled={resolve.pending}>
            {t('conflict.resolve')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
