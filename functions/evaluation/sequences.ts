import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatasetError, type LabelledImage, readLabelledSet } from './dataset.js';

/** One presentation to judge: a single image, or the frames of one short capture in time order. */
export interface LabelledPresentation {
  /** The sequence folder or the image file, relative to the set's folder. */
  readonly id: string;
  readonly paths: readonly string[];
  readonly label: 'live' | 'spoof';
  readonly attackType: string;
  readonly group: string;
}

export interface PresentationSet {
  readonly root: string;
  readonly kind: 'sequences' | 'images';
  readonly presentations: readonly LabelledPresentation[];
}

const FRAME_FILE = /\.(jpe?g|png|webp|bmp)$/i;

/** Whether the folder's MANIFEST.tsv lists sequences (a `seq` column) rather than images. */
export async function isSequenceSet(root: string): Promise<boolean> {
  const manifest = join(root, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return false;
  const header = (await readFile(manifest, 'utf8')).split(/\r?\n/, 1)[0]!.split('\t').map((h) => h.trim().toLowerCase());
  return header.includes('seq');
}

/** A MANIFEST.tsv with columns seq (a folder of frames), label, attack_type and source_repo (the group). */
export async function readSequenceSet(root: string): Promise<PresentationSet> {
  const manifest = join(root, 'MANIFEST.tsv');
  const lines = (await readFile(manifest, 'utf8')).split(/\r?\n/);
  const header = lines[0]!.split('\t').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('seq') < 0 || col('label') < 0) throw new DatasetError(`${manifest}: the header needs the columns "seq" and "label"`);
  const groupCol = ['group', 'subject', 'video', 'source_repo'].map(col).find((c) => c >= 0) ?? -1;
  const presentations: LabelledPresentation[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    if (line.trim() === '') continue;
    const cells = line.split('\t');
    const seq = (cells[col('seq')] ?? '').trim();
    const label = (cells[col('label')] ?? '').trim().toLowerCase();
    if (label !== 'live' && label !== 'spoof') continue;
    const dir = join(root, seq);
    if (!existsSync(dir)) throw new DatasetError(`${manifest} line ${i + 2}: ${seq} does not exist`);
    const frames = (await readdir(dir)).filter((f) => FRAME_FILE.test(f)).sort();
    if (frames.length === 0) throw new DatasetError(`${manifest} line ${i + 2}: ${seq} has no frames`);
    const rawType = col('attack_type') >= 0 ? (cells[col('attack_type')] ?? '').trim().toLowerCase() : '';
    presentations.push({
      id: seq,
      paths: frames.map((f) => join(dir, f)),
      label,
      attackType: label === 'live' ? '-' : rawType && rawType !== '-' ? rawType : 'unknown',
      group: (groupCol >= 0 ? (cells[groupCol] ?? '').trim() : '') || seq.split('/')[0]!,
    });
  }
  if (presentations.length === 0) throw new DatasetError(`${root}: no live or spoof sequences found`);
  return { root, kind: 'sequences', presentations };
}

/** Sequences when the manifest has a `seq` column, else every labelled image as a one-frame presentation. */
export async function readPresentations(root: string): Promise<PresentationSet> {
  if (await isSequenceSet(root)) return readSequenceSet(root);
  const set = await readLabelledSet(root);
  return {
    root,
    kind: 'images',
    presentations: set.images.map((image) => ({
      id: image.file,
      paths: [image.path],
      label: image.label,
      attackType: image.attackType,
      group: image.group,
    })),
  };
}

/** Every labelled image of a folder; a sequences folder gives each of its frames (file `<seq>/<frame>`, grouped by source). */
export async function labelledFrames(root: string): Promise<LabelledImage[]> {
  if (!(await isSequenceSet(root))) return [...(await readLabelledSet(root)).images];
  const set = await readSequenceSet(root);
  return set.presentations.flatMap((p) =>
    p.paths.map((path) => ({ file: `${p.id}/${basename(path)}`, path, label: p.label, attackType: p.attackType, group: p.group })),
  );
}
