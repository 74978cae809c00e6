/** What a REST handler receives and returns; the server turns a Reply into the HTTP response. */

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
  headers?: Record<string, string>;
}

export const ok = (body: unknown): Reply => ({ status: 200, body });
