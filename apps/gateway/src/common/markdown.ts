import MarkdownIt from 'markdown-it';

/**
 * Markdown to HTML for pages, posts and comments. Raw HTML in the source is
 * escaped (html: false) and markdown-it's link validation drops
 * javascript:, vbscript:, file: and non-image data: URLs, so no script from
 * user content reaches a browser.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

// Links to other sites open without handing them this page (window.opener).
const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const href = tokens[idx].attrGet('href') ?? '';
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) tokens[idx].attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
  return md.render(source);
}
