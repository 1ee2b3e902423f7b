/**
 * Optional CPU profiles of a benchmark's measured span: with BENCH_PROFILE=<dir>,
 * each process writes <dir>/<label>.cpuprofile (open it in Chrome's DevTools),
 * covering only the span, not the set-up around it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

const dir = process.env.BENCH_PROFILE;
let session = null;

export async function startProfile() {
  if (!dir || session) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}

export async function stopProfile(label) {
  if (!session) return;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = null;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
}
