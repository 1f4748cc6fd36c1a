import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { addPack } from '../../models/packs.mjs';

/** The silent-face pack files beside the project (never committed); tests skip with a printed reason without them. */
export const SHARED_PACK = resolve(import.meta.dirname, '../../../shared/models/silent-face');
export const hasSharedPack = existsSync(join(SHARED_PACK, 'MiniFASNetV2.onnx'));

export function skipReasonWithoutPack(suite: string): boolean {
  if (!hasSharedPack) console.warn(`[skip] ${suite}: ${SHARED_PACK} is absent (the pack files are not shipped)`);
  return !hasSharedPack;
}

/** A temp model folder holding the repository's models (linked, not copied) and no pack. */
export function linkedModelDir(): string {
  const repoModels = resolve(import.meta.dirname, '../../models');
  const dir = mkdtempSync(join(tmpdir(), 'liveness-models-'));
  for (const file of readdirSync(repoModels).filter((f) => f.endsWith('.onnx') || f.endsWith('.json'))) {
    symlinkSync(join(repoModels, file), join(dir, file));
  }
  return dir;
}

/** A temp model folder: the repository's models plus silent-face installed from ../shared. */
export async function modelDirWithPack(): Promise<string> {
  const dir = linkedModelDir();
  await addPack('silent-face', { modelDir: dir, from: SHARED_PACK });
  return dir;
}
