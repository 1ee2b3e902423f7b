import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves dist/ at / (apps/gateway/src/web). Everything the UI
// needs ships in dist: no CDN, no web fonts, nothing from outside the box.
export default defineConfig(({ command }) => {
  // The gateway always ships the production build, even when the caller's
  // environment says otherwise (vitest sets NODE_ENV=test).
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    plugins: [react()],
    base: '/',
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      // scripts/check-size.mjs reads the manifest to find what the first page loads.
      manifest: true,
      target: 'es2022',
      sourcemap: false,
      // Inline nothing: a strict CSP (img-src 'self' data:) allows data: images only.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
    },
    server: {
      proxy: {
        '/graphql': { target: 'http://127.0.0.1:8080', ws: true },
      },
    },
  };
});
