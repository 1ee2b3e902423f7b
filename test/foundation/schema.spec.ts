/**
 * apps/gateway/schema.graphql is what integrators read. It must be exactly
 * the schema the built gateway serves: regenerate it with `npm run schema`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/gateway-harness.js';

describe('checked-in GraphQL schema', () => {
  it('matches the schema the gateway serves (run `npm run schema` after changing the API)', () => {
    const served = execFileSync(process.execPath, [join(REPO_ROOT, 'apps/gateway/dist/main.js'), 'schema'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const checkedIn = readFileSync(join(REPO_ROOT, 'apps/gateway/schema.graphql'), 'utf8');
    expect(served.length).toBeGreaterThan(1000);
    expect(checkedIn).toBe(served);
  });
});
