import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** Reads the body, counting bytes, and gives up (undefined) past the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunk.length > 0 && chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A small local API Gateway: matches routes, builds REST proxy events (path parameters, headers,
 * base64 binary bodies, requestContext.requestId), runs the same handlers as Lambda and writes
 * their result as the HTTP response. Unknown routes get the HyperVerge 404 body.
 */
export function createGateway(options: GatewayOptions): Server & { inFlight(): number; setTimeoutMs(ms: number): void } {
  const routes = options.routes.map((route) => ({ ...route, ...compile(route.resource) }));
  let timeoutMs = options.timeoutMs ?? 29_000;
  let inFlight = 0;

  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    inFlight++;
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
      const declared = Number(req.headers['content-length'] ?? 0);
      const tooLarge = () =>
        sendJson(
          res,
          413,
          failure('PAYLOAD_TOO_LARGE', 'BODY_TOO_LARGE', `the request body exceeds ${options.maxBodyBytes} bytes`, requestId),
          { connection: 'close' },
        );
      if (declared > options.maxBodyBytes) {
        tooLarge();
        req.destroy();
        return;
      }
      const raw = await readBody(req, options.maxBodyBytes);
      if (raw === undefined) return tooLarge();

      const headers: Record<string, string> = {};
      const multiValueHeaders: Record<string, string[]> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        const value = req.rawHeaders[i + 1]!;
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
      const result = await handler(event, context);
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) out[k.toLowerCase()] = String(v);
      for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) out[k.toLowerCase()] = v.map(String);
      const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
      res.writeHead(result.statusCode, { ...out, 'content-length': body.length });
      res.end(body);
    } catch (error) {
      // A handler that throws is a fault of ours (API Gateway would answer 502): never a stack.
      console.error(JSON.stringify({ level: 'ERROR', message: 'gateway: handler failed', requestId, errorName: (error as Error).name }));
      if (!res.headersSent) sendJson(res, 500, failure('INTERNAL', 'SERVER_ERROR', 'an unexpected error occurred', requestId));
      else res.destroy();
    } finally {
      inFlight--;
    }
  });
  return Object.assign(server, {
    inFlight: () => inFlight,
    setTimeoutMs: (ms: number) => {
      timeoutMs = ms;
    },
  });
}
