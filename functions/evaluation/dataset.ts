import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

/** One labelled image of an evaluation set. */
export interface LabelledImage {
  /** Path relative to the set's folder, with forward slashes. */
  readonly file: string;
  readonly path: string;
  readonly label: 'live' | 'spoof';
  /** PAI species of a spoof (print, screen, mask, unknown, ...); "-" for live images. */
  readonly attackType: string;
  /** Images of one group (source, subject or video) always land in the same split. */
  readonly group: string;
}

export interface LabelledSet {
  readonly root: string;
  readonly layout: 'manifest' | 'folders';
  /** What `group` is made of, said in the output so a split can be understood. */
  readonly groupedBy: string;
  readonly images: readonly LabelledImage[];
  /** Rows with other labels (multi, noface, unknown, ...): not live/spoof, so not in the metrics. */
  readonly ignored: readonly { readonly file: string; readonly label: string }[];
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|bmp)$/i;
const toPosix = (path: string) => path.split(sep).join('/');

/** Without a source column, the part of a file name before "__" (e.g. "owner__repo__frame.png") groups it. */
function groupFromFileName(file: string): string {
  const name = basename(file);
  const parts = name.split('__');
  return parts.length > 1 ? parts.slice(0, -1).join('__') : name;
}

function parseTsv(text: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const rows = lines
    .slice(1)
    .map((line, i) => ({ line: i + 2, cells: line.split('\t') }))
    .filter((row) => row.cells.some((c) => c.trim() !== ''));
  return { header, rows };
}

/** A `MANIFEST.tsv` with columns file, label (live|spoof|...), attack_type, and optionally group or source_repo. */
export async function readManifest(root: string, manifestPath = join(root, 'MANIFEST.tsv')): Promise<LabelledSet> {
  const { header, rows } = parseTsv(await readFile(manifestPath, 'utf8'));
  const column = (name: string) => header.indexOf(name);
  const fileCol = column('file');
  const labelCol = column('label');
  if (fileCol < 0 || labelCol < 0) {
    throw new DatasetError(`${manifestPath}: the header row needs the columns "file" and "label" (tab-separated)`);
  }
  const attackCol = column('attack_type');
  const groupColumn = ['group', 'subject', 'video', 'source_repo'].find((name) => column(name) >= 0);
  const groupCol = groupColumn ? column(groupColumn) : -1;

  const images: LabelledImage[] = [];
  const ignored: { file: string; label: string }[] = [];
  for (const { line, cells } of rows) {
    const file = (cells[fileCol] ?? '').trim();
    const label = (cells[labelCol] ?? '').trim().toLowerCase();
    if (!file) throw new DatasetError(`${manifestPath} line ${line}: empty "file"`);
    if (label !== 'live' && label !== 'spoof') {
      ignored.push({ file, label: label || '(empty)' });
      continue;
    }
    const path = join(root, file);
    if (!existsSync(path)) throw new DatasetError(`${manifestPath} line ${line}: ${file} does not exist`);
    const rawType = attackCol >= 0 ? (cells[attackCol] ?? '').trim().toLowerCase() : '';
    const attackType = label === 'live' ? '-' : rawType && rawType !== '-' ? rawType : 'unknown';
    const group = (groupCol >= 0 ? (cells[groupCol] ?? '').trim() : '') || groupFromFileName(file);
    images.push({ file: toPosix(file), path, label, attackType, group });
  }
  return {
    root,
    layout: 'manifest',
    groupedBy: groupColumn ? `the "${groupColumn}" column` : 'file name prefix before "__"',
    images,
    ignored,
  };
}

async function imagesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await imagesUnder(path)));
    else if (entry.isFile() && IMAGE_EXTENSIONS.test(entry.name)) found.push(path);
  }
  return found.sort();
}

/** Folders `live/` and `spoof/<attack-type>/` (images directly in `spoof/` are of type "unknown"). */
export async function readFolders(root: string): Promise<LabelledSet> {
  const liveDir = join(root, 'live');
  const spoofDir = join(root, 'spoof');
  if (!existsSync(liveDir) && !existsSync(spoofDir)) {
    throw new DatasetError(`${root}: expected a MANIFEST.tsv, or folders live/ and spoof/<attack-type>/`);
  }
  const images: LabelledImage[] = [];
  const add = (path: string, label: 'live' | 'spoof', attackType: string) => {
    const file = toPosix(relative(root, path));
    images.push({ file, path, label, attackType, group: groupFromFileName(file) });
  };
  if (existsSync(liveDir)) for (const path of await imagesUnder(liveDir)) add(path, 'live', '-');
  if (existsSync(spoofDir)) {
    for (const path of await imagesUnder(spoofDir)) {
      const [first, ...rest] = toPosix(relative(spoofDir, path)).split('/');
      add(path, 'spoof', rest.length > 0 ? first!.toLowerCase() : 'unknown');
    }
  }
  return { root, layout: 'folders', groupedBy: 'file name prefix before "__" (else the file)', images, ignored: [] };
}

/** A labelled set from a folder: its MANIFEST.tsv when there is one, else the live/ and spoof/ folders. */
export async function readLabelledSet(root: string): Promise<LabelledSet> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new DatasetError(`${root} is not a folder`);
  const manifest = join(root, 'MANIFEST.tsv');
  const set = existsSync(manifest) ? await readManifest(root, manifest) : await readFolders(root);
  if (set.images.length === 0) throw new DatasetError(`${root}: no live or spoof images found`);
  return set;
}
