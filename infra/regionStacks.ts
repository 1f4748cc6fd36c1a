import type { App } from 'aws-cdk-lib';
import { buildLayers } from '../layers/build.js';
import { type DeploymentConfig, stackName } from './config.js';
import { LivenessRegionStack } from './stacks/LivenessRegionStack.js';

/** Adds one stack per region of `deployment` to `app`, building the layers those regions need first. */
export async function addRegionStacks(app: App, deployment: DeploymentConfig): Promise<LivenessRegionStack[]> {
  const layers = await buildLayers(deployment.regions.map((r) => r.architecture));
  return deployment.regions.map(
    (region) =>
      new LivenessRegionStack(app, stackName(deployment, region.code), {
        // No account unless configured: resolved from the credentials at deploy time, never at synth.
        env: { region: region.awsRegion, ...(deployment.account ? { account: deployment.account } : {}) },
        description: `open-liveness API, region ${region.code} (${region.awsRegion})`,
        region,
        namePrefix: stackName(deployment, region.code),
        layerDirs: { models: layers.models, native: layers.native[region.architecture]! },
      }),
  );
}
