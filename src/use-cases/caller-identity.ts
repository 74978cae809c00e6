/**
 * Who a workspace token belongs to, as the workspace says: SCIM `GET /api/2.0/preview/scim/v2/Me` asked with that
 * token (databricks-sdk-py iam.py CurrentUserAPI.me), its clients closed after. Under Databricks Apps the transport
 * asks this of every forwarded token (transports/apps-token-identity.ts keeps the answers briefly).
 */
import { DatabricksError } from '../databricks/databricks-errors.js';
import { getWorkspace } from '../databricks/workspace-clients.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { ToolError } from '../shared/tool-error.js';

/** `user`: the workspace's userName (an e-mail, or a service principal's application id). */
export type TokenIdentity = { user: string } | { refused: string } | { unverified: string };

export async function identifyToken(runtime: Runtime, token: string, timeoutMs: number): Promise<TokenIdentity> {
  const asked = runtime.forCaller({ via: 'databricks-apps', workspaceToken: () => token });
  try {
    return identityFrom(await getWorkspace(asked).identity.me(AbortSignal.timeout(timeoutMs)));
  } catch (error) {
    return identityFromFailure(error);
  } finally {
    await asked.endCall();
  }
}

export function identityFrom(user: string | undefined): TokenIdentity {
  return user ? { user } : { unverified: 'the workspace named no user for the token' };
}

/** The workspace refusing the token refuses the caller; a workspace that cannot answer proves nothing either way. */
export function identityFromFailure(error: unknown): TokenIdentity {
  if (error instanceof DatabricksError && (error.status === 401 || error.status === 403)) {
    return { refused: `asked who the token belongs to, ${error.why}` };
  }
  return { unverified: error instanceof ToolError ? error.why : error instanceof Error ? error.message : String(error) };
}
