/** Reads a live gateway and its inference-table grants, then checks them (validate_config with an endpoint). */
import { getWorkspace } from '../databricks/workspace.js';
import { ToolError } from '../errors.js';
import { checkLiveGateway, inferenceLocationOf, type LiveGrants } from '../governance/live-compliance.js';
import type { Validation } from '../governance/validate.js';
import type { Runtime } from '../runtime.js';
import type { StateData } from '../state/read.js';

export interface LiveCompliance extends Validation {
  /** What tool results call the workspace. */
  workspace: string;
}

export async function liveCompliance(
  runtime: Runtime,
  endpointName: string,
  state?: StateData,
  options: { opsGroup?: string; signal?: AbortSignal } = {},
): Promise<LiveCompliance> {
  const workspace = getWorkspace(runtime);
  const endpoint = await workspace.servingEndpoints.get(endpointName, options.signal);
  if (!endpoint) {
    throw new ToolError(`Serving endpoint ${endpointName} does not exist in ${workspace.label}`, 'GET /api/2.0/serving-endpoints/{name} answered 404', 'Check the name (endpoint names are case-sensitive), or validate a create body with config instead', 'ENDPOINT_NOT_FOUND');
  }
  const location = inferenceLocationOf(endpoint);
  let grants: LiveGrants | undefined;
  if (location) {
    const read = async (type: 'catalog' | 'schema', name: string) => {
      const assignments = await workspace.grants.get(type, name, options.signal);
      return Object.fromEntries(assignments.map((a) => [a.principal, a.privileges]));
    };
    grants = { catalog: await read('catalog', location.catalog), schema: await read('schema', `${location.catalog}.${location.schema}`) };
  }
  return { ...checkLiveGateway(endpoint, { state, grants, opsGroup: options.opsGroup }), workspace: workspace.label };
}
