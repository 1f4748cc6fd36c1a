import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { evalCommand, type EvalFlags } from '../evaluation/command.js';
import { MergedLiveness } from '../liveness/merged/MergedLiveness.js';
import { trainCommand, type TrainFlags } from '../training/command.js';
import { DEFAULT_FEATURE_CACHE } from '../training/features.js';
import { livenessDetails } from '../liveness/details.js';
import { DEFAULT_THRESHOLD, LivenessEngine } from '../liveness/engine.js';
import { isLivenessError } from '../liveness/errors.js';
import { DEFAULT_RULES, summarize } from '../liveness/rules/index.js';
import { ATTRIBUTE_NAMES, type AttributeName, isAttributeName } from '../liveness/attributes/types.js';
import { isQualityCheckName, QUALITY_CHECK_NAMES, type QualityCheckName } from '../liveness/quality/types.js';
import { SELECTION_CRITERIA, type SelectionCriteria } from '../liveness/types.js';

export function parseThreshold(value: string): number {
  const t = Number(value);
  if (!Number.isFinite(t) || t < 0 || t > 1 || value.trim() === '') {
    throw new InvalidArgumentError('a number from 0 to 1 is needed');
  }
  return t;
}

/** A comma-separated list whose every item passes `accept`. */
function listOf<T extends string>(accept: (name: string) => name is T, allowed: readonly string[]) {
  return (value: string): T[] => {
    const names = value.split(',').map((n) => n.trim()).filter(Boolean);
    const unknown = names.filter((n) => !accept(n));
    if (unknown.length > 0 || names.length === 0) {
      throw new InvalidArgumentError(`unknown ${unknown.join(', ') || 'empty list'}; choose from ${allowed.join(', ')}`);
    }
    return names as T[];
  };
}

interface CheckFlags {
  json?: boolean;
  threshold?: number;
  selection: SelectionCriteria;
  qualityChecks?: QualityCheckName[];
  attributes?: AttributeName[];
  quality?: 'basic' | 'full';
}

async function check(files: string[], flags: CheckFlags): Promise<number> {
  const engine = new LivenessEngine();
  let failures = 0;
  for (const file of files) {
    try {
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw Object.assign(new Error(`cannot read ${file}: ${error.code ?? error.message}`), { code: 'UNREADABLE_FILE' });
      });
      const assessment = await engine.check(bytes, { ...flags, qualityStatus: flags.quality });
      // The action the shipped default rules give, as the API would answer it.
      const summary = summarize(assessment, DEFAULT_RULES);
      const details = { file, ...livenessDetails(assessment), qualityStatus: assessment.quality.status, summary };
      if (flags.json) {
        console.log(JSON.stringify(details));
      } else {
        const { liveFace, face } = details;
        const box = face.boundingBox;
        const notAssessable = details.assessability.assessable
          ? ''
          : ` assessable=no reason=${details.assessability.reason} cropScale=${details.assessability.cropScaleAchieved.toFixed(2)}/${details.assessability.cropScaleWanted}`;
        console.log(
          `${file}: live=${liveFace.value} score=${liveFace.score.toFixed(3)} confidence=${liveFace.confidence}${notAssessable} ` +
            `faces=${face.facesDetected} box=${box.left},${box.top},${box.width}x${box.height} quality=${details.qualityStatus}` +
            (summary.action === 'pass' ? '' : ` action=${summary.action} (${summary.details.map((d) => `${d.code} ${d.message}`).join('; ')})`),
        );
      }
    } catch (error) {
      failures++;
      const known = isLivenessError(error) || (error as { code?: string }).code === 'UNREADABLE_FILE';
      const code = known ? String((error as { code: string }).code) : 'INTERNAL_ERROR';
      const message = known ? (error as Error).message : 'unexpected error while checking this image';
      if (flags.json) console.log(JSON.stringify({ file, error: { code, message } }));
      else console.error(`${file}: error ${code}: ${message}`);
    }
  }
  return failures === 0 ? 0 : 2;
}

interface FramesFlags extends CheckFlags {
  frames?: string[];
  method?: 'faster' | 'merged';
}

/** `check --frames a b c` (one presentation) or `check --method merged a b` (each file one presentation). */
async function checkPresentations(presentations: string[][], flags: FramesFlags): Promise<number> {
  const engine = new LivenessEngine();
  const merged = new MergedLiveness(engine);
  let failures = 0;
  for (const files of presentations) {
    const name = files.join(' ');
    try {
      const frames = await Promise.all(
        files.map((file) =>
          readFile(file).catch((error: NodeJS.ErrnoException) => {
            throw Object.assign(new Error(`cannot read ${file}: ${error.code ?? error.message}`), { code: 'UNREADABLE_FILE' });
          }),
        ),
      );
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
          `${name}: live=${liveFace.value} score=${liveFace.score.toFixed(3)} confidence=${liveFace.confidence} ` +
            `method=${method} frames=${used}/${frames.length} quality=${assessment.quality.status}` +
            (consistency && consistency.reasons.length > 0 ? ` inconsistent=${consistency.reasons.join(',')}` : ''),
        );
      }
    } catch (error) {
      failures++;
      const known = isLivenessError(error) || (error as { code?: string }).code === 'UNREADABLE_FILE';
      const code = known ? String((error as { code: string }).code) : 'INTERNAL_ERROR';
      const message = known ? (error as Error).message : 'unexpected error while checking these frames';
      if (flags.json) console.log(JSON.stringify({ files, error: { code, message } }));
      else console.error(`${name}: error ${code}: ${message}`);
    }
  }
  return failures === 0 ? 0 : 2;
}

export function buildProgram(): Command {
  const program = new Command('liveness')
    .description('Passive face liveness: decide whether a live person or a presentation attack is in a selfie.')
    .showHelpAfterError();
  program
    .command('check')
    .description('check image files (JPEG, PNG, WebP, BMP) without any server; exits 2 if any file could not be checked')
    .argument('[image...]', 'image files (each judged alone)')
    .option('--frames <files...>', 'frames of one capture, in time order (1 to 8), judged as one presentation (default method: merged)')
    .addOption(
      new Option('--method <level>', 'faster: one frame, the raw fr_liveness score; merged: every frame, fused by the learned head (models/liveness_head.json)')
        .choices(['faster', 'merged']),
    )
    .option('--json', 'one JSON object per image per line, shaped like the API result.details')
    .option('--threshold <t>', `live when score >= t (default ${DEFAULT_THRESHOLD}, calibrated)`, parseThreshold)
    .addOption(
      new Option('--selection <criteria>', 'which face to judge when there are several')
        .choices(SELECTION_CRITERIA)
        .default('CLOSEST_TO_CAMERA'),
    )
    .option(
      '--quality-checks <names>',
      `comma-separated qualityChecks to answer: ${QUALITY_CHECK_NAMES.join(', ')}`,
      listOf(isQualityCheckName, QUALITY_CHECK_NAMES),
    )
    .option(
      '--attributes <names>',
      `comma-separated face attributes: ${ATTRIBUTE_NAMES.join(', ')}`,
      listOf(isAttributeName, ATTRIBUTE_NAMES),
    )
    .addOption(
      new Option('--quality <level>', 'quality status: basic (no extra model) or full (adds head pose and occlusion)')
        .choices(['basic', 'full'])
        .default('basic'),
    )
    .action(async (files: string[], flags: FramesFlags, command: Command) => {
      if (flags.frames && files.length > 0) command.error('error: give either image files or --frames, not both');
      if (!flags.frames && files.length === 0) command.error('error: give image files or --frames');
      if (flags.frames) process.exitCode = await checkPresentations([flags.frames], flags);
      else if (flags.method === 'merged') process.exitCode = await checkPresentations(files.map((f) => [f]), flags);
      else process.exitCode = await check(files, flags);
    });
  program
    .command('eval')
    .description(
      'evaluate on a labelled folder (MANIFEST.tsv with file, label live|spoof, attack_type; or live/ and spoof/<attack-type>/): ' +
        'ISO/IEC 30107-3 APCER per attack type and pooled, BPCER, ACER on decided presentations, APNRR/BPNRR, end-to-end pass rates, ' +
        'EER, ROC AUC, BPCER at APCER 1/5/10%, by source and by assessability, the files it got wrong',
    )
    .argument('<dir>', 'the labelled folder')
    .option('--report <out>', 'also write det.svg/.png, histogram.svg/.png and metrics.json into this folder')
    .option('--json', 'print metrics.json to stdout instead of text')
    .option('--threshold <t>', `evaluate at this threshold (default ${DEFAULT_THRESHOLD}, calibrated)`, parseThreshold)
    .option('--calibrate', 'choose the threshold for --target-apcer on assessable presentations (default: source-balanced, leave one source out)')
    .option('--target-apcer <a>', 'APCER to calibrate for (source-balanced with loso, worst attack type with a two-sided split)', parseThreshold, 0.05)
    .option('--split <spec>', 'with --calibrate: loso (default), or a two-sided split source-hash:<salt> or groups:<g1>,<g2>,... (groups calibrate)')
    .option('--compare', 'faster vs merged side by side (always on for a sequences folder: MANIFEST.tsv with a seq column)')
    .option(
      '--holdout-training <dirs>',
      'with the comparison: comma-separated training folders; sources the shipped head was trained on are scored by the head refitted without them',
    )
    .action(async (dir: string, flags: EvalFlags) => {
      process.exitCode = await evalCommand(dir, flags);
    });
  program
    .command('train')
    .description(
      'train the merged level\'s logistic head on labelled folders (source = source_repo): feature set and L2 strength chosen by ' +
        'leave-one-source-out mean within-source AUC; writes the head with its data list, validation figures and sha256',
    )
    .argument('<dirs...>', 'labelled folders, e.g. ../shared/faces ../shared/train-faces')
    .option('--out <file>', 'where to write the head', 'models/liveness_head.json')
    .option('--cache <file>', 'evidence cache (model outputs per image; never pixels)', DEFAULT_FEATURE_CACHE)
    .option('--seed <n>', 'recorded in the head (the fit itself is deterministic)', (v) => Number.parseInt(v, 10), 1)
    .action(async (dirs: string[], flags: TrainFlags) => {
      process.exitCode = await trainCommand(dirs, flags);
    });
  return program;
}
