/** validate_config: lint a gateway create body against the Databricks API shape and the F4 rules. */
import { z } from 'zod';
import { validateConfig } from '../use-cases/config-validation.js';
import { defineTool } from './define.js';
import { table } from './format.js';
import { stateFileInput } from './read-audit.js';

const input = z.object({
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The create body as an object: {"name", "config": {"served_entities": [...]}, "ai_gateway": {...}}'),
  config_file: z.string().min(1).max(4096).optional().describe('Path of a JSON or YAML file holding the create body (instead of config)'),
  endpoint: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'an endpoint name is 1-63 letters, digits, "-" or "_"')
    .optional()
    .describe('Name of a live serving endpoint: check its current config in the workspace (instead of config / config_file)'),
  state_file: stateFileInput.describe('Workshop state file; needed to check served entities against endpoint_guardrail_audit'),
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

const output = z.object({
  valid: z.boolean().describe('false when any finding is an error'),
  findings: z.array(findingSchema),
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
Give exactly one of config (object), config_file (JSON/YAML path) or endpoint (a live endpoint's current config), plus state_file so served entities can be checked against the audit. Each finding has rule, severity, a JSON pointer path, message and fix; valid is false when any error remains. Fix errors and validate again before create_gateway. The rule catalog is the resource rules://catalog.`,
  kind: 'read',
  idempotent: true,
  openWorld: true,
  input,
  output,
  run: (args, call) =>
    validateConfig(call.runtime, { config: args.config, configFile: args.config_file, endpoint: args.endpoint, stateFile: args.state_file, target: args.target, signal: call.signal }),
  text: renderValidation,
});

export function renderValidation(result: Pick<ValidateConfigOutput, 'valid' | 'findings'> & { state_file?: string; config_file?: string; endpoint?: string }): string {
  const subject = result.endpoint ? `live endpoint ${result.endpoint}` : result.config_file ?? 'config';
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length;
  const head = `${subject}: ${result.valid ? 'VALID' : 'INVALID'} — ${errors} error(s), ${warnings} warning(s)${result.state_file ? ` (audit: ${result.state_file})` : ''}`;
  if (result.findings.length === 0) return head;
  const rows = result.findings.map((f) => [f.severity, f.rule, f.path || '/', `${f.message}. Fix: ${f.fix}`]);
  return `${head}\n\n${table(['severity', 'rule', 'path', 'message and fix'], rows)}`;
}

