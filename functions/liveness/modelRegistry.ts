import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import manifest from '../../models/manifest.json' with { type: 'json' };
import { LivenessError } from './errors.js';
import { installedPacks } from './packs.js';

// onnxruntime >= 1.29 starts Microsoft's 1DS telemetry on Linux and macOS when its environment is created
// (first session): it uploads process facts and parses /proc/self/cmdline recursively, which overflows the
// stack for a long command line (`liveness check` with ~1000 files segfaulted). A self-hosted liveness
// service sends nothing to third parties (unless its operator has set ORT_DISABLE_TELEMETRY otherwise).
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export type ModelId =
  | 'fr_detect'
  | 'fr_liveness'
  | 'fr_landmark'
  | 'fr_eye'
  | 'fr_pose'
  | 'fr_age'
  | 'fr_gender'
  | 'fr_expression'
  // Derived at install time from fr_liveness (models/fetch.mjs): same weights, the embedding as a second output.
  | 'fr_liveness_embedding';

/** How a model wants its input, described as data (models/manifest.json), not as scattered constants. */
export interface ModelSpec {
  readonly id: ModelId;
  readonly file: string;
  readonly sha256: string;
  readonly version: string;
  readonly input: {
    readonly name: string;
    readonly shape: readonly number[];
    readonly channelOrder: 'RGB' | 'BGR' | 'GRAY';
    /** value fed = (pixel - mean) * scale */
    readonly mean: number;
    readonly scale: number;
  };
  readonly outputs: Readonly<Record<string, string>>;
  readonly classes?: Readonly<Record<string, number>>;
  readonly cropScale?: number;
}

export const MODEL_SPECS = manifest.models as unknown as readonly ModelSpec[];
export const MODEL_SOURCE = manifest.source;

export function modelSpec(id: ModelId): ModelSpec {
  const spec = MODEL_SPECS.find((m) => m.id === id);
  if (!spec) throw new Error(`model ${id} is not in models/manifest.json`);
  return spec;
}

/** Public identifier of the model that decided, e.g. "fr_liveness@0.0.1#afa783b7". */
export const modelVersion = (spec: Pick<ModelSpec, 'version' | 'sha256'> & { readonly id: string }): string =>
  `${spec.id}@${spec.version}#${spec.sha256.slice(0, 8)}`;

export interface ActiveLivenessModel {
  readonly id: string;
  readonly version: string;
  /** id@version#sha8, as answers name the model that decided. */
  readonly modelVersion: string;
  /** The pack it came from; absent for the built-in fr_liveness. */
  readonly pack?: string;
}

/** The liveness models that decide with this model folder: fr_liveness, then each installed pack's models. */
export function activeLivenessModels(modelDir: string): ActiveLivenessModel[] {
  const builtIn = modelSpec('fr_liveness');
  return [
    { id: builtIn.id, version: builtIn.version, modelVersion: modelVersion(builtIn) },
    ...installedPacks(modelDir).flatMap((pack) =>
      pack.models.map((m) => ({ id: m.id, version: m.version, modelVersion: modelVersion(m), pack: pack.name })),
    ),
  ];
}

// import.meta.url is empty when bundled to CommonJS (Lambda): then the layer path or LIVENESS_MODEL_DIR decides.
const moduleDir = (() => {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return process.cwd();
  }
})();

/** Where the .onnx files are: LIVENESS_MODEL_DIR, the Lambda layer (/opt/models), or the repository. */
export function resolveModelDir(): string {
  const candidates = [
    process.env.LIVENESS_MODEL_DIR,
    '/opt/models',
    join(moduleDir, '../../models'),
    join(moduleDir, '../../../models'),
  ].filter((dir): dir is string => Boolean(dir));
  const found = candidates.find((dir) => existsSync(join(dir, modelSpec('fr_detect').file)));
  if (!found) {
    throw new LivenessError(
      'MODEL_UNAVAILABLE',
      `no model files found in ${candidates.join(', ')}: run \`node models/fetch.mjs\` or set LIVENESS_MODEL_DIR`,
    );
  }
  return found;
}

export interface RegistryOptions {
  readonly modelDir?: string;
  /** Threads per session; 1 keeps one request on one core and lets concurrency scale across cores. */
  readonly threads?: number;
}

/** Loads each ONNX session once per process and hands out the same session afterwards. */
export class ModelRegistry {
  private readonly sessions = new Map<ModelId, Promise<ort.InferenceSession>>();
  readonly modelDir: string;
  private readonly threads: number;

  constructor(options: RegistryOptions = {}) {
    this.modelDir = options.modelDir ?? resolveModelDir();
    this.threads = options.threads ?? Number(process.env.LIVENESS_ORT_THREADS ?? 1);
  }

  session(id: ModelId): Promise<ort.InferenceSession> {
    let session = this.sessions.get(id);
    if (!session) {
      const path = join(this.modelDir, modelSpec(id).file);
      session = ort.InferenceSession.create(path, {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // No per-session arena: each would keep its model's high-water mark for the life of the process
        // (npm run bench:memory); inference time measured the same with or without it.
        enableCpuMemArena: false,
        logSeverityLevel: 3,
      }).catch((error: unknown) => {
        this.sessions.delete(id);
        throw new LivenessError('MODEL_UNAVAILABLE', `model ${id} could not be loaded from ${path}: ${String(error)}`);
      });
      this.sessions.set(id, session);
    }
    return session;
  }

  /** Load sessions ahead of the first request (Lambda init, server start). */
  async preload(ids: readonly ModelId[]): Promise<void> {
    await Promise.all(ids.map((id) => this.session(id)));
  }

  /** Run one model on one input tensor; returns the named outputs. */
  async run(id: ModelId, data: Float32Array): Promise<ort.InferenceSession.OnnxValueMapType> {
    const spec = modelSpec(id);
    const session = await this.session(id);
    const tensor = new ort.Tensor('float32', data, spec.input.shape as number[]);
    return session.run({ [spec.input.name]: tensor });
  }
}

let shared: ModelRegistry | undefined;
/** The process-wide registry, created on first use. */
export const sharedModelRegistry = (): ModelRegistry => (shared ??= new ModelRegistry());
