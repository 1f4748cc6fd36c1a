import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLES, type TableDescription, type TableName } from '../../functions/commons/tables.js';

export interface LivenessDataProps {
  readonly cropExpiryDays: number;
  readonly retainData: boolean;
}

/** Tables that hold what must survive a bad deploy or a bad delete get point-in-time recovery. */
const POINT_IN_TIME_RECOVERY: Readonly<Record<TableName, boolean>> = {
  apps: true,
  rateLimits: false, // counters live a minute or a month and rebuild themselves
  transactionLog: true,
  sessions: false, // tokens live minutes; losing them only means creating new sessions
};

/** The region's data: DynamoDB tables from functions/commons/tables.ts and the crops bucket. */
export class LivenessData extends Construct {
  readonly tables: Readonly<Record<TableName, Table>>;
  readonly crops: Bucket;

  constructor(scope: Construct, id: string, props: LivenessDataProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const attribute = (a: TableDescription['partitionKey']) => ({ name: a.name, type: a.type as AttributeType });

    const table = (name: TableName): Table => {
      const description: TableDescription = TABLES[name];
      const created = new Table(this, description.logicalName, {
        partitionKey: attribute(description.partitionKey),
        ...(description.sortKey ? { sortKey: attribute(description.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        ...(description.ttlAttribute ? { timeToLiveAttribute: description.ttlAttribute } : {}),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: POINT_IN_TIME_RECOVERY[name] },
        deletionProtection: props.retainData,
        removalPolicy,
      });
      for (const index of description.globalSecondaryIndexes) {
        created.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
        });
      }
      return created;
    };
    this.tables = { apps: table('apps'), rateLimits: table('rateLimits'), transactionLog: table('transactionLog'), sessions: table('sessions') };

    this.crops = new Bucket(this, 'Crops', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [
        { id: 'expire-crops', expiration: Duration.days(props.cropExpiryDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });
  }
}
