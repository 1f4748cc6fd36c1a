/**
 * Records evaluation/baseline.json: accuracy on ../shared/faces at the engine's default threshold.
 * CI (test/evaluation/regression.test.ts) fails when ACER gets worse than this beyond its tolerance.
 * Run it only on purpose, and say why in the commit: `npm run eval:baseline [-- <dir>]`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { baselineFrom } from '../functions/evaluation/baseline.js';
import { readLabelledSet } from '../functions/evaluation/dataset.js';
import { evaluateSet } from '../functions/evaluation/evaluate.js';
import { formatRun } from '../functions/evaluation/format.js';

const root = resolve(import.meta.dirname, '..');
const dir = process.argv[2] ?? resolve(root, '../shared/faces');
const run = await evaluateSet(await readLabelledSet(dir));
const baseline = baselineFrom(run, '../shared/faces (MANIFEST.tsv, live and spoof rows)', new Date().toISOString().slice(0, 10));
const out = resolve(root, 'evaluation/baseline.json');
writeFileSync(out, `${JSON.stringify(baseline, null, 2)}\n`);
console.log(formatRun(run));
console.log(`\nwrote ${out}: ACER ${baseline.acer}, ACER pooled ${baseline.acerPooled}, AUC ${baseline.auc} at threshold ${baseline.threshold}`);
