/**
 * Chooses the minimum crop scale under which the liveness model is not asked for a verdict
 * (models/manifest.json fr_liveness.calibration.assessability), by source-grouped validation on
 * ../shared/faces and ../shared/train-faces: `npx tsx scripts/calibrateAssessability.ts [dir...]`.
 * Prints the utility per candidate, the leave-one-source-out choices and the share judged not
 * assessable per source. Never runs on the request path.
 */
import { resolve } from 'node:path';
import { chooseMinCropScale } from '../functions/evaluation/calibration.js';
import { readLabelledSet } from '../functions/evaluation/dataset.js';
import { reassess, runEvaluation, type SampleResult } from '../functions/evaluation/runner.js';
import { LivenessEngine } from '../functions/liveness/engine.js';

const root = resolve(import.meta.dirname, '..');
const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['../shared/faces', '../shared/train-faces'].map((d) => resolve(root, d));
const engine = new LivenessEngine();
const samples: SampleResult[] = [];
for (const dir of dirs) samples.push(...(await runEvaluation(engine, (await readLabelledSet(dir)).images, { threshold: engine.config.threshold })));
const choice = chooseMinCropScale(samples, engine.config.threshold);
console.log(`${samples.length} images from ${new Set(samples.map((s) => s.group)).size} sources, threshold ${engine.config.threshold}`);
console.log(`utility per presentation (source-balanced; correct +1, wrong verdict -${choice.wrongVerdictCost}, no verdict 0):`);
for (const u of choice.utility) console.log(`  minCropScale ${u.minCropScale.toFixed(1)}: ${u.utility.toFixed(4)}`);
console.log(`chosen: ${choice.minCropScale}; leave-one-source-out choices: ${JSON.stringify(choice.leaveOneSourceOut)}`);
const judged = reassess(samples, choice.minCropScale);
console.log('share not assessable per source (scored images):');
for (const source of [...new Set(judged.map((s) => s.group))].sort()) {
  const mine = judged.filter((s) => s.group === source && s.score !== null);
  const out = mine.filter((s) => s.assessable === false).length;
  console.log(`  ${source}: ${out} of ${mine.length} (${((100 * out) / Math.max(1, mine.length)).toFixed(0)}%)`);
}
