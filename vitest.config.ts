import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real ONNX inference and real servers: generous limits, no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The suite runs as a fresh clone would, pack installed or not; pack tests give the pack's folder explicitly.
    env: { LIVENESS_PACKS: 'none' },
    reporters: ['default'],
  },
});
