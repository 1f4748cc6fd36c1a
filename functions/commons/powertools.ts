import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs and CloudWatch EMF metrics. Handlers log through a per-request child logger
 * carrying requestId and transactionId, and publish one metrics record per request: both stay
 * correct when the local gateway runs requests concurrently. Never log keys, image bytes or bodies.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'open-liveness' });

const metricsOptions = () => ({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'OpenLiveness',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'open-liveness',
});

/**
 * One EMF record per request, dimensions route + outcome (pass | fail | manualReview for decisions,
 * the status code for errors): `requests` and `latency` always, `errors` for failures.
 */
export function publishRequestMetrics(route: string, statusCode: number, outcome: string | undefined, latencyMs: number): void {
  // Its own buffer per request: a shared one would mix concurrent requests.
  const single = new Metrics(metricsOptions());
  single.addDimensions({ route, outcome: statusCode < 400 && outcome ? outcome : String(statusCode) });
  single.addMetric('requests', MetricUnit.Count, 1);
  single.addMetric('latency', MetricUnit.Milliseconds, latencyMs);
  if (statusCode >= 400) single.addMetric('errors', MetricUnit.Count, 1);
  single.publishStoredMetrics();
}
