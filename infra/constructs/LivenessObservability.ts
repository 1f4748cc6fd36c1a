import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AlarmThresholds } from '../config.js';
import type { FunctionName } from './LivenessFunctions.js';

export interface LivenessObservabilityProps {
  readonly api: RestApi;
  readonly functions: Readonly<Record<FunctionName, IFunction>>;
  readonly thresholds: AlarmThresholds;
  readonly alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);

/** Alarms on what a caller would notice: server errors, slow answers, throttled functions. */
export class LivenessObservability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: LivenessObservabilityProps) {
    super(scope, id);
    const { api, functions, thresholds } = props;
    this.topic = new Topic(this, 'Alarms', { displayName: 'open-liveness alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const alarm = (name: string, metric: IMetric, threshold: number, description: string): void => {
      const created = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(created);
    };

    alarm('ServerErrors', api.metricServerError({ period: PERIOD, statistic: 'Sum' }), thresholds.serverErrors,
      `API answered ${thresholds.serverErrors}+ 5xx in 5 minutes`);
    alarm('P99Latency', api.metricLatency({ period: PERIOD, statistic: 'p99' }), thresholds.p99LatencyMs,
      `API p99 latency reached ${thresholds.p99LatencyMs} ms over 5 minutes`);
    for (const [name, fn] of Object.entries(functions)) {
      alarm(`${name}Throttles`, fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), thresholds.throttles,
        `${name}: ${thresholds.throttles}+ throttled invocations in 5 minutes (concurrency limit reached)`);
    }
  }
}
