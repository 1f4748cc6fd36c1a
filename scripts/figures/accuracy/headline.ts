import type { EvaluationSummary } from '../../../functions/evaluation/summary.js';
import { type Figure, markdownTable, ofTotal, rate, ratio } from '../figure.js';

/** Attacks accepted and genuine presentations rejected, counted on decided presentations. */
export function decidedErrors(s: EvaluationSummary): { accepted: number; rejected: number } {
  return {
    accepted: s.perAttackType.reduce((n, t) => n + t.accepted, 0),
    rejected: Math.round(s.atThreshold.bpcer * s.atThreshold.bonaFide),
  };
}

/** The few figures the README quotes: what a product owner reads first. */
export const accuracyHeadline: Figure = {
  name: 'accuracy-headline',
  kind: 'accuracy',
  command: 'npx liveness eval ../shared/faces',
  needs: ['faces'],
  async produce(context) {
    const run = await context.evaluation('faces');
    const s = run.summary;
    const { accepted, rejected } = decidedErrors(s);
    const nr = s.nonResponse;
    return markdownTable(
      [`\`../shared/faces\`, threshold ${s.threshold}`, 'figure'],
      [
        ['decided (a face the model can judge): live, spoof', `${s.atThreshold.bonaFide}, ${s.atThreshold.attacks}`],
        ['attacks accepted (APCER pooled, decided)', `${rate(s.atThreshold.apcerPooled)} (${ofTotal(accepted, s.atThreshold.attacks)})`],
        ['genuine people rejected (BPCER, decided)', `${rate(s.atThreshold.bpcer)} (${ofTotal(rejected, s.atThreshold.bonaFide)})`],
        ['ROC AUC (decided)', ratio(s.auc)],
        ['no verdict, asked to retake: live (BPNRR), attacks (APNRR)', `${rate(nr.bpnrr)}, ${rate(nr.apnrr)}`],
        ['end to end: attacks that got `pass`', `${rate(s.endToEnd?.attacksPassed ?? Number.NaN)}`],
        ['end to end: genuine people who got `pass` first time', `${rate(s.endToEnd?.genuinePassedFirstTime ?? Number.NaN)}`],
      ],
    );
  },
};
