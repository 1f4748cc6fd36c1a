import { describe, expect, it } from 'vitest';
import { REGION_CODES } from '../../functions/commons/config.js';
import { DEFAULT_DEPLOYMENT, resolveDeployment, stackName } from '../../infra/config.js';

describe('deployment config', () => {
  it('configures the six API regions of the spec, each in its AWS region, arm64 by default', () => {
    expect(DEFAULT_DEPLOYMENT.regions.map((r) => [r.code, r.awsRegion])).toEqual(Object.entries(REGION_CODES));
    for (const region of DEFAULT_DEPLOYMENT.regions) expect(region.architecture).toBe('arm64');
    expect(DEFAULT_DEPLOYMENT.regions.every((r) => r.cropExpiryDays === 1)).toBe(true);
  });

  it('narrows to the regions asked for, in configured order', () => {
    const narrowed = resolveDeployment(DEFAULT_DEPLOYMENT, { regions: 'usa, irl' });
    expect(narrowed.regions.map((r) => r.code)).toEqual(['irl', 'usa']);
    expect(stackName(narrowed, 'irl')).toBe('liveness-irl');
  });

  it('switches every region to x64 when asked', () => {
    const x64 = resolveDeployment(DEFAULT_DEPLOYMENT, { architecture: 'x64' });
    expect(x64.regions.map((r) => r.architecture)).toEqual(DEFAULT_DEPLOYMENT.regions.map(() => 'x64'));
  });

  it('rejects unknown region codes, architectures and malformed accounts with a clear message', () => {
    expect(() => resolveDeployment(DEFAULT_DEPLOYMENT, { regions: 'irl,mars' })).toThrow(/unknown region code\(s\) mars/);
    expect(() => resolveDeployment(DEFAULT_DEPLOYMENT, { architecture: 'ppc64' })).toThrow(/arm64 or x64/);
    expect(() => resolveDeployment(DEFAULT_DEPLOYMENT, { account: '12345' })).toThrow(/12 digits/);
  });

  it('leaves the account unset unless given, so synth needs no credentials', () => {
    expect(resolveDeployment(DEFAULT_DEPLOYMENT).account).toBeUndefined();
    expect(resolveDeployment(DEFAULT_DEPLOYMENT, { account: '123456789012' }).account).toBe('123456789012');
  });
});
