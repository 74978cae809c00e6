/** create_gateway: plan, confirm, apply, grant and record an AI Gateway endpoint (the F4 step). */
import { isInputRequiredResult, type InputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ToolError } from '../shared/tool-error.js';
import { DEFAULT_GUARDRAILS, DEFAULT_RATE_LIMITS } from '../governance/desired-endpoint.js';
import { DEFAULT_ALERT } from '../governance/error-alert.js';
import { MAX_PREFIX_LENGTH } from '../governance/rules/f4.rules.js';
import { applyGateway, exportGateway, planGateway, type ApplyOutcome, type ExportOutcome, type PlanOutcome, type ProvisionRequest } from '../use-cases/gateway-provisioning.js';
import { defineTool, type FormAnswer, type ToolCall } from './define-tool.js';
import { escapeStrings, table } from './text-format.js';
import { askOperator, operatorAnswerText } from './operator-prompt.js';
import { rolesInput, stateFileInput } from './read-audit.tool.js';
import { operatorPromptSchema, operatorResponseSchema } from './shared-output-schemas.js';
import { findingSchema } from './validate-config.tool.js';

const ucName = z.string().min(1).max(255).regex(/^[A-Za-z0-9_-]+$/, 'a Unity Catalog name here is letters, digits, "_" or "-"');

const rateLimitInput = z.object({
  key: z
    .enum(['endpoint', 'user', 'user_group', 'service_principal', 'request_tag'])
    .describe('endpoint: one bucket for the gateway; user: per caller; user_group / service_principal need principal; request_tag (model_service only) needs request_tag_key'),
  renewal_period: z.literal('minute').default('minute'),
  calls: z.number().int().min(0).optional().describe('Calls per minute'),
  tokens: z.number().int().min(0).optional().describe('Tokens per minute'),
  principal: z.string().min(1).max(255).optional().describe('Group name or service principal application id (user_group / service_principal keys)'),
  request_tag_key: z.string().min(1).max(128).optional().describe('model_service, key request_tag: the Databricks-Ai-Gateway-Request-Tags key the limit counts by, e.g. "project"'),
  request_tag_value: z.string().min(1).max(256).optional().describe('model_service, key request_tag: only this tag value (default: each value its own bucket)'),
});

const guardrailSide = z.object({
  pii: z.object({ behavior: z.enum(['NONE', 'BLOCK', 'MASK']) }).optional(),
  safety: z.boolean().optional(),
});

const input = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'an endpoint name is 1-63 letters, digits, "-" or "_"')
    .optional()
    .describe('Name of the gateway endpoint to create or update (forms dedicated and provisioned). Form attach configures the audited endpoint itself and needs no name'),
  target: z
    .enum(['serving_endpoint', 'model_service'])
    .optional()
    .describe('serving_endpoint: a serving endpoint with an ai_gateway block (AI Gateway legacy; the forms below). model_service: a Unity AI Gateway model service in <catalog>.<schema> routing to the system.ai models behind the audited endpoints (fallbacks, per-user limits, MCP services). Default: the target the state file records; on a first run model_service when the workspace answers its API (the plan says which), serving_endpoint when form or token_secret is given'),
  mcp_services: z
    .array(
      z.object({
        name: ucName.describe('MCP service name; it is registered as <catalog>.<schema>.<name>'),
        connection: z.string().min(1).max(767).regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,2}$/, 'a connection is "name" (in the gateway schema) or "catalog.schema.name"').describe('The existing UC HTTP connection to the MCP server'),
        include_tools: z.array(z.string().min(1).max(256)).max(100).optional().describe('Tool names or prefix patterns ending in * to expose (default: all tools)'),
        requests_per_minute: z.number().int().min(1).optional().describe('Rate limit for the whole service'),
      }),
    )
    .max(20)
    .optional()
    .describe('model_service: MCP servers to govern through the gateway, each over an existing UC HTTP connection; the result gives each URL'),
  form: z
    .enum(['dedicated', 'attach', 'provisioned'])
    .optional()
    .describe('dedicated (default on a first run): a new endpoint of external models wrapping the audited pay-per-token endpoints, fallbacks possible, needs token_secret. attach: the gateway settings on the audited endpoint itself (shared by the whole workspace, no fallbacks). provisioned: Provisioned Throughput of the system.ai model behind the endpoint, when the workspace lists it as eligible. Default: the form the state file records, else dedicated'),
  token_secret: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}\/[A-Za-z0-9_.-]{1,128}$/, 'a secret is named "scope/key"')
    .optional()
    .describe('dedicated: the Databricks secret "scope/key" holding the token the gateway calls the wrapped endpoints with (referenced as {{secrets/scope/key}}; never pass the token itself)'),
  provisioned_units: z.number().int().min(1).max(10_000).default(1).describe('provisioned: how many chunks, each the size the workspace reports (model units or tokens per second)'),
  roles: rolesInput.describe('Roles whose bound, passing endpoints the gateway serves. Default ["agent_chat"]'),
  fallback: z.boolean().default(false).describe("Also serve each role's next passing candidate at 0 % traffic, with fallback_config enabled"),
  catalog: ucName.optional().describe('Catalog of the inference (payload) table. Default: uc_catalog_schema in the state file'),
  schema: ucName.optional().describe('Team-owned schema of the inference table (not "default"). Default: uc_catalog_schema in the state file'),
  table_name_prefix: z
    .string()
    .min(1)
    .max(MAX_PREFIX_LENGTH)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table-name prefix is letters, digits and "_", not starting with a digit')
    .default('gw')
    .describe('Inference-table prefix without a trailing "_" (the payload table is <catalog>.<schema>.<prefix>_payload)'),
  rate_limits: z.array(rateLimitInput).min(0).max(20).default(DEFAULT_RATE_LIMITS).describe('Default: endpoint 120 calls/min and user 20 calls/min'),
  guardrails: z.object({ input: guardrailSide.optional(), output: guardrailSide.optional() }).default(DEFAULT_GUARDRAILS).describe('Default: PII BLOCK and safety on, input and output'),
  grants: z
    .object({
      agent_service_principal: z.string().min(1).max(255).optional().describe('Application id of the agent service principal: USE_CATALOG, USE_SCHEMA, SELECT, MODIFY'),
      ops_group: z.string().min(1).max(255).optional().describe('Ops group that reads the tables: USE_CATALOG, USE_SCHEMA, SELECT'),
      agent_privileges: z.array(z.string().min(1).max(64)).max(16).optional().describe('Override of the agent principal\'s schema privileges (ALL_PRIVILEGES is refused)'),
      ops_privileges: z.array(z.string().min(1).max(64)).max(16).optional().describe('Override of the ops group\'s schema privileges (ALL_PRIVILEGES is refused)'),
      opt_out_reason: z.string().min(3).max(500).optional().describe('Go without the F4 grants on purpose (agent_service_principal and ops_group are otherwise required); the reason is recorded in the state file and the plan warns about it'),
    })
    .default({}),
  alert: z
    .object({
      threshold: z.number().gt(0).lt(1).default(DEFAULT_ALERT.threshold).describe('Share of requests (0..1) answered 429 or 5xx over the window above which the alert triggers. Default 0.05'),
      window_minutes: z.number().int().min(5).max(1440).default(DEFAULT_ALERT.windowMinutes).describe('Trailing window the share is measured over. Default 60'),
      schedule: z.string().min(11).max(120).default(DEFAULT_ALERT.schedule).describe('Quartz cron schedule of the evaluations. Default every 5 minutes ("0 0/5 * * * ?")'),
      timezone: z.string().min(1).max(64).default(DEFAULT_ALERT.timezone).describe('Time zone of the schedule. Default UTC'),
      subscribers: z.array(z.string().email()).max(50).default([]).describe('E-mail addresses notified when it triggers and when it is back to OK'),
      run_as: z.string().min(1).max(255).optional().describe('Application id of the service principal the alert runs as (it needs SELECT on system.serving). Default grants.agent_service_principal, else the caller'),
      warehouse_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional().describe("SQL warehouse the alert's query runs on. Default DATABRICKS_WAREHOUSE_ID"),
    })
    .optional()
    .describe('A SQL alert (Alerts v2) on the gateway\'s 429/5xx share, planned and applied with the gateway; a repeat apply updates the alert the state file records (never another owner\'s alert of that name). Its query is the errors report of query_usage over a trailing window'),
  state_file: stateFileInput,
  mode: z.enum(['plan', 'apply', 'export']).default('plan').describe('plan: show the differences and return a plan_id; apply: carry out a plan; export: the plan as files to commit (bundle resources), nothing applied'),
  plan_id: z.string().min(1).max(2048).optional().describe('The plan_id a plan call returned; apply carries out exactly that plan'),
  timeout_seconds: z.number().int().min(1).max(3600).default(600).describe('Longest to wait for a config update to finish before returning'),
});

const changeSchema = z.object({ path: z.string().describe('JSON pointer: /config/…, /ai_gateway/…, /grants/<securable>/<name>/<principal>, /state/Foundation/f4_gateway'), from: z.unknown(), to: z.unknown() });

const endpointSchema = z.object({
  name: z.string().describe('Endpoint name, or <catalog>.<schema>.<service> for a model service'),
  state: z.object({ ready: z.string().optional(), config_update: z.string().optional() }),
  served_entities: z.array(z.object({ name: z.string().optional(), entity_name: z.string().optional(), external_model: z.string().optional().describe('The endpoint an external model wraps'), traffic_percentage: z.number().optional() })),
  invocation_url: z.string(),
  client: z.object({ openai_base_url: z.string(), anthropic_base_url: z.string(), model: z.string().describe('The model id clients pass') }).optional().describe('model_service: where OpenAI- and Anthropic-compatible clients call the service'),
  mcp_services: z.array(z.object({ name: z.string(), url: z.string() })).optional().describe('model_service: the MCP services registered with the gateway and their URLs'),
});

const alertSchema = z.object({
  id: z.string().optional(),
  display_name: z.string(),
  action: z.enum(['create', 'update', 'none']),
  lifecycle_state: z.string().optional(),
  evaluation_state: z.string().optional().describe('OK, TRIGGERED, ERROR, or UNKNOWN before its first evaluation'),
  last_evaluated_at: z.string().optional(),
  schedule: z.string(),
  threshold: z.number(),
  window_minutes: z.number(),
});

const consumerSchema = z.object({
  endpoint: z.string(),
  base_url: z.string().describe('OpenAI-compatible base URL; the model is the endpoint name'),
  anthropic_base_url: z.string(),
  invocation_url: z.string(),
  model: z.string(),
  served_entity: z.string().optional(),
  snippets: z.object({ openai_python: z.string(), openai_typescript: z.string(), anthropic_python: z.string(), langchain_python: z.string(), claude_code_env: z.string() }),
  notes: z.array(z.string()),
});

const output = z.object({
  target: z.enum(['serving_endpoint', 'model_service']).optional().describe('Which kind of gateway the plan is for'),
  status: z
    .enum(['planned', 'exported', 'applied', 'incomplete', 'unchanged', 'updating', 'halted', 'blocked'])
    .describe('incomplete: the gateway is in place but a later step failed; see incomplete, fix, then plan and apply again. updating: nothing to change, but a config update is still rolling out; see in_progress'),
  plan: z.object({ action: z.enum(['create', 'update', 'none']), changes: z.array(changeSchema), warnings: z.array(z.string()) }),
  plan_id: z.string().optional().describe('Pass to mode "apply" to carry out this plan'),
  plan_expires_at: z.string().optional(),
  files: z.array(z.object({ path: z.string(), content: z.string() })).optional().describe('export: files to commit'),
  endpoint: endpointSchema.optional(),
  alert: alertSchema.optional().describe('The SQL alert on the gateway\'s 429/5xx: as planned, or as the workspace holds it after apply'),
  consumer: consumerSchema.optional().describe('After apply: how consumers point at the gateway (base URL, snippets that send the MLflow trace id); the wire_consumer prompt gives the same'),
  grants: z.array(z.object({ securable: z.enum(['catalog', 'schema', 'model_service', 'mcp_service']), full_name: z.string(), principal: z.string(), privileges: z.array(z.string()) })).optional(),
  state_updates: z.object({ state_file: z.string(), key: z.string(), changed: z.boolean(), value: z.record(z.string(), z.unknown()) }).optional(),
  findings: z.array(findingSchema).optional(),
  operator_prompt: operatorPromptSchema.optional(),
  operator_response: operatorResponseSchema.optional(),
  in_progress: z.object({ what: z.string(), check: z.string(), remaining_steps: z.array(z.string()) }).optional(),
  incomplete: z
    .object({ done: z.array(z.string()), not_done: z.array(z.string()), failed_step: z.string(), error: z.string(), recorded_incomplete: z.boolean().describe('The state file records the gateway as status incomplete'), next: z.string() })
    .optional(),
  next_step: z.string().optional(),
  state_file: z.string(),
  workspace: z.string().optional(),
});

type Output = z.output<typeof output>;
type Args = z.output<typeof input>;

const CONFIRM_KEY = 'confirm';
const confirmForm = z.object({ confirm: z.boolean().describe('Apply this plan to the workspace now') });

const DESCRIPTION = `Creates or updates a Databricks AI Gateway the F4 way, in two calls:
1. mode "plan" (default): checks the halt rule (every role's bound endpoint must have passed its role probe — otherwise status "halted" with operator_prompt: show it to the operator, never pick an endpoint yourself), reads the workspace (the audited endpoints and their task, the token secret, eligible system.ai models), builds the gateway from the bound passing endpoints only (usage tracking, inference tables at <catalog>.<schema>.<prefix>_payload, rate limits, PII+safety guardrails, explicit grants to grants.agent_service_principal and grants.ops_group), validates it (errors → status "blocked" with findings to fix), and diffs it against the live side: plan.action create|update|none, plan.changes [{path, from, to}], plan.warnings (show them to the user). Returns plan_id.
   form: "dedicated" (default) — a new endpoint <name> of external models wrapping the audited pay-per-token endpoints, calling them with the token in token_secret ("scope/key" of a Databricks secret; never the token itself); the only form with fallbacks (fallback: true serves the next passing candidate at 0 %). "attach" — the gateway settings on the audited endpoint itself (no name; shared by every caller of that endpoint; no fallbacks). "provisioned" — Provisioned Throughput of the system.ai model behind the audited endpoint, when the workspace lists it as eligible (provisioned_units).
   target: "model_service" — a Unity AI Gateway model service <catalog>.<schema>.<name> routing to the system.ai models behind the audited endpoints (fallback: true adds the roles' next passing candidates as ordered fallbacks, at most 5), rate limits per service and per user, the inference table, EXECUTE grants on the service, and mcp_services over UC HTTP connections; guardrails are service policies the plan says to attach. Without target, the state file's target is kept; a first run prefers model_service when the workspace answers its API (the plan says so).
2. mode "apply" with that plan_id: creates the endpoint (or PUTs the whole ai_gateway block, and the config only when served entities change), waits for the rollout with progress, grants explicit privileges (never ALL_PRIVILEGES), and records Foundation.f4_gateway in the state file. Without plan_id, clients that support forms are asked to confirm instead. A stale, expired or foreign plan_id is refused: plan again. Repeating an apply returns "unchanged". If in_progress is set, the endpoint was still updating when the call returned: follow its check. Status "incomplete": the gateway is in place but grants, the alert or the state record failed; fix the cause and plan+apply again (nothing is created twice).
With alert, a SQL alert on the gateway's 429/5xx share (threshold over window_minutes, on a Quartz schedule, notifying subscribers, running as alert.run_as) is part of the plan (changes under /alert) and is created or updated after the grants; repeating the apply leaves it unchanged. An applied (or unchanged) result carries consumer: the base URL and snippets that point clients at the gateway with the MLflow trace id as client_request_id.`;

export const createGatewayTool = defineTool({
  name: 'create_gateway',
  title: 'Create or update an AI Gateway endpoint',
  description: DESCRIPTION,
  kind: 'write',
  idempotent: true,
  destructive: true,
  openWorld: true,
  input,
  output,
  async run(args, call) {
    const request = toRequest(args);
    const plan = async () => present(await planGateway(call.runtime, request, call.signal), call);
    const apply = async (planId: string) =>
      present(
        await applyGateway(call.runtime, request, planId, {
          signal: call.signal,
          waitBudgetMs: args.timeout_seconds * 1000,
          progress: (message, fraction) => call.progress(Math.round((fraction ?? 0) * 100), 100, message),
        }),
        call,
      );

    if (args.mode === 'plan') return withNextStep(await plan(), 'Show the changes and warnings to the user; to carry them out call again with mode "apply" and this plan_id.');
    if (args.mode === 'export') return present(await exportGateway(call.runtime, request, call.signal), call);
    if (args.plan_id) return apply(args.plan_id);

    // Apply without a plan_id: the operator confirms the plan in a form, on clients that can show one.
    const confirm = async (answer: FormAnswer<z.output<typeof confirmForm>>) => {
      if (answer.action !== 'accept' || answer.content.confirm !== true) {
        return withNextStep(await plan(), 'The operator did not confirm: nothing was applied. Plan again when they are ready.');
      }
      // The form carries the plan id of the plan the operator saw; it is verified like any plan_id.
      if (typeof answer.state !== 'string') {
        throw new ToolError('Nothing was applied', 'the confirmation came back without the plan it confirmed', 'Call create_gateway with mode "plan", then apply with its plan_id', 'PLAN_ID_MISSING');
      }
      return apply(answer.state);
    };
    const earlier = call.answered(CONFIRM_KEY, confirmForm);
    if (earlier) return confirm(earlier);
    const result = await plan();
    if (isInputRequiredResult(result) || result.status !== 'planned' || !result.plan_id) return result;
    // The form shows plan values (names, prefixes) as they are: escaped like every text copy.
    const outcome = await call.form(CONFIRM_KEY, confirmationMessage(escapeStrings(result)), confirmForm, result.plan_id);
    switch (outcome.kind) {
      case 'answer':
        return confirm(outcome);
      case 'ask':
        return outcome.request;
      case 'failed':
        return { ...result, next_step: `The confirmation form could not be shown (${outcome.reason}): nothing was applied. Show this plan to the user, then call again with mode "apply" and this plan_id.` };
      case 'unavailable':
        return { ...result, next_step: 'Apply needs confirmation: show this plan (and its warnings) to the user, then call again with mode "apply" and this plan_id.' };
    }
  },
  text: renderResult,
});

function toRequest(args: Args): ProvisionRequest {
  const [scope, key] = args.token_secret?.split('/') ?? [];
  return {
    name: args.name,
    form: args.form,
    target: args.target,
    ...(args.mcp_services
      ? { mcpServices: args.mcp_services.map((m) => ({ name: m.name, connection: m.connection, includeTools: m.include_tools, requestsPerMinute: m.requests_per_minute })) }
      : {}),
    ...(scope && key ? { tokenSecret: { scope, key } } : {}),
    provisionedUnits: args.provisioned_units,
    roles: args.roles,
    fallback: args.fallback,
    catalog: args.catalog,
    schema: args.schema,
    tableNamePrefix: args.table_name_prefix,
    rateLimits: args.rate_limits,
    guardrails: args.guardrails,
    grants: {
      agentServicePrincipal: args.grants.agent_service_principal,
      opsGroup: args.grants.ops_group,
      agentPrivileges: args.grants.agent_privileges,
      opsPrivileges: args.grants.ops_privileges,
      optOut: args.grants.opt_out_reason,
    },
    stateFile: args.state_file,
    ...(args.alert
      ? {
          alert: {
            threshold: args.alert.threshold,
            windowMinutes: args.alert.window_minutes,
            schedule: args.alert.schedule,
            timezone: args.alert.timezone,
            subscribers: args.alert.subscribers,
            runAs: args.alert.run_as ?? args.grants.agent_service_principal,
            warehouseId: args.alert.warehouse_id,
          },
        }
      : {}),
  };
}

function withNextStep(result: Output | InputRequiredResult, nextStep: string): Output | InputRequiredResult {
  if (isInputRequiredResult(result) || result.status !== 'planned' || result.next_step) return result;
  return { ...result, next_step: nextStep };
}

const NO_PLAN: Output['plan'] = { action: 'none', changes: [], warnings: [] };

/** The use case's outcome as the tool's output; a halt is also asked as a form where the client can show one. */
async function present(outcome: PlanOutcome | ApplyOutcome | ExportOutcome, call: ToolCall): Promise<Output | InputRequiredResult> {
  const workspace = outcome.workspace ? { workspace: outcome.workspace } : {};
  switch (outcome.status) {
    case 'halted': {
      const prompt = outcome.report.operator_prompt;
      if (!prompt) throw new ToolError('create_gateway halted without an operator prompt', 'the halt rule returned no prompt', 'Run read_audit to see the role reports', 'INTERNAL');
      const result: Output = {
        status: 'halted',
        plan: NO_PLAN,
        operator_prompt: prompt,
        next_step: 'Show operator_prompt.message to the operator and wait. Do not choose another endpoint yourself; nothing was created.',
        state_file: outcome.stateFile,
        ...workspace,
      };
      const answer = await askOperator(call, prompt);
      if (answer && isInputRequiredResult(answer)) return answer;
      if (answer) result.operator_response = answer;
      return result;
    }
    case 'blocked':
      return {
        status: 'blocked',
        plan: NO_PLAN,
        findings: outcome.findings,
        next_step: 'Fix the error findings (usually an argument: table_name_prefix, schema, rate_limits, guardrails, grants), then plan again.',
        state_file: outcome.stateFile,
        ...workspace,
      };
    default: {
      const result: Output = {
        target: outcome.target,
        status: outcome.status,
        plan: { action: outcome.plan.action, changes: outcome.plan.changes, warnings: outcome.plan.warnings },
        ...(outcome.gateway ? { endpoint: outcome.gateway } : {}),
        ...(outcome.alert ? { alert: outcome.alert } : {}),
        ...(outcome.findings.length ? { findings: outcome.findings } : {}),
        state_file: outcome.stateFile,
        ...workspace,
      };
      if (outcome.status === 'planned') return { ...result, plan_id: outcome.planId, plan_expires_at: outcome.expiresAt };
      if (outcome.status === 'exported') {
        return {
          ...result,
          files: outcome.files,
          plan_id: outcome.planId,
          plan_expires_at: outcome.expiresAt,
          next_step: 'Show the files to the user to commit; deploy bundle resources with `databricks bundle deploy`, and run the scripts (grants, CLI commands) from the pipeline. Nothing was applied.',
        };
      }
      const consumer = outcome.consumer ? { consumer: outcome.consumer } : {};
      if (outcome.status === 'unchanged') return { ...result, grants: outcome.grants, ...consumer };
      if (outcome.status === 'updating') return { ...result, grants: outcome.grants, ...consumer, in_progress: outcome.inProgress };
      return {
        ...result,
        ...consumer,
        grants: outcome.grants,
        ...(outcome.stateUpdate ? { state_updates: outcome.stateUpdate } : {}),
        ...(outcome.inProgress ? { in_progress: outcome.inProgress } : {}),
        ...(outcome.incomplete ? { incomplete: outcome.incomplete } : {}),
      };
    }
  }
}

function confirmationMessage(result: Output): string {
  const lines = [`Apply this ${result.plan.action} plan to ${result.workspace ?? 'the workspace'}?`, '', ...result.plan.changes.slice(0, 30).map((c) => `${c.path}: ${short(c.from)} → ${short(c.to)}`)];
  if (result.plan.changes.length > 30) lines.push(`… and ${result.plan.changes.length - 30} more changes`);
  if (result.plan.warnings.length) lines.push('', 'Warnings:', ...result.plan.warnings.map((w) => `- ${w}`));
  return lines.join('\n');
}

function short(value: unknown): string {
  const text = value === null || value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function renderResult(result: Output): string {
  const lines = [`create_gateway: ${result.status.toUpperCase()} — ${result.target ? `${result.target} ` : ''}action ${result.plan.action}${result.workspace ? ` on ${result.workspace}` : ''} (state file ${result.state_file})`];
  if (result.plan.changes.length) lines.push('', table(['path', 'from', 'to'], result.plan.changes.map((c) => [c.path, short(c.from), short(c.to)])));
  if (result.plan.warnings.length) lines.push('', 'warnings (show these to the user):', ...result.plan.warnings.map((w) => `- ${w}`));
  if (result.findings?.length) lines.push('', table(['severity', 'rule', 'path', 'message and fix'], result.findings.map((f) => [f.severity, f.rule, f.path || '/', `${f.message}. Fix: ${f.fix}`])));
  if (result.operator_prompt) lines.push('', `OPERATOR PROMPT (show to the operator, do not choose an endpoint yourself): ${result.operator_prompt.message}`);
  if (result.operator_response) lines.push('', operatorAnswerText(result.operator_response));
  if (result.endpoint) {
    const e = result.endpoint;
    // A model service has no serving state to show: it answers once written.
    lines.push('', e.client ? `model service ${e.name} — ${e.invocation_url}` : `endpoint ${e.name}: ${e.state.ready ?? '?'} / ${e.state.config_update ?? '?'} — ${e.invocation_url}`);
    lines.push(...e.served_entities.map((s) => `  ${s.name ?? '?'} → ${s.external_model ? `external model wrapping ${s.external_model}` : (s.entity_name ?? '?')} (${s.traffic_percentage ?? '?'} %)`));
    if (e.client) lines.push(`  clients: OpenAI ${e.client.openai_base_url}, Anthropic ${e.client.anthropic_base_url}, model "${e.client.model}"`);
    lines.push(...(e.mcp_services ?? []).map((m) => `  MCP service ${m.name}: ${m.url}`));
  }
  if (result.alert) {
    const a = result.alert;
    const state = a.evaluation_state ? `, last evaluation ${a.evaluation_state}${a.last_evaluated_at ? ` at ${a.last_evaluated_at}` : ''}` : '';
    lines.push('', `alert "${a.display_name}"${a.id ? ` (${a.id})` : ''}: ${a.action} — triggers above ${(a.threshold * 100).toFixed(1)} % 429/5xx over ${a.window_minutes} min, schedule ${a.schedule}${state}`);
  }
  if (result.consumer) {
    const c = result.consumer;
    lines.push('', `consumers: base URL ${c.base_url} with model "${c.model}" (Anthropic: ${c.anthropic_base_url}); snippets that send the MLflow trace id as client_request_id: ${Object.keys(c.snippets).join(', ')} (in consumer.snippets, or the wire_consumer prompt)`);
  }
  if (result.grants?.length) lines.push('', table(['securable', 'name', 'principal', 'privileges'], result.grants.map((g) => [g.securable, g.full_name, g.principal, g.privileges.join(', ')])));
  if (result.state_updates) lines.push('', `state: ${result.state_updates.key} ${result.state_updates.changed ? 'written to' : 'already current in'} ${result.state_updates.state_file}`);
  if (result.in_progress) lines.push('', `STILL IN PROGRESS: ${result.in_progress.what}. Check: ${result.in_progress.check}`);
  if (result.incomplete) {
    const i = result.incomplete;
    lines.push('', `INCOMPLETE: done ${i.done.join(', ')}; not done ${i.not_done.join(', ')}. ${i.failed_step} failed: ${i.error}${i.recorded_incomplete ? ' (the state file records status incomplete)' : ''}. Next: ${i.next}`);
  }
  // The seam escaped every newline (a value in a file may come from the workspace): lay the lines out again,
  // each still escaped, so a reviewer reads the file as it is.
  for (const file of result.files ?? []) lines.push('', `--- ${file.path}`, ...file.content.replace(/(\\n)+$/, '').split('\\n'));
  if (result.plan_id) lines.push('', `plan_id: ${result.plan_id} (expires ${result.plan_expires_at ?? '?'})`);
  if (result.next_step) lines.push('', `next: ${result.next_step}`);
  return lines.join('\n');
}
