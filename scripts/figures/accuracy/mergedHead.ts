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

/** A head's own leave-one-source-out figures (its `validation`, written by `liveness train`): faster vs merged. */
function headValidationFigure(name: string, headFile: string, command: string): Figure {
  return {
    name,
    kind: 'accuracy',
    command,
    needs: [],
    async produce(context) {
      const head = JSON.parse(readFileSync(join(context.root, headFile), 'utf8')) as { validation: HeadValidation };
      const v = head.validation;
      const row = (label: string, f: LevelFigures, atFaster: number) => [
        `${label} (threshold ${f.threshold})`,
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
}

/** The shipped head (models/liveness_head.json). */
export const mergedVsFaster = headValidationFigure(
  'merged-vs-faster',
  'models/liveness_head.json',
  'npx liveness train ../shared/faces ../shared/train-faces (its validation figures, in models/liveness_head.json)',
);

/** The head used when the silent-face pack is installed (models/liveness_head.silent-face.json). */
export const mergedVsFasterSilentFace = headValidationFigure(
  'merged-vs-faster-silent-face',
  'models/liveness_head.silent-face.json',
  'npx liveness train ../shared/faces ../shared/train-faces --pack-dir ../shared/models/silent-face (its validation figures)',
);
