import { MIN_PER_CLASS } from '../../../functions/evaluation/calibration.js';
import type { EvaluationRun } from '../../../functions/evaluation/evaluate.js';
import { type Figure, markdownTable, rate } from '../figure.js';

const COMMAND = 'npx liveness eval ../shared/train-faces --calibrate --target-apcer 0.05';

function loso(run: EvaluationRun): NonNullable<EvaluationRun['leaveOneSourceOut']> {
  if (!run.leaveOneSourceOut) throw new Error('the calibration run has no leave-one-source-out figures');
  return run.leaveOneSourceOut;
}

/** The chosen threshold and what each held-out source sees at the threshold the others choose. */
export const thresholdChoice: Figure = {
  name: 'threshold-choice',
  kind: 'accuracy',
  command: COMMAND,
  needs: ['train-faces'],
  async produce(context) {
    const run = await context.calibration();
    const l = loso(run);
    const f = l.heldOut;
    return [
      markdownTable(
        ['', 'threshold', 'APCER (balanced)', 'BPCER (balanced)'],
        [
          ['chosen on all sources', run.threshold.value, rate(l.choice.apcer), rate(l.choice.bpcer)],
          ['each source left out, at the threshold the others choose', `${f.thresholds.min} to ${f.thresholds.max}`, rate(f.apcer), rate(f.bpcer)],
        ],
      ),
      '',
      markdownTable(
        ['source left out', 'threshold the others choose', 'decided live', 'decided spoof', 'APCER', 'BPCER'],
        f.folds.map((fold) => [fold.source, fold.threshold, fold.live, fold.spoof, rate(fold.apcer), rate(fold.bpcer)]),
      ),
    ].join('\n');
  },
};

/** Threshold → balanced APCER/BPCER, and each source with enough decided images of both classes. */
export const thresholdTradeoff: Figure = {
  name: 'threshold-tradeoff',
  kind: 'accuracy',
  command: COMMAND,
  needs: ['train-faces'],
  async produce(context) {
    const l = loso(await context.calibration());
    const counted = l.heldOut.folds.filter((fold) => fold.live >= MIN_PER_CLASS && fold.spoof >= MIN_PER_CLASS).map((fold) => fold.source);
    const short = (source: string) => source.split('/')[0]!;
    return markdownTable(
      ['threshold', 'APCER (balanced)', 'BPCER (balanced)', ...counted.map((s) => `${short(s)} APCER / BPCER`)],
      l.tradeoff.map((row) => [
        row.threshold,
        rate(row.apcer),
        rate(row.bpcer),
        ...counted.map((s) => {
          const src = row.sources.find((r) => r.source === s);
          return src ? `${rate(src.apcer)} / ${rate(src.bpcer)}` : '-';
        }),
      ]),
    );
  },
};
