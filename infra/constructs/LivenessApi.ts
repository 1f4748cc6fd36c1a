import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  type CfnAuthorizer,
  Cors,
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
import { ERROR_CATALOGUE, type ErrorKind } from '../../functions/commons/apiErrors.js';
import { CORS_POLICY } from '../../functions/commons/middlewares/cors.js';
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

/**
 * Errors API Gateway answers itself, in the handlers' failure envelope (functions/commons/apiErrors.ts:
 * same catalogue text, same reason codes), with the status codes of SPEC §3.
 */
export const GATEWAY_ERRORS: readonly {
  readonly type: ResponseType;
  readonly kind: ErrorKind;
  readonly reason: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}[] = [
  { type: ResponseType.UNAUTHORIZED, kind: 'UNAUTHORIZED', reason: 'INVALID_CREDENTIALS', message: 'appId and appKey (or x-api-key) are missing or invalid' },
  { type: ResponseType.INVALID_API_KEY, kind: 'UNAUTHORIZED', reason: 'INVALID_CREDENTIALS', message: 'appId and appKey (or x-api-key) are missing or invalid' },
  { type: ResponseType.ACCESS_DENIED, kind: 'FORBIDDEN', reason: 'ACCESS_DENIED', message: 'this key has no access to this API' },
  { type: ResponseType.QUOTA_EXCEEDED, kind: 'FORBIDDEN', reason: 'QUOTA_EXCEEDED', message: 'the monthly quota of this plan is spent' },
  { type: ResponseType.THROTTLED, kind: 'RATE_LIMITED', reason: 'RATE_LIMITED', message: 'too many requests: retry after the Retry-After delay', headers: { 'Retry-After': "'1'" } },
  { type: ResponseType.REQUEST_TOO_LARGE, kind: 'PAYLOAD_TOO_LARGE', reason: 'BODY_TOO_LARGE', message: 'the request body is larger than API Gateway accepts (10 MB)' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, kind: 'UNSUPPORTED_FILE_TYPE', reason: 'UNSUPPORTED_CONTENT_TYPE', message: 'unsupported media type' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, kind: 'NOT_FOUND', reason: 'ROUTE_NOT_FOUND', message: 'no such route' },
  { type: ResponseType.RESOURCE_NOT_FOUND, kind: 'NOT_FOUND', reason: 'ROUTE_NOT_FOUND', message: 'no such route' },
  { type: ResponseType.INTEGRATION_TIMEOUT, kind: 'BUSY', reason: 'TIMEOUT', message: 'the request took too long: retry later', headers: { 'Retry-After': "'1'" } },
  { type: ResponseType.DEFAULT_5XX, kind: 'INTERNAL', reason: 'SERVER_ERROR', message: 'an unexpected error occurred' },
];

const envelope = (kind: ErrorKind, reason: string, message: string): string => {
  const { statusCode, error } = ERROR_CATALOGUE[kind];
  return JSON.stringify({ status: 'failure', statusCode, result: { error, reason, message }, metadata: { requestId: '$context.requestId' } });
};

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
        methodOptions: {
          '/v1/authorize/POST': { throttlingRateLimit: region.authorizeThrottle.rateLimit, throttlingBurstLimit: region.authorizeThrottle.burstLimit },
        },
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
        statusCode: String(ERROR_CATALOGUE[response.kind].statusCode),
        templates: { 'application/json': envelope(response.kind, response.reason, response.message) },
        // A capture page must be able to read why (expired session, throttled); the envelope holds nothing private.
        responseHeaders: { 'Access-Control-Allow-Origin': "'*'", ...response.headers },
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

    const open: MethodOptions = { authorizationType: AuthorizationType.NONE };
    const v1 = this.api.root.addResource('v1');
    const checkLiveness = v1.addResource('checkLiveness');
    checkLiveness.addMethod('POST', integration(functions.checkLiveness), metered);
    // Browser preflight: carries no credentials, so it cannot name the app and is answered for any origin;
    // the app's allowed origins are enforced by checkLiveness on the real request (middlewares/cors.ts).
    checkLiveness.addCorsPreflight({
      allowOrigins: Cors.ALL_ORIGINS,
      allowMethods: [...CORS_POLICY.allowMethods],
      allowHeaders: [...CORS_POLICY.allowHeaders],
      maxAge: Duration.seconds(CORS_POLICY.maxAgeSeconds),
    });
    // Server to server (app key): capture session tokens for browser pages.
    v1.addResource('sessions').addMethod('POST', integration(functions.sessions), metered);
    v1.addResource('croppedFace').addResource('{requestId}').addMethod('GET', integration(functions.croppedFace), metered);
    v1.addResource('transactions').addResource('{transactionId}').addMethod('GET', integration(functions.transactions), metered);
    v1.addResource('health').addMethod('GET', integration(functions.health), open);
    v1.addResource('openapi.json').addMethod('GET', integration(functions.openapi), open);
    // Vendor drop-in routes at the vendors' own paths (the 002 API's trailing slash: API Gateway matches it to this resource).
    this.api.root.addResource('liveness').addMethod('POST', integration(functions.youLive), metered);
    v1.addResource('liveness-check').addMethod('POST', integration(functions.deepvue), metered);
    // Deepvue's token endpoint: client_id/client_secret are form fields the authorizer cannot see, so the
    // handler authenticates them and applies the plan's rate limit; the method throttle above bounds attempts.
    v1.addResource('authorize').addMethod('POST', integration(functions.deepvueAuthorize), open);
    this.api.root.addResource('api').addResource('v1').addResource('ml').addResource('liveness').addMethod('POST', integration(functions.appIdLiveness), metered);
    v1.addResource('liveness').addResource('selfie').addMethod('POST', integration(functions.selfieLiveness), metered);

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
