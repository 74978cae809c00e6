/**
 * The serving-endpoint target ("AI Gateway (legacy)"): the gateway is a serving endpoint whose `ai_gateway`
 * block carries usage tracking, inference tables, rate limits, guardrails and fallbacks. Create is a POST of
 * the whole body; an update PUTs the whole `ai_gateway` block and, only when the served entities change, the
 * config (a long-running rollout that `wait` follows).
 */
import type { ServingEndpoint } from '../../databricks/serving-endpoints.js';
import type { Workspace } from '../../databricks/workspace.js';
import { ToolError } from '../../errors.js';
import { desiredGateway, type DesiredGateway } from '../../governance/desired.js';
import { buildPlan, endpointChanges, liveDigest, planDigest, type Plan } from '../../governance/plan.js';
import { validateCreateBody } from '../../governance/validate.js';
import type { ApplyProgress, GatewayTarget, GatewaySummary, WaitResult } from '../gateway-target.js';

export const servingEndpointTarget: GatewayTarget<DesiredGateway, ServingEndpoint> = {
  kind: 'serving_endpoint',
  desired: desiredGateway,
  validate: (desired, state) => validateCreateBody(desired.body, { state }).findings,
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
};

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
    const created = await api.create(desired.body, options.signal);
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
  if (!plan.steps.putConfig) return false;
  await options.progress(`updating the served entities of ${name}`, 0.2);
  await api.putConfig(name, desired.body.config, (current) => endpointChanges(desired, current).configChanges.length === 0, options.signal);
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
      return {
        ...(entity.name ? { name: entity.name } : {}),
        ...(entity.entity_name ? { entity_name: entity.entity_name } : {}),
        ...(share === undefined ? {} : { traffic_percentage: share }),
      };
    }),
    invocation_url: `${host}/serving-endpoints/${endpoint.name}/invocations`,
  };
}
