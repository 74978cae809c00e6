/**
 * Consumer wiring for a live gateway: the workspace's host and the endpoint's served entities, turned into base
 * URLs and snippets. With no workspace configured the snippets still come, with a placeholder host and a note.
 */
import type { ServingEndpoint } from '../databricks/serving-endpoints.api.js';
import { getWorkspace } from '../databricks/workspace-clients.js';
import { ToolError } from '../shared/tool-error.js';
import { consumerWiring, type ConsumerWiring } from '../governance/consumer.js';
import { isRecord } from '../shared/records.js';
import type { Runtime } from '../runtime/process-runtime.js';
import type { GatewaySummary } from './gateway-target.js';

export interface WiringRequest {
  /** The gateway serving endpoint consumers call. */
  endpoint: string;
  signal?: AbortSignal;
}

export async function wireConsumer(runtime: Runtime, request: WiringRequest): Promise<ConsumerWiring> {
  const { endpoint: endpointName, signal } = request;
  let workspace;
  try {
    workspace = getWorkspace(runtime);
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    return consumerWiring({ endpoint: endpointName, servesClaude: true });
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
  return consumerWiring({ host, endpoint: summary.name, servedEntity: primary?.name, servesClaude: names.some((n) => typeof n === 'string' && /claude/i.test(n)) });
}
