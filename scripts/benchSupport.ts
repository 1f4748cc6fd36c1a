// What the bench scripts share: nearest-rank percentiles, the load average beside a figure, and
// measurements taken in turn so drift on a shared machine slows every one alike.
import { loadavg } from 'node:os';

/** The nearest-rank percentile of sorted samples. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** Median and p95 (nearest rank). */
export function summarise(samples: readonly number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** The 1, 5 and 15 minute load averages, as printed beside a figure. */
export const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * Each piece of work timed once per iteration, in turn, `warmup` unrecorded iterations first; each
 * recorded result also goes to `onResult` (stage timings, say). Returns the milliseconds of each.
 */
export async function timeInTurn<W extends Record<string, () => Promise<unknown>>>(
  work: W,
  iterations: number,
  warmup: number,
  onResult?: (name: keyof W & string, result: unknown) => void,
): Promise<{ [K in keyof W]: number[] }> {
  const names = Object.keys(work) as (keyof W & string)[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as { [K in keyof W]: number[] };
  for (let i = 0; i < warmup + iterations; i++) {
    for (const name of names) {
      const started = performance.now();
      const result = await work[name]!();
      if (i < warmup) continue;
      samples[name].push(performance.now() - started);
      onResult?.(name, result);
    }
  }
  return samples;
}
