// Builds the two Lambda layers into layers/out/ (gitignored):
//   models/                 → /opt/models/*.onnx + manifest.json (from models/, verified against the manifest),
//                             and /opt/models/packs/NAME/ for each model pack installed in models/packs/ (verified)
//   native-linux-<arch>/    → /opt/nodejs/node_modules/{onnxruntime-node,sharp,…} for ONE architecture only
// Packages present in node_modules are copied (pruned to the target platform); the sharp binaries for
// another architecture are fetched with `npm pack` (npm cache, then registry) and checked against the
// integrity recorded in package-lock.json. Idempotent: a stamp file skips work already done.
// Usage: npx tsx layers/build.ts [--arch arm64|x64|all]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';
import { installedPacks, PACKS, packDir, type PackDeclaration } from '../functions/liveness/packs.js';

export type Architecture = 'arm64' | 'x64';
export const ARCHITECTURES: readonly Architecture[] = ['arm64', 'x64'];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = join(repoRoot, 'node_modules');
/** Where built layer contents live; each subfolder is one layer's zip root. */
export const LAYERS_OUT = join(repoRoot, 'layers', 'out');
export const modelsLayerDir = (): string => join(LAYERS_OUT, 'models');
export const nativeLayerDir = (arch: Architecture): string => join(LAYERS_OUT, `native-linux-${arch}`);

interface LockEntry {
  readonly version: string;
  readonly integrity?: string;
}
interface ModelEntry {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const lockPackages = (): Record<string, LockEntry> =>
  readJson<{ packages: Record<string, LockEntry> }>(join(repoRoot, 'package-lock.json')).packages;

function lockEntry(name: string): LockEntry {
  const entry = lockPackages()[`node_modules/${name}`];
  if (!entry) throw new Error(`layers: ${name} is not in package-lock.json`);
  return entry;
}

/**
 * The runtime closure of the native layer, per package: which files to ship. Install-time-only
 * dependencies (onnxruntime-node's adm-zip and global-agent serve its postinstall script) are left out.
 */
function nativePackages(arch: Architecture): { name: string; files: string[]; platformSpecific?: boolean }[] {
  const sharpVersion = lockEntry('sharp').version;
  const sharpOptional = readJson<{ optionalDependencies: Record<string, string> }>(
    join(nodeModules, 'sharp', 'package.json'),
  ).optionalDependencies;
  if (sharpOptional[`@img/sharp-linux-${arch}`] !== sharpVersion) {
    throw new Error(`layers: sharp ${sharpVersion} does not pin @img/sharp-linux-${arch} to its own version`);
  }
  return [
    { name: 'onnxruntime-node', files: ['package.json', 'LICENSE', 'dist', `bin/napi-v6/linux/${arch}`] },
    { name: 'onnxruntime-common', files: ['package.json', 'LICENSE', 'dist/cjs', 'dist/esm'] },
    { name: 'sharp', files: ['package.json', 'LICENSE', 'dist'] },
    { name: 'detect-libc', files: ['package.json', 'LICENSE', 'lib'] },
    { name: 'semver', files: ['package.json', 'LICENSE', 'index.js', 'preload.js', 'range.bnf', 'classes', 'functions', 'internal', 'ranges'] },
    { name: '@img/colour', files: ['package.json', 'LICENSE.md', 'index.cjs', 'color.cjs'] },
    { name: `@img/sharp-linux-${arch}`, files: ['*'], platformSpecific: true },
    { name: `@img/sharp-libvips-linux-${arch}`, files: ['*'], platformSpecific: true },
  ];
}

const sri = (file: string): string => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Source folder of a package: node_modules when it is installed at the locked version, else an npm-packed tarball. */
async function packageSource(name: string, cacheDir: string): Promise<string> {
  const locked = lockEntry(name);
  const installed = join(nodeModules, name);
  if (existsSync(join(installed, 'package.json')) && readJson<LockEntry>(join(installed, 'package.json')).version === locked.version) {
    return installed;
  }
  if (!locked.integrity) throw new Error(`layers: package-lock.json records no integrity for ${name}`);
  const unpacked = join(cacheDir, `${name.replace('/', '+')}@${locked.version}`);
  if (existsSync(join(unpacked, 'package.json'))) return unpacked;
  mkdirSync(cacheDir, { recursive: true });
  let tarball: string;
  try {
    // npm pack goes through the npm cache and registry: the one download channel we allow.
    const out = execFileSync('npm', ['pack', `${name}@${locked.version}`, '--json', '--prefer-offline', '--pack-destination', cacheDir], {
      cwd: cacheDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    tarball = join(cacheDir, (JSON.parse(out) as { filename: string }[])[0]!.filename);
  } catch (error) {
    const detail = String((error as { stderr?: string }).stderr ?? error).split('\n').find((l) => /ERR|error/i.test(l));
    throw new Error(`layers: could not fetch ${name}@${locked.version} through npm (offline and not in the npm cache?) ${detail ?? ''}`);
  }
  if (sri(tarball) !== locked.integrity) {
    rmSync(tarball, { force: true });
    throw new Error(`layers: ${tarball} does not match the integrity in package-lock.json: refusing to use it`);
  }
  const staging = `${unpacked}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await tar.x({ file: tarball, cwd: staging, strip: 1 });
  renameSync(staging, unpacked);
  rmSync(tarball, { force: true });
  return unpacked;
}

function copyPackage(source: string, target: string, files: readonly string[]): void {
  const entries = files.includes('*') ? readdirSync(source) : files;
  for (const entry of entries) {
    const from = join(source, entry);
    if (!existsSync(from)) {
      if (entry.startsWith('LICENSE')) continue;
      throw new Error(`layers: ${from} is missing`);
    }
    cpSync(from, join(target, entry), { recursive: true, dereference: true });
  }
}

function stampMatches(stampFile: string, stamp: unknown): boolean {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8') === JSON.stringify(stamp, null, 2);
}

/** Builds the native layer for one architecture; returns its folder (the zip root, holding nodejs/). */
export async function buildNativeLayer(arch: Architecture): Promise<string> {
  const dir = nativeLayerDir(arch);
  const packages = nativePackages(arch);
  const stamp = { arch, packages: packages.map((p) => `${p.name}@${lockEntry(p.name).version}`) };
  const stampFile = `${dir}.json`;
  if (existsSync(dir) && stampMatches(stampFile, stamp)) return dir;

  const staging = `${dir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  for (const pkg of packages) {
    const source = await packageSource(pkg.name, join(LAYERS_OUT, 'cache'));
    copyPackage(source, join(staging, 'nodejs', 'node_modules', pkg.name), pkg.files);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
  return dir;
}

/** The files of an installed pack, each checked against its declaration (the NOTICE and declaration copy travel too). */
function packFiles(modelDir: string, pack: PackDeclaration): string[] {
  const dir = packDir(modelDir, pack.name);
  for (const entry of [...pack.models, ...pack.licenceFiles]) {
    if (sha256(join(dir, entry.file)) !== entry.sha256) {
      throw new Error(`layers: ${join(dir, entry.file)} does not match models/packs/${pack.name}.json: run \`npx liveness models add ${pack.name}\``);
    }
  }
  return [...pack.models.map((m) => m.file), ...pack.licenceFiles.map((l) => l.file), 'NOTICE', `${pack.name}.json`];
}

/**
 * Builds the models layer: every model of models/manifest.json, checksum-verified, plus the manifest and
 * the packs installed in the model folder (`modelDir` and `dir` are for tests: a temp model folder and layer).
 */
export function buildModelsLayer(modelDir = join(repoRoot, 'models'), dir = modelsLayerDir()): string {
  const manifestFile = join(repoRoot, 'models', 'manifest.json');
  const models = readJson<{ models: ModelEntry[] }>(manifestFile).models;
  const packs = installedPacks(modelDir);
  const stamp = {
    models: models.map((m) => `${m.file}#${m.sha256}`),
    packs: packs.map((p) => `${p.name}:${p.models.map((m) => `${m.file}#${m.sha256}`).join(',')}`),
  };
  const stampFile = `${dir}.json`;
  if (existsSync(dir) && stampMatches(stampFile, stamp)) return dir;

  const staging = `${dir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'models'), { recursive: true });
  for (const model of models) {
    const source = join(modelDir, model.file);
    if (!existsSync(source)) throw new Error(`layers: ${source} is missing: run \`node models/fetch.mjs\``);
    if (statSync(source).size !== model.bytes || sha256(source) !== model.sha256) {
      throw new Error(`layers: ${source} does not match models/manifest.json: run \`node models/fetch.mjs\``);
    }
    cpSync(source, join(staging, 'models', model.file));
  }
  cpSync(manifestFile, join(staging, 'models', 'manifest.json'));
  for (const pack of packs) {
    for (const file of packFiles(modelDir, pack)) {
      cpSync(join(packDir(modelDir, pack.name), file), join(packDir(join(staging, 'models'), pack.name), file));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
  return dir;
}

/** One line per declared pack: in the built models layer (with its models) or not. */
export function layerPackLines(modelsLayer: string): string[] {
  return PACKS.map((pack) =>
    installedPacks(join(modelsLayer, 'models')).includes(pack)
      ? `${pack.name}: in the models layer (${pack.models.map((m) => m.id).join(', ')}, licences and NOTICE) at /opt/models/packs/${pack.name}`
      : `${pack.name}: not installed, not in the layer`,
  );
}

/**
 * Runs `work` holding layers/out/.lock (an atomically created folder), so that concurrent builds
 * (test files in parallel, a synth during a test run) never remove each other's staging folders.
 */
async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(LAYERS_OUT, '.lock');
  mkdirSync(LAYERS_OUT, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than ten minutes belongs to a build that died.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`layers: ${lock} is held by another build for too long`);
      await new Promise((done) => setTimeout(done, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the models layer and the native layer of each architecture asked for. */
export async function buildLayers(archs: readonly Architecture[]): Promise<{ models: string; native: Record<string, string> }> {
  return withLock(async () => {
    const native: Record<string, string> = {};
    for (const arch of new Set(archs)) native[arch] = await buildNativeLayer(arch);
    return { models: buildModelsLayer(), native };
  });
}

/** Total size in bytes of the files under a folder (what Lambda counts as unzipped size). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--arch');
  const wanted = at > 0 ? process.argv[at + 1] : 'all';
  const archs = wanted === 'all' ? ARCHITECTURES : ARCHITECTURES.filter((a) => a === wanted);
  if (archs.length === 0) {
    console.error(`layers: --arch must be arm64, x64 or all, not ${wanted}`);
    process.exit(2);
  }
  const built = await buildLayers(archs);
  for (const [name, dir] of [['models', built.models], ...Object.entries(built.native)] as const) {
    console.log(`layers: ${name} → ${dir} (${(folderBytes(dir) / 1e6).toFixed(1)} MB unzipped)`);
  }
  for (const line of layerPackLines(built.models)) console.log(`layers: ${line}`);
}
