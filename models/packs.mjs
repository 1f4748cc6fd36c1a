#!/usr/bin/env node
// Installs the model packs declared in models/packs/NAME.json (extra liveness models, never committed):
// every file (models and licence texts) is fetched from the declared sources in order (or a folder, or a
// mirror), checked for size and sha256, staged beside the target and renamed into place only when all
// of them match, with a NOTICE and a copy of the declaration. Plain Node so that npm's postinstall can
// run it before `tsc`; `liveness models` (functions/cli/models.ts) imports this same file.
// Usage (npm postinstall): node models/packs.mjs postinstall
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const declarationsDir = join(here, 'packs');

/** The pack installed by postinstall (one at most: it is the only download allowed outside npm). */
export const DEFAULT_PACK = 'silent-face';
/** Each file's own download limit; postinstall also bounds the whole attempt. */
export const FILE_TIMEOUT_MS = 20_000;
export const OFFLINE_LINE = (name) => `${name}: not installed (offline): liveness uses fr_liveness alone; see docs/model-packs.md`;

/** A refusal with a one-line reason; `unreachable` when no source answered (offline, timeout, HTTP error). */
export class PackError extends Error {
  constructor(message, unreachable = false) {
    super(message);
    this.name = 'PackError';
    this.unreachable = unreachable;
  }
}

/** Every declared pack (models/packs/NAME.json), by name. */
export function declaredPacks() {
  return readdirSync(declarationsDir)
    // NAME.json is a declaration; NAME.fusion.json beside it is the pack's calibration (learned data), not a pack.
    .filter((f) => /^[a-z0-9-]+\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(declarationsDir, f), 'utf8')));
}

export function packDeclaration(name) {
  const pack = declaredPacks().find((p) => p.name === name);
  if (!pack) throw new PackError(`unknown pack '${name}'; declared packs: ${declaredPacks().map((p) => p.name).join(', ')}`);
  return pack;
}

/** The model folder: --dir, else LIVENESS_MODEL_DIR, else this repository's models/ (as models/fetch.mjs). */
export const defaultModelDir = () => resolve(process.env.LIVENESS_MODEL_DIR || here);
/** A pack's install folder (functions/liveness/packs.ts packDir says the same). */
export const packDir = (modelDir, name) => join(modelDir, 'packs', name);

/** Every file a pack installs, with where each may come from: the models first, then the licence texts. */
export function packFiles(pack) {
  return [
    ...pack.models.map((m) => ({ file: m.file, bytes: m.bytes, sha256: m.sha256, sources: pack.sources })),
    ...pack.licenceFiles.map((l) => ({ file: l.file, bytes: l.bytes, sha256: l.sha256, sources: l.sources })),
  ];
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const urlOf = (template, file) => template.replaceAll('{file}', encodeURIComponent(file));

/** Why `bytes` are not the declared file, or undefined when they are. */
function mismatch(bytes, entry) {
  if (bytes.length !== entry.bytes) {
    return `has ${bytes.length} bytes, expected ${entry.bytes}${bytes.length < entry.bytes ? ' (truncated)' : ''}`;
  }
  const actual = sha256(bytes);
  return actual === entry.sha256 ? undefined : `has sha256 ${actual}, expected ${entry.sha256}`;
}

/** Installed and every file verified (size and sha256): undefined, else what is wrong. */
function installProblem(dir, pack) {
  if (!existsSync(dir)) return 'not installed';
  for (const entry of packFiles(pack)) {
    const path = join(dir, entry.file);
    if (!existsSync(path)) return `${entry.file} is missing`;
    const wrong = mismatch(readFileSync(path), entry);
    if (wrong) return `${entry.file} ${wrong}`;
  }
  return undefined;
}

/** Each declared pack: its declaration, where it would live, and whether it is installed and verified. */
export function packStatuses(modelDir = defaultModelDir()) {
  return declaredPacks().map((pack) => {
    const dir = packDir(modelDir, pack.name);
    const problem = installProblem(dir, pack);
    return { pack, dir, installed: problem === undefined, ...(problem && problem !== 'not installed' ? { damaged: problem } : {}) };
  });
}

/** The body of one URL, at most `limit` bytes (a larger answer is not the declared file). */
async function download(url, limit, signal) {
  const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(FILE_TIMEOUT_MS)]) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const chunks = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > limit) throw new Error(`more than the declared ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const reasonOf = (error) => {
  const cause = error?.cause?.code ?? error?.cause?.message;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return 'timed out';
  return cause ? `${error.message} (${cause})` : String(error?.message ?? error);
};

/** One verified file from the first source that gives the declared bytes; refuses when none does. */
async function fetchVerified(entry, { from, mirror, signal }) {
  if (from) {
    const path = join(from, entry.file);
    if (!existsSync(path)) throw new PackError(`${entry.file} is missing from ${from}`);
    const bytes = readFileSync(path);
    const wrong = mismatch(bytes, entry);
    if (wrong) throw new PackError(`${path} ${wrong}`);
    return bytes;
  }
  const tried = [];
  let answered = false;
  for (const url of (mirror ? [mirror] : entry.sources).map((t) => urlOf(t, entry.file))) {
    if (signal.aborted) break;
    try {
      const bytes = await download(url, entry.bytes, signal);
      answered = true;
      const wrong = mismatch(bytes, entry);
      if (!wrong) return bytes;
      tried.push(`${url} ${wrong}`);
    } catch (error) {
      tried.push(`${url}: ${reasonOf(error)}`);
    }
  }
  // Only a source that served bytes (wrong ones) makes this a refusal rather than "unreachable".
  throw new PackError(`${entry.file}: no source gave the declared file (${tried.join('; ') || 'timed out'})`, !answered);
}

/** Apache-2.0 section 4: what the files are, whose they are, where they came from, that they are unmodified. */
function noticeText(pack, origin) {
  const files = packFiles(pack);
  return [
    `${pack.name} model pack, installed by open-liveness (\`liveness models add ${pack.name}\`)`,
    '',
    pack.description,
    '',
    `Copyright: ${pack.copyright}`,
    `Licence: ${pack.licence}; the licence texts are beside this NOTICE (${pack.licenceFiles.map((l) => l.file).join(', ')}).`,
    `Obtained from: ${origin}`,
    `Declared sources (tried in order): ${pack.sources.join(' , ')}`,
    '',
    'Files (each verified byte for byte against the sha256 below; redistributed UNMODIFIED, exactly as published):',
    ...files.map((f) => `  ${f.file}  ${f.bytes} bytes  sha256 ${f.sha256}`),
    '',
    ...pack.models.map((m) => `  ${m.file}: ${m.id} ${m.version}, ${m.purpose}`),
    '',
    `open-liveness reads these files as they are; it does not modify them. ${basename(pack.name)}.json is the declaration they were checked against.`,
    '',
  ].join('\n');
}

/**
 * Installs one pack into `<modelDir>/packs/<name>`, all or nothing: an existing verified install is
 * left as it is (no download); any refusal leaves the folder exactly as it was.
 * Options: modelDir, from (a folder holding the files), mirror (a URL template with {file}), signal.
 */
export async function addPack(name, { modelDir = defaultModelDir(), from, mirror, signal = new AbortController().signal } = {}) {
  const pack = packDeclaration(name);
  const dir = packDir(modelDir, name);
  if (installProblem(dir, pack) === undefined) return { name, dir, status: 'already installed' };
  const origin = from ? resolve(from) : mirror ?? pack.sources[0].replace('{file}', '');
  const files = [];
  for (const entry of packFiles(pack)) files.push([entry, await fetchVerified(entry, { from: from && resolve(from), mirror, signal })]);

  // Staged beside the target so the final rename stays on one filesystem.
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(join(dirname(dir), `.staging-${name}-`));
  try {
    for (const [entry, bytes] of files) writeFileSync(join(staging, entry.file), bytes);
    writeFileSync(join(staging, 'NOTICE'), noticeText(pack, origin));
    writeFileSync(join(staging, `${name}.json`), `${JSON.stringify(pack, null, 2)}\n`);
    const problem = installProblem(staging, pack);
    if (problem) throw new PackError(`staged ${problem}: refusing to install`);
    const old = existsSync(dir) ? `${staging}.old` : undefined;
    if (old) renameSync(dir, old);
    renameSync(staging, dir);
    if (old) rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { name, dir, status: 'installed', origin };
}

/** Removes an installed pack's folder; liveness then uses fr_liveness alone. */
export function removePack(name, { modelDir = defaultModelDir() } = {}) {
  packDeclaration(name);
  const dir = packDir(modelDir, name);
  const removed = existsSync(dir) && statSync(dir).isDirectory();
  rmSync(dir, { recursive: true, force: true });
  return { name, dir, removed };
}

/**
 * npm postinstall: one bounded attempt at the default pack, exactly one line, never a failed install.
 * LIVENESS_PACKS_FROM=DIR installs from a folder; LIVENESS_PACKS=none skips (CI proves the offline path).
 */
export async function postinstall({ timeoutMs = Number(process.env.LIVENESS_PACKS_TIMEOUT_MS || 25_000) } = {}) {
  const name = DEFAULT_PACK;
  const fallback = 'liveness uses fr_liveness alone; see docs/model-packs.md';
  if (process.env.LIVENESS_PACKS === 'none') return `${name}: not installed (LIVENESS_PACKS=none): ${fallback}`;
  const signal = AbortSignal.timeout(timeoutMs);
  const attempt = addPack(name, {
    from: process.env.LIVENESS_PACKS_FROM || undefined,
    mirror: process.env.LIVENESS_PACKS_MIRROR || undefined,
    signal,
  });
  // The signal stops every download; this also bounds anything that ignores it (a stalled body read).
  const giveUp = new Promise((done) => setTimeout(done, timeoutMs + 2_000).unref()).then(() => {
    throw new PackError('timed out', true);
  });
  try {
    await Promise.race([attempt, giveUp]);
    return `${name}: installed`;
  } catch (error) {
    if (error instanceof PackError && !error.unreachable) return `${name}: not installed (${error.message}): ${fallback}`;
    return OFFLINE_LINE(name);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== 'postinstall') {
    console.error('usage: node models/packs.mjs postinstall   (otherwise: npx liveness models --help)');
    process.exit(2);
  }
  console.log(await postinstall());
  // Never fail the install, and never wait for a straggling socket.
  process.exit(0);
}
