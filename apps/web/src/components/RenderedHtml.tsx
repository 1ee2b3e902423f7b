import type { MouseEvent } from 'react';
import { navigate } from '../lib/router';

/**
 * Shows markdown the gateway rendered. The gateway escapes raw HTML and drops
 * script URLs (apps/gateway/src/common/markdown.ts), and the page's CSP
 * forbids inline script, so this HTML cannot run code. Same-origin links
 * navigate inside the app.
 */
export function RenderedHtml({ html, className = 'prose' }: { html: string; className?: string }) {
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const anchor = (event.target as HTMLElement).closest('a');
    if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  };
  // biome-ignore lint/a11y/useKeyWithClickEvents: links inside stay keyboard-operable; this only intercepts navigation.
  // biome-ignore lint/a11y/noStaticElementInteractions: see above.
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by the gateway, and the CSP forbids inline script.
  return <div className={className} onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
