/** validate_config: lint a gateway create body against the Databricks API shape and the F4 rules. */
import { z } from 'zod';
import { CHECKLIST } from '../governance/checklist/checklist-items.js';
import { DEFAULT_MIN_REQUEST_ID_SHARE } from '../governance/checklist/correlation.js';
import { validateConfig } from '../use-cases/config-validation.js';
import { defineTool } from './define-tool.js';
import { table } from './text-format.js';
import { stateFileInput } from './read-audit.tool.js';
import { warehouseIdInput } from './warehouse-inputs.js';

const input = z.object({
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The create body as an object: {"name", "config": {"served_entities": [...]}, "ai_gateway": {...}}'),
  config_file: z.string().min(1).max(4096).optional().describe('Path of a JSON or YAML file holding the create body, or a bundle resource file (instead of config)'),
  endpoint: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'an endpoint name is 1-63 letters, digits, "-" or "_"')
    .optional()
    .describe('Name of a live serving endpoint: check its current config in the workspace (instead of config / config_file)'),
  state_file: stateFileInput.describe('Workshop state file; needed to check served entities against endpoint_guardrail_audit'),
  warehouse_id: warehouseIdInput.describe("With endpoint: the SQL warehouse that reads the usage and payload tables for the checklist; default DATABRICKS_WAREHOUSE_ID or the profile's warehouse_id"),
  min_request_id_share: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_MIN_REQUEST_ID_SHARE)
    .describe('With endpoint: share of the gateway\'s requests (0..1) that must carry client_request_id for the correlation item to pass'),
  window_days: z.number().int().min(1).max(90).default(7).describe('With endpoint: days of traffic the direct-traffic and correlation items look at'),
  alert_id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional().describe("With endpoint: the id of the gateway's 429/5xx SQL alert when its query is your own rather than create_gateway's"),
  target: z
    .enum(['serving_endpoint', 'model_service', 'mcp_service'])
    .optional()
    .describe('Which API config is for: a serving-endpoint create body, a Unity AI Gateway model service ({config: {routing, rate_limits, inference_table}}) or MCP service ({config: {source_connection, …}}). Default: read from the body\'s shape'),
});

export const findingSchema = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  path: z.string().describe('JSON pointer into the create body, e.g. /ai_gateway/inference_table_config/table_name_prefix'),
  message: z.string(),
  fix: z.string(),
});

const checklistEntrySchema = z.object({
  item: z.enum(CHECKLIST.map((c) => c.item) as [string, ...string[]]),
  title: z.string().describe("The F4 step's wording of the item"),
  status: z.enum(['pass', 'fail', 'unknown']).describe('unknown: the evidence could not be seen (evidence says why, fix says which grant or wait resolves it)'),
  evidence: z.string(),
  fix: z.string(),
  details: z.record(z.string(), z.unknown()).optional().describe('Figures behind the evidence: counts, shares, callers, alerts'),
});

const output = z.object({
  valid: z.boolean().describe('false when any finding is an error'),
  findings: z.array(findingSchema),
  checklist: z.array(checklistEntrySchema).optional().describe("With endpoint: the F4 validation checklist, one entry per item in the step's order"),
  source: z.enum(['object', 'file', 'live']),
  config_file: z.string().optional(),
  endpoint: z.string().optional(),
  state_file: z.string().optional(),
  workspace: z.string().optional(),
});

export type ValidateConfigOutput = z.output<typeof output>;

export const validateConfigTool = defineTool({
  name: 'validate_config',
  title: 'Validate a gateway config',
  description: `Lints an AI Gateway serving-endpoint create body before anything is created: the Databricks API shape (enum spellings, required fields, ai_gateway at the top level, endpoint name rules, deprecated fields) and the F4 rules (usage tracking and inference tables on, a team schema, table_name_prefix without a trailing "_", every served entity a bound endpoint that passed its role probe, at least one rate limit, PII and safety guardrails on input and output).
Unity AI Gateway bodies are linted too: a model service (destinations 1-10 with one config each, at most 5 fallbacks, rate-limit keys and periods, inference table, destinations only audited passing endpoints' system.ai models) or an MCP service; target picks the API, else the body's shape does.
Give exactly one of config (object), config_file (JSON/YAML path) or endpoint (a live endpoint's current config), plus state_file so served entities can be checked against the audit. With endpoint it also returns checklist: the F4 step's validation checklist item by item (pass / fail / unknown, with evidence and fix), including the live ones — a SQL alert on the gateway's 429/5xx, callers that bypass the gateway, the share of requests carrying client_request_id, and the payload table appearing after first traffic (these read the usage and payload tables through the SQL warehouse). Each finding has rule, severity, a JSON pointer path, message and fix; valid is false when any error remains. Fix errors and validate again before create_gateway. The rule catalog is the resource rules://catalog.`,
  kind: 'read',
  idempotent: true,
  openWorld: true,
  input,
  output,
  run: (args, call) =>
    validateConfig(call.runtime, {
      config: args.config,
      configFile: args.config_file,
      endpoint: args.endpoint,
      stateFile: args.state_file,
      warehouseId: args.warehouse_id,
      minRequestIdShare: args.min_request_id_share,
      windowDays: args.window_days,
      alertId: args.alert_id,
      target: args.target,
      signal: call.signal,
    }),
  text: (result) => [renderValidation(result), ...(result.checklist ? [renderChecklist(result.checklist)] : [])].join('\n\n'),
});

const MARK = { pass: '✓ pass', fail: '✗ fail', unknown: '? unknown' } as const;

/** The checklist as a compact table an agent can show as is: one line per item, evidence and fix in one cell. */
export function renderChecklist(checklist: NonNullable<ValidateConfigOutput['checklist']>): string {
  const counts = (['pass', 'fail', 'unknown'] as const).map((s) => `${checklist.filter((e) => e.status === s).length} ${s}`).join(', ');
  const rows = checklist.map((e, i) => [String(i + 1), MARK[e.status], e.item, e.status === 'pass' ? e.evidence : `${e.evidence}. Fix: ${e.fix}`]);
  return `F4 checklist: ${counts}\n${table(['#', 'status', 'item', 'evidence'], rows)}`;
}

export function renderValidation(result: Pick<ValidateConfigOutput, 'valid' | 'findings'> & { state_file?: string; config_file?: string; endpoint?: string }): string {
  const subject = result.endpoint ? `live endpoint ${result.endpoint}` : result.config_file ?? 'config';
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const head = `${subject}: ${result.valid ? 'VALID' : 'INVALID'} — ${errors} error(s), ${warnings} warning(s)${result.state_file ? ` (audit: ${result.state_file})` : ''}`;
  if (result.findings.length === 0) return head;
  const rows = result.findings.map((f) => [f.severity, f.rule, f.path || '/', `${f.message}. Fix: ${f.fix}`]);
  return `${head}\n\n${table(['severity', 'rule', 'path', 'message and fix'], rows)}`;
}

