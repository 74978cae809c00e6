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
    .describe('user_group and service_principal need principal; request_tag needs request_tag_key'),
  renewal_period: z.literal('minute').default('minute'),
  calls: z.number().int().min(0).optional(),
  tokens: z.number().int().min(0).optional(),
  principal: z.string().min(1).max(255).optional().describe('Group name or application id'),
  request_tag_key: z.string().min(1).max(128).optional().describe('e.g. "project"'),
  request_tag_value: z.string().min(1).max(256).optional().describe('Omitted: each value its own bucket'),
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
    .describe('Form attach takes none'),
  target: z
    .enum(['serving_endpoint', 'model_service'])
    .optional()
    .describe("Omitted: the state file's, else model_service where available"),
  mcp_services: z
    .array(
      z.object({
        name: ucName,
        connection: z.string().min(1).max(767).regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,2}$/, 'a connection is "name" (in the gateway schema) or "catalog.schema.name"').describe('UC HTTP connection'),
        include_tools: z.array(z.string().min(1).max(256)).max(100).optional().describe('Names or prefixes ending in *; omitted: all'),
        requests_per_minute: z.number().int().min(1).optional(),
      }),
    )
    .max(20)
    .optional()
    .describe('model_service: MCP servers to govern'),
  form: z
    .enum(['dedicated', 'attach', 'provisioned'])
    .optional()
    .describe("dedicated: new endpoint wrapping the audited ones; attach: on the audited endpoint; provisioned: Provisioned Throughput"),
  token_secret: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}\/[A-Za-z0-9_.-]{1,128}$/, 'a secret is named "scope/key"')
    .optional()
    .describe('Secret "scope/key" holding the token, never the token'),
  provisioned_units: z.number().int().min(1).max(10_000).default(1).describe('Chunks of the size the workspace reports'),
  roles: rolesInput,
  fallback: z.boolean().default(false).describe("Also serve each role's next passing candidate"),
  catalog: ucName.optional().describe("Of the inference table; omitted: the state file's"),
  schema: ucName.optional().describe('A team schema, not "default"'),
  table_name_prefix: z
    .string()
    .min(1)
    .max(MAX_PREFIX_LENGTH)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a table-name prefix is letters, digits and "_", not starting with a digit')
    .default('gw')
    .describe('No trailing "_"'),
  rate_limits: z.array(rateLimitInput).min(0).max(20).default(DEFAULT_RATE_LIMITS),
  guardrails: z.object({ input: guardrailSide.optional(), output: guardrailSide.optional() }).default(DEFAULT_GUARDRAILS),
  grants: z
    .object({
      agent_service_principal: z.string().min(1).max(255).optional().describe('Application id'),
      ops_group: z.string().min(1).max(255).optional(),
      agent_privileges: z.array(z.string().min(1).max(64)).max(16).optional().describe('Never ALL_PRIVILEGES'),
      ops_privileges: z.array(z.string().min(1).max(64)).max(16).optional().describe('Never ALL_PRIVILEGES'),
      opt_out_reason: z.string().min(3).max(500).optional().describe('Skips the grants on purpose'),
    })
    .default({}),
  alert: z
    .object({
      threshold: z.number().gt(0).lt(1).default(DEFAULT_ALERT.threshold).describe('Share of 429/5xx replies'),
      window_minutes: z.number().int().min(5).max(1440).default(DEFAULT_ALERT.windowMinutes),
      schedule: z.string().min(11).max(120).default(DEFAULT_ALERT.schedule).describe('Quartz cron'),
      timezone: z.string().min(1).max(64).default(DEFAULT_ALERT.timezone),
      subscribers: z.array(z.string().email()).max(50).default([]),
      run_as: z.string().min(1).max(255).optional(),
      warehouse_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    })
    .optional()
    .describe("SQL alert on the 429/5xx share"),
  state_file: stateFileInput,
  mode: z.enum(['plan', 'apply', 'export']).default('plan').describe('export: files to commit, nothing applied'),
  plan_id: z.string().min(1).max(2048).optional().describe('From the plan call'),
  timeout_seconds: z.number().int().min(1).max(3600).default(600).describe('Longest wait for the rollout'),
});

const changeSchema = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });

const endpointSchema = z.object({
  name: z.string(),
  state: z.object({ ready: z.string().optional(), config_update: z.string().optional() }),
  served_entities: z.array(z.object({ name: z.string().optional(), entity_name: z.string().optional(), external_model: z.string().optional(), traffic_percentage: z.number().optional() })),
  invocation_url: z.string(),
  client: z.object({ openai_base_url: z.string(), anthropic_base_url: z.string(), model: z.string() }).optional(),
  mcp_services: z.array(z.object({ name: z.string(), url: z.string() })).optional(),
});

const alertSchema = z.object({
  id: z.string().optional(),
  display_name: z.string(),
  action: z.enum(['create', 'update', 'none']),
  lifecycle_state: z.string().optional(),
  evaluation_state: z.string().optional(),
  last_evaluated_at: z.string().optional(),
  schedule: z.string(),
  threshold: z.number(),
  window_minutes: z.number(),
});

const consumerSchema = z.object({
  endpoint: z.string(),
  base_url: z.string(),
  anthropic_base_url: z.string(),
  invocation_url: z.string(),
  model: z.string(),
  served_entity: z.string().optional(),
  snippets: z.object({ openai_python: z.string(), openai_typescript: z.string(), anthropic_python: z.string(), langchain_python: z.string(), claude_code_env: z.string() }),
  notes: z.array(z.string()),
});

const output = z.object({
  target: z.enum(['serving_endpoint', 'model_service']).optional(),
  status: z.enum(['planned', 'exported', 'applied', 'incomplete', 'unchanged', 'updating', 'halted', 'blocked']),
  plan: z.object({ action: z.enum(['create', 'update', 'none']), changes: z.array(changeSchema), warnings: z.array(z.string()) }),
  plan_id: z.string().optional(),
  plan_expires_at: z.string().optional(),
  files: z.array(z.object({ path: z.string(), content: z.string() })).optional(),
  endpoint: endpointSchema.optional(),
  alert: alertSchema.optional(),
  consumer: consumerSchema.optional(),
  grants: z.array(z.object({ securable: z.enum(['catalog', 'schema', 'model_service', 'mcp_service']), full_name: z.string(), principal: z.string(), privileges: z.array(z.string()) })).optional(),
  state_updates: z.object({ state_file: z.string(), key: z.string(), changed: z.boolean(), value: z.record(z.string(), z.unknown()) }).optional(),
  findings: z.array(findingSchema).optional(),
  operator_prompt: operatorPromptSchema.optional(),
  operator_response: operatorResponseSchema.optional(),
  in_progress: z.object({ what: z.string(), check: z.string(), remaining_steps: z.array(z.string()) }).optional(),
  incomplete: z
    .object({ done: z.array(z.string()), not_done: z.array(z.string()), failed_step: z.string(), error: z.string(), recorded_incomplete: z.boolean(), next: z.string() })
    .optional(),
  next_step: z.string().optional(),
  state_file: z.string(),
  workspace: z.string().optional(),
});

type Output = z.output<typeof output>;
type Args = z.output<typeof input>;

const CONFIRM_KEY = 'confirm';
const confirmForm = z.object({ confirm: z.boolean().describe('Apply this plan to the workspace now') });

const DESCRIPTION = `Creates or updates an AI Gateway in two calls. mode "plan" checks the halt rule, builds the gateway from bound endpoints that passed their probe only (usage tracking, inference table, rate limits, guardrails, explicit grants, optional 429/5xx alert), validates it and returns the changes and a plan_id; "halted" and "blocked" create nothing. Show the plan and get the user's yes; then mode "apply" with the plan_id applies, waits for the rollout, grants and records the gateway in the state file; "incomplete" names the failed step. mode "export" returns the plan as files to commit. Targets: a serving endpoint or a Unity AI Gateway model service.`;

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
