/**
 * Databricks error bodies `{error_code, message}` and the HTTP statuses the SDKs map them from.
 */

export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'MALFORMED_REQUEST'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_DOES_NOT_EXIST'
  /**
   * The newer APIs answer a missing resource with the bare gRPC-style code: Unity Catalog model services, and the
   * Files API (sdk-py databricks/sdk/errors/platform.py NotFound).
   */
  | 'NOT_FOUND'
  | 'ENDPOINT_NOT_FOUND'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_CONFLICT'
  | 'ABORTED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'INTERNAL_ERROR';

const STATUS: Record<ErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_ALREADY_EXISTS: 409,
  RESOURCE_CONFLICT: 409,
  // A precondition such as an etag no longer holds (Unity Catalog services).
  ABORTED: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  TEMPORARILY_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[errorCode];
  }

  get body(): { error_code: ErrorCode; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const invalid = (message: string): ApiError => new ApiError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string): ApiError => new ApiError('RESOURCE_DOES_NOT_EXIST', message);
