// The merged level's cost (issue 10): faster on one frame vs merged on 1 and on 4 frames of one
// capture, in process, same thread settings as `npm run bench`. Prints figures; asserts nothing.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { LivenessEngine } from '../functions/liveness/engine.js';
import { MergedLiveness } from '../functions/liveness/merged/MergedLiveness.js';

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

/** Four 640x480 frames of one photo, each window shifted a few pixels: a hand-held burst. */
export async function burstFrom(photo: string, count = 4): Promise<Buffer[]> {
  const base = await sharp(readFileSync(photo)).resize(680, 510, { fit: 'cover' }).toBuffer();
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp(base).extract({ left: 6 * i, top: 4 * i, width: 640, height: 480 }).jpeg({ quality: 90 }).toBuffer(),
    ),
  );
}

export async function benchMerged(engine: LivenessEngine, frames: readonly Buffer[], iterations: number): Promise<void> {
  const merged = new MergedLiveness(engine);
  await merged.warmUp();
  const time = async (work: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 10 + iterations; i++) {
      const started = performance.now();
      await work();
      if (i >= 10) samples.push(performance.now() - started);
    }
    return median(samples);
  };
  const faster = await time(() => engine.check(frames[0]!));
  const one = await time(() => merged.checkFrames(frames.slice(0, 1)));
  const all = await time(() => merged.checkFrames(frames));
  const perFrame = (all - one) / (frames.length - 1);
  console.log(`\nmerged level, ${frames.length} frames 640x480 (${iterations} runs, median ms)`);
  console.log(`  faster, frame 1             ${faster.toFixed(2).padStart(8)}`);
  console.log(`  merged, frame 1 only        ${one.toFixed(2).padStart(8)}  (+${(one - faster).toFixed(2)} ms: the head's evidence runs on the reported frame)`);
  console.log(`  merged, ${frames.length} frames            ${all.toFixed(2).padStart(8)}`);
  console.log(`  per added frame             ${perFrame.toFixed(2).padStart(8)}  (decode + detect + 2 fr_liveness runs + consistency)`);
}
