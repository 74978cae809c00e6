/**
 * The Unity Catalog registered model behind a pay-per-token endpoint, as the workspace names it. Names are
 * irregular (`databricks-claude-sonnet-4-6` → `system.ai.databricks-claude-sonnet-4-6`,
 * `databricks-meta-llama-3-3-70b-instruct` → `system.ai.llama_v3_3_70b_instruct`), so none is derived by a string
 * edit (reference §2, corrected 2026-12-06). Two workspace answers name it:
 * 1. the endpoint's own `served_entities[].foundation_model.name` (`GET /api/2.0/serving-endpoints/{name}`);
 * 2. the built-in `system.ai` model service's destination (`GET /api/2.1/unity-catalog/model-services/system.ai.<svc>`
 *    → `config.routing.destinations[].pay_per_token_config.model`). The service is looked up under the name
 *    agents call (the endpoint's without `databricks-`); only its reply is taken as the answer.
 * Either answer is then confirmed by listing `system.ai` (`GET /api/2.1/unity-catalog/models`). Where nothing
 * answers, the resolution says why and which call would settle it, and the caller blocks.
 */
import type { Workspace } from '../databricks/workspace-clients.js';
import type { ModelResolution } from '../governance/model-names.js';
import { ToolError } from '../shared/tool-error.js';

export type { ModelResolution };
export type ResolvedModel = Extract<ModelResolution, { model: string }>;

export function isResolved(resolution: ModelResolution | undefined): resolution is ResolvedModel {
  return resolution !== undefined && 'model' in resolution;
}

type ResolverWorkspace = Pick<Workspace, 'servingEndpoints' | 'services' | 'models'>;

const LIST_SYSTEM_AI = 'GET /api/2.1/unity-catalog/models?catalog_name=system&schema_name=ai';
const THREE_PART = /^[^.\s]+\.[^.\s]+\.[^.\s]+$/;

/** Resolves each endpoint once; the `system.ai` listing is read once for all of them. */
export async function resolveRegisteredModels(workspace: ResolverWorkspace, endpoints: readonly string[], signal: AbortSignal): Promise<Record<string, ModelResolution>> {
  const resolutions: Record<string, ModelResolution> = {};
  if (endpoints.length === 0) return resolutions;
  const listed = await workspace.models.list('system', 'ai', signal);
  const known = new Set((listed ?? []).map((m) => m.toLowerCase()));
  for (const endpoint of new Set(endpoints)) {
    const named = (await fromEndpoint(workspace, endpoint, signal)) ?? (await fromSystemService(workspace, endpoint, signal));
    if (!named) {
      resolutions[endpoint] = {
        endpoint,
        problem: `no registered model could be found for ${endpoint}: GET /api/2.0/serving-endpoints/${endpoint} names no served_entities[].foundation_model.name, and no built-in model service system.ai.${serviceId(endpoint)} routes to one`,
        settle: `Check that ${endpoint} is a pay-per-token endpoint of this workspace (GET /api/2.0/serving-endpoints/${endpoint}), or find its model in Catalog Explorer (system.ai) and bind the role to that model's endpoint`,
      };
    } else if (listed === undefined || !known.has(named.model.toLowerCase())) {
      resolutions[endpoint] = {
        endpoint,
        problem: `${named.source} names ${named.model}, but the workspace does not list ${named.model} in system.ai${listed === undefined ? ' (the schema system.ai was not found)' : ''}, so ${endpoint} has no registered model to route to`,
        settle: `Check ${LIST_SYSTEM_AI} (USE CATALOG on system, USE SCHEMA on system.ai) and the model in Catalog Explorer, or use target "serving_endpoint"`,
      };
    } else {
      resolutions[endpoint] = { endpoint, ...named };
    }
  }
  return resolutions;
}

async function fromEndpoint(workspace: ResolverWorkspace, endpoint: string, signal: AbortSignal): Promise<{ model: string; source: string } | undefined> {
  const live = await workspace.servingEndpoints.get(endpoint, signal);
  const entities = live?.config?.served_entities ?? live?.pending_config?.served_entities ?? [];
  for (const entity of entities) {
    const name = (entity.foundation_model as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && THREE_PART.test(name)) return { model: name, source: `GET /api/2.0/serving-endpoints/${endpoint} (served_entities[].foundation_model.name)` };
  }
  // An endpoint serving a system.ai model itself (Provisioned Throughput) names it as its entity_name.
  for (const entity of entities) {
    if (typeof entity.entity_name === 'string' && entity.entity_name.startsWith('system.ai.') && THREE_PART.test(entity.entity_name)) {
      return { model: entity.entity_name, source: `GET /api/2.0/serving-endpoints/${endpoint} (served_entities[].entity_name)` };
    }
  }
  return undefined;
}

async function fromSystemService(workspace: ResolverWorkspace, endpoint: string, signal: AbortSignal): Promise<{ model: string; source: string } | undefined> {
  const id = serviceId(endpoint);
  if (!id) return undefined;
  let service;
  try {
    service = await workspace.services.get('model-services', `system.ai.${id}`, signal);
  } catch (error) {
    // Without Unity AI Gateway the endpoint's own answer is the only one.
    if (error instanceof ToolError && error.code === 'UNITY_GATEWAY_UNAVAILABLE') return undefined;
    throw error;
  }
  const routing = (service?.config?.routing ?? {}) as { destinations?: Array<{ pay_per_token_config?: { model?: unknown } }> };
  for (const destination of routing.destinations ?? []) {
    const model = destination.pay_per_token_config?.model;
    if (typeof model === 'string' && THREE_PART.test(model.replace(/^models\//, ''))) {
      return { model: model.replace(/^models\//, ''), source: `GET /api/2.1/unity-catalog/model-services/system.ai.${id} (config.routing.destinations[].pay_per_token_config.model)` };
    }
  }
  return undefined;
}

/** The name agents call a built-in service by: a lookup key only, never taken as the model's name. */
function serviceId(endpoint: string): string {
  return endpoint.startsWith('databricks-') ? endpoint.slice('databricks-'.length) : '';
}
