/**
 * Real browsers for tests: Debian's Chromium driven by playwright-core,
 * against the member UI the gateway serves from apps/web/dist.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../support/gateway-harness.js';

export const CHROMIUM_PATH = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'browser');
const WEB = join(REPO_ROOT, 'apps', 'web');

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

/** Fails with the fix in the message when Chromium is not installed. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests drive Debian's Chromium: ` +
        'install it with `apt-get install -y chromium fonts-dejavu-core` (or set GATEHOUSE_CHROMIUM).',
    );
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  const index = join(WEB, 'dist', 'index.html');
  const sources = Math.max(newestMtime(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs);
  return existsSync(index) && statSync(index).mtimeMs >= sources;
}

/**
 * Builds the member UI when apps/web/dist is missing or older than its
 * sources (`npm test` builds it first; this covers running a file alone).
 * Test files run in parallel: a lock directory lets one build while the
 * others wait for it.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (isFresh()) return;
  const lock = join(REPO_ROOT, 'test-results', '.web-build.lock');
  mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`waited too long for another test to build the UI (${lock})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (isFresh()) return;
    }
  }
  try {
    if (isFresh()) return;
    for (const args of [
      [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build'],
      ['scripts/check-size.mjs'],
    ]) {
      // vitest sets NODE_ENV=test, which would give React's development build.
      const run = spawnSync(process.execPath, args, {
        cwd: WEB,
        encoding: 'utf8',
        timeout: 240_000,
        env: { ...process.env, NODE_ENV: 'production' },
      });
      if (run.status !== 0) throw new Error(`building the member UI failed:\n${run.stdout}\n${run.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Launches Chromium headless. Playwright gives every launch a fresh,
 * temporary user-data directory; the flags keep Chromium from reaching
 * for the network on its own (updates, sync, QUIC probes).
 */
export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 120_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Page errors, CSP violations and requests that left the gateway's origin. */
  problems: string[];
}

/** A new context and page that records anything that should never happen. */
export async function openPage(
  browser: Browser,
  origin: string,
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<Watched> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    locale: options.locale ?? 'en-GB',
    baseURL: origin,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(45_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (
      !url.startsWith(origin) &&
      !url.startsWith('data:') &&
      !url.startsWith(origin.replace('http', 'ws'))
    ) {
      problems.push(`request outside the gateway: ${url}`);
    }
  });
  page.on('dialog', (d) => {
    problems.push(`dialog opened (script ran?): ${d.message()}`);
    void d.dismiss();
  });
  return { page, context, problems };
}

/**
 * Screenshots of the current screen at phone and desktop widths, kept as test
 * artefacts; fails if the page is wider than the screen.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  for (const [label, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
    // A phone must never need to scroll sideways (wide content scrolls inside its own box).
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    if (width > size.width) {
      throw new Error(`screen "${name}" is ${width}px wide at the ${label} width of ${size.width}px`);
    }
  }
  await page.setViewportSize(original);
}
