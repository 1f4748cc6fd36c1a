import { isQualityCheckName, QUALITY_STATUSES, type QualityCheckName, type QualityStatus } from '../quality/types.js';
import { REASON_CODES, type ReasonName } from './reasonCodes.js';

/** What the caller should do with the selfie, most severe last. */
export const SUMMARY_ACTIONS = ['pass', 'manualReview', 'fail'] as const;
export type SummaryAction = (typeof SUMMARY_ACTIONS)[number];

/** Where the liveness score falls: spoof/live with high confidence, or near the threshold (borderline). */
export type LivenessBand = 'live' | 'spoof' | 'borderlineLive' | 'borderlineSpoof';

/** One condition on the assessment; a rule fires when its condition holds. */
export type RuleCondition =
  | { readonly liveness: LivenessBand }
  /** Score strictly below a value, whatever the threshold (a hard floor). */
  | { readonly scoreBelow: number }
  /** The quality status, or any other failing status found, equals this one. */
  | { readonly qualityStatus: Exclude<QualityStatus, 'VALID_IMAGE'> }
  /** A requested quality check answered yes. */
  | { readonly qualityCheck: QualityCheckName }
  /** More than one face was detected (whatever checks were requested). */
  | { readonly multipleFaces: true }
  /** The model could (true) or could not (false) judge the face: not assessable gets no liveness verdict. */
  | { readonly assessable: boolean }
  /** Not assessable for this cause: framing (the context around the face is missing) or exposure. */
  | { readonly notAssessable: 'framing' | 'exposure' };

export interface Rule {
  readonly when: RuleCondition;
  readonly action: SummaryAction;
  /** Name in the reason-code table; its code is what callers see and is never renumbered. */
  readonly reason: ReasonName;
  /** Overrides the table's message (e.g. to localise it); the code stays. */
  readonly message?: string;
}

/** A versioned rules document: how an assessment becomes pass / fail / manualReview. */
export interface RulesDocument {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Action when no rule fires. */
  readonly defaultAction: SummaryAction;
  readonly rules: readonly Rule[];
}

export class RulesDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulesDocumentError';
  }
}

const LIVENESS_BANDS: readonly string[] = ['live', 'spoof', 'borderlineLive', 'borderlineSpoof'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAction = (v: unknown): v is SummaryAction => (SUMMARY_ACTIONS as readonly unknown[]).includes(v);

function parseCondition(when: unknown, where: string): RuleCondition {
  if (!isObject(when) || Object.keys(when).length !== 1) {
    throw new RulesDocumentError(`${where}.when must be an object with exactly one condition`);
  }
  const [key, value] = Object.entries(when)[0]!;
  switch (key) {
    case 'liveness':
      if (typeof value === 'string' && LIVENESS_BANDS.includes(value)) return { liveness: value as LivenessBand };
      break;
    case 'scoreBelow':
      if (typeof value === 'number' && value >= 0 && value <= 1) return { scoreBelow: value };
      break;
    case 'qualityStatus':
      if (typeof value === 'string' && value !== 'VALID_IMAGE' && (QUALITY_STATUSES as readonly string[]).includes(value)) {
        return { qualityStatus: value as Exclude<QualityStatus, 'VALID_IMAGE'> };
      }
      break;
    case 'qualityCheck':
      if (typeof value === 'string' && isQualityCheckName(value)) return { qualityCheck: value };
      break;
    case 'multipleFaces':
      if (value === true) return { multipleFaces: true };
      break;
    case 'assessable':
      if (typeof value === 'boolean') return { assessable: value };
      break;
    case 'notAssessable':
      if (value === 'framing' || value === 'exposure') return { notAssessable: value };
      break;
    default:
      throw new RulesDocumentError(`${where}.when has an unknown condition "${key}"`);
  }
  throw new RulesDocumentError(`${where}.when.${key} has an invalid value ${JSON.stringify(value)}`);
}

/** Validates untrusted JSON into a rules document; throws RulesDocumentError naming the bad field. */
export function parseRulesDocument(input: unknown): RulesDocument {
  if (!isObject(input)) throw new RulesDocumentError('a rules document must be a JSON object');
  const { name, version, description, defaultAction, rules } = input;
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
    throw new RulesDocumentError('name must be 1-64 letters, digits, dot, dash or underscore');
  }
  if (typeof version !== 'string' || version.length === 0) throw new RulesDocumentError('version must be a non-empty string');
  if (description !== undefined && typeof description !== 'string') throw new RulesDocumentError('description must be a string');
  if (!isAction(defaultAction)) throw new RulesDocumentError(`defaultAction must be one of ${SUMMARY_ACTIONS.join(', ')}`);
  if (!Array.isArray(rules)) throw new RulesDocumentError('rules must be an array');
  const parsed = rules.map((rule: unknown, i): Rule => {
    const where = `rules[${i}]`;
    if (!isObject(rule)) throw new RulesDocumentError(`${where} must be an object`);
    if (!isAction(rule.action)) throw new RulesDocumentError(`${where}.action must be one of ${SUMMARY_ACTIONS.join(', ')}`);
    if (typeof rule.reason !== 'string' || !(rule.reason in REASON_CODES)) {
      throw new RulesDocumentError(`${where}.reason must name a reason code (see REASON_CODES)`);
    }
    if (rule.message !== undefined && typeof rule.message !== 'string') throw new RulesDocumentError(`${where}.message must be a string`);
    return {
      when: parseCondition(rule.when, where),
      action: rule.action,
      reason: rule.reason as ReasonName,
      ...(rule.message !== undefined ? { message: rule.message } : {}),
    };
  });
  return {
    name,
    version,
    ...(description !== undefined ? { description } : {}),
    defaultAction,
    rules: parsed,
  };
}
