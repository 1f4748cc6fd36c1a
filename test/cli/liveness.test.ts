import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { samplePhotos } from '../helpers/faces.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'functions/cli/liveness.ts');

async function liveness(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [cli, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('liveness check (CLI, no server)', () => {
  it('prints one JSON object per image shaped like the API result.details, and exits 2 after an unusable file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liveness-cli-'));
    const notAnImage = join(dir, 'notes.jpg');
    writeFileSync(notAnImage, 'a text file named like a photo');
    const { code, stdout } = await liveness('check', '--json', samplePhotos[0]!, notAnImage, samplePhotos[1]!);
    expect(code).toBe(2);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    const [first, bad, last] = lines;
    for (const ok of [first, last]) {
      expect(['yes', 'no']).toContain(ok.liveFace.value);
      expect(['high', 'low']).toContain(ok.liveFace.confidence);
      expect(ok.liveFace.score).toBeGreaterThanOrEqual(0);
      expect(ok.liveFace.score).toBeLessThanOrEqual(1);
      expect(ok.face.facesDetected).toBeGreaterThan(0);
      expect(Object.keys(ok.face.boundingBox).sort()).toEqual(['height', 'left', 'top', 'width']);
    }
    expect(first.file).toBe(samplePhotos[0]);
    expect(bad).toEqual({
      file: notAnImage,
      error: { code: 'UNSUPPORTED_FILE_TYPE', message: expect.stringContaining('unsupported file type') },
    });
  });

  it('applies --threshold to the decision and --selection to the face', async () => {
    const strict = JSON.parse((await liveness('check', '--json', '--threshold', '1', samplePhotos[2]!)).stdout);
    const lax = JSON.parse((await liveness('check', '--json', '--threshold', '0', samplePhotos[2]!)).stdout);
    expect(strict.liveFace.score).toBe(lax.liveFace.score);
    expect(lax.liveFace.value).toBe('yes');
    expect(strict.liveFace.value).toBe(strict.liveFace.score >= 1 ? 'yes' : 'no');
    expect(strict.threshold).toBe(1);
    const centre = JSON.parse((await liveness('check', '--json', '--selection', 'CLOSEST_TO_CENTER', samplePhotos[2]!)).stdout);
    expect(centre.selectionCriteria).toBe('CLOSEST_TO_CENTER');
  });

  it('refuses a threshold outside 0..1 and an unknown selection with a usage error', async () => {
    const badThreshold = await liveness('check', '--threshold', '1.5', samplePhotos[0]!);
    expect(badThreshold.code).not.toBe(0);
    expect(badThreshold.stderr).toContain('a number from 0 to 1');
    const badSelection = await liveness('check', '--selection', 'LARGEST', samplePhotos[0]!);
    expect(badSelection.code).not.toBe(0);
    expect(badSelection.stderr).toContain('CLOSEST_TO_CENTER');
  });

  it('answers the requested quality checks and attributes, and only those', async () => {
    const args = ['check', '--json', '--quality-checks', 'blur,hat', '--attributes', 'ageRange', samplePhotos[1]!];
    const result = JSON.parse((await liveness(...args)).stdout);
    expect(Object.keys(result.qualityChecks).sort()).toEqual(['blur', 'hat']);
    expect(result.qualityChecks.hat.value).toBe('unsupported');
    expect(['yes', 'no']).toContain(result.qualityChecks.blur.value);
    expect(result.ageRange.low).toBeLessThan(result.ageRange.high);
    expect(result.gender).toBeUndefined();
    expect(typeof result.qualityStatus).toBe('string');
    const plain = JSON.parse((await liveness('check', '--json', samplePhotos[1]!)).stdout);
    expect(plain.qualityChecks).toBeUndefined();
    expect(plain.ageRange).toBeUndefined();
    const unknown = await liveness('check', '--quality-checks', 'blurry', samplePhotos[1]!);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown blurry');
  });

  it('documents itself in --help', async () => {
    const { code, stdout } = await liveness('check', '--help');
    expect(code).toBe(0);
    for (const flag of ['--json', '--threshold', '--selection']) expect(stdout).toContain(flag);
  });
});

describe('liveness check on a face the model cannot judge', () => {
  it('prints assessable=no, the reason, the crop scale and the retake action, and the same in --json', async () => {
    const sharp = (await import('sharp')).default;
    const { readFileSync } = await import('node:fs');
    const photo = readFileSync(samplePhotos[1]!);
    // The largest face of the photo, cut tightly (1.3x its box), as research crops are.
    const full = JSON.parse((await liveness('check', '--json', samplePhotos[1]!)).stdout);
    const box = full.face.boundingBox;
    const side = Math.round(1.3 * Math.max(box.width, box.height));
    const left = Math.max(0, Math.round(box.left + box.width / 2 - side / 2));
    const top = Math.max(0, Math.round(box.top + box.height / 2 - side / 2));
    const dir = mkdtempSync(join(tmpdir(), 'liveness-cli-tight-'));
    const tight = join(dir, 'tight.jpg');
    writeFileSync(tight, await sharp(photo).extract({ left, top, width: side, height: side }).resize(480, 480).jpeg().toBuffer());

    const text = await liveness('check', tight);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/live=no score=\d\.\d{3} confidence=low assessable=no reason=FACE_(TOO_CLOSE|CROPPED|WITHOUT_PADDING) cropScale=\d\.\d\d\/2\.7/);
    expect(text.stdout).toContain("action=manualReview (205 Hold the phone at arm's length so your head and shoulders are in the picture");
    const json = JSON.parse((await liveness('check', '--json', tight)).stdout);
    expect(json.liveFace).toMatchObject({ value: 'no', confidence: 'low', assessable: false });
    expect(json.assessability.assessable).toBe(false);
    expect(json.qualityStatus).toBe(json.assessability.reason);
    expect(json.summary.action).toBe('manualReview');
    expect(full.assessability.assessable).toBe(true);
  });
});
