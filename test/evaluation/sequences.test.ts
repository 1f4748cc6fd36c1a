import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD } from '../../functions/liveness/engine.js';
import { apcerAtBpcer } from '../../functions/evaluation/compareMethods.js';
import { readPresentations, readSequenceSet } from '../../functions/evaluation/sequences.js';
import { SHARED_SEQUENCES, skipReasonWithoutSequences } from '../helpers/sequences.js';

const root = resolve(import.meta.dirname, '../..');
const skip = skipReasonWithoutSequences('sequences in the evaluation harness');

describe('APCER at a given BPCER', () => {
  it('takes the highest threshold that keeps BPCER at or under the target', () => {
    const live = [0.9, 0.8, 0.7, 0.2];
    const spoof = [0.1, 0.3, 0.75, 0.85];
    expect(apcerAtBpcer(live, spoof, 0.25)).toBe(0.5); // t = 0.7 rejects one live (0.2), accepts 0.75 and 0.85
    expect(apcerAtBpcer(live, spoof, 0)).toBe(0.75); // t = 0.2 rejects no live
    expect(apcerAtBpcer([-1, 0.5], [0.1], 0)).toBeNaN(); // an unscored live is rejected at every threshold
  });
});

describe.skipIf(skip)('reading ../shared/sequences (one folder per sequence, MANIFEST.tsv with a seq column)', () => {
  it('reads every sequence with its frames in time order and its source as the group', async () => {
    const set = await readSequenceSet(SHARED_SEQUENCES);
    expect(set.kind).toBe('sequences');
    expect(set.presentations).toHaveLength(62);
    expect(set.presentations.filter((p) => p.label === 'live')).toHaveLength(29);
    const zubair = set.presentations.find((p) => p.id === 'live/zubair-real-01')!;
    expect(zubair.paths.map((p) => p.slice(-7))).toEqual(['f01.jpg', 'f02.jpg', 'f03.jpg', 'f04.jpg']);
    expect(zubair.group).toBe('ZubairCracksCode/anit-spoofing');
    expect(set.presentations.every((p) => p.paths.length >= 3 && p.paths.length <= 5)).toBe(true);
    expect((await readPresentations(SHARED_SEQUENCES)).kind).toBe('sequences');
  });

  it('liveness eval on a sequences folder prints faster and merged side by side, and the inconsistency rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liveness-seq-'));
    const lines = readFileSync(join(SHARED_SEQUENCES, 'MANIFEST.tsv'), 'utf8').split('\n');
    const keep = ['live/zubair-real-02', 'live/tran-real-01', 'spoof/screen/zubair-fake-02', 'spoof/screen/tran-fake-01'];
    const rows = lines.filter((l) => keep.includes(l.split('\t')[0]!));
    for (const seq of keep) {
      mkdirSync(join(dir, seq), { recursive: true });
      cpSync(join(SHARED_SEQUENCES, seq), join(dir, seq), { recursive: true });
    }
    writeFileSync(join(dir, 'MANIFEST.tsv'), [lines[0], ...rows].join('\n'));
    const { stdout } = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'functions/cli/liveness.ts'), 'eval', dir], {
      cwd: root,
    });
    expect(stdout).toContain('4 sequences; faster vs merged side by side');
    expect(stdout).toMatch(new RegExp(`faster \\(frame 1\\)\\s+${DEFAULT_THRESHOLD}`));
    expect(stdout).toMatch(/merged, frame 1 only/);
    expect(stdout).toMatch(/merged, all frames/);
    expect(stdout).toMatch(/INCONSISTENT_DETECTION on live sequences: \d of 2 judged/);
    expect(stdout).toContain('ZubairCracksCode/anit-spoofing');
  });
});
