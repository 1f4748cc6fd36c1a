import { type TSchema, Type } from '@sinclair/typebox';
import { CheckLivenessJsonRequest, CheckLivenessMultipartRequest, CheckLivenessResponse, FailureResponse, livenessOptionProperties } from './checkLiveness.js';
import { MAX_SESSION_CHECKS, MAX_SESSION_TTL_SECONDS, MAX_TRANSACTION_ID_LENGTH } from '../config.js';
import { Obj } from './fields.js';
import { AppIdLivenessError, AppIdLivenessRequest, AppIdLivenessResponse } from './vendors/appIdLiveness.js';
import { DeepvueAuthorizeError, DeepvueAuthorizeRequest, DeepvueAuthorizeResponse, DeepvueError, DeepvueRequest, DeepvueResponse } from './vendors/deepvue.js';
import { SelfieLivenessError, SelfieLivenessMultipartRequest, SelfieLivenessResponse } from './vendors/selfieLiveness.js';
import { YouLiveError, YouLiveRequest, YouLiveResponse } from './vendors/youLive.js';

/** How a route authenticates, as OpenAPI security scheme names (see `SECURITY_SCHEMES`). */
type Security = readonly (readonly string[])[];

export interface RouteContract {
  readonly method: 'get' | 'post' | 'options';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: 'open-liveness' | 'YouLive' | 'Deepvue' | '002 API' | '003 API';
  readonly security: Security;
  readonly json?: TSchema;
  readonly multipart?: TSchema;
  /** An application/x-www-form-urlencoded body (Deepvue's authorize). */
  readonly form?: TSchema;
  /** A transactionId header: required on our route, optional (request id used) on vendor routes. */
  readonly transactionId?: 'required' | 'optional';
  readonly pathParameters?: readonly string[];
  /** The success body; none for a bodiless answer (the CORS preflight). */
  readonly success?: TSchema;
  /** Status of a success (default 200). */
  readonly successStatus?: 200 | 201 | 204;
  /** The body may be left out (POST /v1/sessions takes its defaults). */
  readonly bodyOptional?: boolean;
  readonly error: TSchema;
}

export const SECURITY_SCHEMES = {
  appKey: { type: 'apiKey', in: 'header', name: 'appKey', description: 'the app key (with the appId header)' },
  appId: { type: 'apiKey', in: 'header', name: 'appId', description: 'the app id' },
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'the app key alone (our keys name their app)' },
  bearer: { type: 'http', scheme: 'bearer', description: 'Deepvue: the access token from POST /v1/authorize (beside x-api-key); any other bearer is read as the app key when x-api-key is absent' },
  authorizationKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: '002 API: the raw app key, not "Bearer <key>"' },
  app_id: { type: 'apiKey', in: 'header', name: 'app_id', description: '003 API: the app id' },
  app_key: { type: 'apiKey', in: 'header', name: 'app_key', description: '003 API: the app key' },
  sessionToken: { type: 'http', scheme: 'bearer', description: 'a capture session token from POST /v1/sessions (browser pages, checkLiveness only)' },
} as const;

const ours: Security = [['appId', 'appKey'], ['apiKey']];

const CroppedFaceResponse = Obj({
  status: Type.Literal('success'),
  statusCode: Type.Literal(200),
  metadata: Obj({ requestId: Type.String() }),
  result: Obj({ requestId: Type.String(), croppedImageUrl: Type.String(), expiresInSeconds: Type.Number() }),
});

const TransactionsResponse = Obj({
  status: Type.Literal('success'),
  statusCode: Type.Literal(200),
  metadata: Obj({ requestId: Type.String(), transactionId: Type.String() }),
  result: Obj({
    transactionId: Type.String(),
    requests: Type.Array(
      Obj({
        requestId: Type.String(),
        appId: Type.String(),
        region: Type.String(),
        time: Type.String(),
        statusCode: Type.Integer(),
        outcome: Type.String(),
        latencyMs: Type.Number(),
        credential: Type.Optional(Type.Union([Type.Literal('key'), Type.Literal('session')], { description: 'what the caller presented: the app key, or a capture session token' })),
        sessionId: Type.Optional(Type.String({ description: 'the session (as POST /v1/sessions named it) when credential is session' })),
        threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'the live threshold that decided' })),
        rules: Type.Optional(Type.String({ description: 'the rules document that decided' })),
        rulesVersion: Type.Optional(Type.String({ description: 'its version' })),
      }),
    ),
  }),
});

/**
 * POST /v1/sessions (functions/commons/captureSessions.ts): the journey the token is bound to, its
 * lifetime and checks, and every checkLiveness option the page may not choose (same names and forms
 * as on checkLiveness). Nothing else.
 */
export const SessionRequest = Type.Object(
  {
    transactionId: Type.String({
      minLength: 1,
      maxLength: MAX_TRANSACTION_ID_LENGTH,
      pattern: '\\S',
      description: `the journey the token may add checks to: a string of 1 to ${MAX_TRANSACTION_ID_LENGTH} characters`,
    }),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SESSION_TTL_SECONDS, description: `lifetime of the token: a whole number of seconds from 1 to ${MAX_SESSION_TTL_SECONDS}` })),
    maxChecks: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SESSION_CHECKS, description: `checkLiveness calls the token allows: a whole number from 1 to ${MAX_SESSION_CHECKS}` })),
    ...livenessOptionProperties,
  },
  { additionalProperties: false },
);

const SessionResponse = Obj({
  status: Type.Literal('success'),
  statusCode: Type.Literal(201),
  metadata: Obj({ requestId: Type.String() }),
  result: Obj({
    sessionToken: Type.String({ pattern: '^lst_[A-Za-z0-9_-]{43}$', description: 'use as Authorization: Bearer on checkLiveness; never stored in clear' }),
    expiresAt: Type.String({ format: 'date-time' }),
    expiresInSeconds: Type.Integer(),
    maxChecks: Type.Integer(),
    appId: Type.String(),
    plan: Type.String(),
    transactionId: Type.String({ description: 'the journey the token is bound to' }),
    sessionId: Type.String({ description: 'names the session in the transaction log (a hash: not a credential)' }),
  }),
});

const HealthResponse = Obj({
  status: Type.Literal('success'),
  statusCode: Type.Literal(200),
  metadata: Obj({ requestId: Type.String() }),
  result: Obj({
    region: Type.String(),
    models: Type.Array(Obj({ id: Type.String(), version: Type.String(), modelVersion: Type.String() })),
    livenessModels: Type.Array(
      Obj({
        id: Type.String(),
        version: Type.String(),
        modelVersion: Type.String(),
        pack: Type.Optional(Type.String({ description: 'the model pack it came from (absent: built in)' })),
      }),
      { description: 'the liveness models that decide here: fr_liveness, plus the models of each installed pack (docs/model-packs.md)' },
    ),
  }),
});

/** The OpenAPI document itself is served as an open JSON object. */
const OpenApiDocument = Obj({ openapi: Type.String({ pattern: '^3\\.1\\.' }), info: Type.Object({}), paths: Type.Object({}) });

/** Every route of the API, ours and the vendors', with the schemas that validate and document it. */
export const ROUTE_CONTRACTS: readonly RouteContract[] = [
  {
    method: 'post', path: '/v1/checkLiveness', operationId: 'checkLiveness', tag: 'open-liveness', summary: 'Check one selfie (or 1-8 frames of one capture)',
    security: [...ours, ['sessionToken']], json: CheckLivenessJsonRequest, multipart: CheckLivenessMultipartRequest, transactionId: 'required',
    success: CheckLivenessResponse, error: FailureResponse,
  },
  {
    method: 'options', path: '/v1/checkLiveness', operationId: 'checkLivenessPreflight', tag: 'open-liveness', summary: 'CORS preflight of a capture page (no credentials)',
    security: [], successStatus: 204, error: FailureResponse,
  },
  {
    method: 'post', path: '/v1/sessions', operationId: 'createSession', tag: 'open-liveness', summary: 'A short-lived capture session token for a browser page, bound to one transaction and the check options',
    security: ours, json: SessionRequest, successStatus: 201, success: SessionResponse, error: FailureResponse,
  },
  {
    method: 'get', path: '/v1/croppedFace/{requestId}', operationId: 'croppedFace', tag: 'open-liveness', summary: 'A fresh signed URL of the face crop a request stored',
    security: ours, pathParameters: ['requestId'], success: CroppedFaceResponse, error: FailureResponse,
  },
  {
    method: 'get', path: '/v1/transactions/{transactionId}', operationId: 'transactions', tag: 'open-liveness', summary: "This app's logged outcomes for a transaction id",
    security: ours, pathParameters: ['transactionId'], success: TransactionsResponse, error: FailureResponse,
  },
  { method: 'get', path: '/v1/health', operationId: 'health', tag: 'open-liveness', summary: 'Region, model ids and versions', security: [], success: HealthResponse, error: FailureResponse },
  { method: 'get', path: '/v1/openapi.json', operationId: 'openapi', tag: 'open-liveness', summary: 'This document', security: [], success: OpenApiDocument, error: FailureResponse },
  {
    method: 'post', path: '/liveness', operationId: 'youLiveLiveness', tag: 'YouLive', summary: 'YouLive drop-in: facial liveness estimation',
    security: [['apiKey']], json: YouLiveRequest, transactionId: 'optional', success: YouLiveResponse, error: YouLiveError,
  },
  {
    method: 'post', path: '/v1/liveness-check', operationId: 'deepvueLivenessCheck', tag: 'Deepvue', summary: 'Deepvue drop-in: passive liveness check, base64 or image URL',
    security: [['bearer', 'apiKey'], ['apiKey'], ['bearer']], json: DeepvueRequest, transactionId: 'optional', success: DeepvueResponse, error: DeepvueError,
  },
  {
    method: 'post', path: '/v1/authorize', operationId: 'deepvueAuthorize', tag: 'Deepvue', summary: 'Deepvue drop-in: an access token for client_id (the app id) and client_secret (the app key)',
    security: [], form: DeepvueAuthorizeRequest, multipart: DeepvueAuthorizeRequest, success: DeepvueAuthorizeResponse, error: DeepvueAuthorizeError,
  },
  {
    method: 'post', path: '/api/v1/ml/liveness/', operationId: 'appIdLiveness', tag: '002 API', summary: '002 API drop-in: liveness probability and face details',
    security: [['appId', 'authorizationKey']], json: AppIdLivenessRequest, transactionId: 'optional', success: AppIdLivenessResponse, error: AppIdLivenessError,
  },
  {
    method: 'post', path: '/v1/liveness/selfie', operationId: 'selfieLiveness', tag: '003 API', summary: '003 API drop-in: selfie + threshold liveness verification',
    security: [['app_id', 'app_key'], ['appId', 'appKey'], ['apiKey']], multipart: SelfieLivenessMultipartRequest, transactionId: 'optional',
    success: SelfieLivenessResponse, error: SelfieLivenessError,
  },
];
