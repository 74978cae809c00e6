/**
 * How long a client may take to send a request, and how many connections may be open at once. Node's defaults
 * (60 s for the headers, 300 s for the whole request, checked every 30 s, no connection cap) let a handful of
 * clients that stall mid-request hold the server for minutes; MCP requests are small, so seconds are plenty. A
 * connection that sends nothing at all is closed by the headers limit too.
 * Once a request has arrived the limits no longer apply: a tool call may run as long as its SQL does.
 */

export interface HttpLimits {
  /** The request line and headers must arrive within this; else 408 and the connection closes. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (at least headersTimeoutMs). */
  requestTimeoutMs: number;
  /** A keep-alive connection with no request for this long is closed. */
  idleTimeoutMs: number;
  /** Open connections at most; at the cap an idle one makes room for a newcomer (http-connections.ts). */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 5_000, requestTimeoutMs: 15_000, idleTimeoutMs: 5_000, maxConnections: 100 };

/** The limits from AIGW_HTTP_HEADERS_TIMEOUT_SECONDS, _REQUEST_TIMEOUT_SECONDS, _IDLE_TIMEOUT_SECONDS and AIGW_HTTP_MAX_CONNECTIONS. */
export function httpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const headersTimeoutMs = seconds(env, 'AIGW_HTTP_HEADERS_TIMEOUT_SECONDS') ?? DEFAULT_HTTP_LIMITS.headersTimeoutMs;
  const idleTimeoutMs = seconds(env, 'AIGW_HTTP_IDLE_TIMEOUT_SECONDS') ?? DEFAULT_HTTP_LIMITS.idleTimeoutMs;
  const requestTimeoutMs = seconds(env, 'AIGW_HTTP_REQUEST_TIMEOUT_SECONDS') ?? Math.max(DEFAULT_HTTP_LIMITS.requestTimeoutMs, headersTimeoutMs);
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new Error('AIGW_HTTP_REQUEST_TIMEOUT_SECONDS is shorter than AIGW_HTTP_HEADERS_TIMEOUT_SECONDS: the whole request includes its headers, so give it at least as long');
  }
  const connections = env.AIGW_HTTP_MAX_CONNECTIONS?.trim();
  const maxConnections = connections ? Number(connections) : DEFAULT_HTTP_LIMITS.maxConnections;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new Error(`AIGW_HTTP_MAX_CONNECTIONS must be a whole number of at least 1, not ${connections}`);
  return { headersTimeoutMs, requestTimeoutMs, idleTimeoutMs, maxConnections };
}

/** How often Node looks for requests past their time: often enough that a limit is not overrun by much. */
export function checkingIntervalMs(limits: HttpLimits): number {
  return Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4)));
}

function seconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 3_600) throw new Error(`${name} must be a number of seconds above 0 and at most 3600, not ${text}`);
  return Math.round(value * 1_000);
}
