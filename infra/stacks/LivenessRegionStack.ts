import { MAX_SESSION_CHECKS, MAX_SESSION_TTL_SECONDS } from '../../functions/commons/config.js';
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../config.js';
import { LivenessApi, STAGE_NAME } from '../constructs/LivenessApi.js';
import { LivenessData } from '../constructs/LivenessData.js';
import { LivenessFunctions } from '../constructs/LivenessFunctions.js';
import { LivenessLayers } from '../constructs/LivenessLayers.js';
import { LivenessObservability } from '../constructs/LivenessObservability.js';
import { acknowledgeAcceptedNagFindings } from './nagSuppressions.js';

export interface LivenessRegionStackProps extends StackProps {
  readonly region: RegionConfig;
  /** Built layer folders (layers/build.ts). */
  readonly layerDirs: { readonly models: string; readonly native: string };
  /** Prefix of named resources (usage plans, API name). */
  readonly namePrefix: string;
}

function validate(region: RegionConfig): void {
  if (!(Object.values(RetentionDays) as number[]).includes(region.logRetentionDays)) {
    throw new Error(`${region.code}: logRetentionDays ${region.logRetentionDays} is not a CloudWatch Logs retention value`);
  }
  if (!Number.isInteger(region.cropExpiryDays) || region.cropExpiryDays < 1) {
    throw new Error(`${region.code}: cropExpiryDays must be a whole number of days ≥ 1 (S3 lifecycle granularity)`);
  }
  if (!Number.isInteger(region.sessionTtlSeconds) || region.sessionTtlSeconds < 1 || region.sessionTtlSeconds > MAX_SESSION_TTL_SECONDS) {
    throw new Error(`${region.code}: sessionTtlSeconds must be a whole number 1..${MAX_SESSION_TTL_SECONDS}`);
  }
  if (!Number.isInteger(region.sessionMaxChecks) || region.sessionMaxChecks < 1 || region.sessionMaxChecks > MAX_SESSION_CHECKS) {
    throw new Error(`${region.code}: sessionMaxChecks must be a whole number 1..${MAX_SESSION_CHECKS}`);
  }
  for (const [name, size] of Object.entries({ liveness: region.liveness, light: region.light })) {
    if (size.memoryMb < 128 || size.memoryMb > 10_240) throw new Error(`${region.code}: ${name}.memoryMb must be 128..10240`);
    if (size.timeoutSeconds < 1 || size.timeoutSeconds > 29) {
      throw new Error(`${region.code}: ${name}.timeoutSeconds must be 1..29 (API Gateway waits 29 s at most)`);
    }
  }
}

/** One region of the service: layers → functions → data → API → alarms, as in the docs/deployment.md diagram. */
export class LivenessRegionStack extends Stack {
  readonly config: RegionConfig;
  readonly layers: LivenessLayers;
  readonly data: LivenessData;
  readonly functions: LivenessFunctions;
  readonly api: LivenessApi;
  readonly observability: LivenessObservability;

  constructor(scope: Construct, id: string, props: LivenessRegionStackProps) {
    super(scope, id, props);
    const { region } = props;
    validate(region);
    this.config = region;
    Tags.of(this).add('service', 'open-liveness');
    Tags.of(this).add('liveness-region', region.code);

    this.layers = new LivenessLayers(this, 'Layers', {
      architecture: region.architecture,
      modelsDir: props.layerDirs.models,
      nativeDir: props.layerDirs.native,
    });
    this.data = new LivenessData(this, 'Data', { cropExpiryDays: region.cropExpiryDays, retainData: region.retainData });
    this.functions = new LivenessFunctions(this, 'Functions', {
      region,
      layers: this.layers,
      tables: this.data.tables,
      crops: this.data.crops,
    });
    this.api = new LivenessApi(this, 'Api', {
      region,
      functions: this.functions.functions,
      usagePlanPrefix: props.namePrefix,
    });
    this.observability = new LivenessObservability(this, 'Observability', {
      api: this.api.api,
      functions: this.functions.functions,
      thresholds: region.alarms,
      ...(region.alarmEmail ? { alarmEmail: region.alarmEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: `${this.api.api.url}v1/`, description: `base URL (stage ${STAGE_NAME})` });
    new CfnOutput(this, 'RestApiId', { value: this.api.api.restApiId });
    new CfnOutput(this, 'AppsTable', { value: this.data.tables.apps.tableName });
    new CfnOutput(this, 'CropsBucket', { value: this.data.crops.bucketName });
    for (const [name, plan] of Object.entries(this.api.usagePlans)) {
      new CfnOutput(this, `UsagePlan${name}`, { value: plan.usagePlanId, description: `usage plan id of plan ${name}` });
    }
    acknowledgeAcceptedNagFindings({ data: this.data, functions: this.functions, api: this.api });
  }
}
