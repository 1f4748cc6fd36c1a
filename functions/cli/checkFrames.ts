import { answerLine, checkAnswer } from './answer.js';
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
    // A file judged alone is labelled as `check` labels it, whichever level judged it.
    const label = flags.frames ? { files } : { file: files[0]! };
    try {
      const frames = await Promise.all(files.map((file) => readImage(file)));
      const options = { ...flags, qualityStatus: flags.quality };
      const method = flags.method ?? 'merged';
      const fused = method === 'merged' ? await merged.checkFrames(frames, options) : undefined;
      const assessment = fused ?? (await engine.check(frames[0]!, options));
      const answer = checkAnswer(label, assessment, {
        framesSent: frames.length,
        ...(fused ? { merged: { assessment: fused, head: merged.head } } : {}),
      });
      console.log(flags.json ? JSON.stringify(answer) : answerLine(printableName(name), answer));
    } catch (error) {
      failures++;
      printOutcome(errorOutcome(label, name, error, flags.json, flags.frames ? 'these frames' : 'this image'));
    }
  }
  return failures === 0 ? 0 : 2;
}
