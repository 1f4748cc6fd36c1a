import { assessabilityUtility } from './accuracy/assessability.js';
import { accuracyFaces, assessabilityFaces, bySourceFaces } from './accuracy/faces.js';
import { fusionComparison, fusionLeaveOneSourceOut, fusionRuleChoice } from './accuracy/fusion.js';
import { accuracyHeadline } from './accuracy/headline.js';
import { mergedVsFaster, mergedVsFasterSilentFace } from './accuracy/mergedHead.js';
import { qualityStatusFaces } from './accuracy/qualityStatus.js';
import { sequencesComparison } from './accuracy/sequences.js';
import { thresholdChoice, thresholdTradeoff } from './accuracy/threshold.js';
import { accuracyTrainFaces, assessabilityTrainFaces, bySourceTrainFaces } from './accuracy/trainFaces.js';
import type { Figure } from './figure.js';
import { captureComponentSize } from './size/captureComponent.js';
import { benchPack, benchStages } from './speed/bench.js';
import { benchCli } from './speed/benchCli.js';
import { benchCold } from './speed/benchCold.js';
import { benchHttpOneProcess, benchHttpWorkers } from './speed/benchHttp.js';
import { benchMemory } from './speed/benchMemory.js';

/**
 * Every generated table of the docs, by marker name. To add one, write a module exporting a Figure
 * (see accuracy/ and speed/), list it here, and put its markers on a page: `npm run docs:figures` fills them.
 */
export const FIGURES: readonly Figure[] = [
  accuracyHeadline,
  accuracyFaces,
  assessabilityFaces,
  bySourceFaces,
  accuracyTrainFaces,
  assessabilityTrainFaces,
  bySourceTrainFaces,
  thresholdChoice,
  thresholdTradeoff,
  sequencesComparison,
  mergedVsFaster,
  mergedVsFasterSilentFace,
  assessabilityUtility,
  qualityStatusFaces,
  fusionRuleChoice,
  fusionComparison,
  fusionLeaveOneSourceOut,
  captureComponentSize,
  benchStages,
  benchPack,
  benchCli,
  benchHttpOneProcess,
  benchHttpWorkers,
  benchCold,
  benchMemory,
];

export const figureNamed = (name: string): Figure | undefined => FIGURES.find((f) => f.name === name);
