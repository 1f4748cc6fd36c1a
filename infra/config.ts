import { REGION_CODES, type RegionCode } from '../functions/commons/config.js';

/**
 * The one typed deployment config: which regions get a stack and how each is sized. Edit the
 * defaults here, or narrow/override at synth time with CDK context:
 *   npx cdk deploy -c regions=irl,usa -c architecture=x64 -c account=123456789012
 */

export type Architecture = 'arm64' | 'x64';

export interface FunctionSize {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface Throttle {
  /** Steady-state requests per second (token refill rate). */
  readonly rateLimit: number;
  /** Bucket size: requests allowed at once. */
  readonly burstLimit: number;
}

export interface AlarmThresholds {
  /** API 5xx responses in 5 minutes before the alarm fires. */
  readonly serverErrors: number;
  /** p99 of API latency (ms) over 5 minutes. */
  readonly p99LatencyMs: number;
  /** Throttled Lambda invocations in 5 minutes. */
  readonly throttles: number;
}

export interface CustomDomain {
  /** Parent domain: the API is served at https://{code}.{domain}. */
  readonly domain: string;
  /** ACM certificate in the stack's region covering {code}.{domain} (create it beforehand). */
  readonly certificateArn: string;
  /** Route 53 hosted zone of `domain`; with it the stack writes the alias record, without it you do. */
  readonly hostedZoneId?: string;
}

export interface RegionConfig {
  /** API region code (SPEC §3), also the stack name suffix. */
  readonly code: RegionCode;
  readonly awsRegion: string;
  /** Lambda CPU architecture; the native layer is built for this one only. */
  readonly architecture: Architecture;
  /** checkLiveness: decoding and ONNX inference. 1769 MB is one full vCPU; the engine runs one thread. */
  readonly liveness: FunctionSize;
  /** croppedFace, transactions, health, the usage-plan authorizer: DynamoDB/S3 calls only. */
  readonly light: FunctionSize;
  /** Lambda and API Gateway log retention. */
  readonly logRetentionDays: number;
  /** TTL of transaction log records. */
  readonly transactionRetentionDays: number;
  /** S3 lifecycle expiry of cropped faces (S3 counts whole days; the API treats crops older than this as gone). */
  readonly cropExpiryDays: number;
  /** Lifetime of a signed cropped-face URL. */
  readonly cropUrlTtlSeconds: number;
  /** Default lifetime of a capture session token (POST /v1/sessions), and the checks one allows. */
  readonly sessionTtlSeconds: number;
  readonly sessionMaxChecks: number;
  /** Largest request body the functions accept (413 above). Lambda's synchronous payload cap is 6 MB after base64. */
  readonly maxBodyBytes: number;
  /** Stage-wide throttle, above the per-plan usage plans. */
  readonly stageThrottle: Throttle;
  /**
   * POST /v1/authorize (Deepvue): its credentials are in the body, which the usage-plan authorizer
   * cannot read, so no usage plan meters it before the handler; this method throttle bounds guessing.
   */
  readonly authorizeThrottle: Throttle;
  readonly alarms: AlarmThresholds;
  /** Email address subscribed to the alarm topic, if any. */
  readonly alarmEmail?: string;
  readonly customDomain?: CustomDomain;
  /** Keep the DynamoDB tables and the crops bucket when the stack is deleted. */
  readonly retainData: boolean;
}

export interface DeploymentConfig {
  /** Prefix of stack names: `${appName}-${code}`. */
  readonly appName: string;
  /** Target account; unset = resolved at deploy time from your credentials (synth needs none). */
  readonly account?: string;
  readonly regions: readonly RegionConfig[];
}

const MB = 1024 * 1024;

/** Settings every region starts from. */
export const REGION_DEFAULTS: Omit<RegionConfig, 'code' | 'awsRegion'> = {
  architecture: 'arm64',
  liveness: { memoryMb: 1769, timeoutSeconds: 15 },
  light: { memoryMb: 256, timeoutSeconds: 10 },
  logRetentionDays: 30,
  transactionRetentionDays: 90,
  cropExpiryDays: 1,
  cropUrlTtlSeconds: 300,
  sessionTtlSeconds: 300,
  sessionMaxChecks: 1,
  // 4.5 MB of image bytes is 6 MB once API Gateway base64-encodes it for Lambda.
  maxBodyBytes: Math.floor(4.5 * MB),
  stageThrottle: { rateLimit: 100, burstLimit: 200 },
  authorizeThrottle: { rateLimit: 5, burstLimit: 10 },
  alarms: { serverErrors: 5, p99LatencyMs: 3000, throttles: 1 },
  retainData: true,
};

const region = (code: RegionCode, overrides: Partial<RegionConfig> = {}): RegionConfig => ({
  ...REGION_DEFAULTS,
  code,
  awsRegion: REGION_CODES[code],
  ...overrides,
});

export const DEFAULT_DEPLOYMENT: DeploymentConfig = {
  appName: 'liveness',
  regions: [region('zaf'), region('irl'), region('ind'), region('idn'), region('sgp'), region('usa')],
};

/** What `cdk -c key=value` may override. */
export interface DeploymentOverrides {
  /** Comma-separated region codes to synthesise (default: all configured). */
  readonly regions?: string;
  readonly architecture?: string;
  readonly account?: string;
}

const isArchitecture = (value: string): value is Architecture => value === 'arm64' || value === 'x64';

/** Applies synth-time overrides, refusing unknown region codes and architectures with a clear message. */
export function resolveDeployment(base: DeploymentConfig, overrides: DeploymentOverrides = {}): DeploymentConfig {
  let regions = base.regions;
  if (overrides.regions) {
    const wanted = overrides.regions.split(',').map((code) => code.trim()).filter(Boolean);
    const unknown = wanted.filter((code) => !base.regions.some((r) => r.code === code));
    if (unknown.length > 0) {
      throw new Error(`unknown region code(s) ${unknown.join(', ')}; configured: ${base.regions.map((r) => r.code).join(', ')}`);
    }
    regions = base.regions.filter((r) => wanted.includes(r.code));
  }
  if (overrides.architecture) {
    const architecture = overrides.architecture;
    if (!isArchitecture(architecture)) throw new Error(`architecture must be arm64 or x64, not "${architecture}"`);
    regions = regions.map((r) => ({ ...r, architecture }));
  }
  const account = overrides.account ?? base.account;
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new Error(`account must be 12 digits, not "${account}"`);
  return { ...base, regions, ...(account ? { account } : {}) };
}

export const stackName = (config: DeploymentConfig, code: RegionCode): string => `${config.appName}-${code}`;
