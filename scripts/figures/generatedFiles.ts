import { formatRun } from '../../functions/evaluation/format.js';
import { cropScaleReport } from './accuracy/assessability.js';
import type { FigureContext } from './context.js';
import type { SharedFolder } from './figure.js';

/** A text file under evaluation/ written from the same measurement as the tables that quote it. */
export interface GeneratedFile {
  readonly path: string;
  readonly needs: readonly SharedFolder[];
  readonly produce: (context: FigureContext) => Promise<string>;
}

export const GENERATED_FILES: readonly GeneratedFile[] = [
  {
    // The calibration part of `liveness eval ../shared/train-faces --calibrate` (before the metrics at the chosen threshold).
    path: 'evaluation/tradeoff.txt',
    needs: ['train-faces'],
    async produce(context) {
      const text = formatRun(await context.calibration()).replace(context.folder('train-faces'), '../shared/train-faces');
      return `${text.slice(0, text.indexOf('\n\n== '))}\n`;
    },
  },
  {
    path: 'evaluation/assessability.txt',
    needs: ['faces', 'train-faces'],
    produce: async (context) => (await cropScaleReport(context)).text,
  },
];
