/**
 * The API's one door to the decision rules (functions/liveness/rules): `result.summary` for an
 * assessment, from the rules document of the app's plan, and for error bodies.
 */
import type { LivenessAssessment } from '../liveness/engine.js';
import { type ApiErrorReason, errorSummary, resolveRules, type Summary, summarize } from '../liveness/rules/index.js';

export type { Summary };
export type ErrorReason = ApiErrorReason;

export const errorSummaryFor = (reason: ErrorReason): Summary => errorSummary(reason);

/** The summary under a named rules document (plans name theirs; unknown names are a configuration error). */
export const summaryFor = (assessment: LivenessAssessment, rulesName: string): Summary =>
  summarize(assessment, resolveRules({ plan: rulesName }));
