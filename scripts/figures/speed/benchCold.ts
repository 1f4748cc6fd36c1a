import { recordedFigure } from './recorded.js';

/** `npm run bench:cold`: the built checkLiveness Lambda started cold, first and warm answers. */
export const benchCold = recordedFigure('benchCold.json', 'bench-cold');
