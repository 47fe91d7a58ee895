/**
 * An error the sandbox answers with, in AWS's own terms: the code a client matches on, the
 * HTTP status AWS uses for it, and whether the caller (Sender) or the service (Receiver) is
 * at fault. Each protocol renders it in its own shape (Query XML, JSON 1.1, S3 XML).
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
    /** Extra elements S3 errors carry (`Key`, `BucketName`). */
    readonly extra: Record<string, string> = {},
    /** Response headers the error comes with (S3's `x-amz-bucket-region` on a redirect). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

/** CloudFormation's catch-all for bad input: HTTP 400, code ValidationError. */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

export function isAwsError(err: unknown): err is AwsError {
  return err instanceof AwsError;
}
