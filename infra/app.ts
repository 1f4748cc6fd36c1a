// CDK entry (cdk.json runs it through tsx): one stack per configured region, no AWS lookups, so
// `npx cdk synth` needs no credentials. Builds the Lambda layers first (idempotent; see layers/build.ts).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_DEPLOYMENT, resolveDeployment } from './config.js';
import { addRegionStacks } from './regionStacks.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const deployment = resolveDeployment(DEFAULT_DEPLOYMENT, {
  regions: context('regions'),
  architecture: context('architecture'),
  account: context('account') ?? process.env.LIVENESS_ACCOUNT,
});
await addRegionStacks(app, deployment);
// cdk-nag (v3: a CDK validation plugin) runs on every synth and fails it on any finding the stack
// has not acknowledged with a reason (infra/stacks/nagSuppressions.ts).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
