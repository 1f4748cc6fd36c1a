import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** The labelled images beside the project (never committed); tests skip with a printed reason without them. */
export const SHARED_FACES = resolve(import.meta.dirname, '../../../shared/faces');
export const hasSharedFaces = existsSync(join(SHARED_FACES, 'MANIFEST.tsv'));

export function skipReasonWithoutFaces(suite: string): boolean {
  if (!hasSharedFaces) console.warn(`[skip] ${suite}: ${SHARED_FACES} is absent (labelled images are not shipped)`);
  return !hasSharedFaces;
}

export interface LabelledImage {
  readonly file: string;
  readonly path: string;
  readonly label: 'live' | 'spoof' | 'multi' | 'noface' | 'unknown';
  readonly attackType: string;
  readonly sourceRepo: string;
  readonly exifOrientation: string;
  readonly notes: string;
}

/** Rows of ../shared/faces/MANIFEST.tsv, by column name. */
export function labelledImages(): LabelledImage[] {
  const [header, ...lines] = readFileSync(join(SHARED_FACES, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const columns = header!.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const cell = (name: string) => cells[columns.indexOf(name)] ?? '';
    return {
      file: cell('file'),
      path: join(SHARED_FACES, cell('file')),
      label: cell('label') as LabelledImage['label'],
      attackType: cell('attack_type'),
      sourceRepo: cell('source_repo'),
      exifOrientation: cell('exif_orientation'),
      notes: cell('notes'),
    };
  });
}

const require = createRequire(import.meta.url);
/** Real photographs shipped in the devDependency @vladmandic/face-api (several people each). */
export const samplePhotos = [1, 2, 3, 4, 5, 6].map((n) => require.resolve(`@vladmandic/face-api/demo/sample${n}.jpg`));
