/**
 * Who may talk to the server when it runs as a Databricks App. The Apps proxy in front of the app authenticates
 * every user (access is the app's CAN USE permission) and forwards who they are in X-Forwarded-* headers; only
 * the proxy reaches the app's port. So the proxy is the authenticator here: no bearer token of our own, and a
 * request that lacks the proxy's identity headers is refused with 401.
 *
 * Required: X-Forwarded-User, the identity provider's id for the authenticated principal, which names every
 * principal (an e-mail is only there when the identity provider has one, so X-Forwarded-Email is not required);
 * and X-Request-Id, which the proxy stamps on every request it forwards, so a request without it did not come
 * through the proxy. X-Forwarded-Email, else X-Forwarded-Preferred-Username, names the caller more readably;
 * X-Forwarded-Access-Token, sent when the app has user authorization, is the caller's own workspace token.
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

export interface AppsAccessPolicy {
  hosting: AppsHosting;
  /** Hostnames accepted as the addressed host besides the app's own. */
  allowedHosts: string[];
  /** Hostnames accepted in Origin besides the app's own: the above and the workspace. */
  allowedOrigins: string[];
}

/** The identity headers without which a request did not come through the Apps proxy (see above for why these). */
const APPS_IDENTITY_HEADERS = ['x-forwarded-user', 'x-request-id'] as const;

export function appsAccessPolicy(hosting: AppsHosting, extraHosts: readonly string[], workspaceHost: string | undefined): AppsAccessPolicy {
  const allowedHosts = [...new Set([...localhostAllowedHostnames(), ...extraHosts.map((h) => h.toLowerCase())])];
  const workspace = hostnameOf(workspaceHost);
  return { hosting, allowedHosts, allowedOrigins: workspace ? [...allowedHosts, workspace] : allowedHosts };
}

export function checkAppsAccess(policy: AppsAccessPolicy, headers: RequestHeaders): { refused: Response } | { authInfo: AuthInfo } {
  const appHost = (result: { ok: boolean; hostname?: string }) => result.ok || (result.hostname !== undefined && isAppHostname(policy.hosting, result.hostname));
  const host = validateHostHeader(single(headers['x-forwarded-host']) ?? single(headers.host), policy.allowedHosts);
  if (!appHost(host)) return { refused: forbidden(`Host not allowed: ${'message' in host ? host.message : ''}. Reach this app at its databricksapps.com URL, or add the host to AIGW_HTTP_ALLOWED_HOSTS`) };
  const origin = validateOriginHeader(single(headers.origin), policy.allowedOrigins);
  if (!appHost(origin)) return { refused: forbidden(`Origin not allowed: ${'message' in origin ? origin.message : ''}`) };

  const value = (name: string) => single(headers[name])?.trim() || undefined;
  const missing = APPS_IDENTITY_HEADERS.filter((name) => !value(name));
  if (missing.length > 0) return { refused: unauthorized(missing) };
  const token = value('x-forwarded-access-token');
  const caller: Caller = {
    via: 'databricks-apps',
    user: value('x-forwarded-email') ?? value('x-forwarded-preferred-username') ?? value('x-forwarded-user'),
    requestId: value('x-request-id'),
    ...(token ? { workspaceToken: () => token } : {}),
  };
  return { authInfo: authInfoFor(caller) };
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
