import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMAGE_FILE_BYTES } from '../../functions/cli/imageFiles.js';
import { samplePhotos } from '../helpers/faces.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'functions/cli/liveness.ts');

/** A real `liveness check` process (through tsx, as the other CLI tests run it); stdin text when given. */
function liveness(args: string[], stdin?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(stdin ?? '');
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { file: string; error?: { code: string } });

describe('liveness check: what it reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liveness-input-'));
  // A small image with no face: the whole pipeline runs, quickly (FACE_NOT_DETECTED).
  const tiny = join(dir, 'tiny.jpg');
  beforeAll(async () => {
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toFile(tiny);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers NOT_A_FILE at once for a FIFO and a device, and IMAGE_TOO_LARGE for a file over the limit without reading it', async () => {
    const fifo = join(dir, 'camera.jpg');
    execFileSync('mkfifo', [fifo]);
    // Sparse: its size is past the limit but nothing is on disk; reading it all would take 1 GiB of memory.
    const huge = join(dir, 'huge.jpg');
    writeFileSync(huge, '');
    truncateSync(huge, 1024 * 1024 * 1024);
    expect(1024 * 1024 * 1024).toBeGreaterThan(MAX_IMAGE_FILE_BYTES);

    // Before: the FIFO waited for a writer forever and /dev/zero was read until memory ran out.
    const { code, stdout } = await liveness(['check', '--json', fifo, '/dev/zero', huge, samplePhotos[0]!]);
    expect(code).toBe(2);
    const [fromFifo, fromDevice, fromHuge, photo] = jsonLines(stdout);
    expect(fromFifo).toEqual({ file: fifo, error: { code: 'NOT_A_FILE', message: expect.stringContaining('FIFO') } });
    expect(fromDevice).toEqual({ file: '/dev/zero', error: { code: 'NOT_A_FILE', message: expect.stringContaining('device') } });
    expect(fromHuge).toEqual({ file: huge, error: { code: 'IMAGE_TOO_LARGE', message: expect.stringContaining(String(MAX_IMAGE_FILE_BYTES)) } });
    expect(photo!.file).toBe(samplePhotos[0]);
    expect(photo!.error).toBeUndefined();
  });

  it('escapes control characters of file names in text lines, so a name cannot forge a result or colour the terminal', async () => {
    const forged = join(dir, 'a.jpg: live=yes score=1.000\n\u001b[32mreal.jpg');
    copyFileSync(tiny, forged);
    const { code, stdout, stderr } = await liveness(['check', forged, samplePhotos[0]!]);
    expect(code).toBe(2);
    // One error line for the forged name, one result line for the photo: no extra line, no escape byte.
    expect(stderr.trim().split('\n')).toEqual([`${dir}/a.jpg: live=yes score=1.000\\n\\x1b[32mreal.jpg: error FACE_NOT_DETECTED: no face detected in the image`]);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout.startsWith(`${samplePhotos[0]}: live=`)).toBe(true);
    expect(`${stdout}${stderr}`).not.toContain('\u001b');
  });

  it('checks 3000 files named on the command line (it segfaulted in onnxruntime\'s telemetry at ~1000)', async () => {
    const many = join(dir, 'a-folder-of-ordinary-depth', 'captures-from-the-field-office');
    mkdirSync(many, { recursive: true });
    const files = Array.from({ length: 3000 }, (_, i) => join(many, `selfie-${String(i).padStart(4, '0')}-front-camera.jpg`));
    for (const file of files) symlinkSync(tiny, file);
    expect(files.join(' ').length).toBeGreaterThan(200_000);

    const { code, signal, stdout } = await liveness(['check', '--json', ...files]);
    expect(signal).toBeNull();
    expect(code).toBe(2);
    const lines = jsonLines(stdout);
    expect(lines.map((l) => l.file)).toEqual(files);
    expect(new Set(lines.map((l) => l.error?.code))).toEqual(new Set(['FACE_NOT_DETECTED']));
  }, 600_000);

  it('takes directories (their images, by name) and --files-from a list or standard input, in the order given', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    for (const name of ['b.png', 'a.JPG', '.hidden.jpg']) copyFileSync(tiny, join(folder, name));
    writeFileSync(join(folder, 'notes.txt'), 'not an image');
    copyFileSync(tiny, join(folder, 'nested', 'deeper.jpg'));

    const fromArgs = await liveness(['check', '--json', samplePhotos[0]!, folder]);
    expect(jsonLines(fromArgs.stdout).map((l) => l.file)).toEqual([samplePhotos[0], join(folder, 'a.JPG'), join(folder, 'b.png')]);

    const list = join(dir, 'list.txt');
    writeFileSync(list, `${join(folder, 'b.png')}\r\n\n${samplePhotos[1]}\n`);
    const fromList = await liveness(['check', '--json', samplePhotos[0]!, '--files-from', list]);
    expect(jsonLines(fromList.stdout).map((l) => l.file)).toEqual([samplePhotos[0], join(folder, 'b.png'), samplePhotos[1]]);

    const fromStdin = await liveness(['check', '--json', '--files-from', '-'], `${folder}\n/dev/zero\n`);
    expect(jsonLines(fromStdin.stdout).map((l) => [l.file, l.error?.code])).toEqual([
      [join(folder, 'a.JPG'), 'FACE_NOT_DETECTED'],
      [join(folder, 'b.png'), 'FACE_NOT_DETECTED'],
      ['/dev/zero', 'NOT_A_FILE'],
    ]);

    const missingList = await liveness(['check', '--files-from', join(dir, 'no-such-list.txt')]);
    expect(missingList.code).toBe(1);
    expect(missingList.stderr).toContain('cannot read');
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = await liveness(['check', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no image files found');
  });
});
