/**
 * The model-service target (Unity AI Gateway): the gateway is a Unity Catalog model service routing to the
 * `system.ai` models behind the audited pay-per-token endpoints, with ordered fallbacks, rate limits and an
 * inference table, plus the MCP services registered beside it. Create is a POST per service; an update is a
 * PATCH of the changed config fields with the etag the plan was made against, so a concurrent change is refused
 * rather than overwritten. Nothing rolls out afterwards: a service answers as soon as it is written.
 */
import { exportModelService } from '../../governance/gateway-export.js';
import { unityGatewayUnavailable, type LiveService } from '../../databricks/ai-gateway-services.api.js';
import type { Workspace } from '../../databricks/workspace-clients.js';
import { ToolError } from '../../shared/tool-error.js';
import type { GatewayRequest } from '../../governance/desired-endpoint.js';
import {
  buildModelServicePlan,
  connectionFullName,
  desiredModelService,
  immutableFindings,
  modelServiceFindings,
  modelServiceLiveDigest,
  modelServiceMatches,
  modelServicePlanDigest,
  type DesiredModelService,
  type LiveModelGateway,
  type ModelServiceFacts,
} from '../../governance/desired-model-service.js';
import type { Plan } from '../../governance/plan-diff.js';
import { evaluateAudit } from '../../governance/role-probe.js';
import { resolveRegisteredModels } from '../registered-model-resolver.js';
import type { StateData } from '../../shared/records.js';
import type { ApplyProgress, GatewaySummary, GatewayTarget, WaitResult } from '../gateway-target.js';

export const modelServiceTarget: GatewayTarget<DesiredModelService, LiveModelGateway, ModelServiceFacts> = {
  kind: 'model_service',
  // Every PATCH carries the etag the plan read: the workspace refuses it once another write landed.
  refusesStaleWrites: true,
  inspect,
  desired: desiredModelService,
  validate: (desired, _state, request, facts) => modelServiceFindings(request, facts, desired),
  liveFindings: immutableFindings,
  readLive,
  diff: buildModelServicePlan,
  planDigest: modelServicePlanDigest,
  liveDigest: modelServiceLiveDigest,
  matchesPlan: modelServiceMatches,
  apply,
  // A service is in place once written: there is no rollout to follow.
  wait: async (workspace, desired, options): Promise<WaitResult<LiveModelGateway>> => ({ outcome: 'ready', live: await readLive(workspace, desired, options.signal) }),
  reread: readLive,
  summarise,
  exportFiles: exportModelService,
};

async function inspect(workspace: Workspace, state: StateData, request: GatewayRequest, signal: AbortSignal): Promise<ModelServiceFacts> {
  if (!(await workspace.services.available(request.catalog, request.schema, signal))) throw unityGatewayUnavailable();
  const roles = evaluateAudit(state, { roles: request.roles }).roles.filter((r) => request.roles.includes(r.role) && r.status === 'pass' && r.endpoint);
  const endpoints = [...roles.map((r) => r.endpoint as string), ...(request.fallback ? roles.flatMap((r) => r.fallback_candidates) : [])];
  const facts: ModelServiceFacts = { host: workspace.config.host, models: await resolveRegisteredModels(workspace, endpoints, signal), connections: {} };
  if ((await workspace.schemas.lookup(request.catalog, request.schema, signal)) === 'missing') facts.schemaMissing = true;
  for (const m of request.mcpServices ?? []) {
    const fullName = connectionFullName(m.connection, request.catalog, request.schema);
    const connection = await workspace.services.connection(fullName, signal);
    facts.connections[fullName] = connection ? (connection.connection_type ?? 'UNKNOWN') : null;
  }
  return facts;
}

async function readLive(workspace: Workspace, desired: DesiredModelService, signal: AbortSignal): Promise<LiveModelGateway> {
  const service = await workspace.services.get('model-services', desired.name, signal);
  const mcp: Record<string, LiveService | undefined> = {};
  for (const m of desired.mcp) mcp[m.id] = await workspace.services.get('mcp-services', m.fullName, signal);
  return { service, mcp };
}

async function apply(workspace: Workspace, desired: DesiredModelService, live: LiveModelGateway | undefined, plan: Plan, options: ApplyProgress): Promise<boolean> {
  const steps = plan.steps.services ?? [];
  for (const [i, step] of steps.entries()) {
    const fraction = 0.1 + (0.6 * i) / Math.max(1, steps.length);
    const mcp = step.kind === 'mcp-services' ? desired.mcp.find((m) => m.fullName === step.fullName) : undefined;
    const id = mcp?.id ?? desired.id;
    const body = mcp ? mcp.body : desired.body;
    if (step.action === 'create') {
      await options.progress(`creating ${step.kind === 'model-services' ? 'model service' : 'MCP service'} ${step.fullName}`, fraction);
      await workspace.services.create(step.kind, desired.catalog, desired.schema, id, body, options.signal);
      continue;
    }
    const current = mcp ? live?.mcp[mcp.id] : live?.service;
    if (!current?.etag) {
      throw new ToolError(`Cannot update ${step.fullName}`, 'the workspace returned it without an etag, so a concurrent change could not be detected', 'Plan again; if it persists, update the service in Catalog Explorer', 'PLAN_ID_STALE');
    }
    await options.progress(`updating ${step.fullName} (${step.updateMask.join(', ')})`, fraction);
    await workspace.services.update(step.kind, step.fullName, body, step.updateMask, current.etag, options.signal);
  }
  return false;
}

function summarise(live: LiveModelGateway, host: string, desired: DesiredModelService): GatewaySummary {
  const service = live.service;
  // A plan to create the service shows the name and URLs it will have.
  const fullName = service?.name.replace(/^model-services\//, '') ?? desired.name;
  const routing = (service?.config?.routing ?? {}) as { destinations?: Array<Record<string, unknown>>; fallback?: { destinations?: Array<Record<string, unknown>> } };
  const entity = (d: Record<string, unknown>, share?: number) => {
    const model = String((d.pay_per_token_config as { model?: string } | undefined)?.model ?? '').replace(/^models\//, '');
    return { ...(typeof d.name === 'string' ? { name: d.name } : {}), ...(model ? { entity_name: model } : {}), ...(share === undefined ? {} : { traffic_percentage: share }) };
  };
  const primaries = routing.destinations ?? [];
  return {
    name: fullName,
    state: {},
    served_entities: [
      ...primaries.map((d) => entity(d, typeof d.traffic_percentage === 'number' ? d.traffic_percentage : primaries.length === 1 ? 100 : undefined)),
      ...(routing.fallback?.destinations ?? []).map((d) => entity(d, 0)),
    ],
    invocation_url: `${host}/ai-gateway/mlflow/v1`,
    client: { openai_base_url: `${host}/ai-gateway/mlflow/v1`, anthropic_base_url: `${host}/ai-gateway/anthropic`, model: fullName },
    mcp_services: Object.values(live.mcp).flatMap((m) => (m ? [{ name: m.name.replace(/^mcp-services\//, ''), url: `${host}/ai-gateway/mcp-services/${m.name.replace(/^mcp-services\//, '')}` }] : [])),
  };
}
