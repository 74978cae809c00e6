/**
 * Validating a gateway config: a create body given inline or as a file, or a live endpoint read from the
 * workspace with its inference-table grants, checked against the API shape and the F4 rules (with the audit of
 * the state file when there is one).
 */
import { getWorkspace } from '../databricks/workspace.js';
import { ToolError } from '../errors.js';
import { checkLiveGateway, inferenceLocationOf, type LiveGrants } from '../governance/live-gateway-rules.js';
import { bodyKindOf, lintMcpServiceBody, lintModelServiceBody, type BodyKind } from '../governance/service-lint.js';
import { validateCreateBody, type Validation } from '../governance/validate.js';
import type { Runtime } from '../runtime.js';
import type { StateData } from '../shared/records.js';
import { loadConfigFile } from '../config/load.js';
import { loadStateIfPresent } from '../state/read.js';

interface LiveCompliance extends Validation {
  /** What tool results call the workspace. */
  workspace: string;
}

export interface ValidationRequest {
  config?: Record<string, unknown>;
  configFile?: string;
  endpoint?: string;
  stateFile?: string;
  /** Which API the body is for; default: read from its shape. */
  target?: BodyKind;
  signal: AbortSignal;
}

export interface ConfigValidation extends Validation {
  source: 'object' | 'file' | 'live';
  config_file?: string;
  endpoint?: string;
  state_file?: string;
  workspace?: string;
}

export async function validateConfig(runtime: Runtime, request: ValidationRequest): Promise<ConfigValidation> {
  const sources = [request.config, request.configFile, request.endpoint].filter((v) => v !== undefined).length;
  if (sources !== 1) {
    throw new ToolError(
      'Nothing to validate',
      sources === 0 ? 'none of config, config_file or endpoint was given' : 'more than one of config, config_file and endpoint was given',
      'Pass exactly one: config (the create body), config_file (its path) or endpoint (a live endpoint name)',
      'INVALID_ARGUMENTS',
    );
  }
  const state = await loadStateIfPresent(runtime, request.stateFile);
  const stateFile = state ? { state_file: state.path } : {};
  if (request.endpoint) {
    const { workspace, ...validation } = await liveCompliance(runtime, request.endpoint, state?.data, { signal: request.signal });
    return { ...validation, source: 'live', endpoint: request.endpoint, workspace, ...stateFile };
  }
  if (request.configFile) {
    const loaded = await loadConfigFile(runtime, request.configFile);
    return { ...lintBody(loaded.body, request.target, state?.data), source: 'file', config_file: loaded.path, ...stateFile };
  }
  return { ...lintBody(request.config, request.target, state?.data), source: 'object', ...stateFile };
}

/** A serving-endpoint create body, a model-service or an MCP-service body: the target's, else the shape's. */
function lintBody(body: unknown, target: BodyKind | undefined, state: StateData | undefined): Validation {
  const kind = target ?? bodyKindOf(body);
  if (kind === 'model_service') return lintModelServiceBody(body, { state });
  if (kind === 'mcp_service') return lintMcpServiceBody(body);
  return validateCreateBody(body, { state });
}


async function liveCompliance(
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
