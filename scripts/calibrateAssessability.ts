/**
 * Chooses the minimum crop scale under which the liveness model is not asked for a verdict
 * (models/manifest.json fr_liveness.calibration.assessability), by source-grouped validation on
 * ../shared/faces and ../shared/train-faces: `npx tsx scripts/calibrateAssessability.ts [dir...]`.
 * Prints the utility per candidate, the leave-one-source-out choices and the share judged not
 * assessable per source. Never runs on the request path.
 */
import { resolve } from 'node:path';
import { assessabilityReport } from '../functions/evaluation/assessabilityReport.js';
import { readLabelledSet } from '../functions/evaluation/dataset.js';
import { runEvaluation, type SampleResult } from '../functions/evaluation/runner.js';
import { LivenessEngine } from '../functions/liveness/engine.js';

const root = resolve(import.meta.dirname, '..');
const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['../shared/faces', '../shared/train-faces'].map((d) => resolve(root, d));
const engine = new LivenessEngine();
const samples: SampleResult[] = [];
for (const dir of dirs) samples.push(...(await runEvaluation(engine, (await readLabelledSet(dir)).images, { threshold: engine.config.threshold })));
process.stdout.write(assessabilityReport(samples, engine.config.threshold).text);
