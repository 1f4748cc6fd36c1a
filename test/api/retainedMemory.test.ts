import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// Decoded pixels live only for their request: after many requests and a forced GC, the JS-visible
// buffers (arrayBuffers: every Buffer and typed array) are back where they were. A 2400x1800 image
// decodes to 12 MiB; 4 MiB of slack covers sockets and logs. Native memory (libvips, ORT, malloc)
// is not visible here: `npm run bench:memory` reports RSS.
const MiB = 2 ** 20;

it('keeps no image buffers after a mix of requests (JS-visible memory after GC)', () => {
  const root = join(import.meta.dirname, '../..');
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/api/fixtures/retainedMemory.ts'], {
    cwd: root,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  expect(run.status, run.stderr.slice(-2000)).toBe(0);
  const { before, after, holding, held, statuses } = JSON.parse(line) as {
    before: { arrayBuffers: number };
    after: { arrayBuffers: number };
    holding: { arrayBuffers: number };
    held: number;
    statuses: number[];
  };
  console.log(`arrayBuffers after GC: ${(before.arrayBuffers / MiB).toFixed(2)} MiB before, ${(after.arrayBuffers / MiB).toFixed(2)} MiB after ${statuses.length} requests`);
  // Real requests, answered as they should be (the truncated JPEG is refused).
  expect(statuses.filter((s) => s === 200)).toHaveLength(24);
  expect(statuses.filter((s) => s === 400)).toHaveLength(6);
  // The gauge sees a retained buffer: holding 8 MiB shows as 8 MiB.
  expect(holding.arrayBuffers - after.arrayBuffers).toBeGreaterThanOrEqual(held);
  expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(4 * MiB);
});
