import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Token, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../functions/commons/apiErrors.js';
import { ENV, REGION_CODES } from '../../functions/commons/config.js';
import { PLANS } from '../../functions/commons/plans.js';
import { TABLES } from '../../functions/commons/tables.js';
import { DEFAULT_DEPLOYMENT, type RegionConfig, stackName } from '../../infra/config.js';
import { ACCESS, type FunctionName } from '../../infra/constructs/LivenessFunctions.js';
import { addRegionStacks } from '../../infra/regionStacks.js';
import type { LivenessRegionStack } from '../../infra/stacks/LivenessRegionStack.js';

// One app, one synth for all six regions (bundles and layers are built once and shared); every
// test below reads the resulting templates.
const cdkContext = (JSON.parse(readFileSync(join(import.meta.dirname, '../../cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const outdir = mkdtempSync(join(tmpdir(), 'liveness-cdk-'));
let app: App;
const stacks = new Map<string, LivenessRegionStack>();
const templates = new Map<string, Template>();

beforeAll(async () => {
  app = new App({ context: cdkContext, outdir });
  for (const stack of await addRegionStacks(app, DEFAULT_DEPLOYMENT)) stacks.set(stack.config.code, stack);
  app.synth();
  for (const [code, stack] of stacks) templates.set(code, Template.fromStack(stack));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

type Resource = { Type: string; Properties: Record<string, any> };
const resources = (t: Template, type: string): [string, Resource][] =>
  Object.entries(t.findResources(type) as Record<string, Resource>);
const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

it('synthesises exactly one stack per configured region, in the configured AWS region', () => {
  expect([...stacks.keys()].sort()).toEqual(Object.keys(REGION_CODES).sort());
  for (const region of DEFAULT_DEPLOYMENT.regions) {
    const stack = stacks.get(region.code)!;
    expect(stack.stackName).toBe(stackName(DEFAULT_DEPLOYMENT, region.code));
    expect(stack.region).toBe(REGION_CODES[region.code]);
    // No account at synth: it comes from the deployer's credentials (so synth needs none).
    expect(Token.isUnresolved(stack.account)).toBe(true);
  }
});

it('passes CDK\'s built-in CloudFormation schema validation for every stack', () => {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { summary?: { pluginName?: string }; violations?: unknown[] }[];
  };
  const violations = report.pluginReports.flatMap((r) => r.violations ?? []);
  expect(violations).toEqual([]);
});

describe.each(DEFAULT_DEPLOYMENT.regions.map((r) => [r.code, r] as [string, RegionConfig]))('region %s', (code, region) => {
  const t = () => templates.get(code)!;
  const stack = () => stacks.get(code)!;
  const fnId = (name: FunctionName) => logicalIdOf(stack(), stack().functions.functions[name]);

  describe('REST API', () => {
    it('accepts images and multipart bodies as binary and keys callers through the usage-plan authorizer', () => {
      t().hasResourceProperties('AWS::ApiGateway::RestApi', {
        BinaryMediaTypes: Match.arrayWith(['image/*', 'multipart/form-data']),
        EndpointConfiguration: { Types: ['REGIONAL'] },
        ApiKeySourceType: 'AUTHORIZER',
      });
    });

    it('throttles the stage, writes access logs without identities and never logs request bodies', () => {
      const [, stage] = resources(t(), 'AWS::ApiGateway::Stage')[0]!;
      expect(stage.Properties.MethodSettings).toEqual([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: region.stageThrottle.rateLimit,
          ThrottlingBurstLimit: region.stageThrottle.burstLimit,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
        // Deepvue's token endpoint, which no usage plan meters (its credentials are in the body): a tighter throttle.
        expect.objectContaining({
          HttpMethod: 'POST',
          ResourcePath: '/~1v1~1authorize',
          ThrottlingRateLimit: region.authorizeThrottle.rateLimit,
          ThrottlingBurstLimit: region.authorizeThrottle.burstLimit,
        }),
      ]);
      expect(region.authorizeThrottle.rateLimit).toBeLessThan(region.stageThrottle.rateLimit);
      const format = String(stage.Properties.AccessLogSetting.Format);
      expect(format).toContain('$context.requestId');
      expect(format).toContain('$context.status');
      expect(format).not.toMatch(/apiKey|identity\.user|\$input|requestOverride/);
      expect(stage.Properties.AccessLogSetting.DestinationArn).toBeDefined();
    });

    it('meters every route except health, openapi.json and Deepvue authorize with an API key, vendor routes included, and leaves those public', () => {
      const methods = resources(t(), 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
      expect(methods).toHaveLength(12);
      const paths = Object.fromEntries(resources(t(), 'AWS::ApiGateway::Resource').map(([id, r]) => [id, r.Properties]));
      const pathOf = (ref: unknown): string => {
        const id = (ref as { Ref?: string }).Ref;
        if (!id || !paths[id]) return '';
        return `${pathOf(paths[id].ParentId)}/${paths[id].PathPart}`;
      };
      const routes = new Map(methods.map((m) => [`${m.HttpMethod} ${pathOf(m.ResourceId)}`, m]));
      expect([...routes.keys()].sort()).toEqual(
        [
          'POST /v1/checkLiveness', 'OPTIONS /v1/checkLiveness', 'POST /v1/sessions', 'GET /v1/croppedFace/{requestId}', 'GET /v1/transactions/{transactionId}', 'GET /v1/health', 'GET /v1/openapi.json',
          'POST /liveness', 'POST /v1/liveness-check', 'POST /v1/authorize', 'POST /api/v1/ml/liveness', 'POST /v1/liveness/selfie',
        ].sort(),
      );
      for (const [route, method] of routes) {
        // POST /v1/authorize authenticates client_id/client_secret from its form body in the handler.
        if (route === 'GET /v1/health' || route === 'GET /v1/openapi.json' || route === 'OPTIONS /v1/checkLiveness' || route === 'POST /v1/authorize') {
          expect(method, route).toMatchObject({ AuthorizationType: 'NONE' });
          expect(method.ApiKeyRequired ?? false, route).toBe(false);
        } else {
          expect(method, route).toMatchObject({ AuthorizationType: 'CUSTOM', ApiKeyRequired: true });
        }
      }
      // The authorizer runs on every call (either appKey or x-api-key identifies the app).
      t().hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'REQUEST',
        AuthorizerResultTtlInSeconds: 0,
        IdentitySource: Match.absent(),
      });
    });

    it('answers the browser preflight of checkLiveness without credentials, allowing the session token header', () => {
      const methods = resources(t(), 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
      const options = methods.filter((m) => m.HttpMethod === 'OPTIONS');
      expect(options).toHaveLength(1);
      expect(JSON.stringify(options[0]!.ResourceId)).toContain('checkLiveness');
      expect(options[0]).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
      const headers = options[0]!.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toContain('Authorization');
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toContain('transactionId');
      expect(headers['method.response.header.Access-Control-Allow-Methods']).toContain('POST');
      // Gateway-made errors (authorizer 401, throttling) stay readable by a capture page.
      for (const [, r] of resources(t(), 'AWS::ApiGateway::GatewayResponse')) {
        expect(r.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'*'");
      }
    });

    it('answers gateway-made errors with the spec status codes in the handlers\' failure envelope', () => {
      const responses = new Map(
        resources(t(), 'AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties.ResponseType, r.Properties]),
      );
      const expected = { UNAUTHORIZED: 401, INVALID_API_KEY: 401, QUOTA_EXCEEDED: 403, THROTTLED: 429, REQUEST_TOO_LARGE: 413, DEFAULT_5XX: 500 };
      for (const [type, status] of Object.entries(expected)) {
        const response = responses.get(type);
        expect(response?.StatusCode, type).toBe(String(status));
        const body = JSON.parse(response!.ResponseTemplates['application/json']);
        const kind = Object.values(ERROR_CATALOGUE).find((k) => k.statusCode === status)!;
        expect(body).toMatchObject({
          status: 'failure',
          statusCode: status,
          result: { error: kind.error, reason: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) },
          metadata: { requestId: '$context.requestId' },
        });
      }
      expect(JSON.parse(responses.get('QUOTA_EXCEEDED')!.ResponseTemplates['application/json']).result.reason).toBe('QUOTA_EXCEEDED');
      expect(responses.get('THROTTLED')!.ResponseParameters).toMatchObject({ 'gatewayresponse.header.Retry-After': "'1'" });
    });

    it('creates one usage plan per plan of functions/commons/plans.ts with its rate, burst and monthly quota', () => {
      const plans = resources(t(), 'AWS::ApiGateway::UsagePlan').map(([, p]) => p.Properties);
      expect(plans).toHaveLength(Object.keys(PLANS).length);
      for (const [name, plan] of Object.entries(PLANS)) {
        const created = plans.find((p) => p.UsagePlanName === `${stackName(DEFAULT_DEPLOYMENT, region.code)}-${name}`);
        expect(created, name).toMatchObject({
          Throttle: { RateLimit: plan.requestsPerMinute / 60, BurstLimit: plan.burst },
          Quota: { Limit: plan.monthlyQuota, Period: 'MONTH' },
        });
        expect(created!.ApiStages).toHaveLength(1);
      }
    });
  });

  describe('functions', () => {
    it('run Node.js 22 on the configured architecture with the configured memory and timeout', () => {
      for (const name of Object.keys(ACCESS) as FunctionName[]) {
        const size = region[ACCESS[name].size];
        const fn = t().toJSON().Resources[fnId(name)].Properties;
        expect(fn, name).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: [region.architecture === 'arm64' ? 'arm64' : 'x86_64'],
          MemorySize: size.memoryMb,
          Timeout: size.timeoutSeconds,
          Handler: 'index.handler',
        });
      }
    });

    it('get the models and native layers exactly when their bundle needs them, built for their architecture', () => {
      const layers = resources(t(), 'AWS::Lambda::LayerVersion');
      expect(layers).toHaveLength(2);
      const native = layers.find(([, l]) => String(l.Properties.Description).includes('onnxruntime-node'))!;
      expect(native[1].Properties.CompatibleArchitectures).toEqual([region.architecture === 'arm64' ? 'arm64' : 'x86_64']);
      for (const name of Object.keys(ACCESS) as FunctionName[]) {
        const attached = (t().toJSON().Resources[fnId(name)].Properties.Layers ?? []) as unknown[];
        expect(attached.length, name).toBe(ACCESS[name].layers ? 2 : 0);
      }
    });

    it('pass table names, bucket and limits through the env var names of functions/commons/config.ts', () => {
      const env = t().toJSON().Resources[fnId('checkLiveness')].Properties.Environment.Variables;
      const data = stack().data;
      expect(env[ENV.appsTable]).toEqual({ Ref: logicalIdOf(stack(), data.tables.apps) });
      expect(env[ENV.rateLimitsTable]).toEqual({ Ref: logicalIdOf(stack(), data.tables.rateLimits) });
      expect(env[ENV.transactionsTable]).toEqual({ Ref: logicalIdOf(stack(), data.tables.transactionLog) });
      expect(env[ENV.sessionsTable]).toEqual({ Ref: logicalIdOf(stack(), data.tables.sessions) });
      expect(env[ENV.sessionTtlSeconds]).toBe(String(region.sessionTtlSeconds));
      expect(env[ENV.sessionMaxChecks]).toBe(String(region.sessionMaxChecks));
      expect(env[ENV.cropsBucket]).toEqual({ Ref: logicalIdOf(stack(), data.crops) });
      expect(env[ENV.regionCode]).toBe(region.code);
      expect(env[ENV.cropRetentionSeconds]).toBe(String(region.cropExpiryDays * 86_400));
      expect(env.LIVENESS_MODEL_DIR).toBe('/opt/models');
      expect(env.MALLOC_ARENA_MAX).toBe('2'); // bounds native memory of a warm process (npm run bench:memory)
      expect(env.MALLOC_MMAP_THRESHOLD_).toBe('131072'); // freed pixel buffers go back to the kernel
      // The body limit keeps base64-encoded bodies under Lambda's 6 MB synchronous payload.
      expect(Number(env[ENV.maxBodyBytes])).toBe(region.maxBodyBytes);
      expect(Math.ceil((region.maxBodyBytes * 4) / 3)).toBeLessThanOrEqual(6 * 1024 * 1024);
    });

    it('are granted exactly the DynamoDB and S3 actions their code uses, on their own table or bucket', () => {
      const policies = resources(t(), 'AWS::IAM::Policy');
      const rolesWithPolicies = new Set(policies.flatMap(([, p]) => p.Properties.Roles.map((r: { Ref: string }) => r.Ref)));
      const data = stack().data;
      const tableIds: Record<string, string> = {
        apps: logicalIdOf(stack(), data.tables.apps),
        rateLimits: logicalIdOf(stack(), data.tables.rateLimits),
        transactionLog: logicalIdOf(stack(), data.tables.transactionLog),
        sessions: logicalIdOf(stack(), data.tables.sessions),
      };
      for (const name of Object.keys(ACCESS) as FunctionName[]) {
        const roleId = logicalIdOf(stack(), stack().functions.functions[name].role as never);
        const statements = policies
          .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
          .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
        const granted = new Set<string>();
        for (const s of statements) {
          for (const action of [s.Action].flat()) {
            const resource = JSON.stringify(s.Resource);
            const table = Object.entries(tableIds).find(([, id]) => resource.includes(`"${id}"`))?.[0];
            const onCrops = resource.includes(logicalIdOf(stack(), data.crops));
            granted.add(`${table ?? (onCrops ? 'crops' : '?')}:${action}`);
          }
        }
        const expected = new Set([
          ...Object.entries(ACCESS[name].tables).flatMap(([table, actions]) => actions.map((a) => `${table}:${a}`)),
          ...ACCESS[name].crops.map((a) => `crops:${a}`),
        ]);
        expect([...granted].sort(), name).toEqual([...expected].sort());
        if (expected.size === 0) expect(rolesWithPolicies.has(roleId), name).toBe(false);
      }
      // Logs: each role writes to its own log group only, no managed policies.
      for (const [, role] of resources(t(), 'AWS::IAM::Role')) {
        if (role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service !== 'lambda.amazonaws.com') continue;
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
        const logs = role.Properties.Policies[0].PolicyDocument.Statement[0];
        expect(logs.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
        expect(JSON.stringify(logs.Resource)).not.toBe('"*"');
      }
    });
  });

  describe('data', () => {
    it('creates every table of functions/commons/tables.ts: on demand, encrypted, with its keys, TTL and indexes', () => {
      for (const description of Object.values(TABLES)) {
        const keySchema = [
          { AttributeName: description.partitionKey.name, KeyType: 'HASH' },
          ...('sortKey' in description ? [{ AttributeName: description.sortKey.name, KeyType: 'RANGE' }] : []),
        ];
        t().hasResourceProperties('AWS::DynamoDB::Table', {
          KeySchema: keySchema,
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { SSEEnabled: true },
          ...('ttlAttribute' in description
            ? { TimeToLiveSpecification: { AttributeName: description.ttlAttribute, Enabled: true } }
            : {}),
          ...(description.globalSecondaryIndexes.length > 0
            ? { GlobalSecondaryIndexes: description.globalSecondaryIndexes.map((i) => Match.objectLike({ IndexName: i.indexName })) }
            : {}),
        });
      }
      expect(resources(t(), 'AWS::DynamoDB::Table')).toHaveLength(Object.keys(TABLES).length);
    });

    it('keeps point-in-time recovery on the transaction log and the apps table', () => {
      for (const table of ['apps', 'transactionLog'] as const) {
        const id = logicalIdOf(stack(), stack().data.tables[table]);
        expect(t().toJSON().Resources[id].Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      }
    });

    it('keeps crops private, encrypted, TLS-only and expiring after the configured days', () => {
      t().hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: region.cropExpiryDays, Status: 'Enabled' })]) },
      });
      t().hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('alarms', () => {
    it('alarm on API 5xx, API p99 latency and throttles of every function, notifying the alarm topic', () => {
      const alarms = resources(t(), 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
      const serverErrors = alarms.find((a) => a.MetricName === '5XXError');
      expect(serverErrors).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: region.alarms.serverErrors });
      const latency = alarms.find((a) => a.MetricName === 'Latency');
      expect(latency).toMatchObject({ ExtendedStatistic: 'p99', Threshold: region.alarms.p99LatencyMs });
      const throttles = alarms.filter((a) => a.MetricName === 'Throttles' && a.Namespace === 'AWS/Lambda');
      expect(throttles).toHaveLength(Object.keys(ACCESS).length);
      for (const alarm of alarms) expect(alarm.AlarmActions, alarm.MetricName).toHaveLength(1);
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('finds nothing that is not acknowledged with a reason', () => {
      const report = new AwsSolutionsChecks(app).validateScope(stack());
      const findings = report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`);
      expect(findings).toEqual([]);
    });

    it('records a reason with every acknowledgement', () => {
      const acknowledgements = stack()
        .node.findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
        .flatMap((m) => Object.entries(m.data as Record<string, string>));
      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const [id, reason] of acknowledgements) expect(reason.length, id).toBeGreaterThan(30);
    });
  });
});

describe('cdk-nag', () => {
  it('does report findings on a resource nobody acknowledged (the check is live)', () => {
    const scratch = new App();
    const stack = new Stack(scratch, 'Scratch');
    new Bucket(stack, 'Loose');
    const report = new AwsSolutionsChecks(scratch).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining([expect.stringContaining('S1')]));
  });
});
