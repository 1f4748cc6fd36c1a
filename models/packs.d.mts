// Types of models/packs.mjs for the TypeScript CLI (functions/cli/models.ts), which imports that file.
import type { PackDeclaration } from '../functions/liveness/packs.js';

export declare const DEFAULT_PACK: string;
export declare const FILE_TIMEOUT_MS: number;
export declare const OFFLINE_LINE: (name: string) => string;
export declare class PackError extends Error {
  constructor(message: string, unreachable?: boolean);
  readonly unreachable: boolean;
}
export declare function declaredPacks(): PackDeclaration[];
export declare function packDeclaration(name: string): PackDeclaration;
export declare function defaultModelDir(): string;
export declare function packDir(modelDir: string, name: string): string;
export interface PackStatus {
  readonly pack: PackDeclaration;
  readonly dir: string;
  readonly installed: boolean;
  /** What is wrong with a folder that is there but does not verify. */
  readonly damaged?: string;
}
export declare function packStatuses(modelDir?: string): PackStatus[];
export interface AddOptions {
  readonly modelDir?: string;
  readonly from?: string;
  readonly mirror?: string;
  readonly signal?: AbortSignal;
}
export declare function addPack(
  name: string,
  options?: AddOptions,
): Promise<{ name: string; dir: string; status: 'installed' | 'already installed'; origin?: string }>;
export declare function removePack(name: string, options?: { modelDir?: string }): { name: string; dir: string; removed: boolean };
export declare function postinstall(options?: { timeoutMs?: number }): Promise<string>;
