import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import silentFace from '../../models/packs/silent-face.json' with { type: 'json' };
import type { ModelSpec } from './modelRegistry.js';

/** Where an fr_detect box must move to look like the box a pack's models were trained on (fractions of the box). */
export interface BoxMapping {
  readonly centreXShift: number;
  readonly centreYShift: number;
  readonly widthScale: number;
  readonly heightScale: number;
}

/** One liveness model of a pack: a ModelSpec whose id is the pack's own, plus how to map our face box. */
export interface PackModelSpec extends Omit<ModelSpec, 'id'> {
  readonly id: string;
  readonly bytes: number;
  readonly purpose: string;
  readonly boxMapping?: BoxMapping;
}

export interface PackFile {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly sources: readonly string[];
}

/** A declared set of extra liveness models (models/packs/NAME.json): data, never committed weights. */
export interface PackDeclaration {
  readonly name: string;
  readonly description: string;
  readonly licence: string;
  readonly copyright: string;
  /** URL templates tried in order; `{file}` is replaced by a model's file name. */
  readonly sources: readonly string[];
  readonly licenceFiles: readonly PackFile[];
  readonly models: readonly PackModelSpec[];
}

export const PACKS: readonly PackDeclaration[] = [silentFace as unknown as PackDeclaration];

export function packDeclaration(name: string): PackDeclaration | undefined {
  return PACKS.find((pack) => pack.name === name);
}

/** A pack's install folder: `packs/NAME` inside the model folder (models/, or /opt/models in the Lambda layer). */
export const packDir = (modelDir: string, name: string): string => join(modelDir, 'packs', name);

const present = (path: string, bytes: number): boolean => existsSync(path) && statSync(path).size === bytes;

/** Packs whose every model file is in place (checksums are verified when installed, sizes here). */
export function installedPacks(modelDir: string): PackDeclaration[] {
  return PACKS.filter((pack) => pack.models.every((m) => present(join(packDir(modelDir, pack.name), m.file), m.bytes)));
}
