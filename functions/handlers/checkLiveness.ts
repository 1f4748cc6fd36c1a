import { livenessRoute } from '../commons/livenessRoute.js';

/** POST /v1/checkLiveness: our own (HyperVerge's) shape, through the chain every liveness route shares; browsers may call it with a capture session token. */
export const handler = livenessRoute({
  route: 'checkLiveness',
  browserSessions: true,
  toResponse: (result) => ({ body: result.body }),
});
