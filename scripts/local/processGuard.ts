import { randomUUID } from 'node:crypto';
import { requestScope } from './gateway.js';

export interface GuardEvent {
  readonly kind: 'uncaughtException' | 'unhandledRejection';
  readonly requestId?: string;
  readonly errorName: string;
}

let installed: ((event: GuardEvent) => void)[] | undefined;

/**
 * Last line of defence for the local server: an error thrown from a callback or a rejection nobody
 * awaited would end the process (and with it DynamoDB Local and the S3 server). Instead it is
 * logged (name only, never a stack or request data) and, when it happened inside a request, that
 * request gets a 500 in our envelope. The cause is still a bug to fix: the guard only keeps the
 * other requests alive. Idempotent; `onFault` listeners are for tests and metrics.
 */
export function installProcessGuard(onFault?: (event: GuardEvent) => void): void {
  if (installed) {
    if (onFault) installed.push(onFault);
    return;
  }
  const listeners: ((event: GuardEvent) => void)[] = onFault ? [onFault] : [];
  installed = listeners;
  const handle = (kind: GuardEvent['kind']) => (error: unknown) => {
    const scope = requestScope.getStore();
    const errorName = (error as { name?: unknown } | null)?.name;
    const event: GuardEvent = { kind, errorName: typeof errorName === 'string' ? errorName : typeof error, ...(scope ? { requestId: scope.requestId } : {}) };
    console.error(JSON.stringify({ level: 'ERROR', message: `process guard: ${kind}`, ...event }));
    scope?.answer(500, {
      status: 'failure',
      statusCode: 500,
      result: { error: 'Internal Server Error', reason: 'SERVER_ERROR', message: 'an unexpected error occurred' },
      metadata: { requestId: scope.requestId ?? randomUUID() },
    });
    for (const listener of listeners) listener(event);
  };
  process.on('uncaughtException', handle('uncaughtException'));
  process.on('unhandledRejection', handle('unhandledRejection'));
}
