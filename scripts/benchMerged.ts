// The merged level's cost (issue 10): faster on one frame vs merged on 1 and on 4 frames of one
// capture, in process, same thread settings as `npm run bench`. Prints figures; asserts nothing.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { LivenessEngine } from '../functions/liveness/engine.js';
import { EVIDENCE_CROP_SCALES, usesPack } from '../functions/liveness/merged/evidence.js';
import { MergedLiveness } from '../functions/liveness/merged/MergedLiveness.js';
import { modelSpec } from '../functions/liveness/modelRegistry.js';
import { scaledFaceRegion } from '../functions/liveness/stages/crop.js';
import { regionTensor } from '../functions/liveness/stages/modelInput.js';
import { livenessRegion } from '../functions/liveness/stages/score.js';
import { detectorInput, placement } from '../functions/liveness/stages/detect.js';
import type { DecodedImage, FaceBox } from '../functions/liveness/types.js';
import { summarise, timeInTurn } from './benchSupport.js';


/** Four 640x480 frames of one photo, each window shifted a few pixels: a hand-held burst. */
export async function burstFrom(photo: string, count = 4): Promise<Buffer[]> {
  const base = await sharp(readFileSync(photo)).resize(680, 510, { fit: 'cover' }).toBuffer();
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp(base).extract({ left: 6 * i, top: 4 * i, width: 640, height: 480 }).jpeg({ quality: 90 }).toBuffer(),
    ),
  );
}

/** A photo decoded as the engine decodes it, its first face, and the detector's real input tensor. */
export async function realInputs(engine: LivenessEngine, bytes: Uint8Array): Promise<{ image: DecodedImage; face: FaceBox; detectInput: Float32Array }> {
  const image = await engine.decode(bytes);
  const [face] = await engine.findFaces(image);
  if (!face) throw new Error('the bench image has no face');
  return { image, face, detectInput: detectorInput(image, placement(image, 0)) };
}

export async function benchMerged(engine: LivenessEngine, frames: readonly Buffer[], iterations: number): Promise<void> {
  const merged = new MergedLiveness(engine);
  await merged.warmUp();
  // The models' own time for one added frame: the detector and the two crops' runs, on real tensors.
  const { image, face, detectInput } = await realInputs(engine, frames[1]!);
  const spec = modelSpec('fr_liveness_embedding');
  // The 4x crop runs only when the shipped head uses it.
  const scales = merged.head.featureSet.includes('crop4') ? [EVIDENCE_CROP_SCALES.crop27, EVIDENCE_CROP_SCALES.crop4] : [EVIDENCE_CROP_SCALES.crop27];
  const crops = scales.map((scale) =>
    regionTensor(image, scaledFaceRegion(image, face, scale), spec),
  );
  // With a pack whose evidence the head reads, every frame also runs each pack model on its own crop.
  const packRuns = (usesPack(merged.head.featureSet) ? engine.models.packModels : []).map((m) => ({
    id: m.id,
    input: regionTensor(image, livenessRegion(image, face, m), m),
  }));
  // Measured in turn within each iteration, so drift on a shared machine slows all four alike.
  const samples = await timeInTurn(
    {
      models: async () => {
        await engine.models.run('fr_detect', detectInput);
        for (const crop of crops) await engine.models.run('fr_liveness_embedding', crop);
        for (const { id, input } of packRuns) await engine.models.run(id, input);
      },
      faster: () => engine.check(frames[0]!),
      one: () => merged.checkFrames(frames.slice(0, 1)),
      all: () => merged.checkFrames(frames),
    },
    iterations,
    10,
  );
  const [models, faster, one, all] = [samples.models, samples.faster, samples.one, samples.all].map((s) => summarise(s).median) as [number, number, number, number];
  const perFrame = (all - one) / (frames.length - 1);
  console.log(`\nmerged level, ${frames.length} frames 640x480 (${iterations} runs, median ms)`);
  console.log(`  faster, frame 1             ${faster.toFixed(2).padStart(8)}`);
  console.log(`  merged, frame 1 only        ${one.toFixed(2).padStart(8)}  (+${(one - faster).toFixed(2)} ms: the head; its 2.7x run is check()'s own${crops.length > 1 ? ', plus the 4x crop' : ''})`);
  console.log(`  merged, ${frames.length} frames            ${all.toFixed(2).padStart(8)}`);
  const packText = packRuns.map((r) => ` + ${r.id}`).join('');
  console.log(`  per added frame             ${perFrame.toFixed(2).padStart(8)}  (decode + detect + ${crops.length} fr_liveness run${crops.length > 1 ? 's' : ''}${packText} + consistency)`);
  console.log(`  models only, per frame      ${models.toFixed(2).padStart(8)}  (fr_detect + ${crops.length} fr_liveness_embedding run${crops.length > 1 ? 's' : ''}${packText})`);
  console.log(`  per added frame / models only = ${(perFrame / models).toFixed(2)}x`);
}
