/**
 * Consumer wiring for a live gateway: the workspace's host and the gateway's served entities, turned into base
 * URLs and snippets. A serving endpoint is named by its name; a model service by its full
 * `<catalog>.<schema>.<name>` and called at the Unity AI Gateway's own URLs. With no workspace configured the
 * snippets still come, with a placeholder host and a note.
 */
import type { ServingEndpoint } from '../databricks/serving-endpoints.api.js';
import { getWorkspace } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import { consumerWiring, type ConsumerWiring } from '../governance/consumer.js';
import { isRecord } from '../shared/records.js';
import type { Runtime } from '../runtime/process-runtime.js';
import type { GatewaySummary } from './gateway-target.js';

export interface WiringRequest {
  /** The gateway consumers call: a serving endpoint's name, or a model service's full `<catalog>.<schema>.<name>`. */
  endpoint: string;
  signal?: AbortSignal;
}

/** A model service's full name: three dot-separated parts (endpoint names hold no dot). */
const isModelServiceName = (name: string) => name.split('.').length === 3;

export async function wireConsumer(runtime: Runtime, request: WiringRequest): Promise<ConsumerWiring> {
  const { endpoint: endpointName, signal } = request;
  const target = isModelServiceName(endpointName) ? 'model_service' : 'serving_endpoint';
  let workspace;
  try {
    workspace = getWorkspace(runtime);
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    return consumerWiring({ endpoint: endpointName, target, servesClaude: true });
  }
  if (target === 'model_service') {
    const service = await workspace.services.get('model-services', endpointName, signal);
    if (!service) {
      throw new ToolError(`Model service ${endpointName} does not exist in ${workspace.label}`, 'GET /api/2.1/unity-catalog/model-services/{full_name} found no such service', 'Check the full name <catalog>.<schema>.<name>; create the gateway first with create_gateway', 'ENDPOINT_NOT_FOUND');
    }
    const models = JSON.stringify(service.config ?? {});
    return consumerWiring({ host: workspace.config.host, endpoint: endpointName, target, servesClaude: /claude/i.test(models) });
  }
  const endpoint = await workspace.servingEndpoints.get(endpointName, signal);
  if (!endpoint) {
    throw new ToolError(`Serving endpoint ${endpointName} does not exist in ${workspace.label}`, 'GET /api/2.0/serving-endpoints/{name} answered 404', 'Check the name (endpoint names are case-sensitive); create the gateway first with create_gateway', 'ENDPOINT_NOT_FOUND');
  }
  return wiringOf(endpoint, workspace.config.host);
}

/** The wiring of an endpoint as the workspace returned it. */
export function wiringOf(endpoint: ServingEndpoint, host: string): ConsumerWiring {
  const config = endpoint.config ?? endpoint.pending_config;
  const entities = config?.served_entities ?? [];
  const routes = config?.traffic_config?.routes ?? [];
  const share = (name: string | undefined) => routes.find((r) => (r.served_entity_name ?? r.served_model_name) === name)?.traffic_percentage;
  const primary = entities.find((e) => (share(e.name) ?? 100) > 0) ?? entities[0];
  const served = (e: (typeof entities)[number]) =>
    [e.entity_name, isRecord(e.external_model) ? e.external_model.name : undefined, isRecord(e.foundation_model) ? e.foundation_model.name : undefined, endpoint.name];
  const servesClaude = entities.length === 0 || entities.some((e) => served(e).some((n) => typeof n === 'string' && /claude/i.test(n)));
  return consumerWiring({ host, endpoint: endpoint.name, servedEntity: primary?.name, servesClaude });
}

/** The wiring of a gateway as provisioning summarises it (any target). */
export function wiringOfSummary(summary: GatewaySummary, host: string): ConsumerWiring {
  const primary = summary.served_entities.find((e) => (e.traffic_percentage ?? 100) > 0) ?? summary.served_entities[0];
  const names = [summary.name, ...summary.served_entities.flatMap((e) => [e.entity_name, e.external_model])];
  const servesClaude = names.some((n) => typeof n === 'string' && /claude/i.test(n));
  // A model service names itself as the model clients pass, and is called at its own URLs.
  if (summary.client) return consumerWiring({ host, endpoint: summary.client.model, target: 'model_service', servedEntity: primary?.name, servesClaude });
  return consumerWiring({ host, endpoint: summary.name, servedEntity: primary?.name, servesClaude });
}
