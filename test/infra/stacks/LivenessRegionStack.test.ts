import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPLOYMENT, type RegionConfig } from '../../../infra/config.js';
import { LivenessRegionStack } from '../../../infra/stacks/LivenessRegionStack.js';

// Settings are checked before anything is built, so these never bundle or stage an asset.
const irl = DEFAULT_DEPLOYMENT.regions.find((r) => r.code === 'irl')!;
const build = (overrides: Partial<RegionConfig>) =>
  new LivenessRegionStack(new App(), 'Invalid', {
    env: { region: irl.awsRegion },
    region: { ...irl, ...overrides },
    namePrefix: 'liveness-irl',
    layerDirs: { models: '/nonexistent', native: '/nonexistent' },
  });

describe('region settings', () => {
  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => build({ logRetentionDays: 31 })).toThrow(/logRetentionDays 31/);
  });

  it('refuses crop expiry below one whole day (S3 lifecycle granularity)', () => {
    expect(() => build({ cropExpiryDays: 0 })).toThrow(/cropExpiryDays/);
    expect(() => build({ cropExpiryDays: 0.5 })).toThrow(/cropExpiryDays/);
  });

  it('refuses a function timeout API Gateway would not wait for, and impossible memory sizes', () => {
    expect(() => build({ liveness: { memoryMb: 1769, timeoutSeconds: 30 } })).toThrow(/liveness.timeoutSeconds must be 1..29/);
    expect(() => build({ light: { memoryMb: 64, timeoutSeconds: 10 } })).toThrow(/light.memoryMb/);
  });
});
