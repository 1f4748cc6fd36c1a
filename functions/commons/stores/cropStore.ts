/** Cropped faces: private, encrypted, expiring; reachable only through short-lived signed URLs. */
export interface CropStore {
  put(appId: string, requestId: string, jpeg: Buffer): Promise<void>;
  /** A fresh signed URL, or undefined when that app stored no crop for that request or it expired. */
  signedUrl(appId: string, requestId: string): Promise<string | undefined>;
}

/** Object key of a crop: under its app, named by the request that made it. */
export const cropObjectKey = (appId: string, requestId: string) => `crops/${appId}/${requestId}.jpg`;
