/**
 * The API's one door to the decision rules (functions/liveness/rules): `result.summary` for an
 * assessment, from the rules document of the app's plan, and for error bodies.
 */
import type { LivenessAssessment } from '../liveness/engine.js';
import { type ApiErrorReason, errorSummary, resolveRules, type RulesDocument, type Summary, summarize } from '../liveness/rules/index.js';

export type { Summary };
export type ErrorReason = ApiErrorReason;

export const errorSummaryFor = (reason: ErrorReason): Summary => errorSummary(reason);

/** The rules document that decides: a named one, or the app's own else its plan's (unknown names are a configuration error). */
export const rulesFor = (rules: string | { app?: string; plan: string }): RulesDocument =>
  resolveRules(typeof rules === 'string' ? { plan: rules } : { app: rules.app, plan: rules.plan });

/** The summary under a named rules document, or under the app's own document else its plan's. */
export const summaryFor = (assessment: LivenessAssessment, rules: string | { app?: string; plan: string } | RulesDocument): Summary =>
  summarize(assessment, typeof rules === 'object' && 'version' in rules ? rules : rulesFor(rules));
