/**
 * Who may talk to the server when it runs as a Databricks App, and who they are. The Apps proxy in front of the
 * app authenticates every user (access is the app's CAN USE permission) and forwards X-Forwarded-* headers; a
 * request that lacks the proxy's X-Forwarded-User and X-Request-Id is refused with 401 (X-Request-Id is stamped on
 * every request the proxy forwards; X-Forwarded-User names every principal, an e-mail is only there when the
 * identity provider has one).
 *
 * Those headers are informational only: the port is reached "through a reverse proxy" and an app "can't depend
 * on the origin of requests" (Databricks Apps best practices, docs.databricks.com/gcp/dev-tools/databricks-apps/
 * best-practices), so anyone reaching it can type them. Who the caller is comes from what cannot be typed:
 * - with user authorization, the forwarded X-Forwarded-Access-Token, which the workspace names
 *   (apps-token-identity.ts); a token it refuses is 401;
 * - without it, every caller acts as the app's service principal, so every caller is the app.
 * What the headers named is kept as `claimedUser`, for the audit line.
 *
 * The Host check reads the host the client addressed, X-Forwarded-Host (the proxy may address the app by an
 * internal name): the app's own databricksapps.com host, loopback, or AIGW_HTTP_ALLOWED_HOSTS (a custom
 * domain). An Origin, when sent, may also be the workspace itself, whose pages host Genie Code. None of these
 * headers is read outside Apps mode, so forged X-Forwarded-* headers are ignored there.
 */
import { localhostAllowedHostnames, validateHostHeader, validateOriginHeader, type AuthInfo } from '@modelcontextprotocol/server';
import { isAppHostname, type AppsHosting } from './apps-hosting.js';
import type { Caller } from '../runtime/caller.js';
import { forbidden, single, type RequestHeaders } from './http-access.js';
import { authInfoFor } from './http-caller.js';
import type { TokenIdentities } from './apps-token-identity.js';

export interface AppsAccessPolicy {
  hosting: AppsHosting;
  /** Hostnames accepted as the addressed host besides the app's own. */
  allowedHosts: string[];
  /** Hostnames accepted in Origin besides the app's own: the above and the workspace. */
  allowedOrigins: string[];
  /** Names the owner of a forwarded user token, asking the workspace. */
  identities: TokenIdentities;
}

/** The identity headers without which a request did not come through the Apps proxy (see above for why these). */
const APPS_IDENTITY_HEADERS = ['x-forwarded-user', 'x-request-id'] as const;

export function appsAccessPolicy(hosting: AppsHosting, extraHosts: readonly string[], workspaceHost: string | undefined, identities: TokenIdentities): AppsAccessPolicy {
  const allowedHosts = [...new Set([...localhostAllowedHostnames(), ...extraHosts.map((h) => h.toLowerCase())])];
  const workspace = hostnameOf(workspaceHost);
  return { hosting, allowedHosts, allowedOrigins: workspace ? [...allowedHosts, workspace] : allowedHosts, identities };
}

export async function checkAppsAccess(policy: AppsAccessPolicy, headers: RequestHeaders): Promise<{ refused: Response } | { authInfo: AuthInfo }> {
  const appHost = (result: { ok: boolean; hostname?: string }) => result.ok || (result.hostname !== undefined && isAppHostname(policy.hosting, result.hostname));
  const host = validateHostHeader(single(headers['x-forwarded-host']) ?? single(headers.host), policy.allowedHosts);
  if (!appHost(host)) return { refused: forbidden(`Host not allowed: ${'message' in host ? host.message : ''}. Reach this app at its databricksapps.com URL, or add the host to AIGW_HTTP_ALLOWED_HOSTS`) };
  const origin = validateOriginHeader(single(headers.origin), policy.allowedOrigins);
  if (!appHost(origin)) return { refused: forbidden(`Origin not allowed: ${'message' in origin ? origin.message : ''}`) };

  const value = (name: string) => single(headers[name])?.trim() || undefined;
  const missing = APPS_IDENTITY_HEADERS.filter((name) => !value(name));
  if (missing.length > 0) return { refused: unauthorized(missing) };
  const token = value('x-forwarded-access-token');
  const claimedUser = value('x-forwarded-email') ?? value('x-forwarded-preferred-username') ?? value('x-forwarded-user');
  const requestId = value('x-request-id');
  if (!token) return { authInfo: authInfoFor({ via: 'databricks-apps', user: appIdentity(policy.hosting), claimedUser, requestId }) };
  const identity = await policy.identities.identify(token);
  if ('refused' in identity) return { refused: tokenRefused(identity.refused) };
  if ('unverified' in identity) return { refused: unverified(identity.unverified) };
  const caller: Caller = { via: 'databricks-apps', user: identity.user, claimedUser, requestId, workspaceToken: () => token };
  return { authInfo: authInfoFor(caller) };
}

/** Who every caller is when the app has no user authorization: the app (its service principal's rights). */
function appIdentity(hosting: AppsHosting): string {
  return `app:${hosting.appName}`;
}

function tokenRefused(why: string): Response {
  const message =
    `Unauthorized: the user token the Databricks Apps proxy forwarded (X-Forwarded-Access-Token) was refused: ${why}. ` +
    'Sign in to the app again through its URL (https://<app-url>/mcp); if every user is refused, check that the app\'s user authorization scopes let it read the current user (SCIM Me)';
  return Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status: 401, headers: { 'www-authenticate': 'Bearer realm="Databricks Apps", error="invalid_token"' } });
}

function unverified(why: string): Response {
  const message = `Service Unavailable: could not ask the workspace who the forwarded user token belongs to (${why}). Try again shortly`;
  return Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status: 503, headers: { 'retry-after': '5' } });
}

function unauthorized(missing: readonly string[]): Response {
  const message =
    `Unauthorized: this server runs as a Databricks App and serves only requests the Apps proxy authenticated, and this one lacks ${missing.join(' and ')}. ` +
    'Connect through the app URL (https://<app-url>/mcp) with a Databricks identity that has CAN USE on the app';
  return Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status: 401, headers: { 'www-authenticate': 'Bearer realm="Databricks Apps"' } });
}

function hostnameOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
