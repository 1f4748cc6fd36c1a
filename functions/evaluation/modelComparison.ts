/**
 * fr_liveness alone, a pack's models alone and their fusion, side by side on the same per-image
 * results (every model's own score is kept by the runner): pure functions, no model runs here.
 */
import { type FusionDeclaration, fuseProbabilities, type FusionRule } from '../liveness/fusion.js';
import { percent } from './format.js';
import { redecide, type SampleResult } from './runner.js';
import { type EvaluationSummary, summarizeEvaluation } from './summary.js';

/** One way of scoring a face from the models' own scores, and the threshold it is decided at. */
export interface LivenessMethod {
  readonly name: string;
  readonly threshold: number;
  /** The method's live probability for a sample; null when a model it needs did not score it. */
  readonly score: (sample: SampleResult) => number | null;
}

/** A fusion rule as a method: the rule's models' scores from `modelScores`. */
export function ruleMethod(name: string, rule: FusionRule, threshold: number): LivenessMethod {
  return {
    name,
    threshold,
    score: (s) => {
      const scores = rule.models.map((id) => s.modelScores?.[id]);
      return scores.every((v) => v !== undefined) ? fuseProbabilities(rule, scores as number[]) : null;
    },
  };
}

/** The three methods of a pack: fr_liveness alone (at its calibrated default), the pack alone, the fusion. */
export function packMethods(fusion: FusionDeclaration, frThreshold: number): LivenessMethod[] {
  return [
    ruleMethod('fr_liveness alone', { rule: 'meanProbability', models: ['fr_liveness'] }, frThreshold),
    ruleMethod(`${fusion.pack} alone`, fusion.packAlone.fusion, fusion.packAlone.calibration.threshold),
    ruleMethod(`fusion (${fusion.fusion.rule})`, fusion.fusion, fusion.calibration.threshold),
  ];
}

/** The samples as one method scores them (unscored when it cannot), decided at its threshold. */
export function rescore(samples: readonly SampleResult[], method: LivenessMethod): SampleResult[] {
  const scored = samples.map((s): SampleResult => {
    if (s.score === null) return s;
    const score = method.score(s);
    return score === null ? { ...s, outcome: 'error', score: null, errorCode: 'MODEL_SCORE_MISSING' } : { ...s, score };
  });
  return redecide(scored, method.threshold, 0);
}

const mean = (values: readonly number[]) => {
  const kept = values.filter((v) => Number.isFinite(v));
  return kept.length === 0 ? Number.NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
};

export interface MethodComparisonRow {
  readonly method: string;
  readonly threshold: number;
  readonly summary: EvaluationSummary;
  /** Mean over sources of each source's AUC (sources with both classes): assessable presentations, and every scored face. */
  readonly meanSourceAuc: { readonly assessable: number; readonly all: number };
  /** Pooled over every scored face, assessable or not, at the method's threshold. */
  readonly all: { readonly auc: number; readonly apcer: number; readonly bpcer: number };
}

/** Every scored face treated as judged: the figures "on all" (what refusing the non-assessable ones changes). */
const everyScoredJudged = (samples: readonly SampleResult[], threshold: number): SampleResult[] =>
  redecide(samples.filter((s) => s.score !== null).map((s) => ({ ...s, assessable: true })), threshold, 0);

export function compareMethods(samples: readonly SampleResult[], methods: readonly LivenessMethod[]): MethodComparisonRow[] {
  return methods.map((method) => {
    const rescored = rescore(samples, method);
    const summary = summarizeEvaluation(rescored, method.threshold);
    const onAll = summarizeEvaluation(everyScoredJudged(rescored, method.threshold), method.threshold);
    return {
      method: method.name,
      threshold: method.threshold,
      summary,
      meanSourceAuc: { assessable: mean(summary.bySource.map((p) => p.auc)), all: mean(summary.bySource.map((p) => p.scored.auc)) },
      all: { auc: onAll.auc, apcer: onAll.atThreshold.apcerPooled, bpcer: onAll.atThreshold.bpcer },
    };
  });
}

const cell = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const rate = (v: number) => (Number.isFinite(v) ? percent(v) : '-');

/** Markdown tables: the methods overall, per source, per attack type (what `liveness eval --compare-models` prints). */
export function methodComparisonMarkdown(rows: readonly MethodComparisonRow[]): string {
  const overall = [
    '| method | threshold | AUC pooled (assessable) | mean within-source AUC (assessable) | APCER pooled | BPCER | ACER | APNRR | BPNRR | AUC pooled (all) | mean within-source AUC (all) | APCER (all) | BPCER (all) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const at = r.summary.atThreshold;
      const nr = r.summary.nonResponse;
      return `| ${r.method} | ${r.threshold} | ${cell(r.summary.auc)} | ${cell(r.meanSourceAuc.assessable)} | ${rate(at.apcerPooled)} | ${rate(at.bpcer)} | ${rate(at.acerPooled)} | ${rate(nr.apnrr)} | ${rate(nr.bpnrr)} | ${cell(r.all.auc)} | ${cell(r.meanSourceAuc.all)} | ${rate(r.all.apcer)} | ${rate(r.all.bpcer)} |`;
    }),
  ];
  const sources = rows[0]?.summary.bySource.map((p) => p.name) ?? [];
  const bySource = [
    `| source | live | spoof | BPNRR | APNRR | ${rows.map((r) => `${r.method}: AUC / APCER / BPCER`).join(' | ')} |`,
    `|---|---|---|---|---|${rows.map(() => '---').join('|')}|`,
    ...sources.map((name) => {
      const first = rows[0]!.summary.bySource.find((p) => p.name === name)!;
      const per = rows.map((r) => {
        const p = r.summary.bySource.find((x) => x.name === name)!;
        return `${cell(p.auc)} / ${rate(p.apcerPooled)} / ${rate(p.bpcer)}`;
      });
      return `| ${name} | ${first.live} | ${first.spoof} | ${rate(first.nonResponse.bpnrr)} | ${rate(first.nonResponse.apnrr)} | ${per.join(' | ')} |`;
    }),
  ];
  const types = rows[0]?.summary.perAttackType.map((t) => t.attackType) ?? [];
  const byType = [
    `| attack type | count | APNRR | ${rows.map((r) => `${r.method}: APCER / AUC`).join(' | ')} |`,
    `|---|---|---|${rows.map(() => '---').join('|')}|`,
    ...types.map((type) => {
      const first = rows[0]!.summary.perAttackType.find((t) => t.attackType === type)!;
      const per = rows.map((r) => {
        const t = r.summary.perAttackType.find((x) => x.attackType === type)!;
        return `${rate(t.apcer)} / ${cell(t.auc)}`;
      });
      return `| ${type} | ${first.count} | ${rate(first.apnrr)} | ${per.join(' | ')} |`;
    }),
  ];
  return [
    'Assessable: presentations the model can judge (APCER/BPCER/AUC there are on decided presentations); all: every scored face, judged or not.',
    '',
    ...overall,
    '',
    'Per source (assessable presentations; "-": the source has too few of that class):',
    '',
    ...bySource,
    '',
    'Per attack type (assessable presentations):',
    '',
    ...byType,
    '',
  ].join('\n');
}
