import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { htmlSecurityHeaders } from './security-headers.js';

/** Paths that belong to the API and the operator console, never to the member UI's fallback. */
export const NOT_UI_PREFIXES: readonly string[] = ['/graphql', '/healthz', '/metrics', '/admin'];

export interface WebRoutesOptions {
  /** The member UI's build output (apps/web/dist). It may be missing, or appear while the gateway runs. */
  distDir: string;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse</title></head>
<body><h1>Gatehouse</h1>
<p>The member web interface is not built on this gateway (run <code>npm run build:web</code>).
The GraphQL API at <code>/graphql</code> works.</p></body></html>
`;

const isUiPath = (path: string) => !NOT_UI_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

const acceptsHtml = (request: FastifyRequest) => /\btext\/html\b/.test(String(request.headers.accept ?? ''));

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Vite puts content-hashed files under assets/: they never change, so browsers may keep them forever. */
function cacheControlFor(relative: string): string {
  if (relative.startsWith('assets/')) return 'public, max-age=31536000, immutable';
  if (extname(relative) === '.html') return 'no-cache';
  return 'public, max-age=3600';
}

/**
 * Serves the member UI at `/`: its static files (pre-compressed `.br`/`.gz`
 * siblings when the browser accepts them), and `index.html` for any other
 * GET that wants HTML, so client-side routes survive a reload. HTML
 * responses carry a strict Content-Security-Policy. Routes registered by
 * the API (`/graphql`, `/healthz`, `/metrics`, `/admin`) are more specific
 * and win; unknown paths under them still answer 404.
 */
export async function registerWebRoutes(fastify: FastifyInstance, options: WebRoutesOptions): Promise<void> {
  const root = resolve(options.distDir);
  // suppressWarning: dist may be missing at start (not built yet); that is reported per request instead.
  const staticOptions = {
    root,
    serve: false as const,
    index: false as const,
    preCompressed: true,
    cacheControl: false,
    suppressWarning: true,
  };
  await fastify.register(fastifyStatic, staticOptions);

  const sendHtml = async (request: FastifyRequest, reply: FastifyReply, file: string) => {
    reply.headers(htmlSecurityHeaders(request.headers.host));
    if (!(await isFile(resolve(root, file)))) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(NOT_BUILT_PAGE);
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile(file);
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0]);
    } catch {
      return reply.callNotFound();
    }
    if (!isUiPath(path) || path.includes('\0')) return reply.callNotFound();
    if (path !== '/' && !path.endsWith('/')) {
      const file = resolve(root, `.${path}`);
      if (file.startsWith(root + sep) && (await isFile(file))) {
        const relative = file
          .slice(root.length + 1)
          .split(sep)
          .join('/');
        if (extname(relative) === '.html') return sendHtml(request, reply, relative);
        reply
          .header('cache-control', cacheControlFor(relative))
          .header('x-content-type-options', 'nosniff')
          .header('vary', 'accept-encoding');
        return reply.sendFile(relative);
      }
    }
    if (path === '/' || acceptsHtml(request)) return sendHtml(request, reply, 'index.html');
    return reply.callNotFound();
  };

  fastify.get('/', handler);
  fastify.get('/*', handler);
}
