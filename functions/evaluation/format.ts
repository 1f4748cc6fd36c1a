import type { EvaluationRun } from './evaluate.js';
import type { EvaluationSummary } from './summary.js';

export const percent = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
const num = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const thresholdText = (t: number): string => (Number.isFinite(t) ? String(t) : 'reject all');
const pad = (text: string, width: number) => text.padEnd(width);
const lpad = (text: string, width: number) => text.padStart(width);

/** The metrics block of one set of images, as text. */
export function formatSummary(summary: EvaluationSummary): string[] {
  const s = summary;
  const at = s.atThreshold;
  const noFace = s.unusable.noFace;
  const errors = s.unusable.errors;
  const noFaceCount = noFace.live + noFace.spoof;
  const lines: string[] = [];
  lines.push(
    `images: ${s.counts.images} (live ${s.counts.live}, spoof ${s.counts.spoof}: ` +
      `${Object.entries(s.counts.byAttackType)
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')})`,
    `no usable face: ${noFaceCount} of ${s.counts.images} (${percent(noFace.share)}): live ${noFace.live}, spoof ${noFace.spoof}` +
      ' (counted as rejected: a live one is a BPCER error, a spoof one is not an accepted attack)',
  );
  if (errors.live + errors.spoof > 0) {
    lines.push(
      `other unusable images: live ${errors.live}, spoof ${errors.spoof} (${Object.entries(errors.codes)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ')}), counted like no face`,
    );
  }
  lines.push(
    '',
    `${pad('attack type', 14)}${lpad('n', 5)}${lpad('accepted', 10)}${lpad('APCER', 9)}${lpad('ACER', 9)}${lpad('EER', 9)}${lpad('AUC', 8)}`,
  );
  for (const t of s.perAttackType) {
    lines.push(
      `${pad(t.attackType, 14)}${lpad(String(t.count), 5)}${lpad(String(t.accepted), 10)}${lpad(percent(t.apcer), 9)}` +
        `${lpad(percent(t.acer), 9)}${lpad(percent(t.eer), 9)}${lpad(num(t.auc), 8)}`,
    );
  }
  lines.push(
    `${pad('all attacks', 14)}${lpad(String(at.attacks), 5)}${lpad(String(s.wrong.acceptedAttacks.length), 10)}${lpad(percent(at.apcerPooled), 9)}` +
      `${lpad(percent(at.acerPooled), 9)}${lpad(percent(s.eer.eer), 9)}${lpad(num(s.auc), 8)}`,
    '',
    `APCER ${percent(at.apcer)} (worst attack type${at.worstAttackType ? `: ${at.worstAttackType}` : ''}, ISO/IEC 30107-3)` +
      `   APCER pooled ${percent(at.apcerPooled)}`,
    `BPCER ${percent(at.bpcer)} (${s.wrong.rejectedBonaFide.length} of ${at.bonaFide} live rejected)`,
    `ACER  ${percent(at.acer)} ((APCER + BPCER) / 2)   ACER pooled ${percent(at.acerPooled)}`,
    `EER   ${percent(s.eer.eer)} (all attacks pooled, at threshold ~${num(s.eer.threshold, 4)})   ROC AUC ${num(s.auc)}`,
    `BPCER at APCER <= ${s.bpcerAtApcer.map((b) => `${percent(b.targetApcer)}: ${percent(b.bpcer)} (t=${thresholdText(b.threshold)})`).join(';  ')}`,
  );
  if (noFaceCount + errors.live + errors.spoof > 0) {
    const so = s.scoredOnly;
    lines.push(
      `scored images only (no-face excluded): APCER ${percent(so.apcer)}  BPCER ${percent(so.bpcer)}  ACER ${percent(so.acer)}  ROC AUC ${num(s.aucScoredOnly)}`,
    );
  }
  if (s.actions) {
    const line = (counts: Record<string, number>) => `pass ${counts.pass}, manualReview ${counts.manualReview}, fail ${counts.fail}`;
    lines.push(`API summary.action (decision rules): live: ${line(s.actions.live)};  spoof: ${line(s.actions.spoof)}`);
  }
  lines.push('', `wrong at threshold ${s.threshold}:`);
  if (s.wrong.acceptedAttacks.length + s.wrong.rejectedBonaFide.length === 0) lines.push('  none');
  for (const w of s.wrong.acceptedAttacks) lines.push(`  spoof accepted  ${w.file}  (${w.attackType}, score ${num(w.score, 4)})`);
  for (const w of s.wrong.rejectedBonaFide) {
    lines.push(`  live rejected   ${w.file}  (${w.score === null ? w.reason : `score ${num(w.score, 4)}`})`);
  }
  return lines;
}

/** What `liveness eval` prints without --json. */
export function formatRun(run: EvaluationRun): string {
  const ignored = Object.entries(run.dataset.ignored);
  const lines = [
    `liveness eval ${run.dataset.root}`,
    `set: ${run.dataset.layout === 'manifest' ? 'MANIFEST.tsv' : 'live/ and spoof/<attack-type>/ folders'}, ` +
      `${run.dataset.images} live/spoof images` +
      (ignored.length ? `; not live/spoof, left out: ${ignored.map(([label, n]) => `${label} ${n}`).join(', ')}` : ''),
    `model: ${run.modelVersion}`,
  ];
  const cal = run.calibration;
  if (cal) {
    const sp = cal.split;
    lines.push(
      `split: ${sp.name} (groups by ${sp.groupedBy}; ${sp.rule})`,
      `  calibration: ${sp.calibrationCounts.live} live, ${sp.calibrationCounts.spoof} spoof from ${sp.calibrationGroups.join(', ')}`,
      `  report:      ${sp.reportCounts.live} live, ${sp.reportCounts.spoof} spoof from ${sp.reportGroups.join(', ')}`,
      `threshold: ${run.threshold.value} (calibrated: lowest threshold with APCER <= ${percent(cal.targetApcer)} on the calibration split;` +
        ` there APCER ${percent(cal.choice.apcer)}, BPCER ${percent(cal.choice.bpcer)})`,
    );
  } else {
    lines.push(`threshold: ${run.threshold.value} (${run.threshold.source === 'default' ? 'engine default' : '--threshold'}; live when score >= threshold)`);
  }
  lines.push('', `== ${cal ? 'REPORT SPLIT' : 'ALL IMAGES'}: ${run.reportedOn}`, ...formatSummary(run.summary));
  if (cal) {
    lines.push(
      '',
      '== CALIBRATION SPLIT (the threshold was chosen on these images: optimistic, for reference only)',
      ...formatSummary(cal.onCalibrationSplit),
    );
  }
  return lines.join('\n');
}
