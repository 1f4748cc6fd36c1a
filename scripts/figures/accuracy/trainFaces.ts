import type { EvaluationSummary } from '../../../functions/evaluation/summary.js';
import type { Figure } from '../figure.js';
import { assessabilityTable, bySourceTable, isoFiguresTable } from './faces.js';

/** A table of the calibration run, which judges every image at the threshold it chooses: the shipped default. */
const trainFacesFigure = (name: string, table: (s: EvaluationSummary) => string): Figure => ({
  name,
  kind: 'accuracy',
  command: 'npx liveness eval ../shared/train-faces --calibrate --target-apcer 0.05',
  needs: ['train-faces'],
  produce: async (context) => table((await context.calibration()).summary),
});

export const accuracyTrainFaces = trainFacesFigure('accuracy-train-faces', isoFiguresTable);
export const assessabilityTrainFaces = trainFacesFigure('assessability-train-faces', assessabilityTable);
export const bySourceTrainFaces = trainFacesFigure('by-source-train-faces', bySourceTable);
