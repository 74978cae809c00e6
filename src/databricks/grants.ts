/**
 * Unity Catalog grants (`/api/2.1/unity-catalog/permissions/{type}/{name}`): read the direct grants on a
 * securable and add privileges with PATCH. Adding a privilege that is already held changes nothing, so the
 * PATCH is safe to repeat. ALL_PRIVILEGES is refused here: grants are always explicit (the F2 pattern).
 */
import { ToolError } from '../errors.js';
import { DatabricksError } from './errors.js';
import type { RestClient } from './rest.js';

export type SecurableType = 'catalog' | 'schema' | 'table';

export interface PrivilegeAssignment {
  principal: string;
  privileges: string[];
}

export interface PermissionsChange {
  principal: string;
  add?: string[];
  remove?: string[];
}

const FORBIDDEN_PRIVILEGES = new Set(['ALL_PRIVILEGES', 'ALL PRIVILEGES']);

export function refuseBroadPrivileges(privileges: readonly string[]): void {
  const broad = privileges.filter((p) => FORBIDDEN_PRIVILEGES.has(p.trim().toUpperCase()));
  if (broad.length > 0) {
    throw new ToolError(
      'ALL_PRIVILEGES will not be granted',
      'grants on the inference and usage tables are explicit (USE_CATALOG, USE_SCHEMA, SELECT, MODIFY), never a blanket privilege that also grants future ones',
      'Ask for the specific privileges the principal needs instead',
      'GRANT_REFUSED',
    );
  }
}

function whoCanGrant(type: SecurableType, fullName: string): string {
  return `Ask the owner of ${type} ${fullName} (or a metastore admin) to grant these privileges, or to give the principal these credentials belong to MANAGE on it`;
}

export class GrantsApi {
  constructor(private readonly rest: RestClient) {}

  /** Direct grants on the securable; none when it does not exist yet (a schema before inference tables create it). */
  async get(type: SecurableType, fullName: string, signal?: AbortSignal): Promise<PrivilegeAssignment[]> {
    try {
      const { data } = await this.rest.call<{ privilege_assignments?: PrivilegeAssignment[] }>({
        method: 'GET',
        path: `/api/2.1/unity-catalog/permissions/${type}/${encodeURIComponent(fullName)}`,
        // Unpaginated reads "will be deprecated soon"; max_results=0 asks for the server's page size.
        query: { max_results: 0 },
        signal,
        operation: `Reading the grants on ${type} ${fullName}`,
        whoCanGrant: whoCanGrant(type, fullName),
      });
      return data.privilege_assignments ?? [];
    } catch (error) {
      if (error instanceof DatabricksError && error.status === 404) return [];
      throw error;
    }
  }

  async update(type: SecurableType, fullName: string, changes: PermissionsChange[], signal?: AbortSignal): Promise<PrivilegeAssignment[]> {
    refuseBroadPrivileges(changes.flatMap((c) => c.add ?? []));
    const { data } = await this.rest.call<{ privilege_assignments?: PrivilegeAssignment[] }>({
      method: 'PATCH',
      path: `/api/2.1/unity-catalog/permissions/${type}/${encodeURIComponent(fullName)}`,
      body: { changes, omit_permissions_in_response: false },
      signal,
      idempotent: true,
      operation: `Granting privileges on ${type} ${fullName}`,
      whoCanGrant: whoCanGrant(type, fullName),
    });
    return data.privilege_assignments ?? [];
  }
}
