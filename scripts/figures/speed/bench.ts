import { recordedFigure } from './recorded.js';

/** `npm run bench`: in-process latency per stage, the two target ratios, peak RSS. */
export const benchStages = recordedFigure('bench.json', 'bench-stages');
