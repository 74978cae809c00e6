/**
 * OAuth M2M as a workspace serves it: the discovery document and the client-credentials token endpoint.
 * Failures use the OAuth error shape `{error, error_description}`, not the Databricks one.
 */
import type { Identities } from '../sandbox-identity.js';
import type { Reply, RestRequest } from './rest-handler.js';

export const DISCOVERY_PATH = '/oidc/.well-known/oauth-authorization-server';
export const TOKEN_PATH = '/oidc/v1/token';

const oauthError = (status: number, error: string, description: string): Reply => ({
  status,
  body: { error, error_description: description },
});

export function discovery(baseUrl: string): Reply {
  return {
    status: 200,
    body: {
      issuer: `${baseUrl}/oidc`,
      authorization_endpoint: `${baseUrl}/oidc/v1/authorize`,
      token_endpoint: `${baseUrl}${TOKEN_PATH}`,
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['all-apis', 'offline_access'],
    },
  };
}

function basicCredentials(header: string | string[] | undefined): { id: string; secret: string } | undefined {
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-encoded before Base64; text that does not decode is no credential.
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export function issueToken(req: RestRequest, identities: Identities): Reply {
  const form = new URLSearchParams(req.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', `Grant type '${grantType ?? ''}' is not supported here; use client_credentials.`);
  }
  const basic = basicCredentials(req.headers.authorization);
  const clientId = basic?.id ?? form.get('client_id');
  const clientSecret = basic?.secret ?? form.get('client_secret');
  if (!clientId || !clientSecret) {
    return oauthError(401, 'invalid_client', 'Client authentication is required: send the client id and secret as HTTP Basic credentials.');
  }
  const issued = identities.issueOAuthToken(clientId, clientSecret);
  if (!issued) {
    return oauthError(401, 'invalid_client', 'Client authentication failed: unknown client id or wrong client secret.');
  }
  return {
    status: 200,
    body: {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: form.get('scope') ?? 'all-apis',
    },
  };
}
