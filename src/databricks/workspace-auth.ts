/**
 * Bearer tokens for a workspace. A personal access token is used as given. OAuth M2M (a service principal's
 * client id and secret) fetches an access token from the workspace's OIDC token endpoint, caches it,
 * refreshes it before it expires and after the workspace refused it (401), and never runs two fetches at
 * once. Every token this process learns is registered as a secret so nothing can print it.
 */
import { ToolError } from '../shared/tool-error.js';
import type { AuthType, WorkspaceConfig } from './workspace-settings.js';
import type { Transport } from './rest-transport.js';

export interface TokenProvider {
  readonly authType: AuthType;
  /** A token valid for at least a little while longer. */
  token(): Promise<string>;
  /** Forgets `token` after the workspace refused it, so the next `token()` fetches a fresh one (M2M only). */
  invalidate(token: string): void;
}

export interface TokenProviderOptions {
  transport: Transport;
  /** Called with every secret value learned (access tokens), for scrubbing. */
  onSecret?: (secret: string) => void;
  now?: () => number;
}

export function createTokenProvider(config: WorkspaceConfig, options: TokenProviderOptions): TokenProvider {
  if (config.authType === 'pat') {
    const token = config.token ?? '';
    options.onSecret?.(token);
    return { authType: 'pat', token: async () => token, invalidate: () => undefined };
  }
  if (config.clientSecret) options.onSecret?.(config.clientSecret);
  return new M2mTokenProvider(config, options);
}

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is treated as expired. */
  refreshAt: number;
}

/** Refresh this long before expiry: a minute, or a fifth of a short lifetime. */
function refreshMargin(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 5);
}

class M2mTokenProvider implements TokenProvider {
  readonly authType = 'oauth-m2m' as const;
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  private tokenEndpoint: string | undefined;
  private readonly now: () => number;

  constructor(
    private readonly config: WorkspaceConfig,
    private readonly options: TokenProviderOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.value;
    // Single flight: concurrent callers share one token request, so no one caller's cancel may abort it.
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    this.cached = await this.inflight;
    return this.cached.value;
  }

  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<CachedToken> {
    const endpoint = await this.discover();
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
    this.options.onSecret?.(basic);
    const started = this.now();
    const response = await this.options.transport.send({
      method: 'POST',
      url: endpoint,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials&scope=all-apis',
      // Asking for a token twice has no effect beyond a second token.
      idempotent: true,
    });
    const body = parseJson(response.text);
    if (response.status !== 200 || typeof body?.access_token !== 'string') {
      const reason = describeOauthError(body, response.status);
      throw new ToolError(
        `The workspace ${this.config.host} refused the OAuth M2M token request for client id ${this.config.clientId}`,
        reason,
        response.status === 400 || response.status === 401
          ? 'Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (or the profile keys client_id/client_secret): the secret may be wrong, expired or revoked'
          : 'Retry in a minute; if it persists, check the workspace status',
        'AUTH_FAILED',
      );
    }
    const value = body.access_token;
    this.options.onSecret?.(value);
    const lifetimeMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
    return { value, refreshAt: started + lifetimeMs - refreshMargin(lifetimeMs) };
  }

  private async discover(): Promise<string> {
    if (this.tokenEndpoint) return this.tokenEndpoint;
    const response = await this.options.transport.send({
      method: 'GET',
      url: `${this.config.host}/oidc/.well-known/oauth-authorization-server`,
      headers: { accept: 'application/json' },
      idempotent: true,
    });
    const body = parseJson(response.text);
    const endpoint = typeof body?.token_endpoint === 'string' ? body.token_endpoint : undefined;
    if (response.status !== 200 || !endpoint || !endpoint.startsWith('https://')) {
      throw new ToolError(
        `Cannot discover the OAuth token endpoint of ${this.config.host}`,
        response.status === 200 ? 'the discovery document has no https token_endpoint' : `GET /oidc/.well-known/oauth-authorization-server answered HTTP ${response.status}`,
        'Check that DATABRICKS_HOST is the workspace URL (not the account console) and that the workspace supports OAuth M2M',
        'AUTH_FAILED',
      );
    }
    this.tokenEndpoint = endpoint;
    return endpoint;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** OAuth failures come as `{error, error_description}` or `{errorCode, errorSummary}`. */
function describeOauthError(body: Record<string, unknown> | undefined, status: number): string {
  const code = body?.error ?? body?.errorCode;
  const detail = body?.error_description ?? body?.errorSummary;
  const parts = [typeof code === 'string' ? code : undefined, typeof detail === 'string' ? detail : undefined].filter(Boolean);
  return `HTTP ${status}${parts.length ? `: ${parts.join(' — ')}` : ''}`;
}
