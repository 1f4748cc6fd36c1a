// Optional-stage costs for `npm run bench` (helper of scripts/bench.ts): what each quality-check
// family and each attribute adds to a request, on the same 640x480 image. Prints figures only.
import type { CheckOptions, LivenessEngine, OptionalStageName, StageName } from '../functions/liveness/engine.js';
import { summarise } from './benchSupport.js';

type Timings = Partial<Record<StageName | OptionalStageName, number>>;

interface OptionalCase {
  readonly label: string;
  readonly options: CheckOptions;
  /** The stages whose time is this option's own cost. */
  readonly stages: readonly (StageName | OptionalStageName)[];
}

const CASES: readonly OptionalCase[] = [
  { label: 'quality status (always on: statistics + geometry)', options: {}, stages: ['quality'] },
  { label: 'checks blur/dull/bright/nonWhiteBackground/lowQuality/multipleFaces', options: { qualityChecks: ['blur', 'dull', 'bright', 'nonWhiteBackground', 'lowQuality', 'multipleFaces'] }, stages: ['quality'] },
  { label: 'check occlusion (colour measure, no model)', options: { qualityChecks: ['occlusion'] }, stages: ['occlusion'] },
  { label: 'check headTurned (fr_pose)', options: { qualityChecks: ['headTurned'] }, stages: ['pose'] },
  { label: 'check eyesClosed (fr_landmark + 2x fr_eye)', options: { qualityChecks: ['eyesClosed'] }, stages: ['landmarks', 'eyes'] },
  { label: 'checks hat/eyewear/readingGlasses/sunglasses/nudity (unsupported)', options: { qualityChecks: ['hat', 'eyewear', 'readingGlasses', 'sunglasses', 'nudity'] }, stages: ['quality'] },
  { label: 'qualityStatus full (fr_pose + occlusion)', options: { qualityStatus: 'full' }, stages: ['pose', 'occlusion'] },
  { label: 'attribute ageRange (fr_age)', options: { attributes: ['ageRange'] }, stages: ['age'] },
  { label: 'attribute gender (unsupported: no model run)', options: { attributes: ['gender'] }, stages: ['gender'] },
  { label: 'attribute eyesOpen (fr_landmark + 2x fr_eye)', options: { attributes: ['eyesOpen'] }, stages: ['landmarks', 'eyes'] },
  { label: 'attributes mouthOpen + smile (fr_landmark)', options: { attributes: ['mouthOpen', 'smile'] }, stages: ['landmarks'] },
  { label: 'attribute emotions (unsupported: no model run)', options: { attributes: ['emotions'] }, stages: [] },
  {
    label: 'everything (all 14 checks, all attributes, full status)',
    options: {
      qualityStatus: 'full',
      qualityChecks: ['blur', 'eyesClosed', 'occlusion', 'multipleFaces', 'headTurned', 'hat', 'eyewear', 'readingGlasses', 'sunglasses', 'dull', 'bright', 'nonWhiteBackground', 'nudity', 'lowQuality'],
      attributes: ['ageRange', 'gender', 'eyesOpen', 'mouthOpen', 'smile', 'emotions'],
    },
    stages: ['quality', 'pose', 'occlusion', 'landmarks', 'eyes', 'age', 'gender'],
  },
];

const fmt = (v: number) => v.toFixed(3).padStart(9);

/** Median and p95 of each optional stage's own time, and of the whole request with that option. */
export async function benchOptionalStages(engine: LivenessEngine, bytes: Uint8Array, iterations: number, warmup = 10): Promise<void> {
  console.log(`\n=== optional stages (quality checks, attributes), 640x480, ${iterations} runs each, ms ===`);
  console.log(`  ${'option'.padEnd(72)}  own median   own p95   request median`);
  const baseline: number[] = [];
  for (const c of CASES) {
    const own: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const started = performance.now();
      const result = await engine.check(bytes, c.options);
      const elapsed = performance.now() - started;
      if (i < warmup) continue;
      const timings = result.timings as Timings;
      own.push(c.stages.reduce((sum, stage) => sum + (timings[stage] ?? 0), 0));
      total.push(elapsed);
    }
    if (c.label.startsWith('quality status')) baseline.push(...total);
    const o = summarise(own);
    const t = summarise(total);
    console.log(`  ${c.label.padEnd(72)}${fmt(o.median)} ${fmt(o.p95)} ${fmt(t.median)}`);
  }
  console.log(`  (request median with no option: ${summarise(baseline).median.toFixed(2)} ms; 'own' = time in the stages that option adds)`);
}
