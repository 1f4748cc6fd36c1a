/**
 * One gateway worker of the local stack (node:cluster): the primary runs DynamoDB Local and the S3
 * server and forks one of these per core; they share the port. Configuration comes through the
 * environment (the LIVENESS_* endpoints the primary set, plus LIVENESS_LOCAL_GATEWAY).
 */
import { loadConfig } from '../../functions/commons/config.js';
import { demoSite } from './demoSite.js';
import { createGateway } from './gateway.js';
import { installProcessGuard } from './processGuard.js';
import { ROUTES } from './stack.js';

export interface WorkerOptions {
  readonly port: number;
  readonly host: string;
  readonly maxBodyBytes: number;
  /** Serve the capture demo at /demo/, issuing sessions for this (dev) app. */
  readonly demoAppId?: string;
}
export type ToWorker = { readonly type: 'timeout'; readonly ms: number } | { readonly type: 'stop'; readonly graceMs: number };
/** Why a worker could not listen (port taken, no permission): the primary says it in one line. */
export type FromWorker = { readonly type: 'listenFailed'; readonly message: string };

installProcessGuard();
const options = JSON.parse(process.env.LIVENESS_LOCAL_GATEWAY ?? '{}') as WorkerOptions;
const demo = options.demoAppId ? demoSite({ config: loadConfig(), devApp: { appId: options.demoAppId } }) : undefined;
const server = createGateway({ routes: ROUTES, maxBodyBytes: options.maxBodyBytes, ...(demo ? { fallback: demo } : {}) });
// Not left to the process guard, which would keep a worker alive that never listens.
server.once('error', (error) => process.send!({ type: 'listenFailed', message: error.message } satisfies FromWorker, () => process.exit(1)));
server.listen(options.port, options.host);

let stopping = false;
process.on('message', (message: ToWorker) => {
  if (message.type === 'timeout') server.setTimeoutMs(message.ms);
  if (message.type === 'stop' && !stopping) {
    stopping = true;
    void server.shutdown(message.graceMs).finally(() => process.exit(0));
  }
});
// Ctrl-C reaches the whole process group: the primary decides when and how workers stop.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
// The primary is gone (crash, SIGKILL): no one to serve for.
process.on('disconnect', () => process.exit(0));
