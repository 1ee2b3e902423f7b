#!/usr/bin/env node
/**
 * Fails the build when the first page's JavaScript is over budget.
 *
 * "First page" = the entry chunk of index.html and every chunk it imports
 * statically, plus the chunks of the screen shown first. Any route can be
 * the first page (a link, a reload), so every screen the entry loads lazily
 * is tried and the heaviest sets the figure. Read from Vite's manifest;
 * chunks a screen itself loads later (a form renderer, say) are listed but
 * not counted. Sizes are gzip level 9, as the gateway serves them.
 *
 *   node scripts/check-size.mjs [--budget-kb 250] [--dist dist]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const here = fileURLToPath(new URL('..', import.meta.url));
const dist = resolve(here, option('--dist', 'dist'));
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

/** A chunk and everything it imports statically, as files. */
const closure = (key, into = new Set(), cssInto = new Set()) => {
  const chunk = manifest[key];
  if (!chunk || into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const file of chunk.css ?? []) cssInto.add(file);
  for (const imported of chunk.imports ?? []) closure(imported, into, cssInto);
  return into;
};
const css = new Set();
const initial = closure(entryKey, new Set(), css);
const sizes = new Map();
const gzOnce = (file) => {
  if (!sizes.has(file)) sizes.set(file, gz(file));
  return sizes.get(file);
};
const sum = (files) => [...files].reduce((n, f) => n + gzOnce(f), 0);

// Screens: what the entry's chunks import dynamically.
const screens = [
  ...new Set(
    Object.keys(manifest)
      .filter((k) => initial.has(manifest[k].file))
      .flatMap((k) => manifest[k].dynamicImports ?? []),
  ),
];
let worst = { name: '(none)', files: new Set() };
for (const key of screens) {
  const files = new Set([...closure(key)].filter((f) => !initial.has(f)));
  if (sum(files) > sum(worst.files)) worst = { name: key, files };
}

const counted = new Set([...initial, ...worst.files]);
const lazy = new Set(
  Object.values(manifest)
    .map((c) => c.file)
    .filter((f) => f.endsWith('.js') && !counted.has(f)),
);

console.log('First page JavaScript (gzip -9):');
for (const file of initial) console.log(`  ${kb(gzOnce(file)).padStart(9)}  ${file}`);
for (const file of worst.files)
  console.log(`  ${kb(gzOnce(file)).padStart(9)}  ${file} (the heaviest first screen: ${worst.name})`);
for (const file of css) console.log(`  ${kb(gz(file)).padStart(9)}  ${file} (CSS, not counted)`);
console.log(`Loaded on demand: ${lazy.size} chunks, ${kb(sum(lazy))} in all`);
const total = sum(counted);
console.log(`First page total: ${kb(total)} of a ${budgetKb} KB budget (${screens.length} screens tried)`);

if (total > budgetKb * 1024) {
  console.error(`check-size: the first page's JavaScript is ${kb(total)}, over the ${budgetKb} KB budget`);
  process.exit(1);
}
