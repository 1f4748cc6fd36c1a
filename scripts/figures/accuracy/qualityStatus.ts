import type { SampleResult } from '../../../functions/evaluation/runner.js';
import { type Figure, markdownTable } from '../figure.js';

/** result.quality.status as the API reports it: why the face is not assessable, else the first failure, else VALID_IMAGE. */
const reportedStatus = (s: SampleResult): string => s.notAssessableReason ?? s.qualityFailures?.[0] ?? 'VALID_IMAGE';

/** What the quality stage says of genuine captures: how many are valid, and why the others are not. */
export const qualityStatusFaces: Figure = {
  name: 'quality-status-faces',
  kind: 'accuracy',
  command: 'npx liveness eval ../shared/faces',
  needs: ['faces'],
  async produce(context) {
    const live = (await context.evaluation('faces')).samples.filter((s) => s.label === 'live' && s.outcome === 'scored');
    const counts = new Map<string, { n: number; notAssessable: number }>();
    for (const s of live) {
      const c = counts.get(reportedStatus(s)) ?? { n: 0, notAssessable: 0 };
      counts.set(reportedStatus(s), { n: c.n + 1, notAssessable: c.notAssessable + (s.assessable === false ? 1 : 0) });
    }
    return markdownTable(
      [`\`result.quality.status\` of the ${live.length} genuine captures with a face`, 'images', 'of which not assessable'],
      [...counts].sort(([a, x], [b, y]) => y.n - x.n || a.localeCompare(b)).map(([status, c]) => [`\`${status}\``, c.n, c.notAssessable]),
    );
  },
};
