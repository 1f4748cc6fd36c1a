import { type Figure } from '../figure.js';
import { assessabilityTable, bySourceTable, isoFiguresTable } from './faces.js';

// The calibration run judges every image at the threshold it chooses, which is the shipped default.
const COMMAND = 'npx liveness eval ../shared/train-faces --calibrate --target-apcer 0.05';

export const accuracyTrainFaces: Figure = {
  name: 'accuracy-train-faces',
  kind: 'accuracy',
  command: COMMAND,
  needs: ['train-faces'],
  produce: async (context) => isoFiguresTable((await context.calibration()).summary),
};

export const assessabilityTrainFaces: Figure = {
  name: 'assessability-train-faces',
  kind: 'accuracy',
  command: COMMAND,
  needs: ['train-faces'],
  produce: async (context) => assessabilityTable((await context.calibration()).summary),
};

export const bySourceTrainFaces: Figure = {
  name: 'by-source-train-faces',
  kind: 'accuracy',
  command: COMMAND,
  needs: ['train-faces'],
  produce: async (context) => bySourceTable((await context.calibration()).summary),
};
