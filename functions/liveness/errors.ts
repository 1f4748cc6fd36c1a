/** Why an image could not be checked. Codes are stable: the API and the CLI both expose them. */
export type LivenessErrorCode =
  | 'EMPTY_IMAGE'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'CORRUPT_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TOO_SMALL'
  | 'FACE_NOT_DETECTED'
  | 'MODEL_UNAVAILABLE'
  // Several frames of one capture (the merged level):
  | 'TOO_MANY_FRAMES'
  | 'FRAME_SIZE_MISMATCH';

export class LivenessError extends Error {
  constructor(
    readonly code: LivenessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LivenessError';
  }
}

export const isLivenessError = (error: unknown): error is LivenessError => error instanceof LivenessError;
