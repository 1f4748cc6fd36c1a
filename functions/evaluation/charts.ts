/** DET curve and score histograms as self-contained SVG text (rendered to PNG by sharp in report.ts). */
import { type OperatingPoint, probit } from './metrics.js';

export interface DetCurve {
  readonly name: string;
  readonly points: readonly OperatingPoint[];
  /** Where the evaluated threshold sits on this curve. */
  readonly operatingPoint?: { readonly apcer: number; readonly bpcer: number };
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';
const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
const pct = (v: number) => `${Number((v * 100).toFixed(2))}%`;

/** DET plot: APCER (x) against BPCER (y) on normal-deviate axes, as ISO/IEC 30107-3 recommends. */
export function detCurveSvg(curves: readonly DetCurve[], title: string): string {
  const width = 720;
  const height = 600;
  const margin = { left: 80, right: 190, top: 50, bottom: 70 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const lo = 0.005;
  const hi = 0.995;
  const [zLo, zHi] = [probit(lo), probit(hi)];
  const clamp = (p: number) => Math.min(hi, Math.max(lo, p));
  const x = (p: number) => margin.left + ((probit(clamp(p)) - zLo) / (zHi - zLo)) * plotW;
  const y = (p: number) => margin.top + plotH - ((probit(clamp(p)) - zLo) / (zHi - zLo)) * plotH;
  const ticks = [0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99];

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left + plotW / 2}" y="28" text-anchor="middle" font-size="17" ${FONT}>${escapeXml(title)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(
      `<line x1="${x(t)}" y1="${margin.top}" x2="${x(t)}" y2="${margin.top + plotH}" stroke="#ddd"/>`,
      `<line x1="${margin.left}" y1="${y(t)}" x2="${margin.left + plotW}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${x(t)}" y="${margin.top + plotH + 18}" text-anchor="middle" font-size="11" ${FONT}>${pct(t)}</text>`,
      `<text x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11" ${FONT}>${pct(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    // The equal-error line APCER = BPCER.
    `<line x1="${x(lo)}" y1="${y(lo)}" x2="${x(hi)}" y2="${y(hi)}" stroke="#999" stroke-dasharray="5,4"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 22}" text-anchor="middle" font-size="13" ${FONT}>APCER (attacks accepted as live), normal-deviate scale</text>`,
    `<text transform="translate(22 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13" ${FONT}>BPCER (live people rejected)</text>`,
  );
  curves.forEach((curve, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const path = curve.points
      .map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.apcer).toFixed(1)},${y(p.bpcer).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="${i === 0 ? 3 : 1.6}"/>`);
    if (curve.operatingPoint) {
      const { apcer, bpcer } = curve.operatingPoint;
      parts.push(`<circle cx="${x(apcer)}" cy="${y(bpcer)}" r="5" fill="${colour}" stroke="black"/>`);
    }
    const ly = margin.top + 10 + i * 22;
    const lx = margin.left + plotW + 14;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="${i === 0 ? 3 : 1.6}"/>`,
      `<text x="${lx + 30}" y="${ly + 4}" font-size="12" ${FONT}>${escapeXml(curve.name)}</text>`,
    );
  });
  const noteY = margin.top + 10 + curves.length * 22 + 10;
  parts.push(
    `<circle cx="${margin.left + plotW + 26}" cy="${noteY}" r="5" fill="white" stroke="black"/>`,
    `<text x="${margin.left + plotW + 44}" y="${noteY + 4}" font-size="12" ${FONT}>at the threshold</text>`,
    `<text x="${margin.left + plotW + 14}" y="${noteY + 24}" font-size="11" fill="#555" ${FONT}>0% and 100% are drawn</text>`,
    `<text x="${margin.left + plotW + 14}" y="${noteY + 38}" font-size="11" fill="#555" ${FONT}>at the plot's edges</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

export interface HistogramClass {
  readonly name: string;
  readonly scores: readonly number[];
}

/** Histograms of live scores by class, as a share of each class, with the threshold marked. */
export function scoreHistogramSvg(
  classes: readonly HistogramClass[],
  threshold: number,
  title: string,
  footnote: string,
  bins = 20,
): string {
  const width = 760;
  const height = 460;
  const margin = { left: 70, right: 20, top: 50, bottom: 90 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const shares = classes.map((c) => {
    const counts = new Array<number>(bins).fill(0);
    for (const s of c.scores) counts[Math.min(bins - 1, Math.max(0, Math.floor(s * bins)))]!++;
    return counts.map((n) => (c.scores.length === 0 ? 0 : n / c.scores.length));
  });
  const top = Math.max(0.05, ...shares.flat());
  const yMax = Math.ceil(top * 10) / 10;
  const binW = plotW / bins;
  const barW = (binW - 4) / Math.max(1, classes.length);
  const y = (v: number) => margin.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left + plotW / 2}" y="28" text-anchor="middle" font-size="17" ${FONT}>${escapeXml(title)}</text>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const v = (yMax * k) / 5;
    parts.push(
      `<line x1="${margin.left}" y1="${y(v)}" x2="${margin.left + plotW}" y2="${y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11" ${FONT}>${Math.round(v * 100)}%</text>`,
    );
  }
  shares.forEach((classShares, c) => {
    classShares.forEach((v, b) => {
      if (v === 0) return;
      const bx = margin.left + b * binW + 2 + c * barW;
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(margin.top + plotH - y(v)).toFixed(1)}" fill="${COLOURS[(c + 2) % COLOURS.length]}" opacity="0.85"/>`,
      );
    });
  });
  for (let b = 0; b <= bins; b += 2) {
    const bx = margin.left + b * binW;
    parts.push(`<text x="${bx}" y="${margin.top + plotH + 16}" text-anchor="middle" font-size="11" ${FONT}>${(b / bins).toFixed(1)}</text>`);
  }
  const tx = margin.left + Math.min(1, Math.max(0, threshold)) * plotW;
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<line x1="${tx}" y1="${margin.top - 6}" x2="${tx}" y2="${margin.top + plotH}" stroke="black" stroke-width="2" stroke-dasharray="6,3"/>`,
    `<text x="${tx}" y="${margin.top - 10}" text-anchor="middle" font-size="12" ${FONT}>threshold ${threshold}</text>`,
    `<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 38}" text-anchor="middle" font-size="13" ${FONT}>live score (live when score &gt;= threshold)</text>`,
    `<text transform="translate(20 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13" ${FONT}>share of the class</text>`,
  );
  classes.forEach((c, i) => {
    const lx = margin.left + 10 + i * 190;
    const ly = height - 26;
    parts.push(
      `<rect x="${lx}" y="${ly - 10}" width="14" height="12" fill="${COLOURS[(i + 2) % COLOURS.length]}"/>`,
      `<text x="${lx + 20}" y="${ly}" font-size="12" ${FONT}>${escapeXml(`${c.name} (n=${c.scores.length})`)}</text>`,
    );
  });
  parts.push(
    `<text x="${width - margin.right}" y="${height - 8}" text-anchor="end" font-size="11" fill="#555" ${FONT}>${escapeXml(footnote)}</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
