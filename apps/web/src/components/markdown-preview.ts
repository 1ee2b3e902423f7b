/**
 * The editor's preview renders markdown in the browser with the same library
 * and options as the gateway (apps/gateway/src/common/markdown.ts): raw HTML
 * escaped, script URLs refused. Loaded only when someone opens a preview.
 */
import type MarkdownIt from 'markdown-it';

let renderer: Promise<(source: string) => string> | null = null;

export function loadMarkdownRenderer(): Promise<(source: string) => string> {
  renderer ??= import('markdown-it').then(({ default: MarkdownItClass }) => {
    const md: MarkdownIt = new MarkdownItClass({ html: false, linkify: true, typographer: false });
    const defaultLinkOpen =
      md.renderer.rules.link_open ??
      ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
    md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
      const href = tokens[idx].attrGet('href') ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) tokens[idx].attrSet('rel', 'noopener noreferrer nofollow');
      return defaultLinkOpen(tokens, idx, options, env, self);
    };
    return (source: string) => md.render(source);
  });
  return renderer;
}
