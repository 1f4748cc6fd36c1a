/** Where `liveness train` keeps the evidence of each image between runs (gitignored out/); a module of its own so the CLI's help needs no model code. */
export const DEFAULT_FEATURE_CACHE = 'out/training/features.json';
