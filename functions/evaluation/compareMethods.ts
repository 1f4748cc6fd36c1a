import { readFile } from 'node:fs/promises';
import { DEFAULT_THRESHOLD, LivenessEngine } from '../liveness/engine.js';
import { isLivenessError } from '../liveness/errors.js';
import { MergedLiveness } from '../liveness/merged/MergedLiveness.js';
import { apcer, bpcer, rocAuc } from './metrics.js';
import type { LabelledPresentation, PresentationSet } from './sequences.js';
import { NOT_SCORED } from './summary.js';

/** What each level made of one presentation; a null score: no face (the API's 422) or an error. */
export interface PresentationResult {
  readonly id: string;
  readonly label: 'live' | 'spoof';
  readonly attackType: string;
  readonly group: string;
  readonly frames: number;
  /** faster: the first frame, one model run (what the API answers with livenessMethod=faster). */
  readonly faster: number | null;
  /** merged on the first frame only. */
  readonly mergedFirstFrame: number | null;
  /** merged on every frame. */
  readonly merged: number | null;
  readonly mergedStatus: string | null;
  readonly inconsistency: readonly string[];
  /** Scored by a head that saw this presentation's source in training (optimistic). */
  readonly sourceSeenByHead: boolean;
}

export interface CompareOptions {
  readonly engine?: LivenessEngine;
  /** The merged level to use for a source (e.g. a head retrained without it); default: the shipped head. */
  readonly mergedFor?: (group: string) => { readonly merged: MergedLiveness; readonly sourceSeen: boolean };
  readonly onPresentation?: (done: number, total: number) => void;
}

async function scoreOrNull(work: () => Promise<{ liveness: { score: number } }>): Promise<number | null> {
  try {
    return (await work()).liveness.score;
  } catch (error) {
    if (isLivenessError(error) && error.code === 'MODEL_UNAVAILABLE') throw error;
    return null;
  }
}

/** Runs faster (frame 1), merged on frame 1, and merged on all frames over every presentation. */
export async function comparePresentations(set: PresentationSet, options: CompareOptions = {}): Promise<PresentationResult[]> {
  const engine = options.engine ?? new LivenessEngine();
  const shipped = new MergedLiveness(engine);
  const seen = new Set((shipped.head as unknown as { training?: { sources?: string[] } }).training?.sources ?? []);
  const mergedFor = options.mergedFor ?? ((group: string) => ({ merged: shipped, sourceSeen: seen.has(group) }));
  const results: PresentationResult[] = [];
  for (const p of set.presentations) {
    const frames = await Promise.all(p.paths.map((path) => readFile(path)));
    const { merged, sourceSeen } = mergedFor(p.group);
    const faster = await scoreOrNull(() => engine.check(frames[0]!));
    const mergedFirstFrame = frames.length > 1 ? await scoreOrNull(() => merged.checkFrames(frames.slice(0, 1))) : null;
    let all: Awaited<ReturnType<MergedLiveness['checkFrames']>> | undefined;
    try {
      all = await merged.checkFrames(frames);
    } catch (error) {
      if (isLivenessError(error) && error.code === 'MODEL_UNAVAILABLE') throw error;
    }
    results.push({
      id: p.id,
      label: p.label,
      attackType: p.attackType,
      group: p.group,
      frames: frames.length,
      faster,
      mergedFirstFrame: frames.length > 1 ? mergedFirstFrame : (all?.liveness.score ?? null),
      merged: all?.liveness.score ?? null,
      mergedStatus: all?.quality.status ?? null,
      inconsistency: all?.frames.consistency.reasons ?? [],
      sourceSeenByHead: sourceSeen,
    });
    options.onPresentation?.(results.length, set.presentations.length);
  }
  return results;
}

export type MethodName = 'faster' | 'mergedFirstFrame' | 'merged';

export interface MethodFigures {
  readonly method: MethodName;
  readonly threshold: number;
  readonly scored: number;
  readonly unscored: number;
  readonly pooledAuc: number;
  /** Mean over sources with both classes of the within-source AUC. */
  readonly meanWithinSourceAuc: number;
  /** System view: an unscored spoof is rejected, an unscored live presentation is a bona fide rejection. */
  readonly apcer: number;
  readonly bpcer: number;
  /** APCER at the threshold where this method's BPCER is closest to (not above) the faster level's. */
  readonly apcerAtFasterBpcer: number;
  readonly perSource: Readonly<Record<string, number | null>>;
}

const scoresOf = (rows: readonly PresentationResult[], method: MethodName, label: 'live' | 'spoof') =>
  rows.filter((r) => r.label === label).map((r) => r[method] ?? NOT_SCORED);

/**
 * APCER at the highest threshold whose BPCER does not exceed `target` (BPCER grows with the
 * threshold, APCER falls); NaN when no threshold reaches it (unscored live presentations count as
 * rejected at every threshold).
 */
export function apcerAtBpcer(live: readonly number[], spoof: readonly number[], target: number): number {
  const candidates = [...new Set([...live, ...spoof, 0])].filter((t) => t > NOT_SCORED).sort((a, b) => b - a);
  for (const t of candidates) {
    if (bpcer(live, t) <= target + 1e-12) return apcer(spoof, t);
  }
  return Number.NaN;
}

export function methodFigures(rows: readonly PresentationResult[], method: MethodName, threshold: number, fasterBpcer: number): MethodFigures {
  const live = scoresOf(rows, method, 'live');
  const spoof = scoresOf(rows, method, 'spoof');
  const perSource: Record<string, number | null> = {};
  for (const group of [...new Set(rows.map((r) => r.group))].sort()) {
    const of = rows.filter((r) => r.group === group);
    const l = scoresOf(of, method, 'live');
    const s = scoresOf(of, method, 'spoof');
    perSource[group] = l.length > 0 && s.length > 0 ? rocAuc(l, s) : null;
  }
  const within = Object.values(perSource).filter((v): v is number => v !== null);
  return {
    method,
    threshold,
    scored: rows.filter((r) => r[method] !== null).length,
    unscored: rows.filter((r) => r[method] === null).length,
    pooledAuc: rocAuc(live, spoof),
    meanWithinSourceAuc: within.length > 0 ? within.reduce((a, b) => a + b, 0) / within.length : Number.NaN,
    apcer: apcer(spoof, threshold),
    bpcer: bpcer(live, threshold),
    apcerAtFasterBpcer: apcerAtBpcer(live, spoof, fasterBpcer),
    perSource,
  };
}

export interface MethodComparison {
  readonly kind: PresentationSet['kind'];
  readonly presentations: number;
  readonly methods: readonly MethodFigures[];
  /** Live presentations whose merged quality status is INCONSISTENT_DETECTION, and why. */
  readonly inconsistentLive: {
    readonly count: number;
    /** Live presentations the merged level judged (a face in at least one frame). */
    readonly of: number;
    /** Live presentations without a face in any frame. */
    readonly noFace: number;
    readonly reasons: Readonly<Record<string, number>>;
  };
  readonly seenSources: readonly string[];
  readonly rows: readonly PresentationResult[];
}

export function summarizeComparison(kind: PresentationSet['kind'], rows: readonly PresentationResult[], mergedThreshold: number): MethodComparison {
  const faster = methodFigures(rows, 'faster', DEFAULT_THRESHOLD, Number.NaN);
  const withFaster = (m: MethodName, t: number) => methodFigures(rows, m, t, faster.bpcer);
  const methods = [
    { ...faster, apcerAtFasterBpcer: faster.apcer },
    ...(kind === 'sequences' ? [withFaster('mergedFirstFrame', mergedThreshold)] : []),
    withFaster('merged', mergedThreshold),
  ];
  const live = rows.filter((r) => r.label === 'live' && r.merged !== null);
  const inconsistent = live.filter((r) => r.mergedStatus === 'INCONSISTENT_DETECTION');
  const reasons: Record<string, number> = {};
  for (const r of inconsistent) for (const reason of r.inconsistency) reasons[reason] = (reasons[reason] ?? 0) + 1;
  return {
    kind,
    presentations: rows.length,
    methods,
    inconsistentLive: { count: inconsistent.length, of: live.length, noFace: rows.filter((r) => r.label === 'live' && r.merged === null).length, reasons },
    seenSources: [...new Set(rows.filter((r) => r.sourceSeenByHead).map((r) => r.group))].sort(),
    rows,
  };
}

const pct = (v: number) => (Number.isNaN(v) ? '  n/a' : `${(100 * v).toFixed(1).padStart(5)}%`);
const num = (v: number) => (Number.isNaN(v) ? '  n/a' : v.toFixed(3));

/** The side-by-side table `liveness eval --compare` prints. */
export function formatComparison(c: MethodComparison): string {
  const names: Record<MethodName, string> = {
    faster: 'faster (frame 1)',
    mergedFirstFrame: 'merged, frame 1 only',
    merged: c.kind === 'sequences' ? 'merged, all frames' : 'merged',
  };
  const lines = [
    `${c.presentations} ${c.kind === 'sequences' ? 'sequences' : 'images'}; faster vs merged side by side (system view: no face = not accepted)`,
    '',
    `${'method'.padEnd(22)} threshold  APCER   BPCER  APCER@faster-BPCER  AUC    mean within-source AUC  unscored`,
    ...c.methods.map(
      (m) =>
        `${names[m.method].padEnd(22)} ${String(m.threshold).padEnd(9)} ${pct(m.apcer)} ${pct(m.bpcer)}  ${pct(m.apcerAtFasterBpcer).padEnd(18)} ${num(m.pooledAuc)}  ${num(m.meanWithinSourceAuc).padEnd(22)}  ${m.unscored}`,
    ),
    '',
    'within-source AUC per source:',
    ...Object.keys(c.methods[0]!.perSource).map(
      (g) => `  ${g.padEnd(60)} ${c.methods.map((m) => (m.perSource[g] === null ? '  -  ' : num(m.perSource[g]!))).join('  ')}`,
    ),
  ];
  if (c.kind === 'sequences') {
    const reasons = Object.entries(c.inconsistentLive.reasons).map(([r, n]) => `${r} ${n}`).join(', ');
    const { count, of, noFace } = c.inconsistentLive;
    lines.push('', `INCONSISTENT_DETECTION on live sequences: ${count} of ${of} judged${reasons ? ` (${reasons})` : ''}; ${noFace} without a face in any frame`);
  }
  if (c.seenSources.length > 0) {
    lines.push('', `caveat: the merged head was trained on sources ${c.seenSources.join(', ')}: their merged figures are optimistic (use --holdout-training)`);
  }
  return lines.join('\n');
}

export type { LabelledPresentation };
