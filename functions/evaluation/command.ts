import { CalibrationRefused } from './calibration.js';
import { DEFAULT_TARGET_APCER } from './calibrationMinimum.js';
import { compareCommand, compareModelsCommand } from './compareCommand.js';
import { DatasetError, readLabelledSet } from './dataset.js';
import { evaluateSet } from './evaluate.js';
import { formatRun } from './format.js';
import { metricsDocument, toJson, writeReport } from './report.js';
import { isSequenceSet } from './sequences.js';
import { DEFAULT_SPLIT, SplitError } from './split.js';

export interface EvalFlags {
  readonly report?: string;
  readonly json?: boolean;
  readonly threshold?: number;
  readonly calibrate?: boolean;
  readonly targetApcer?: number;
  readonly split?: string;
  /** Faster vs merged side by side (automatic for a sequences folder). */
  readonly compare?: boolean;
  /** With the comparison: training folders to refit the head without each source it saw. */
  readonly holdoutTraining?: string;
  /** fr_liveness alone, the pack alone and the fusion side by side. */
  readonly compareModels?: boolean;
  /** With compareModels: the pack's files here rather than installed. */
  readonly packDir?: string;
}

/** `liveness eval <dir>`: returns the exit code (0 done, 2 the set or the options cannot be used, or too few images to calibrate on). */
export async function evalCommand(dir: string, flags: EvalFlags): Promise<number> {
  try {
    if (flags.calibrate && flags.threshold !== undefined) {
      throw new SplitError('--threshold and --calibrate exclude each other: --calibrate chooses the threshold');
    }
    if (!flags.calibrate && flags.split !== undefined) {
      throw new SplitError('--split only applies with --calibrate');
    }
    if (!flags.calibrate && flags.targetApcer !== undefined) {
      throw new SplitError('--target-apcer only applies with --calibrate');
    }
    if (flags.compareModels) return await compareModelsCommand(dir, flags);
    if (flags.compare || (await isSequenceSet(dir))) return await compareCommand(dir, flags);
    const set = await readLabelledSet(dir);
    const progress = !flags.json && process.stderr.isTTY;
    const run = await evaluateSet(set, {
      threshold: flags.threshold,
      calibrate: flags.calibrate ? { targetApcer: flags.targetApcer ?? DEFAULT_TARGET_APCER, split: flags.split ?? DEFAULT_SPLIT } : undefined,
      onSample: progress ? (done, total) => process.stderr.write(`\r${done}/${total} images`) : undefined,
    });
    if (progress) process.stderr.write('\r\x1b[K');
    console.log(flags.json ? toJson(metricsDocument(run)) : formatRun(run));
    if (flags.report) {
      const written = await writeReport(run, flags.report);
      if (!flags.json) console.log(`\nreport: ${written.join(', ')}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof DatasetError || error instanceof SplitError || error instanceof CalibrationRefused) {
      console.error(`liveness eval: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
