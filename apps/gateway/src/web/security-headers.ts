/**
 * Headers for every HTML document the gateway serves to browsers. The member
 * UI loads nothing from outside the box and runs no inline script, so the
 * policy can be strict: user content (rendered markdown) cannot run script
 * even if a renderer bug let some markup through.
 */

/** A Host header we are willing to echo into connect-src (host, host:port, [v6]:port). */
const SAFE_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The Content-Security-Policy for HTML pages; `host` adds the same-origin websocket for subscriptions. */
export function contentSecurityPolicy(host?: string): string {
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Security headers for an HTML response. */
export function htmlSecurityHeaders(host?: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(host),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}
