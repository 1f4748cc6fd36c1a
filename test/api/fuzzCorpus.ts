/**
 * A seeded corpus of malformed checkLiveness requests for the fuzz test: the same seed gives the
 * same requests. Every case says whether it reaches the function (and so must be logged once) or
 * is refused by the gateway in front of it (body over the limit, broken HTTP), as API Gateway would.
 */
import { encode as encodeBmp } from 'bmp-ts';
import sharp from 'sharp';

export interface FuzzCase {
  readonly category: string;
  /** Through fetch: headers and body; through a raw socket: the bytes. */
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  readonly raw?: Buffer;
  /** false when the gateway answers before the function (no transaction log record). */
  readonly reachesHandler: boolean;
}

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}

export async function asBmp(image: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const abgr = Buffer.alloc(info.width * info.height * 4);
  for (let p = 0, q = 0; p < data.length; p += 3, q += 4) {
    abgr[q] = 0xff;
    abgr[q + 1] = data[p + 2]!;
    abgr[q + 2] = data[p + 1]!;
    abgr[q + 3] = data[p]!;
  }
  return encodeBmp({ data: abgr, width: info.width, height: info.height, bitPP: 24 }).data;
}

/** The same small selfie in the four formats we read, and a decompression bomb of each. */
export async function imageSet(selfie: Buffer) {
  const small = await sharp(selfie).resize(320, 240).jpeg({ quality: 85 }).toBuffer();
  const formats = {
    jpeg: small,
    png: await sharp(small).png().toBuffer(),
    webp: await sharp(small).webp().toBuffer(),
    bmp: await asBmp(small),
  };
  const huge = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#808080' }, limitInputPixels: false });
  // BMP: a valid 16x16 file whose header claims 60000x60000 (the decoder must not allocate it).
  const bmpBomb = Buffer.from(await asBmp(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } }).jpeg().toBuffer()));
  bmpBomb.writeInt32LE(60_000, 18);
  bmpBomb.writeInt32LE(60_000, 22);
  const bombs = {
    // 36 to 64 megapixels (the limit is 25): small files, hundreds of MB once decoded.
    jpeg: await huge(6_000, 6_000).jpeg({ quality: 10 }).toBuffer(),
    png: await huge(8_000, 8_000).png({ compressionLevel: 9 }).toBuffer(),
    webp: await huge(7_000, 7_000).webp({ quality: 1 }).toBuffer(),
    bmp: bmpBomb,
  };
  return { formats, bombs };
}

type Images = Awaited<ReturnType<typeof imageSet>>;

const MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', bmp: 'image/bmp' } as const;
const crlf = '\r\n';

function multipart(parts: { name?: string; filename?: string; type?: string; content: Buffer | string; extraHeaders?: string }[], boundary = 'FuzzBoundary') {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `Content-Disposition: form-data${p.name !== undefined ? `; name="${p.name}"` : ''}${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}${crlf}${disposition}${crlf}${p.type ? `Content-Type: ${p.type}${crlf}` : ''}${p.extraHeaders ?? ''}${crlf}`));
    chunks.push(Buffer.from(p.content));
    chunks.push(Buffer.from(crlf));
  }
  chunks.push(Buffer.from(`--${boundary}--${crlf}`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * `count` cases per category (roughly), from `seed`. `auth` are the headers of a valid app;
 * `maxBodyBytes` is the stack's limit (oversized cases go just over it).
 */
export function fuzzCorpus(seed: number, images: Images, auth: () => Record<string, string>, maxBodyBytes: number, perCategory = 110): FuzzCase[] {
  const r = random(seed);
  const cases: FuzzCase[] = [];
  let n = 0;
  const tx = () => `fuzz-${seed}-${++n}`;
  const formats = Object.keys(images.formats) as (keyof Images['formats'])[];
  const asMultipart = (category: string, image: Buffer, format: keyof typeof MIME, fields: Record<string, string> = {}) => {
    const { body, contentType } = multipart([
      { name: 'image', filename: `s.${format}`, type: MIME[format], content: image },
      ...Object.entries(fields).map(([name, content]) => ({ name, content })),
    ]);
    cases.push({ category, headers: { ...auth(), transactionId: tx(), 'content-type': contentType }, body, reachesHandler: true });
  };
  const asJson = (category: string, value: unknown, headers: Record<string, string> = {}) =>
    cases.push({ category, headers: { ...auth(), transactionId: tx(), 'content-type': 'application/json', ...headers }, body: typeof value === 'string' ? value : JSON.stringify(value), reachesHandler: true });
  const either = (category: string, image: Buffer, format: keyof typeof MIME) =>
    r.next() < 0.5 ? asMultipart(category, image, format) : asJson(category, { image: image.toString('base64') });

  // Truncated images of every format: cut anywhere, headers included.
  for (let i = 0; i < perCategory; i++) {
    const format = formats[i % formats.length]!;
    const image = images.formats[format];
    either('truncated image', image.subarray(0, r.int(image.length)), format);
  }
  // Corrupt images: bytes flipped, zeroed, or spliced, in the header or the data.
  for (let i = 0; i < perCategory; i++) {
    const format = formats[i % formats.length]!;
    const image = Buffer.from(images.formats[format]);
    const edits = 1 + r.int(20);
    for (let e = 0; e < edits; e++) {
      const at = r.next() < 0.5 ? r.int(Math.min(64, image.length)) : r.int(image.length);
      image[at] = r.pick([0, 0xff, r.int(256), image[at]! ^ (1 << r.int(8))]);
    }
    if (r.next() < 0.2) r.bytes(64).copy(image, r.int(image.length - 64));
    either('corrupt image', image, format);
  }
  // Decompression bombs: small files that would decode to hundreds of megapixels.
  for (let i = 0; i < Math.ceil(perCategory / 5); i++) {
    const format = formats[i % formats.length]!;
    either('decompression bomb', images.bombs[format], format);
  }
  // Broken multipart: every case of the issue, then random cuts and damage of a valid form.
  const image = images.formats.jpeg;
  const broken: (() => { body: Buffer | string; contentType: string })[] = [
    () => ({ body: `--BRK${crlf}Content-Disposition: form-data; name="image"; filename="a.jpg"${crlf}${crlf}AAAA`, contentType: 'multipart/form-data; boundary=BRK' }),
    () => multipart([{ filename: 'a.jpg', content: image }]),
    () => multipart(Array.from({ length: 9 + r.int(8) }, (_, k) => ({ name: `image${k + 1}`, filename: `${k}.jpg`, content: image }))),
    () => ({ body: `--B${crlf}${crlf}${'A'.repeat(16_500 + r.int(5000))}${crlf}--B--${crlf}`, contentType: 'multipart/form-data; boundary=B' }),
    () => ({ body: `--B${crlf}${'A'.repeat(16_500 + r.int(5000))}`, contentType: 'multipart/form-data; boundary=B' }),
    () => multipart([{ name: 'image', filename: 'a.jpg', content: image, extraHeaders: `X-Huge: ${'h'.repeat(5000 + r.int(100_000))}${crlf}` }]),
    () => multipart([{ name: 'image', filename: 'a.jpg', content: image, extraHeaders: `X-a: b${crlf}`.repeat(20 + r.int(2000)) }]),
    () => multipart(Array.from({ length: 60 + r.int(200) }, (_, k) => ({ name: `f${k}`, content: 'x' }))),
    () => ({ body: multipart([{ name: 'image', filename: 'a.jpg', content: image }]).body, contentType: 'multipart/form-data' }),
    () => ({ body: multipart([{ name: 'image', filename: 'a.jpg', content: image }]).body, contentType: 'multipart/form-data; boundary=Other' }),
    () => ({ body: r.bytes(1 + r.int(5000)), contentType: 'multipart/form-data; boundary=FuzzBoundary' }),
    () => {
      const whole = multipart([{ name: 'image', filename: 'a.jpg', type: 'image/jpeg', content: image }, { name: 'threshold', content: '0.5' }]);
      return { body: whole.body.subarray(0, r.int(whole.body.length)), contentType: whole.contentType };
    },
    () => {
      const whole = Buffer.from(multipart([{ name: 'image', filename: 'a.jpg', content: image }]).body);
      for (let e = 0; e < 5; e++) whole[r.int(Math.min(200, whole.length))] = r.int(256);
      return { body: whole, contentType: 'multipart/form-data; boundary=FuzzBoundary' };
    },
    () => multipart([{ name: 'image', content: image.toString('base64').slice(0, r.int(1000)) }]),
    () => multipart([{ name: 'image', filename: 'a.jpg', content: image }, { name: 'image', filename: 'b.jpg', content: image }]),
    () => multipart([{ name: 'image', filename: 'a.jpg', content: image, extraHeaders: `Content-Disposition: attachment${crlf}` }]),
    () => ({ body: `--${'x'.repeat(100)}${crlf}`, contentType: `multipart/form-data; boundary=${'x'.repeat(100)}` }),
  ];
  for (let i = 0; i < perCategory * 2; i++) {
    const { body, contentType } = broken[i % broken.length]!();
    cases.push({ category: 'broken multipart', headers: { ...auth(), transactionId: tx(), 'content-type': contentType }, body, reachesHandler: true });
  }
  // Wrong content types for otherwise fine bodies.
  const types = ['text/plain', 'application/xml', 'image/jpeg', 'application/x-www-form-urlencoded', 'application/octet-stream', '', 'multipart/mixed; boundary=FuzzBoundary', 'application/jsonp', 'json', 'APPLICATION/JSON', 'Multipart/Form-Data; boundary=FuzzBoundary', '*/*', 'application/json; charset=latin1'];
  for (let i = 0; i < perCategory; i++) {
    const type = types[i % types.length]!;
    const body = r.next() < 0.5 ? JSON.stringify({ image: image.toString('base64') }) : multipart([{ name: 'image', filename: 'a.jpg', content: image }]).body;
    cases.push({ category: 'wrong content type', headers: { ...auth(), transactionId: tx(), ...(type ? { 'content-type': type } : {}) }, body, reachesHandler: true });
  }
  // Bad base64 and data URLs.
  const b64 = image.toString('base64');
  const badBase64 = [
    () => b64.slice(0, r.int(b64.length)),
    () => `${b64.slice(0, 100)}!!!${b64.slice(100)}`,
    () => `data:image/jpeg,${b64}`,
    () => `data:image/jpeg;base64,${r.bytes(50).toString('latin1')}`,
    () => `data:;base64,`,
    () => ' '.repeat(r.int(1000)),
    () => '='.repeat(1 + r.int(10)),
    () => r.bytes(200).toString('base64'),
    () => b64.replace(/[+/]/g, (c) => (c === '+' ? '-' : '_')).slice(0, 5000),
    () => `${b64.slice(0, 500)}\n\t${b64.slice(500, 1000)}`,
    () => Buffer.from('%PDF-1.4 not an image').toString('base64'),
    () => Buffer.from('GIF89a').toString('base64'),
  ];
  for (let i = 0; i < perCategory; i++) asJson('bad base64', { image: badBase64[i % badBase64.length]!() });
  // JSON of wrong types and shapes.
  const wrongJson: (() => unknown)[] = [
    () => ({ image: r.int(1000) }),
    () => ({ image: [b64.slice(0, 100)] }),
    () => ({ image: { content: b64.slice(0, 100) } }),
    () => ({ image: null }),
    () => ({ image: true }),
    () => ({}),
    () => [],
    () => 'just a string',
    () => 42,
    () => null,
    () => `${'['.repeat(5000 + r.int(20_000))}${']'.repeat(5000)}`,
    () => '{"image": "x", ',
    () => '\u0000\u0001{}',
    () => ({ image: b64.slice(0, 200), qualityChecks: 'yes' }),
    () => ({ image: b64.slice(0, 200), qualityChecks: ['blur'] }),
    () => ({ image: b64.slice(0, 200), __proto__: { polluted: true }, constructor: { prototype: { x: 1 } } }),
    () => `{"image": "${b64.slice(0, 100)}", "__proto__": {"polluted": "yes"}}`,
  ];
  for (let i = 0; i < perCategory; i++) {
    const value = wrongJson[i % wrongJson.length]!();
    asJson('json of wrong types', typeof value === 'string' ? value : JSON.stringify(value));
  }
  // Hostile headers and ids (what fetch can send; the raw socket below sends the rest).
  const hostile: (() => Record<string, string>)[] = [
    () => ({ transactionId: 'x'.repeat(129 + r.int(5000)) }),
    () => ({ transactionId: '' }),
    () => ({ transactionId: '   ' }),
    () => ({ transactionId: Buffer.from('ñ€😀-id', 'utf8').toString('latin1') }),
    () => ({ transactionId: '../../etc/passwd' }),
    () => ({ transactionId: "' OR 1=1 --" }),
    () => ({ transactionId: '${jndi:ldap://x}' }),
    () => ({ appKey: 'wrong' }),
    () => ({ appId: '', appKey: '' }),
    () => ({ 'x-api-key': 'x'.repeat(10_000) }),
    () => ({ 'x-api-key': `${auth().appId}.${'A'.repeat(43)}` }),
    () => ({ appId: '../../x', appKey: 'y' }),
    () => ({ 'content-length-extra': '1', 'x-forwarded-for': '1.2.3.4, '.repeat(100) }),
  ];
  for (let i = 0; i < perCategory; i++) {
    const extra = hostile[i % hostile.length]!();
    const base = { ...auth(), transactionId: tx(), 'content-type': 'application/json' };
    if ('appKey' in extra || 'x-api-key' in extra) {
      delete (base as Record<string, string>).appKey;
      delete (base as Record<string, string>).appId;
    }
    cases.push({ category: 'hostile headers', headers: { ...base, ...extra }, body: JSON.stringify({ image: b64.slice(0, 2000) }), reachesHandler: true });
  }
  // Out-of-range and ill-typed options, on a real (small) image.
  const options: Record<string, unknown>[] = [
    { threshold: -1 }, { threshold: 2 }, { threshold: 'abc' }, { threshold: '1e400' }, { threshold: 'NaN' }, { threshold: [0.5] }, { threshold: {} },
    { returnCroppedImageURL: 'sometimes' }, { returnCroppedImageURL: 3 }, { 'qualityChecks.blur': 'maybe' }, { qualityChecks: { blur: 7 } },
    { livenessMethod: 'fastest' }, { selectionCriteria: 'LARGEST' }, { ageRange: [] }, { checkGender: {} }, { selectionCriteria: 'x'.repeat(10_000) },
  ];
  for (let i = 0; i < perCategory; i++) {
    const opts = options[i % options.length]!;
    if (r.next() < 0.5) asJson('out-of-range options', { image: images.formats.jpeg.toString('base64'), ...opts });
    else asMultipart('out-of-range options', images.formats.jpeg, 'jpeg', Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
  }
  // Bodies over the limit: refused by the gateway before the function.
  for (let i = 0; i < Math.ceil(perCategory / 10); i++) {
    cases.push({ category: 'oversized body', headers: { ...auth(), transactionId: tx(), 'content-type': 'application/json' }, body: Buffer.alloc(maxBodyBytes + 1 + r.int(maxBodyBytes), 0x20), reachesHandler: false });
  }
  // Broken HTTP, on a raw socket: refused by Node's parser, answered by our clientError handler.
  const rawCases = [
    () => `POST /v1/checkLiveness HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000 + r.int(20_000))}\r\n\r\n`,
    () => 'POST /v1/checkLiveness HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    () => 'POST /v1/checkLiveness HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    () => `${r.bytes(50).toString('latin1')}\r\n\r\n`,
    () => 'POST /v1/checkLiveness HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    () => 'GET / HTTP/9.9\r\n\r\n',
  ];
  for (let i = 0; i < Math.ceil(perCategory / 5); i++) {
    cases.push({ category: 'broken HTTP', raw: Buffer.from(rawCases[i % rawCases.length]!(), 'latin1'), reachesHandler: false });
  }
  // Shuffle (seeded) so that categories interleave under concurrency.
  for (let i = cases.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [cases[i], cases[j]] = [cases[j]!, cases[i]!];
  }
  return cases;
}
