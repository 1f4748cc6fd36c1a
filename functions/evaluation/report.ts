import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { type DetCurve, detCurveSvg, scoreHistogramSvg } from './charts.js';
import type { EvaluationRun } from './evaluate.js';
import { percent } from './format.js';
import { detPoints, isDecided } from './summary.js';

/** JSON without Infinity/NaN (they become null): "reject all" thresholds and undefined rates. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);

/** metrics.json: the run minus nothing; per-image results included so a figure can be traced to files. */
export const metricsDocument = (run: EvaluationRun) => ({ tool: 'liveness eval', ...run });

/** The images the report's curves are drawn from: with --calibrate, the report split only. */
function reportedSamples(run: EvaluationRun) {
  const reportGroups = run.calibration ? new Set(run.calibration.split.reportGroups) : undefined;
  return reportGroups ? run.samples.filter((s) => reportGroups.has(s.group)) : run.samples;
}

/** Writes det.svg/.png, histogram.svg/.png and metrics.json into `dir`; returns the paths written. */
export async function writeReport(run: EvaluationRun, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const samples = reportedSamples(run);
  const s = run.summary;
  const where = run.calibration ? 'report split' : 'all images';
  const curves: DetCurve[] = [
    {
      name: `all attacks (n=${s.atThreshold.attacks} decided)`,
      points: detPoints(samples),
      operatingPoint: { apcer: s.atThreshold.apcerPooled, bpcer: s.atThreshold.bpcer },
    },
    ...s.perAttackType.map((t) => ({
      name: `${t.attackType} (n=${t.count})`,
      points: detPoints(samples, t.attackType),
      operatingPoint: { apcer: t.apcer, bpcer: s.atThreshold.bpcer },
    })),
  ];
  const det = detCurveSvg(
    curves,
    `DET, ${where}, decided: ${s.atThreshold.bonaFide} live vs attacks (APNRR ${percent(s.nonResponse.apnrr)}, BPNRR ${percent(s.nonResponse.bpnrr)})`,
  );
  const live = samples.filter((x) => x.label === 'live' && isDecided(x)).map((x) => x.score!);
  const spoof = samples.filter((x) => x.label === 'spoof' && isDecided(x)).map((x) => x.score!);
  const unscored = samples.filter((x) => !isDecided(x));
  const histogram = scoreHistogramSvg(
    [
      { name: 'live (bona fide)', scores: live },
      { name: 'spoof (all attacks)', scores: spoof },
    ],
    run.threshold.value,
    `Live score by class, ${where}`,
    `not drawn (no verdict: no usable face, unusable file or not assessable): live ${unscored.filter((x) => x.label === 'live').length}, ` +
      `spoof ${unscored.filter((x) => x.label === 'spoof').length}`,
  );
  const written: string[] = [];
  const write = async (name: string, data: string | Buffer) => {
    const path = join(dir, name);
    await writeFile(path, data);
    written.push(path);
  };
  await write('det.svg', det);
  await write('det.png', await sharp(Buffer.from(det)).png().toBuffer());
  await write('histogram.svg', histogram);
  await write('histogram.png', await sharp(Buffer.from(histogram)).png().toBuffer());
  await write('metrics.json', `${toJson(metricsDocument(run))}\n`);
  return written;
}
