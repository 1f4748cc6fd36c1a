import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs and CloudWatch EMF metrics. Handlers log through a per-request child logger
 * carrying requestId and transactionId (correct even when the local gateway runs requests
 * concurrently). Never log keys, image bytes or request bodies.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'open-liveness' });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'OpenLiveness',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'open-liveness',
});

export { MetricUnit };

/** One decision or error counted with its own dimension, published at once. */
export function countOutcome(route: string, statusCode: number, action: string | undefined): void {
  const single = metrics.singleMetric();
  single.addDimension('route', route);
  if (statusCode === 200 && action) {
    single.addDimension('action', action);
    single.addMetric('decisions', MetricUnit.Count, 1);
  } else {
    single.addDimension('statusCode', String(statusCode));
    single.addMetric('errors', MetricUnit.Count, 1);
  }
}
