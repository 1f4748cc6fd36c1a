import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKS } from '../../functions/liveness/packs.js';
import { SHARED_PACK, skipReasonWithoutPack } from '../helpers/packs.js';

// Real files (../shared/models/silent-face), real commands (the CLI and the postinstall script), a real
// HTTP server on 127.0.0.1 for the download path; every install goes into a temp model folder.
const root = resolve(import.meta.dirname, '../..');
const skip = skipReasonWithoutPack('liveness models');
const pack = PACKS.find((p) => p.name === 'silent-face')!;
const OFFLINE = 'silent-face: not installed (offline): liveness uses fr_liveness alone; see docs/model-packs.md';

// The suite's LIVENESS_PACKS=none (vitest.config.ts) would skip the postinstall attempt; each test sets its own.
const { LIVENESS_PACKS: _suiteSetting, ...inherited } = process.env;

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: root, env: { ...inherited, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const liveness = (...args: string[]) => run(['--import', 'tsx', 'functions/cli/liveness.ts', ...args]);
const postinstall = (env: NodeJS.ProcessEnv) => run(['models/packs.mjs', 'postinstall'], env);

describe.skipIf(skip)('liveness models: the silent-face pack', () => {
  const work = mkdtempSync(join(tmpdir(), 'liveness-packs-'));
  const modelDirs: string[] = [];
  /** A fresh, empty model folder. */
  const modelDir = () => {
    const dir = mkdtempSync(join(work, 'models-'));
    modelDirs.push(dir);
    return dir;
  };
  /** A copy of the shared pack folder, altered by `spoil`. */
  const spoiledCopy = (name: string, spoil: (dir: string) => void) => {
    const dir = join(work, name);
    cpSync(SHARED_PACK, dir, { recursive: true });
    spoil(dir);
    return dir;
  };
  /** Nothing installed, nothing staged: the packs folder is absent or empty. */
  const nothingInstalled = (dir: string) => (existsSync(join(dir, 'packs')) ? readdirSync(join(dir, 'packs')) : []);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('installs from a folder with the licences, a NOTICE and the declaration, lists it, and a second add changes nothing', async () => {
    const dir = modelDir();
    const add = await liveness('models', 'add', 'silent-face', '--from', SHARED_PACK, '--dir', dir);
    expect(add.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(`silent-face: installed and verified in ${join(dir, 'packs/silent-face')}`);
    const installed = join(dir, 'packs/silent-face');
    expect(readdirSync(installed).sort()).toEqual(
      [...pack.models.map((m) => m.file), ...pack.licenceFiles.map((l) => l.file), 'NOTICE', 'silent-face.json'].sort(),
    );
    for (const file of [...pack.models, ...pack.licenceFiles].map((f) => f.file)) {
      expect(readFileSync(join(installed, file)).equals(readFileSync(join(SHARED_PACK, file))), file).toBe(true);
    }
    const notice = readFileSync(join(installed, 'NOTICE'), 'utf8');
    expect(notice).toContain('Copyright 2020 Minivision');
    expect(notice).toContain('UNMODIFIED');
    expect(notice).toContain(pack.models[0]!.sha256);
    expect(JSON.parse(readFileSync(join(installed, 'silent-face.json'), 'utf8')).models).toEqual(pack.models);

    const list = await liveness('models', 'list', '--json', '--dir', dir);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'silent-face', licence: 'Apache-2.0', dir: installed, installed: true, models: ['silent_face_v2', 'silent_face_v1se'] },
    ]);
    const text = await liveness('models', '--dir', dir);
    expect(text.stdout).toContain(`silent-face: installed in ${installed}`);
    expect(text.stdout).toContain('licence: Apache-2.0');
    expect(text.stdout).toContain(pack.sources[0]);

    // Already installed and verified: the source is not even looked at (this folder does not exist).
    const again = await liveness('models', 'add', 'silent-face', '--from', join(work, 'absent'), '--dir', dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('silent-face: already installed and verified');

    const removed = await liveness('models', 'remove', 'silent-face', '--dir', dir);
    expect(removed.stdout).toContain('silent-face: removed from');
    expect(existsSync(installed)).toBe(false);
  });

  it.each([
    ['a flipped byte', 'flipped', (dir: string) => {
      const file = join(dir, 'MiniFASNetV2.onnx');
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(file, bytes);
    }, /MiniFASNetV2\.onnx has sha256 [0-9a-f]{64}, expected 4eed38f0/],
    ['a truncated model', 'truncated', (dir: string) => truncateSync(join(dir, 'MiniFASNetV1SE.onnx'), 1_000_000), /MiniFASNetV1SE\.onnx has 1000000 bytes, expected 1742315 \(truncated\)/],
    ['a missing licence text', 'missing', (dir: string) => rmSync(join(dir, 'LICENSE')), /LICENSE is missing from/],
  ])('refuses %s in one line, exits 1 and installs nothing', async (_what, name, spoil, reason) => {
    const dir = modelDir();
    const result = await liveness('models', 'add', 'silent-face', '--from', spoiledCopy(name, spoil), '--dir', dir);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
    expect(lines[0]).toMatch(/^silent-face: not installed: .*; nothing was changed$/);
    expect(nothingInstalled(dir)).toEqual([]);
  });

  it('leaves an earlier install exactly as it was when a new add is refused', async () => {
    const dir = modelDir();
    expect((await liveness('models', 'add', 'silent-face', '--from', SHARED_PACK, '--dir', dir)).code).toBe(0);
    // A damaged install (a licence text deleted) is re-added, from a corrupt copy: refused, the folder untouched.
    rmSync(join(dir, 'packs/silent-face/LICENSE'));
    const before = readdirSync(join(dir, 'packs/silent-face')).sort();
    const corrupt = spoiledCopy('corrupt-again', (d) => writeFileSync(join(d, 'LICENSE'), 'not the licence'));
    const result = await liveness('models', 'add', 'silent-face', '--from', corrupt, '--dir', dir);
    expect(result.code).toBe(1);
    expect(readdirSync(join(dir, 'packs/silent-face')).sort()).toEqual(before);
    expect(readdirSync(join(dir, 'packs'))).toEqual(['silent-face']);
    const list = JSON.parse((await liveness('models', 'list', '--json', '--dir', dir)).stdout) as { installed: boolean; damaged?: string }[];
    expect(list[0]).toMatchObject({ installed: false, damaged: 'LICENSE is missing' });
  });

  it('refuses an unknown pack name', async () => {
    const result = await liveness('models', 'add', 'no-such-pack', '--dir', modelDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown pack 'no-such-pack'; declared packs: silent-face");
  });

  describe('the download path, against a server on 127.0.0.1', () => {
    let server: Server;
    let base: string;
    const served: string[] = [];
    beforeAll(async () => {
      // /good/ serves the real files, /corrupt/ every file with one byte flipped, anything else 404.
      server = createServer((req, res) => {
        served.push(req.url!);
        const [, kind, file] = req.url!.split('/').map(decodeURIComponent);
        const path = join(SHARED_PACK, file ?? '');
        if ((kind !== 'good' && kind !== 'corrupt') || !file || file.includes('..') || !existsSync(path)) {
          res.writeHead(404).end('not found');
          return;
        }
        const bytes = readFileSync(path);
        if (kind === 'corrupt') bytes[10] ^= 0xff;
        res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('downloads, verifies and installs every file from a mirror', async () => {
      const dir = modelDir();
      const result = await liveness('models', 'add', 'silent-face', '--mirror', `${base}/good/{file}`, '--dir', dir);
      expect(result.code).toBe(0);
      expect(served).toEqual(expect.arrayContaining(['/good/MiniFASNetV2.onnx', '/good/MiniFASNetV1SE.onnx', '/good/LICENSE']));
      expect(readFileSync(join(dir, 'packs/silent-face/NOTICE'), 'utf8')).toContain(`Obtained from: ${base}/good/{file}`);
    });

    it.each([
      ['served corrupt', 'corrupt', /has sha256 [0-9a-f]{64}, expected/],
      ['not found (404)', 'missing', /HTTP 404/],
    ])('refuses files %s and installs nothing', async (_what, kind, reason) => {
      const dir = modelDir();
      const result = await liveness('models', 'add', 'silent-face', '--mirror', `${base}/${kind}/{file}`, '--dir', dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(reason);
      expect(nothingInstalled(dir)).toEqual([]);
    });

    it('postinstall prints the one offline line and exits 0 when no source answers', async () => {
      // A port that was just closed: the connection is refused at once, as offline.
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((done) => closed.close(done));
      const dir = modelDir();
      const result = await postinstall({ LIVENESS_MODEL_DIR: dir, LIVENESS_PACKS_MIRROR: `http://127.0.0.1:${port}/{file}` });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${OFFLINE}\n`);
      expect(result.stderr).toBe('');
      expect(nothingInstalled(dir)).toEqual([]);
    });

    it('postinstall gives up on a source that never answers, with the offline line and exit 0', async () => {
      // Accepts the connection and stays silent, as a firewall that drops packets would; the bound is short here.
      const silent = createServer(() => undefined);
      await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
      try {
        const port = (silent.address() as AddressInfo).port;
        const result = await postinstall({ LIVENESS_MODEL_DIR: modelDir(), LIVENESS_PACKS_MIRROR: `http://127.0.0.1:${port}/{file}`, LIVENESS_PACKS_TIMEOUT_MS: '1500' });
        expect(result).toMatchObject({ code: 0, stdout: `${OFFLINE}\n`, stderr: '' });
      } finally {
        silent.closeAllConnections();
        await new Promise((done) => silent.close(done));
      }
    });

    it('postinstall installs from the mirror when it answers', async () => {
      const dir = modelDir();
      const result = await postinstall({ LIVENESS_MODEL_DIR: dir, LIVENESS_PACKS_MIRROR: `${base}/good/{file}` });
      expect(result).toMatchObject({ code: 0, stdout: 'silent-face: installed\n' });
      expect(existsSync(join(dir, 'packs/silent-face/MiniFASNetV2.onnx'))).toBe(true);
    });
  });

  it('postinstall installs from LIVENESS_PACKS_FROM, says why in its one line when refused, and is skipped by LIVENESS_PACKS=none', async () => {
    const good = modelDir();
    expect((await postinstall({ LIVENESS_MODEL_DIR: good, LIVENESS_PACKS_FROM: SHARED_PACK })).stdout).toBe('silent-face: installed\n');
    expect(existsSync(join(good, 'packs/silent-face/NOTICE'))).toBe(true);

    const bad = modelDir();
    const corrupt = spoiledCopy('corrupt-postinstall', (d) => copyFileSync(join(d, 'LICENSE'), join(d, 'MiniFASNetV2.onnx')));
    const refused = await postinstall({ LIVENESS_MODEL_DIR: bad, LIVENESS_PACKS_FROM: corrupt });
    expect(refused.code).toBe(0);
    expect(refused.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(refused.stdout).toMatch(/^silent-face: not installed \(.*MiniFASNetV2\.onnx has 11357 bytes, expected 1743561.*\): liveness uses fr_liveness alone/);
    expect(nothingInstalled(bad)).toEqual([]);

    const skipped = await postinstall({ LIVENESS_MODEL_DIR: modelDir(), LIVENESS_PACKS: 'none', LIVENESS_PACKS_FROM: SHARED_PACK });
    expect(skipped).toMatchObject({ code: 0, stdout: 'silent-face: not installed (LIVENESS_PACKS=none): liveness uses fr_liveness alone; see docs/model-packs.md\n' });
  });
});
