import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { runEvaluation, type SampleResult } from './runner.js';
import { labelledFrames } from './sequences.js';
import { LivenessEngine } from '../liveness/engine.js';
import { ModelRegistry, modelVersion } from '../liveness/modelRegistry.js';
import { packDeclaration } from '../liveness/packs.js';

const PACK = 'silent-face';
/** Where the scores are cached, below the repository root. */
const CACHE_FILE = 'out/training/fusion-samples.json';

/**
 * Every image of the folders (each frame of a sequences folder) scored by fr_liveness and the pack's
 * models in `packDir`, with every model's own score kept. Cached in out/training/fusion-samples.json,
 * keyed by the models' versions and decode limits: `npm run calibrate:fusion` and `npm run docs:figures`
 * reuse each other's scores, and a changed model runs everything again.
 */
export async function fusionSamples(
  root: string,
  packDir: string,
  folders: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<SampleResult[]> {
  const engine = new LivenessEngine(new ModelRegistry({ packs: [{ name: PACK, dir: packDir }] }));
  const models = ['fr_liveness', ...packDeclaration(PACK)!.models.map((m) => m.id)];
  const cacheFile = join(root, CACHE_FILE);
  const pipeline = `${models.map((id) => modelVersion(engine.models.spec(id))).join(',')} decode ${JSON.stringify(engine.config.decode)}`;
  const stored = existsSync(cacheFile) ? JSON.parse(await readFile(cacheFile, 'utf8')) : undefined;
  const cache: Record<string, SampleResult> = stored?.pipeline === pipeline ? stored.entries : {};
  const images = (await Promise.all(folders.map(async (dir) => (await labelledFrames(dir)).map((image) => ({ id: `${basename(dir)}/${image.file}`, image }))))).flat();
  const samples: SampleResult[] = [];
  for (const [i, { id, image }] of images.entries()) {
    cache[id] ??= (await runEvaluation(engine, [image], { threshold: 0.5, livenessModels: 'fusion' }))[0]!;
    samples.push({ ...cache[id], file: id });
    onProgress?.(i + 1, images.length);
  }
  await mkdir(dirname(cacheFile), { recursive: true });
  await writeFile(cacheFile, JSON.stringify({ pipeline, entries: cache }));
  return samples;
}
