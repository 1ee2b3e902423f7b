// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { MarkdownEditor } from './MarkdownEditor';

function Editor({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  return <MarkdownEditor label="Content" value={value} onChange={setValue} />;
}

describe('MarkdownEditor', () => {
  afterEach(cleanup);

  it('previews markdown like the gateway renders it, never running markup from the text', async () => {
    const { container } = render(
      <Editor
        initial={
          '# Pumps\n\n**filters** weekly\n\n<script>alert(1)</script>\n<img src=x onerror="alert(2)">\n[bad](javascript:alert(3))'
        }
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(screen.getByRole('button', { name: 'Preview' }).getAttribute('aria-pressed')).toBe('true');
    const preview = await screen.findByRole('region', { name: 'Preview' });
    await screen.findByRole('heading', { name: 'Pumps' });
    expect(preview.querySelector('strong')?.textContent).toBe('filters');
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(preview.textContent).toContain('<script>alert(1)</script>');
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Write' }));
    expect((screen.getByLabelText('Content') as HTMLTextAreaElement).hidden).toBe(false);
  });
});
