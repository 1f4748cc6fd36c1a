import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type CropStore, cropObjectKey } from '../cropStore.js';

export interface S3CropStoreOptions {
  readonly bucket: string;
  readonly urlTtlSeconds: number;
  /** Older crops answer as gone even if the bucket lifecycle has not deleted them yet. */
  readonly retentionSeconds: number;
  /** Client whose endpoint goes into signed URLs (differs from `s3` only when callers reach S3 by another address). */
  readonly signer?: S3Client;
}

export class S3CropStore implements CropStore {
  constructor(
    private readonly s3: S3Client,
    private readonly options: S3CropStoreOptions,
  ) {}

  async put(appId: string, requestId: string, jpeg: Buffer): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: cropObjectKey(appId, requestId),
        Body: jpeg,
        ContentType: 'image/jpeg',
        ServerSideEncryption: 'AES256',
        CacheControl: 'private, no-store',
      }),
    );
  }

  async signedUrl(appId: string, requestId: string): Promise<string | undefined> {
    const Key = cropObjectKey(appId, requestId);
    let lastModified: Date | undefined;
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key }));
      lastModified = head.LastModified;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
    if (lastModified && Date.now() - lastModified.getTime() > this.options.retentionSeconds * 1000) return undefined;
    return getSignedUrl(this.options.signer ?? this.s3, new GetObjectCommand({ Bucket: this.options.bucket, Key }), {
      expiresIn: Math.max(1, Math.round(this.options.urlTtlSeconds)),
    });
  }
}
