/**
 * HTTPS to one workspace: a pooled undici Agent (timeouts on connect, headers and body; the extra CA trusted)
 * composed with undici's retry interceptor. Retries follow the Databricks SDKs: 429 and 503 honouring
 * `Retry-After`, and connection errors, with backoff under a total time budget. A request that is not
 * idempotent (a create) is never retried here: its caller must first look whether it already happened.
 */
import type { Dispatcher, RetryHandler } from 'undici';

export interface TransportOptions {
  /** PEM of an extra CA to trust besides the system roots (the sandbox's self-signed CA). */
  caCert?: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Total time one call may spend on retries, waits included (default DEFAULT_RETRY_BUDGET_MS). */
  retryBudgetMs?: number;
  /** Sockets kept per origin. */
  connections?: number;
  /** HTTP(S) proxy to tunnel through (see proxy.ts); undefined connects directly. */
  proxy?: URL;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Whether repeating the request cannot change the outcome (GET, a full PUT, adding a grant). */
  idempotent: boolean;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Attempts made, 1 when the first one answered. */
  attempts: number;
}

const RETRIABLE_STATUS = new Set([429, 503]);
const RETRIABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const MAX_RETRIES = 20;
/**
 * How long one request may spend on retries, waits included. The SDKs allow 300 s, which suits a batch job; an
 * agent waits on each tool call, so a request that the workspace keeps refusing ends well within ~30 s, and the
 * error says when to try again (an apply reports what it did and did not do, as `incomplete`).
 */
const DEFAULT_RETRY_BUDGET_MS = 25_000;
/**
 * Nothing answers at that address: a VPN down, a proxy restarting. Retried briefly for a blip, not for the whole
 * budget. A name that does not resolve (ENOTFOUND, a typo in DATABRICKS_HOST) and a certificate that is not
 * trusted are never retried: neither changes a second later (EAI_AGAIN is the resolver's own "try again").
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const MAX_UNREACHABLE_RETRIES = 2;
/** Responses larger than this are refused rather than buffered: no serving API answer comes close. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class Transport {
  private pool: Promise<{ agent: Dispatcher; dispatcher: Dispatcher }> | undefined;
  private readonly retryBudgetMs: number;

  constructor(private readonly options: TransportOptions = {}) {
    this.retryBudgetMs = options.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS;
  }

  /** undici and node:tls load on the first workspace call, not at start-up: offline tools never need them. */
  private connection(): Promise<{ agent: Dispatcher; dispatcher: Dispatcher }> {
    this.pool ??= Promise.all([import('undici'), import('node:tls')]).then(([{ Agent, ProxyAgent, interceptors }, tls]) => {
      const { options } = this;
      const pool = {
        connections: options.connections ?? 8,
        headersTimeout: options.headersTimeoutMs ?? 60_000,
        bodyTimeout: options.bodyTimeoutMs ?? 60_000,
      };
      const tlsToWorkspace = {
        timeout: options.connectTimeoutMs ?? 10_000,
        // Setting `ca` replaces the system roots, so keep them alongside the extra CA.
        ...(options.caCert ? { ca: [...tls.rootCertificates, options.caCert] } : {}),
      };
      // Through a proxy the TLS session to the workspace runs inside the CONNECT tunnel (requestTls);
      // credentials in the proxy URL become Proxy-Authorization.
      const agent = options.proxy
        ? new ProxyAgent({ ...pool, uri: options.proxy.href, requestTls: tlsToWorkspace, proxyTls: { timeout: tlsToWorkspace.timeout } })
        : new Agent({ ...pool, connect: tlsToWorkspace });
      // Per-request options (the budget) are merged over these by the interceptor.
      return { agent, dispatcher: agent.compose(interceptors.retry({ throwOnError: false, maxRetries: MAX_RETRIES })) };
    });
    return this.pool;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const { dispatcher } = await this.connection();
    let retries = 0;
    const deadline = Date.now() + this.retryBudgetMs;
    const retryOptions: RetryHandler.RetryOptions = {
      throwOnError: false,
      retry: (err, { state }, callback) => {
        const wait = request.idempotent ? retryDelay(err, state.counter, deadline, request.signal) : undefined;
        if (wait === undefined) {
          callback(err);
          return;
        }
        retries += 1;
        const timer = setTimeout(() => {
          request.signal?.removeEventListener('abort', onAbort);
          callback(null);
        }, wait);
        const onAbort = (): void => {
          clearTimeout(timer);
          callback(err);
        };
        request.signal?.addEventListener('abort', onAbort, { once: true });
      },
    };
    const response = await dispatcher.request({
      method: request.method,
      origin: new URL(request.url).origin,
      path: `${new URL(request.url).pathname}${new URL(request.url).search}`,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      retryOptions,
    } as Dispatcher.RequestOptions);
    const text = await readCapped(response.body);
    return { status: response.statusCode, headers: response.headers, text, attempts: retries + 1 };
  }

  async close(): Promise<void> {
    if (this.pool) await (await this.pool).agent.close();
  }
}

/** How long to wait before the next attempt, or undefined to stop retrying. */
function retryDelay(err: Error, attempt: number, deadline: number, signal: AbortSignal | undefined): number | undefined {
  if (signal?.aborted) return undefined;
  const { statusCode, code, headers } = err as Error & { statusCode?: number; code?: string; headers?: Record<string, string | string[] | undefined> };
  const retriable = statusCode !== undefined ? RETRIABLE_STATUS.has(statusCode) : code !== undefined && RETRIABLE_CODES.has(code);
  if (!retriable || attempt > MAX_RETRIES) return undefined;
  if (code !== undefined && UNREACHABLE_CODES.has(code) && attempt > MAX_UNREACHABLE_RETRIES) return undefined;
  const retryAfter = statusCode !== undefined ? parseRetryAfter(headers?.['retry-after']) : undefined;
  // Like the SDKs: the server's Retry-After when given, else a growing backoff with jitter.
  const wait = retryAfter ?? Math.min(200 * 2 ** Math.max(0, attempt - 1), 10_000) + Math.floor(Math.random() * 200);
  return Date.now() + wait > deadline ? undefined : wait;
}

export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw Object.assign(new Error(`response body larger than ${MAX_BODY_BYTES} bytes`), { code: 'BODY_TOO_LARGE' });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
