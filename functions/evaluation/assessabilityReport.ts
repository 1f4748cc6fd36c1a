import { type CropScaleChoice, chooseMinCropScale } from './calibration.js';
import { reassess, type SampleResult } from './runner.js';

/** The minimum-crop-scale choice on judged images, and the text `scripts/calibrateAssessability.ts` prints (evaluation/assessability.txt). */
export function assessabilityReport(samples: readonly SampleResult[], threshold: number): { readonly choice: CropScaleChoice; readonly text: string } {
  const choice = chooseMinCropScale(samples, threshold);
  const lines = [
    `${samples.length} images from ${new Set(samples.map((s) => s.group)).size} sources, threshold ${threshold}`,
    `utility per presentation (source-balanced; correct +1, wrong verdict -${choice.wrongVerdictCost}, no verdict 0):`,
    ...choice.utility.map((u) => `  minCropScale ${u.minCropScale.toFixed(1)}: ${u.utility.toFixed(4)}`),
    `chosen: ${choice.minCropScale}; leave-one-source-out choices: ${JSON.stringify(choice.leaveOneSourceOut)}`,
    'share not assessable per source (scored images):',
  ];
  const judged = reassess(samples, choice.minCropScale);
  for (const source of [...new Set(judged.map((s) => s.group))].sort()) {
    const mine = judged.filter((s) => s.group === source && s.score !== null);
    const out = mine.filter((s) => s.assessable === false).length;
    lines.push(`  ${source}: ${out} of ${mine.length} (${((100 * out) / Math.max(1, mine.length)).toFixed(0)}%)`);
  }
  return { choice, text: `${lines.join('\n')}\n` };
}
