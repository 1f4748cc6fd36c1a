import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { headChecksum } from '../../functions/training/train.js';
import { liveness } from '../helpers/cli.js';
import { labelledImages, skipReasonWithoutFaces } from '../helpers/faces.js';

async function train(...args: string[]): Promise<void> {
  const run = await liveness('train', ...args);
  if (run.code !== 0) throw new Error(`liveness train exited ${run.code}: ${run.stderr}`);
}

/** A labelled folder of up to `perClass` live and spoof images of each source, copied from ../shared/faces. */
function labelledFolder(dir: string, sources: readonly string[], perClass: number): string {
  const rows = ['file\tlabel\tattack_type\tsource_repo'];
  for (const source of sources) {
    for (const label of ['live', 'spoof'] as const) {
      for (const image of labelledImages().filter((i) => i.sourceRepo === source && i.label === label).slice(0, perClass)) {
        mkdirSync(join(dir, image.file, '..'), { recursive: true });
        copyFileSync(image.path, join(dir, image.file));
        rows.push(`${image.file}\t${label}\t${image.attackType}\t${source}`);
      }
    }
  }
  writeFileSync(join(dir, 'MANIFEST.tsv'), `${rows.join('\n')}\n`);
  return dir;
}

describe.skipIf(skipReasonWithoutFaces('liveness train byte-for-byte'))('liveness train is byte-for-byte reproducible', () => {
  let work: string;
  let first: Buffer;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'liveness-train-'));
    labelledFolder(join(work, 'set-a'), ['Apfol/liveness-detection-opencv', 'getchui/sample-apps'], 5);
    labelledFolder(join(work, 'set-b'), ['minivision-ai/Silent-Face-Anti-Spoofing', 'CHELSEA234/Multi-domain-learning-FAS'], 5);
    await train(join(work, 'set-a'), join(work, 'set-b'), '--out', join(work, 'first.json'), '--cache', join(work, 'cache.json'));
    first = readFileSync(join(work, 'first.json'));
  }, 600_000);

  it('writes the same bytes again from the evidence cache, with the folders in the other order', async () => {
    await train(join(work, 'set-b'), join(work, 'set-a'), '--out', join(work, 'again.json'), '--cache', join(work, 'cache.json'));
    expect(readFileSync(join(work, 'again.json')).equals(first)).toBe(true);
  }, 600_000);

  it('writes the same bytes again with the evidence computed afresh', async () => {
    await train(join(work, 'set-a'), join(work, 'set-b'), '--out', join(work, 'fresh.json'), '--cache', join(work, 'fresh-cache.json'));
    expect(readFileSync(join(work, 'fresh.json')).equals(first)).toBe(true);
  }, 600_000);

  it('records its own checksum and the checksums of its data list and of the evidence', () => {
    const head = JSON.parse(first.toString('utf8'));
    expect(head.sha256).toBe(headChecksum(head));
    expect(head.training.trainingData).toHaveLength(head.training.samples);
    expect(head.training.trainingDataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(head.training.evidenceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(head)).not.toMatch(/20\d\d-\d\d-\d\dT/);
  });
});
