import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ApiError, errorBody } from '../../functions/commons/apiErrors.js';

/** A Lambda handler for API Gateway REST proxy events (as our middy handlers are). */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayRoute {
  readonly method: 'GET' | 'POST' | 'OPTIONS';
  /** API Gateway resource path, e.g. `/v1/croppedFace/{requestId}`. */
  readonly resource: string;
  readonly functionName: string;
  readonly handler: () => Promise<ProxyHandler>;
}

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  /** Bodies above this get 413 before they are read further or decoded. */
  readonly maxBodyBytes: number;
  /** Like API Gateway's 29 s integration timeout. */
  readonly timeoutMs?: number;
  /** The whole request (headers and body) must arrive within this; default 30 s (slow clients get 408). */
  readonly requestTimeoutMs?: number;
  /** Largest header block; default 16 KiB (431 above it). */
  readonly maxHeaderBytes?: number;
  /** Asked first for requests no route matches (the demo site); true when it answered. */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

// API Gateway passes these as text; everything else (multipart, images) as base64 (binaryMediaTypes).
const TEXT_TYPES = /^(application\/(.+\+)?json|text\/|application\/x-www-form-urlencoded)/i;

function compile(resource: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = resource
    .split('/')
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { regex: new RegExp(`^${pattern}$`), names };
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const failure = (kind: ApiError['kind'], reason: string, message: string, requestId: string) =>
  errorBody(new ApiError(kind, reason, message), { requestId });

/**
 * Reads the body, counting bytes. Past the limit it stops keeping bytes but goes on reading (and
 * discarding) up to 4x the limit, so that the client, still sending, is not reset before it can
 * read our 413; a client that sends more than that is cut off.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge' | 'cutOff' | 'broken'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0;
      if (size > limit * 4) {
        req.pause();
        resolve('cutOff');
      }
    });
    req.on('end', () => resolve(size > limit ? 'tooLarge' : Buffer.concat(chunks)));
    // A client that goes away, or breaks the framing mid-body (clientError answers that one).
    req.on('error', () => resolve('broken'));
    req.on('aborted', () => resolve('broken'));
  });
}

/** Node reads header bytes as latin1; clients send UTF-8. Re-read them as UTF-8 when they are valid UTF-8. */
export function headerText(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value)) return value;
  const utf8 = Buffer.from(value, 'latin1').toString('utf8');
  return utf8.includes('\ufffd') ? value : utf8;
}

/** Raw HTTP answers for requests Node refuses before they reach us (bad framing, headers too large, too slow). */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; text: string; error: string; reason: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, text: 'Request Header Fields Too Large', error: 'Request header fields too large', reason: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, text: 'Request Timeout', error: 'Request timeout', reason: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time' },
};
const BAD_REQUEST = { status: 400, text: 'Bad Request', error: 'Error while parsing request body', reason: 'MALFORMED_HTTP', message: 'the request is not valid HTTP/1.1' };

/** The HyperVerge envelope for failures answered below the handlers (no route, no transaction log). */
function clientErrorBody(code: string | undefined) {
  const e = (code && CLIENT_ERRORS[code]) || BAD_REQUEST;
  return { e, body: { status: 'failure', statusCode: e.status, result: { error: e.error, reason: e.reason, message: e.message }, metadata: { requestId: randomUUID() } } };
}
function clientErrorResponse(code: string | undefined): string {
  const { e, body } = clientErrorBody(code);
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${e.status} ${e.text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`;
}

/** What the process guard needs to answer the request whose code threw asynchronously. */
export interface RequestScope {
  readonly requestId: string;
  answer(statusCode: number, body: unknown): void;
}
/** The request each callback runs for (the process guard reads it from inside the fault). */
export const requestScope = new AsyncLocalStorage<RequestScope>();

/**
 * A small local API Gateway: matches routes, builds REST proxy events (path parameters, headers,
 * base64 binary bodies, requestContext.requestId), runs the same handlers as Lambda and writes
 * their result as the HTTP response. Unknown routes get the HyperVerge 404 body.
 */
export type Gateway = Server & {
  inFlight(): number;
  setTimeoutMs(ms: number): void;
  /**
   * Stop accepting (a request on a kept-alive connection gets 503 SHUTTING_DOWN), give requests in
   * progress `graceMs` to arrive, answer 503 those still not in a function, let every function already
   * running finish and be answered (its own timeout bounds it), close.
   */
  shutdown(graceMs: number): Promise<void>;
};

export function createGateway(options: GatewayOptions): Gateway {
  const routes = options.routes.map((route) => ({ ...route, ...compile(route.resource) }));
  let timeoutMs = options.timeoutMs ?? 29_000;
  let inFlight = 0;
  // Functions still running (possibly after their request was answered 503 at shutdown).
  let running = 0;
  const pending = new Set<RequestScope>();
  // Requests handed to a function: answered by it, never cut by shutdown (their log record is written by then).
  const invoked = new WeakSet<RequestScope>();
  let stopping = false;

  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const serverOptions = {
    maxHeaderSize: options.maxHeaderBytes ?? 16 * 1024,
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 10_000),
    // How often Node looks for requests past those timeouts.
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, requestTimeout / 4)),
  };
  const server = createServer(serverOptions, (req, res) => {
    const requestId = randomUUID();
    inFlight++;
    // An answer of last resort (process guard, gateway deadline, shutdown): once, in our envelope.
    const answer = (statusCode: number, body: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, statusCode, body, { connection: 'close' });
      else if (!res.writableEnded) res.destroy();
    };
    const scope: RequestScope = { requestId, answer };
    pending.add(scope);
    let finished = false;
    res.once('close', () => {
      if (!finished) inFlight--;
      finished = true;
      pending.delete(scope);
    });
    if (stopping) {
      req.resume();
      return answer(503, failure('BUSY', 'SHUTTING_DOWN', 'the server is stopping', requestId));
    }
    requestScope.run(scope, () => void serve(req, res, scope));
  });

  const serve = async (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => {
    const { requestId, answer } = scope;
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const method = (req.method ?? 'GET').toUpperCase();
      const match = routes
        .filter((r) => r.method === method)
        .map((r) => ({ route: r, found: r.regex.exec(url.pathname) }))
        .find((m) => m.found);
      if (!match?.found) {
        if (options.fallback && (await options.fallback(req, res))) return;
        req.resume();
        return sendJson(res, 404, failure('NOT_FOUND', 'ROUTE_NOT_FOUND', `no route ${method} ${url.pathname}`, requestId));
      }
      const tooLarge = () =>
        sendJson(
          res,
          413,
          failure('PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE', `the request body exceeds ${options.maxBodyBytes} bytes`, requestId),
          { connection: 'close' },
        );
      const raw = await readBody(req, options.maxBodyBytes);
      if (raw === 'cutOff') {
        if (!req.complete && !res.headersSent) tooLarge();
        req.socket.destroySoon();
        return;
      }
      if (raw === 'tooLarge') return tooLarge();
      if (raw === 'broken') return;

      const headers: Record<string, string> = {};
      const multiValueHeaders: Record<string, string[]> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        const value = headerText(req.rawHeaders[i + 1]!);
        headers[name] = value;
        (multiValueHeaders[name] ??= []).push(value);
      }
      const query: Record<string, string> = {};
      const multiQuery: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) {
        query[k] = v;
        (multiQuery[k] ??= []).push(v);
      }
      let pathParameters: Record<string, string>;
      try {
        pathParameters = Object.fromEntries(match.route.names.map((name, i) => [name, decodeURIComponent(match.found![i + 1]!)]));
      } catch {
        req.resume();
        return sendJson(res, 404, failure('NOT_FOUND', 'ROUTE_NOT_FOUND', 'malformed path', requestId));
      }
      const text = TEXT_TYPES.test(req.headers['content-type'] ?? '');
      const now = Date.now();
      const event: APIGatewayProxyEvent = {
        resource: match.route.resource,
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders,
        queryStringParameters: url.searchParams.size > 0 ? query : null,
        multiValueQueryStringParameters: url.searchParams.size > 0 ? multiQuery : null,
        pathParameters: match.route.names.length > 0 ? pathParameters : null,
        stageVariables: null,
        body: raw.length === 0 ? null : text ? raw.toString('utf8') : raw.toString('base64'),
        isBase64Encoded: raw.length > 0 && !text,
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          authorizer: null,
          protocol: `HTTP/${req.httpVersion}`,
          httpMethod: method,
          identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null } as never,
          path: url.pathname,
          stage: 'local',
          requestId,
          requestTimeEpoch: now,
          resourceId: 'local',
          resourcePath: match.route.resource,
        },
      };
      const context: Context = {
        callbackWaitsForEmptyEventLoop: false,
        functionName: match.route.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${match.route.functionName}`,
        memoryLimitInMB: '2048',
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${match.route.functionName}`,
        logStreamName: 'local',
        getRemainingTimeInMillis: () => Math.max(0, now + timeoutMs - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      };
      const handler = await match.route.handler();
      // Answered 503 meanwhile (shutdown): the function must not run, or it would log a check the client never got.
      if (res.headersSent) return;
      invoked.add(scope);
      // The function's own timeout answers first (middy); this is the gateway's, should a handler hang.
      let deadline: NodeJS.Timeout | undefined;
      running++;
      const invocation = handler(event, context).finally(() => running--);
      const result = await Promise.race([
        invocation,
        new Promise<never>((_, fail) => {
          deadline = setTimeout(() => fail(Object.assign(new Error('the function did not answer in time'), { name: 'GatewayTimeout' })), timeoutMs + 1000);
        }),
      ]).finally(() => clearTimeout(deadline));
      if (res.headersSent) return;
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) out[k.toLowerCase()] = String(v);
      for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) out[k.toLowerCase()] = v.map(String);
      const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
      res.writeHead(result.statusCode, { ...out, 'content-length': body.length });
      res.end(body);
    } catch (error) {
      // A handler that throws is a fault of ours (API Gateway would answer 502): never a stack.
      const name = (error as Error | undefined)?.name;
      console.error(JSON.stringify({ level: 'ERROR', message: 'gateway: handler failed', requestId, errorName: name }));
      if (name === 'GatewayTimeout') answer(503, failure('BUSY', 'FUNCTION_TIMEOUT', 'the function did not answer in time', requestId));
      else answer(500, failure('INTERNAL', 'SERVER_ERROR', 'an unexpected error occurred', requestId));
    }
  };

  // `Expect: 100-continue` with a declared body over the limit: 413 before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) > options.maxBodyBytes) {
      sendJson(res, 413, failure('PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE', `the request body exceeds ${options.maxBodyBytes} bytes`, randomUUID()), { connection: 'close' });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });

  // Header-level failures (431, bad framing, slow clients) in our JSON envelope instead of Node's bare ones.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const pendingResponse = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    // Broken framing or a timeout inside a body (e.g. a bad chunk size): the request was already dispatched.
    if (pendingResponse) {
      if (pendingResponse.headersSent) return void socket.destroy();
      const { e, body } = clientErrorBody(error.code);
      return void sendJson(pendingResponse, e.status, body, { connection: 'close' });
    }
    socket.end(clientErrorResponse(error.code));
  });

  const shutdown = async (graceMs: number) => {
    stopping = true;
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeIdleConnections();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const deadline = Date.now() + graceMs;
    while (inFlight > 0 && Date.now() < deadline) await sleep(50);
    for (const scope of pending) {
      if (!invoked.has(scope)) scope.answer(503, failure('BUSY', 'SHUTTING_DOWN', 'the server is stopping', scope.requestId));
    }
    // Functions running are answered by themselves or, past their timeout, by the gateway's deadline.
    while (inFlight > 0) await sleep(50);
    // One the deadline answered may still be writing its log record (DynamoDB, S3): a little longer for it.
    const settled = Date.now() + 2_000;
    while (running > 0 && Date.now() < settled) await sleep(20);
    server.closeAllConnections();
    await closed;
  };
  return Object.assign(server, {
    shutdown,
    inFlight: () => inFlight,
    setTimeoutMs: (ms: number) => {
      timeoutMs = ms;
    },
  });
}
