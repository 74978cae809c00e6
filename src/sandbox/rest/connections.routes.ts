/**
 * Unity Catalog connections (`/api/2.1/unity-catalog/connections`): get and list. MCP services are registered
 * over an HTTP connection; the PY SDK names it schema-scoped (`connections/{catalog}.{schema}.{connection}`,
 * `McpServiceConfigSourceConnection`), so the sandbox holds connections by that three-part full name.
 */
import { notFound } from './error-replies.js';
import { ok, type Reply, type RestRequest } from './rest-handler.js';

export const CONNECTIONS_PATH = '/api/2.1/unity-catalog/connections';

export interface SeedConnection {
  fullName: string;
  connectionType: 'HTTP' | 'POSTGRESQL' | 'SNOWFLAKE';
  url: string;
  owner: string;
}

export class Connections {
  private readonly connections = new Map<string, SeedConnection>();

  constructor(seed: readonly SeedConnection[]) {
    for (const connection of seed) this.connections.set(connection.fullName.toLowerCase(), connection);
  }

  isHttp(fullName: string): boolean {
    return this.connections.get(fullName.toLowerCase())?.connectionType === 'HTTP';
  }

  route(req: RestRequest): Reply | undefined {
    if (req.method !== 'GET') return undefined;
    if (req.path === CONNECTIONS_PATH) return ok({ connections: [...this.connections.values()].map(describe) });
    if (!req.path.startsWith(`${CONNECTIONS_PATH}/`)) return undefined;
    const name = decodeURIComponent(req.path.slice(CONNECTIONS_PATH.length + 1));
    const found = this.connections.get(name.toLowerCase());
    if (!found) throw notFound(`Connection '${name}' does not exist.`);
    return ok(describe(found));
  }
}

function describe(connection: SeedConnection): Record<string, unknown> {
  const name = connection.fullName.split('.').pop();
  return { name, full_name: connection.fullName, connection_type: connection.connectionType, url: connection.url, owner: connection.owner, securable_type: 'CONNECTION', read_only: false };
}
