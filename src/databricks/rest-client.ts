/**
 * JSON over the workspace REST API: bearer token on every call (a fresh one after a 401 under OAuth M2M),
 * non-2xx answers mapped to actionable errors. Retrying is the transport's job; this layer only decides
 * whether a call may be retried at all.
 */
import { ToolError } from '../shared/tool-error.js';
import type { TokenProvider } from './workspace-auth.js';
import { apiError, connectionError, DatabricksError, type ErrorContext } from './databricks-errors.js';
import { parseRetryAfter, type Transport, type TransportRequest } from './rest-transport.js';

export interface RestCall {
  method: TransportRequest['method'];
  /** Path below the host, e.g. `/api/2.0/serving-endpoints/x`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** See TransportRequest.idempotent; defaults to true for every method but POST. */
  idempotent?: boolean;
  /** For error messages: what this call does, and who can grant access on a 403. */
  operation: string;
  whoCanGrant?: string;
  /** A body sent as it is, not as JSON: the Files API takes a file's bytes (`application/octet-stream`). */
  rawBody?: { contentType: string; text: string };
}

/** An answer whose body is not JSON (a file the Files API downloads): its text and headers as they came. */
export interface RawResponse {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RestResponse<T> {
  status: number;
  data: T;
  attempts: number;
}

export class RestClient {
  constructor(
    readonly host: string,
    private readonly transport: Transport,
    private readonly tokens: TokenProvider,
    private readonly userAgent: string,
    /** Whose own token the calls carry when it is a caller's (Databricks Apps user authorization), for refusals. */
    private readonly actingAs?: string,
  ) {}

  /** Sends the call; throws a DatabricksError for any non-2xx answer. */
  async call<T>(call: RestCall): Promise<RestResponse<T>> {
    const response = await this.checked(call, 'application/json');
    let data: unknown = {};
    if (response.text.trim() !== '') {
      try {
        data = JSON.parse(response.text);
      } catch {
        throw new ToolError(`${call.operation} failed`, `the workspace ${this.host} answered HTTP ${response.status} with a body that is not JSON`, 'Check that DATABRICKS_HOST is the workspace URL and not a proxy or login page', 'WORKSPACE_BAD_RESPONSE');
      }
    }
    return { status: response.status, data: data as T, attempts: response.attempts };
  }

  /** Sends the call and returns the answer's body as text, not parsed (the Files API answers with the file itself). */
  async callRaw(call: RestCall): Promise<RawResponse> {
    const { status, text, headers } = await this.checked(call, 'application/octet-stream');
    return { status, text, headers };
  }

  /** The answer when it is a 2xx; a DatabricksError naming the operation otherwise. */
  private async checked(call: RestCall, accept: string) {
    const context: ErrorContext = { operation: call.operation, host: this.host, whoCanGrant: call.whoCanGrant, actingAs: this.actingAs };
    let response = await this.send(call, context, accept);
    if (response.status === 401 && this.tokens.authType === 'oauth-m2m') {
      // The cached token may have been revoked or expired early; a 401 means nothing was processed.
      this.tokens.invalidate(response.token);
      response = await this.send(call, context, accept);
    }
    if (response.status < 200 || response.status >= 300) {
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      throw apiError(response.status, response.text, context, retryAfter === undefined ? undefined : Math.ceil(retryAfter / 1000));
    }
    return response;
  }

  private async send(call: RestCall, context: ErrorContext, accept: string) {
    const token = await this.tokens.token();
    const url = new URL(call.path, this.host);
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    try {
      const response = await this.transport.send({
        method: call.method,
        url: url.toString(),
        headers: {
          authorization: `Bearer ${token}`,
          accept,
          'user-agent': this.userAgent,
          ...(call.rawBody ? { 'content-type': call.rawBody.contentType } : call.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: call.rawBody ? call.rawBody.text : call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: call.signal,
        idempotent: call.idempotent ?? call.method !== 'POST',
      });
      return { ...response, token };
    } catch (error) {
      if (call.signal?.aborted) throw error;
      if (error instanceof ToolError) throw error;
      throw connectionError(error, context);
    }
  }
}

/** True for errors after which a non-idempotent call may or may not have happened, or was not processed yet. */
export function isUncertainOutcome(error: unknown): boolean {
  if (error instanceof DatabricksError) return error.status === 429 || error.status === 503 || error.status === 504 || error.status === 502;
  return error instanceof ToolError && error.code === 'WORKSPACE_UNREACHABLE';
}
