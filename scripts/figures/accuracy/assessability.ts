import { assessabilityReport } from '../../../functions/evaluation/assessabilityReport.js';
import type { FigureContext } from '../context.js';
import { type Figure, markdownTable } from '../figure.js';

/** Both development folders judged at the default threshold, as `scripts/calibrateAssessability.ts` judges them. */
export async function cropScaleReport(context: FigureContext): Promise<ReturnType<typeof assessabilityReport>> {
  const faces = await context.evaluation('faces');
  const train = await context.calibration();
  return assessabilityReport([...faces.samples, ...train.samples], faces.threshold.value);
}

/** Why the minimum crop scale is what it is: utility per candidate and what each left-out source chooses. */
export const assessabilityUtility: Figure = {
  name: 'assessability-utility',
  kind: 'accuracy',
  command: 'npx tsx scripts/calibrateAssessability.ts',
  needs: ['faces', 'train-faces'],
  async produce(context) {
    const { choice } = await cropScaleReport(context);
    const folds = Object.entries(choice.leaveOneSourceOut)
      .sort(([, a], [, b]) => b - a)
      .map(([scale, n]) => `${scale}: ${n}`)
      .join(', ');
    return markdownTable(
      ['minimum crop scale', 'utility (source-balanced)', ''],
      choice.utility.map((u) => [
        u.minCropScale.toFixed(1),
        u.utility.toFixed(4),
        u.minCropScale === choice.minCropScale ? `**chosen**; leave-one-source-out folds choose ${folds}` : '',
      ]),
    );
  },
};
