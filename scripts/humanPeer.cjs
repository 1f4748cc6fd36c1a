#!/usr/bin/env node
// The Human peer for `npm run bench:cli`: @vladmandic/human (tfjs-wasm) doing what `liveness check` does —
// face detector, antispoof and liveness models, nothing else — one line per image, as one whole process.
// Usage: node scripts/humanPeer.cjs <human-dir> <image...>
// <human-dir> is a scratch folder (never a project dependency), made with:
//   mkdir -p /tmp/human && cd /tmp/human && npm init -y && \
//   npm install @vladmandic/human@3.3.6 @tensorflow/tfjs-backend-wasm@4 @tensorflow/tfjs@4
'use strict';
const { readFile } = require('node:fs/promises');
const { join, resolve } = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');
// Decoding uses the project's sharp, the same decoder our CLI uses.
const sharp = require('sharp');

const [humanDir, ...files] = process.argv.slice(2);
if (!humanDir || files.length === 0) {
  console.error('usage: node scripts/humanPeer.cjs <human-dir> <image...>');
  process.exit(64);
}
const root = resolve(humanDir, 'node_modules');

// tfjs loads models over fetch; Node's fetch has no file:// scheme, so serve those from disk.
const httpFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file://')) return httpFetch(input, init);
  const body = await readFile(fileURLToPath(url));
  return new Response(body, { status: 200, headers: { 'content-type': url.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
};

const { Human } = require(join(root, '@vladmandic/human/dist/human.node-wasm.js'));

const off = { enabled: false };
const human = new Human({
  backend: 'wasm',
  wasmPath: `${join(root, '@tensorflow/tfjs-backend-wasm/dist')}/`,
  modelBasePath: `${pathToFileURL(join(root, '@vladmandic/human/models')).href}/`,
  debug: false,
  // Every image is a new presentation: no frame cache, no skipped frames.
  cacheSensitivity: 0,
  filter: off,
  face: {
    enabled: true,
    detector: { enabled: true, rotation: false, skipFrames: 0, skipTime: 0 },
    mesh: off,
    iris: off,
    description: off,
    emotion: off,
    attention: off,
    antispoof: { enabled: true, skipFrames: 0, skipTime: 0 },
    liveness: { enabled: true, skipFrames: 0, skipTime: 0 },
  },
  body: off,
  hand: off,
  object: off,
  gesture: off,
  segmentation: off,
});

async function main() {
  await human.load();
  await human.init();
  let failures = 0;
  for (const file of files) {
    try {
      const { data, info } = await sharp(await readFile(file)).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const tensor = human.tf.tensor(new Float32Array(data), [1, info.height, info.width, 3], 'float32');
      const result = await human.detect(tensor);
      human.tf.dispose(tensor);
      const face = result.face[0];
      if (!face) {
        failures++;
        console.log(`${file}: faces=0`);
        continue;
      }
      const [x, y, w, h] = face.box.map(Math.round);
      console.log(`${file}: faces=${result.face.length} box=${x},${y},${w}x${h} real=${face.real?.toFixed(3)} live=${face.live?.toFixed(3)}`);
    } catch (error) {
      failures++;
      console.error(`${file}: error ${String(error)}`);
    }
  }
  process.exitCode = failures === 0 ? 0 : 2;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
