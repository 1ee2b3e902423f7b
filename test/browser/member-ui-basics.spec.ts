/**
 * The member UI's promises that are not about one feature: a strict CSP that
 * user content cannot get around, reloadable client routes, languages, the
 * keyboard, and nothing loaded from outside the box.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import type { GraphQLClient } from '../support/graphql-client.js';
import {
  ensureWebBuilt,
  launchChromium,
  openPage,
  PHONE,
  requireChromium,
  screenshots,
  type Watched,
} from './browser-harness.js';

const PASSWORD = 'a long password';
const MINUTES = 60_000;

let gateway: TestGateway;
let browser: Browser;
let api: GraphQLClient;
let orgId: string;
const opened: Watched[] = [];
let setupError: Error | undefined;

async function open(options: Parameters<typeof openPage>[2] = {}): Promise<Watched> {
  if (setupError) throw setupError;
  const watched = await openPage(browser, gateway.url, options);
  opened.push(watched);
  return watched;
}

async function logIn(page: Page, name = 'zawadi'): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/^(User name|Nom d’utilisateur|Jina la mtumiaji)$/).fill(name);
  await page.getByLabel(/^(Password|Mot de passe|Nenosiri)$/).fill(PASSWORD);
  await page.getByLabel(/^(Password|Mot de passe|Nenosiri)$/).press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

describe('member web UI: security, routes, languages, keyboard', () => {
  beforeAll(async () => {
    // A setup failure (no Chromium, say) fails every test with its message, so it is counted as failures.
    try {
      requireChromium();
      await ensureWebBuilt();
      gateway = await startTestGateway();
      browser = await launchChromium();
      api = gateway.client();
      await api.signUp('zawadi');
      const { createOrganization } = await api.gql<{ createOrganization: { id: string } }>(
        'mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }',
        { input: { name: 'Lakeside Co-op', slug: 'lakeside' } },
      );
      orgId = createOrganization.id;
      await api.gql('mutation ($input: SaveWikiPageInput!) { saveWikiPage(input: $input) { path } }', {
        input: {
          orgId,
          path: 'notes/hostile',
          title: 'Hostile markdown',
          content: [
            '# Notes',
            '',
            '<script>alert("script tag")</script>',
            '',
            '<img src="x" onerror="alert(\'onerror\')">',
            '',
            '[click me](javascript:alert("link"))',
            '',
            '<iframe src="https://example.org"></iframe>',
            '',
            '![remote image](https://example.org/pixel.png)',
          ].join('\n'),
        },
      });
    } catch (err) {
      setupError = err as Error;
    }
  }, 5 * MINUTES);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (gateway) removeDir(gateway.dataDir);
  });

  it(
    'serves every page with a strict Content-Security-Policy, and user markdown never runs script',
    async () => {
      const { page, problems } = await open();
      const response = await page.goto('/o/lakeside/wiki/notes/hostile');
      const headers = response?.headers() ?? {};
      expect(headers['content-security-policy']).toContain("script-src 'self'");
      expect(headers['content-security-policy']).toContain("object-src 'none'");
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
      await logIn(page);
      await page.goto('/o/lakeside/wiki/notes/hostile');
      await page.getByRole('heading', { name: 'Hostile markdown' }).waitFor();
      const prose = page.locator('article .prose');
      await expect.poll(() => prose.textContent()).toContain('<script>alert("script tag")</script>');
      expect(await prose.locator('script, iframe, img[onerror], a[href^="javascript"]').count()).toBe(0);
      // Clicking the would-be javascript: link does nothing dangerous.
      await page.getByText('click me').click();
      await page.waitForTimeout(500);
      await screenshots(page, 'hostile-markdown');
      // The remote image is the only request that could leave the box, and the CSP blocks it.
      const outside = problems.filter((p) => !p.includes('example.org/pixel.png'));
      expect(outside).toEqual([]);
      expect(problems.some((p) => p.startsWith('dialog'))).toBe(false);
    },
    5 * MINUTES,
  );

  it(
    'reloads a client-side route to the same screen, and loads nothing from outside the box',
    async () => {
      const { page, problems } = await open({ viewport: PHONE });
      await logIn(page);
      await page.goto('/o/lakeside/wiki/notes/hostile?history');
      await page.getByRole('heading', { name: 'History of “Hostile markdown”' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'History of “Hostile markdown”' }).waitFor();
      await page.goto('/o/lakeside/nowhere/at/all');
      await page.getByRole('heading', { name: 'There is nothing at this address.' }).waitFor();
      const notUi = await page.request.get('/graphql/not-a-route', { headers: { accept: 'text/html' } });
      expect(notUi.status()).toBe(404);
      expect(problems).toEqual([]);
    },
    5 * MINUTES,
  );

  it(
    'speaks the browser’s language, and the member’s choice',
    async () => {
      const { page, problems } = await open({ locale: 'fr-FR' });
      await page.goto('/login');
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      await screenshots(page, 'login-french');
      await logIn(page);
      await page.goto('/settings');
      await page.getByRole('heading', { name: 'Réglages' }).waitFor();
      await page.getByLabel('Langue').selectOption('sw');
      await page.getByRole('heading', { name: 'Mipangilio' }).waitFor();
      await page.goto('/o/lakeside');
      await page.getByRole('navigation', { name: 'Sehemu za Lakeside Co-op' }).waitFor();
      await page.getByRole('link', { name: 'Wanachama' }).click();
      await page.getByRole('heading', { name: 'Wanachama' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('sw');
      await screenshots(page, 'members-swahili');
      expect(problems).toEqual([]);
    },
    5 * MINUTES,
  );

  it(
    'works from the keyboard: skip link, log in, move focus to each new screen',
    async () => {
      const { page, problems } = await open();
      await page.goto('/login');
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe(
        'Skip to content',
      );
      await page.keyboard.press('Enter');
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');
      // Tab through the login form, type, submit with Enter.
      await page.getByLabel('User name').focus();
      await page.keyboard.type('zawadi');
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Lakeside Co-op', level: 1 }).waitFor();
      // Follow a section link with Enter: focus lands on the new screen's title.
      await page.getByRole('link', { name: 'Wiki', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Wiki', level: 1 }).waitFor();
      await expect
        .poll(() => page.evaluate('document.activeElement && document.activeElement.tagName'))
        .toBe('H1');
      // The status bar says its states in words, not only colours.
      const status = await page.getByRole('region', { name: 'Connection status' }).textContent();
      expect(status).toContain('Gateway: reachable');
      expect(problems).toEqual([]);
    },
    5 * MINUTES,
  );
});
