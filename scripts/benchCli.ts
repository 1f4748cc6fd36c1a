// `npm run bench:cli`: the CLI as a user runs it — one whole process over a list of images, start-up and
// model loading included — against the Human peer (@vladmandic/human, tfjs-wasm; scripts/humanPeer.cjs) on
// the same files. Alternating runs, N rounds, pinned to one core (taskset -c 0) and on two cores unpinned.
// Prints median and p95 wall time, per-image time, median CPU time and the ratios Human/ours; asserts nothing.
//   npm run bench:cli -- [--human <dir>] [--rounds N] [--cli <built liveness.js>] [--baseline <built liveness.js>] [image...]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadAverage, percentile } from './benchSupport.js';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const peer = join(root, 'scripts/humanPeer.cjs');
const SOURCE = 'Rounakdeepsingh/Face_Anti_Spoofing_System';
const HUMAN_SETUP =
  'mkdir -p /tmp/human && cd /tmp/human && npm init -y && ' +
  'npm install @vladmandic/human@3.3.6 @tensorflow/tfjs-backend-wasm@4 @tensorflow/tfjs@4';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    human: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    // Another build of the CLI (e.g. a copy of dist/ from before a change), to compare builds.
    cli: { type: 'string', default: join(root, 'dist/functions/cli/liveness.js') },
    // A build to compare with ours in the same rounds (e.g. a copy of dist/ from before a change).
    baseline: { type: 'string' },
  },
});
const cli = resolve(values.cli!);
const rounds = Number.parseInt(values.rounds!, 10);

/** The default list: the 60 full-frame webcam images of one source in ../shared/train-faces. */
function defaultFiles(): string[] | undefined {
  const dir = join(root, '../shared/train-faces');
  const manifest = join(dir, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return undefined;
  return readFileSync(manifest, 'utf8')
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((cols) => cols[3] === SOURCE)
    .map((cols) => join(dir, cols[0]!));
}

interface Runner {
  readonly name: string;
  readonly argv: readonly string[];
  /** The line that gives this file's result (not an error). */
  readonly result: (line: string, file: string) => boolean;
}

interface Run {
  readonly ms: number;
  /** User + system CPU time of the process and its children, when bash can tell. */
  readonly cpuMs?: number;
  /** Files with a line of their own on stdout or stderr (a result or an error: the run got to them). */
  readonly processed: number;
  /** Files with a result line. */
  readonly results: number;
  readonly code: number | null;
}

// CPU time (user + sys) of the whole process, from bash's `times`: on a shared, loaded machine wall time
// waits for a core, CPU time much less so.
const bash = spawnSync('bash', ['-c', 'true']).status === 0;
const TIMES = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/;

async function runOnce(runner: Runner, files: readonly string[], pinned: boolean): Promise<Run> {
  const argv = pinned ? ['taskset', '-c', '0', ...runner.argv, ...files] : [...runner.argv, ...files];
  const [command, ...args] = bash ? ['bash', '-c', '"$@"; s=$?; times >&2; exit $s', 'run', ...argv] : argv;
  const started = performance.now();
  const child = spawn(command!, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const ms = performance.now() - started;
  const times = TIMES.exec(stderr);
  const cpuMs = times ? (Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4])) * 1000 : undefined;
  const out = stdout.split('\n');
  const all = [...out, ...stderr.split('\n')];
  const processed = files.filter((file) => all.some((line) => line.startsWith(`${file}: `))).length;
  const results = files.filter((file) => out.some((line) => runner.result(line, file))).length;
  if (processed < files.length) {
    console.log(`  ${runner.name}: ${processed}/${files.length} processed, exit ${code}; stderr: ${stderr.slice(0, 300)}`);
  }
  return { ms, cpuMs, processed, results, code };
}

const stats = (runs: readonly Run[]) => {
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const cpu = runs.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs])).sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95), cpu: cpu.length > 0 ? percentile(cpu, 50) : undefined };
};

async function measure(runners: readonly Runner[], files: readonly string[], pinned: boolean, label: string): Promise<void> {
  const loadBefore = loadAverage();
  const runs = new Map<string, Run[]>(runners.map((r) => [r.name, []]));
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first so neither always runs on a cache the other warmed.
    const order = round % 2 === 0 ? runners : [...runners].reverse();
    for (const runner of order) runs.get(runner.name)!.push(await runOnce(runner, files, pinned));
  }
  console.log(`\n${label}: ${files.length} images, ${rounds} rounds, load average before ${loadBefore}, after ${loadAverage()}`);
  console.log(
    `  ${'runner'.padEnd(8)} ${'median s'.padStart(9)} ${'p95 s'.padStart(7)} ${'ms/image'.padStart(9)} ${'CPU s'.padStart(6)}  processed (with a result)`,
  );
  const medians = new Map<string, number>();
  const cpus = new Map<string, number | undefined>();
  for (const runner of runners) {
    const all = runs.get(runner.name)!;
    const { median, p95, cpu } = stats(all);
    medians.set(runner.name, median);
    cpus.set(runner.name, cpu);
    const processed = Math.min(...all.map((r) => r.processed));
    const results = Math.min(...all.map((r) => r.results));
    console.log(
      `  ${runner.name.padEnd(8)} ${(median / 1000).toFixed(2).padStart(9)} ${(p95 / 1000).toFixed(2).padStart(7)} ` +
        `${(median / files.length).toFixed(1).padStart(9)} ${(cpu === undefined ? '-' : (cpu / 1000).toFixed(2)).padStart(6)}  ${processed}/${files.length} (${results})${processed < files.length ? ' INCOMPLETE' : ''}`,
    );
  }
  const ours = medians.get('ours')!;
  for (const other of ['baseline', 'human']) {
    const theirs = medians.get(other);
    if (theirs === undefined) continue;
    const cpuRatio = cpus.get(other) && cpus.get('ours') ? `, median CPU time ${(cpus.get(other)! / cpus.get('ours')!).toFixed(2)}x` : '';
    console.log(`  ratio ${other}/ours: median wall time ${(theirs / ours).toFixed(2)}x${cpuRatio}`);
  }
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const files = positionals.length > 0 ? positionals.map((f) => resolve(f)) : defaultFiles();
  if (!files) {
    console.log(`skipped: no image files given and ../shared/train-faces/MANIFEST.tsv is absent (the default list is its ${SOURCE} images)`);
    return;
  }
  const runners: Runner[] = [
    {
      name: 'ours',
      argv: [process.execPath, cli, 'check'],
      result: (line, file) => line.startsWith(`${file}: live=`),
    },
  ];
  if (values.baseline) {
    runners.push({
      name: 'baseline',
      argv: [process.execPath, resolve(values.baseline), 'check'],
      result: (line, file) => line.startsWith(`${file}: live=`),
    });
  }
  const humanDir = values.human ? resolve(values.human) : undefined;
  if (humanDir && existsSync(join(humanDir, 'node_modules/@vladmandic/human/dist/human.node-wasm.js'))) {
    runners.push({
      name: 'human',
      argv: [process.execPath, peer, humanDir],
      result: (line, file) => line.startsWith(`${file}: faces=`) && !line.endsWith('faces=0'),
    });
  } else {
    console.log(
      `Human peer ${humanDir ? `not found in ${humanDir}` : 'not given (--human <dir>)'}; measuring our CLI alone. Create it with:\n  ${HUMAN_SETUP}\n` +
        '  then: npm run bench:cli -- --human /tmp/human',
    );
  }
  const taskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  console.log(
    `node ${process.version}, ${availableParallelism()} cores; our CLI: ${cli}; ` +
      `human: ${runners.length > 1 ? `${humanDir} (face detector + antispoof + liveness, wasm backend)` : 'absent'}`,
  );
  // Start-up alone: one image, so what remains of the 60-image time is per-image work.
  await measure(runners, files.slice(0, 1), false, 'start-up (1 image), 2 cores unpinned');
  if (taskset) await measure(runners, files, true, 'pinned to one core (taskset -c 0)');
  else console.log('\npinned: skipped (taskset is not available)');
  await measure(runners, files, false, '2 cores unpinned');
}

await main();
