import type { MethodName } from '../../../functions/evaluation/compareMethods.js';
import { type Figure, markdownTable, ofTotal, rate, ratio } from '../figure.js';

const NAMES: Record<MethodName, string> = { faster: 'faster, frame 1', mergedFirstFrame: 'merged, frame 1 only', merged: 'merged, all frames' };

/** Faster vs merged on the frame sequences, each level at its shipped threshold (system view). */
export const sequencesComparison: Figure = {
  name: 'sequences-comparison',
  kind: 'accuracy',
  command: 'npx liveness eval ../shared/sequences --holdout-training ../shared/faces,../shared/train-faces',
  needs: ['sequences', 'faces', 'train-faces'],
  async produce(context) {
    const c = await context.sequences();
    const live = c.rows.filter((r) => r.label === 'live').length;
    const spoof = c.rows.filter((r) => r.label === 'spoof').length;
    const sources = Object.keys(c.methods[0]?.perSource ?? {});
    const bySource = markdownTable(
      ['within-source AUC', ...c.methods.map((m) => NAMES[m.method])],
      sources.map((source) => [source, ...c.methods.map((m) => (m.perSource[source] === null ? '-' : ratio(m.perSource[source]!)))]),
    );
    const levels = markdownTable(
      ['', 'threshold', 'APCER', 'BPCER', "APCER at faster's BPCER", 'AUC', 'mean within-source AUC', 'no face'],
      c.methods.map((m) => [
        NAMES[m.method],
        m.threshold,
        `${rate(m.apcer)} (${ofTotal(Math.round(m.apcer * spoof), spoof)})`,
        `${rate(m.bpcer)} (${ofTotal(Math.round(m.bpcer * live), live)})`,
        rate(m.apcerAtFasterBpcer),
        ratio(m.pooledAuc),
        ratio(m.meanWithinSourceAuc),
        m.unscored,
      ]),
    );
    return `${levels}\n\n${bySource}`;
  },
};
