// `npm run bench`: in-process latency of each liveness stage and end to end, model load time and
// peak RSS, on one thread (one ORT thread, one libvips thread). Prints figures; asserts nothing.
// The npm script runs the compiled file with the malloc settings every deployed function runs with
// (a TypeScript loader would add its own thread and heap to the memory figures).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { LivenessEngine, type StageName } from '../functions/liveness/engine.js';
import { ModelRegistry } from '../functions/liveness/modelRegistry.js';
import { regionTensor } from '../functions/liveness/stages/modelInput.js';
import { livenessRegion } from '../functions/liveness/stages/score.js';
import { benchMerged, burstFrom, realInputs } from './benchMerged.js';
import { benchOptionalStages } from './benchOptionalStages.js';
import { summarise, timeInTurn } from './benchSupport.js';

sharp.concurrency(1);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;

const require = createRequire(import.meta.url);
const samplePhoto = require.resolve('@vladmandic/face-api/demo/sample2.jpg');

const fmt = (v: number) => v.toFixed(2).padStart(8);

/** A selfie-like JPEG of the given width from a real photo (4:3, face kept in frame). */
async function selfie(width: number): Promise<Buffer> {
  const height = Math.round((width * 3) / 4);
  return sharp(readFileSync(samplePhoto)).resize(width, height, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
}

/** The models' own inference on the real tensors of one image (fr_detect and every liveness model that decides): the floor the pipeline is measured against. */
async function modelsOnly(engine: LivenessEngine, bytes: Buffer): Promise<() => Promise<void>> {
  const { image, face, detectInput } = await realInputs(engine, bytes);
  const liveness = engine.livenessPlan().specs.map((spec) => ({ id: spec.id, input: regionTensor(image, livenessRegion(image, face, spec), spec) }));
  return async () => {
    await engine.models.run('fr_detect', detectInput);
    for (const { id, input } of liveness) await engine.models.run(id, input);
  };
}

interface Series {
  readonly total: number[];
  readonly stages: Record<string, number[]>;
}

/** Per-stage timings of each recorded check, by photo. */
function stageTimings(): { record: (name: string, result: unknown) => void; of: (name: string) => Record<string, number[]> } {
  const stages: Record<string, Record<string, number[]>> = {};
  return {
    record: (name, result) => {
      const timings = (result as { timings?: Record<StageName, number> } | undefined)?.timings;
      if (!timings) return;
      for (const [stage, ms] of Object.entries(timings)) ((stages[name] ??= {})[stage] ??= []).push(ms);
    },
    of: (name) => stages[name] ?? {},
  };
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
  const livenessModels = engine.livenessPlan().specs.map((spec) => spec.id);
  console.log(`model load (fr_detect + ${livenessModels.join(' + ')}): ${(performance.now() - loadStarted).toFixed(1)} ms`);
  console.log(`node ${process.version}, ${process.arch}, ORT threads 1, libvips threads ${sharp.concurrency()}`);

  const vgaBytes = await selfie(640);
  const largeBytes = await selfie(1920);
  // The floor and both photos in turn within each iteration: a neighbour slowing the machine for a
  // while slows all three alike, and the ratios stay honest.
  const stages = stageTimings();
  const withPack = livenessModels.length > 1;
  const run = await timeInTurn(
    {
      floor: await modelsOnly(engine, vgaBytes),
      vga: () => engine.check(vgaBytes),
      large: () => engine.check(largeBytes),
      // With a model pack: the same check with fr_liveness alone, so what the pack adds is measured in turn.
      ...(withPack ? { frAlone: () => engine.check(vgaBytes, { livenessModels: 'fr_liveness' }) } : {}),
    },
    ITERATIONS,
    WARMUP,
    stages.record,
  );
  const floor = summarise(run.floor);
  console.log(`\nmodels only, 640x480 (fr_detect + ${livenessModels.join(' + ')} inference), median ${floor.median.toFixed(2)} ms, p95 ${floor.p95.toFixed(2)} ms`);
  const vga = printSeries('640x480', vgaBytes, { total: run.vga, stages: stages.of('vga') });
  const large = printSeries('1920x1440', largeBytes, { total: run.large, stages: stages.of('large') });
  console.log(`\n640x480 end to end / models only = ${(vga / floor.median).toFixed(2)}x (target <= 1.5x; all ${livenessModels.length} liveness models counted)`);
  if (run.frAlone) {
    const alone = summarise(run.frAlone).median;
    console.log(`the model pack adds ${(vga - alone).toFixed(2)} ms per check, median (640x480 end to end ${vga.toFixed(2)} ms vs ${alone.toFixed(2)} ms with fr_liveness alone)`);
  } else {
    console.log('no model pack installed: fr_liveness alone decides (npx liveness models add silent-face to measure the fusion)');
  }
  console.log(`1920x1440 end to end / 640x480 end to end = ${(large / vga).toFixed(2)}x (target <= 1.5x)`);
  console.log(`peak RSS so far (fr_detect + ${livenessModels.length} liveness models) ${peakRssMiB().toFixed(0)} MiB`);

  // Optional stages (issue 5): each quality-check family and attribute on the same 640x480 image.
  await benchOptionalStages(engine, vgaBytes, ITERATIONS);
  console.log(`peak RSS so far (every optional model loaded) ${peakRssMiB().toFixed(0)} MiB`);

  // The merged level (issue 10): cost per frame of a 4-frame burst.
  await benchMerged(engine, await burstFrom(samplePhoto), Math.max(20, Math.round(ITERATIONS / 4)));
  console.log(`\npeak RSS of the whole bench (every model loaded) ${peakRssMiB().toFixed(0)} MiB (target <= 300)`);
}

if (!existsSync(samplePhoto)) throw new Error(`sample photo missing: ${samplePhoto} (run npm ci)`);
await main();
