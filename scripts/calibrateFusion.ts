/**
 * Chooses how fr_liveness and a model pack's models are fused, and the default threshold of the
 * fused score, by leave-one-SOURCE-out validation on labelled folders; writes the result with its
 * provenance (models/packs/<pack>.fusion.json) and the comparison tables (evaluation/fusion.md).
 *   npx tsx scripts/calibrateFusion.ts [--pack-dir DIR] [dir...]
 * Default folders: ../shared/faces ../shared/train-faces ../shared/sequences (every frame); the pack
 * from models/packs/silent-face, else ../shared/models/silent-face. Per-image model scores are cached
 * in out/training/fusion-samples.json, so reruns do not run the models. Never runs on the request path.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { chooseBalancedThreshold, leaveOneSourceOut } from '../functions/evaluation/calibration.js';
import { rocAuc } from '../functions/evaluation/metrics.js';
import { compareMethods, type LivenessMethod, methodComparisonMarkdown, packMethods, rescore, ruleMethod } from '../functions/evaluation/modelComparison.js';
import { fusionSamples } from '../functions/evaluation/fusionSamples.js';
import type { SampleResult } from '../functions/evaluation/runner.js';
import { isDecided } from '../functions/evaluation/summary.js';
import { DEFAULT_THRESHOLD, LivenessEngine } from '../functions/liveness/engine.js';
import type { FusionDeclaration, FusionRule } from '../functions/liveness/fusion.js';
import { ModelRegistry, modelVersion } from '../functions/liveness/modelRegistry.js';
import { packDeclaration, packDir } from '../functions/liveness/packs.js';
import { logOdds } from '../functions/liveness/stages/score.js';
import { fitLogistic, sourceBalancedWeights } from '../functions/training/logistic.js';

const PACK = 'silent-face';
const TARGET_APCER = 0.05;
const LAMBDA = 0.01;
/** Candidates within this mean held-out AUC of the best count as tied; the simplest of them wins. */
const TIE = 0.005;
const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const packFlag = args.indexOf('--pack-dir');
const packDirGiven = packFlag >= 0 ? resolve(args[packFlag + 1]!) : undefined;
const dirs = args.filter((_, i) => i !== packFlag && i !== packFlag + 1);
const folders = dirs.length > 0 ? dirs.map((d) => resolve(d)) : ['faces', 'train-faces', 'sequences'].map((d) => resolve(root, '../shared', d));
const installed = packDir(join(root, 'models'), PACK);
const modelsDir = packDirGiven ?? (existsSync(join(installed, 'MiniFASNetV2.onnx')) ? installed : resolve(root, '../shared/models/silent-face'));

const pack = packDeclaration(PACK)!;
const engine = new LivenessEngine(new ModelRegistry({ packs: [{ name: PACK, dir: modelsDir }] }));
const allModels = ['fr_liveness', ...pack.models.map((m) => m.id)];
const packModels = pack.models.map((m) => m.id);

/** A candidate fusion: fitted (or not) on some samples, giving a rule. */
interface Candidate {
  readonly name: FusionRule['rule'];
  /** Simpler first: ties go to the earlier. */
  readonly fit: (train: readonly SampleResult[]) => FusionRule;
}

const rows = (samples: readonly SampleResult[], models: readonly string[]) => samples.map((s) => models.map((id) => logOdds(s.modelScores![id]!)));

/** A source-balanced logistic head on the models' log-odds, its weights brought back to raw log-odds. */
function fitHead(train: readonly SampleResult[], models: readonly string[]): FusionRule {
  const fitted = fitLogistic(rows(train, models), train.map((s) => (s.label === 'live' ? 1 : 0)), sourceBalancedWeights(train), LAMBDA);
  const weights = fitted.weights.map((w, j) => w / fitted.scale[j]!);
  const bias = fitted.bias - fitted.weights.reduce((a, w, j) => a + (w * fitted.mean[j]!) / fitted.scale[j]!, 0);
  return { rule: 'logisticHead', models, weights: weights.map((w) => Number(w.toFixed(6))), bias: Number(bias.toFixed(6)) };
}

const candidates: Candidate[] = [
  { name: 'meanProbability', fit: () => ({ rule: 'meanProbability', models: allModels }) },
  { name: 'meanLogOdds', fit: () => ({ rule: 'meanLogOdds', models: allModels }) },
  { name: 'logisticHead', fit: (train) => fitHead(train, allModels) },
];

const sourcesOf = (samples: readonly SampleResult[]) => [...new Set(samples.map((s) => s.group))].sort((a, b) => a.localeCompare(b));
const hasBoth = (samples: readonly SampleResult[]) => samples.some((s) => s.label === 'live') && samples.some((s) => s.label === 'spoof');
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** Each source's samples scored by the rule fitted without that source (out-of-fold scores). */
function heldOutScores(samples: readonly SampleResult[], candidate: Candidate): SampleResult[] {
  const train = samples.filter(isDecided);
  return sourcesOf(samples).flatMap((source) => {
    const rule = candidate.fit(train.filter((s) => s.group !== source));
    return rescore(samples.filter((s) => s.group === source), ruleMethod(candidate.name, rule, 0.5));
  });
}

/** Mean over held-out sources (with both classes among their assessable images) of the within-source AUC. */
function meanHeldOutAuc(outOfFold: readonly SampleResult[]): { mean: number; perSource: Record<string, number> } {
  const decided = outOfFold.filter(isDecided);
  const perSource: Record<string, number> = {};
  for (const source of sourcesOf(decided)) {
    const mine = decided.filter((s) => s.group === source);
    if (!hasBoth(mine)) continue;
    perSource[source] = rocAuc(mine.filter((s) => s.label === 'live').map((s) => s.score!), mine.filter((s) => s.label === 'spoof').map((s) => s.score!));
  }
  return { mean: mean(Object.values(perSource)), perSource };
}

const round = (v: number, d = 4) => Number(v.toFixed(d));

/** The lowest threshold whose source-mean APCER <= target on assessable images, and how it does on each held-out source. */
function calibrate(samples: readonly SampleResult[], outOfFold: readonly SampleResult[]) {
  const choice = chooseBalancedThreshold(samples, TARGET_APCER);
  const loso = leaveOneSourceOut(outOfFold, TARGET_APCER);
  return {
    threshold: choice.threshold,
    borderline: 0.15,
    targetApcer: TARGET_APCER,
    chosenThere: { sourceMeanApcer: round(choice.apcer), sourceMeanBpcer: round(choice.bpcer) },
    leaveOneSourceOut: {
      sourceMeanApcer: round(loso.apcer),
      sourceMeanBpcer: round(loso.bpcer),
      thresholds: loso.thresholds,
      folds: loso.folds.map((f) => ({ ...f, apcer: round(f.apcer), bpcer: round(f.bpcer) })),
    },
  };
}

const samples = await fusionSamples(root, modelsDir, folders, (done, total) => {
  if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} images`);
});
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
const scored = samples.filter((s) => s.score !== null);
const assessable = samples.filter(isDecided);
console.log(`${samples.length} images from ${sourcesOf(samples).length} sources; ${scored.length} with a face, ${assessable.length} assessable`);

const selection = candidates.map((c) => ({ candidate: c, heldOut: meanHeldOutAuc(heldOutScores(samples, c)) }));
const best = Math.max(...selection.map((s) => s.heldOut.mean));
const chosen = selection.find((s) => s.heldOut.mean >= best - TIE)!.candidate;
for (const s of selection) console.log(`  ${s.candidate.name}: mean held-out within-source AUC ${s.heldOut.mean.toFixed(4)} (${Object.keys(s.heldOut.perSource).length} sources)`);
console.log(`chosen: ${chosen.name} (ties within ${TIE} go to the simplest)`);

const fusionRule = chosen.fit(assessable);
const fusionOutOfFold = heldOutScores(samples, chosen);
const fusedAll = rescore(samples, ruleMethod('fusion', fusionRule, 0.5));
const fusionCalibration = calibrate(fusedAll, fusionOutOfFold);
const packRule: FusionRule = { rule: 'meanProbability', models: packModels };
const packAll = rescore(samples, ruleMethod('pack', packRule, 0.5));
const packCalibration = calibrate(packAll, packAll);
const frAll = rescore(samples, ruleMethod('fr_liveness', { rule: 'meanProbability', models: ['fr_liveness'] }, DEFAULT_THRESHOLD));
const frLoso = leaveOneSourceOut(frAll, TARGET_APCER);

const command = `npx tsx scripts/calibrateFusion.ts${args.length ? ` ${args.join(' ')}` : ''}`;
const data = {
  folders: folders.map((f) => `../shared/${basename(f)}`),
  sources: sourcesOf(samples).length,
  images: samples.length,
  withFace: scored.length,
  assessable: { live: assessable.filter((s) => s.label === 'live').length, spoof: assessable.filter((s) => s.label === 'spoof').length },
  caveat: 'development folders (sequences: every frame, correlated within a sequence); the default threshold is chosen on all of them, so figures at it are not held out: the leave-one-source-out figures are',
};
const declaration = {
  pack: PACK,
  version: '1.0.0',
  fusion: fusionRule,
  calibration: {
    ...fusionCalibration,
    rule: 'assessable presentations only; the lowest threshold whose source-balanced APCER (mean over sources of each source pooled APCER; a source counts for a class with at least 5 decided images of it) is at most targetApcer; live when fused score >= threshold; borderline kept at fr_liveness\'s 0.15 (not recalibrated)',
  },
  packAlone: {
    fusion: packRule,
    calibration: { ...packCalibration, rule: "the authors' rule (mean of the two softmax live probabilities), not selected here; threshold by the same rule as the fusion" },
  },
  selection: {
    criterion: 'mean over held-out sources of the within-source ROC AUC on assessable images (each source scored by the rule fitted without it); ties within 0.005 go to the simplest (meanProbability, meanLogOdds, logisticHead)',
    logisticHead: { lambda: LAMBDA, weights: 'source-balanced (functions/training/logistic.ts sourceBalancedWeights)', features: 'log-odds of each model live probability' },
    candidates: selection.map((s) => ({ rule: s.candidate.name, meanHeldOutSourceAuc: round(s.heldOut.mean), perSource: Object.fromEntries(Object.entries(s.heldOut.perSource).map(([k, v]) => [k, round(v)])) })),
    chosen: chosen.name,
  },
  frLivenessAlone: { threshold: DEFAULT_THRESHOLD, leaveOneSourceOut: { sourceMeanApcer: round(frLoso.apcer), sourceMeanBpcer: round(frLoso.bpcer) } },
  data,
  models: allModels.map((id) => modelVersion(engine.models.spec(id))),
  command,
  date: new Date().toISOString().slice(0, 10),
};
const checked: Omit<FusionDeclaration, 'sha256'> = declaration; // the engine reads this shape
const body = JSON.stringify(checked, null, 2);
const sha256 = createHash('sha256').update(body).digest('hex');
const outFile = join(root, 'models/packs', `${PACK}.fusion.json`);
await writeFile(outFile, `${JSON.stringify({ ...declaration, sha256 }, null, 2)}\n`);

const methods = packMethods(checked, DEFAULT_THRESHOLD);
/** Out-of-fold scores for the fitted fusion (the others are not fitted): as a method over those scores. */
const outOfFoldById = new Map(fusionOutOfFold.map((s) => [s.file, s.score]));
const heldOutMethods: LivenessMethod[] = [methods[0]!, methods[1]!, { ...methods[2]!, name: `${methods[2]!.name}, held out`, score: (s) => outOfFoldById.get(s.file) ?? null }];
const losoTable = (name: string, folds: ReturnType<typeof leaveOneSourceOut>) => [
  `**${name}**: threshold chosen without each source (range ${folds.thresholds.min}..${folds.thresholds.max}); source-mean APCER ${(100 * folds.apcer).toFixed(1)}%, BPCER ${(100 * folds.bpcer).toFixed(1)}%`,
  '',
  '| held-out source | live | spoof | threshold | APCER | BPCER |',
  '|---|---|---|---|---|---|',
  ...folds.folds.map((f) => `| ${f.source} | ${f.live} | ${f.spoof} | ${f.threshold} | ${Number.isNaN(f.apcer) ? '-' : (100 * f.apcer).toFixed(1) + '%'} | ${Number.isNaN(f.bpcer) ? '-' : (100 * f.bpcer).toFixed(1) + '%'} |`),
  '',
];
const report = [
  `# fr_liveness, the ${PACK} pack and their fusion`,
  '',
  `Generated by \`${command}\` (${declaration.date}) on ${data.folders.join(', ')}: ${samples.length} images (sequence frames each counted), ${sourcesOf(samples).length} sources, ${assessable.length} assessable. Development folders; thresholds of the pack and the fusion were chosen on them (the figures at the default are not held out; the leave-one-source-out ones are).`,
  '',
  `Fusion rule chosen: **${fusionRule.rule}** (${selection.map((s) => `${s.candidate.name} ${s.heldOut.mean.toFixed(4)}`).join(', ')}: mean held-out within-source AUC); default threshold ${fusionCalibration.threshold}.`,
  '',
  '## At each method\'s default threshold',
  '',
  methodComparisonMarkdown(compareMethods(samples, heldOutMethods)),
  '## Leave one source out',
  '',
  ...losoTable('fr_liveness alone', frLoso),
  ...losoTable(`${PACK} alone`, leaveOneSourceOut(packAll, TARGET_APCER)),
  ...losoTable(`fusion (${fusionRule.rule}, held-out scores)`, leaveOneSourceOut(fusionOutOfFold, TARGET_APCER)),
].join('\n');
await mkdir(join(root, 'evaluation'), { recursive: true });
await writeFile(join(root, 'evaluation/fusion.md'), report);
console.log(`wrote ${outFile} (sha256 ${sha256.slice(0, 12)}) and evaluation/fusion.md`);
console.log(`fusion threshold ${fusionCalibration.threshold}; pack alone ${packCalibration.threshold}`);
