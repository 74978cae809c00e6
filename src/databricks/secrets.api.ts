/**
 * The Secrets API, read-only and values never: which scopes exist and which keys a scope holds. A secret is
 * referenced in an endpoint config as `{{secrets/<scope>/<key>}}`; checking it exists before a create turns a
 * failed rollout into a plan finding.
 */
import { DatabricksError } from './databricks-errors.js';
import type { RestClient } from './rest-client.js';

export class SecretsApi {
  constructor(private readonly rest: RestClient) {}

  /** The keys of `scope`, or undefined when the scope does not exist. */
  async keys(scope: string, signal?: AbortSignal): Promise<string[] | undefined> {
    try {
      const { data } = await this.rest.call<{ secrets?: Array<{ key?: string }> }>({
        method: 'GET',
        path: `/api/2.0/secrets/list?scope=${encodeURIComponent(scope)}`,
        signal,
        operation: `Listing the keys of secret scope ${scope}`,
        whoCanGrant: `Ask the owner of secret scope ${scope} (or a workspace admin) for READ on it`,
      });
      return (data.secrets ?? []).flatMap((s) => (typeof s.key === 'string' ? [s.key] : []));
    } catch (error) {
      if (error instanceof DatabricksError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }

  /** The names of the scopes the caller may see. */
  async scopes(signal?: AbortSignal): Promise<string[]> {
    const { data } = await this.rest.call<{ scopes?: Array<{ name?: string }> }>({
      method: 'GET',
      path: '/api/2.0/secrets/scopes/list',
      signal,
      operation: 'Listing secret scopes',
      whoCanGrant: 'Ask a workspace admin: listing scopes needs no grant, so a refusal means the Secrets API is closed to this principal',
    });
    return (data.scopes ?? []).flatMap((s) => (typeof s.name === 'string' ? [s.name] : []));
  }
}
