import type { ModelSpec } from '../modelRegistry.js';

/** SSR-Net decoding parameters, from models/manifest.json (`ssrNet`). */
export interface SsrNetParams {
  readonly stageNum: readonly [number, number, number];
  readonly lambdaLocal: number;
  readonly lambdaD: number;
  /** Output range: 101 for age in years, 1 for gender (0..1). */
  readonly range: number;
}

/** The nine stage outputs of an SSR-Net model. */
export interface SsrNetOutputs {
  readonly prob: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  readonly deltaK: readonly [number, number, number];
  readonly offset: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
}

export const ssrNetParams = (spec: ModelSpec): SsrNetParams => {
  const params = (spec as ModelSpec & { ssrNet?: SsrNetParams }).ssrNet;
  if (!params) throw new Error(`model ${spec.id} has no ssrNet decoding parameters in models/manifest.json`);
  return params;
};

/**
 * Soft stagewise regression (Yang et al., SSR-Net): each stage k refines the estimate with its
 * bin probabilities p_k, bin offsets eta_k and a dynamic range delta_k:
 *   y = range * sum_k sum_i p_k[i] * (i + lambdaLocal * eta_k[i]) / prod_{j<=k} (s_j * (1 + lambdaD * delta_j))
 */
export function decodeSsrNet(out: SsrNetOutputs, params: SsrNetParams): number {
  let total = 0;
  let denominator = 1;
  for (let k = 0; k < 3; k++) {
    const s = params.stageNum[k]!;
    denominator *= s * (1 + params.lambdaD * out.deltaK[k]!);
    let stage = 0;
    const offset = out.offset[k]!;
    const prob = out.prob[k]!;
    for (let i = 0; i < s; i++) stage += (i + params.lambdaLocal * offset[i]!) * prob[i]!;
    total += stage / denominator;
  }
  return total * params.range;
}
