import { useEffect, useId, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { loadMarkdownRenderer } from './markdown-preview';
import { RenderedHtml } from './RenderedHtml';

interface MarkdownEditorProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  rows?: number;
  name?: string;
}

/** A markdown textarea with a Write / Preview switch. */
export function MarkdownEditor({ label, value, onChange, error, rows = 14, name }: MarkdownEditorProps) {
  const { t } = useI18n();
  const id = useId();
  const [mode, setMode] = useState<'write' | 'preview'>('write');
  const [html, setHtml] = useState<string | null>(null);

  useEffect(() => {
    if (mode !== 'preview') return;
    let live = true;
    loadMarkdownRenderer().then(
      (render) => live && setHtml(render(value)),
      () => live && setHtml(null),
    );
    return () => {
      live = false;
    };
  }, [mode, value]);

  return (
    <div className={error ? 'field field-invalid markdown-editor' : 'field markdown-editor'}>
      <div className="editor-bar">
        <label htmlFor={id}>{label}</label>
        <div className="segmented">
          <button
            type="button"
            aria-pressed={mode === 'write'}
            aria-controls={`${id}-area`}
            onClick={() => setMode('write')}
          >
            {t('editor.write')}
          </button>
          <button
            type="button"
            aria-pressed={mode === 'preview'}
            aria-controls={`${id}-area`}
            onClick={() => setMode('preview')}
          >
            {t('editor.preview')}
          </button>
        </div>
      </div>
      <div id={`${id}-area`}>
        <textarea
          id={id}
          name={name}
          rows={rows}
          value={value}
          hidden={mode !== 'write'}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          spellCheck
        />
        {mode === 'preview' && (
          <section className="preview" aria-label={t('editor.preview')}>
            {html === null ? <p>{t('common.loading')}</p> : <RenderedHtml html={html} />}
          </section>
        )}
      </div>
      <p className="hint" id={`${id}-hint`}>
        {t('editor.markdownHint')}
      </p>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );
}
