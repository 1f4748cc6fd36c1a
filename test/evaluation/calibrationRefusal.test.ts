import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { labelledImages, skipReasonWithoutFaces } from '../helpers/faces.js';
import { liveness } from '../helpers/cli.js';

const skip = skipReasonWithoutFaces('liveness eval --calibrate refusal');

const SOURCES = ['getchui/sample-apps', 'minivision-ai/Silent-Face-Anti-Spoofing'];

/** Three genuine images and three attacks from each of two sources of ../shared/faces: far below what calibration needs. */
function smallFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liveness-calibrate-small-'));
  const rows = ['file\tlabel\tattack_type\tsource_repo'];
  for (const source of SOURCES) {
    for (const label of ['live', 'spoof'] as const) {
      for (const image of labelledImages().filter((i) => i.sourceRepo === source && i.label === label).slice(0, 3)) {
        mkdirSync(join(dir, image.file, '..'), { recursive: true });
        copyFileSync(image.path, join(dir, image.file));
        rows.push(`${image.file}\t${label}\t${image.attackType}\t${source}`);
      }
    }
  }
  writeFileSync(join(dir, 'MANIFEST.tsv'), `${rows.join('\n')}\n`);
  return dir;
}

describe.skipIf(skip)('liveness eval --calibrate on a folder with too few images per source', () => {
  let dir: string;
  beforeAll(() => {
    dir = smallFolder();
  });

  it('refuses with exit 2, the counts of each source and what is needed, instead of choosing a threshold', async () => {
    const result = await liveness('eval', dir, '--calibrate', '--target-apcer', '0.1');
    expect(result.code, result.stdout).toBe(2);
    expect(result.stdout).not.toContain('threshold:');
    const text = result.stderr;
    expect(text).toContain('cannot calibrate on');
    expect(text).toContain('needs at least 2 sources with 5 or more decided attacks and at least 2 sources with 5 or more decided genuine images');
    for (const source of SOURCES) expect(text).toMatch(new RegExp(`^${source}\\s+\\d of 3 \\(\\d short\\)\\s+\\d of 3 \\(\\d short\\)$`, 'm'));
    expect(text).toContain('--threshold');
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('refuses a two-sided split whose calibration side has too few', async () => {
    const result = await liveness('eval', dir, '--calibrate', '--split', `groups:${SOURCES[0]}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot calibrate on the calibration side of groups:${SOURCES[0]}`);
    expect(result.stderr).toMatch(new RegExp(`^${SOURCES[0]}\\s+\\d of 3`, 'm'));
    expect(result.stderr).not.toMatch(new RegExp(`^${SOURCES[1]}`, 'm'));
  });

  it('says --target-apcer needs --calibrate rather than ignoring it', async () => {
    const result = await liveness('eval', dir, '--target-apcer', '0.1');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--target-apcer only applies with --calibrate');
  });
});
