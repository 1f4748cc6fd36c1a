import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { LivenessApi } from '../constructs/LivenessApi.js';
import type { LivenessData } from '../constructs/LivenessData.js';
import { ACCESS, type FunctionName, type LivenessFunctions } from '../constructs/LivenessFunctions.js';

export interface NagScopes {
  readonly data: LivenessData;
  readonly functions: LivenessFunctions;
  readonly api: LivenessApi;
}

const acknowledge = (scope: IConstruct, id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });

/**
 * The cdk-nag (AwsSolutions) findings we accept, each on the narrowest construct, each with its
 * reason. Any other finding fails `cdk synth` and test/infra/nag.test.ts.
 */
export function acknowledgeAcceptedNagFindings({ data, functions, api }: NagScopes): void {
  acknowledge(functions, 'L1',
    'Node.js 22 is the runtime the service targets (SPEC; middy 6, layers and tests are built for it); move with the code, not the linter.');

  for (const method of api.api.methods) {
    acknowledge(method, 'COG4',
      'callers are apps, not end users: they authenticate with an app key (appKey or x-api-key), metered by usage plans through the usage-plan-key authorizer.');
  }
  const health = api.api.root.resourceForPath('/v1/health');
  acknowledge(health, 'APIG4', 'GET /v1/health is public by design (SPEC §3: no auth; model ids and versions only).');
  acknowledge(api.api.root.resourceForPath('/v1/openapi.json'), 'APIG4', 'GET /v1/openapi.json is public by design (SPEC §3: the API contract, no data).');
  acknowledge(api.api.root.resourceForPath('/v1/authorize'), 'APIG4',
    "POST /v1/authorize is Deepvue's token endpoint: client_id/client_secret arrive as form fields the authorizer cannot read; the handler checks them against the apps table, applies the plan's rate limit, and a method throttle bounds attempts.");
  acknowledge(api.api, 'APIG2',
    'requests are validated in the handlers so that the deployed and the local API give the same 400 bodies and reason codes.');
  acknowledge(api.api, 'APIG3',
    'no WAF by default (cost per region): abuse is bounded by the stage throttle, usage plans and exact DynamoDB limits; attach a web ACL per deployment if needed.');
  acknowledge(api.api, 'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    "API Gateway's account-level logging role; this AWS managed policy is the documented way to grant it.");

  acknowledge(data.tables.rateLimits, 'DDB3',
    'rate-limit counters live one minute or one month and are rebuilt by traffic: point-in-time recovery would restore nothing of value.');
  acknowledge(data.tables.sessions, 'DDB3',
    'capture session tokens live minutes and are re-created on demand: point-in-time recovery would restore only expired tokens.');
  acknowledge(data.crops, 'S1',
    'crops live at most a day and every read goes through our own functions (logged with request ids); server access logs would keep object keys longer than the objects.');
  const cropsArn = `<${Stack.of(data).getLogicalId(data.crops.node.defaultChild as CfnElement)}.Arn>`;
  for (const name of (Object.keys(ACCESS) as FunctionName[]).filter((n) => ACCESS[n].crops.length > 0)) {
    acknowledge(functions.functions[name].role!, `IAM5[Resource::${cropsArn}/*]`,
      'crop object keys are per request and unknown at deploy time; the grant is limited to this bucket and to s3:GetObject / s3:PutObject.');
  }
}
