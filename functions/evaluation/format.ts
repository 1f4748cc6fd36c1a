import type { EvaluationRun } from './evaluate.js';
import type { EvaluationSummary, PartMetrics } from './summary.js';

export const percent = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
const num = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const thresholdText = (t: number): string => (Number.isFinite(t) ? String(t) : 'reject all');
const pad = (text: string, width: number) => text.padEnd(width);
const lpad = (text: string, width: number) => text.padStart(width);

const rate = (v: number): string => (Number.isNaN(v) ? '-' : percent(v));

/** One row of the by-source / by-assessability table. */
function partRow(p: PartMetrics, width: number): string {
  const e = p.endToEnd;
  return (
    `${pad(p.name.length > width ? `${p.name.slice(0, width - 1)}~` : p.name, width)}${lpad(String(p.live), 5)}${lpad(String(p.spoof), 6)}` +
    `${lpad(rate(p.nonResponse.bpnrr), 8)}${lpad(rate(p.nonResponse.apnrr), 8)}${lpad(rate(p.bpcer), 8)}${lpad(rate(p.apcerPooled), 8)}` +
    `${lpad(Number.isNaN(p.auc) ? '-' : num(p.auc), 7)}${lpad(e ? rate(e.genuinePassedFirstTime) : '-', 9)}${lpad(e ? rate(e.attacksPassed) : '-', 9)}` +
    `${lpad(Number.isNaN(p.scored.auc) ? '-' : num(p.scored.auc), 8)}`
  );
}

function partTable(title: string, parts: readonly PartMetrics[]): string[] {
  const width = Math.min(44, Math.max(16, ...parts.map((p) => p.name.length + 1)));
  return [
    title,
    `${pad('', width)}${lpad('live', 5)}${lpad('spoof', 6)}${lpad('BPNRR', 8)}${lpad('APNRR', 8)}${lpad('BPCER', 8)}${lpad('APCER', 8)}` +
      `${lpad('AUC', 7)}${lpad('g.pass', 9)}${lpad('a.pass', 9)}${lpad('AUC all', 8)}`,
    ...parts.map((p) => partRow(p, width)),
  ];
}

/** The metrics block of one set of images, as text. */
export function formatSummary(summary: EvaluationSummary): string[] {
  const s = summary;
  const at = s.atThreshold;
  const nr = s.nonResponse;
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
      ' (no verdict: counted in the non-response rates)',
  );
  if (errors.live + errors.spoof > 0) {
    lines.push(
      `other unusable images: live ${errors.live}, spoof ${errors.spoof} (${Object.entries(errors.codes)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ')}), counted like no face`,
    );
  }
  lines.push(
    `non-response (no verdict, the API asks for a retake): BPNRR ${percent(nr.bpnrr)} (${nr.bonaFide.noResponse} of ${nr.bonaFide.count} live), ` +
      `APNRR ${percent(nr.apnrr)} (${nr.attacks.noResponse} of ${nr.attacks.count} attacks)`,
    ...Object.entries(nr.byReason)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, n]) => `  ${reason}: live ${n.live}, spoof ${n.spoof}`),
    `decided presentations (APCER, BPCER, ACER below are on these): live ${at.bonaFide}, spoof ${at.attacks}`,
    '',
    `${pad('attack type', 14)}${lpad('n', 5)}${lpad('no resp.', 10)}${lpad('accepted', 10)}${lpad('APCER', 9)}${lpad('ACER', 9)}${lpad('EER', 9)}${lpad('AUC', 8)}`,
  );
  for (const t of s.perAttackType) {
    lines.push(
      `${pad(t.attackType, 14)}${lpad(String(t.count), 5)}${lpad(String(t.noResponse), 10)}${lpad(String(t.accepted), 10)}${lpad(percent(t.apcer), 9)}` +
        `${lpad(percent(t.acer), 9)}${lpad(percent(t.eer), 9)}${lpad(num(t.auc), 8)}`,
    );
  }
  lines.push(
    `${pad('all attacks', 14)}${lpad(String(nr.attacks.count), 5)}${lpad(String(nr.attacks.noResponse), 10)}${lpad(String(s.wrong.acceptedAttacks.length), 10)}${lpad(percent(at.apcerPooled), 9)}` +
      `${lpad(percent(at.acerPooled), 9)}${lpad(percent(s.eer.eer), 9)}${lpad(num(s.auc), 8)}`,
    '',
    `APCER ${percent(at.apcer)} (worst attack type${at.worstAttackType ? `: ${at.worstAttackType}` : ''}, ISO/IEC 30107-3, decided presentations)` +
      `   APCER pooled ${percent(at.apcerPooled)}`,
    `BPCER ${percent(at.bpcer)} (${s.wrong.rejectedBonaFide.length} of ${at.bonaFide} decided live rejected)`,
    `ACER  ${percent(at.acer)} ((APCER + BPCER) / 2)   ACER pooled ${percent(at.acerPooled)}`,
    `APNRR ${percent(nr.apnrr)}   BPNRR ${percent(nr.bpnrr)} (no verdict: no usable face, or not assessable)`,
    `EER   ${percent(s.eer.eer)} (all attacks pooled, at threshold ~${num(s.eer.threshold, 4)})   ROC AUC ${num(s.auc)}`,
    `BPCER at APCER <= ${s.bpcerAtApcer.map((b) => `${percent(b.targetApcer)}: ${percent(b.bpcer)} (t=${thresholdText(b.threshold)})`).join(';  ')}`,
    `system view (no verdict counted as rejected, as published before assessability): APCER ${percent(s.systemView.apcer)}  ` +
      `APCER pooled ${percent(s.systemView.apcerPooled)}  BPCER ${percent(s.systemView.bpcer)}  ROC AUC ${num(s.systemView.auc)}`,
  );
  if (s.endToEnd && s.actions) {
    const e = s.endToEnd;
    const line = (counts: Record<string, number>) => `pass ${counts.pass}, manualReview ${counts.manualReview}, fail ${counts.fail}`;
    lines.push(
      `end to end (API summary.action, decision rules): attacks that got pass ${percent(e.attacksPassed)} (${s.actions.spoof.pass} of ${s.counts.spoof}); ` +
        `genuine people who got pass first time ${percent(e.genuinePassedFirstTime)} (${s.actions.live.pass} of ${s.counts.live})`,
      `API summary.action (decision rules): live: ${line(s.actions.live)};  spoof: ${line(s.actions.spoof)}`,
    );
  }
  lines.push(
    '',
    ...partTable(
      'by assessability (BPNRR/APNRR: no verdict; BPCER/APCER/AUC: decided; g.pass/a.pass: genuine/attacks that got pass; AUC all: raw score on every scored face)',
      [s.byAssessability.assessable, s.byAssessability.notAssessable],
    ),
    '',
    ...partTable('by source', s.bySource),
  );
  lines.push('', `wrong at threshold ${s.threshold} (decided presentations):`);
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
  const loso = run.leaveOneSourceOut;
  if (loso) {
    const f = loso.heldOut;
    lines.push(
      `calibration: ${loso.rule} (target ${percent(loso.targetApcer)}; sources = ${loso.groupedBy})`,
      `threshold: ${run.threshold.value} (chosen on all sources: source-balanced APCER ${rate(loso.choice.apcer)}, BPCER ${rate(loso.choice.bpcer)})`,
      `leave one source out (each source at the threshold the others choose, thresholds ${f.thresholds.min}..${f.thresholds.max}): ` +
        `mean APCER ${rate(f.apcer)}, mean BPCER ${rate(f.bpcer)} (sources with >= 5 decided images of the class)`,
      `${pad('  source left out', 48)}${lpad('threshold', 10)}${lpad('live', 6)}${lpad('spoof', 6)}${lpad('APCER', 8)}${lpad('BPCER', 8)}`,
      ...f.folds.map(
        (fold) =>
          `${pad(`  ${fold.source}`.slice(0, 47), 48)}${lpad(String(fold.threshold), 10)}${lpad(String(fold.live), 6)}${lpad(String(fold.spoof), 6)}` +
          `${lpad(rate(fold.apcer), 8)}${lpad(rate(fold.bpcer), 8)}`,
      ),
      '',
      'trade-off (decided presentations; source-balanced over sources with >= 5 of the class; thresholds do not carry to other cameras):',
      `${pad('  threshold', 12)}${lpad('APCER', 8)}${lpad('BPCER', 8)}  per source APCER/BPCER`,
      ...loso.tradeoff.map(
        (row) =>
          `${pad(`  ${row.threshold}`, 12)}${lpad(rate(row.apcer), 8)}${lpad(rate(row.bpcer), 8)}  ` +
          row.sources.map((src) => `${src.source.split('/')[0]} ${rate(src.apcer)}/${rate(src.bpcer)}`).join(', '),
      ),
    );
  } else if (cal) {
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
  lines.push('', `== ${cal ? 'REPORT SPLIT' : loso ? 'ALL IMAGES AT THE CALIBRATED THRESHOLD' : 'ALL IMAGES'}: ${run.reportedOn}`, ...formatSummary(run.summary));
  if (cal) {
    lines.push(
      '',
      '== CALIBRATION SPLIT (the threshold was chosen on these images: optimistic, for reference only)',
      ...formatSummary(cal.onCalibrationSplit),
    );
  }
  return lines.join('\n');
}
