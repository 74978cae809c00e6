/**
 * Validating a gateway config: a create body given inline or as a file, or a live endpoint read from the
 * workspace with its inference-table grants, checked against the API shape and the F4 rules (with the audit of
 * the state file when there is one).
 */
import { DatabricksError } from '../databricks/databricks-errors.js';
import { getWorkspace } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import type { ChecklistEntry } from '../governance/checklist/checklist-items.js';
import { checkLiveGateway, inferenceLocationOf, type LiveGrants } from '../governance/live-gateway-rules.js';
import { bodyKindOf, lintMcpServiceBody, lintModelServiceBody, type BodyKind } from '../governance/service-lint.js';
import { validateCreateBody, type Validation } from '../governance/validate-body.js';
import { isBundleFile, lintBundle } from '../governance/bundle-lint.js';
import type { Runtime } from '../runtime/process-runtime.js';
import type { StateData } from '../shared/records.js';
import { loadConfigFile } from '../files/gateway-body-file.js';
import { loadStateIfPresent, type LoadedState } from '../state/read-state.js';
import { lineOf, pointerLines } from '../files/yaml-source-map.js';
import { liveChecklist } from './live-checklist.js';

interface LiveCompliance extends Validation {
  /** What tool results call the workspace. */
  workspace: string;
  checklist: ChecklistEntry[];
}

export interface ValidationRequest {
  config?: Record<string, unknown>;
  configFile?: string;
  endpoint?: string;
  stateFile?: string;
  /** For the live checklist's usage and payload reads. */
  warehouseId?: string;
  minRequestIdShare: number;
  windowDays: number;
  /** With endpoint: the id of the gateway's SQL alert, when it is not the one create_gateway made. */
  alertId?: string;
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
  /** For a live endpoint: the F4 checklist, item by item in the step's order. */
  checklist?: ChecklistEntry[];
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
    const { workspace, ...validation } = await liveCompliance(runtime, request.endpoint, state?.data, request);
    return { ...validation, source: 'live', endpoint: request.endpoint, workspace, ...stateFile };
  }
  if (request.configFile) return (await validateFile(runtime, request.configFile, request.target, state)).validation;
  return { ...lintBody(request.config, request.target, state?.data), source: 'object', ...stateFile };
}

export interface FileValidationRequest {
  configFile: string;
  stateFile?: string;
  target?: BodyKind;
}

export interface FileValidation {
  validation: ConfigValidation;
  /** Per finding, in the same order, the line of the config file its JSON pointer points at (for SARIF). */
  lines: number[];
}

/** The `validate` command's use case: the same validation as validate_config's config_file, with the lines. */
export async function validateConfigFile(runtime: Runtime, request: FileValidationRequest): Promise<FileValidation> {
  return validateFile(runtime, request.configFile, request.target, await loadStateIfPresent(runtime, request.stateFile));
}

async function validateFile(runtime: Runtime, configFile: string, target: BodyKind | undefined, state: LoadedState | undefined): Promise<FileValidation> {
  const loaded = await loadConfigFile(runtime, configFile);
  const validation: ConfigValidation = { ...lintBody(loaded.body, target, state?.data), source: 'file', config_file: loaded.path, ...(state ? { state_file: state.path } : {}) };
  const pointers = pointerLines(loaded.text);
  return { validation, lines: validation.findings.map((finding) => lineOf(pointers, finding.path)) };
}

/**
 * A serving-endpoint create body, a model-service or an MCP-service body (the target's, else the shape's), or a
 * bundle file whose serving endpoints are each linted as create bodies.
 */
function lintBody(body: unknown, target: BodyKind | undefined, state: StateData | undefined): Validation {
  if (target === undefined && isBundleFile(body)) return lintBundle(body, (endpoint) => validateCreateBody(endpoint, { state }));
  const kind = target ?? bodyKindOf(body);
  if (kind === 'model_service') return lintModelServiceBody(body, { state });
  if (kind === 'mcp_service') return lintMcpServiceBody(body);
  return validateCreateBody(body, { state });
}


async function liveCompliance(runtime: Runtime, endpointName: string, state: StateData | undefined, options: ValidationRequest): Promise<LiveCompliance> {
  const workspace = getWorkspace(runtime);
  const endpoint = await workspace.servingEndpoints.get(endpointName, options.signal);
  if (!endpoint) {
    throw new ToolError(`Serving endpoint ${endpointName} does not exist in ${workspace.label}`, 'GET /api/2.0/serving-endpoints/{name} answered 404', 'Check the name (endpoint names are case-sensitive), or validate a create body with config instead', 'ENDPOINT_NOT_FOUND');
  }
  const location = inferenceLocationOf(endpoint);
  let grants: LiveGrants | undefined;
  let grantsProblem: string | undefined;
  if (location) {
    const read = async (type: 'catalog' | 'schema', name: string) => {
      const assignments = await workspace.grants.get(type, name, options.signal);
      return Object.fromEntries(assignments.map((a) => [a.principal, a.privileges]));
    };
    try {
      grants = { catalog: await read('catalog', location.catalog), schema: await read('schema', `${location.catalog}.${location.schema}`) };
    } catch (error) {
      // A caller who may not read the grants still gets every other check; the checklist says what it could not see.
      if (!(error instanceof DatabricksError && error.status === 403)) throw error;
      grantsProblem = `${error.what}: ${error.why}`;
    }
  }
  const validation = checkLiveGateway(endpoint, { state, grants });
  const checklist = await liveChecklist(runtime, {
    endpoint,
    findings: validation.findings,
    state,
    grantsProblem,
    warehouseId: options.warehouseId,
    minRequestIdShare: options.minRequestIdShare,
    windowDays: options.windowDays,
    ...(options.alertId ? { alertId: options.alertId } : {}),
    signal: options.signal,
  });
  return { ...validation, workspace: workspace.label, checklist };
}
