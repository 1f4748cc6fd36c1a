import { Command, InvalidArgumentError, Option } from 'commander';
import type { EvalFlags } from '../evaluation/command.js';
import type { TrainFlags } from '../training/command.js';
import { DEFAULT_FEATURE_CACHE } from '../training/featureCache.js';
import { DEFAULT_THRESHOLD } from '../liveness/engine.js';
import { ATTRIBUTE_NAMES, type AttributeName, isAttributeName } from '../liveness/attributes/types.js';
import { isQualityCheckName, QUALITY_CHECK_NAMES, type QualityCheckName } from '../liveness/quality/types.js';
import { SELECTION_CRITERIA } from '../liveness/types.js';
import type { FramesFlags } from './checkFrames.js';
import type { AddFlags, ModelsFlags } from './models.js';

// Each subcommand's code is imported when it runs: `check` loads neither evaluation, training nor the merged level.

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

export function buildProgram(): Command {
  const program = new Command('liveness')
    .description('Passive face liveness: decide whether a live person or a presentation attack is in a selfie.')
    .showHelpAfterError();
  program
    .command('check')
    .description('check image files (JPEG, PNG, WebP, BMP) without any server; exits 2 if any file could not be checked')
    .argument('[image...]', 'image files or directories (each image judged alone; a directory: the .jpg .jpeg .png .webp .bmp files in it, by name)')
    .option('--files-from <list>', 'also check the paths listed in this file, one a line (- reads standard input): for more files than a command line holds')
    .option('--frames <files...>', 'frames of one capture, in time order (1 to 8), judged as one presentation (default method: merged); a directory gives its images by name')
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
    .action(async (paths: string[], flags: FramesFlags & { filesFrom?: string }, command: Command) => {
      const { expandDirectories, readPathList } = await import('./imageFiles.js');
      if (flags.frames && (paths.length > 0 || flags.filesFrom)) command.error('error: give either image files or --frames, not both');
      const listed = flags.filesFrom ? await readPathList(flags.filesFrom).catch((error: Error) => command.error(`error: ${error.message}`)) : [];
      const files = await expandDirectories([...paths, ...listed]);
      if (flags.frames) flags.frames = await expandDirectories(flags.frames);
      if (!flags.frames && files.length === 0) {
        command.error(paths.length + listed.length > 0 ? 'error: no image files found in the directories given' : 'error: give image files or --frames (or directories, --files-from)');
      }
      if (flags.frames || flags.method === 'merged') {
        const { checkPresentations } = await import('./checkFrames.js');
        process.exitCode = await checkPresentations(flags.frames ? [flags.frames] : files.map((f) => [f]), flags);
      } else {
        const { check } = await import('./check.js');
        process.exitCode = await check(files, flags);
      }
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
      const { evalCommand } = await import('../evaluation/command.js');
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
      const { trainCommand } = await import('../training/command.js');
      process.exitCode = await trainCommand(dirs, flags);
    });
  const dirOption = () => new Option('--dir <modelDir>', 'the model folder (default: LIVENESS_MODEL_DIR, else the repository\'s models/)');
  const models = program.command('models').description('liveness model packs: extra models beside fr_liveness (list, add, remove)');
  models
    .command('list', { isDefault: true })
    .description('every declared pack: licence, sources, models, installed or not and where')
    .addOption(dirOption())
    .option('--json', 'one JSON array')
    .action(async (flags: ModelsFlags) => {
      const { listModels } = await import('./models.js');
      process.exitCode = await listModels(flags);
    });
  models
    .command('add')
    .description('download a pack from its declared sources, verify size and sha256 of every file, install all or nothing')
    .argument('<pack>', 'pack name, e.g. silent-face')
    .addOption(dirOption())
    .option('--from <dir>', 'install from a folder holding the files instead (offline, CI), e.g. ../shared/models/silent-face')
    .option('--mirror <template>', 'download from your own mirror instead: a URL with {file}, e.g. https://mirror.example/packs/{file}')
    .action(async (name: string, flags: AddFlags) => {
      if (flags.from && flags.mirror) models.error('error: give either --from or --mirror, not both');
      if (flags.mirror && !flags.mirror.includes('{file}')) models.error('error: --mirror needs {file} in the URL');
      const { addModels } = await import('./models.js');
      process.exitCode = await addModels(name, flags);
    });
  models
    .command('remove')
    .description('remove an installed pack (liveness then uses fr_liveness alone)')
    .argument('<pack>', 'pack name')
    .addOption(dirOption())
    .action(async (name: string, flags: ModelsFlags) => {
      const { removeModels } = await import('./models.js');
      process.exitCode = await removeModels(name, flags);
    });
  return program;
}
