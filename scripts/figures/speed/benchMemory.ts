import { recordedFigure } from './recorded.js';

/** `npm run bench:memory`: one warm process's RSS across rounds of every kind of request. */
export const benchMemory = recordedFigure('benchMemory.json', 'bench-memory');
