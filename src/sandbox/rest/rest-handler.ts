/** What a REST handler receives and returns; the server turns a Reply into the HTTP response. */
import { ApiError } from './error-replies.js';

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Set once the bearer token has been checked; empty for the unauthenticated OAuth routes. */
  principal: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Bytes sent as they are instead of a JSON body (a file the Files API or an export downloads). */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });

/** The request body as JSON (an empty body reads as `{}`). */
export function jsonBody(req: RestRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8') || '{}');
  } catch {
    throw new ApiError('MALFORMED_REQUEST', 'The request body is not valid JSON.');
  }
}
