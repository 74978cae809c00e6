/**
 * Unity AI Gateway services in Unity Catalog (PY SDK `catalog.AiGatewayAPI`): model services and MCP services
 * under `/api/2.1/unity-catalog/{model,mcp}-services`, read, created and updated with an update mask and the
 * etag last read (the workspace refuses a stale one), and the UC connections MCP services are registered over.
 * A workspace without Unity AI Gateway answers these paths with 404 ENDPOINT_NOT_FOUND (or FEATURE_DISABLED):
 * that is `UNITY_GATEWAY_UNAVAILABLE`. Availability is decided by the list call on the parent schema; a 404 of one
 * service's GET with any other code (`RESOURCE_DOES_NOT_EXIST`, or the bare `NOT_FOUND` public scripts test for)
 * means "this service does not exist yet", so the plan creates it.
 */
import { ToolError } from '../shared/tool-error.js';
import { DatabricksError } from './databricks-errors.js';
import type { RestClient } from './rest-client.js';

export type ServiceKind = 'model-services' | 'mcp-services';

/** A service as GET returns it; `name` is `<kind>/{catalog}.{schema}.{id}`. */
export interface LiveService {
  name: string;
  etag?: string;
  comment?: string;
  config?: Record<string, unknown>;
  effective_owner?: string;
}

export interface LiveConnection {
  full_name?: string;
  connection_type?: string;
  url?: string;
}

const LABEL: Record<ServiceKind, string> = { 'model-services': 'model service', 'mcp-services': 'MCP service' };
const ID_PARAMETER: Record<ServiceKind, string> = { 'model-services': 'model_service_id', 'mcp-services': 'mcp_service_id' };

/** The documented answers of a workspace that has no such API (`No API found for …`), or a feature switched off. */
function isApiMissing(error: unknown): boolean {
  return error instanceof DatabricksError && (error.errorCode === 'ENDPOINT_NOT_FOUND' || error.errorCode === 'FEATURE_DISABLED');
}

export function unityGatewayUnavailable(): ToolError {
  return new ToolError(
    'This workspace does not answer the Unity AI Gateway API (target model_service)',
    'GET /api/2.1/unity-catalog/model-services answered 404 or feature-disabled: Unity AI Gateway (model services in Unity Catalog) is not enabled here',
    'Ask a workspace admin to enable the Unity AI Gateway preview (Admin settings → Previews), or pass target "serving_endpoint" to govern a serving endpoint (AI Gateway legacy) instead',
    'UNITY_GATEWAY_UNAVAILABLE',
  );
}

export class AiGatewayServicesApi {
  constructor(private readonly rest: RestClient) {}

  /** Whether the workspace answers the model-services API (listing one schema's services, one at most). */
  async available(catalog: string, schema: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.rest.call({ method: 'GET', path: '/api/2.1/unity-catalog/model-services', query: { parent: `schemas/${catalog}.${schema}`, page_size: 1 }, signal, operation: 'Checking whether the workspace has Unity AI Gateway' });
      return true;
    } catch (error) {
      if (isApiMissing(error)) return false;
      // Another answer (the schema is missing, a permission) still proves the API is there.
      if (error instanceof DatabricksError) return true;
      throw error;
    }
  }

  /** The service, or undefined when it does not exist. */
  async get(kind: ServiceKind, fullName: string, signal?: AbortSignal): Promise<LiveService | undefined> {
    try {
      const { data } = await this.rest.call<LiveService>({ method: 'GET', path: `/api/2.1/unity-catalog/${kind}/${encodeURIComponent(fullName)}`, signal, operation: `Reading the ${LABEL[kind]} ${fullName}` });
      return data;
    } catch (error) {
      if (isApiMissing(error)) throw unityGatewayUnavailable();
      if (error instanceof DatabricksError && error.status === 404) return undefined;
      throw error;
    }
  }

  async create(kind: ServiceKind, catalog: string, schema: string, id: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<LiveService> {
    try {
      const { data } = await this.rest.call<LiveService>({
        method: 'POST',
        path: `/api/2.1/unity-catalog/${kind}`,
        query: { parent: `schemas/${catalog}.${schema}`, [ID_PARAMETER[kind]]: id },
        body,
        signal,
        operation: `Creating the ${LABEL[kind]} ${catalog}.${schema}.${id}`,
        whoCanGrant: `Ask the owner of schema ${catalog}.${schema} for USE CATALOG, USE SCHEMA and CREATE SERVICE on it (and EXECUTE on each destination model)`,
      });
      return data;
    } catch (error) {
      if (isApiMissing(error)) throw unityGatewayUnavailable();
      throw error;
    }
  }

  /** PATCH the fields of `updateMask` with the etag the plan was made against; a changed service is refused. */
  async update(kind: ServiceKind, fullName: string, body: Record<string, unknown>, updateMask: string[], etag: string | undefined, signal?: AbortSignal): Promise<LiveService> {
    try {
      const { data } = await this.rest.call<LiveService>({
        method: 'PATCH',
        path: `/api/2.1/unity-catalog/${kind}/${encodeURIComponent(fullName)}`,
        query: { update_mask: updateMask.join(','), ...(etag ? { etag } : {}) },
        body,
        signal,
        // With the etag a repeat after a lost answer is refused, never applied twice.
        idempotent: true,
        operation: `Updating the ${LABEL[kind]} ${fullName}`,
      });
      return data;
    } catch (error) {
      if (error instanceof DatabricksError && (error.errorCode === 'ABORTED' || error.errorCode === 'FAILED_PRECONDITION' || error.status === 409)) {
        throw new ToolError(
          `The ${LABEL[kind]} ${fullName} changed after it was read`,
          `the workspace refused the update because its etag no longer matches (${error.message})`,
          'Plan again: the plan then compares against the service as it is now; nothing was overwritten',
          'PLAN_ID_STALE',
        );
      }
      throw error;
    }
  }

  /** One page of a schema's services, as the list call answers them (its default view). */
  async firstPage(kind: ServiceKind, catalog: string, schema: string, pageSize: number, signal?: AbortSignal): Promise<Array<Record<string, unknown>>> {
    const { data } = await this.rest.call<Record<string, unknown>>({ method: 'GET', path: `/api/2.1/unity-catalog/${kind}`, query: { parent: `schemas/${catalog}.${schema}`, page_size: pageSize }, signal, operation: `Listing the ${LABEL[kind]}s of ${catalog}.${schema}` });
    const list = data[kind.replace('-', '_')];
    return Array.isArray(list) ? list.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null) : [];
  }

  /** A UC connection by full name, or undefined when it does not exist. */
  async connection(fullName: string, signal?: AbortSignal): Promise<LiveConnection | undefined> {
    try {
      const { data } = await this.rest.call<LiveConnection>({ method: 'GET', path: `/api/2.1/unity-catalog/connections/${encodeURIComponent(fullName)}`, signal, operation: `Reading the connection ${fullName}` });
      return data;
    } catch (error) {
      if (error instanceof DatabricksError && error.status === 404) return undefined;
      throw error;
    }
  }
}
