import type { EvaluationSummary } from '../../../functions/evaluation/summary.js';
import { type Figure, markdownTable, ofTotal, rate, ratio } from '../figure.js';
import { decidedErrors } from './headline.js';

/** Every ISO/IEC 30107-3 figure of one set at one threshold, as `liveness eval` prints them. */
export function isoFiguresTable(s: EvaluationSummary): string {
  const at = s.atThreshold;
  const nr = s.nonResponse;
  const e2e = s.endToEnd;
  const { accepted, rejected } = decidedErrors(s);
  const worst = s.perAttackType.find((t) => t.attackType === at.worstAttackType);
  const liveCount = s.counts.live;
  const spoofCount = s.counts.spoof;
  return markdownTable(
    ['figure', `threshold ${s.threshold}`],
    [
      ['APCER, worst attack type', worst ? `${rate(at.apcer)} (${worst.attackType}, ${ofTotal(worst.accepted, worst.count - worst.noResponse)} decided)` : rate(at.apcer)],
      ['APCER pooled', `${rate(at.apcerPooled)} (${ofTotal(accepted, at.attacks)} decided)`],
      ['BPCER', `${rate(at.bpcer)} (${ofTotal(rejected, at.bonaFide)} decided)`],
      ['ACER, ACER pooled', `${rate(at.acer)}, ${rate(at.acerPooled)}`],
      ['APNRR / BPNRR (no verdict)', `${rate(nr.apnrr)} (${ofTotal(nr.attacks.noResponse, nr.attacks.count)}) / ${rate(nr.bpnrr)} (${ofTotal(nr.bonaFide.noResponse, nr.bonaFide.count)})`],
      ['ROC AUC, EER (decided)', `${ratio(s.auc)}, ${rate(s.eer.eer)}`],
      ['attacks that got `pass`', e2e ? `${rate(e2e.attacksPassed)} (${ofTotal(Math.round(e2e.attacksPassed * spoofCount), spoofCount)})` : '-'],
      ['genuine people who got `pass` first time', e2e ? `${rate(e2e.genuinePassedFirstTime)} (${ofTotal(Math.round(e2e.genuinePassedFirstTime * liveCount), liveCount)})` : '-'],
    ],
  );
}

/** Which presentations the model judges, and how well it ranks those it does not (its raw score). */
export function assessabilityTable(s: EvaluationSummary): string {
  const { assessable, notAssessable } = s.byAssessability;
  const noFace = s.unusable.noFace;
  const reasons = Object.entries(s.nonResponse.byReason)
    .filter(([reason]) => reason.startsWith('not assessable: '))
    .map(([reason, n]) => [`&nbsp;&nbsp;of which ${reason.slice('not assessable: '.length)}`, n.live, n.spoof, '']);
  return markdownTable(
    ['', 'live', 'spoof', 'AUC'],
    [
      ['assessable: the model judges them', assessable.live, assessable.spoof, ratio(assessable.auc)],
      ['not assessable: no verdict, a retake', notAssessable.live, notAssessable.spoof, `${ratio(notAssessable.scored.auc)} (raw score)`],
      ...reasons,
      ...(noFace.live + noFace.spoof > 0 ? [['no usable face', noFace.live, noFace.spoof, '-']] : []),
    ],
  );
}

/** Per source: the same figures, so no big source hides a small one. */
export function bySourceTable(s: EvaluationSummary): string {
  return markdownTable(
    ['source', 'live', 'spoof', 'BPNRR', 'APNRR', 'BPCER', 'APCER', 'AUC', 'genuine pass', 'attacks pass', 'AUC all (raw)'],
    s.bySource.map((p) => [
      p.name,
      p.live,
      p.spoof,
      rate(p.nonResponse.bpnrr),
      rate(p.nonResponse.apnrr),
      rate(p.bpcer),
      rate(p.apcerPooled),
      ratio(p.auc),
      p.endToEnd ? rate(p.endToEnd.genuinePassedFirstTime) : '-',
      p.endToEnd ? rate(p.endToEnd.attacksPassed) : '-',
      ratio(p.scored.auc),
    ]),
  );
}

/** A table of `liveness eval ../shared/faces` at the default threshold. */
const facesFigure = (name: string, table: (s: EvaluationSummary) => string): Figure => ({
  name,
  kind: 'accuracy',
  command: 'npx liveness eval ../shared/faces',
  needs: ['faces'],
  produce: async (context) => table((await context.evaluation('faces')).summary),
});

export const accuracyFaces = facesFigure('accuracy-faces', isoFiguresTable);
export const assessabilityFaces = facesFigure('assessability-faces', assessabilityTable);
export const bySourceFaces = facesFigure('by-source-faces', bySourceTable);
