import { livenessRoute } from '../commons/livenessRoute.js';

/** POST /v1/checkLiveness: our own (HyperVerge's) shape, through the chain every liveness route shares. */
export const handler = livenessRoute({
  route: 'checkLiveness',
  toResponse: (result) => ({ body: result.body }),
});
