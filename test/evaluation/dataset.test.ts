import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, readLabelledSet } from '../../functions/evaluation/dataset.js';

function tempSet(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'liveness-eval-set-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('readLabelledSet: MANIFEST.tsv layout', () => {
  it('reads file, label and attack type, groups by source_repo, and leaves out other labels', async () => {
    const root = tempSet({
      'MANIFEST.tsv': [
        'file\tlabel\tattack_type\tsource_repo\tnotes',
        'live/a.jpg\tlive\t-\towner/one\t',
        'spoof/b.png\tspoof\tScreen\towner/one\t',
        'spoof/c.png\tspoof\t-\towner/two\t',
        'noface/d.jpg\tnoface\t-\towner/two\t',
        '',
      ].join('\n'),
      'live/a.jpg': 'x',
      'spoof/b.png': 'x',
      'spoof/c.png': 'x',
      'noface/d.jpg': 'x',
    });
    const set = await readLabelledSet(root);
    expect(set.layout).toBe('manifest');
    expect(set.groupedBy).toBe('the "source_repo" column');
    expect(set.images.map((i) => [i.file, i.label, i.attackType, i.group])).toEqual([
      ['live/a.jpg', 'live', '-', 'owner/one'],
      ['spoof/b.png', 'spoof', 'screen', 'owner/one'],
      ['spoof/c.png', 'spoof', 'unknown', 'owner/two'],
    ]);
    expect(set.images[0]!.path).toBe(join(root, 'live/a.jpg'));
    expect(set.ignored).toEqual([{ file: 'noface/d.jpg', label: 'noface' }]);
  });

  it('groups by the part of the file name before "__" when there is no source column', async () => {
    const root = tempSet({
      'MANIFEST.tsv': 'file\tlabel\nx__1.jpg\tlive\nx__2.jpg\tspoof\ny.jpg\tlive\n',
      'x__1.jpg': 'x',
      'x__2.jpg': 'x',
      'y.jpg': 'x',
    });
    const set = await readLabelledSet(root);
    expect(set.images.map((i) => [i.group, i.attackType])).toEqual([
      ['x', '-'],
      ['x', 'unknown'],
      ['y.jpg', '-'],
    ]);
  });

  it('names the line of a listed file that does not exist, and a header without file/label', async () => {
    const missing = tempSet({ 'MANIFEST.tsv': 'file\tlabel\nlive/a.jpg\tlive\nlive/gone.jpg\tlive\n', 'live/a.jpg': 'x' });
    await expect(readLabelledSet(missing)).rejects.toThrow(/line 3: live\/gone\.jpg does not exist/);
    const badHeader = tempSet({ 'MANIFEST.tsv': 'path,label\nlive/a.jpg,live\n' });
    await expect(readLabelledSet(badHeader)).rejects.toThrow(DatasetError);
  });
});

describe('readLabelledSet: live/ and spoof/<attack-type>/ folders', () => {
  it('takes the attack type from the sub-folder ("unknown" directly in spoof/) and skips non-images', async () => {
    const root = tempSet({
      'live/me.jpg': 'x',
      'live/deeper/me2.PNG': 'x',
      'live/readme.txt': 'not an image',
      'spoof/print/p1.jpg': 'x',
      'spoof/Screen/s1.webp': 'x',
      'spoof/loose.bmp': 'x',
    });
    const set = await readLabelledSet(root);
    expect(set.layout).toBe('folders');
    expect(set.images.map((i) => [i.file, i.label, i.attackType])).toEqual([
      ['live/deeper/me2.PNG', 'live', '-'],
      ['live/me.jpg', 'live', '-'],
      ['spoof/Screen/s1.webp', 'spoof', 'screen'],
      ['spoof/loose.bmp', 'spoof', 'unknown'],
      ['spoof/print/p1.jpg', 'spoof', 'print'],
    ]);
  });

  it('refuses a folder with neither a manifest nor live/ and spoof/, and one with no images', async () => {
    await expect(readLabelledSet(tempSet({ 'photo.jpg': 'x' }))).rejects.toThrow(/MANIFEST\.tsv, or folders live\//);
    await expect(readLabelledSet(tempSet({ 'live/notes.txt': 'x' }))).rejects.toThrow(/no live or spoof images/);
    await expect(readLabelledSet(join(tmpdir(), 'no-such-folder-for-liveness-eval'))).rejects.toThrow(/is not a folder/);
  });
});
