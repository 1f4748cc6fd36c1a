import { livenessDetails } from '../liveness/details.js';
import { LivenessEngine } from '../liveness/engine.js';
import { MergedLiveness } from '../liveness/merged/MergedLiveness.js';
import { type CheckFlags, errorOutcome, printOutcome } from './check.js';
import { printableName, readImage } from './imageFiles.js';

export interface FramesFlags extends CheckFlags {
  frames?: string[];
  method?: 'faster' | 'merged';
}

/** `check --frames a b c` (one presentation) or `check --method merged a b` (each file one presentation). */
export async function checkPresentations(presentations: string[][], flags: FramesFlags): Promise<number> {
  const engine = new LivenessEngine();
  const merged = new MergedLiveness(engine);
  let failures = 0;
  for (const files of presentations) {
    const name = files.join(' ');
    try {
      const frames = await Promise.all(files.map((file) => readImage(file)));
      const options = { ...flags, qualityStatus: flags.quality };
      const method = flags.method ?? 'merged';
      const fused = method === 'merged' ? await merged.checkFrames(frames, options) : undefined;
      const assessment = fused ?? (await engine.check(frames[0]!, options));
      const used = method === 'merged' ? frames.length : 1;
      const details = {
        files,
        ...livenessDetails(assessment),
        qualityStatus: assessment.quality.status,
        livenessMethod: { value: method, framesSent: frames.length, framesUsed: used },
        ...(fused ? { frames: fused.frames } : {}),
      };
      if (flags.json) {
        console.log(JSON.stringify(details));
      } else {
        const { liveFace } = details;
        const consistency = fused?.frames.consistency;
        console.log(
          `${printableName(name)}: live=${liveFace.value} score=${liveFace.score.toFixed(3)} confidence=${liveFace.confidence} ` +
            `method=${method} frames=${used}/${frames.length} quality=${assessment.quality.status}` +
            (consistency && consistency.reasons.length > 0 ? ` inconsistent=${consistency.reasons.join(',')}` : ''),
        );
      }
    } catch (error) {
      failures++;
      printOutcome(errorOutcome({ files }, name, error, flags.json, 'these frames'));
    }
  }
  return failures === 0 ? 0 : 2;
}
