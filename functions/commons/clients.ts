import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LivenessConfig } from './config.js';

// Local endpoints (DynamoDB Local, s3rver) accept any credentials; real AWS uses the default chain.
const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function dynamoDbClient(config: LivenessConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.awsRegion,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint, credentials: localCredentials } : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function s3Client(config: LivenessConfig, endpoint = config.s3Endpoint): S3Client {
  return new S3Client({
    region: config.awsRegion,
    ...(endpoint ? { endpoint, forcePathStyle: true, credentials: localCredentials } : {}),
  });
}
