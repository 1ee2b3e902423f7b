import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerWebRoutes } from './web-routes.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('member UI routes', () => {
  let dist: string;
  let app: FastifyInstance;

  beforeEach(async () => {
    dist = mkdtempSync(join(tmpdir(), 'gatehouse-web-'));
    app = Fastify();
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.post('/graphql', async () => ({ data: null }));
    await registerWebRoutes(app, { distDir: dist });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  const build = () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Gatehouse</title>');
    writeFileSync(join(dist, 'assets/index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'assets/index-abc123.js.gz'), gzipSync('console.log(1)'));
  };

  it('says the UI is not built, with the security headers, while dist is missing', async () => {
    const res = await app.inject({ url: '/', headers: HTML });
    expect(res.statusCode).toBe(503);
    expect(res.body).toMatch(/not built/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('serves index.html at / and for client routes, with a strict CSP', async () => {
    build();
    for (const url of ['/', '/o/acme/wiki/home', '/login?next=/search']) {
      const res = await app.inject({ url, headers: { ...HTML, host: 'box.local:8080' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<title>Gatehouse</title>');
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
      ]) {
        expect(csp).toContain(directive);
      }
      expect(csp).toContain("connect-src 'self' ws://box.local:8080 wss://box.local:8080");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('does not echo a strange Host header into the policy', async () => {
    build();
    const res = await app.inject({
      url: '/',
      headers: { ...HTML, host: "evil; script-src 'unsafe-inline'" },
    });
    expect(res.headers['content-security-policy']).toContain("connect-src 'self';");
  });

  it('serves hashed assets as immutable, pre-compressed when the browser accepts gzip', async () => {
    build();
    const plain = await app.inject({ url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe('console.log(1)');
    expect(plain.headers['cache-control']).toContain('immutable');
    const gz = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
  });

  it('answers 404, not the UI, for API paths, missing assets and non-HTML requests', async () => {
    build();
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/graphql/nope', headers: HTML })).statusCode).toBe(404);
    expect((await app.inject({ url: '/admin/x', headers: HTML })).statusCode).toBe(404);
    expect((await app.inject({ url: '/metrics', headers: HTML })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/o/acme', headers: { accept: 'application/json' } })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ url: '/../../etc/passwd', headers: HTML })).body).not.toContain('root:');
  });
});
