/**
 * Who may talk to the HTTP transport. A browser page can reach a server on 127.0.0.1 (DNS rebinding, forged
 * Origin), and a server bound beyond loopback can be reached by anyone on the network, so every request must
 * name an allowed Host, come from an allowed Origin (when it has one), and — off loopback, or whenever a token
 * is configured — carry the bearer token. Decided from headers alone, before any body is read.
 */
import { createHash, timingSafeEqual } from '../shared/lazy-crypto.js';
import {
  localhostAllowedHostnames,
  OAuthError,
  OAuthErrorCode,
  validateHostHeader,
  validateOriginHeader,
  verifyBearerToken,
  type AuthInfo,
} from '@modelcontextprotocol/server';
import { authInfoFor } from './http-caller.js';

/** Hosts that only this machine can reach; binding anything else needs a token. */
const LOOPBACK_BINDS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Shorter tokens are guessable by a patient scanner. */
export const MIN_TOKEN_LENGTH = 16;

export interface AccessPolicy {
  /** Hostnames (no port; IPv6 in brackets) accepted in Host and Origin. */
  allowedHosts: string[];
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
}

export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_BINDS.has(host.toLowerCase());
}

/** `::1` → `[::1]`: the form a Host header and a URL carry. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The policy for a bind address, or an Error saying why the server must not start. `extraHosts` are the
 * names remote clients use (AIGW_HTTP_ALLOWED_HOSTS), needed when binding all interfaces or behind a proxy.
 */
export function accessPolicy(host: string, token: string | undefined, extraHosts: readonly string[] = []): AccessPolicy {
  const wildcard = host === '0.0.0.0' || host === '::';
  const allowedHosts = [...new Set([...localhostAllowedHostnames(), ...(wildcard ? [] : [urlHost(host).toLowerCase()]), ...extraHosts.map((h) => h.toLowerCase())])];
  const trimmed = token?.trim() || undefined;
  if (!trimmed && !isLoopbackBind(host)) {
    throw new Error(
      `refusing to serve HTTP on ${host} without a bearer token: anyone who can reach that address could call the tools. ` +
        `Set AIGW_HTTP_TOKEN to a random secret of at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`) and give it to your clients, or bind 127.0.0.1`,
    );
  }
  if (trimmed && trimmed.length < MIN_TOKEN_LENGTH) {
    throw new Error(`AIGW_HTTP_TOKEN is too short (${trimmed.length} characters): use a random secret of at least ${MIN_TOKEN_LENGTH} characters, e.g. \`openssl rand -hex 32\``);
  }
  return trimmed ? { allowedHosts, token: trimmed } : { allowedHosts };
}

export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The refusal for a request, or how the caller got in: with the token, or (no token configured) over loopback. */
export async function checkAccess(policy: AccessPolicy, headers: RequestHeaders): Promise<{ refused: Response } | { authInfo: AuthInfo }> {
  const host = validateHostHeader(single(headers.host), policy.allowedHosts);
  if (!host.ok) return { refused: forbidden(`Host not allowed: ${host.message}`) };
  const origin = validateOriginHeader(single(headers.origin), policy.allowedHosts);
  if (!origin.ok) return { refused: forbidden(`Origin not allowed: ${origin.message}`) };
  if (!policy.token) return { authInfo: authInfoFor({ via: 'loopback' }) };
  const expected = digest(policy.token);
  try {
    const authInfo = await verifyBearerToken(single(headers.authorization), {
      verifier: {
        async verifyAccessToken(token) {
          // Digests have equal length, so timingSafeEqual never throws and the comparison leaks no prefix.
          if (!timingSafeEqual(digest(token), expected)) throw new OAuthError(OAuthErrorCode.InvalidToken, 'the bearer token is not the one this server was started with');
          return { token, clientId: 'aigw-http-token', scopes: [], expiresAt: Math.floor(Date.now() / 1000) + 3600 };
        },
      },
    });
    return { authInfo: { ...authInfo, ...authInfoFor({ via: 'bearer-token' }, authInfo.token) } };
  } catch (error) {
    return { refused: tokenRefused(error instanceof Error ? error.message : String(error)) };
  }
}

/**
 * The static token is not OAuth, and OAuth-capable clients (Claude Code, Cursor, VS Code) answer any 401 by
 * discovering an authorization server. So the 401 names no resource_metadata, and both it and the paths that
 * discovery and registration try say what to configure instead: @modelcontextprotocol/client then reports
 * "Dynamic Client Registration rejected (HTTP 404): {…"error_description":"<this>"}", a client without OAuth
 * "Error POSTing to endpoint: {…}", the v1 SDK's client this description itself (test/e2e/http-auth.test.ts).
 */
export const SEND_THE_TOKEN =
  'this server takes no OAuth: configure the MCP client to send the header Authorization: Bearer <the AIGW_HTTP_TOKEN the server was started with> (Claude Code: --header; Cursor, VS Code: "headers" in mcp.json)';

/** Where OAuth discovery, registration and the authorization code flow look (RFC 8414, RFC 9728, OIDC, the SDKs' fallbacks). */
const OAUTH_PATHS = /^\/(\.well-known\/(oauth-authorization-server|oauth-protected-resource|openid-configuration)(\/.*)?|register|authorize|token)$/;

export function isOAuthPath(pathname: string): boolean {
  return OAUTH_PATHS.test(pathname);
}

/** The answer on those paths: an OAuth error body the SDKs show as it is. */
export function noOAuth(): Response {
  return Response.json({ error: 'invalid_request', error_description: SEND_THE_TOKEN }, { status: 404 });
}

function tokenRefused(reason: string): Response {
  const description = `${reason}: send the header Authorization: Bearer <the AIGW_HTTP_TOKEN the server was started with>`;
  return Response.json(
    { error: 'invalid_token', error_description: description },
    { status: 401, headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${description.replace(/["\\]/g, "'")}"` } },
  );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function forbidden(message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status: 403 });
}
