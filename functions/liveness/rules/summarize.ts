import type { LivenessDecision } from '../types.js';
import type { QualityCheckResults, QualityStatus } from '../quality/types.js';
import { type ApiErrorReason, type ReasonDetail, reasonDetail } from './reasonCodes.js';
import { type LivenessBand, type Rule, type RuleCondition, type RulesDocument, SUMMARY_ACTIONS, type SummaryAction } from './rulesDocument.js';

/** `result.summary` of the API (HyperVerge shape). */
export interface Summary {
  readonly action: SummaryAction;
  readonly details: readonly ReasonDetail[];
}

/** What the rules look at; a LivenessAssessment has all of it. */
export interface SummaryInput {
  readonly decision: Pick<LivenessDecision, 'value' | 'confidence' | 'score'>;
  readonly faces: readonly unknown[];
  readonly quality?: {
    readonly status: QualityStatus;
    /** Every failing status found, the reported `status` first. */
    readonly failures?: readonly QualityStatus[];
    readonly checks: QualityCheckResults;
  };
  /** Absent means assessable (a caller from before assessability existed). */
  readonly assessability?: { readonly assessable: boolean; readonly cause: 'framing' | 'exposure' | null };
}

export function livenessBand(decision: SummaryInput['decision']): LivenessBand {
  if (decision.value === 'yes') return decision.confidence === 'low' ? 'borderlineLive' : 'live';
  return decision.confidence === 'low' ? 'borderlineSpoof' : 'spoof';
}

/** Whether one rule's condition holds for an assessment. */
export function conditionHolds(when: RuleCondition, input: SummaryInput): boolean {
  const assessable = input.assessability?.assessable ?? true;
  // The score of a presentation the model cannot judge is no verdict: liveness conditions do not apply to it.
  if ('liveness' in when) return assessable && livenessBand(input.decision) === when.liveness;
  if ('scoreBelow' in when) return assessable && input.decision.score < when.scoreBelow;
  if ('assessable' in when) return assessable === when.assessable;
  if ('notAssessable' in when) return !assessable && input.assessability?.cause === when.notAssessable;
  if ('qualityStatus' in when) {
    const failures = input.quality?.failures ?? (input.quality ? [input.quality.status] : []);
    return failures.includes(when.qualityStatus);
  }
  if ('qualityCheck' in when) {
    const result = input.quality?.checks[when.qualityCheck];
    return result?.value === 'yes';
  }
  return input.faces.length > 1;
}

const severity = (action: SummaryAction) => SUMMARY_ACTIONS.indexOf(action);

const detailOf = (rule: Rule): ReasonDetail => {
  const { code, message } = reasonDetail(rule.reason);
  return { code, message: rule.message ?? message };
};

/**
 * The action for an assessment under a rules document: the most severe action among the rules
 * that fire (fail > manualReview > pass), else the document's default. Details list each firing
 * non-pass rule once per code, in document order; a pass carries no details. A presentation that
 * is not assessable is never passed: it goes to manualReview with its retake reason at least.
 */
export function summarize(input: SummaryInput, rules: RulesDocument): Summary {
  const fired = rules.rules.filter((rule) => conditionHolds(rule.when, input));
  const action = fired.reduce<SummaryAction>(
    (worst, rule) => (severity(rule.action) > severity(worst) ? rule.action : worst),
    fired.length > 0 ? 'pass' : rules.defaultAction,
  );
  const assessability = input.assessability;
  if (action === 'pass' && assessability && !assessability.assessable) {
    // Whatever a document says, a face the model could not judge never passes: it is retaken.
    return { action: 'manualReview', details: [reasonDetail(assessability.cause === 'exposure' ? 'RETAKE_EXPOSURE' : 'RETAKE_FRAMING')] };
  }
  if (action === 'pass') return { action, details: [] };
  const details: ReasonDetail[] = [];
  for (const rule of fired) {
    if (rule.action === 'pass' || details.some((d) => d.code === reasonDetail(rule.reason).code)) continue;
    details.push(detailOf(rule));
  }
  return { action, details };
}

/** The summary for a request that could not be assessed (error bodies): server errors go to review. */
export function errorSummary(reason: ApiErrorReason): Summary {
  return { action: reason === 'SERVER_ERROR' ? 'manualReview' : 'fail', details: [reasonDetail(reason)] };
}
