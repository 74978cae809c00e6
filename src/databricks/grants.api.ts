/**
 * Unity Catalog grants (`/api/2.1/unity-catalog/permissions/{type}/{name}`): read the direct grants on a
 * securable and add privileges with PATCH. Adding a privilege that is already held changes nothing, so the
 * PATCH is safe to repeat. ALL_PRIVILEGES is refused here: grants are always explicit (the F2 pattern).
 */
import { sqlIdentifier, sqlQualifiedName } from '../shared/code-literals.js';
import { ToolError } from '../shared/tool-error.js';
import { isBroadPrivilege } from '../shared/privileges.js';
import { DatabricksError } from './databricks-errors.js';
import type { RestClient } from './rest-client.js';

/**
 * `model_service` / `mcp_service`: the SDKs' SecurableType enum names no Unity AI Gateway service, and no source
 * documents the permissions-path spelling; this is the lower-case form of SQL `GRANT EXECUTE ON MODEL SERVICE`,
 * and a workspace that refuses it gets a clear error naming the SQL to run instead (see `update`).
 */
export type SecurableType = 'catalog' | 'schema' | 'table' | 'model_service' | 'mcp_service';

export interface PrivilegeAssignment {
  principal: string;
  privileges: string[];
}

export interface PermissionsChange {
  principal: string;
  add?: string[];
  remove?: string[];
}

/** A guard against a server that never stops paging; real securables need a handful of pages at most. */
const MAX_GRANT_PAGES = 200;

export function refuseBroadPrivileges(privileges: readonly string[]): void {
  const broad = privileges.filter(isBroadPrivilege);
  if (broad.length > 0) {
    throw new ToolError(
      'ALL_PRIVILEGES will not be granted',
      'grants on the inference and usage tables are explicit (USE_CATALOG, USE_SCHEMA, SELECT, MODIFY), never a blanket privilege that also grants future ones',
      'Ask for the specific privileges the principal needs instead',
      'GRANT_REFUSED',
    );
  }
}

/** The PATCH body; the answer lists the grants after the change, which the caller reports. */
export function permissionsPatchBody(changes: PermissionsChange[]) {
  return { changes, omit_permissions_in_response: false };
}

function whoCanGrant(type: SecurableType, fullName: string): string {
  return `Ask the owner of ${type} ${fullName} (or a metastore admin) to grant these privileges, or to give the principal these credentials belong to MANAGE on it`;
}

export class GrantsApi {
  constructor(private readonly rest: RestClient) {}

  /**
   * Direct grants on the securable, every page of them; none when it does not exist yet (a schema before
   * inference tables create it).
   */
  async get(type: SecurableType, fullName: string, signal?: AbortSignal): Promise<PrivilegeAssignment[]> {
    const assignments: PrivilegeAssignment[] = [];
    let pageToken: string | undefined;
    try {
      for (let page = 0; page < MAX_GRANT_PAGES; page++) {
        const { data } = await this.rest.call<{ privilege_assignments?: PrivilegeAssignment[]; next_page_token?: string }>({
          method: 'GET',
          path: `/api/2.1/unity-catalog/permissions/${type}/${encodeURIComponent(fullName)}`,
          // Unpaginated reads "will be deprecated soon"; max_results=0 asks for the server's page length.
          query: { max_results: 0, page_token: pageToken },
          signal,
          operation: `Reading the grants on ${type} ${fullName}`,
          whoCanGrant: whoCanGrant(type, fullName),
        });
        assignments.push(...(data.privilege_assignments ?? []));
        pageToken = data.next_page_token || undefined;
        if (!pageToken) return assignments;
      }
    } catch (error) {
      if (error instanceof DatabricksError && error.status === 404) return [];
      throw error;
    }
    throw new ToolError(
      `The grants on ${type} ${fullName} span more than ${MAX_GRANT_PAGES} pages`,
      'the workspace kept answering with another page token',
      'Check the grants in Catalog Explorer; report this if the securable has a normal number of principals',
      'GRANTS_TOO_MANY_PAGES',
    );
  }

  async update(type: SecurableType, fullName: string, changes: PermissionsChange[], signal?: AbortSignal): Promise<PrivilegeAssignment[]> {
    refuseBroadPrivileges(changes.flatMap((c) => c.add ?? []));
    try {
      return await this.patch(type, fullName, changes, signal);
    } catch (error) {
      if (!(type === 'model_service' || type === 'mcp_service') || !(error instanceof DatabricksError) || error.status !== 400) throw error;
      const sql = grantStatements(type, fullName, changes);
      throw new ToolError(
        `The workspace refused grants on the ${type.replace('_', ' ')} ${fullName} through the permissions API`,
        `PATCH …/permissions/${type}/… answered: ${error.message} (no SDK documents this securable type's spelling)`,
        `Grant in SQL instead (${sql}), then plan again: the plan then shows the grants as held`,
        'GRANT_REFUSED',
      );
    }
  }

  private async patch(type: SecurableType, fullName: string, changes: PermissionsChange[], signal?: AbortSignal): Promise<PrivilegeAssignment[]> {
    const { data } = await this.rest.call<{ privilege_assignments?: PrivilegeAssignment[] }>({
      method: 'PATCH',
      path: `/api/2.1/unity-catalog/permissions/${type}/${encodeURIComponent(fullName)}`,
      body: permissionsPatchBody(changes),
      signal,
      idempotent: true,
      operation: `Granting privileges on ${type} ${fullName}`,
      whoCanGrant: whoCanGrant(type, fullName),
    });
    return data.privilege_assignments ?? [];
  }
}

/**
 * The SQL that grants `changes` on a service, to run by hand: every name quoted and escaped, so a principal or a
 * service name with a back quote stays one identifier; privileges are the product's own words, never input.
 */
export function grantStatements(type: 'model_service' | 'mcp_service', fullName: string, changes: readonly PermissionsChange[]): string {
  const securable = type === 'model_service' ? 'MODEL SERVICE' : 'MCP SERVICE';
  const privilege = (p: string) => {
    if (!/^[A-Z][A-Z_]*$/.test(p)) throw new Error(`not a privilege name: ${JSON.stringify(p)}`);
    return p.replaceAll('_', ' ');
  };
  return changes.map((c) => `GRANT ${(c.add ?? []).map(privilege).join(', ')} ON ${securable} ${sqlQualifiedName(fullName)} TO ${sqlIdentifier(c.principal)}`).join('; ');
}
