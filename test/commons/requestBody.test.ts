import { describe, expect, it } from 'vitest';
import { ApiError } from '../../functions/commons/apiErrors.js';
import {
  type BodyLimits,
  bodyKind,
  DEFAULT_BODY_LIMITS,
  type MultipartFile,
  parseEventBody,
  parseMultipart,
} from '../../functions/commons/requestBody.js';

const CT = 'multipart/form-data; boundary=BRK';
const part = (headers: string, content: string | Buffer) =>
  Buffer.concat([Buffer.from(`--BRK\r\n${headers}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')]);
const body = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.from('--BRK--\r\n')]);
const file = (name: string, content: string | Buffer, filename = 'a.jpg') =>
  part(`Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/jpeg`, content);
const field = (name: string, value: string) => part(`Content-Disposition: form-data; name="${name}"`, value);

/** The ApiError a parse throws (anything else would escape the middleware chain as a 500). */
function failure(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the parse to fail');
}

describe('parseMultipart: the shape of middy\'s multipart parser, with limits', () => {
  it('gives fields as strings and files as {content, filename, mimetype, encoding}, repeated names as arrays in order', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a, 0x2d, 0x2d]);
    const parsed = parseMultipart(
      body(file('image', jpeg), field('threshold', '0.4'), file('frames', 'one', 'f1.jpg'), file('frames', 'two', 'f2.jpg'), field('tags[]', 'x')),
      CT,
    );
    const image = parsed.image as MultipartFile;
    expect(image.content.equals(jpeg)).toBe(true);
    expect(image).toMatchObject({ filename: 'a.jpg', mimetype: 'image/jpeg', encoding: '7bit', truncated: false });
    expect(parsed.threshold).toBe('0.4');
    expect((parsed.frames as MultipartFile[]).map((f) => [f.filename, f.content.toString()])).toEqual([
      ['f1.jpg', 'one'],
      ['f2.jpg', 'two'],
    ]);
    expect(parsed.tags).toEqual(['x']);
  });

  it('accepts 8 file parts (image, image2…image8) and refuses the 9th with TOO_MANY_FILES', () => {
    const eight = ['image', ...[2, 3, 4, 5, 6, 7, 8].map((n) => `image${n}`)].map((n) => file(n, n));
    expect(Object.keys(parseMultipart(body(...eight), CT))).toHaveLength(8);
    expect(failure(() => parseMultipart(body(...eight, file('image9', 'x')), CT)).reason).toBe('TOO_MANY_FILES');
  });

  it('matches the Content-Type case-insensitively, with a quoted boundary', () => {
    expect(parseMultipart(body(field('a', 'b')), 'Multipart/Form-Data; Boundary="BRK"').a).toBe('b');
    expect(bodyKind('Application/JSON; charset=UTF-8')).toBe('json');
    expect(bodyKind('application/vnd.api+json')).toBe('json');
    expect(bodyKind('text/plain')).toBeUndefined();
  });

  it('decodes part header values (file names) as UTF-8, and RFC 5987 filename*', () => {
    const parsed = parseMultipart(
      body(file('image', 'x', 'séance.jpg'), part(`Content-Disposition: form-data; name="b"; filename*=UTF-8''%E2%82%AC.png`, 'y')),
      CT,
    );
    expect((parsed.image as MultipartFile).filename).toBe('séance.jpg');
    expect((parsed.b as MultipartFile).filename).toBe('€.png');
  });

  it.each([
    ['a file part that ends without its closing boundary (the issue\'s reproducer)', Buffer.from('--BRK\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nAAAA'), 'MULTIPART_TRUNCATED'],
    ['a body cut inside part headers', Buffer.from('--BRK\r\nContent-Disposition: form-da'), 'MULTIPART_TRUNCATED'],
    ['no closing delimiter', Buffer.from('--BRK\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--BRK'), 'MULTIPART_TRUNCATED'],
    ['a part without a name', body(part('Content-Disposition: form-data; filename="a.jpg"', 'x')), 'MISSING_PART_NAME'],
    ['a part with an empty name', body(part('Content-Disposition: form-data; name=""', 'x')), 'MISSING_PART_NAME'],
    ['a part with no headers at all', Buffer.from(`--BRK\r\n\r\n${'A'.repeat(17_000)}\r\n--BRK--\r\n`), 'MISSING_PART_NAME'],
    ['a part over 16 KB with no header end', Buffer.from(`--BRK\r\n${'A'.repeat(17_000)}`), 'PART_HEADERS_TOO_LARGE'],
    ['a huge part header', body(part(`Content-Disposition: form-data; name="a"\r\nX-Pad: ${'p'.repeat(5000)}`, 'x')), 'PART_HEADERS_TOO_LARGE'],
    ['very many part headers', body(part(`Content-Disposition: form-data; name="a"\r\n${Array.from({ length: 20 }, (_, i) => `X-${i}: y`).join('\r\n')}`, 'x')), 'TOO_MANY_PART_HEADERS'],
    ['a malformed header line', body(part('Content-Disposition: form-data; name="a"\r\nno colon here', 'x')), 'INVALID_PART_HEADER'],
    ['a part that is not form-data', body(part('Content-Disposition: attachment; name="a"', 'x')), 'INVALID_MULTIPART'],
    ['no boundary in the body', Buffer.from('just some bytes'), 'INVALID_MULTIPART'],
    ['garbage after a boundary', Buffer.from('--BRK garbage\r\n'), 'INVALID_MULTIPART'],
    ['too many parts', body(...Array.from({ length: 8 }, (_, i) => file(`i${i}`, 'x')), ...Array.from({ length: 57 }, (_, i) => field(`f${i}`, 'x'))), 'TOO_MANY_PARTS'],
  ])('refuses %s with 400 %s', (_what, raw, reason) => {
    const error = failure(() => parseMultipart(raw, CT));
    expect(error.statusCode).toBe(400);
    expect(error.reason).toBe(reason);
  });

  it('refuses too many fields (TOO_MANY_FIELDS), a bad or missing boundary (INVALID_BOUNDARY), an over-long name', () => {
    const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, maxFields: 2 };
    expect(failure(() => parseMultipart(body(field('a', '1'), field('b', '2'), field('c', '3')), CT, limits)).reason).toBe('TOO_MANY_FIELDS');
    expect(failure(() => parseMultipart(body(field('a', '1')), 'multipart/form-data')).reason).toBe('INVALID_BOUNDARY');
    expect(failure(() => parseMultipart(body(field('a', '1')), `multipart/form-data; boundary=${'x'.repeat(71)}`)).reason).toBe('INVALID_BOUNDARY');
    expect(failure(() => parseMultipart(body(field('n'.repeat(200), '1')), CT)).reason).toBe('INVALID_PART_NAME');
  });

  it('answers 413 BODY_TOO_LARGE past the byte limit, before decoding the event body', () => {
    const limits = { ...DEFAULT_BODY_LIMITS, maxBodyBytes: 1000 };
    const big = body(file('image', Buffer.alloc(2000)));
    expect(failure(() => parseMultipart(big, CT, limits)).statusCode).toBe(413);
    const event = { body: big.toString('base64'), isBase64Encoded: true };
    const error = failure(() => parseEventBody(event, CT, limits));
    expect([error.statusCode, error.reason]).toEqual([413, 'BODY_TOO_LARGE']);
  });

  it('gives PARSE_TIMEOUT when the walk outlasts its deadline', () => {
    const many = body(...Array.from({ length: 50 }, (_, i) => field(`f${i}`, 'x'.repeat(10_000))));
    expect(failure(() => parseMultipart(many, CT, { ...DEFAULT_BODY_LIMITS, deadlineMs: -1 })).reason).toBe('PARSE_TIMEOUT');
  });
});

describe('parseEventBody: API Gateway bodies', () => {
  it('parses JSON whatever the case of its Content-Type, with a BOM, and refuses broken JSON with INVALID_JSON', () => {
    expect(parseEventBody({ body: '\ufeff{"image":"x"}' }, 'Application/JSON')).toEqual({ image: 'x' });
    expect(failure(() => parseEventBody({ body: '{broken' }, 'application/json')).reason).toBe('INVALID_JSON');
  });

  it('reads base64 multipart bodies as API Gateway sends them', () => {
    const raw = body(field('a', 'b'));
    expect(parseEventBody({ body: raw.toString('base64'), isBase64Encoded: true }, CT)).toEqual(Object.assign(Object.create(null), { a: 'b' }));
  });

  it('refuses empty bodies and other content types', () => {
    expect(failure(() => parseEventBody({ body: '' }, 'application/json')).reason).toBe('EMPTY_BODY');
    expect(failure(() => parseEventBody({ body: 'x' }, 'text/plain')).reason).toBe('UNSUPPORTED_CONTENT_TYPE');
    expect(failure(() => parseEventBody({ body: 'x' }, undefined)).reason).toBe('UNSUPPORTED_CONTENT_TYPE');
  });

  it('reads application/x-www-form-urlencoded only where a route accepts it, within the field limits', () => {
    const form = 'client_id=acme-bank&client_secret=acme-bank.a%2Bb%3D&client_id=again';
    // The liveness routes do not take it: their message names what they do take.
    const refused = failure(() => parseEventBody({ body: form }, 'application/x-www-form-urlencoded'));
    expect(refused.reason).toBe('UNSUPPORTED_CONTENT_TYPE');
    expect(refused.message).toBe('send multipart/form-data or application/json');
    const parsed = parseEventBody({ body: form }, 'Application/X-WWW-Form-Urlencoded; charset=UTF-8', DEFAULT_BODY_LIMITS, ['form', 'multipart']);
    expect(parsed).toEqual(Object.assign(Object.create(null), { client_id: ['acme-bank', 'again'], client_secret: 'acme-bank.a+b=' }));
    expect(bodyKind('application/x-www-form-urlencoded')).toBe('form');
    const many = Array.from({ length: 9 }, (_, i) => `f${i}=x`).join('&');
    expect(failure(() => parseEventBody({ body: many }, 'application/x-www-form-urlencoded', { ...DEFAULT_BODY_LIMITS, maxFields: 8 }, ['form'])).reason).toBe('TOO_MANY_FIELDS');
    expect(failure(() => parseEventBody({ body: '{}' }, 'application/json', DEFAULT_BODY_LIMITS, ['form'])).message).toBe('send application/x-www-form-urlencoded');
  });

  it('keeps names like __proto__ as plain keys (no prototype pollution)', () => {
    const parsed = parseMultipart(body(field('__proto__', 'x'), field('constructor', 'y')), CT);
    expect(parsed.__proto__).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('requestBody middleware: the same parser for any route of the chain', () => {
  it('hands the handler the parsed body, and turns a malformed one into our 400 envelope', async () => {
    const { default: middy } = await import('@middy/core');
    const { requestBody } = await import('../../functions/commons/middlewares/requestBody.js');
    const { errorResponse } = await import('../../functions/commons/middlewares/errorResponse.js');
    const seen: unknown[] = [];
    const handler = middy()
      .use(errorResponse() as never)
      .use(requestBody() as never)
      .handler(async (event: { body: unknown }) => {
        seen.push(event.body);
        return { statusCode: 200, body: '' };
      });
    const event = (raw: Buffer) => ({ headers: { 'content-type': CT }, body: raw.toString('base64'), isBase64Encoded: true });
    const context = { awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 } as never;
    expect((await handler(event(body(file('image', 'x'))) as never, context)).statusCode).toBe(200);
    expect((seen[0] as { image: MultipartFile }).image.content.toString()).toBe('x');
    const bad = await handler(event(Buffer.from('--BRK\r\nContent-Disposition: form-data; filename="a"\r\n\r\nx')) as never, context);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).result.reason).toBe('MULTIPART_TRUNCATED');
  });
});
