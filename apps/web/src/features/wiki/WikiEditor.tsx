import { type FormEvent, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField } from '../../components/Field';
import { MarkdownEditor } from '../../components/MarkdownEditor';
import { useI18n } from '../../i18n/i18n';
import { useMutation } from '../../lib/use-query';
import { SAVE_WIKI_PAGE, type WikiPage } from './wiki-api';

interface WikiEditorProps {
  orgId: string;
  /** The page being edited, or null to create one (then the path is asked for). */
  page: WikiPage | null;
  initialPath?: string;
  /** Set when someone else saved the page after this editor opened. */
  changedBy?: string | null;
  onSaved: (page: WikiPage) => void;
  onCancel: () => void;
}

/**
 * Edits one page. The edit names the revision it started from, so when
 * someone else saved in the meantime the gateway merges the two edits or,
 * if they touched the same lines, keeps both and opens an edit conflict.
 */
export function WikiEditor({ orgId, page, initialPath = '', changedBy, onSaved, onCancel }: WikiEditorProps) {
  const { t } = useI18n();
  const [path, setPath] = useState(page?.path ?? initialPath);
  const [title, setTitle] = useState(page?.title ?? '');
  const [content, setContent] = useState(page?.content ?? '');
  // The base stays the revision this editor opened on, even if live updates bring newer ones.
  const [baseRevisionId] = useState(page?.currentRevisionId ?? null);
  const save = useMutation<{ saveWikiPage: WikiPage }, { input: Record<string, unknown> }>(SAVE_WIKI_PAGE);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const data = await save.run({
      input: { orgId, path: path.trim(), title: title.trim(), content, baseRevisionId },
    });
    if (data) onSaved(data.saveWikiPage);
  };

  return (
    <form onSubmit={submit} className="stack editor-form">
      {changedBy && (
        <p className="notice notice-warn" role="status">
          <span aria-hidden="true">⚠ </span>
          {t('wiki.changedWhileEditing', { name: changedBy })}
        </p>
      )}
      <ErrorMessage error={save.error} fieldsShown={['path', 'title', 'content']} />
      {!page && (
        <InputField
          label={t('wiki.path')}
          hint={t('wiki.pathHint', { example: 'handbook/getting-started' })}
          name="path"
          required
          autoCapitalize="none"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          error={save.error?.field('path')}
        />
      )}
      <InputField
        label={t('wiki.pageTitle')}
        name="title"
        required
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={save.error?.field('title')}
      />
      <MarkdownEditor
        label={t('wiki.content')}
        name="content"
        value={content}
        onChange={setContent}
        error={save.error?.field('content')}
      />
      <div className="button-row">
        <button type="submit" className="primary" disabled={save.pending}>
          {save.pending ? t('common.saving') : t('wiki.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
