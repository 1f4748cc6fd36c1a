import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  type CfnAuthorizer,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type MethodOptions,
  Period,
  RequestAuthorizer,
  ResponseType,
  RestApi,
  SecurityPolicy,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGateway } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { PLANS, type PlanName } from '../../functions/commons/plans.js';
import type { RegionConfig } from '../config.js';
import type { FunctionName } from './LivenessFunctions.js';

export interface LivenessApiProps {
  readonly region: RegionConfig;
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  /** Name prefix of the usage plans, e.g. the stack name: `${prefix}-${plan}`. */
  readonly usagePlanPrefix: string;
}

/** Request bodies API Gateway hands to Lambda base64-encoded, untouched. */
export const BINARY_MEDIA_TYPES = ['image/*', 'multipart/form-data', 'application/octet-stream'];

/** The stage every path hangs under; the version is part of the path (/v1/...). */
export const STAGE_NAME = 'live';

/** Gateway-made errors in the same envelope as the handlers' (SPEC §3), with the status codes the spec gives. */
const GATEWAY_ERRORS: readonly { type: ResponseType; statusCode: number; error: string; headers?: Record<string, string> }[] = [
  { type: ResponseType.UNAUTHORIZED, statusCode: 401, error: 'missing credentials: send appId + appKey, or x-api-key' },
  { type: ResponseType.INVALID_API_KEY, statusCode: 401, error: 'invalid credentials' },
  { type: ResponseType.ACCESS_DENIED, statusCode: 403, error: 'no access' },
  { type: ResponseType.QUOTA_EXCEEDED, statusCode: 403, error: 'monthly quota spent' },
  { type: ResponseType.THROTTLED, statusCode: 429, error: 'rate limit exceeded', headers: { 'Retry-After': "'1'" } },
  { type: ResponseType.REQUEST_TOO_LARGE, statusCode: 413, error: 'request too large' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, statusCode: 400, error: 'unsupported media type' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, statusCode: 404, error: 'not found' },
  { type: ResponseType.RESOURCE_NOT_FOUND, statusCode: 404, error: 'not found' },
  { type: ResponseType.INTEGRATION_TIMEOUT, statusCode: 503, error: 'busy, retry later', headers: { 'Retry-After': "'1'" } },
  { type: ResponseType.DEFAULT_5XX, statusCode: 500, error: 'internal error' },
];

const envelope = (statusCode: number, error: string): string =>
  JSON.stringify({ status: 'failure', statusCode, result: { error }, metadata: { requestId: '$context.requestId' } });

/** The region's REST API: /v1 routes, usage plans from functions/commons/plans.ts, access logs, throttling. */
export class LivenessApi extends Construct {
  readonly api: RestApi;
  readonly usagePlans: Readonly<Record<PlanName, UsagePlan>>;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: LivenessApiProps) {
    super(scope, id);
    const { region, functions } = props;

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: region.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // No identity, headers or bodies in the access log: no keys, no selfies.
    const accessLogFormat = AccessLogFormat.custom(
      JSON.stringify({
        requestId: AccessLogField.contextRequestId(),
        time: AccessLogField.contextRequestTime(),
        method: AccessLogField.contextHttpMethod(),
        resource: AccessLogField.contextResourcePath(),
        status: AccessLogField.contextStatus(),
        responseLength: AccessLogField.contextResponseLength(),
        latencyMs: AccessLogField.contextResponseLatency(),
        integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
        app: AccessLogField.contextAuthorizerPrincipalId(),
        sourceIp: AccessLogField.contextIdentitySourceIp(),
        error: AccessLogField.contextErrorMessage(),
      }),
    );

    this.api = new RestApi(this, 'Api', {
      restApiName: `${props.usagePlanPrefix}-api`,
      description: `open-liveness API v1, region ${region.code} (${region.awsRegion})`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      binaryMediaTypes: BINARY_MEDIA_TYPES,
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: true, // execution and access logging need the account's API Gateway log role
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: region.stageThrottle.rateLimit,
        throttlingBurstLimit: region.stageThrottle.burstLimit,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // would log request bodies: selfies
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat,
      },
    });

    for (const response of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Error${response.type.responseType}`, {
        type: response.type,
        statusCode: String(response.statusCode),
        templates: { 'application/json': envelope(response.statusCode, response.error) },
        ...(response.headers ? { responseHeaders: response.headers } : {}),
      });
    }

    const authorizer = new RequestAuthorizer(this, 'UsagePlanKey', {
      handler: functions.usagePlanKey,
      // Either appKey or x-api-key identifies the caller, so no single header can be the cache key.
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    // Without caching the identity source is optional (API Gateway docs); CDK would emit "", so omit it.
    (authorizer.node.defaultChild as CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');
    const metered: MethodOptions = {
      authorizationType: AuthorizationType.CUSTOM,
      authorizer,
      apiKeyRequired: true,
    };
    const integration = (fn: IFunction) => new LambdaIntegration(fn, { proxy: true });

    const v1 = this.api.root.addResource('v1');
    v1.addResource('checkLiveness').addMethod('POST', integration(functions.checkLiveness), metered);
    v1.addResource('croppedFace').addResource('{requestId}').addMethod('GET', integration(functions.croppedFace), metered);
    v1.addResource('transactions').addResource('{transactionId}').addMethod('GET', integration(functions.transactions), metered);
    v1.addResource('health').addMethod('GET', integration(functions.health), { authorizationType: AuthorizationType.NONE });

    const plans = {} as Record<PlanName, UsagePlan>;
    for (const [name, plan] of Object.entries(PLANS) as [PlanName, (typeof PLANS)[PlanName]][]) {
      plans[name] = this.api.addUsagePlan(`Plan-${name}`, {
        name: `${props.usagePlanPrefix}-${name}`,
        description: plan.description,
        // API Gateway meters per second; the plan's exact per-minute limit is enforced in DynamoDB.
        throttle: { rateLimit: plan.requestsPerMinute / 60, burstLimit: plan.burst },
        quota: { limit: plan.monthlyQuota, period: Period.MONTH },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
    }
    this.usagePlans = plans;

    if (region.customDomain) {
      const { domain, certificateArn, hostedZoneId } = region.customDomain;
      this.api.addDomainName('Domain', {
        domainName: `${region.code}.${domain}`,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      if (hostedZoneId) {
        new ARecord(this, 'DomainAlias', {
          zone: HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId, zoneName: domain }),
          recordName: region.code,
          target: RecordTarget.fromAlias(new ApiGateway(this.api)),
        });
      }
    }
  }
}
