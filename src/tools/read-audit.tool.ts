/** read_audit: which role endpoints passed their probe, and whether F4 must halt. */
import { isInputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { DEFAULT_ROLES } from '../governance/role-probe.js';
import { auditReport } from '../use-cases/audit-report.js';
import { defineTool } from './define-tool.js';
import { list, table } from './text-format.js';
import { askOperator, operatorAnswerText } from './operator-prompt.js';
import { operatorPromptSchema, operatorResponseSchema, roleReportSchema } from './shared-output-schemas.js';

export const stateFileInput = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe('YAML or Markdown; local, /Workspace/ or /Volumes/ path; omitted: AIGW_STATE_FILE or ./state.yaml');

export const rolesInput = z
  .array(z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, 'a role name is letters, digits, "_", "-" or "."'))
  .min(1)
  .max(32)
  .default([...DEFAULT_ROLES]);

const input = z.object({
  state_file: stateFileInput,
  roles: rolesInput.describe('Roles the gateway will serve; any failing one halts'),
  max_audit_age_days: z.number().int().min(1).max(3650).default(30).describe('Older audits warn, never fail'),
});

const output = z.object({
  state_file: z.string(),
  status: z.enum(['ok', 'halted']),
  roles: z.array(roleReportSchema),
  operator_prompt: operatorPromptSchema.optional(),
  operator_response: operatorResponseSchema.optional(),
});

export const readAuditTool = defineTool({
  name: 'read_audit',
  title: 'Read the endpoint audit (F4 halt rule)',
  description: `Whether the endpoint bound to each role in the workshop state file passed its role probe in endpoint_guardrail_audit (short chat; streaming for agent_chat or streaming_required roles; long context when min_context_chars is set). Status "halted" means stop: show operator_prompt.message to the operator and wait for what it asks; never pick another endpoint yourself. Never writes the file.`,
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input,
  output,
  async run(args, call) {
    const result: z.output<typeof output> = await auditReport(call.runtime, { stateFile: args.state_file, roles: args.roles, maxAuditAgeDays: args.max_audit_age_days });
    if (!result.operator_prompt) return result;
    const answer = await askOperator(call, result.operator_prompt);
    if (answer && isInputRequiredResult(answer)) return answer;
    if (answer) result.operator_response = answer;
    return result;
  },
  text: renderAudit,
});

export function renderAudit(result: {
  state_file: string;
  status: string;
  roles: z.output<typeof roleReportSchema>[];
  operator_prompt?: z.output<typeof operatorPromptSchema>;
  operator_response?: z.output<typeof operatorResponseSchema>;
}): string {
  const lines = [`state file: ${result.state_file}`, `status: ${result.status.toUpperCase()}`, ''];
  lines.push(
    table(
      ['role', 'endpoint', 'status', 'failed checks', 'fallback candidates'],
      result.roles.map((r) => [r.role, r.endpoint ?? '-', r.status, list(r.failed_checks), list(r.fallback_candidates)]),
    ),
  );
  const warnings = result.roles.flatMap((r) => r.warnings.map((w) => `- ${r.role}: ${w}`));
  if (warnings.length > 0) lines.push('', 'warnings:', ...warnings);
  if (result.operator_prompt) lines.push('', `OPERATOR PROMPT (show to the operator, do not choose an endpoint yourself): ${result.operator_prompt.message}`);
  if (result.operator_response) lines.push('', operatorAnswerText(result.operator_response));
  return lines.join('\n');
}
