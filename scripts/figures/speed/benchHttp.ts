import { recordedFigure } from './recorded.js';

/** `npm run bench:http`: autocannon against the local stack, before the gateway workers and with them. */
export const benchHttpOneProcess = recordedFigure('benchHttp.json', 'bench-http-one-process');
export const benchHttpWorkers = recordedFigure('benchHttp.json', 'bench-http-workers');
