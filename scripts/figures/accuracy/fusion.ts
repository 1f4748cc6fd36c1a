import { leaveOneSourceOut } from '../../../functions/evaluation/calibration.js';
import { compareMethods, methodComparisonMarkdown, packMethods, rescore } from '../../../functions/evaluation/modelComparison.js';
import { DEFAULT_THRESHOLD } from '../../../functions/liveness/engine.js';
import { type FusionCalibration, type FusionDeclaration, fusionFor } from '../../../functions/liveness/fusion.js';
import type { FigureContext } from '../context.js';
import { type Figure, markdownTable, rate } from '../figure.js';

const COMMAND = 'npm run calibrate:fusion -- --pack-dir ../shared/models/silent-face (evaluation/fusion.md)';
const NEEDS = ['faces', 'train-faces', 'sequences', 'models/silent-face'] as const;

/** What calibrateFusion records beside the rule the engine reads. */
interface RecordedFusion extends FusionDeclaration {
  readonly calibration: FusionCalibration & { readonly targetApcer: number };
  readonly selection: { readonly chosen: string; readonly candidates: readonly { readonly rule: string; readonly meanHeldOutSourceAuc: number }[] };
}

/** The committed fusion of the silent-face pack (models/packs/silent-face.fusion.json). */
const declaration = (): RecordedFusion => fusionFor('silent-face') as RecordedFusion;

/** A table measured on the labelled folders with the pack given explicitly. */
const packFigure = (name: string, produce: (context: FigureContext) => Promise<string>): Figure => ({ name, kind: 'accuracy', command: COMMAND, needs: NEEDS, produce });

/** fr_liveness alone, the pack alone and their fusion, each at its calibrated default: overall, per source, per attack type. */
export const fusionComparison = packFigure('fusion-comparison', async (context) =>
  methodComparisonMarkdown(compareMethods(await context.fusionSamples(), packMethods(declaration(), DEFAULT_THRESHOLD))).trimEnd(),
);

/**
 * Each method judged on every source at the threshold the other sources choose. The fusion's rule has
 * no fitted weights (meanProbability), so its scores are already out of fold; a fitted rule would need
 * calibrateFusion's held-out scores instead.
 */
export const fusionLeaveOneSourceOut = packFigure('fusion-loso', async (context) => {
  const fusion = declaration();
  if (fusion.fusion.rule === 'logisticHead') throw new Error('fusion-loso: a fitted fusion rule needs held-out scores (scripts/calibrateFusion.ts)');
  const samples = await context.fusionSamples();
  return markdownTable(
    ['method', 'thresholds chosen without each source', 'APCER (source mean)', 'BPCER (source mean)'],
    packMethods(fusion, DEFAULT_THRESHOLD).map((method) => {
      const loso = leaveOneSourceOut(rescore(samples, method), fusion.calibration.targetApcer);
      return [method.name, `${loso.thresholds.min}..${loso.thresholds.max}`, rate(loso.apcer), rate(loso.bpcer)];
    }),
  );
});

/** How the fusion rule was chosen: the candidates' mean held-out within-source AUC, as the committed declaration records it. */
export const fusionRuleChoice: Figure = {
  name: 'fusion-rule-choice',
  kind: 'accuracy',
  command: 'npm run calibrate:fusion (its selection, in models/packs/silent-face.fusion.json)',
  needs: [],
  async produce() {
    const { selection } = declaration();
    return markdownTable(
      ['candidate', 'mean held-out within-source AUC (assessable)', ''],
      selection.candidates.map((c) => [c.rule, c.meanHeldOutSourceAuc.toFixed(4), c.rule === selection.chosen ? 'chosen' : '']),
    );
  },
};
