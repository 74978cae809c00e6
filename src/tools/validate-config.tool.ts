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
    .describe('The create body (name, config, ai_gateway)'),
  config_file: z.string().min(1).max(4096).optional().describe('JSON or YAML file holding the create body, or a bundle resource file'),
  endpoint: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'an endpoint name is 1-63 letters, digits, "-" or "_"')
    .optional()
    .describe("A live endpoint: check its current config and the F4 checklist"),
  state_file: stateFileInput.describe('Workshop state file, to check served entities against the audit'),
  warehouse_id: warehouseIdInput,
  min_request_id_share: z
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_MIN_REQUEST_ID_SHARE)
    .describe('With endpoint: share of requests that must carry client_request_id'),
  window_days: z.number().int().min(1).max(90).default(7),
  alert_id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional().describe('With endpoint: its 429/5xx alert if made elsewhere'),
  target: z
    .enum(['serving_endpoint', 'model_service', 'mcp_service'])
    .optional()
    .describe("Omitted: from the body's shape"),
});

export const findingSchema = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  path: z.string().describe('JSON pointer into the body'),
  message: z.string(),
  fix: z.string(),
});

const checklistEntrySchema = z.object({
  item: z.enum(CHECKLIST.map((c) => c.item) as [string, ...string[]]),
  title: z.string(),
  status: z.enum(['pass', 'fail', 'unknown']),
  evidence: z.string(),
  fix: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const output = z.object({
  valid: z.boolean(),
  findings: z.array(findingSchema),
  checklist: z.array(checklistEntrySchema).optional(),
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
  description: `Lints a gateway config, or a live endpoint's, against the Databricks API shape and the F4 rules (usage tracking, inference table in a team schema, rate limits, PII and safety guardrails, only bound endpoints that passed their probe). Give one of config, config_file or endpoint; with endpoint it also checks the F4 checklist item by item. Each finding has a JSON pointer and a fix.`,
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

