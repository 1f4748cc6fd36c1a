import { recordedFigure } from './recorded.js';

/** `npm run bench`: in-process latency per stage, the two target ratios, peak RSS. */
export const benchStages = recordedFigure('bench.json', 'bench-stages');

/** `npm run bench` with the silent-face pack installed: the ratio with every deciding model in the floor, and what the pack adds. */
export const benchPack = recordedFigure('bench.json', 'bench-pack');
