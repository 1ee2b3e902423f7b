#!/usr/bin/env node
/**
 * Fails the build when the first page's JavaScript is over budget.
 *
 * "First page" = the entry chunk of index.html and every chunk it imports
 * statically (what the browser must fetch before anything renders), read
 * from Vite's manifest. Lazily loaded screens (dynamic imports) are listed
 * but not counted. Sizes are gzip level 9, as the gateway serves them.
 *
 *   node scripts/check-size.mjs [--budget-kb 250] [--dist dist]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const here = fileURLToPath(new URL('..', import.meta.url));
const dist = join(here, option('--dist', 'dist'));
const budgetKb = Number(option('--budget-kb', process.env.GATEHOUSE_WEB_BUDGET_KB ?? '250'));

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
} catch (err) {
  console.error(
    `check-size: cannot read ${join(dist, '.vite/manifest.json')} (run vite build first): ${err.message}`,
  );
  process.exit(2);
}

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) {
  console.error('check-size: no entry in the manifest');
  process.exit(2);
}

const initial = new Set();
const css = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const file of chunk.css ?? []) css.add(file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entryKey);

const lazy = new Set(
  Object.values(manifest)
    .map((c) => c.file)
    .filter((f) => f.endsWith('.js') && !initial.has(f)),
);

let total = 0;
console.log('First page JavaScript (gzip -9):');
for (const file of initial) {
  const size = gz(file);
  total += size;
  console.log(`  ${kb(size).padStart(9)}  ${file}`);
}
for (const file of css) console.log(`  ${kb(gz(file)).padStart(9)}  ${file} (CSS, not counted)`);
const lazyTotal = [...lazy].reduce((sum, f) => sum + gz(f), 0);
console.log(`Loaded on demand: ${lazy.size} chunks, ${kb(lazyTotal)} in all`);
console.log(`First page total: ${kb(total)} of a ${budgetKb} KB budget`);

if (total > budgetKb * 1024) {
  console.error(`check-size: the first page's JavaScript is ${kb(total)}, over the ${budgetKb} KB budget`);
  process.exit(1);
}
