/**
 * L2-regularised, sample-weighted logistic regression fitted by Newton's method (IRLS), on
 * standardised features. Small and exact: a few hundred features and a thousand rows.
 */

export interface Standardiser {
  readonly mean: number[];
  readonly scale: number[];
}

/** Weighted mean and standard deviation per column; a constant column keeps scale 1. */
export function standardiser(rows: readonly (readonly number[])[], weights: readonly number[]): Standardiser {
  const d = rows[0]!.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  rows.forEach((row, i) => row.forEach((v, j) => (mean[j]! += (weights[i]! * v) / total)));
  rows.forEach((row, i) => row.forEach((v, j) => (scale[j]! += (weights[i]! * (v - mean[j]!) ** 2) / total)));
  return { mean, scale: scale.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

export interface LogisticModel extends Standardiser {
  readonly weights: number[];
  readonly bias: number;
}

/** Solves A x = b for a symmetric positive definite A (Cholesky), A given as a flat row-major array. */
function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}

/**
 * Minimises sum_i w_i logloss_i / sum_i w_i + lambda/2 |weights|^2 (the bias is not penalised).
 * labels: 1 live, 0 spoof.
 */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  sampleWeights: readonly number[],
  lambda: number,
  iterations = 25,
): LogisticModel {
  const { mean, scale } = standardiser(rows, sampleWeights);
  const n = rows.length;
  const d = mean.length + 1; // last column: the bias
  const x = new Float64Array(n * d);
  rows.forEach((row, i) => {
    for (let j = 0; j < d - 1; j++) x[i * d + j] = (row[j]! - mean[j]!) / scale[j]!;
    x[i * d + d - 1] = 1;
  });
  const total = sampleWeights.reduce((a, b) => a + b, 0);
  const w = sampleWeights.map((v) => v / total);
  const beta = new Float64Array(d);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Float64Array(d);
    const hessian = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += x[i * d + j]! * beta[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = w[i]! * (p - labels[i]!);
      const h = w[i]! * Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        const xij = x[i * d + j]!;
        gradient[j]! += r * xij;
        const hx = h * xij;
        for (let k = 0; k <= j; k++) hessian[j * d + k]! += hx * x[i * d + k]!;
      }
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) hessian[k * d + j] = hessian[j * d + k]!;
    for (let j = 0; j < d - 1; j++) {
      gradient[j]! += lambda * beta[j]!;
      hessian[j * d + j]! += lambda;
    }
    hessian[(d - 1) * d + d - 1]! += 1e-9;
    const step = solveSpd(hessian, gradient, d);
    let largest = 0;
    for (let j = 0; j < d; j++) {
      beta[j]! -= step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < 1e-7) break;
  }
  return { mean, scale, weights: Array.from(beta.subarray(0, d - 1)), bias: beta[d - 1]! };
}

/**
 * Source-balanced sample weights: every (source, label) cell weighs the same in total, then live
 * and spoof are rescaled to weigh the same overall; mean weight 1.
 */
export function sourceBalancedWeights(samples: readonly { readonly group: string; readonly label: 'live' | 'spoof' }[]): number[] {
  const cellSize = new Map<string, number>();
  const key = (s: { group: string; label: string }) => `${s.group}\u0000${s.label}`;
  for (const s of samples) cellSize.set(key(s), (cellSize.get(key(s)) ?? 0) + 1);
  const raw = samples.map((s) => 1 / cellSize.get(key(s))!);
  const classTotal = { live: 0, spoof: 0 };
  samples.forEach((s, i) => (classTotal[s.label] += raw[i]!));
  const balanced = samples.map((s, i) => raw[i]! / (classTotal[s.label] || 1));
  const mean = balanced.reduce((a, b) => a + b, 0) / balanced.length;
  return balanced.map((v) => v / mean);
}
