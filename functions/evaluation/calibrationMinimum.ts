/** What `--calibrate` needs of a set; a module of its own so the CLI's help needs no model code. */

/** A source counts towards a class's rate only with at least this many decided images of that class (one error moves its rate by 20% at most). */
export const MIN_PER_CLASS = 5;

/** Leaving one source out needs another that counts to choose on: two sources per class at least. */
export const MIN_SOURCES_PER_CLASS = 2;

/** The APCER `--calibrate` aims for unless `--target-apcer` says otherwise. */
export const DEFAULT_TARGET_APCER = 0.05;
