import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Figure, markdownTable, rate, ratio } from '../figure.js';

interface LevelFigures {
  readonly meanWithinSourceAuc: number;
  readonly pooledAuc: number;
  readonly apcer: number;
  readonly bpcer: number;
  readonly threshold: number;
}

interface HeadValidation {
  readonly merged: LevelFigures;
  readonly faster: LevelFigures;
  readonly atFasterBpcer: { readonly bpcer: number; readonly fasterApcer: number; readonly mergedApcer: number };
}

/** The shipped head's own leave-one-source-out figures (models/liveness_head.json, written by `liveness train`). */
export const mergedVsFaster: Figure = {
  name: 'merged-vs-faster',
  kind: 'accuracy',
  command: 'npx liveness train ../shared/faces ../shared/train-faces (its validation figures, in models/liveness_head.json)',
  needs: [],
  async produce(context) {
    const head = JSON.parse(readFileSync(join(context.root, 'models/liveness_head.json'), 'utf8')) as { validation: HeadValidation };
    const v = head.validation;
    const row = (name: string, f: LevelFigures, atFaster: number) => [
      `${name} (threshold ${f.threshold})`,
      ratio(f.meanWithinSourceAuc),
      ratio(f.pooledAuc),
      rate(f.apcer),
      rate(f.bpcer),
      rate(atFaster),
    ];
    return markdownTable(
      ['', 'mean within-source AUC', 'pooled AUC', 'APCER', 'BPCER', `APCER at faster's BPCER (${rate(v.atFasterBpcer.bpcer)})`],
      [row('faster', v.faster, v.atFasterBpcer.fasterApcer), row('merged, one frame', v.merged, v.atFasterBpcer.mergedApcer)],
    );
  },
};
