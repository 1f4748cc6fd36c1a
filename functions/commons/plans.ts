/**
 * The one typed plans config. DynamoDB enforces requestsPerMinute and monthlyQuota exactly; the CDK
 * stack turns each plan into an API Gateway usage plan (throttle rate/burst, monthly quota) as a
 * first, coarse line of defence.
 */

/** What a plan may use. A request asking for a feature outside its plan gets 403. */
export type Feature =
  | 'checkLiveness'
  | 'qualityChecks'
  | 'faceAttributes'
  | 'croppedFace'
  | 'transactionLog';

export const FEATURES: readonly Feature[] = [
  'checkLiveness',
  'qualityChecks',
  'faceAttributes',
  'croppedFace',
  'transactionLog',
];

export interface Plan {
  /** Exact limit per app per calendar minute (UTC), enforced in DynamoDB. */
  readonly requestsPerMinute: number;
  /** API Gateway burst (token bucket size) for the usage plan. */
  readonly burst: number;
  /** Exact limit per app per calendar month (UTC), enforced in DynamoDB. */
  readonly monthlyQuota: number;
  /** Exact limit of POST /v1/sessions per app per calendar minute (UTC), counted apart from checks. */
  readonly sessionsPerMinute: number;
  readonly features: readonly Feature[];
  /** Name of the decision rules document applied to this plan's apps (functions/liveness/rules). */
  readonly rules: string;
  readonly description: string;
}

export const PLANS = {
  sandbox: {
    requestsPerMinute: 5,
    burst: 5,
    monthlyQuota: 1_000,
    sessionsPerMinute: 5,
    features: ['checkLiveness', 'transactionLog'],
    rules: 'default',
    description: 'trials and integration tests: liveness only, tight limits',
  },
  standard: {
    requestsPerMinute: 60,
    burst: 20,
    monthlyQuota: 50_000,
    sessionsPerMinute: 60,
    features: ['checkLiveness', 'qualityChecks', 'faceAttributes', 'croppedFace', 'transactionLog'],
    rules: 'default',
    description: 'production: every feature, moderate limits',
  },
  enterprise: {
    requestsPerMinute: 600,
    burst: 200,
    monthlyQuota: 2_000_000,
    sessionsPerMinute: 600,
    features: ['checkLiveness', 'qualityChecks', 'faceAttributes', 'croppedFace', 'transactionLog'],
    rules: 'default',
    description: 'high volume: every feature, high limits',
  },
} as const satisfies Record<string, Plan>;

export type PlanName = keyof typeof PLANS;

export const PLAN_NAMES = Object.keys(PLANS) as PlanName[];

/** Plan given to apps created without one (and to the local dev app). */
export const DEFAULT_PLAN: PlanName = 'standard';

export const isPlanName = (name: string): name is PlanName => Object.hasOwn(PLANS, name);

export function planOf(name: string): Plan {
  if (!isPlanName(name)) throw new Error(`unknown plan "${name}"; known: ${PLAN_NAMES.join(', ')}`);
  return PLANS[name];
}
