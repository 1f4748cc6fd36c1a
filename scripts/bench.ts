// `npm run bench`: in-process latency of each liveness stage and end to end, model load time and
// peak RSS, on one thread (one ORT thread, one libvips thread). Prints figures; asserts nothing.
// The npm script runs the compiled file with the malloc settings every deployed function runs with
// (a TypeScript loader would add its own thread and heap to the memory figures).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { LivenessEngine, type StageName } from '../functions/liveness/engine.js';
import { ModelRegistry, modelSpec } from '../functions/liveness/modelRegistry.js';
import { decodeImage } from '../functions/liveness/stages/decode.js';
import { detectorInput, placement } from '../functions/liveness/stages/detect.js';
import { regionTensor } from '../functions/liveness/stages/modelInput.js';
import { livenessRegion } from '../functions/liveness/stages/score.js';
import { benchMerged, burstFrom } from './benchMerged.js';
import { benchOptionalStages } from './benchOptionalStages.js';

sharp.concurrency(1);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;

const require = createRequire(import.meta.url);
const samplePhoto = require.resolve('@vladmandic/face-api/demo/sample2.jpg');

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

export function summarise(samples: readonly number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

const fmt = (v: number) => v.toFixed(2).padStart(8);

/** A selfie-like JPEG of the given width from a real photo (4:3, face kept in frame). */
async function selfie(width: number): Promise<Buffer> {
  const height = Math.round((width * 3) / 4);
  return sharp(readFileSync(samplePhoto)).resize(width, height, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
}

/** The two models' own inference on the real tensors of one image: the floor the pipeline is measured against. */
async function modelsOnly(engine: LivenessEngine, bytes: Buffer): Promise<() => Promise<void>> {
  const image = await decodeImage(bytes);
  const [face] = await engine.findFaces(image);
  if (!face) throw new Error('the bench image has no face');
  const detectInput = detectorInput(image, placement(image, 0));
  const spec = modelSpec('fr_liveness');
  const livenessInput = regionTensor(image, livenessRegion(image, face, spec), spec);
  return async () => {
    await engine.models.run('fr_detect', detectInput);
    await engine.models.run('fr_liveness', livenessInput);
  };
}

interface Series {
  readonly total: number[];
  readonly stages: Record<string, number[]>;
}

/**
 * The floor and both photos measured in turn within each iteration, so a neighbour that slows the
 * machine for a while slows all three alike and the ratios stay honest.
 */
async function interleaved(engine: LivenessEngine, floor: () => Promise<void>, photos: readonly Buffer[]): Promise<{ floor: number[]; photos: Series[] }> {
  const floorSamples: number[] = [];
  const series: Series[] = photos.map(() => ({ total: [], stages: {} }));
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    let started = performance.now();
    await floor();
    if (i >= WARMUP) floorSamples.push(performance.now() - started);
    for (const [p, bytes] of photos.entries()) {
      started = performance.now();
      const result = await engine.check(bytes);
      const elapsed = performance.now() - started;
      if (i < WARMUP) continue;
      series[p]!.total.push(elapsed);
      for (const [stage, ms] of Object.entries(result.timings) as [StageName, number][]) (series[p]!.stages[stage] ??= []).push(ms);
    }
  }
  return { floor: floorSamples, photos: series };
}

function printSeries(label: string, bytes: Buffer, series: Series): number {
  console.log(`\n${label} (${(bytes.length / 1024).toFixed(0)} KiB JPEG), ${ITERATIONS} runs, ms`);
  console.log(`  ${'stage'.padEnd(12)}  median      p95`);
  for (const [stage, samples] of Object.entries(series.stages)) {
    const s = summarise(samples);
    console.log(`  ${stage.padEnd(12)}${fmt(s.median)} ${fmt(s.p95)}`);
  }
  const s = summarise(series.total);
  console.log(`  ${'end to end'.padEnd(12)}${fmt(s.median)} ${fmt(s.p95)}`);
  return s.median;
}

/** Peak resident memory of this process: VmHWM on Linux (maxRSS also counts the pages of the process that forked us). */
export function peakRssMiB(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    if (line) return Number(line[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  const loadStarted = performance.now();
  const models = new ModelRegistry({ threads: 1 });
  const engine = new LivenessEngine(models);
  await engine.warmUp();
  console.log(`model load (fr_detect + fr_liveness): ${(performance.now() - loadStarted).toFixed(1)} ms`);
  console.log(`node ${process.version}, ${process.arch}, ORT threads 1, libvips threads ${sharp.concurrency()}`);

  const vgaBytes = await selfie(640);
  const largeBytes = await selfie(1920);
  const run = await interleaved(engine, await modelsOnly(engine, vgaBytes), [vgaBytes, largeBytes]);
  const floor = summarise(run.floor);
  console.log(`\nmodels only, 640x480 (detect + liveness inference), median ${floor.median.toFixed(2)} ms, p95 ${floor.p95.toFixed(2)} ms`);
  const vga = printSeries('640x480', vgaBytes, run.photos[0]!);
  const large = printSeries('1920x1440', largeBytes, run.photos[1]!);
  console.log(`\n640x480 end to end / models only = ${(vga / floor.median).toFixed(2)}x (target <= 1.5x)`);
  console.log(`1920x1440 end to end / 640x480 end to end = ${(large / vga).toFixed(2)}x (target <= 1.5x)`);
  console.log(`peak RSS so far (two models) ${peakRssMiB().toFixed(0)} MiB`);

  // Optional stages (issue 5): each quality-check family and attribute on the same 640x480 image.
  await benchOptionalStages(engine, vgaBytes, ITERATIONS);
  console.log(`peak RSS so far (every optional model loaded) ${peakRssMiB().toFixed(0)} MiB`);

  // The merged level (issue 10): cost per frame of a 4-frame burst.
  await benchMerged(engine, await burstFrom(samplePhoto), Math.max(20, Math.round(ITERATIONS / 4)));
  console.log(`\npeak RSS of the whole bench (every model loaded) ${peakRssMiB().toFixed(0)} MiB (target <= 300)`);
}

if (!existsSync(samplePhoto)) throw new Error(`sample photo missing: ${samplePhoto} (run npm ci)`);
await main();
