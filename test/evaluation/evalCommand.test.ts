import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD } from '../../functions/liveness/engine.js';
import { samplePhotos } from '../helpers/faces.js';
import { liveness } from '../helpers/cli.js';

/**
 * A labelled folder of real photographs (face-api's demo photos; their live/spoof labels here are
 * arbitrary, the harness is under test, not the model), plus a picture without any face and a file
 * that is no image, so both kinds of unusable input show up in the output.
 */
function labelledFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liveness-eval-cli-'));
  const place = (from: string, to: string) => {
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(from, join(dir, to));
  };
  place(samplePhotos[0]!, 'live/sample1.jpg');
  place(samplePhotos[1]!, 'live/sample2.jpg');
  place(samplePhotos[2]!, 'live/sample3.jpg');
  place(samplePhotos[3]!, 'spoof/screen/sample4.jpg');
  place(samplePhotos[4]!, 'spoof/print/sample5.jpg');
  writeFileSync(join(dir, 'spoof/print/notes.jpg'), 'a text file named like a photo');
  return dir;
}

describe('liveness eval on a folder of real photos (folders layout)', () => {
  let dir: string;
  let out: string;
  let text: { code: number; stdout: string; stderr: string };
  let metrics: any;

  beforeAll(async () => {
    dir = labelledFolder();
    // A flat grey picture: decodable, but no face in it.
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .png()
      .toFile(join(dir, 'live/blank.png'));
    out = join(dir, 'report');
    text = await liveness('eval', dir, '--report', out);
    metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  });

  it('prints counts, the threshold, per-attack-type rows, the overall rates and the no-face share', () => {
    expect(text.code, text.stderr).toBe(0);
    const out = text.stdout;
    expect(out).toContain('images: 7 (live 4, spoof 3: print 2, screen 1)');
    expect(out).toContain(`threshold: ${DEFAULT_THRESHOLD} (engine default`);
    expect(out).toContain('no usable face: 1 of 7 (14.3%): live 1, spoof 0');
    expect(out).toMatch(/non-response \(no verdict, the API asks for a retake\): BPNRR \d+\.\d% \(\d of 4 live\), APNRR \d+\.\d% \(\d of 3 attacks\)/);
    expect(out).toContain('by source');
    expect(out).toContain('by assessability');
    expect(out).toContain('other unusable images: live 0, spoof 1 (UNSUPPORTED_FILE_TYPE 1)');
    expect(out).toMatch(/^print\s+2\s+\d\s+\d\s+\d+\.\d%/m);
    expect(out).toMatch(/^screen\s+1\s+\d\s+\d\s+\d+\.\d%/m);
    for (const label of ['APCER ', 'BPCER ', 'ACER ', 'APNRR ', 'BPNRR ', 'EER ', 'ROC AUC', 'BPCER at APCER <= 1.0%', '5.0%', '10.0%', 'attacks that got pass', 'genuine people who got pass first time']) {
      expect(out).toContain(label);
    }
  });

  it('counts the face-less live picture as a non-response, not as a decided rejection', () => {
    expect(text.stdout).not.toContain('live rejected   live/blank.png');
    expect(metrics.summary.nonResponse.byReason.FACE_NOT_DETECTED).toEqual({ live: 1, spoof: 0 });
    const wrongAttacks = metrics.summary.wrong.acceptedAttacks.map((w: { file: string }) => w.file);
    for (const file of wrongAttacks) expect(text.stdout).toContain(`spoof accepted  ${file}`);
    expect(wrongAttacks).not.toContain('spoof/print/notes.jpg');
  });

  it('writes metrics.json consistent with the printed figures and with the engine decisions', () => {
    const s = metrics.summary;
    expect(s.counts).toEqual({ images: 7, live: 4, spoof: 3, byAttackType: { print: 2, screen: 1 } });
    const decided = metrics.samples.filter((x: any) => x.score !== null && x.assessable === true);
    const decidedSpoofs = decided.filter((x: any) => x.label === 'spoof');
    const acceptedSpoofs = decidedSpoofs.filter((x: any) => x.decision === 'yes').length;
    expect(s.atThreshold.apcerPooled).toBeCloseTo(decidedSpoofs.length ? acceptedSpoofs / decidedSpoofs.length : 0, 10);
    const decidedLive = decided.filter((x: any) => x.label === 'live');
    const rejectedLive = decidedLive.filter((x: any) => x.decision !== 'yes').length;
    const bpcerText = decidedLive.length ? ((rejectedLive / decidedLive.length) * 100).toFixed(1) : '0.0';
    expect(text.stdout).toContain(`BPCER ${bpcerText}% (${rejectedLive} of ${decidedLive.length} decided live rejected)`);
    expect(s.nonResponse.bpnrr).toBeCloseTo((4 - decidedLive.length) / 4, 10);
    expect(s.nonResponse.apnrr).toBeCloseTo((3 - decidedSpoofs.length) / 3, 10);
    expect(metrics.threshold).toEqual({ value: DEFAULT_THRESHOLD, source: 'default' });
  });

  it("reports the API's summary.action by class; a picture without a face fails as the API's 422 does", () => {
    const { live, spoof } = metrics.summary.actions;
    expect(live.pass + live.manualReview + live.fail).toBe(4);
    expect(spoof.pass + spoof.manualReview + spoof.fail).toBe(3);
    expect(metrics.samples.find((x: any) => x.file === 'live/blank.png').action).toBe('fail');
    expect(text.stdout).toContain(
      `API summary.action (decision rules): live: pass ${live.pass}, manualReview ${live.manualReview}, fail ${live.fail}`,
    );
  });

  it("scores each image exactly as `liveness check` does (one code path)", async () => {
    const checked = await liveness('check', '--json', join(dir, 'live/sample1.jpg'), join(dir, 'spoof/print/sample5.jpg'));
    const [one, five] = checked.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const score = (file: string) => metrics.samples.find((x: any) => x.file === file).score;
    expect(Math.round(score('live/sample1.jpg') * 10_000) / 10_000).toBe(one.liveFace.score);
    expect(Math.round(score('spoof/print/sample5.jpg') * 10_000) / 10_000).toBe(five.liveFace.score);
  });

  it('writes a DET curve and score histograms as SVG and PNG', async () => {
    for (const name of ['det', 'histogram']) {
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      const png = await sharp(join(out, `${name}.png`)).metadata();
      expect(png.format).toBe('png');
      expect(png.width).toBeGreaterThan(600);
    }
    expect(readFileSync(join(out, 'det.svg'), 'utf8')).toContain('APCER');
    expect(readFileSync(join(out, 'histogram.svg'), 'utf8')).toContain(`threshold ${DEFAULT_THRESHOLD}`);
  });

  it('prints the same document as metrics.json with --json', async () => {
    const json = await liveness('eval', dir, '--json');
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.stdout);
    expect(printed.summary.atThreshold).toEqual(metrics.summary.atThreshold);
    expect(printed.samples).toHaveLength(7);
  });
});

/**
 * Two sources of five genuine images and five attacks each (face-api's demo photos, copied under
 * new names; labels arbitrary): the least `--calibrate` accepts, as every demo photo is assessable.
 */
function twoSourceFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liveness-eval-calibrate-'));
  const rows = ['file\tlabel\tattack_type\tsource_repo'];
  let photo = 0;
  for (const source of ['one', 'two']) {
    for (const [label, type] of [['live', '-'], ['spoof', source === 'one' ? 'screen' : 'print']] as const) {
      mkdirSync(join(dir, source, label), { recursive: true });
      for (let i = 0; i < 5; i++) {
        const file = `${source}/${label}/photo${i}.jpg`;
        copyFileSync(samplePhotos[photo++ % samplePhotos.length]!, join(dir, file));
        rows.push(`${file}\t${label}\t${type}\tsource/${source}`);
      }
    }
  }
  writeFileSync(join(dir, 'MANIFEST.tsv'), `${rows.join('\n')}\n`);
  return dir;
}

describe('liveness eval --calibrate on a MANIFEST.tsv (manifest layout, split by source)', () => {
  it('chooses the threshold on one split, reports on the other, and names both', async () => {
    const dir = twoSourceFolder();
    const run = await liveness('eval', dir, '--calibrate', '--target-apcer', '0', '--split', 'groups:source/one', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.calibration.split.calibrationGroups).toEqual(['source/one']);
    expect(result.calibration.split.reportGroups).toEqual(['source/two']);
    expect(result.calibration.split.calibrationCounts).toEqual({ live: 5, spoof: 5 });
    // Target APCER 0: every attack of the calibration split must be rejected at the chosen threshold.
    const attacks = result.samples.filter((x: any) => x.group === 'source/one' && x.label === 'spoof');
    expect(attacks).toHaveLength(5);
    for (const attack of attacks) expect(attack.score).toBeLessThan(result.threshold.value);
    expect(result.threshold.source).toBe('calibrated');
    // The reported figures cover only the other split.
    expect(result.summary.counts).toEqual({ images: 10, live: 5, spoof: 5, byAttackType: { print: 5 } });
    // The report split was judged by the engine at the chosen threshold, so the API's actions are known there.
    expect(result.summary.actions).not.toBeNull();
    expect(result.calibration.onCalibrationSplit.actions).toBeNull();

    const printed = await liveness('eval', dir, '--calibrate', '--split', 'groups:source/one');
    expect(printed.stdout).toContain('split: groups:source/one');
    expect(printed.stdout).toContain('== REPORT SPLIT');
    expect(printed.stdout).toContain('== CALIBRATION SPLIT');
  });

  it('by default calibrates by leaving one source out, source-balanced, and prints the trade-off table', async () => {
    const dir = twoSourceFolder();
    const run = await liveness('eval', dir, '--calibrate', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.threshold.source).toBe('calibrated');
    expect(result.leaveOneSourceOut.heldOut.folds.map((f: any) => f.source)).toEqual(
      [...new Set(result.samples.filter((x: any) => x.score !== null && x.assessable).map((x: any) => x.group))].sort(),
    );
    expect(result.leaveOneSourceOut.tradeoff.map((r: any) => r.threshold)).toContain(0.5);
    // Every image re-decided at the chosen threshold, with the API's actions worked out again.
    expect(result.summary.actions).not.toBeNull();
    const printed = await liveness('eval', dir, '--calibrate');
    expect(printed.stdout).toContain('leave one source out');
    expect(printed.stdout).toContain('thresholds do not carry to other cameras');
  });

  it('refuses --threshold with --calibrate, and a split that leaves one side without live or spoof', async () => {
    const dir = labelledFolder();
    const both = await liveness('eval', dir, '--calibrate', '--threshold', '0.5');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--threshold and --calibrate exclude each other');
    const lopsided = await liveness('eval', dir, '--calibrate', '--split', 'groups:sample1.jpg');
    expect(lopsided.code).toBe(2);
    expect(lopsided.stderr).toMatch(/leaves a side without (live|spoof) images/);
    expect(existsSync(join(dir, 'report'))).toBe(false);
  });
});
