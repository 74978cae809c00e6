/**
 * Who is who in the workspace, through SCIM (`/api/2.0/preview/scim/v2`): the caller's own user name
 * (`GET …/Me`, databricks-sdk-py iam.py CurrentUserAPI.me) and whether an application id names an active
 * service principal (`GET …/ServicePrincipals?filter=applicationId eq "<id>"`, ServicePrincipalsAPI.list).
 */
import type { RestClient } from './rest-client.js';

export class IdentityApi {
  constructor(private readonly rest: RestClient) {}

  /** The caller's userName (an e-mail for a user): what Alerts v2 reports as `owner_user_name` of what it creates. */
  async me(signal?: AbortSignal): Promise<string | undefined> {
    const { data } = await this.rest.call<{ userName?: string }>({ method: 'GET', path: '/api/2.0/preview/scim/v2/Me', signal, operation: 'Reading who this principal is' });
    return data.userName || undefined;
  }

  /** Whether an active service principal has this application id. */
  async servicePrincipalExists(applicationId: string, signal?: AbortSignal): Promise<boolean> {
    const { data } = await this.rest.call<{ Resources?: Array<{ applicationId?: string; active?: boolean }> }>({
      method: 'GET',
      path: '/api/2.0/preview/scim/v2/ServicePrincipals',
      query: { filter: `applicationId eq ${JSON.stringify(applicationId)}` },
      signal,
      operation: `Looking up service principal ${applicationId}`,
      whoCanGrant: 'Any workspace user may read service principals; ask a workspace admin if this is refused',
    });
    return (data.Resources ?? []).some((sp) => sp.applicationId === applicationId && sp.active !== false);
  }
}
