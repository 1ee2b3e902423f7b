/**
 * The member UI's size budget: the build fails when the first page's
 * JavaScript (the entry, its static imports and the heaviest screen a visitor
 * can land on) is over budget.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../apps/web/scripts/check-size.mjs', import.meta.url));

describe('first page size budget', () => {
  let dist: string;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'gatehouse-size-'));
    mkdirSync(join(dist, '.vite'));
    mkdirSync(join(dist, 'assets'));
    // Random bytes do not compress: each file's gzip size is about its length.
    const file = (name: string, kb: number) =>
      writeFileSync(join(dist, 'assets', name), randomBytes(kb * 1024));
    file('entry.js', 40);
    file('shared.js', 10);
    file('light.js', 5);
    file('heavy.js', 30);
    file('heavy-dep.js', 20);
    file('later.js', 100);
    writeFileSync(
      join(dist, '.vite/manifest.json'),
      JSON.stringify({
        'index.html': {
          file: 'assets/entry.js',
          isEntry: true,
          imports: ['_shared'],
          dynamicImports: ['light.ts', 'heavy.ts'],
        },
        _shared: { file: 'assets/shared.js' },
        'light.ts': { file: 'assets/light.js', imports: ['_shared'] },
        'heavy.ts': { file: 'assets/heavy.js', imports: ['_heavy-dep'], dynamicImports: ['later.ts'] },
        '_heavy-dep': { file: 'assets/heavy-dep.js' },
        'later.ts': { file: 'assets/later.js' },
      }),
    );
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  const check = (budgetKb: number) =>
    spawnSync(process.execPath, [SCRIPT, '--dist', dist, '--budget-kb', String(budgetKb)], {
      encoding: 'utf8',
    });

  it('counts the entry, its imports and the heaviest screen, not what that screen loads later', () => {
    const ok = check(110);
    expect(ok.status).toBe(0);
    // 40 + 10 + 30 + 20 KB and a little gzip framing; the 100 KB chunk loaded later is not counted.
    const total = Number(/First page total: ([\d.]+) KB/.exec(ok.stdout)?.[1]);
    expect(total).toBeGreaterThan(100);
    expect(total).toBeLessThan(102);
    expect(ok.stdout).toContain('the heaviest first screen: heavy.ts');
  });

  it('fails the build over budget, saying by how much', () => {
    const over = check(90);
    expect(over.status).toBe(1);
    expect(over.stderr).toMatch(/over the 90 KB budget/);
  });
});
