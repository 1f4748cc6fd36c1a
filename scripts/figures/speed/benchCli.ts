import { recordedFigure } from './recorded.js';

/** `npm run bench:cli`: the whole `liveness check` process against the Human peer. */
export const benchCli = recordedFigure('benchCli.json', 'bench-cli');
