import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLabelledSet } from '../../functions/evaluation/dataset.js';
import { compareMethods, methodComparisonMarkdown, packMethods } from '../../functions/evaluation/modelComparison.js';
import { runEvaluation, type SampleResult } from '../../functions/evaluation/runner.js';
import { summarizeEvaluation } from '../../functions/evaluation/summary.js';
import { DEFAULT_THRESHOLD, LivenessEngine } from '../../functions/liveness/engine.js';
import { FUSIONS } from '../../functions/liveness/fusion.js';
import { ModelRegistry } from '../../functions/liveness/modelRegistry.js';
import { SHARED_FACES, skipReasonWithoutFaces } from '../helpers/faces.js';

const SHARED_PACK = resolve(import.meta.dirname, '../../../shared/models/silent-face');
const hasSharedPack = existsSync(join(SHARED_PACK, 'MiniFASNetV2.onnx'));
const skip = (suite: string) => {
  if (!hasSharedPack) console.warn(`[skip] ${suite}: ${SHARED_PACK} is absent (model pack files are not shipped)`);
  return !hasSharedPack || skipReasonWithoutFaces(suite);
};

describe.skipIf(skip('model comparison'))('fr_liveness alone, the pack alone and the fusion side by side (liveness eval --compare-models)', () => {
  let withModels: SampleResult[];
  let today: SampleResult[];

  beforeAll(async () => {
    // Every 6th labelled image of ../shared/faces: every source, a sixth of the time.
    const images = (await readLabelledSet(SHARED_FACES)).images.filter((_, i) => i % 6 === 0);
    const engine = new LivenessEngine(new ModelRegistry({ packs: [{ name: 'silent-face', dir: SHARED_PACK }] }));
    withModels = await runEvaluation(engine, images, { threshold: DEFAULT_THRESHOLD, livenessModels: 'fusion' });
    today = await runEvaluation(new LivenessEngine(new ModelRegistry({ packs: [] })), images, { threshold: DEFAULT_THRESHOLD });
  });

  it('keeps every model score per image, and fr_liveness alone measures exactly as the engine without the pack', () => {
    const scored = withModels.filter((s) => s.score !== null);
    expect(scored.length).toBeGreaterThan(20);
    for (const s of scored) expect(Object.keys(s.modelScores!).sort()).toEqual(['fr_liveness', 'silent_face_v1se', 'silent_face_v2']);
    const [frAlone] = compareMethods(withModels, packMethods(FUSIONS[0]!, DEFAULT_THRESHOLD));
    const reference = summarizeEvaluation(today, DEFAULT_THRESHOLD);
    expect(frAlone!.summary.auc).toBe(reference.auc);
    expect(frAlone!.summary.atThreshold.apcerPooled).toBe(reference.atThreshold.apcerPooled);
    expect(frAlone!.summary.atThreshold.bpcer).toBe(reference.atThreshold.bpcer);
    expect(frAlone!.summary.nonResponse).toEqual(reference.nonResponse);
  });

  it('returns markdown with one row per method, per source and per attack type', () => {
    const rows = compareMethods(withModels, packMethods(FUSIONS[0]!, DEFAULT_THRESHOLD));
    expect(rows.map((r) => r.method)).toEqual(['fr_liveness alone', 'silent-face alone', `fusion (${FUSIONS[0]!.fusion.rule})`]);
    const markdown = methodComparisonMarkdown(rows);
    for (const r of rows) expect(markdown).toContain(`| ${r.method} | ${r.threshold} |`);
    for (const source of new Set(withModels.map((s) => s.group))) expect(markdown).toContain(`| ${source} |`);
    expect(markdown).toContain('| print |');
    expect(rows.every((r) => r.all.auc >= 0 && r.all.auc <= 1)).toBe(true);
  });
});
