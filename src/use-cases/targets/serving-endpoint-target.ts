/**
 * The serving-endpoint target ("AI Gateway (legacy)"): the gateway is a serving endpoint whose `ai_gateway`
 * block carries usage tracking, inference tables, rate limits, guardrails and fallbacks. Create is a POST of
 * the whole body; an update PUTs the whole `ai_gateway` block and, only when the served entities change, the
 * config (a long-running rollout that `wait` follows).
 */
import { exportServingEndpoint } from '../../governance/gateway-export.js';
import type { ServingEndpoint } from '../../databricks/serving-endpoints.api.js';
import type { Workspace } from '../../databricks/workspace-clients.js';
import { ToolError } from '../../shared/tool-error.js';
import { desiredGateway, formFindings, type DesiredGateway, type GatewayFacts, type GatewayRequest, type ProvisionedModel } from '../../governance/desired-endpoint.js';
import { isResolved, resolveRegisteredModels } from '../registered-model-resolver.js';
import { evaluateAudit } from '../../governance/role-probe.js';
import type { Finding } from '../../governance/rules/rule-types.js';
import type { StateData } from '../../shared/records.js';
import { buildPlan, endpointChanges, liveDigest, planDigest, type Plan } from '../../governance/plan-diff.js';
import { validateCreateBody } from '../../governance/validate-body.js';
import type { ApplyProgress, GatewayTarget, GatewaySummary, WaitResult } from '../gateway-target.js';

export const servingEndpointTarget: GatewayTarget<DesiredGateway, ServingEndpoint, GatewayFacts> = {
  kind: 'serving_endpoint',
  // PUT …/ai-gateway and PUT …/config carry no version: the last writer wins.
  refusesStaleWrites: false,
  inspect,
  desired: desiredGateway,
  validate,
  readLive: (workspace, desired, signal) => workspace.servingEndpoints.get(desired.name, signal),
  diff: buildPlan,
  planDigest,
  liveDigest,
  matchesPlan(desired, endpoint) {
    const { configChanges, gatewayChanges } = endpointChanges(desired, endpoint);
    return configChanges.length === 0 && gatewayChanges.length === 0;
  },
  apply,
  wait,
  reread: (workspace, desired, signal) => workspace.servingEndpoints.get(desired.name, signal),
  summarise,
  exportFiles: exportServingEndpoint,
};

/** The audited endpoints the gateway would serve, and what the form needs of the workspace, as it answers now. */
async function inspect(workspace: Workspace, state: StateData, request: GatewayRequest, signal: AbortSignal): Promise<GatewayFacts> {
  const roles = evaluateAudit(state, { roles: request.roles }).roles.filter((r) => request.roles.includes(r.role) && r.status === 'pass' && r.endpoint);
  const bound = [...new Set(roles.map((r) => r.endpoint as string))];
  const names = [...new Set([...bound, ...(request.fallback ? roles.flatMap((r) => r.fallback_candidates) : [])])];
  const endpoints: GatewayFacts['endpoints'] = {};
  for (const name of names) {
    const endpoint = await workspace.servingEndpoints.get(name, signal);
    endpoints[name] = endpoint ? (typeof endpoint.task === 'string' ? { task: endpoint.task } : {}) : null;
  }
  const facts: GatewayFacts = { host: workspace.config.host, endpoints };
  if ((await workspace.schemas.lookup(request.catalog, request.schema, signal)) === 'missing') facts.schemaMissing = true;
  if (request.form === 'dedicated' && request.tokenSecret) {
    const { scope, key } = request.tokenSecret;
    const keys = await workspace.secrets.keys(scope, signal);
    if (!keys) facts.secretProblem = `the secret scope ${scope} does not exist in this workspace`;
    else if (!keys.includes(key)) facts.secretProblem = `the secret scope ${scope} has no key ${key}`;
  }
  if (request.form === 'provisioned') facts.provisioned = await provisionedModels(workspace, bound, signal);
  return facts;
}

/**
 * The registered model behind each endpoint, as the workspace names it (never by the name alone), at the newest
 * version get-model-optimization-info says Provisioned Throughput can serve, with the sizing its reply names.
 */
async function provisionedModels(workspace: Workspace, endpoints: string[], signal: AbortSignal): Promise<Record<string, ProvisionedModel | { problem: string }>> {
  const resolutions = await resolveRegisteredModels(workspace, endpoints, signal);
  const models: Record<string, ProvisionedModel | { problem: string }> = {};
  for (const endpoint of endpoints) {
    const resolution = resolutions[endpoint];
    if (!isResolved(resolution)) {
      models[endpoint] = { problem: resolution ? `${resolution.problem}. ${resolution.settle}` : `no registered model was resolved for ${endpoint}` };
      continue;
    }
    const model = resolution.model;
    let found: ProvisionedModel | { problem: string } | undefined;
    for (const version of await workspace.models.versions(model, signal)) {
      const info = await workspace.models.optimizationInfo(model, version, signal);
      if (!info?.optimizable) continue;
      const call = `GET /api/2.0/serving-endpoints/get-model-optimization-info/${model}/${version}`;
      if (info.model_unit_chunk_size) found = { model, version, sizing: { kind: 'model-units', chunkSize: info.model_unit_chunk_size } };
      else if (info.throughput_chunk_size) found = { model, version, sizing: { kind: 'throughput-band', chunkSize: info.throughput_chunk_size } };
      else found = { problem: `${call} answers optimizable but names neither model_unit_chunk_size nor throughput_chunk_size, so the amount to provision cannot be sized` };
      break;
    }
    models[endpoint] = found ?? { problem: `${model} is not eligible for Provisioned Throughput at any version the workspace lists (get-model-optimization-info answers optimizable: false)` };
  }
  return models;
}

/** Form findings first: while the form cannot be met, the body built from it would only repeat the problem. */
function validate(desired: DesiredGateway, state: StateData, request: GatewayRequest, facts: GatewayFacts): Finding[] {
  const form = formFindings(request, facts, desired);
  if (form.length > 0) return form;
  // The audit names endpoints; a provisioned body names the registered models the workspace resolved for them.
  const registeredModels = Object.fromEntries(Object.entries(facts.provisioned ?? {}).flatMap(([endpoint, m]) => ('model' in m ? [[m.model.toLowerCase(), endpoint]] : [])));
  if (desired.body.config) return validateCreateBody(desired.body, { state, registeredModels }).findings;
  // attach: only the ai_gateway block is sent; the endpoint's own served entities are not ours to check.
  const gatewayOnly = { name: desired.name, config: { served_entities: [] }, ai_gateway: desired.body.ai_gateway };
  return validateCreateBody(gatewayOnly, { state }).findings.filter((f) => !f.path.startsWith('/config'));
}

async function apply(workspace: Workspace, desired: DesiredGateway, endpoint: ServingEndpoint | undefined, plan: Plan, options: ApplyProgress): Promise<boolean> {
  const name = desired.name;
  const api = workspace.servingEndpoints;
  if (endpoint?.state?.config_update === 'IN_PROGRESS' && (plan.steps.putAiGateway || plan.steps.putConfig)) {
    throw new ToolError(
      `Cannot change ${name} now`,
      'a config update is IN_PROGRESS on it, and the workspace accepts no other change until it finishes',
      'Wait until its config_update is NOT_UPDATING (planning again shows it), then plan and apply again',
      'CONFIG_UPDATE_IN_PROGRESS',
    );
  }
  if (plan.action === 'create') {
    await options.progress(`creating serving endpoint ${name}`, 0.1);
    if (!desired.body.config) throw new ToolError(`The endpoint ${name} does not exist`, 'the attach form configures an existing endpoint and cannot create one', 'Plan again: the plan reads the endpoint anew', 'ENDPOINT_NOT_FOUND');
    const created = await api.create({ ...desired.body, config: desired.body.config }, options.signal, desired.provisionedInModelUnits ? 'provisioned-throughput' : 'standard');
    if (created.foundAfterUncertainAnswer && !servingEndpointTarget.matchesPlan(desired, created.endpoint)) {
      // The answer was lost and an endpoint of this name exists: made by another process or person, not by this plan.
      throw new ToolError(
        `The serving endpoint ${name} exists but is not the one this plan creates`,
        'the create call got no clear answer, and the endpoint found afterwards has other served entities or another ai_gateway block (another process or person made it)',
        'Plan again: the plan then compares against this endpoint and shows what would change',
        'PLAN_ID_STALE',
      );
    }
    return true;
  }
  if (plan.steps.putAiGateway) {
    if (plan.steps.moveInferenceTable) {
      await options.progress(`disabling inference tables on ${name} before moving them`, 0.1);
      await api.putAiGateway(name, { ...endpoint?.ai_gateway, inference_table_config: { enabled: false } }, options.signal);
    }
    await options.progress(`replacing the ai_gateway block of ${name}`, 0.15);
    await api.putAiGateway(name, desired.body.ai_gateway, options.signal);
  }
  if (!plan.steps.putConfig || !desired.body.config) return false;
  await options.progress(`updating the served entities of ${name}`, 0.2);
  const kind = desired.provisionedInModelUnits ? 'provisioned-throughput' : 'standard';
  await api.putConfig(name, desired.body.config, (current) => endpointChanges(desired, current).configChanges.length === 0, options.signal, kind);
  return true;
}

async function wait(workspace: Workspace, desired: DesiredGateway, options: ApplyProgress): Promise<WaitResult<ServingEndpoint>> {
  const name = desired.name;
  const waited = await workspace.servingEndpoints.waitNotUpdating(name, {
    signal: options.signal,
    budgetMs: options.waitBudgetMs,
    onPoll: async (_endpoint, elapsed) =>
      options.progress(`config_update IN_PROGRESS on ${name} (${Math.round(elapsed / 1000)} s)`, 0.2 + 0.6 * Math.min(1, elapsed / options.waitBudgetMs)),
  });
  if (waited.outcome === 'failed' || waited.outcome === 'canceled') {
    throw new ToolError(
      `The config update of ${name} ended ${waited.outcome === 'failed' ? 'UPDATE_FAILED' : 'UPDATE_CANCELED'}`,
      'the workspace could not roll out the served entities; the ai_gateway settings are in place but the endpoint serves its previous config (if any)',
      `Check the endpoint's events in the Serving UI or GET /api/2.0/serving-endpoints/${name}, fix the cause, then plan and apply again`,
      'CONFIG_UPDATE_FAILED',
    );
  }
  const outcome = waited.outcome === 'not-updating' ? 'ready' : waited.outcome === 'aborted' ? 'aborted' : 'still-updating';
  return { outcome, live: waited.endpoint };
}

function summarise(endpoint: ServingEndpoint, host: string): GatewaySummary {
  const config = endpoint.config ?? endpoint.pending_config;
  const routes = config?.traffic_config?.routes ?? [];
  return {
    name: endpoint.name,
    state: { ...(endpoint.state?.ready ? { ready: endpoint.state.ready } : {}), ...(endpoint.state?.config_update ? { config_update: endpoint.state.config_update } : {}) },
    served_entities: (config?.served_entities ?? []).map((entity) => {
      const share = routes.find((route) => (route.served_entity_name ?? route.served_model_name) === entity.name)?.traffic_percentage;
      const wrapped = entity.external_model?.name;
      return {
        ...(entity.name ? { name: entity.name } : {}),
        ...(entity.entity_name ? { entity_name: entity.entity_name } : {}),
        ...(typeof wrapped === 'string' ? { external_model: wrapped } : {}),
        ...(share === undefined ? {} : { traffic_percentage: share }),
      };
    }),
    invocation_url: `${host}/serving-endpoints/${endpoint.name}/invocations`,
  };
}
